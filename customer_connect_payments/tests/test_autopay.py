"""Autopay (issue 21, point 1): the job charges what is due once, through
Odoo's payment engine with the demo provider's tokens; instalments one by
one; never an invoice in dispute; nothing above the maximum; a refused
charge retried and then autopay turned off; notices; the hold it gives the
reminders; the portal page as the contact; the dealer's side as staff."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PayCase

TODAY = "2026-03-02"


@tagged("post_install", "-at_install")
class AutopayCase(PayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider.allow_tokenization = True
        cls.Autopay = cls.env["customer_connect.autopay"]
        cls.token = cls._demo_token(cls.farm_billing)
        cls.two_instalments = cls.env["account.payment.term"].create(
            {
                "name": "Half now, half in 30 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                ],
            }
        )

    @classmethod
    def _demo_token(cls, partner, state="done", details="4242"):
        """A saved card, as Odoo's payment tests make one (``_create_token``)."""
        return (
            cls.env["payment.token"]
            .sudo()
            .create(
                {
                    "provider_id": cls.provider.id,
                    "payment_method_id": cls.method.id,
                    "partner_id": partner.id,
                    "payment_details": details,
                    "provider_ref": f"demo-{partner.id}-{details}",
                    "demo_simulated_state": state,
                }
            )
        )

    def _turn_on(self, maximum="1000", timing="due", token=None):
        return self.Autopay._turn_on(
            self.farm, self.company, self.user, (token or self.token).id, maximum, timing
        )

    def _autopay_txs(self):
        return self.env["payment.transaction"].search(
            [("connect_kind", "=", "autopay"), ("connect_customer_id", "=", self.farm.id)]
        )

    def _due_invoice(self, amount, due_in=0, **kw):
        return self._invoice(amount, days_ago=30, due_in=30 + due_in, **kw)


@tagged("post_install", "-at_install")
class TestAutopayCharges(AutopayCase):
    @freeze_time(TODAY)
    def test_charges_what_is_due_once(self):
        autopay = self._turn_on()
        due = self._due_invoice(250.0)
        later = self._due_invoice(90.0, due_in=10)
        self.Autopay._cron_charge()
        tx = self._autopay_txs()
        self.assertEqual(len(tx), 1)
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.token_id, self.token)
        self.assertEqual(tx.amount, 250.0)
        self.assertEqual(due.payment_state, "in_payment" if due.amount_residual else "paid")
        self.assertTrue(due.currency_id.is_zero(due.amount_residual))
        self.assertEqual(later.amount_residual, 90.0, "not due yet: not charged")
        # the receipt e-mail of the portal's payments, and the timeline
        receipt = self.env["customer_connect.mail.log"].search(
            [("kind", "=", "payment_receipt"), ("partner_id", "=", self.farm_billing.id)]
        )
        self.assertEqual(len(receipt), 1)
        event = self.env["customer_connect.portal.event"].search(
            [("commercial_partner_id", "=", self.farm.id), ("kind", "=", "autopay_charged")]
        )
        self.assertEqual(len(event), 1)
        # a second run in the same minute charges nothing
        self.Autopay._cron_charge()
        autopay.checked_at = False  # even looked at again, nothing is due
        self.Autopay._cron_charge()
        self.assertEqual(len(self._autopay_txs()), 1)

    @freeze_time(TODAY)
    def test_instalments_charged_one_by_one(self):
        self._turn_on()
        invoice = self._invoice(400.0, term=self.two_instalments)
        self.Autopay._cron_charge()
        tx = self._autopay_txs()
        self.assertEqual(tx.amount, 200.0, "the first instalment only")
        self.assertEqual(invoice.amount_residual, 200.0)
        terms = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        first, second = terms.sorted("date_maturity")
        self.assertTrue(first.reconciled)
        self.assertFalse(second.reconciled)
        with freeze_time(fields.Date.from_string(TODAY) + timedelta(days=30)):
            self.Autopay._cron_charge()
        self.assertEqual(len(self._autopay_txs()), 2)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))

    def test_early_payment_discount_charged_on_its_last_day(self):
        """Not frozen: the booking dates the payment by its transaction's
        creation (the database's clock)."""
        self._turn_on(timing="discount")
        # 2% within 10 days: its last day is today, and in 5 days
        last_day = self._invoice(1000.0, days_ago=10, term=self.epd_term)
        running = self._invoice(500.0, days_ago=5, term=self.epd_term)
        self.Autopay._cron_charge()
        tx = self._autopay_txs()
        self.assertEqual(tx.amount, 980.0)
        self.assertEqual(tx.invoice_ids, last_day)
        self.assertTrue(last_day.currency_id.is_zero(last_day.amount_residual), tx.payment_id)
        self.assertEqual(running.amount_residual, 500.0, "its discount runs 5 more days")

    @freeze_time(TODAY)
    def test_disputed_invoice_never_charged(self):
        self._turn_on()
        disputed = self._due_invoice(300.0)
        self._due_invoice(50.0)
        disputed.connect_in_dispute = True
        self.Autopay._cron_charge()
        tx = self._autopay_txs()
        self.assertEqual(tx.amount, 50.0)
        self.assertNotIn(disputed, tx.invoice_ids)
        self.assertEqual(disputed.amount_residual, 300.0)

    @freeze_time(TODAY)
    def test_above_the_maximum_not_charged_and_told_once(self):
        self._turn_on(maximum="100")
        self._due_invoice(250.0)
        self.Autopay._cron_charge()
        self.assertFalse(self._autopay_txs())
        logs = self.env["customer_connect.mail.log"].search([("kind", "=", "autopay_over_max")])
        self.assertEqual(len(logs), 1)
        self.Autopay.search([("customer_id", "=", self.farm.id)]).checked_at = False
        self.Autopay._cron_charge()
        self.assertEqual(
            self.env["customer_connect.mail.log"].search_count([("kind", "=", "autopay_over_max")]),
            1,
            "told once for the same amount",
        )

    @freeze_time(TODAY)
    def test_refused_retried_then_turned_off(self):
        refusing = self._demo_token(self.farm_billing, state="error", details="0002")
        autopay = self._turn_on(token=refusing)
        invoice = self._due_invoice(120.0)
        self.Autopay._cron_charge()
        self.assertEqual(self._autopay_txs().state, "error")
        self.assertEqual(autopay.failure_count, 1)
        self.assertTrue(autopay.retry_after)
        self.assertEqual(
            self.env["customer_connect.mail.log"].search_count([("kind", "=", "autopay_refused")]),
            1,
        )
        # not tried again before its time
        self.Autopay._cron_charge()
        self.assertEqual(len(self._autopay_txs()), 1)
        now = fields.Datetime.from_string(f"{TODAY} 12:00:00")
        for attempt in range(2, 5):
            now = autopay.retry_after + timedelta(minutes=1)
            with freeze_time(now):
                self.Autopay._cron_charge()
            self.assertEqual(len(self._autopay_txs()), attempt)
        self.assertEqual(autopay.state, "off")
        self.assertEqual(invoice.amount_residual, 120.0)
        off = self.env["customer_connect.mail.log"].search([("kind", "=", "autopay_off")])
        self.assertEqual(off.partner_id, self.farm_billing | self.company.partner_id)
        with freeze_time(now + timedelta(days=10)):
            self.Autopay._cron_charge()
        self.assertEqual(len(self._autopay_txs()), 4, "off: never charged again")

    @freeze_time(TODAY)
    def test_notice_before_the_charge_once(self):
        self._turn_on()
        self._due_invoice(75.0, due_in=2)
        self.Autopay._cron_charge()
        notices = self.env["customer_connect.mail.log"].search([("kind", "=", "autopay_notice")])
        self.assertEqual(len(notices), 1)
        self.assertIn("75.00", str(notices.mail_id.body_html))
        self.Autopay._cron_charge()
        self.assertEqual(
            self.env["customer_connect.mail.log"].search_count([("kind", "=", "autopay_notice")]),
            1,
        )
        self.assertFalse(self._autopay_txs())

    @freeze_time(TODAY)
    def test_hold_for_the_reminders(self):
        self._turn_on(maximum="500")
        tomorrow = self._due_invoice(100.0, due_in=1)
        next_week = self._due_invoice(100.0, due_in=7)
        disputed = self._due_invoice(100.0, due_in=1)
        disputed.connect_in_dispute = True
        Hold = self.env["customer_connect.collection.hold"]
        holds = Hold._holds(tomorrow | next_week | disputed, fields.Date.today())
        self.assertEqual(holds.get(tomorrow.id), "autopay")
        self.assertNotIn(next_week.id, holds)
        self.assertEqual(holds.get(disputed.id), "dispute")
        self.assertIn("autopay", Hold._hold_reasons())


@tagged("post_install", "-at_install")
class TestAutopayPortal(AutopayCase):
    def test_turn_on_off_as_the_contact(self):
        self.authenticate(self.user.login, self.password)
        page = self.url_open("/my/autopay")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.token.display_name, page.text)
        response = self.url_open(
            "/my/autopay",
            data={
                "csrf_token": self._csrf(),
                "token_id": self.token.id,
                "max_amount": "500.00",
                "timing": "due",
            },
        )
        self.assertIn("Autopay is on", response.text)
        autopay = self.Autopay.search([("customer_id", "=", self.farm.id)])
        self.assertEqual(autopay.state, "on")
        self.assertEqual(autopay.max_amount, 500.0)
        self.assertEqual(autopay.contact_id, self.farm_billing)
        self._invoice(80.0)
        self.assertIn("Next charge", self.url_open("/my/autopay").text)
        response = self.url_open("/my/autopay/off", data={"csrf_token": self._csrf()})
        self.assertIn("Autopay is off", response.text)
        self.assertEqual(autopay.state, "off")
        kinds = self.env["customer_connect.portal.event"].search(
            [("commercial_partner_id", "=", self.farm.id)]
        )
        self.assertIn("autopay_on", kinds.mapped("kind"))
        self.assertIn("autopay_off", kinds.mapped("kind"))

    def test_hostile_maximum_refused_and_kept(self):
        self.authenticate(self.user.login, self.password)
        for typed in ("nan", "inf", "-5", "1e300", "99999999999999", "abc", "12,50", "0"):
            response = self.url_open(
                "/my/autopay",
                data={
                    "csrf_token": self._csrf(),
                    "token_id": self.token.id,
                    "max_amount": typed,
                    "timing": "due",
                },
            )
            self.assertEqual(response.status_code, 200, typed)
            self.assertIn("o_connect_autopay_error", response.text, typed)
            self.assertIn(f'value="{typed}"', response.text, typed)
        for token_id, timing in (("x", "due"), (self.token.id, "tomorrow"), ("", "")):
            response = self.url_open(
                "/my/autopay",
                data={
                    "csrf_token": self._csrf(),
                    "token_id": token_id,
                    "max_amount": "10",
                    "timing": timing,
                },
            )
            self.assertIn("o_connect_autopay_error", response.text)
        self.assertFalse(self.Autopay.search([("customer_id", "=", self.farm.id)]))

    def test_another_customers_token_refused(self):
        golf_token = self._demo_token(self.golf_keeper, details="9999")
        with self.assertRaisesRegex(Exception, "saved payment methods"):
            self._turn_on(token=golf_token)

    def test_turning_on_needs_payments(self):
        level = self._level("accounts_payable")
        level.with_user(self.staff_admin).write({"can_pay": False, "can_autopay": True})
        self._set_level(self.farm_billing, "accounts_payable")
        self.authenticate(self.user.login, self.password)
        page = self.url_open("/my/autopay")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_connect_autopay_no_pay", page.text)
        with self.assertRaises(AccessError):
            self._turn_on()

    def _csrf(self):
        page = self.url_open("/my/autopay").text
        import re

        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@tagged("post_install", "-at_install")
class TestAutopayDealer(AutopayCase):
    def test_staff_see_and_turn_off(self):
        autopay = self._turn_on()
        on = (
            self.env["res.partner"]
            .with_user(self.staff)
            .search([("connect_on_autopay", "=", True)])
        )
        self.assertEqual(on, self.farm)
        autopay.with_user(self.staff).action_connect_autopay_off()
        self.assertEqual(autopay.state, "off")
        self.assertIn("Turned off by", autopay.turned_off_reason)
        self.assertFalse(
            self.env["res.partner"]
            .with_user(self.staff)
            .search([("connect_on_autopay", "=", True)])
        )

    def test_strangers_cannot_turn_off(self):
        autopay = self._turn_on()
        for stranger in self._strangers():
            with self.assertRaises(AccessError, msg=stranger.login):
                autopay.with_user(stranger).action_connect_autopay_off()
            with self.assertRaises(AccessError, msg=stranger.login):
                autopay.with_user(stranger).read(["max_amount"])
        self.assertEqual(autopay.state, "on")
