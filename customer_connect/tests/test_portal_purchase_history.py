from odoo import Command, sql_db
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestPortalPurchaseHistory(ConnectCase, HttpCase):
    """Purchase History: the customer's posted invoice lines (credit notes
    negative), searched, filtered by date, sorted and paged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls._activate(cls.farm_billing)
        cls.product_a.default_code = "BLD-42"
        cls.invoice = cls._move(
            "out_invoice",
            "2026-02-03",
            [
                (cls.product_a, "Mower blade, heavy duty", 4, 25.0),
                (cls.product_b, "Hydraulic oil 20 l", 2, 60.0),
            ],
        )
        cls.credit_note = cls._move(
            "out_refund", "2026-02-10", [(cls.product_a, "Mower blade returned", 1, 25.0)]
        )
        cls.old_invoice = cls._move(
            "out_invoice", "2025-06-01", [(cls.product_b, "Grease cartridges", 10, 3.5)]
        )
        cls.draft = cls._move(
            "out_invoice", "2026-02-04", [(cls.product_a, "Draft blade", 9, 1.0)], post=False
        )
        cls.golf_invoice = cls._move(
            "out_invoice",
            "2026-02-05",
            [(cls.product_a, "Greens mower blade", 3, 25.0)],
            partner=cls.golf,
        )

    @classmethod
    def _move(cls, move_type, invoice_date, lines, partner=None, post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or cls.farm).id,
                "invoice_date": invoice_date,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": name,
                            "quantity": quantity,
                            "price_unit": price,
                            "tax_ids": [],
                        }
                    )
                    for product, name, quantity, price in lines
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def _purchases(self, user=None, **kw):
        Purchases = self.env["customer_connect.portal.purchase.history"]
        return Purchases.with_user(user or self.portal_user).with_company(self.company)._page(**kw)

    def test_lines_with_credit_notes(self):
        rows, count = self._purchases(sort="date", descending=False)
        self.assertEqual(count, 4)
        got = [
            (row["document"], row["description"], row["quantity"], row["price_unit"], row["amount"])
            for row in rows
        ]
        self.assertEqual(
            got,
            [
                (self.old_invoice.name, "Grease cartridges", 10, 3.5, 35),
                (self.invoice.name, "Mower blade, heavy duty", 4, 25, 100),
                (self.invoice.name, "Hydraulic oil 20 l", 2, 60, 120),
                (self.credit_note.name, "Mower blade returned", -1, 25, -25),
            ],
            "posted lines only, oldest first, a credit note counts against",
        )
        self.assertTrue(rows[3]["credit_note"])
        self.assertEqual(rows[1]["product"], f"[BLD-42] {self.product_a.name}")
        self.assertEqual(rows[1]["move_id"], self.invoice.id)
        self.assertEqual(str(rows[1]["doc_date"]), "2026-02-03")

    def test_search_dates_sort_pages(self):
        rows, count = self._purchases(search="bld-42")
        self.assertEqual(count, 2, "search on the product's code")
        self.assertEqual(
            {row["document"] for row in rows}, {self.invoice.name, self.credit_note.name}
        )
        rows, count = self._purchases(search="hydraulic")
        self.assertEqual([row["description"] for row in rows], ["Hydraulic oil 20 l"])
        rows, count = self._purchases(search=self.product_b.name)
        self.assertEqual(count, 2, "search on the product's name")
        rows, count = self._purchases(date_from="2026-01-01", date_to="2026-02-05")
        self.assertEqual(
            sorted(row["description"] for row in rows),
            ["Hydraulic oil 20 l", "Mower blade, heavy duty"],
        )
        rows, count = self._purchases(date_to="2025-12-31")
        self.assertEqual([row["description"] for row in rows], ["Grease cartridges"])
        rows, _count = self._purchases(sort="amount", descending=False)
        self.assertEqual([row["amount"] for row in rows], [-25, 35, 100, 120])
        rows, _count = self._purchases(sort="quantity", descending=True)
        self.assertEqual([row["quantity"] for row in rows], [10, 4, 2, -1])
        page, count = self._purchases(sort="amount", descending=False, offset=2, limit=2)
        self.assertEqual(([row["amount"] for row in page], count), ([100, 120], 4))
        with self.assertRaises(UserError):
            self._purchases(date_from="2026-03-01", date_to="2026-01-01")

    def test_isolation_and_levels(self):
        golf_user = self._activate(self.golf_keeper)
        rows, _count = self._purchases(user=golf_user)
        self.assertEqual([row["document"] for row in rows], [self.golf_invoice.name])
        self.authenticate(golf_user.login, self.PORTAL_PASSWORD)
        response = self.url_open("/my/purchases")
        self.assertIn("Greens mower blade", response.text)
        self.assertNotIn("Hydraulic oil", response.text)
        # the document link of another customer's invoice leads nowhere
        response = self.url_open(f"/my/invoices/{self.invoice.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertNotIn(self.invoice.name, response.text)
        # status only: no invoices, so no purchase history
        self._set_level(self.farm_billing, "status_only")
        with self.assertRaises(AccessError):
            self._purchases()
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        self.assertEqual(self.url_open("/my/purchases").status_code, 403)
        self.assertNotIn("/my/purchases", self.url_open("/my").text)
        self._set_level(self.farm_billing, "payments_only")
        self.assertEqual(self.url_open("/my/purchases").status_code, 200)
        self.assertIn("/my/purchases", self.url_open("/my").text)

    def test_page(self):
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        response = self.url_open("/my/purchases?sortby=amount&order=asc&search=mower")
        self.assertEqual(response.status_code, 200)
        text = response.text
        self.assertIn("Mower blade, heavy duty", text)
        self.assertIn("o_connect_credit_note", text)
        self.assertNotIn("Hydraulic oil", text)
        self.assertNotIn("Draft blade", text)
        self.assertIn(f"/my/invoices/{self.invoice.id}", text)
        self.assertLess(text.index("Mower blade returned"), text.index("Mower blade, heavy duty"))
        # bad input: ignored or said, never an error
        response = self.url_open("/my/purchases?sortby=x;drop&page=abc&date_from=31/12/2026")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_connect_purchase_error", response.text)

    def test_query_count_does_not_grow_with_lines(self):
        Purchases = self.env["customer_connect.portal.purchase.history"].with_user(self.portal_user)

        def count_queries():
            Purchases._page(search="blade")
            self.env.invalidate_all()
            before = sql_db.sql_counter
            Purchases._page(search="blade")
            return sql_db.sql_counter - before

        few = count_queries()
        for day in range(1, 11):
            self._move("out_invoice", f"2026-03-{day:02d}", [(self.product_a, "Blade", 1, 25.0)])
        self.env.flush_all()
        self.assertEqual(count_queries(), few)
        self.assertLessEqual(few, 8)
