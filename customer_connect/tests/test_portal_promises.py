from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields, http, sql_db
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ConnectCase

REFUSED = (403, 404)


@tagged("post_install", "-at_install")
class TestPortalPromises(ConnectCase, HttpCase):
    """Greenacres' billing contact (full access) promises to pay; Loch
    Vale's keeper has a login and an invoice of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.farm_user = cls._activate(cls.farm_billing)
        cls.golf_user = cls._activate(cls.golf_keeper)
        cls.today = fields.Date.today()
        cls.blades = cls.init_invoice("out_invoice", partner=cls.farm, amounts=[300], post=True)
        cls.filters = cls.init_invoice("out_invoice", partner=cls.farm, amounts=[100], post=True)
        cls.golf_invoice = cls.init_invoice(
            "out_invoice", partner=cls.golf, amounts=[90], post=True
        )
        cls.Promise = cls.env["customer_connect.promise"]

    def _promise(self, invoices, amount, days=10, user=None):
        return (
            self.Promise.with_user(user or self.farm_user)
            .with_company(self.company)
            ._connect_promise(invoices.ids, str(self.today + timedelta(days=days)), str(amount))
        )

    def _post(self, data, invoice_ids):
        payload = [("csrf_token", http.Request.csrf_token(self))]
        payload += [("invoice_ids", str(i)) for i in invoice_ids]
        payload += list(data.items())
        return self.url_open("/my/promises/new", data=payload, allow_redirects=False)

    def _pay(self, invoice, amount):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": self.today})._create_payments()

    # -- the contact -------------------------------------------------------
    def test_contact_promises_from_the_form(self):
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        page = self.url_open(f"/my/promises/new?invoice={self.blades.id}").text
        self.assertIn(self.blades.name, page)
        self.assertIn(self.filters.name, page)
        self.assertNotIn(self.golf_invoice.name, page)
        self.assertIn(f'value="{self.blades.id}" checked', page)
        day = self.today + timedelta(days=7)
        response = self._post(
            {"date_promised": str(day), "amount": "250.00"}, [self.blades.id, self.filters.id]
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        promise = self.Promise.search([("partner_id", "=", self.farm.id)])
        self.assertRecordValues(
            promise,
            [
                {
                    "state": "open",
                    "amount": 250.0,
                    "date_promised": day,
                    "contact_id": self.farm_billing.id,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertEqual(promise.move_ids, self.blades | self.filters)
        listing = self.url_open("/my/promises").text
        self.assertIn(promise.name, listing)
        self.assertIn(self.blades.name, listing)
        # on the customer's timeline
        event = self.env["customer_connect.portal.event"].search(
            [("kind", "=", "promise_made"), ("commercial_partner_id", "=", self.farm.id)]
        )
        self.assertEqual(len(event), 1)
        # and on Customer Activity: the way in
        activity = self.url_open("/my/activity").text
        self.assertIn("/my/promises/new", activity)

    def test_hostile_inputs_say_what_is_wrong_and_keep_what_was_typed(self):
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        good_day = str(self.today + timedelta(days=5))
        ids = [self.blades.id]
        cases = [
            ({"date_promised": "2026-13-45", "amount": "10"}, ids, "is not a date"),
            ({"date_promised": "tomorrow", "amount": "10"}, ids, "is not a date"),
            ({"date_promised": "", "amount": "10"}, ids, "Give the date"),
            (
                {"date_promised": str(self.today - timedelta(days=1)), "amount": "10"},
                ids,
                "in the past",
            ),
            (
                {"date_promised": str(self.today + timedelta(days=31)), "amount": "10"},
                ids,
                "within 30 days",
            ),
            ({"date_promised": good_day, "amount": "1e309"}, ids, "is not an amount"),
            ({"date_promised": good_day, "amount": "nan"}, ids, "is not an amount"),
            ({"date_promised": good_day, "amount": "inf"}, ids, "is not an amount"),
            ({"date_promised": good_day, "amount": "=1+1"}, ids, "is not an amount"),
            ({"date_promised": good_day, "amount": "1,5"}, ids, "is not an amount"),
            ({"date_promised": good_day, "amount": "-5"}, ids, "more than zero"),
            ({"date_promised": good_day, "amount": "0"}, ids, "more than zero"),
            ({"date_promised": good_day, "amount": "10.001"}, ids, "more decimals"),
            ({"date_promised": good_day, "amount": "99999999999"}, ids, "more than the"),
            ({"date_promised": good_day, "amount": "12\x00"}, ids, "is not an amount"),
            ({"date_promised": good_day, "amount": "10"}, [], "Choose the invoices"),
            # another customer's invoice, one that does not exist, one out of range
            ({"date_promised": good_day, "amount": "10"}, [self.golf_invoice.id], "not yours"),
            ({"date_promised": good_day, "amount": "10"}, [99999999], "not yours"),
            ({"date_promised": good_day, "amount": "10", "currency_id": "999"}, ids, "promise in"),
        ]
        for data, invoice_ids, message in cases:
            with self.subTest(data=data, invoice_ids=invoice_ids):
                response = self._post(data, invoice_ids)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                self.assertIn("o_connect_promise_error", response.text)
                # what was typed stays in the form
                typed = data["amount"]
                if typed and typed.isprintable() and "=" not in typed:
                    self.assertIn(f'value="{typed}"', response.text)
                # Loch Vale's invoice is never shown back
                self.assertNotIn(self.golf_invoice.name, response.text)
        # the ids of the form that are not ids at all
        response = self._post({"date_promised": good_day, "amount": "10"}, ["abc", "2147483648"])
        self.assertIn("Choose the invoices", response.text)
        self.assertFalse(self.Promise.search([]))

    def test_one_open_promise_per_invoice_and_the_hold(self):
        Hold = self.env["customer_connect.collection.hold"]
        promise = self._promise(self.blades, 100, days=10)
        self.assertEqual(Hold._hold_reasons()["promise"], "promised")
        invoices = self.blades | self.filters
        self.assertEqual(Hold._holds(invoices, self.today), {self.blades.id: "promise"})
        self.assertEqual(
            Hold._holds(invoices, self.today + timedelta(days=10)), {self.blades.id: "promise"}
        )
        self.assertEqual(Hold._holds(invoices, self.today + timedelta(days=11)), {})
        with self.assertRaisesRegex(UserError, "already has a promise"):
            self._promise(invoices, 50)
        # the form no longer offers it
        promisable = (
            self.Promise.with_user(self.farm_user).with_company(self.company)._connect_promisable()
        )
        self.assertEqual(promisable, self.filters)
        # cancelled by staff: the invoice is chased again
        promise.with_user(self.staff).action_cancel()
        self.assertEqual(Hold._holds(invoices, self.today), {})

    def test_a_payment_keeps_the_promise(self):
        promise = self._promise(self.blades | self.filters, 150)
        self._pay(self.blades, 100)
        self.assertEqual(promise.state, "open", "100 of 150 paid")
        self._pay(self.filters, 50)
        self.assertEqual(promise.state, "kept")
        self.assertEqual(
            self.env["customer_connect.portal.event"].search_count(
                [("kind", "=", "promise_kept"), ("commercial_partner_id", "=", self.farm.id)]
            ),
            1,
        )

    def test_the_job_flags_a_broken_promise_once(self):
        broken = self._promise(self.blades, 100, days=3)
        kept = self._promise(self.filters, self.filters.amount_residual, days=3)
        self._pay(self.filters, self.filters.amount_residual)
        self.assertEqual(kept.state, "kept")
        Cron = self.Promise.sudo()
        with freeze_time(self.today + timedelta(days=3)):
            Cron._cron_close_promises()
        self.assertEqual(broken.state, "open", "not broken on its own date")
        with freeze_time(self.today + timedelta(days=4)):
            Cron._cron_close_promises()
            Cron._cron_close_promises()
        self.assertEqual(broken.state, "broken")
        events = self.env["customer_connect.portal.event"].search(
            [("kind", "=", "promise_broken"), ("commercial_partner_id", "=", self.farm.id)]
        )
        self.assertEqual(len(events), 1, "flagged once")
        # the daily status of that day
        start = fields.Datetime.now() - timedelta(hours=1)
        section = self.Promise._connect_daily_status_section(
            self.company, start, fields.Datetime.now() + timedelta(days=10)
        )
        self.assertEqual(section["title"], "Promises to pay")
        self.assertTrue(any(line.startswith("Broken: " + broken.name) for line in section["lines"]))
        self.assertTrue(any(line.startswith("Promised: " + kept.name) for line in section["lines"]))

    # -- staff ---------------------------------------------------------------
    def test_staff_see_promises_and_another_dealer_nothing(self):
        promise = self._promise(self.blades, 100)
        self.assertEqual(self.Promise.with_user(self.staff).search([]), promise)
        self.assertEqual(self.farm.with_user(self.staff).connect_promise_count, 1)
        action = self.farm.with_user(self.staff).action_connect_view_promises()
        self.assertEqual(self.Promise.with_user(self.staff).search(action["domain"]), promise)
        south = self.setup_other_company(name="Promise Stranger Dealer")["company"]
        stranger = new_test_user(
            self.env,
            "cc_promise_stranger",
            groups="customer_connect.group_connect_user",
            company_id=south.id,
            company_ids=[Command.set(south.ids)],
        )
        self.assertFalse(self.Promise.with_user(stranger).search([]))
        with self.assertRaises(AccessError):
            promise.with_user(stranger).read(["amount"])
        with self.assertRaises(AccessError):
            promise.with_user(self.farm_user).action_cancel()
        # Loch Vale's contact reads nothing of it, over JSON-RPC too
        self.authenticate(self.golf_user.login, self.PORTAL_PASSWORD)
        found = self.make_jsonrpc_request(
            "/web/dataset/call_kw/customer_connect.promise/search_read",
            {
                "model": "customer_connect.promise",
                "method": "search_read",
                "args": [[], ["name"]],
                "kwargs": {},
            },
        )
        self.assertEqual(found, [])
        self.assertNotIn(promise.name, self.url_open("/my/promises?filterby=all").text)

    def test_a_level_without_promises_is_refused(self):
        level = self._level("status_only")
        self.assertFalse(level.can_promise)
        self.assertTrue(self._level("payments_only").can_promise)
        self.assertFalse(self._level("payments_only").can_request_plan)
        self._set_level(self.farm_billing, level)
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        with mute_logger("odoo.http"):
            for url in ("/my/promises", "/my/promises/new"):
                self.assertIn(self.url_open(url).status_code, REFUSED, url)
            response = self._post(
                {"date_promised": str(self.today), "amount": "10"}, [self.blades.id]
            )
            self.assertIn(response.status_code, REFUSED)
        with self.assertRaises(AccessError):
            self._promise(self.blades, 10)
        self.assertNotIn("/my/promises", self.url_open("/my").text)

    def _page_queries(self, url):
        """Queries of one GET of ``url`` (after a first one warms the caches)."""
        self.url_open(url)
        self.env.invalidate_all()
        before = sql_db.sql_counter
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return sql_db.sql_counter - before, response.text

    def test_list_query_count_does_not_grow(self):
        """The contact's promises page: as many queries for seven promises as
        for one (each row's invoices, amounts and state read together)."""
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        self._promise(self.blades, 100)
        few, page = self._page_queries("/my/promises?filterby=all")
        self.assertEqual(page.count("o_connect_promise_row"), 1)
        for _n in range(6):
            invoice = self.init_invoice("out_invoice", partner=self.farm, amounts=[40], post=True)
            self._promise(invoice, 40)
        self.env.flush_all()
        many, page = self._page_queries("/my/promises?filterby=all")
        self.assertEqual(page.count("o_connect_promise_row"), 7)
        self.assertGreater(few, 0, "the page's queries are counted")
        self.assertEqual(many, few)
