import csv
import io
from datetime import date

from freezegun import freeze_time

from odoo import sql_db
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestPortalAccountHistory(ConnectCase, HttpCase):
    """Account History: the customer's posted invoices, credit notes and
    payments between two dates, oldest first, with the opening balance and a
    running balance that stays right page after page, and its CSV."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls._activate(cls.farm_billing)
        invoice = cls._invoice
        # before the range: the opening balance (1,000 - 100 = 900)
        cls.before = invoice("out_invoice", 1000, "2025-12-10")
        cls.before_credit = invoice("out_refund", 100, "2025-12-20")
        # in the range (2026-01-01 to 2026-02-28)
        cls.jan_invoice = invoice("out_invoice", 500, "2026-01-05", ref="Baler twine")
        cls.jan_payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": cls.farm.id,
                "amount": 300,
                "date": "2026-01-10",
            }
        )
        cls.jan_payment.action_post()
        cls.jan_credit = invoice("out_refund", 50, "2026-01-15")
        cls.feb_invoice = invoice("out_invoice", 200, "2026-02-01", ref="=1+2")
        # after the range, a draft and another customer's: never listed
        cls.mar_invoice = invoice("out_invoice", 120, "2026-03-01")
        cls.draft = cls.init_invoice(
            "out_invoice", partner=cls.farm, amounts=[999], invoice_date="2026-01-20"
        )
        cls.golf_invoice = invoice("out_invoice", 90, "2026-01-07", partner=cls.golf)

    @classmethod
    def _invoice(cls, move_type, amount, invoice_date, ref=None, partner=None):
        move = cls.init_invoice(
            move_type, partner=partner or cls.farm, amounts=[amount], invoice_date=invoice_date
        )
        if ref:
            move.ref = ref
        move.action_post()
        return move

    def _history(self, user=None, **kw):
        History = self.env["customer_connect.portal.account.history"]
        return History.with_user(user or self.portal_user).with_company(self.company)._page(**kw)

    def test_running_balance_in_a_range(self):
        history = self._history(date_from="2026-01-01", date_to="2026-02-28")
        self.assertEqual(history["opening"], 900)
        rows = [
            (row["name"], row["type"], row["debit"], row["credit"], row["balance"])
            for row in history["rows"]
        ]
        self.assertEqual(
            rows,
            [
                (self.jan_invoice.name, "invoice", 500, 0, 1400),
                (self.jan_payment.move_id.name, "payment", 0, 300, 1100),
                (self.jan_credit.name, "credit_note", 0, 50, 1050),
                (self.feb_invoice.name, "invoice", 200, 0, 1250),
            ],
            "oldest first; drafts, other customers and later documents left out",
        )
        self.assertEqual(history["count"], 4)
        self.assertEqual(history["total_debit"], 700)
        self.assertEqual(history["total_credit"], 350)
        self.assertEqual(history["closing"], 1250)
        self.assertEqual(history["rows"][0]["description"], "Baler twine")
        self.assertEqual(history["rows"][2]["description"], "", "not the number again")
        # the balance closing one range opens the next
        later = self._history(date_from="2026-03-01", date_to="2026-03-31")
        self.assertEqual(later["opening"], 1250)
        self.assertEqual([row["balance"] for row in later["rows"]], [1370])

    def test_running_balance_page_after_page(self):
        full = self._history(date_from="2026-01-01", date_to="2026-02-28")
        page_two = self._history(date_from="2026-01-01", date_to="2026-02-28", offset=2, limit=2)
        self.assertEqual(
            [(row["name"], row["balance"]) for row in page_two["rows"]],
            [(self.jan_credit.name, 1050), (self.feb_invoice.name, 1250)],
        )
        self.assertEqual(page_two["count"], 4, "the count is the range's, not the page's")
        self.assertEqual(page_two["opening"], full["opening"])
        past_the_end = self._history(date_from="2026-01-01", date_to="2026-02-28", offset=8)
        self.assertEqual(past_the_end["rows"], [])
        self.assertEqual(past_the_end["closing"], 1250)
        # an empty range still says what the account stood at
        empty = self._history(date_from="2025-12-21", date_to="2025-12-31")
        self.assertEqual((empty["opening"], empty["rows"], empty["closing"]), (900, [], 900))

    def test_default_range_and_validation(self):
        with freeze_time("2026-03-15"):
            history = self._history()
            self.assertEqual(history["date_from"], date(2025, 3, 16))
            self.assertEqual(history["date_to"], date(2026, 3, 15))
            self.assertEqual(history["opening"], 0)
            self.assertEqual(history["closing"], 1370)
            self.assertEqual(history["count"], 7)
        with self.assertRaisesRegex(UserError, "2026-11-30"):
            self._history(date_from="13/01/2026")
        with self.assertRaisesRegex(UserError, "start date must be on or before"):
            self._history(date_from="2026-02-01", date_to="2026-01-01")

    def test_other_customer_sees_only_its_own(self):
        golf_user = self._activate(self.golf_keeper)
        history = self._history(user=golf_user, date_from="2026-01-01", date_to="2026-02-28")
        self.assertEqual([row["name"] for row in history["rows"]], [self.golf_invoice.name])
        self.assertEqual(history["opening"], 0)
        self.authenticate(golf_user.login, self.PORTAL_PASSWORD)
        response = self.url_open("/my/history?date_from=2025-01-01&date_to=2026-12-31")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.golf_invoice.name, response.text)
        for move in (self.jan_invoice, self.jan_payment.move_id, self.feb_invoice):
            self.assertNotIn(move.name, response.text)
        response = self.url_open("/my/history/csv?date_from=2025-01-01&date_to=2026-12-31")
        self.assertNotIn(self.jan_invoice.name, response.text)

    def test_levels(self):
        # status only: no invoices, no payments
        self._set_level(self.farm_billing, "status_only")
        with self.assertRaises(AccessError):
            self._history()
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        for url in ("/my/history", "/my/history/csv"):
            self.assertEqual(self.url_open(url).status_code, 403, url)
        self.assertNotIn("/my/history", self.url_open("/my").text)
        # payments only sees its invoices and payments
        self._set_level(self.farm_billing, "payments_only")
        self.assertEqual(self.url_open("/my/history").status_code, 200)
        self.assertIn("/my/history", self.url_open("/my").text)

    def test_page(self):
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        response = self.url_open("/my/history?date_from=2026-01-01&date_to=2026-02-28")
        self.assertEqual(response.status_code, 200)
        text = response.text
        self.assertIn("Opening balance", text)
        self.assertIn("Closing balance", text)
        self.assertLess(text.index(self.jan_invoice.name), text.index(self.feb_invoice.name))
        self.assertIn(f"/my/invoices/{self.jan_invoice.id}", text)
        self.assertIn("1,250.00", text)
        self.assertNotIn(self.mar_invoice.name, text)
        # bad dates: said so, and the last 12 months shown
        response = self.url_open("/my/history?date_from=yesterday")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_connect_history_error", response.text)
        self.assertIn("2026-11-30", response.text)
        response = self.url_open("/my/history?date_from=2026-02-01&date_to=2026-01-01")
        self.assertIn("start date must be on or before", response.text)

    def test_csv_download(self):
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        response = self.url_open("/my/history/csv?date_from=2026-01-01&date_to=2026-02-28")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/csv"))
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertIn("90001", response.headers["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(
            rows[0], ["Date", "Type", "Reference", "Description", "Debit", "Credit", "Balance"]
        )
        self.assertEqual(rows[1], ["2026-01-01", "", "", "Opening balance", "", "", "900.00"])
        self.assertEqual(
            rows[2],
            [
                "2026-01-05",
                "Invoice",
                self.jan_invoice.name,
                "Baler twine",
                "500.00",
                "",
                "1400.00",
            ],
        )
        self.assertEqual(rows[3][1], "Payment")
        self.assertEqual(rows[3][5:], ["300.00", "1100.00"])
        self.assertEqual(rows[-1][-1], "1250.00")
        self.assertEqual(len(rows), 6)
        # a description a spreadsheet would run is shown as text
        self.assertEqual(rows[-1][3], "'=1+2")
        event = self.env["customer_connect.portal.event"].search(
            [
                ("commercial_partner_id", "=", self.farm.id),
                ("kind", "=", "account_history_downloaded"),
            ]
        )
        self.assertEqual(len(event), 1)
        self.assertEqual(event.partner_id, self.farm_billing)
        self.assertIn("2026-01-01", event.name)
        # viewing the page records nothing
        self.url_open("/my/history")
        self.assertEqual(
            self.env["customer_connect.portal.event"].search_count(
                [("commercial_partner_id", "=", self.farm.id), ("kind", "!=", "login")]
            ),
            1,
        )

    def test_query_count_does_not_grow_with_documents(self):
        History = self.env["customer_connect.portal.account.history"].with_user(self.portal_user)
        args = {"date_from": "2026-01-01", "date_to": "2026-12-31", "offset": 2, "limit": 3}

        def count_queries():
            History._page(**args)
            self.env.invalidate_all()
            before = sql_db.sql_counter
            History._page(**args)
            return sql_db.sql_counter - before

        few = count_queries()
        for day in range(1, 16):
            self._invoice("out_invoice", 10, f"2026-04-{day:02d}")
        self.env.flush_all()
        self.assertEqual(count_queries(), few)
        self.assertLessEqual(few, 10)
