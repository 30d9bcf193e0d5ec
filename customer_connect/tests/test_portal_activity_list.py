from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields, sql_db
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestCustomerActivity(ConnectCase, HttpCase):
    """The Customer Activity list: the customer's invoices, credit notes and
    payments with the manual's columns, filters, search, sort and totals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.password = cls.PORTAL_PASSWORD
        cls.portal_user = cls._activate(cls.farm_billing)
        cls.early = cls.env["account.payment.term"].create(
            {
                "name": "2% 10 days, net 30",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})
                ],
            }
        )
        today = fields.Date.today()
        cls.open_invoice = cls.init_invoice(
            "out_invoice", partner=cls.farm, amounts=[500], post=True, invoice_date=today
        )
        cls.discounted = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.farm.id,
                "invoice_date": today,
                "invoice_payment_term_id": cls.early.id,
                "ref": "Mower blades",
                "invoice_line_ids": [
                    Command.create({"name": "Blades", "price_unit": 100, "tax_ids": []})
                ],
            }
        )
        cls.discounted.action_post()
        cls.old_paid = cls.init_invoice(
            "out_invoice",
            partner=cls.farm,
            amounts=[80],
            post=True,
            invoice_date=today - timedelta(days=100),
        )
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.old_paid.ids
        ).create({})._create_payments()
        cls.credit_note = cls.init_invoice(
            "out_refund", partner=cls.farm, amounts=[30], post=True, invoice_date=today
        )
        # a payment on account, not applied to any invoice
        cls.on_account = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": cls.farm.id,
                "amount": 45,
            }
        )
        cls.on_account.action_post()
        cls.golf_invoice = cls.init_invoice(
            "out_invoice", partner=cls.golf, amounts=[90], post=True
        )

    def _activity(self, **kw):
        Activity = self.env["customer_connect.portal.activity"].with_user(self.portal_user)
        rows, count = Activity.with_company(self.company)._page(**kw)
        return {row["name"]: row for row in rows}, count

    def test_columns_and_scope(self):
        rows, count = self._activity(status="all")
        names = set(rows)
        self.assertIn(self.open_invoice.name, names)
        self.assertIn(self.credit_note.name, names)
        self.assertIn(self.old_paid.name, names)
        self.assertIn(self.on_account.move_id.name, names, "a payment on account shows")
        self.assertNotIn(self.golf_invoice.name, names, "another customer's invoice")
        self.assertEqual(count, len(rows))
        self.assertEqual(rows[self.credit_note.name]["type"], "credit_note")
        self.assertEqual(rows[self.on_account.move_id.name]["type"], "payment")
        self.assertEqual(rows[self.open_invoice.name]["outstanding"], 500)
        self.assertLess(rows[self.credit_note.name]["outstanding"], 0, "counts against")
        self.assertEqual(rows[self.on_account.move_id.name]["outstanding"], -45)
        discounted = rows[self.discounted.name]
        self.assertEqual(discounted["discount_date"], fields.Date.today() + timedelta(days=10))
        self.assertEqual(discounted["settlement"], 98, "2% off while the discount runs")
        self.assertEqual(discounted["description"], "Mower blades")
        self.assertEqual(rows[self.old_paid.name]["age"], 3)
        self.assertEqual(rows[self.open_invoice.name]["age"], 0)

    def test_status_type_search_sort(self):
        current, _count = self._activity(status="current")
        self.assertNotIn(self.old_paid.name, current, "settled: History only")
        history, _count = self._activity(status="history")
        self.assertIn(self.old_paid.name, history)
        self.assertNotIn(self.open_invoice.name, history)
        credit, _count = self._activity(status="all", doc_type="credit_note")
        self.assertEqual(set(credit), {self.credit_note.name})
        found, _count = self._activity(status="all", search="mower")
        self.assertEqual(set(found), {self.discounted.name}, "search on description")
        found, _count = self._activity(status="all", search=self.open_invoice.name)
        self.assertIn(self.open_invoice.name, found, "search on reference")
        self.assertNotIn(self.discounted.name, found)
        Activity = self.env["customer_connect.portal.activity"].with_user(self.portal_user)
        rows, _count = Activity._page(status="all", sort="outstanding", descending=False)
        amounts = [row["outstanding"] for row in rows]
        self.assertEqual(amounts, sorted(amounts))
        page, count = Activity._page(status="all", limit=2, offset=2)
        self.assertEqual(len(page), 2)
        self.assertEqual(count, 6)

    def test_totals(self):
        Activity = self.env["customer_connect.portal.activity"].with_user(self.portal_user)
        (totals,) = Activity._totals().values()
        # 500 + 100 open, 30 credited, 45 paid on account
        self.assertEqual(totals["outstanding"], 500 + 100 - 30 - 45)
        self.assertEqual(totals["settles_today"], 500 + 98 - 30 - 45)
        self.assertEqual(totals["overdue"], 0)
        with freeze_time(fields.Date.today() + timedelta(days=40)):
            (totals,) = Activity._totals().values()
            self.assertEqual(totals["overdue"], 600, "invoices past due")
            self.assertEqual(totals["settles_today"], totals["outstanding"], "discount over")

    def test_level_without_activity(self):
        self._set_level(self.farm_billing, "status_only")
        with self.assertRaises(AccessError):
            self.env["customer_connect.portal.activity"].with_user(self.portal_user)._page()
        self.authenticate(self.portal_user.login, self.password)
        self.assertEqual(self.url_open("/my/activity").status_code, 403)

    def test_page(self):
        self.authenticate(self.portal_user.login, self.password)
        response = self.url_open("/my/activity?status=all&sortby=outstanding&order=asc")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.open_invoice.name, response.text)
        self.assertNotIn(self.golf_invoice.name, response.text)
        self.assertIn(f"/my/invoices/{self.open_invoice.id}?report_type=pdf", response.text)
        # bad input is ignored, not an error
        response = self.url_open("/my/activity?status=x&doc_type=y&sortby=name;drop&page=1")
        self.assertEqual(response.status_code, 200)
        # without download and print: no print or download links
        self._set_level(self.farm_billing, "payments_only")
        response = self.url_open("/my/activity?status=all")
        self.assertNotIn("report_type=pdf", response.text)

    def test_query_count_does_not_grow_with_documents(self):
        Activity = self.env["customer_connect.portal.activity"].with_user(self.portal_user)

        def count_queries():
            # once to warm the registry caches (rules, rights), then counted
            Activity._page(status="all")
            self.env.invalidate_all()
            before = sql_db.sql_counter
            Activity._page(status="all")
            Activity._totals()
            return sql_db.sql_counter - before

        few = count_queries()
        for _n in range(15):
            self.init_invoice("out_invoice", partner=self.farm, amounts=[10], post=True)
        self.env.flush_all()
        self.assertEqual(count_queries(), few)
        self.assertLessEqual(few, 8)

    def test_page_query_count(self):
        """The whole request as a contact opens it (session, gate, record
        rules, the page, its totals and tiles, the layout): the login's
        contacts are searched once, not once per caller of the gate (eight
        searches of them before), and nothing grows with the documents."""
        self.authenticate(self.portal_user.login, self.password)
        few, page = self._page_queries("/my/activity?status=all")
        self.assertIn(self.open_invoice.name, page)
        for _n in range(15):
            self.init_invoice("out_invoice", partner=self.farm, amounts=[10], post=True)
        self.env.flush_all()
        many, _page = self._page_queries("/my/activity?status=all")
        self.assertEqual(many, few)
        self.assertLessEqual(few, 14)

    def test_selected_documents_as_one_pdf(self):
        self.authenticate(self.portal_user.login, self.password)
        url = f"/my/activity/documents?doc_{self.open_invoice.id}=1&doc_{self.credit_note.id}=1"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        # under test, Odoo renders reports as HTML (no wkhtmltopdf run): both
        # documents are in the one file
        self.assertIn(self.open_invoice.name, response.text)
        self.assertIn(self.credit_note.name, response.text)
        # another customer's invoice among them: refused, nothing rendered
        response = self.url_open(f"{url}&doc_{self.golf_invoice.id}=1")
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(self.golf_invoice.name, response.text)
        # a payment is no document
        response = self.url_open(f"/my/activity/documents?doc_{self.on_account.move_id.id}=1")
        self.assertIn(response.status_code, (403, 404))
        # without download and print
        self._set_level(self.farm_billing, "payments_only")
        self.assertEqual(self.url_open(url).status_code, 403)

    def test_dealer_sees_what_the_contact_did(self):
        Event = self.env["customer_connect.portal.event"]
        self.portal_user._update_last_login()
        self.authenticate(self.portal_user.login, self.password)
        invoice_url = f"/my/invoices/{self.open_invoice.id}"
        self.assertEqual(self.url_open(invoice_url).status_code, 200)
        self.assertEqual(
            self.url_open(f"{invoice_url}?report_type=pdf&download=true").status_code, 200
        )
        # another customer's invoice: not seen, so not recorded
        self.url_open(f"/my/invoices/{self.golf_invoice.id}", allow_redirects=False)
        events = Event.search([("commercial_partner_id", "=", self.farm.id)])
        kinds = events.mapped("kind")
        self.assertIn("login", kinds)
        self.assertIn("document_viewed", kinds)
        self.assertIn("document_downloaded", kinds)
        viewed = events.filtered(lambda e: e.kind == "document_viewed")
        self.assertEqual(viewed.partner_id, self.farm_billing)
        self.assertEqual(viewed.res_id, self.open_invoice.id)
        self.assertFalse(Event.search([("res_id", "=", self.golf_invoice.id)]))
        # the dealer's timeline of the customer and of the contact
        action = self.farm.with_user(self.staff).action_connect_view_portal_events()
        self.assertEqual(Event.with_user(self.staff).search(action["domain"]), events)
        # the contact itself neither reads nor writes the timeline
        with self.assertRaises(AccessError):
            Event.with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            Event.with_user(self.portal_user).create({"kind": "payment"})

    def test_tour_activity_filters(self):
        self.start_tour(
            "/my/activity", "customer_connect_portal_activity", login=self.portal_user.login
        )
