"""Isolation and capability matrix of the customer portal.

Every portal route of this addon is listed below with the way to aim it at
another customer's records; a route added to a controller without its line
here fails ``test_every_route_is_walked``, so a new area cannot ship without
being walked."""

import contextlib
import importlib
import inspect
import json

from odoo import Command, http
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .common import ConnectCase

# Odoo's routes that our areas guard, walked as ours
ODOO_ROUTES_GUARDED = (
    "/my/invoices",
    "/my/invoices/<int:invoice_id>",
    "/report/pdf/<converter>/<reportname>/<docids>",
)

# what a page of the portal says when it refuses
REFUSED = (403, 404)


@tagged("post_install", "-at_install")
class TestPortalIsolation(ConnectCase, HttpCase):
    """A contact of Greenacres (full access) walks every portal route against
    Loch Vale Golf Club's records: ids, tokens, search and company switch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.password = cls.PORTAL_PASSWORD
        cls.farm_user = cls._activate(cls.farm_billing)
        cls.golf_user = cls._activate(cls.golf_keeper)
        cls.farm_invoice = cls.init_invoice("out_invoice", partner=cls.farm, amounts=[250])
        cls.farm_invoice.ref = "Greenacres own blades"
        cls.golf_invoice = cls.init_invoice("out_invoice", partner=cls.golf, amounts=[90])
        cls.golf_invoice.ref = "Loch Vale secret fairway mower"
        (cls.farm_invoice | cls.golf_invoice).action_post()
        Equipment = cls.env["customer_connect.equipment"]
        cls.golf_machine = Equipment.create(
            {
                "partner_id": cls.golf.id,
                "company_id": cls.company.id,
                "make": "Toro",
                "model_name": "Reelmaster",
                "serial_number": "LV-SECRET-SERIAL",
            }
        )
        cls.golf_file = cls.env["ir.attachment"].create(
            {
                "name": "golf-manual.pdf",
                "raw": b"%PDF-1.4 Loch Vale manual",
                "res_model": Equipment._name,
                "res_id": cls.golf_machine.id,
            }
        )
        cls.farm_machine = Equipment.create(
            {
                "partner_id": cls.farm.id,
                "company_id": cls.company.id,
                "make": "John Deere",
                "model_name": "6155R",
                "serial_number": "GA-OWN-SERIAL",
            }
        )
        roller = cls.env["product.product"].create(
            {"name": "Loch Vale secret greens roller", "type": "consu", "list_price": 900}
        )
        cls.golf_order = cls.env["sale.order"].create(
            {
                "partner_id": cls.golf.id,
                "company_id": cls.company.id,
                "client_order_ref": "Loch Vale secret order",
                "order_line": [Command.create({"product_id": roller.id, "product_uom_qty": 2})],
            }
        )
        cls.golf_order.action_confirm()
        # a project of Loch Vale's: a room, an item with its image
        cls.golf_project = cls.env["sale.order"].create(
            {
                "partner_id": cls.golf.id,
                "company_id": cls.company.id,
                "client_order_ref": "Loch Vale secret order",
                "order_line": [
                    Command.create({"display_type": "line_section", "name": "Greenkeeper's shed"}),
                    Command.create({"product_id": roller.id, "product_uom_qty": 1}),
                ],
            }
        )
        cls.golf_project.action_confirm()
        cls.golf_dispute = (
            cls.env["customer_connect.dispute"]
            .with_user(cls.golf_user)
            .with_company(cls.company)
            ._connect_raise(
                cls.golf_invoice.id,
                cls.env.ref("customer_connect.dispute_reason_faulty").id,
                "Loch Vale secret dispute: the mower was faulty",
                [("golf-dispute.pdf", b"%PDF-1.4 Loch Vale dispute evidence")],
            )
        )
        cls.golf_dispute_file = cls.golf_dispute.message_ids.attachment_ids
        # Loch Vale's instalment plan, as its own contact would have asked it
        # (sudo: made as the system, the walk only aims at its page)
        cls.golf_plan = (
            cls.env["customer_connect.plan"]
            .sudo()
            .create(
                {
                    "company_id": cls.company.id,
                    "partner_id": cls.golf.id,
                    "move_id": cls.golf_invoice.id,
                    "amount": cls.golf_invoice.amount_residual,
                    "customer_note": "Loch Vale secret plan note",
                    "line_ids": [
                        Command.create({"date_due": "2100-01-01", "amount": 45}),
                        Command.create({"date_due": "2100-02-01", "amount": 45}),
                    ],
                }
            )
        )
        cls.env["customer_connect.dispute"].with_user(cls.farm_user).with_company(
            cls.company
        )._connect_raise(
            cls.farm_invoice.id,
            cls.env.ref("customer_connect.dispute_reason_other").id,
            "Greenacres own dispute",
        )
        # credit shown: on for the walk, Loch Vale's limit must not show
        cls.company.write({"account_use_credit_limit": True, "connect_portal_show_credit": True})
        cls.golf.with_company(cls.company).credit_limit = 97531.0
        # what must never show to Greenacres' contact
        cls.golf_markers = (
            "Loch Vale secret dispute",
            "Loch Vale dispute evidence",
            cls.golf_dispute.name,
            cls.golf_invoice.ref,
            f'href="/my/invoices/{cls.golf_invoice.id}"',
            "LV-SECRET-SERIAL",
            "Loch Vale manual",
            "Loch Vale secret greens roller",
            "Loch Vale secret order",
            cls.golf_order.name,
            cls.golf.name,
            "Greenkeeper's shed",
            "Loch Vale secret plan note",
            f"/my/projects/image/{cls.golf_project.order_line[-1].id}",
            "97,531",
        )

    # -- the walk --------------------------------------------------------
    def _golf_targets(self):
        """{route: [URLs aimed at Loch Vale's records]}."""
        golf_token = self.golf_invoice._portal_ensure_token()
        inv, machine, file = self.golf_invoice.id, self.golf_machine.id, self.golf_file.id
        order, order_token = self.golf_order.id, self.golf_order._portal_ensure_token()
        return {
            "/my/activity": [
                # part of Loch Vale's reference (the search box repeats the term)
                "/my/activity?search=secret fairway&status=all",
                "/my/activity?status=all&doc_type=invoice",
            ],
            "/my/activity/page/<int:page>": ["/my/activity/page/2?status=all"],
            "/my/activity/documents": [f"/my/activity/documents?doc_{inv}=1"],
            "/my/invoices": ["/my/invoices"],
            "/my/invoices/<int:invoice_id>": [
                f"/my/invoices/{inv}",
                f"/my/invoices/{inv}?report_type=pdf",
                f"/my/invoices/{inv}?report_type=pdf&download=true",
                f"/my/invoices/{inv}?access_token={golf_token}",
                f"/my/invoices/{inv}?access_token={golf_token}&report_type=pdf",
            ],
            "/report/pdf/<converter>/<reportname>/<docids>": [
                f"/report/pdf/account.report_invoice/{inv}",
                f"/report/html/account.report_invoice/{inv}",
            ],
            "/my/statement": ["/my/statement"],
            # the statement is always the contact's own account: Loch Vale's
            # items must not be in it
            "/my/statement/pdf": ["/my/statement/pdf?kind=activity"],
            "/my/equipment": [
                "/my/equipment?search=LV-SECRET",
                "/my/equipment?filter=all",
            ],
            "/my/equipment/page/<int:page>": ["/my/equipment/page/2"],
            "/my/equipment/<int:equipment_id>": [f"/my/equipment/{machine}"],
            "/my/equipment/<int:equipment_id>/documents/<int:attachment_id>": [
                f"/my/equipment/{machine}/documents/{file}",
                # its own machine, Loch Vale's file
                f"/my/equipment/{self.farm_machine.id}/documents/{file}",
            ],
            "/my/equipment/<int:equipment_id>/hours": [("POST", f"/my/equipment/{machine}/hours")],
            "/my/history": [
                "/my/history?date_start=2000-01-01&date_end=2100-12-31",
            ],
            "/my/history/page/<int:page>": [
                "/my/history/page/2?date_start=2000-01-01&date_end=2100-12-31",
            ],
            "/my/history/csv": [
                "/my/history/csv?date_start=2000-01-01&date_end=2100-12-31",
            ],
            "/my/purchases": ["/my/purchases?search=secret", "/my/purchases"],
            "/my/purchases/page/<int:page>": ["/my/purchases/page/2"],
            "/my/open-orders": ["/my/open-orders?search=secret", "/my/open-orders"],
            "/my/open-orders/page/<int:page>": ["/my/open-orders/page/2"],
            "/my/open-orders/<int:order_id>": [f"/my/open-orders/{order}"],
            # Odoo's order pages, behind the orders area
            "/my/orders": ["/my/orders", "/my/quotes"],
            "/my/orders/<int:order_id>": [
                f"/my/orders/{order}",
                f"/my/orders/{order}?access_token={order_token}",
                f"/my/orders/{order}?access_token={order_token}&report_type=pdf",
            ],
            # project status: Loch Vale's project (its delivery address) and
            # its item's image
            "/my/projects": ["/my/projects"],
            "/my/projects/<int:site_id>": [
                f"/my/projects/{self.golf.id}",
                f"/my/projects/{self.golf.id}?view=details&images=1",
            ],
            "/my/projects/image/<int:line_id>": [
                f"/my/projects/image/{line.id}" for line in self.golf_project.order_line
            ],
            # disputes: raising one on Loch Vale's invoice, its list, its
            # page and files (the chatter is walked in test_portal_disputes)
            "/my/invoices/<int:invoice_id>/dispute": [
                f"/my/invoices/{inv}/dispute",
                (
                    "POST",
                    f"/my/invoices/{inv}/dispute",
                    {"reason_id": self.golf_dispute.reason_id.id, "message": "Greenacres raised"},
                ),
            ],
            "/my/disputes": ["/my/disputes?filterby=all"],
            "/my/disputes/page/<int:page>": ["/my/disputes/page/2?filterby=all"],
            "/my/disputes/<int:dispute_id>": [f"/my/disputes/{self.golf_dispute.id}"],
            "/my/disputes/<int:dispute_id>/files/<int:attachment_id>": [
                f"/my/disputes/{self.golf_dispute.id}/files/{self.golf_dispute_file.id}",
            ],
            # promises to pay: promising Loch Vale's invoice, the lists
            "/my/promises/new": [
                f"/my/promises/new?invoice={inv}",
                (
                    "POST",
                    "/my/promises/new",
                    {"invoice_ids": inv, "date_promised": "2100-01-01", "amount": "10"},
                ),
            ],
            "/my/promises": ["/my/promises?filterby=all"],
            "/my/promises/page/<int:page>": ["/my/promises/page/2?filterby=all"],
            # instalment plans: asking one on Loch Vale's invoice, its plan
            "/my/invoices/<int:invoice_id>/plan": [
                f"/my/invoices/{inv}/plan",
                ("POST", f"/my/invoices/{inv}/plan", {"date_due": "2100-01-01", "amount": "90"}),
            ],
            "/my/plans": ["/my/plans"],
            "/my/plans/page/<int:page>": ["/my/plans/page/2"],
            "/my/plans/<int:plan_id>": [f"/my/plans/{self.golf_plan.id}"],
            # credit shown: the page is always the contact's own customer's
            "/my/credit": ["/my/credit"],
            # switching to a company the login does not work with
            "/my/company": [("POST", "/my/company", {"company_id": self._foreign_company().id})],
            # the public Request Info form (web leads): nothing of any customer
            # in it; what it files is refused to portal logins over JSON-RPC
            # (test_web_leads.py)
            "/request-info": ["/request-info", "/request-info?contact_name=Loch+Vale"],
            "/request-info/embed": ["/request-info/embed"],
        }

    def _foreign_company(self):
        if not hasattr(self, "_foreign"):
            self._foreign = self.setup_other_company(name="Loch Vale's other dealer")["company"]
        return self._foreign

    def _open(self, target):
        if isinstance(target, tuple):
            _method, url, *data = target
            payload = {"csrf_token": http.Request.csrf_token(self), **(data[0] if data else {})}
            if "hours" in url:
                payload["hours"] = "999999"
            return self.url_open(url, data=payload, allow_redirects=False)
        return self.url_open(target, allow_redirects=False)

    def _assert_nothing_of_golf(self, route, target, response):
        body = response.content.decode("utf-8", "replace")
        if response.status_code in REFUSED:
            return
        if response.status_code in (301, 302, 303):
            location = response.headers.get("Location", "")
            self.assertFalse(
                any(str(x) in location for x in (self.golf_invoice.id, "golf")),
                f"{route}: {target} redirects to {location}",
            )
            return
        self.assertEqual(response.status_code, 200, f"{route}: {target}")
        for marker in self.golf_markers:
            self.assertNotIn(marker, body, f"{route}: {target} shows {marker!r}")

    def test_a_contact_reaches_nothing_of_another_customer(self):
        self.authenticate(self.farm_user.login, self.password)
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            for route, targets in self._golf_targets().items():
                for target in targets:
                    self._assert_nothing_of_golf(route, target, self._open(target))
        # Loch Vale's machine did not get the hours posted at it
        self.assertNotEqual(self.golf_machine.hours, 999999)
        # nor was a dispute raised on Loch Vale's invoice
        self.assertEqual(
            self.env["customer_connect.dispute"].search([("move_id", "=", self.golf_invoice.id)]),
            self.golf_dispute,
        )
        # nor a promise or another plan made on Loch Vale's invoice
        self.assertFalse(
            self.env["customer_connect.promise"].search([("partner_id", "=", self.golf.id)])
        )
        self.assertEqual(
            self.env["customer_connect.plan"].search([("move_id", "=", self.golf_invoice.id)]),
            self.golf_plan,
        )
        # and over JSON-RPC, model by model
        for model, fields in (
            ("account.move", ["name", "ref", "partner_id"]),
            ("account.move.line", ["name", "ref", "partner_id"]),
            ("customer_connect.equipment", ["name", "serial_number", "partner_id"]),
            ("customer_connect.dispute", ["name", "message", "partner_id"]),
        ):
            found = self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/search_read",
                {"model": model, "method": "search_read", "args": [[], fields], "kwargs": {}},
            )
            self.assertTrue(found, f"{model}: the contact's own records are read")
            self.assertNotIn(
                self.golf.id, [(row.get("partner_id") or [None])[0] for row in found], model
            )
            self.assertFalse(
                [
                    row
                    for row in found
                    if "LV-SECRET" in json.dumps(row, default=str)
                    or self.golf_invoice.ref in json.dumps(row, default=str)
                ],
                model,
            )
        for model, ids in (
            ("account.move", self.golf_invoice.ids),
            ("customer_connect.equipment", self.golf_machine.ids),
            ("customer_connect.dispute", self.golf_dispute.ids),
            ("ir.attachment", self.golf_file.ids),
            ("ir.attachment", self.golf_dispute_file.ids),
            ("sale.order", self.golf_order.ids),
            ("sale.order.line", self.golf_order.order_line.ids),
            ("sale.order", self.golf_project.ids),
            ("sale.order.line", self.golf_project.order_line.ids),
        ):
            with self.assertRaises(JsonRpcException, msg=model), mute_logger("odoo.http"):
                self.make_jsonrpc_request(
                    f"/web/dataset/call_kw/{model}/read",
                    {
                        "model": model,
                        "method": "read",
                        "args": [ids, ["display_name"]],
                        "kwargs": {},
                    },
                )
        # the other way round too: the walk is not one-sided
        self.authenticate(self.golf_user.login, self.password)
        page = self.url_open("/my/activity?status=all").text
        self.assertIn(self.golf_invoice.ref, page)
        self.assertNotIn(self.farm_invoice.ref, page)
        self.assertIn("97,531", page, "Loch Vale's own credit shows to its contact")

    def test_every_route_is_walked(self):
        """Each route of this addon's controllers has its line in the walk."""
        from .. import controllers

        ours = set()
        for _name, module in inspect.getmembers(controllers, inspect.ismodule):
            for _cls_name, cls in inspect.getmembers(module, inspect.isclass):
                if not cls.__module__.startswith("odoo.addons.customer_connect."):
                    continue
                for func in vars(cls).values():
                    routing = getattr(func, "original_routing", None)
                    if routing:
                        ours.update(routing.get("routes") or ())
        self.assertTrue(ours, "the controllers were read")
        walked = set(self._golf_targets()) | set(ODOO_ROUTES_GUARDED)
        self.assertFalse(ours - walked, "routes without an isolation walk")


# What each shipped level reaches: {area route: the level flag it needs}
MATRIX_PAGES = {
    "/my/activity": "activity",
    "/my/invoices": "activity",
    "/my/invoice-pdf": "documents",  # the contact's own invoice PDF (see _url)
    "/my/statement": "statements",
    "/my/equipment": "equipment",
    "/my/projects": "project_status",
    "/my/project": "project_status",  # the contact's own project (see _url)
    "/my/project-image": "project_status",  # one of its items' image (see _url)
    "/my/disputes": "disputes",
    "/my/open-orders": "orders",
    "/my/history": "activity",  # account history
    "/my/purchases": "activity",  # purchase history
    "/my/promises": "promises",
    "/my/promises/new": "promises",
    "/my/plans": "plans",
}
MATRIX_RPC = {
    "account.move": "activity",
    "customer_connect.equipment": "equipment",
    "customer_connect.dispute": "disputes",
}


@tagged("post_install", "-at_install")
class TestCapabilityMatrix(ConnectCase, HttpCase):
    """Each shipped access level reaches exactly what it grants, on pages
    and over JSON-RPC. An addon that brings an area walks its own lines in
    a subclass (``matrix_pages``, ``matrix_rpc``): every area the access
    level lists must have a line here or there."""

    matrix_pages = MATRIX_PAGES
    matrix_rpc = MATRIX_RPC
    # Odoo 18's loader runs only the test methods a class defines itself:
    # the addons' subclasses (their lines only) must run these
    allow_inherited_tests_method = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls._activate(cls.farm_billing)
        cls.invoice = cls.init_invoice("out_invoice", partner=cls.farm, amounts=[250], post=True)
        cls.machine = cls.env["customer_connect.equipment"].create(
            {
                "partner_id": cls.farm.id,
                "company_id": cls.company.id,
                "make": "Kubota",
                "model_name": "M7",
                "serial_number": "GA-M7-1",
            }
        )
        cls.project = cls.env["sale.order"].create(
            {
                "partner_id": cls.farm.id,
                "company_id": cls.company.id,
                "order_line": [
                    Command.create({"display_type": "line_section", "name": "Kitchen"}),
                    Command.create({"product_id": cls.product_a.id, "product_uom_qty": 1}),
                ],
            }
        )
        cls.project.action_confirm()
        cls.dispute = (
            cls.env["customer_connect.dispute"]
            .with_user(cls.user)
            .with_company(cls.company)
            ._connect_raise(
                cls.invoice.id,
                cls.env.ref("customer_connect.dispute_reason_other").id,
                "Greenacres disputes this one",
            )
        )

    def _url(self, route):
        if route == "/my/invoice-pdf":
            return f"/my/invoices/{self.invoice.id}?report_type=pdf"
        if route == "/my/project":
            return f"/my/projects/{self.farm.id}?view=details"
        if route == "/my/project-image":
            return f"/my/projects/image/{self.project.order_line.filtered('product_id').id}"
        return route

    def test_each_level_reaches_exactly_what_it_grants(self):
        Level = self.env["customer_connect.access.level"]
        levels = Level.search([("company_id", "=", self.company.id)])
        self.assertGreaterEqual(len(levels), 4, "the shipped levels and any other")
        for level in levels:
            self._set_level(self.farm_billing, level)
            self.authenticate(self.user.login, self.PORTAL_PASSWORD)
            for route, area in self.matrix_pages.items():
                # a document opens from the activity area: it needs both
                needs = {area, "activity"} if area == "documents" else {area}
                granted = all(level._grants(need) for need in needs)
                with mute_logger("odoo.http"):
                    status = self.url_open(self._url(route)).status_code
                self.assertEqual(status == 200, granted, f"{level.name}: {route} answered {status}")
                if not granted:
                    self.assertIn(status, REFUSED, f"{level.name}: {route}")
            for model, area in self.matrix_rpc.items():
                found = self.make_jsonrpc_request(
                    f"/web/dataset/call_kw/{model}/search_read",
                    {"model": model, "method": "search_read", "args": [[], ["id"]], "kwargs": {}},
                )
                self.assertEqual(bool(found), level._grants(area), f"{level.name}: {model}")
            # the home page shows the tiles of the granted areas only
            home = self.url_open("/my").text
            self.assertEqual("/my/equipment" in home, level._grants("equipment"), level.name)
            self.assertEqual("/my/statement" in home, level._grants("statements"), level.name)
            self.assertEqual("/my/projects" in home, level._grants("project_status"), level.name)
            # sale orders are read by orders and project status (their rules
            # compose: either opens them)
            found = self.make_jsonrpc_request(
                "/web/dataset/call_kw/sale.order.line/search_read",
                {
                    "model": "sale.order.line",
                    "method": "search_read",
                    "args": [[], ["id"]],
                    "kwargs": {},
                },
            )
            self.assertEqual(
                bool(found),
                level._grants("orders") or level._grants("project_status"),
                f"{level.name}: sale.order.line",
            )
            self.assertEqual("/my/disputes" in home, level._grants("disputes"), level.name)

    def test_every_area_has_its_line(self):
        """Every area of customer_connect.access.level._portal_areas() (ours
        and those installed addons bring) is in a capability matrix: a new
        area without its line fails the suite, as a new route without its
        walk does."""
        # the matrices of the addons built on this one, imported as Odoo's
        # test loader does (a subclass of this class each)
        addons = self.env["ir.module.module"].search(
            [("state", "=", "installed"), ("dependencies_id.name", "=", "customer_connect")]
        )
        for addon in addons:
            with contextlib.suppress(ImportError):
                importlib.import_module(f"odoo.addons.{addon.name}.tests")
        covered, classes = set(), [TestCapabilityMatrix]
        while classes:
            cls = classes.pop()
            covered |= set(cls.matrix_pages.values()) | set(cls.matrix_rpc.values())
            classes.extend(cls.__subclasses__())
        areas = set(self.env["customer_connect.access.level"]._portal_areas())
        self.assertFalse(areas - covered, "areas without a line in the capability matrix")
