from datetime import timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api, fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
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
        # the invoices ticked on Customer Activity (its documents form)
        ticked = self.url_open(
            f"/my/promises/new?doc_{self.blades.id}=1&doc_{self.filters.id}=1"
            f"&doc_{self.golf_invoice.id}=1&doc_x=1&doc_99999999999=1"
        )
        self.assertEqual(ticked.status_code, 200)
        self.assertIn(f'value="{self.blades.id}" checked', ticked.text)
        self.assertIn(f'value="{self.filters.id}" checked', ticked.text)
        self.assertNotIn(self.golf_invoice.name, ticked.text)
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
        self.assertIn('formaction="/my/promises/new"', activity)
        self.assertIn('id="connect_activity_documents"', activity)

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


@tagged("post_install", "-at_install")
class TestPortalPromiseTour(ConnectCase, HttpCase):
    """What the contact clicks: Customer Activity, the promise form, the
    list of promises."""

    def test_tour_promise_to_pay(self):
        farm_user = self._activate(self.farm_billing)
        twine = self.init_invoice("out_invoice", partner=self.farm, amounts=[300], post=True)
        twine.ref = "Baler twine"
        grease = self.init_invoice("out_invoice", partner=self.farm, amounts=[100], post=True)
        grease.ref = "Grease"
        self.start_tour("/my/activity", "customer_connect_portal_promise", login=farm_user.login)
        promise = self.env["customer_connect.promise"].search([("partner_id", "=", self.farm.id)])
        self.assertRecordValues(
            promise,
            [
                {
                    "state": "open",
                    "amount": 250.0,
                    "date_promised": fields.Date.today() + timedelta(days=7),
                    "contact_id": self.farm_billing.id,
                }
            ],
        )
        self.assertEqual(promise.move_ids, twine | grease)

    def test_tour_staff_cancel_a_promise(self):
        farm_user = self._activate(self.farm_billing)
        twine = self.init_invoice("out_invoice", partner=self.farm, amounts=[300], post=True)
        Promise = self.env["customer_connect.promise"]
        promise = (
            Promise.with_user(farm_user)
            .with_company(self.company)
            ._connect_promise(twine.ids, str(fields.Date.today() + timedelta(days=5)), "300.00")
        )
        Hold = self.env["customer_connect.collection.hold"]
        self.assertEqual(Hold._holds(twine, fields.Date.today()), {twine.id: "promise"})
        # a Customer Connect User without invoicing rights: the form leaves
        # out the invoices it may not read (it failed whole before)
        self.assertFalse(self.staff.has_group("account.group_account_invoice"))
        self.start_tour(
            f"/odoo/action-customer_connect.action_connect_promise/{promise.id}",
            "customer_connect_promise_cancel",
            login=self.staff.login,
        )
        self.assertEqual(promise.state, "cancelled")
        self.assertEqual(Hold._holds(twine, fields.Date.today()), {}, "back into reminders")


@tagged("post_install", "-at_install")
class TestPortalPromisesTwoServers(TransactionCase):
    """The daily job on two servers at once (two cursors over committed
    data): each promise whose day has passed is closed once, with one line
    on its customer's timeline."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            today = fields.Date.context_today(env["res.partner"])
            customers = env["res.partner"].create(
                [{"name": f"Promise Race Farm {n}", "is_company": True} for n in range(3)]
            )
            contacts = env["res.partner"].create(
                [
                    {
                        "name": f"Promise race billing {n}",
                        "parent_id": customer.id,
                        "type": "invoice",
                        "email": f"promise-race-{n}@race-farm.example",
                    }
                    for n, customer in enumerate(customers)
                ]
            )
            logins = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    [
                        {
                            "name": contact.name,
                            "login": contact.email,
                            "partner_id": contact.id,
                            "company_id": company.id,
                            "company_ids": [Command.set(company.ids)],
                            "groups_id": [Command.set(env.ref("base.group_portal").ids)],
                        }
                        for contact in contacts
                    ]
                )
            )
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": customer.id,
                        "company_id": company.id,
                        "invoice_date": today - timedelta(days=20),
                        "invoice_line_ids": [
                            Command.create({"name": "Race", "price_unit": 10, "tax_ids": []})
                        ],
                    }
                    for customer in customers
                ]
            )
            moves.action_post()
            # promised for yesterday and not paid: broken today
            promises = env["customer_connect.promise"].create(
                [
                    {
                        "company_id": company.id,
                        "partner_id": customer.id,
                        "contact_id": contact.id,
                        "move_ids": [Command.set(move.ids)],
                        "currency_id": move.currency_id.id,
                        "amount": move.amount_residual,
                        "amount_open": move.amount_residual,
                        "date_promised": today - timedelta(days=1),
                    }
                    for customer, contact, move in zip(customers, contacts, moves, strict=True)
                ]
            )
            self.ids = {
                "customers": customers.ids,
                "contacts": contacts.ids,
                "logins": logins.ids,
                "moves": moves.ids,
                "promises": promises.ids,
            }
        self.addCleanup(self._remove_committed)

    def _remove_committed(self):
        with self.registry.cursor() as cr:
            customers, promises = tuple(self.ids["customers"]), tuple(self.ids["promises"])
            cr.execute(
                "DELETE FROM customer_connect_portal_event WHERE commercial_partner_id IN %s",
                [customers],
            )
            cr.execute(
                "DELETE FROM mail_message"
                " WHERE model = 'customer_connect.promise' AND res_id IN %s",
                [promises],
            )
            cr.execute(
                "DELETE FROM mail_followers WHERE res_model = 'customer_connect.promise' "
                "AND res_id IN %s",
                [promises],
            )
            cr.execute("DELETE FROM customer_connect_promise WHERE id IN %s", [promises])
            cr.execute("DELETE FROM account_move WHERE id IN %s", [tuple(self.ids["moves"])])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["res.users"].browse(self.ids["logins"]).unlink()
            env["res.partner"].browse(self.ids["contacts"] + self.ids["customers"]).unlink()

    def _job(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["customer_connect.promise"]._cron_close_promises()

    def _closed(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT state, count(*) FROM customer_connect_promise WHERE id IN %s GROUP BY 1",
                [tuple(self.ids["promises"])],
            )
            states = dict(cr.fetchall())
            cr.execute(
                """
                SELECT commercial_partner_id, count(*)
                  FROM customer_connect_portal_event
                 WHERE kind = 'promise_broken' AND commercial_partner_id IN %s
                 GROUP BY 1
                """,
                [tuple(self.ids["customers"])],
            )
            return states, dict(cr.fetchall())

    def test_two_servers_close_each_promise_once(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            closed_a = self._job(cr_a)
            # the second server, while the first has not committed: every
            # promise is held by the first, nothing it may close
            closed_b = self._job(cr_b)
            self.assertEqual(sorted(closed_a.ids), sorted(self.ids["promises"]))
            self.assertFalse(closed_b)
            cr_b.commit()
            cr_a.commit()
        # the next run (the same day, or the other server's retry) finds nothing
        with self.registry.cursor() as cr_c:
            self.assertFalse(self._job(cr_c))
        states, events = self._closed()
        self.assertEqual(states, {"broken": 3})
        self.assertEqual(events, dict.fromkeys(self.ids["customers"], 1), "one timeline line each")

    def test_two_servers_one_after_the_other(self):
        # the first server commits before the second reads: the second's
        # claim sees the promises closed
        with self.registry.cursor() as cr_a:
            self.assertEqual(len(self._job(cr_a)), 3)
        with self.registry.cursor() as cr_b:
            self.assertFalse(self._job(cr_b))
        states, events = self._closed()
        self.assertEqual(states, {"broken": 3})
        self.assertEqual(events, dict.fromkeys(self.ids["customers"], 1))
