from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ConnectCase

REFUSED = (403, 404)


@tagged("post_install", "-at_install")
class TestPortalPlans(ConnectCase, HttpCase):
    """Greenacres' billing contact (full access) asks to pay a large
    invoice in instalments; an accountant of the dealer answers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.farm_user = cls._activate(cls.farm_billing)
        cls.golf_user = cls._activate(cls.golf_keeper)
        cls.today = fields.Date.today()
        cls.company.connect_plan_min_amount = 1000
        cls.tractor = cls.init_invoice(
            "out_invoice", partner=cls.farm, amounts=[3000], invoice_date=cls.today, post=True
        )
        cls.small = cls.init_invoice(
            "out_invoice", partner=cls.farm, amounts=[200], invoice_date=cls.today, post=True
        )
        cls.golf_invoice = cls.init_invoice(
            "out_invoice", partner=cls.golf, amounts=[5000], invoice_date=cls.today, post=True
        )
        cls.accountant = new_test_user(
            cls.env,
            "cc_plan_accountant",
            groups="customer_connect.group_connect_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.Plan = cls.env["customer_connect.plan"]

    def _schedule(self, count=3, invoice=None):
        total = (invoice or self.tractor).amount_residual
        part = round(total / count, 2)
        amounts = [part] * (count - 1) + [round(total - part * (count - 1), 2)]
        dates = [self.today + relativedelta(months=n + 1) for n in range(count)]
        return [str(d) for d in dates], [str(a) for a in amounts]

    def _ask(self, invoice=None, count=3, user=None):
        dates, amounts = self._schedule(count, invoice)
        return (
            self.Plan.with_user(user or self.farm_user)
            .with_company(self.company)
            ._connect_ask((invoice or self.tractor).id, dates, amounts, "Harvest pays in autumn")
        )

    def _post(self, invoice, dates, amounts, note=""):
        payload = [("csrf_token", http.Request.csrf_token(self)), ("note", note)]
        payload += [("date_due", d) for d in dates] + [("amount", a) for a in amounts]
        return self.url_open(f"/my/invoices/{invoice.id}/plan", data=payload, allow_redirects=False)

    def _receivable(self, invoice):
        lines = invoice.line_ids.filtered(lambda l: l.account_type == "asset_receivable")
        return sorted((line.date_maturity, line.balance) for line in lines)

    # -- the contact -------------------------------------------------------
    def test_contact_asks_from_the_form(self):
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        self.assertIn(
            f"/my/invoices/{self.tractor.id}/plan",
            self.url_open(f"/my/invoices/{self.tractor.id}").text,
        )
        activity = self.url_open("/my/activity").text
        self.assertIn(f"/my/invoices/{self.tractor.id}/plan", activity)
        self.assertNotIn(f"/my/invoices/{self.small.id}/plan", activity, "under the minimum")
        form = self.url_open(f"/my/invoices/{self.tractor.id}/plan").text
        self.assertIn("o_connect_plan_form", form)
        dates, amounts = self._schedule(3)
        response = self._post(self.tractor, dates, amounts, "Harvest pays in autumn")
        self.assertEqual(response.status_code, 303, response.text[:500])
        plan = self.Plan.search([("move_id", "=", self.tractor.id)])
        self.assertEqual(plan.state, "requested")
        self.assertEqual(plan.contact_id, self.farm_billing)
        self.assertEqual([str(d) for d in plan.line_ids.mapped("date_due")], dates)
        self.assertEqual(plan.customer_note, "Harvest pays in autumn")
        page = self.url_open(f"/my/plans/{plan.id}").text
        self.assertIn(plan.name, page)
        self.assertIn("Asked", page)
        self.assertIn(plan.name, self.url_open("/my/plans").text)
        self.assertEqual(
            self.env["customer_connect.portal.event"].search_count(
                [("kind", "=", "plan_asked"), ("commercial_partner_id", "=", self.farm.id)]
            ),
            1,
        )
        # a second ask for the same invoice
        response = self._post(self.tractor, dates, amounts)
        self.assertIn("has a plan", response.text)

    def test_first_proposal_adds_up_and_is_accepted_as_it_stands(self):
        """The form opens with a schedule the contact can send unchanged:
        the cents a three-way split leaves go to the last instalment."""
        odd = self.init_invoice(
            "out_invoice", partner=self.farm, amounts=[1000.01], invoice_date=self.today, post=True
        )
        Plan = self.Plan.with_user(self.farm_user).with_company(self.company)
        proposal = Plan._connect_first_proposal(odd, self.today)
        self.assertEqual(len(proposal), 3)
        self.assertAlmostEqual(sum(amount for _day, amount in proposal), odd.amount_residual)
        self.assertEqual(len({amount for _day, amount in proposal}), 2, "the cents go last")
        plan = Plan._connect_ask(
            odd.id, [str(day) for day, _a in proposal], [str(a) for _d, a in proposal]
        )
        self.assertEqual(plan.instalment_count, 3)

    def test_hostile_inputs_say_what_is_wrong_and_keep_what_was_typed(self):
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        dates, amounts = self._schedule(3)
        far = str(self.today + timedelta(days=400))
        cases = [
            ([dates[0]], [str(self.tractor.amount_residual)], "Propose 2 to 6"),
            (dates[:1] * 7, ["1"] * 7, "Propose 2 to 6"),
            ([dates[1], dates[0], dates[2]], amounts, "after the one before"),
            ([str(self.today), dates[1], dates[2]], amounts, "after today"),
            ([dates[0], dates[1], far], amounts, "within 365 days"),
            ([dates[0], "2026-02-30", dates[2]], amounts, "is not a date"),
            (dates, [amounts[0], amounts[1], "1"], "must add up to"),
            (dates, [amounts[0], amounts[1], "1e309"], "is not an amount"),
            (dates, [amounts[0], amounts[1], "-5"], "more than zero"),
            (dates, [amounts[0], amounts[1], "=SUM(A1)"], "is not an amount"),
            (dates, [amounts[0], amounts[1], "nan"], "is not an amount"),
            (dates, [amounts[0], "", amounts[2]], "amount of instalment 2."),
        ]
        for row_dates, row_amounts, message in cases:
            with self.subTest(dates=row_dates, amounts=row_amounts):
                response = self._post(self.tractor, row_dates, row_amounts, "kept note")
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_connect_plan_error", response.text)
                self.assertIn(message, response.text)
                self.assertIn("kept note", response.text)
                for typed in row_dates[:6]:
                    self.assertIn(f'value="{typed}"', response.text)
        # a note too long
        response = self._post(self.tractor, dates, amounts, "x" * 2001)
        self.assertIn("under 2000", response.text)
        # an invoice under the minimum, one partly paid
        small_dates, small_amounts = self._schedule(2, self.small)
        response = self._post(self.small, small_dates, small_amounts)
        self.assertIn("invoices of", response.text)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.tractor.ids
        ).create({"amount": 100})._create_payments()
        response = self._post(self.tractor, *self._schedule(3))
        self.assertIn("paid in part", response.text)
        self.assertFalse(self.Plan.search([]))
        # another customer's invoice: refused, nothing of it shown
        with mute_logger("odoo.http"):
            for method in ("GET", "POST"):
                response = (
                    self._post(self.golf_invoice, *self._schedule(2, self.golf_invoice))
                    if method == "POST"
                    else self.url_open(f"/my/invoices/{self.golf_invoice.id}/plan")
                )
                self.assertIn(response.status_code, REFUSED, method)
                self.assertNotIn(self.golf_invoice.name, response.text)
            self.assertEqual(self.url_open("/my/invoices/2147483648/plan").status_code, 404)
        self.assertFalse(self.Plan.search([]))

    # -- staff ---------------------------------------------------------------
    def test_accepted_plan_becomes_the_invoice_terms(self):
        plan = self._ask()
        name = self.tractor.name
        dates, amounts = self._schedule(3)
        with self.assertRaisesRegex(UserError, "invoicing rights"):
            plan.with_user(self.staff).action_accept()
        plan.with_user(self.accountant).action_accept()
        self.assertEqual(plan.state, "accepted")
        self.assertEqual(self.tractor.state, "posted")
        self.assertEqual(self.tractor.name, name, "the invoice keeps its number")
        self.assertEqual(self.tractor.invoice_payment_term_id, plan.payment_term_id)
        self.assertFalse(plan.payment_term_id.active)
        # the receivable lines carry the instalments: what Odoo's ageing,
        # the statement and autopay read
        self.assertEqual(
            self._receivable(self.tractor),
            [(fields.Date.to_date(d), float(a)) for d, a in zip(dates, amounts, strict=True)],
        )
        self.assertEqual(self.tractor.invoice_date_due, fields.Date.to_date(dates[-1]))
        # the hold: nothing due yet, then the first instalment's day
        Hold = self.env["customer_connect.collection.hold"]
        self.assertEqual(Hold._holds(self.tractor, self.today), {self.tractor.id: "plan"})
        first = fields.Date.to_date(dates[0])
        self.assertEqual(
            Hold._holds(self.tractor, first - timedelta(days=1)), {self.tractor.id: "plan"}
        )
        self.assertEqual(Hold._holds(self.tractor, first), {})
        # the customer reads it
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        page = self.url_open(f"/my/plans/{plan.id}").text
        self.assertIn("Accepted", page)
        self.assertIn("Your instalments", page)
        self.assertEqual(
            self.env["customer_connect.portal.event"].search_count(
                [("kind", "=", "plan_accepted"), ("commercial_partner_id", "=", self.farm.id)]
            ),
            1,
        )
        # answered: its instalments stay
        with self.assertRaises(UserError):
            plan.line_ids[0].with_user(self.accountant).amount = 1
        with self.assertRaises(UserError):
            plan.with_user(self.accountant).action_refuse()

    def test_staff_change_the_instalments_then_accept(self):
        plan = self._ask(count=3)
        total = self.tractor.amount_residual
        second = self.today + relativedelta(months=2)
        plan.with_user(self.accountant).write(
            {
                "line_ids": [
                    Command.clear(),
                    Command.create(
                        {"date_due": self.today + relativedelta(months=1), "amount": 1000}
                    ),
                    Command.create({"date_due": second, "amount": total - 1000}),
                ]
            }
        )
        plan.with_user(self.accountant).action_accept()
        self.assertEqual(len(self._receivable(self.tractor)), 2)
        self.assertEqual(self._receivable(self.tractor)[-1], (second, total - 1000))
        bodies = plan.with_user(self.accountant).message_ids.mapped("body")
        self.assertTrue(any("Plan accepted with changes" in str(body) for body in bodies))
        # instalments that do not add up are refused
        other = self.init_invoice(
            "out_invoice", partner=self.farm, amounts=[2000], invoice_date=self.today, post=True
        )
        plan = self._ask(other, count=2)
        plan.line_ids[0].with_user(self.accountant).amount = 1
        with self.assertRaisesRegex(UserError, "must add up to"):
            plan.with_user(self.accountant).action_accept()
        self.assertEqual(other.state, "posted")

    def test_refused_with_a_note_the_customer_reads(self):
        plan = self._ask()
        with self.assertRaisesRegex(UserError, "Write the answer"):
            plan.with_user(self.staff).action_refuse()
        plan.with_user(self.staff).staff_note = "We can offer two instalments: call us."
        plan.with_user(self.staff).action_refuse()
        self.assertEqual(plan.state, "refused")
        self.assertFalse(
            self.tractor.invoice_payment_term_id == plan.payment_term_id and plan.payment_term_id
        )
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        page = self.url_open(f"/my/plans/{plan.id}").text
        self.assertIn("We can offer two instalments", page)
        # refused: a new plan may be asked
        self.assertEqual(self._ask().state, "requested")
        # the daily status
        section = self.Plan._connect_daily_status_section(
            self.company,
            fields.Datetime.now() - timedelta(hours=1),
            fields.Datetime.now() + timedelta(hours=1),
        )
        self.assertEqual(section["title"], "Instalment plans")
        self.assertTrue(any(line.startswith("Refused: " + plan.name) for line in section["lines"]))
        self.assertTrue(any(line.startswith("Asked: " + plan.name) for line in section["lines"]))

    def test_the_answer_is_emailed_to_the_contact_who_asked(self):
        Log = self.env["customer_connect.mail.log"]
        farm_plan = self._ask()
        golf_plan = self._ask(self.golf_invoice, user=self.golf_user)
        self.assertFalse(Log.search([("kind", "=", "plan")]), "asking e-mails nobody")
        farm_plan.with_user(self.accountant).staff_note = "Agreed, as you asked."
        farm_plan.with_user(self.accountant).action_accept()
        logs = Log.search([("kind", "=", "plan")])
        self.assertEqual(len(logs), 1, "queued once")
        self.assertEqual(logs.partner_id, self.farm_billing)
        self.assertEqual(logs.commercial_partner_id, self.farm)
        self.assertIn("<accounts@greenacres.example>", logs.recipient)
        self.assertEqual(logs.mail_id.email_to, logs.recipient, "to the contact alone")
        self.assertEqual(logs.mail_id.state, "outgoing")
        body = str(logs.mail_id.body_html)
        self.assertIn(farm_plan.name, body)
        self.assertIn(self.tractor.name, body)
        self.assertIn("We accept", body)
        self.assertIn("Agreed, as you asked.", body)
        self.assertIn(f"/my/plans/{farm_plan.id}", body)
        for line in farm_plan.line_ids:
            self.assertIn(f"{line.amount:,.2f}", body)
        # nothing for another customer's contact
        self.assertFalse(
            Log.search([("kind", "=", "plan"), ("partner_id", "=", self.golf_keeper.id)])
        )
        # refused: the staff's note goes to Loch Vale's contact alone
        golf_plan.with_user(self.staff).staff_note = "We can offer two instalments: call us."
        golf_plan.with_user(self.staff).action_refuse()
        golf_logs = Log.search([("kind", "=", "plan"), ("partner_id", "=", self.golf_keeper.id)])
        self.assertEqual(len(golf_logs), 1)
        self.assertIn("<greens@lochvale.example>", golf_logs.recipient)
        golf_body = str(golf_logs.mail_id.body_html)
        self.assertIn("cannot accept", golf_body)
        self.assertIn("We can offer two instalments: call us.", golf_body)
        self.assertNotIn(self.tractor.name, golf_body)
        self.assertEqual(Log.search_count([("kind", "=", "plan")]), 2, "one e-mail an answer")
        # a contact without a valid address: the answer stays on the portal
        self.farm_billing.email = False
        other = self.init_invoice(
            "out_invoice", partner=self.farm, amounts=[2000], invoice_date=self.today, post=True
        )
        plan = self._ask(other, count=2)
        plan.with_user(self.staff).staff_note = "No."
        plan.with_user(self.staff).action_refuse()
        self.assertEqual(plan.state, "refused")
        self.assertEqual(Log.search_count([("kind", "=", "plan")]), 2)

    def test_isolation_and_levels(self):
        plan = self._ask()
        south = self.setup_other_company(name="Plan Stranger Dealer")["company"]
        stranger = new_test_user(
            self.env,
            "cc_plan_stranger",
            groups="customer_connect.group_connect_user,account.group_account_invoice",
            company_id=south.id,
            company_ids=[Command.set(south.ids)],
        )
        self.assertFalse(self.Plan.with_user(stranger).search([]))
        with self.assertRaises(AccessError):
            plan.with_user(stranger).action_accept()
        with self.assertRaises(AccessError):
            plan.with_user(self.farm_user).action_accept()
        self.assertEqual(self.Plan.with_user(self.staff).search([]), plan)
        self.assertEqual(self.farm.with_user(self.staff).connect_plan_count, 1)
        # Loch Vale's contact: nothing of it, on pages or over JSON-RPC
        self.authenticate(self.golf_user.login, self.PORTAL_PASSWORD)
        with mute_logger("odoo.http"):
            self.assertIn(self.url_open(f"/my/plans/{plan.id}").status_code, REFUSED)
        self.assertNotIn(plan.name, self.url_open("/my/plans").text)
        for model in ("customer_connect.plan", "customer_connect.plan.line"):
            found = self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/search_read",
                {"model": model, "method": "search_read", "args": [[], ["id"]], "kwargs": {}},
            )
            self.assertEqual(found, [], model)
        # a level without plans (Payments only)
        self._set_level(self.farm_billing, "payments_only")
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        with mute_logger("odoo.http"):
            for url in (
                "/my/plans",
                f"/my/plans/{plan.id}",
                f"/my/invoices/{self.tractor.id}/plan",
            ):
                self.assertIn(self.url_open(url).status_code, REFUSED, url)
        self.assertNotIn(
            f"/my/invoices/{self.tractor.id}/plan",
            self.url_open(f"/my/invoices/{self.tractor.id}").text,
        )

    def test_list_query_count_does_not_grow(self):
        """The contact's plans page: as many queries for seven plans as for one."""
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        self._ask()
        few, page = self._page_queries("/my/plans")
        self.assertEqual(page.count("o_connect_plan_list_row"), 1)
        for _n in range(6):
            invoice = self.init_invoice(
                "out_invoice", partner=self.farm, amounts=[2000], invoice_date=self.today, post=True
            )
            self._ask(invoice)
        self.env.flush_all()
        many, page = self._page_queries("/my/plans")
        self.assertEqual(page.count("o_connect_plan_list_row"), 7)
        self.assertGreater(few, 0, "the page's queries are counted")
        self.assertEqual(many, few)


@tagged("post_install", "-at_install")
class TestPortalPlanTour(ConnectCase, HttpCase):
    """What the contact clicks: Customer Activity, the plan form refusing
    instalments that do not add up, the plan asked."""

    def test_tour_ask_for_a_plan(self):
        farm_user = self._activate(self.farm_billing)
        self.company.connect_plan_min_amount = 1000
        tractor = self.init_invoice(
            "out_invoice", partner=self.farm, amounts=[3000], invoice_date=fields.Date.today()
        )
        tractor.ref = "Tractor on plan"
        tractor.action_post()
        self.start_tour("/my/activity", "customer_connect_portal_plan", login=farm_user.login)
        plan = self.env["customer_connect.plan"].search([("move_id", "=", tractor.id)])
        self.assertEqual(plan.state, "requested")
        self.assertEqual(plan.contact_id, self.farm_billing)
        self.assertEqual(len(plan.line_ids), 3)
        self.assertAlmostEqual(sum(plan.line_ids.mapped("amount")), tractor.amount_residual)
        self.assertEqual(plan.customer_note, "Harvest pays in the autumn.")

    def test_tour_staff_accept_a_plan(self):
        farm_user = self._activate(self.farm_billing)
        self.company.connect_plan_min_amount = 1000
        tractor = self.init_invoice(
            "out_invoice",
            partner=self.farm,
            amounts=[3000],
            invoice_date=fields.Date.today(),
            post=True,
        )
        today = fields.Date.today()
        plan = (
            self.env["customer_connect.plan"]
            .with_user(farm_user)
            .with_company(self.company)
            ._connect_ask(
                tractor.id,
                [str(today + relativedelta(months=1)), str(today + relativedelta(months=2))],
                ["1000.00", str(tractor.amount_residual - 1000)],
            )
        )
        accountant = new_test_user(
            self.env,
            "cc_plan_tour_accountant",
            groups="customer_connect.group_connect_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.start_tour(
            f"/odoo/action-customer_connect.action_connect_plan/{plan.id}",
            "customer_connect_plan_accept",
            login=accountant.login,
        )
        self.assertEqual(plan.state, "accepted")
        self.assertEqual(tractor.invoice_payment_term_id, plan.payment_term_id)
        self.assertEqual(
            self.env["customer_connect.mail.log"].search_count(
                [("kind", "=", "plan"), ("partner_id", "=", self.farm_billing.id)]
            ),
            1,
            "the contact is told",
        )
