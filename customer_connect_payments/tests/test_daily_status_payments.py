from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.customer_connect.tests.common import ConnectCase
from odoo.addons.customer_connect.tests.daily_status_window import DailyStatusWindowMixin


@tagged("post_install", "-at_install")
class TestDailyStatusPayments(DailyStatusWindowMixin, ConnectCase):
    """Online payments in the daily status e-mail and as the activation
    funnel's last step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Status = cls.env["customer_connect.daily.status"]
        cls.staff.partner_id.email = "sam.staff@northfield.example"
        cls.company.connect_daily_status_user_ids = [Command.set(cls.staff.ids)]

    def _payment(self, customer, amount, when, online=True):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": customer.id,
                "amount": amount,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        # as the payment service books it (connect_online is readonly)
        payment.sudo().connect_online = online
        payment.flush_recordset()
        # when Odoo recorded it: the database's clock, not freezegun's
        self.env.cr.execute(
            "UPDATE account_payment SET create_date = %s WHERE id = %s", [when, payment.id]
        )
        payment.invalidate_recordset()
        return payment

    def test_payments_of_the_day(self):
        self.assertIn(
            "customer_connect.payment.service", self.Status._connect_daily_status_sources()
        )
        paid = self._payment(self.farm, 120.0, "2026-03-02 10:00:00")
        self._payment(self.farm, 30.5, "2026-03-02 16:00:00")
        self._payment(self.golf, 999.0, "2026-03-02 11:00:00", online=False)
        self._payment(self.golf, 777.0, "2026-03-01 11:00:00")
        with freeze_time("2026-03-03 05:00:00"):
            self.Status._cron_send()
        log = self.env["customer_connect.mail.log"].search([("kind", "=", "daily_status")])
        self.assertEqual(len(log), 1)
        body = str(log.mail_id.body_html)
        self.assertIn("Payments received online", body)
        self.assertIn(f"Greenacres Farm: $\xa0120.00 ({paid.name})", body)
        self.assertIn("Total: $\xa0150.50 in 2 payments", body)
        self.assertNotIn("999.00", body, "booked by the dealer, not paid online")
        self.assertNotIn("777.00", body, "another day")

    def test_funnel_counts_the_first_online_payment(self):
        with freeze_time("2026-03-02 09:00:00"):
            self._activate(self.farm_billing)
        self._payment(self.farm, 50.0, "2026-03-02 12:00:00", online=False)
        self._payment(self.farm, 80.0, "2026-03-03 09:00:00")
        self.env.flush_all()
        row = self.env["customer_connect.activation.funnel"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual((row.invited_count, row.activated_count, row.paid_count), (1, 1, 1))
        self.assertAlmostEqual(row.hours_to_pay_median, 24.0, msg="the cheque does not count")

    def _payment_at(self, at, n):
        return f"({self._payment(self.farm, 100.0 + n, at).name})"

    def test_payments_day_london(self):
        """A payment booked just after the company's midnight is in that
        day's e-mail alone, one a second before in the day before's."""
        self.assertSectionCoversTheDay("Europe/London", self._payment_at)

    def test_payments_day_chicago(self):
        self.assertSectionCoversTheDay("America/Chicago", self._payment_at)
