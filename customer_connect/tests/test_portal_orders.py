from odoo import Command, sql_db
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestPortalOrders(ConnectCase, HttpCase):
    """Open Orders: the customer's confirmed orders not fully delivered or
    invoiced, with their lines; and Odoo's own order pages, all behind the
    orders area, whichever way in (pages, ids, tokens, JSON-RPC)."""

    @classmethod
    def get_default_groups(cls):
        # the set-up sells and invoices as the dealer's salesman would
        return super().get_default_groups() | cls.env.ref("sales_team.group_sale_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls._activate(cls.farm_billing)
        # nothing delivered, nothing invoiced
        cls.so_open = cls._order("Spring service kit", [(cls.product_a, 2, 40.0)], ref="PO-1001")
        # one of two delivered
        cls.so_partial = cls._order("Tyres", [(cls.product_a, 2, 150.0)], delivered=[1])
        # all delivered, not invoiced yet
        cls.so_to_invoice = cls._order("Baler", [(cls.product_b, 1, 9000.0)], delivered=[1])
        # delivered and invoiced: done, not open
        cls.so_done = cls._order(
            "Oil", [(cls.product_b, 3, 20.0)], delivered=[3], invoice=True, ref="PO-DONE"
        )
        cls.quotation = cls._order("Quote only", [(cls.product_a, 1, 5.0)], confirm=False)
        cls.golf_order = cls._order(
            "Greens mower", [(cls.product_a, 1, 7000.0)], partner=cls.golf, ref="GOLF-9"
        )

    @classmethod
    def _order(cls, note, lines, ref=None, delivered=(), invoice=False, confirm=True, partner=None):
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.farm).id,
                "client_order_ref": ref or note,
                "company_id": cls.company.id,
                "order_line": [Command.create({"display_type": "line_section", "name": note})]
                + [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "price_unit": price,
                            "tax_id": [],
                        }
                    )
                    for product, quantity, price in lines
                ],
            }
        )
        if confirm:
            order.action_confirm()
        goods = order.order_line.filtered("product_id")
        for line, quantity in zip(goods, delivered, strict=False):
            line.qty_delivered = quantity
        if invoice:
            order._create_invoices().action_post()
        return order

    def _page(self, user=None, **kw):
        Orders = self.env["customer_connect.portal.orders"]
        return Orders.with_user(user or self.portal_user).with_company(self.company)._page(**kw)

    def _rpc(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_open_orders_filter(self):
        self.assertFalse(self.so_done.connect_to_deliver, "fully delivered")
        self.assertFalse(self.so_done.connect_to_invoice, "fully invoiced")
        self.assertFalse(self.so_to_invoice.connect_to_deliver)
        self.assertTrue(self.so_to_invoice.connect_to_invoice)
        orders, progress, count = self._page()
        self.assertEqual(
            set(orders.ids), {self.so_open.id, self.so_partial.id, self.so_to_invoice.id}
        )
        self.assertEqual(count, 3)
        self.assertEqual(
            {order.id: code for order, (code, _label) in progress.items()},
            {
                self.so_open.id: "to_deliver",
                self.so_partial.id: "partly_delivered",
                self.so_to_invoice.id: "to_invoice",
            },
        )
        orders, _progress, _count = self._page(order_filter="to_deliver")
        self.assertEqual(set(orders.ids), {self.so_open.id, self.so_partial.id})
        orders, _progress, _count = self._page(order_filter="to_invoice")
        self.assertEqual(
            set(orders.ids), {self.so_open.id, self.so_partial.id, self.so_to_invoice.id}
        )
        # delivering and invoicing the rest closes an order
        self.so_partial.order_line.filtered("product_id").qty_delivered = 2
        self.so_partial._create_invoices().action_post()
        orders, _progress, count = self._page()
        self.assertNotIn(self.so_partial, orders)
        self.assertEqual(count, 2)
        # a credit note opens it again: not fully invoiced any more
        self.so_partial.invoice_ids._reverse_moves().action_post()
        orders, progress, _count = self._page()
        self.assertIn(self.so_partial.id, orders.ids)

    def test_search_sort_pages(self):
        orders, _progress, _count = self._page(search="PO-1001")
        self.assertEqual(orders.ids, self.so_open.ids, "the customer's reference")
        orders, _progress, _count = self._page(search=self.so_partial.name)
        self.assertEqual(orders.ids, self.so_partial.ids, "the order's reference")
        orders, _progress, _count = self._page(search="baler")
        self.assertEqual(orders.ids, self.so_to_invoice.ids, "a line's description")
        orders, _progress, _count = self._page(search="PO-DONE")
        self.assertFalse(orders, "a completed order is not open")
        orders, _progress, _count = self._page(sort="total", descending=False)
        self.assertEqual(orders.ids, [self.so_open.id, self.so_partial.id, self.so_to_invoice.id])
        orders, _progress, count = self._page(sort="total", descending=False, offset=1, limit=1)
        self.assertEqual((orders.ids, count), (self.so_partial.ids, 3))

    def test_pages_and_lines(self):
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        response = self.url_open("/my/open-orders")
        self.assertEqual(response.status_code, 200)
        for order in (self.so_open, self.so_partial, self.so_to_invoice):
            self.assertIn(f"/my/open-orders/{order.id}", response.text)
        self.assertNotIn(self.so_done.name, response.text)
        self.assertNotIn(self.quotation.name, response.text)
        self.assertNotIn(self.golf_order.name, response.text)
        response = self.url_open("/my/open-orders?order_filter=x&sortby=y;drop&page=z")
        self.assertEqual(response.status_code, 200)
        response = self.url_open(f"/my/open-orders/{self.so_partial.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_connect_line_partly", response.text)
        self.assertIn("Partly delivered", response.text)
        self.assertIn(self.product_a.name, response.text)
        self.assertIn(self.so_partial.get_portal_url(), response.text.replace("&amp;", "&"))
        event = self.env["customer_connect.portal.event"].search(
            [("kind", "=", "order_viewed"), ("commercial_partner_id", "=", self.farm.id)]
        )
        self.assertEqual((event.res_model, event.res_id), ("sale.order", self.so_partial.id))
        # Odoo's pages stay, behind the same area
        self.assertEqual(self.url_open("/my/orders").status_code, 200)
        self.assertEqual(self.url_open("/my/quotes").status_code, 200)
        response = self.url_open(f"/my/orders/{self.so_done.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.so_done.invoice_ids.name, response.text, "full access: its invoices")
        self.assertEqual(self.url_open("/my/open-orders/999999").status_code, 404)

    def test_other_customer_gets_nothing(self):
        golf_user = self._activate(self.golf_keeper)
        orders, _progress, _count = self._page(user=golf_user)
        self.assertEqual(orders.ids, self.golf_order.ids)
        with self.assertRaises(AccessError):
            self.env["customer_connect.portal.orders"].with_user(golf_user)._order_detail(
                self.so_open.id
            )
        self.authenticate(golf_user.login, self.PORTAL_PASSWORD)
        response = self.url_open("/my/open-orders")
        self.assertNotIn(self.so_open.name, response.text)
        self.assertIn(self.golf_order.name, response.text)
        response = self.url_open(f"/my/open-orders/{self.so_open.id}")
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(self.so_open.name, response.text)
        # Odoo's order page, by id and with the order's token: back to /my
        token = self.so_open._portal_ensure_token()
        for url in (
            f"/my/orders/{self.so_open.id}",
            f"/my/orders/{self.so_open.id}?access_token={token}",
            f"/my/orders/{self.so_open.id}?access_token={token}&report_type=pdf",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 303, url)
            self.assertTrue(response.headers["Location"].endswith("/my"), url)
        self.assertNotIn(self.so_open.name, self.url_open("/my/orders").text)
        # JSON-RPC: nothing of the farm's orders or lines
        found = self._rpc("sale.order", "search_read", [[]], {"fields": ["name"]})
        self.assertEqual([row["id"] for row in found], self.golf_order.ids)
        lines = self._rpc("sale.order.line", "search_read", [[]], {"fields": ["order_id"]})
        self.assertEqual({row["order_id"][0] for row in lines}, set(self.golf_order.ids))
        with self.assertRaises(JsonRpcException), self.assertLogs("odoo.http", "WARNING"):
            self._rpc("sale.order", "read", [self.so_open.ids, ["name"]])

    def test_token_link_while_logged_out(self):
        """A customer on Customer Connect opens its orders by signing in; a
        customer not on it keeps Odoo's token links."""
        token = self.so_open._portal_ensure_token()
        response = self.url_open(
            f"/my/orders/{self.so_open.id}?access_token={token}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login?redirect=", response.headers["Location"])
        self.assertNotIn(self.so_open.name, response.text)
        golf_token = self.golf_order._portal_ensure_token()
        response = self.url_open(f"/my/orders/{self.golf_order.id}?access_token={golf_token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.golf_order.name, response.text)

    def test_chatter_follows_the_level(self):
        """Odoo's portal chatter opens an order's messages with its token:
        the contact's level decides, as on the order's page."""
        self.so_open.message_post(
            body="Your tractor ships Monday",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        token = self.so_open._portal_ensure_token()
        params = {"thread_model": "sale.order", "thread_id": self.so_open.id, "token": token}
        self._set_level(self.farm_billing, "payments_only")
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request("/mail/chatter_fetch", params)
        post = {**params, "post_data": {"body": "Call me", "message_type": "comment"}}
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request("/mail/message/post", post)
        self.assertNotIn("Call me", str(self.so_open.message_ids.mapped("body")))
        # another customer's contact with the token: nothing either
        golf_user = self._activate(self.golf_keeper)
        self.authenticate(golf_user.login, self.PORTAL_PASSWORD)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request("/mail/chatter_fetch", params)
        # a level with orders reads the order's messages
        self._set_level(self.farm_billing, "status_only")
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        fetched = self.make_jsonrpc_request("/mail/chatter_fetch", params)
        self.assertIn("Your tractor ships Monday", str(fetched))

    def test_levels(self):
        # payments only: invoices and payments, no orders
        self._set_level(self.farm_billing, "payments_only")
        with self.assertRaises(AccessError):
            self._page()
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        token = self.so_open._portal_ensure_token()
        for url in (
            "/my/open-orders",
            f"/my/open-orders/{self.so_open.id}",
            "/my/orders",
            "/my/quotes",
            f"/my/orders/{self.so_open.id}",
            f"/my/orders/{self.so_open.id}?access_token={token}",
        ):
            self.assertEqual(self.url_open(url).status_code, 403, url)
        self.assertEqual(self._rpc("sale.order", "search_read", [[]], {"fields": ["name"]}), [])
        self.assertEqual(
            self._rpc("sale.order.line", "search_read", [[]], {"fields": ["name"]}), []
        )
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["order_count", "quotation_count"]}
        )
        self.assertNotIn("order_count", counters)
        home = self.url_open("/my").text
        self.assertNotIn("/my/open-orders", home)
        self.assertIn("/my/history", home)
        # status only: orders, but not the invoices on Odoo's order page
        self._set_level(self.farm_billing, "status_only")
        self.assertEqual(self.url_open("/my/open-orders").status_code, 200)
        response = self.url_open(f"/my/orders/{self.so_done.id}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(self.so_done.invoice_ids.name, response.text)
        self.assertNotIn("sale_invoices", response.text)
        found = self._rpc("sale.order", "search_read", [[]], {"fields": ["name"]})
        self.assertIn(self.so_open.id, [row["id"] for row in found])
        home = self.url_open("/my").text
        self.assertIn("/my/open-orders", home)
        self.assertNotIn("/my/history", home)
        self.assertNotIn("/my/purchases", home)

    def test_query_count_does_not_grow_with_orders(self):
        def count_queries():
            self._page()
            self.env.invalidate_all()
            before = sql_db.sql_counter
            self._page()
            return sql_db.sql_counter - before

        few = count_queries()
        for n in range(8):
            self._order(f"More {n}", [(self.product_a, 1, 1.0), (self.product_b, 2, 1.0)])
        self.env.flush_all()
        self.assertEqual(count_queries(), few)
        self.assertLessEqual(few, 20)

    def test_tour_open_orders_and_account_history(self):
        # an invoice and a payment dated in the range the tour asks for
        invoice = self.init_invoice(
            "out_invoice", partner=self.farm, amounts=[320], invoice_date="2026-01-12"
        )
        invoice.ref = "Hedge cutter"
        invoice.action_post()
        self.start_tour(
            "/my/open-orders", "customer_connect_portal_orders", login=self.portal_user.login
        )
