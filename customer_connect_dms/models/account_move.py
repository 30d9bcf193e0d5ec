from odoo import fields, models

DMS_JOURNAL_CODE = "DMS"


class AccountMove(models.Model):
    """What an imported invoice is: its DMS number (unique per company) and
    its sequence rule. How invoices import: dms_import_invoice*.py."""

    _inherit = "account.move"

    dms_number = fields.Char(
        "DMS invoice number",
        copy=False,
        index="btree_not_null",
        readonly=True,
        help="The invoice's number in the dealer management system: imports "
        "update the invoice that has it.",
    )

    _sql_constraints = (
        (
            "dms_number_company_unique",
            "UNIQUE(company_id, move_type, dms_number)",
            "Each DMS invoice number is imported once per company.",
        ),
    )

    def _must_check_constrains_date_sequence(self):
        # imported invoices keep the number the DMS gave them (the one on the
        # customer's paper copy): the DMS, not Odoo, matches it to the date
        if self.dms_number and self.journal_id.code == DMS_JOURNAL_CODE:
            return False
        return super()._must_check_constrains_date_sequence()
