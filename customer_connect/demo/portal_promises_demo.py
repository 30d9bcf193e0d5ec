"""The promises area in the demo dealer: Greenacres Farm's contact has
promised to pay its two oldest open invoices in a fortnight (an open
promise; reminders leave them out until then), and an earlier promise on
another invoice was not kept (flagged by the daily job)."""

from datetime import timedelta

from odoo import Command, api, fields, models


class CustomerConnectDemo(models.AbstractModel):
    _inherit = "customer_connect.demo"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_demo_dealer(self, customer_count=150, seed=18):
        customers = super()._generate_demo_dealer(customer_count=customer_count, seed=seed)
        self._demo_promises(self.env.company)
        return customers

    @api.model
    def _demo_promises(self, company=None):
        """Greenacres' contact promises, from the portal, to pay its two
        oldest open invoices in 14 days; a promise it made on its newest
        one, due 5 days ago and not paid, is closed as broken by the daily
        job (with its line on the customer's timeline)."""
        company = company or self.env.company
        Promise = self.env["customer_connect.promise"]
        user = self._demo_portal_user()
        if not user:
            return Promise
        as_contact = Promise.with_user(user).with_company(company)
        invoices = as_contact._connect_promisable()
        if len(invoices) < 2:
            return Promise
        today = fields.Date.context_today(self)
        # the oldest (one or two) promised now, the next one broken before
        first_two, third = invoices[: min(2, len(invoices) - 1)], invoices[-1]
        # the earlier promise: the portal would refuse its past date, so it
        # is written as it stood then. sudo: demo data (bin/run loads it as
        # the system; the portal's service creates promises as the system)
        broken = Promise.sudo().create(
            {
                "company_id": company.id,
                "partner_id": third.commercial_partner_id.id,
                "contact_id": user.partner_id.id,
                "move_ids": [Command.set(third.ids)],
                "currency_id": third.currency_id.id,
                "amount": third.amount_residual,
                "amount_open": third.amount_residual,
                "date_promised": today - timedelta(days=5),
            }
        )
        # sudo: the daily job, as Odoo's cron runs it
        Promise.sudo()._cron_close_promises()
        amount = sum(first_two.mapped("amount_residual"))
        promise = as_contact._connect_promise(
            first_two.ids,
            fields.Date.to_string(today + timedelta(days=14)),
            f"{amount:.2f}",
        )
        return promise | broken
