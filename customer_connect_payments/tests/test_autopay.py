"""Autopay (issue 21, point 1): the job charges what is due once, through
Odoo's payment engine with the demo provider's tokens; instalments one by
one; never an invoice in dispute; nothing above the maximum; a refused
charge retried and then autopay turned off; notices; the hold it gives the
reminders; the portal page as the contact; the dealer's side as staff."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api, fields, http
from odoo.exceptions import AccessError
from odoo.tests import JsonRpcException, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.customer_connect.tests import test_portal_isolation
from odoo.addons.customer_connect.tests.daily_status_window import DailyStatusWindowMixin

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
    def test_charges_of_a_run_booked_together(self):
        """The charges of one call are booked as a batch (``_book_charges``:
        one create, one post, one reconciliation plan): each payment is its
        own customer's, reconciled with its own invoice; Odoo's notes on each
        invoice (sent, confirmed, payment posted) logged once each."""
        self._turn_on()
        golf_token = self._demo_token(self.golf_keeper)
        self.Autopay.sudo().create(
            {
                "customer_id": self.golf.id,
                "company_id": self.company.id,
                "token_id": golf_token.id,
                "contact_id": self.golf_keeper.id,
                "max_amount": 1000.0,
            }
        )
        farm_invoice = self._due_invoice(250.0)
        golf_invoice = self._due_invoice(120.0, partner=self.golf)
        self.Autopay._cron_charge()
        txs = self.env["payment.transaction"].search(
            [
                ("connect_kind", "=", "autopay"),
                ("connect_customer_id", "in", (self.farm | self.golf).ids),
            ]
        )
        self.assertEqual(len(txs), 2)
        self.assertEqual(len(txs.payment_id), 2)
        for invoice, amount in ((farm_invoice, 250.0), (golf_invoice, 120.0)):
            tx = txs.filtered(lambda t, invoice=invoice: t.invoice_ids == invoice)
            self.assertEqual(tx.amount, amount)
            self.assertTrue(tx.is_post_processed)
            self.assertEqual(tx.payment_id.partner_id, invoice.commercial_partner_id)
            self.assertEqual(tx.payment_id.move_id.state, "posted")
            self.assertEqual(tx.payment_id.reconciled_invoice_ids, invoice)
            self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
            notes = invoice.message_ids.filtered(
                lambda message, tx=tx: tx.reference in (message.body or "")
            )
            self.assertEqual(len(notes), 3, notes.mapped("body"))
            self.assertEqual(len(notes.filtered(lambda message: "posted" in message.body)), 1)

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

    def test_reminders_leave_out_what_autopay_charges_tomorrow(self):
        """The reminder job asks the hold service: Greenacres' invoice due
        tomorrow is charged by autopay then, Loch Vale's (no autopay) is
        reminded; the daily status says why one was left out."""
        self.company.connect_payment_reminder_days = "-1, 7"
        Reminders = self.env["customer_connect.payment.reminder.service"]
        with freeze_time(TODAY):
            self._turn_on(maximum="500")
            charged = self._due_invoice(100.0, due_in=1)
            reminded = self._due_invoice(100.0, due_in=1, partner=self.golf)
            Reminders._cron_send_payment_reminders()
        Line = self.env["customer_connect.payment.reminder.line"]
        line = Line.search([("move_id", "=", charged.id)])
        self.assertEqual((line.state, line.hold_reason), ("held", "autopay"))
        self.assertNotEqual(Line.search([("move_id", "=", reminded.id)]).state, "held")
        now = fields.Datetime.now()
        section = Reminders._connect_daily_status_section(
            self.company, now - timedelta(days=400), now + timedelta(days=1)
        )
        self.assertIn("Left out, charged by autopay: 1 invoices", section["lines"])


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

    def test_a_level_without_autopay_is_refused(self):
        """The page and both forms answer 403, and JSON-RPC reads nothing,
        for a level without the area; with it, the contact reads its own."""
        autopay = self._turn_on(maximum="300")
        level = self._level("full")
        level.with_user(self.staff_admin).can_autopay = False
        self.authenticate(self.user.login, self.password)
        csrf = http.Request.csrf_token(self)
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open("/my/autopay").status_code, 403)
            for url, data in (
                ("/my/autopay", {"token_id": self.token.id, "max_amount": "900", "timing": "due"}),
                ("/my/autopay/off", {}),
            ):
                response = self.url_open(
                    url, data={"csrf_token": csrf, **data}, allow_redirects=False
                )
                self.assertEqual(response.status_code, 403, url)
        self.assertEqual((autopay.state, autopay.max_amount), ("on", 300.0))
        rpc = "/web/dataset/call_kw/customer_connect.autopay/"
        found = self.make_jsonrpc_request(
            rpc + "search_read",
            {
                "model": self.Autopay._name,
                "method": "search_read",
                "args": [[], ["id"]],
                "kwargs": {},
            },
        )
        self.assertFalse(found)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                rpc + "read",
                {
                    "model": self.Autopay._name,
                    "method": "read",
                    "args": [autopay.ids, ["id"]],
                    "kwargs": {},
                },
            )
        level.with_user(self.staff_admin).can_autopay = True
        found = self.make_jsonrpc_request(
            rpc + "search_read",
            {
                "model": self.Autopay._name,
                "method": "search_read",
                "args": [[], ["max_amount"]],
                "kwargs": {},
            },
        )
        self.assertEqual(found, [{"id": autopay.id, "max_amount": 300.0}])

    def test_autopay_tour(self):
        """What the contact clicks: on with its saved demo card, a maximum
        and the discount's last day; then off."""
        self._invoice(80.0)
        self.start_tour("/my/autopay", "customer_connect_autopay_on_off", login=self.user.login)
        autopay = self.Autopay.search([("customer_id", "=", self.farm.id)])
        self.assertEqual(autopay.state, "off")
        self.assertEqual((autopay.token_id, autopay.max_amount), (self.token, 750.0))
        self.assertEqual(autopay.timing, "discount")
        kinds = self.env["customer_connect.portal.event"].search(
            [("commercial_partner_id", "=", self.farm.id), ("kind", "like", "autopay_")]
        )
        self.assertEqual(sorted(kinds.mapped("kind")), ["autopay_off", "autopay_on"])

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

    def test_staff_over_http(self):
        """What the dealer's web client sends: the "On autopay" filter and
        the Turn off button."""
        autopay = self._turn_on()
        self.authenticate(self.staff.login, self.staff.login)
        found = self.make_jsonrpc_request(
            "/web/dataset/call_kw/res.partner/search_read",
            {
                "model": "res.partner",
                "method": "search_read",
                "args": [[("connect_on_autopay", "=", True)], ["id"]],
                "kwargs": {},
            },
        )
        self.assertEqual(found, [{"id": self.farm.id}])
        self.make_jsonrpc_request(
            "/web/dataset/call_button/customer_connect.autopay/action_connect_autopay_off",
            {
                "model": "customer_connect.autopay",
                "method": "action_connect_autopay_off",
                "args": [autopay.ids],
                "kwargs": {},
            },
        )
        self.assertEqual(autopay.state, "off")

    def test_strangers_cannot_turn_off(self):
        """Another customer's contact, a plain employee and another dealer
        company's staff: nothing found, nothing read, nothing turned off."""
        autopay = self._turn_on()
        for stranger in self._strangers():
            with self.assertRaises(AccessError, msg=stranger.login):
                autopay.with_user(stranger).action_connect_autopay_off()
            with self.assertRaises(AccessError, msg=stranger.login):
                autopay.with_user(stranger).read(["max_amount"])
            try:
                found = self.Autopay.with_user(stranger).search([])
            except AccessError:
                found = self.Autopay  # no right on the model at all
            self.assertFalse(found, stranger.login)
            with self.assertRaises(AccessError, msg=stranger.login):
                self.farm.with_user(stranger).connect_autopay_ids  # noqa: B018
        self.assertEqual(autopay.state, "on")


@tagged("post_install", "-at_install")
class TestAutopayDailyStatus(DailyStatusWindowMixin, AutopayCase):
    """Autopay's section of the daily status e-mail: charges made and their
    total, charges refused (each named), set-ups turned off."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Status = cls.env["customer_connect.daily.status"]
        cls.staff.partner_id.email = "sam.staff@northfield.example"
        cls.company.connect_daily_status_user_ids = [Command.set(cls.staff.ids)]
        cls.refusing = cls._demo_token(cls.farm_billing, state="error", details="0002")

    def _dated(self, records, column, when):
        """When Odoo recorded them: the database's clock, not freezegun's."""
        records.flush_recordset()
        self.env.cr.execute(
            f"UPDATE {records._table} SET {column} = %s WHERE id IN %s",  # test's own names
            [when, tuple(records.ids)],
        )
        records.invalidate_recordset()

    def _refused_at(self, at, n):
        """A refused charge recorded at ``at``; the text its line shows."""
        autopay = self.Autopay._of(self.farm, self.company) or self._turn_on(token=self.refusing)
        autopay.write({"failure_count": 0, "retry_after": False, "token_id": self.refusing.id})
        if n == 1:
            self._due_invoice(40.0)
        tx = autopay._charge_due(fields.Date.today())
        self.assertEqual(tx.state, "error")
        self._dated(tx, "create_date", at)
        # the line's end: AUTOPAY-<id>-<day> is the start of AUTOPAY-<id>-<day>-1
        return f"{self.farm.name}: {tx.reference}</li>"

    def test_section_of_the_day(self):
        self.assertIn("customer_connect.autopay", self.Status._connect_daily_status_sources())
        autopay = self._turn_on()
        self._due_invoice(250.0)
        self.Autopay._cron_charge()
        done = self._autopay_txs()
        self.assertEqual(done.state, "done")
        autopay.write({"token_id": self.refusing.id, "checked_at": False})
        self._due_invoice(40.0)
        self.Autopay._cron_charge()
        refused = self._autopay_txs() - done
        self.assertEqual(refused.state, "error")
        autopay.with_user(self.staff).action_connect_autopay_off()
        at = "2026-03-02 10:00:00"
        self._dated(done | refused, "create_date", at)
        self._dated(autopay, "turned_off_on", at)
        with freeze_time(self.Status._day_bounds(self.company, date(2026, 3, 2))[1]):
            self.Status._cron_send()
        log = self.env["customer_connect.mail.log"].search([("kind", "=", "daily_status")])
        self.assertEqual(len(log), 1)
        body = str(log.mail_id.body_html)
        self.assertIn("Autopay", body)
        self.assertIn("Charges made: 1, $\xa0250.00", body)
        self.assertIn("Charges refused: 1", body)
        self.assertIn(f"{self.farm.name}: {refused.reference}", body)
        self.assertIn("Autopay turned off: 1", body)
        self.assertIn(f"{self.farm.name}: Turned off by", body)

    def test_section_day_london(self):
        self.assertSectionCoversTheDay("Europe/London", self._refused_at)

    def test_section_day_chicago(self):
        self.assertSectionCoversTheDay("America/Chicago", self._refused_at)


@tagged("post_install", "-at_install")
class TestAutopayTwoServers(TransactionCase):
    """The job on two servers at once (two cursors over committed data):
    each due invoice is charged once."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            journal = env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
            )
            provider = env.ref("payment.payment_provider_demo").copy(
                {"name": "Autopay race demo", "company_id": company.id}
            )
            provider.write({"state": "test", "journal_id": journal.id, "allow_tokenization": True})
            today = fields.Date.context_today(env["res.partner"])
            customers = env["res.partner"].create(
                [
                    {"name": f"Autopay Race Farm {n}", "is_company": True, "customer_rank": 1}
                    for n in range(3)
                ]
            )
            contacts = env["res.partner"].create(
                [
                    {
                        "name": f"Autopay race billing {n}",
                        "parent_id": customer.id,
                        "type": "invoice",
                        "email": f"autopay-race-{n}@race-farm.example",
                    }
                    for n, customer in enumerate(customers)
                ]
            )
            tokens = env["payment.token"].create(
                [
                    {
                        "provider_id": provider.id,
                        "payment_method_id": provider.payment_method_ids[:1].id,
                        "partner_id": contact.id,
                        "payment_details": "4242",
                        "provider_ref": f"race-{contact.id}",
                        "demo_simulated_state": "done",
                    }
                    for contact in contacts
                ]
            )
            autopays = env["customer_connect.autopay"].create(
                [
                    {
                        "customer_id": customer.id,
                        "company_id": company.id,
                        "token_id": token.id,
                        "contact_id": token.partner_id.id,
                        "max_amount": 1000.0,
                    }
                    for customer, token in zip(customers, tokens, strict=True)
                ]
            )
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": customer.id,
                        "company_id": company.id,
                        "invoice_date": today - timedelta(days=30),
                        "invoice_date_due": today,
                        "invoice_line_ids": [
                            Command.create({"name": "Race", "price_unit": 10, "tax_ids": []})
                        ],
                    }
                    for customer in customers
                ]
            )
            moves.action_post()
            self.ids = {
                "provider": provider.id,
                "customers": tuple(customers.ids),
                "contacts": tuple(contacts.ids),
                "tokens": tuple(tokens.ids),
                "autopays": tuple(autopays.ids),
                "moves": tuple(moves.ids),
            }
        self.addCleanup(self._remove_committed)

    def _remove_committed(self):
        ids = self.ids
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partners = ids["customers"] + ids["contacts"]
            cr.execute(
                """
                DELETE FROM mail_message WHERE id IN (
                    SELECT mail.mail_message_id FROM mail_mail mail
                      JOIN customer_connect_mail_log log ON log.mail_id = mail.id
                     WHERE log.commercial_partner_id IN %s)
                """,
                [ids["customers"]],
            )
            cr.execute(
                "DELETE FROM customer_connect_mail_log WHERE commercial_partner_id IN %s",
                [ids["customers"]],
            )
            cr.execute(
                "DELETE FROM customer_connect_portal_event WHERE commercial_partner_id IN %s",
                [ids["customers"]],
            )
            payments = env["account.payment"].search([("partner_id", "in", partners)])
            cr.execute(
                "DELETE FROM payment_transaction WHERE connect_autopay_id IN %s", [ids["autopays"]]
            )
            payments.action_draft()
            payments.unlink()
            cr.execute("DELETE FROM account_move WHERE id IN %s", [ids["moves"]])
            cr.execute("DELETE FROM customer_connect_autopay WHERE id IN %s", [ids["autopays"]])
            cr.execute("DELETE FROM payment_token WHERE id IN %s", [ids["tokens"]])
            cr.execute(
                "DELETE FROM account_payment_method_line WHERE payment_provider_id = %s",
                [ids["provider"]],
            )
            cr.execute("DELETE FROM payment_provider WHERE id = %s", [ids["provider"]])
            env.invalidate_all()
            env["res.partner"].browse(ids["contacts"]).unlink()
            env["res.partner"].browse(ids["customers"]).unlink()

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def _job(self, cr, batch=100):
        return self._env(cr)["customer_connect.autopay"]._cron_charge(batch=batch)

    def _charged(self):
        """{customer: charges done}, and the invoices still open after
        Odoo's post-processing job (which books a charge whose booking lost
        a race in the journal's sequence)."""
        with self.registry.cursor() as cr:
            self._env(cr)["payment.transaction"]._cron_post_process()
            cr.execute(
                """
                SELECT connect_customer_id, count(*) FROM payment_transaction
                 WHERE connect_autopay_id IN %s AND state = 'done' GROUP BY 1
                """,
                [self.ids["autopays"]],
            )
            charged = dict(cr.fetchall())
            cr.execute(
                "SELECT count(*) FROM account_move WHERE id IN %s AND amount_residual > 0",
                [self.ids["moves"]],
            )
            return charged, cr.fetchone()[0]

    def test_a_claimed_set_up_is_skipped(self):
        """While a server holds the set-ups it claimed, a second server's
        run skips them (SKIP LOCKED) and charges nothing."""
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            Autopay = self._env(cr_a)["customer_connect.autopay"]
            now, today = fields.Datetime.now(), fields.Date.context_today(Autopay)
            self.assertEqual(len(Autopay._claim(now, today, 100)), 3)
            self.assertFalse(self._job(cr_b))
            cr_b.commit()
            cr_a.rollback()
        self.assertEqual(self._charged(), ({}, 3))
        with self.registry.cursor() as cr_c:
            self.assertEqual(len(self._job(cr_c)), 3)
        self.assertEqual(self._charged(), (dict.fromkeys(self.ids["customers"], 1), 0))

    def test_two_servers_share_the_work(self):
        """The first server has claimed two set-ups and not charged them yet
        when the second runs the job: the second takes the third alone;
        then the first charges its two. Each invoice is charged once."""
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            Autopay = self._env(cr_a)["customer_connect.autopay"]
            now, today = fields.Datetime.now(), fields.Date.context_today(Autopay)
            claimed_a = Autopay._claim(now, today, 2)
            self.assertEqual(len(claimed_a), 2)
            claimed_b = self._job(cr_b, batch=2)
            self.assertEqual(len(claimed_b), 1, "the one the first server did not hold")
            self.assertFalse(set(claimed_a.ids) & set(claimed_b.ids))
            cr_b.commit()
            claimed_a._charge_claimed(now, today)
            cr_a.commit()
        with self.registry.cursor() as cr_c:
            self.assertFalse(self._job(cr_c), "a run after: nothing left")
        self.assertEqual(self._charged(), (dict.fromkeys(self.ids["customers"], 1), 0))

    def test_a_run_that_began_before_the_other_committed(self):
        """The second server's transaction began (its snapshot taken) before
        the first committed its claim: it claims nothing (the set-ups it
        still sees waiting were written since: serialization, skipped)."""
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            cr_b.execute("SELECT 1 FROM customer_connect_autopay LIMIT 1")  # its snapshot
            self.assertEqual(len(self._job(cr_a)), 3)
            self.assertFalse(self._job(cr_b))
            cr_b.commit()
        self.assertEqual(self._charged(), (dict.fromkeys(self.ids["customers"], 1), 0))


# the autopay area's lines of the capability matrix: its page, and its
# records over JSON-RPC (the contact reads its customer's autopay exactly
# when its level sets it up)
AUTOPAY_MATRIX_PAGES = {"/my/autopay": "autopay"}
AUTOPAY_MATRIX_RPC = {"customer_connect.autopay": "autopay"}


@tagged("post_install", "-at_install")
class TestAutopayCapabilityMatrix(test_portal_isolation.TestCapabilityMatrix):
    """The autopay area's lines of customer_connect's capability matrix."""

    matrix_pages = AUTOPAY_MATRIX_PAGES
    matrix_rpc = AUTOPAY_MATRIX_RPC
    # Odoo 18's loader runs only the test methods a class defines itself
    # (main sets this on TestCapabilityMatrix too)
    allow_inherited_tests_method = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # sudo: the set-up is made in the portal by the customer's contact
        cls.env["customer_connect.autopay"].sudo().create(
            {"customer_id": cls.farm.id, "company_id": cls.company.id, "max_amount": 100.0}
        )
