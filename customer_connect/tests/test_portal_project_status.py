import base64
import io

from PIL import Image

from odoo import Command, sql_db
from odoo.exceptions import AccessError, MissingError
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .common import ConnectCase


def _png(colour):
    """A small PNG of one colour, base64-encoded as image fields take it."""
    data = io.BytesIO()
    Image.new("RGB", (24, 24), colour).save(data, "PNG")
    return base64.b64encode(data.getvalue())


class ProjectStatusCase(ConnectCase):
    """Greenacres Farm's project: two accepted proposals with rooms, one sent
    and awaiting acceptance, a draft and a cancelled one; a down payment
    invoice half paid; Loch Vale's own accepted proposal."""

    @classmethod
    def get_default_groups(cls):
        # the set-up sells and invoices as the dealer's salesman would
        return super().get_default_groups() | cls.env.ref("sales_team.group_sale_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls._activate(cls.farm_billing)
        Product = cls.env["product.product"]
        cls.products = {}
        for ref, name, colour in (
            ("K-SINK", "Belfast sink", "white"),
            ("K-OVEN", "Range oven", "black"),
            ("K-TILE", "Slate tile", "grey"),
            ("G-DOOR", "Roller door", "red"),
            ("B-BATH", "Secret bath tub", "blue"),
            ("", "Design fee", None),
            ("X-DRAFT", "Secret draft item", None),
            ("X-CANCEL", "Secret cancelled item", None),
            ("LV-MOWER", "Loch Vale secret mower", "green"),
        ):
            cls.products[name] = Product.create(
                {
                    "name": name,
                    "default_code": ref or False,
                    "type": "consu",
                    "image_1920": _png(colour) if colour else False,
                }
            )
        # lines before the first section: the "General" room
        cls.p1 = cls._proposal(
            [
                ("Design fee", 1, 500.0),
                "Kitchen",
                ("Belfast sink", 1, 1000.0),
                ("Range oven", 1, 3000.0),
                "Garage",
                ("Roller door", 2, 500.0),
            ]
        )
        # the same room in another proposal, written differently
        cls.p2 = cls._proposal([" kitchen ", ("Slate tile", 10, 20.0)])
        cls.p3_sent = cls._proposal(["Bathroom", ("Secret bath tub", 1, 2500.0)], state="sent")
        cls.p4_draft = cls._proposal([("Secret draft item", 1, 10.0)], state="draft")
        cls.p5_cancel = cls._proposal([("Secret cancelled item", 1, 10.0)], state="cancel")
        cls.golf_order = cls._proposal(
            ["Greens", ("Loch Vale secret mower", 1, 7000.0)], partner=cls.golf
        )

    @classmethod
    def _proposal(cls, lines, state="sale", partner=None):
        """A proposal of ``lines`` (a string is a section, a tuple (product
        name, quantity, price) an item) in ``state``."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.farm).id,
                "company_id": cls.company.id,
                "order_line": [
                    Command.create({"display_type": "line_section", "name": line})
                    if isinstance(line, str)
                    else Command.create(
                        {
                            "product_id": cls.products[line[0]].id,
                            "product_uom_qty": line[1],
                            "price_unit": line[2],
                            "tax_id": [],
                        }
                    )
                    for line in lines
                ],
            }
        )
        if state == "sent":
            order.action_quotation_sent()
        elif state == "sale":
            order.action_confirm()
        elif state == "cancel":
            order._action_cancel()
        return order

    @classmethod
    def _down_payment(cls, order, amount, paid):
        """A posted down payment invoice of ``amount`` for ``order``, of
        which ``paid`` is paid."""
        wizard = (
            cls.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "fixed", "fixed_amount": amount})
        )
        wizard.create_invoices()
        invoice = order.invoice_ids.filtered(lambda m: m.state == "draft")
        invoice.action_post()
        if paid:
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"amount": paid})._create_payments()
        return invoice

    def _project(self, view="proposals", user=None, site=None):
        Status = self.env["customer_connect.portal.project.status"]
        return (
            Status.with_user(user or self.portal_user)
            .with_company(self.company)
            ._project((site or self.farm).id, view)
        )

    def _rpc(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _may_pay_installed(self):
        return "payments" in self.env["customer_connect.access.level"]._portal_areas()

    def _custom_level(self, name, **flags):
        values = {
            "name": name,
            "company_id": self.company.id,
            "can_see_invoices": False,
            "can_download": False,
            **flags,
        }
        if self._may_pay_installed():
            values.setdefault("can_pay", False)
        return self.env["customer_connect.access.level"].create(values)


@tagged("post_install", "-at_install")
class TestPortalProjectStatus(ProjectStatusCase, HttpCase):
    """Project status (manual 003): proposals, rooms / locations, items and
    all details of accepted proposals, deposits and balance due, images on
    or off, within the contact's level."""

    def test_rooms_and_sorting_of_the_four_views(self):
        def names(items):
            return [item["name"] for item in items]

        project = self._project("proposals")
        self.assertEqual(project["accepted"], self.p1 | self.p2)
        self.assertEqual(project["pending"], self.p3_sent, "sent, awaiting acceptance")
        # by proposal, then room / location, then item / reference number
        (p1, p1_rooms), (p2, p2_rooms) = project["groups"]
        self.assertEqual((p1, p2), (self.p1, self.p2))
        self.assertEqual(
            [(room, names(items)) for room, items in p1_rooms],
            [
                ("Garage", ["Roller door"]),
                ("General", ["Design fee"]),
                ("Kitchen", ["Range oven", "Belfast sink"]),
            ],
        )
        self.assertEqual(
            [(room, names(items)) for room, items in p2_rooms], [("kitchen", ["Slate tile"])]
        )
        # by room / location (one Kitchen for both proposals), then reference
        for view in ("rooms", "details"):
            groups = self._project(view)["groups"]
            self.assertEqual(
                [(room, names(items)) for room, items in groups],
                [
                    ("Garage", ["Roller door"]),
                    ("General", ["Design fee"]),
                    ("Kitchen", ["Range oven", "Belfast sink", "Slate tile"]),
                ],
                view,
            )
        # every item by reference number; without one, by description, last
        self.assertEqual(
            names(self._project("items")["groups"]),
            ["Roller door", "Range oven", "Belfast sink", "Slate tile", "Design fee"],
        )
        self.assertEqual(self._project("anything")["view"], "proposals")

    def test_only_accepted_proposals_items_show(self):
        items = self._project("items")["items"]
        shown = self.env["sale.order"].union(*(item["line"].order_id for item in items))
        self.assertEqual(shown, self.p1 | self.p2)
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        for view in ("proposals", "rooms", "items", "details"):
            page = self.url_open(f"/my/projects/{self.farm.id}?view={view}").text
            self.assertIn("Belfast sink", page, view)
            for secret in ("Secret bath tub", "Secret draft item", "Secret cancelled item"):
                self.assertNotIn(secret, page, view)
            self.assertNotIn(self.p4_draft.name, page)
            self.assertNotIn(self.p5_cancel.name, page)
        # the sent proposal is listed, awaiting acceptance, without its items
        page = self.url_open(f"/my/projects/{self.farm.id}").text
        self.assertIn("o_connect_project_pending_row", page)
        self.assertIn(self.p3_sent.name, page)
        self.assertIn(f'href="/my/orders/{self.p3_sent.id}"', page, "to accept it")
        # accepting it brings its items
        self.p3_sent.action_confirm()
        page = self.url_open(f"/my/projects/{self.farm.id}?view=rooms").text
        self.assertIn("Secret bath tub", page)
        self.assertIn("Bathroom", page)

    def test_deposits_and_balance_due(self):
        """A down payment invoice of 1,100 half paid: 550 of deposits spread
        over the proposal's 5,500 of items pro rata; the balance due is the
        rest. Paying the final invoice leaves nothing due."""
        invoice = self._down_payment(self.p1, 1100.0, 550.0)
        self.assertEqual(invoice.payment_state, "partial")
        items = {item["name"]: item for item in self._project("details")["items"]}
        expected = {
            # name: (total, deposit, balance due)
            "Design fee": (500.0, 50.0, 450.0),
            "Belfast sink": (1000.0, 100.0, 900.0),
            "Range oven": (3000.0, 300.0, 2700.0),
            "Roller door": (1000.0, 100.0, 900.0),
            "Slate tile": (200.0, 0.0, 200.0),
        }
        self.assertEqual(
            {n: (i["total"], i["deposit"], i["balance"]) for n, i in items.items()}, expected
        )
        totals = self._project("details")["totals"][self.p1.currency_id]
        self.assertEqual((totals["total"], totals["deposit"], totals["balance"]), (5700, 550, 5150))
        # a third of 100: the last item takes what rounding leaves
        self._down_payment(self.p2, 60.0, 20.0)
        items = {item["name"]: item for item in self._project("details")["items"]}
        self.assertEqual(items["Slate tile"]["deposit"], 20.0)
        # the rest of the deposit paid, then the final invoice (deducting the
        # deposit) paid: nothing due on the first proposal
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        for line in self.p1.order_line.filtered("product_id"):
            line.qty_delivered = line.product_uom_qty
        final = self.p1._create_invoices(final=True)
        final.action_post()
        self.assertEqual(final.amount_total, 4400.0, "the deposit is deducted")
        items = {item["name"]: item for item in self._project("details")["items"]}
        self.assertEqual(items["Range oven"]["deposit"], 600.0)
        self.assertEqual(items["Range oven"]["balance"], 2400.0, "final invoice not paid yet")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=final.ids
        ).create({})._create_payments()
        items = {item["name"]: item for item in self._project("details")["items"]}
        self.assertEqual(
            [items[n]["balance"] for n in ("Design fee", "Belfast sink", "Range oven")], [0, 0, 0]
        )
        self.assertEqual(items["Range oven"]["deposit"], 600.0, "the deposit stays shown")
        # a credit note cancelling the second proposal's deposit (20 of 60
        # paid) settles the 40 unpaid: a credit, not a payment; the 20 paid stay
        deposit_2 = self.p2.invoice_ids
        deposit_2._reverse_moves().action_post()
        self.assertEqual(deposit_2.payment_state, "paid")
        items = {item["name"]: item for item in self._project("details")["items"]}
        self.assertEqual(items["Slate tile"]["deposit"], 20.0)
        self.assertEqual(items["Slate tile"]["balance"], 180.0)

    def test_three_cases_of_status_and_payments(self):
        """Manual 003: "see status" and "make payments" (both), "see status"
        only (no amounts to pay), "make payments" only (no project status)."""
        self._down_payment(self.p1, 1100.0, 550.0)
        url = f"/my/projects/{self.farm.id}?view=details"
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        # see status without make payments: the status and deposits, nothing to pay
        self._set_level(self.farm_billing, "status_only")
        self.assertFalse(self.portal_user.with_company(self.company)._connect_may_pay())
        page = self.url_open(url).text
        self.assertIn("Range oven", page)
        self.assertIn("o_connect_item_deposit", page)
        for to_pay in ("Balance Due", "o_connect_item_balance", "o_connect_project_balance"):
            self.assertNotIn(to_pay, page)
        self.assertNotIn("/my/payments/pay", page)
        self.assertIn("/my/projects", self.url_open("/my").text)
        if not self._may_pay_installed():
            self.skipTest("customer_connect_payments is not installed: nobody pays")
        # both: the balance due and the way to pay it
        self._set_level(self.farm_billing, "full")
        page = self.url_open(url).text
        self.assertIn("Balance Due", page)
        self.assertIn("o_connect_item_balance", page)
        self.assertIn("/my/payments/pay", page)
        # make payments without see status: no project status at all
        self._set_level(self.farm_billing, "payments_only")
        line = self.p1.order_line.filtered("product_id")[0]
        with mute_logger("odoo.http"):
            for route in ("/my/projects", url, f"/my/projects/image/{line.id}"):
                self.assertEqual(self.url_open(route).status_code, 403, route)
        home = self.url_open("/my").text
        self.assertNotIn("/my/projects", home)
        self.assertIn("/my/payments", home)

    def test_images_default_and_toggle(self):
        url = f"/my/projects/{self.farm.id}?view=details"
        sink = self.p1.order_line.filtered(lambda line: line.product_id.name == "Belfast sink")
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        # the dealer's default: on
        self.assertTrue(self.company.connect_project_show_images)
        page = self.url_open(url).text
        self.assertIn(f'src="/my/projects/image/{sink.id}"', page)
        # off, and it stays off for the visit
        page = self.url_open(url + "&images=0").text
        self.assertNotIn("o_connect_item_image", page)
        self.assertNotIn("/my/projects/image/", self.url_open(url).text)
        self.assertNotIn("/my/projects/image/", self.url_open(url.replace("details", "items")).text)
        page = self.url_open(url + "&images=1").text
        self.assertIn("o_connect_item_image", page)
        # a dealer that hides images by default: a new visit starts without
        self.env["res.config.settings"].with_company(self.company).create(
            {"connect_project_show_images": False}
        ).execute()
        self.assertFalse(self.company.connect_project_show_images)
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        self.assertNotIn("o_connect_item_image", self.url_open(url).text)
        self.assertIn("o_connect_item_image", self.url_open(url + "&images=1").text)
        # the image is the product's, served to the contact
        response = self.url_open(f"/my/projects/image/{sink.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/png")
        self.assertEqual(response.content, base64.b64decode(sink.product_id.image_128))
        # not a section, nor an item of a proposal not accepted, nor of another customer
        section = self.p1.order_line.filtered("display_type")[0]
        bath = self.p3_sent.order_line.filtered("product_id")
        mower = self.golf_order.order_line.filtered("product_id")
        with mute_logger("odoo.http"):
            for line in section | bath | mower:
                response = self.url_open(f"/my/projects/image/{line.id}")
                self.assertIn(response.status_code, (403, 404), line.name)
                self.assertNotEqual(response.headers.get("Content-Type"), "image/png")
            self.assertEqual(self.url_open("/my/projects/image/999999").status_code, 404)

    def test_projects_by_address_and_pages(self):
        hill = self.env["res.partner"].create(
            {"name": "Hill Field steading", "type": "delivery", "parent_id": self.farm.id}
        )
        barn = self._proposal(["Barn", ("Roller door", 4, 450.0)])
        barn.partner_shipping_id = hill
        projects = (
            self.env["customer_connect.portal.project.status"]
            .with_user(self.portal_user)
            .with_company(self.company)
            ._projects()
        )
        self.assertEqual(
            [(p["site"].id, p["accepted"], p["pending"]) for p in projects],
            [(self.farm.id, 2, 1), (hill.id, 1, 0)],
        )
        self.assertEqual(self._project("rooms", site=hill)["accepted"], barn)
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        page = self.url_open("/my/projects").text
        self.assertIn(f"/my/projects/{self.farm.id}", page)
        self.assertIn(f"/my/projects/{hill.id}", page)
        self.assertNotIn(f"/my/projects/{self.golf.id}", page)
        response = self.url_open(f"/my/projects/{hill.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Barn", response.text)
        self.assertNotIn("Belfast sink", response.text)
        event = self.env["customer_connect.portal.event"].search(
            [("kind", "=", "project_viewed"), ("commercial_partner_id", "=", self.farm.id)]
        )
        self.assertEqual((event.res_model, event.res_id), ("sale.order", barn.id))
        self.assertEqual(self.url_open("/my/projects/999999").status_code, 404)
        self.assertEqual(self.url_open(f"/my/projects/{self.farm.id}?view=x;y").status_code, 200)

    def test_other_customer_gets_nothing(self):
        golf_user = self._activate(self.golf_keeper)
        # not one of its projects: as if it did not exist (the route's 404)
        with self.assertRaises(MissingError):
            self._project(user=golf_user, site=self.farm)
        self.authenticate(golf_user.login, self.PORTAL_PASSWORD)
        page = self.url_open("/my/projects").text
        self.assertIn(f"/my/projects/{self.golf.id}", page)
        self.assertNotIn(f"/my/projects/{self.farm.id}", page)
        self.assertIn("Loch Vale secret mower", self.url_open(f"/my/projects/{self.golf.id}").text)
        sink = self.p1.order_line.filtered("product_id")[1]
        with mute_logger("odoo.http"):
            for url in (
                f"/my/projects/{self.farm.id}",
                f"/my/projects/{self.farm.id}?view=details",
                f"/my/projects/image/{sink.id}",
            ):
                response = self.url_open(url)
                self.assertIn(response.status_code, (403, 404), url)
                self.assertNotIn("Belfast sink", response.text)
        found = self._rpc("sale.order", "search_read", [[]], {"fields": ["name"]})
        self.assertEqual([row["id"] for row in found], self.golf_order.ids)
        lines = self._rpc("sale.order.line", "search_read", [[]], {"fields": ["order_id"]})
        self.assertEqual({row["order_id"][0] for row in lines}, set(self.golf_order.ids))
        for model, ids in (("sale.order", self.p1.ids), ("sale.order.line", sink.ids)):
            with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
                self._rpc(model, "read", [ids, ["display_name"]])

    def test_level_without_project_status(self):
        self._set_level(self.farm_billing, "accounts_payable")
        with self.assertRaises(AccessError):
            self._project()
        line = self.p1.order_line.filtered("product_id")[0]
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        with mute_logger("odoo.http"):
            for url in (
                "/my/projects",
                f"/my/projects/{self.farm.id}",
                f"/my/projects/image/{line.id}",
            ):
                self.assertEqual(self.url_open(url).status_code, 403, url)
        self.assertNotIn("/my/projects", self.url_open("/my").text)
        self.assertEqual(self._rpc("sale.order", "search_read", [[]], {"fields": ["name"]}), [])

    def test_orders_and_project_status_rules_compose(self):
        """Orders and project status both read sale orders: a level with one
        of them reaches what that one opens, over pages and JSON-RPC."""
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)

        def lines_read():
            rows = self._rpc("sale.order.line", "search_read", [[]], {"fields": ["order_id"]})
            return {row["order_id"][0] for row in rows}

        def orders_read():
            rows = self._rpc("sale.order", "search_read", [[]], {"fields": ["id"]})
            return {row["id"] for row in rows}

        # project status without orders: the accepted proposals' lines, the
        # sent proposal's header, nothing of the draft or the cancelled one
        self._set_level(
            self.farm_billing,
            self._custom_level("Projects only", can_see_project_status=True, can_see_orders=False),
        )
        self.assertEqual(self.url_open(f"/my/projects/{self.farm.id}").status_code, 200)
        with mute_logger("odoo.http"):
            for url in ("/my/open-orders", "/my/orders", f"/my/orders/{self.p1.id}"):
                self.assertEqual(self.url_open(url).status_code, 403, url)
        self.assertEqual(lines_read(), set((self.p1 | self.p2).ids))
        self.assertEqual(orders_read(), set((self.p1 | self.p2 | self.p3_sent).ids))
        bath = self.p3_sent.order_line.filtered("product_id")
        with self.assertRaises(AccessError):
            bath.with_user(self.portal_user).read(["name"])
        # orders without project status: Odoo's order pages as before
        self._set_level(
            self.farm_billing,
            self._custom_level("Orders only", can_see_project_status=False, can_see_orders=True),
        )
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(f"/my/projects/{self.farm.id}").status_code, 403)
        self.assertEqual(self.url_open("/my/open-orders").status_code, 200)
        self.assertEqual(self.url_open(f"/my/orders/{self.p3_sent.id}").status_code, 200)
        self.assertIn(self.p3_sent.id, lines_read(), "the quotation's lines, as before")
        # both
        self._set_level(self.farm_billing, "full")
        self.assertIn(self.p3_sent.id, lines_read())
        self.assertEqual(self.url_open(f"/my/projects/{self.farm.id}").status_code, 200)

    def test_query_count_does_not_grow_with_lines(self):
        self._down_payment(self.p1, 1100.0, 550.0)
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        url = f"/my/projects/{self.farm.id}?view=details"

        def count_queries():
            self._project("details")
            self.url_open(url)
            self.env.invalidate_all()
            before = sql_db.sql_counter
            self._project("details")
            model = sql_db.sql_counter - before
            before = sql_db.sql_counter
            self.assertEqual(self.url_open(url).status_code, 200)
            return model, sql_db.sql_counter - before

        few = count_queries()
        for n in range(6):
            order = self._proposal(
                [
                    f"Room {n}",
                    ("Belfast sink", 1, 10.0),
                    ("Range oven", 2, 5.0),
                    "Store",
                    ("Slate tile", 3, 1.0),
                ]
            )
            self._down_payment(order, 5.0, 5.0)
        self.env.flush_all()
        self.assertEqual(count_queries(), few)
        self.assertLessEqual(few[0], 25)

    def test_tour_project_views_and_images(self):
        self._down_payment(self.p1, 1100.0, 550.0)
        self.start_tour(
            "/my/projects",
            "customer_connect_portal_project_status",
            login=self.portal_user.login,
        )
