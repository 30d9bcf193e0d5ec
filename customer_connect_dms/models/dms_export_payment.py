"""Payments export: what customers paid in Odoo on imported invoices, for
the DMS to book (the connector's export_payments, and a file in the drop
folder's out/ for a DMS that reads files)."""

import csv
import os

from odoo import api, fields, models, modules

from odoo.addons.customer_connect.tools.csv_cells import csv_safe_cell

# the payments export of the drop folder (out/): columns, the last
# reconciliation exported per company, the name of a file not yet released
EXPORT_COLUMNS = ("invoice_number", "customer_number", "date", "amount", "payment", "reference")
EXPORT_WATERMARK_PARAM = "customer_connect_dms.payments_exported_until_%s"
EXPORT_PENDING = ".pending"


class DmsExportPayment(models.AbstractModel):
    _inherit = "customer_connect_dms.api"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _payment_rows(self, company, date_from=False, after_id=0):
        """[(reconciliation id, row)] of export_payments, oldest first; as
        the system (callers checked their caller: the connector is a DMS
        manager who need not hold accounting rights, the drop folder is the
        dealer's own job)."""
        domain = [
            ("debit_move_id.move_id.dms_number", "!=", False),
            ("credit_move_id.payment_id", "!=", False),
            ("company_id", "=", company.id),
            ("id", ">", after_id),
        ]
        if date_from:
            domain.append(("max_date", ">=", date_from))
        # sudo: see the docstring (the caller was checked)
        partials = self.env["account.partial.reconcile"].sudo().search(domain, order="id")
        rows = []
        for partial in partials:
            invoice = partial.debit_move_id.move_id
            payment = partial.credit_move_id.payment_id
            rows.append(
                (
                    partial.id,
                    {
                        "invoice_number": invoice.dms_number,
                        # a location sharing its owner's number: the owner's
                        "customer_number": invoice.commercial_partner_id.connect_dms_number or "",
                        "date": str(payment.date),
                        "amount": partial.amount,
                        "payment": payment.name,
                        "reference": payment.memo or "",
                    },
                )
            )
        return rows

    @api.model
    def _export_payments_to_drop_folder(self, folder):
        """Write the payments made in Odoo since the last export to
        ``<folder>/out/payments-<company id>-<time>.csv`` (the columns of
        export_payments), for a DMS that reads files rather than calling
        the API. Each reconciliation is exported once: the file is written
        under a temporary name, the watermark (the last reconciliation
        exported, per company) committed, then the file renamed; a crash in
        between leaves the temporary file, which the next run renames
        first, so a payment is never lost nor booked twice by the DMS."""
        out = os.path.join(folder, "out")
        os.makedirs(out, exist_ok=True)
        for name in os.listdir(out):
            if name.endswith(EXPORT_PENDING):
                os.replace(os.path.join(out, name), os.path.join(out, name[: -len(EXPORT_PENDING)]))
        # sudo: the drop folder is the dealer's own scheduled job, for every
        # company of the database (the rows are read as the system too)
        Param = self.env["ir.config_parameter"].sudo()
        for company in self.env["res.company"].sudo().search([]):
            key = EXPORT_WATERMARK_PARAM % company.id
            after_id = int(Param.get_param(key) or 0)
            rows = self._payment_rows(company, after_id=after_id)
            if not rows:
                continue
            stamp = fields.Datetime.now().strftime("%Y%m%d-%H%M%S")
            final = os.path.join(out, f"payments-{company.id}-{stamp}-{rows[-1][0]}.csv")
            with open(final + EXPORT_PENDING, "w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
                writer.writeheader()
                # a payment's reference is typed by the customer: shown, never run
                writer.writerows(
                    {key: csv_safe_cell(value) for key, value in row.items()} for _id, row in rows
                )
            Param.set_param(key, str(rows[-1][0]))
            if not modules.module.current_test:  # a test's transaction cannot commit
                self.env.cr.commit()  # pylint: disable=invalid-commit
            os.replace(final + EXPORT_PENDING, final)
