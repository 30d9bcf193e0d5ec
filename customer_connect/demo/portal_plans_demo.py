"""The instalment plans area in the demo dealer: Greenacres Farm bought a
compact tractor today, and its contact asked from the portal to pay it in
three monthly instalments; the request waits for the dealer's
answer (Customer Connect > Instalment plans)."""

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

TRACTOR_PRICE = 18450.0


class CustomerConnectDemo(models.AbstractModel):
    _inherit = "customer_connect.demo"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_demo_dealer(self, customer_count=150, seed=18):
        customers = super()._generate_demo_dealer(customer_count=customer_count, seed=seed)
        self._demo_plan(self.env.company)
        return customers

    @api.model
    def _demo_plan(self, company=None):
        """The tractor's invoice (posted as the dealer posts one) and the
        contact's request to pay it in three instalments, each a month
        apart, the last taking the pennies."""
        company = company or self.env.company
        Plan = self.env["customer_connect.plan"]
        user = self._demo_portal_user()
        if not user:
            return Plan
        Journal = self.env["account.journal"]
        journal = Journal.search(
            [*Journal._check_company_domain(company), ("type", "=", "sale")], limit=1
        )
        today = fields.Date.context_today(self)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                # to the farm's billing contact, as the project's deposit
                "partner_id": user.partner_id.id,
                "company_id": company.id,
                "journal_id": journal.id,
                # today: the journal's last number (numbered in date order)
                "invoice_date": today,
                "ref": "Compact tractor 25 hp",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Compact tractor 25 hp, front loader",
                            "quantity": 1,
                            "price_unit": TRACTOR_PRICE,
                            "account_id": journal.default_account_id.id,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        total = invoice.amount_residual
        part = invoice.currency_id.round(total / 3)
        amounts = [part, part, invoice.currency_id.round(total - 2 * part)]
        dates = [today + relativedelta(months=n + 1) for n in range(3)]
        return (
            Plan.with_user(user)
            .with_company(company)
            ._connect_ask(
                invoice.id,
                [fields.Date.to_string(day) for day in dates],
                [f"{amount:.2f}" for amount in amounts],
                "The tractor pays for itself at harvest: could we spread it over three months?",
            )
        )
