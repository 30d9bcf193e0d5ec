"""The reminders area in the demo dealer: the dealer reminds its customers
3 days before an invoice falls due and 7, 21 and 45 days after, and
today's reminders have gone (queued in Odoo's mail queue; bin/run reaches
no mail server): Customer Connect > Payment reminders shows them, with the
invoices left out because they are in dispute, promised or in a plan."""

from odoo import api, models

DEMO_SCHEDULE = "-3, 7, 21, 45"
# the job sends a chunk a call; the demo dealer's 150 customers take one or two
DEMO_JOB_CALLS = 20


class CustomerConnectDemo(models.AbstractModel):
    _inherit = "customer_connect.demo"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_demo_dealer(self, customer_count=150, seed=18):
        customers = super()._generate_demo_dealer(customer_count=customer_count, seed=seed)
        self._demo_payment_reminders(self.env.company)
        return customers

    @api.model
    def _demo_payment_reminders(self, company=None):
        """Give ``company`` the reminder schedule and run the daily job as
        Odoo's cron would (after the demo's disputes, promises and plans,
        so that their invoices are held)."""
        company = company or self.env.company
        if not company.connect_payment_reminder_days:
            # sudo: demo data, the dealer's setting (Settings > Customer Connect)
            company.sudo().connect_payment_reminder_days = DEMO_SCHEDULE
        # sudo: the daily job, as Odoo's cron runs it (on every company)
        Service = self.env["customer_connect.payment.reminder.service"].sudo()
        sent = self.env["customer_connect.payment.reminder"]
        for _call in range(DEMO_JOB_CALLS):
            claimed = Service._cron_send_payment_reminders()
            if not claimed:
                break
            sent |= claimed
        return sent
