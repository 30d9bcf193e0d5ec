"""The remittances area in the demo dealer: Greenacres Farm's contact sends
a remittance advice for a bank transfer, and the transfer waits on the
dealer's bank statement for staff to confirm the match in one click
(bin/run loads customer_connect's demo dealer once the three addons are
installed: this addon's models are there)."""

from odoo import api, fields, models


class CustomerConnectDemo(models.AbstractModel):
    _inherit = "customer_connect.demo"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_demo_dealer(self, customer_count=150, seed=18):
        customers = super()._generate_demo_dealer(customer_count=customer_count, seed=seed)
        self._demo_remittance(self.env.company)
        return customers

    @api.model
    def _demo_remittance(self, company=None):
        """Greenacres Farm pays its two oldest open invoices by bank transfer
        and says so from the portal (one by its number, one by amount), with
        a line for a credit it expected that matches nothing; the transfer is
        on the dealer's bank statement, waiting to be matched."""
        company = company or self.env.company
        Remittance = self.env["customer_connect.remittance"]
        user = self._demo_portal_user()
        if not user:
            return Remittance
        customer = user.partner_id.commercial_partner_id
        invoices = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", customer.id),
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "=", "not_paid"),
                ("connect_in_dispute", "=", False),
            ],
            order="invoice_date, id",
            limit=2,
        )
        if len(invoices) < 2:
            return Remittance
        first, second = invoices
        references = [first.name.replace("/", " "), "Our ref 4471", "Credit for returned blades"]
        amounts = [
            f"{first.amount_residual:.2f}",
            f"{second.amount_residual:.2f}",
            "12.50",
        ]
        total = first.amount_residual + second.amount_residual + 12.50
        transfer_date = fields.Date.context_today(self)
        remittance = (
            Remittance.with_user(user)
            .with_company(company)
            ._connect_send(
                fields.Date.to_string(transfer_date),
                f"{total:.2f}",
                "GREENACRES FARM BACS",
                references,
                amounts,
            )
        )
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        if journal:
            self.env["account.bank.statement.line"].create(
                {
                    "journal_id": journal.id,
                    "date": transfer_date,
                    "payment_ref": "GREENACRES FARM BACS",
                    "amount": total,
                    "partner_id": customer.id,
                }
            )
        return remittance
