"""Remittances over HTTP: the contact sends one by the form and by a file,
a bad form comes back with what was typed, a level without the area is
refused (page and JSON-RPC), another customer's remittances stay out of
reach, and staff match it against the bank line; the area's lines of the
capability matrix."""

from odoo import fields, http
from odoo.tests import JsonRpcException, tagged
from odoo.tools import mute_logger

from odoo.addons.customer_connect.tests import test_portal_isolation

from .test_portal_remittances import RemittanceCase


@tagged("post_install", "-at_install")
class TestPortalRemittancesHttp(RemittanceCase):
    def setUp(self):
        super().setUp()
        self.authenticate(self.user.login, self.password)

    def _post(self, data, files=None):
        payload = {"csrf_token": http.Request.csrf_token(self), **data}
        return self.url_open(
            "/my/remittances/new", data=payload, files=files, allow_redirects=False
        )

    def test_list_query_count_does_not_grow(self):
        """The contact's remittances page: as many queries for seven
        remittances as for one."""

        def send(amount):
            response = self._post(
                {
                    "transfer_date": self.today,
                    "transfer_amount": amount,
                    "reference": ["WIRE"],
                    "amount": [amount],
                }
            )
            self.assertEqual(response.status_code, 303, response.text[:500])

        send("10.00")
        few, page = self._page_queries("/my/remittances")
        self.assertEqual(page.count("o_connect_remittance_row"), 1)
        for number in range(6):
            send(f"{11 + number}.00")
        self.env.flush_all()
        many, page = self._page_queries("/my/remittances")
        self.assertEqual(page.count("o_connect_remittance_row"), 7)
        self.assertGreater(few, 0, "the page's queries are counted")
        self.assertEqual(many, few)

    def test_send_by_form_then_settled_after_staff_confirm(self):
        self.assertEqual(self.url_open("/my/remittances/new").status_code, 200)
        response = self._post(
            {
                "transfer_date": self.today,
                "transfer_amount": "460.50",
                "payer_reference": "BACS GREENACRES",
                "reference": [self.inv_a.name, "GA-PO-7781", ""],
                "amount": ["120.00", "340.50", ""],
            }
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        remittance = self.Remittance.search([("partner_id", "=", self.farm.id)])
        self.assertEqual(len(remittance), 1)
        page = self.url_open(f"/my/remittances/{remittance.id}?sent=1").text
        self.assertIn(self.inv_a.name, page)
        self.assertIn("Waiting to be matched", page)
        self.assertIn(remittance.name, self.url_open("/my/remittances").text)
        # staff confirm against the bank line of the transfer
        st_line = self._statement_line(460.50)
        self.env["res.users"].create(
            {
                "name": "Cashier",
                "login": "cc_http_cashier",
                "password": "cc_http_cashier",
                "email": "cashier@northfield.example",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            self.env.ref("customer_connect.group_connect_user").id,
                            self.env.ref("account.group_account_invoice").id,
                        ],
                    )
                ],
            }
        )
        self.authenticate("cc_http_cashier", "cc_http_cashier")
        self.make_jsonrpc_request(
            "/web/dataset/call_button/customer_connect.remittance/action_connect_confirm",
            {
                "model": "customer_connect.remittance",
                "method": "action_connect_confirm",
                "args": [remittance.ids],
                "kwargs": {},
            },
        )
        self.assertTrue(st_line.is_reconciled)
        # the customer sees the invoices settled
        self.authenticate(self.user.login, self.password)
        page = self.url_open(f"/my/remittances/{remittance.id}").text
        self.assertEqual(page.count("Settled"), 2)
        self.assertIn("Matched", page)

    def test_bad_form_keeps_what_was_typed(self):
        response = self._post(
            {
                "transfer_date": self.today,
                "transfer_amount": "100",
                "payer_reference": "My bank ref",
                "reference": ["Typed-ref-1", "=cmd|calc"],
                "amount": ["nan", "10"],
            }
        )
        self.assertEqual(response.status_code, 200)
        for kept in ("Typed-ref-1", "My bank ref", "Line 1: nan is not an amount", "formula"):
            self.assertIn(kept, response.text)
        self.assertFalse(self.Remittance.search([]))

    def test_send_a_file_over_http(self):
        content = f"Reference,Amount\n{self.inv_a.name},120.00\n".encode()
        response = self._post(
            {"transfer_date": self.today, "transfer_amount": "120"},
            files={"remittance_file": ("advice.csv", content, "text/csv")},
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        remittance = self.Remittance.search([("partner_id", "=", self.farm.id)])
        self.assertEqual(remittance.line_ids.move_id, self.inv_a)
        self.assertEqual(remittance.file_name, "advice.csv")
        # a picture named .csv: refused with its name, never a 500
        with mute_logger("odoo.http"):
            response = self._post(
                {"transfer_date": self.today, "transfer_amount": "120"},
                files={"remittance_file": ("advice.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "")},
            )
        self.assertEqual(response.status_code, 200)
        self.assertIn("advice.xlsx", response.text)

    def test_a_level_without_the_area_is_refused(self):
        level = self._level("full")
        level.with_user(self.staff_admin).can_send_remittance = False
        self.Remittance.sudo().create(
            {
                "company_id": self.company.id,
                "partner_id": self.farm.id,
                "currency_id": self.company.currency_id.id,
                "transfer_date": fields.Date.today(),
                "transfer_amount": 1,
            }
        )
        with mute_logger("odoo.http"):
            for url in ("/my/remittances", "/my/remittances/new"):
                self.assertEqual(self.url_open(url).status_code, 403, url)
            self.assertEqual(self._post({"transfer_amount": "1"}).status_code, 403)
        found = self.make_jsonrpc_request(
            "/web/dataset/call_kw/customer_connect.remittance/search_read",
            {
                "model": "customer_connect.remittance",
                "method": "search_read",
                "args": [[], ["name"]],
                "kwargs": {},
            },
        )
        self.assertFalse(found)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/customer_connect.remittance/_connect_send",
                {
                    "model": "customer_connect.remittance",
                    "method": "_connect_send",
                    "args": [self.today, "1", "", ["a"], ["1"]],
                    "kwargs": {},
                },
            )

    def test_another_customers_remittance_is_out_of_reach(self):
        golf_remittance = self.Remittance.sudo().create(
            {
                "company_id": self.company.id,
                "partner_id": self.golf.id,
                "currency_id": self.company.currency_id.id,
                "transfer_date": fields.Date.today(),
                "transfer_amount": 77,
                "payer_reference": "LV-SECRET-BANK",
                "line_ids": [(0, 0, {"reference": "LV-SECRET-REF", "amount": 77})],
            }
        )
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            self.assertIn(
                self.url_open(f"/my/remittances/{golf_remittance.id}").status_code, (403, 404)
            )
            self.assertEqual(self.url_open("/my/remittances/99999999999").status_code, 404)
        self.assertNotIn("LV-SECRET", self.url_open("/my/remittances").text)
        for model in ("customer_connect.remittance", "customer_connect.remittance.line"):
            found = self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/search_read",
                {"model": model, "method": "search_read", "args": [[], []], "kwargs": {}},
            )
            self.assertNotIn("LV-SECRET", str(found), model)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/customer_connect.remittance/read",
                {
                    "model": "customer_connect.remittance",
                    "method": "read",
                    "args": [golf_remittance.ids, ["payer_reference"]],
                    "kwargs": {},
                },
            )
        # a portal contact cannot confirm anything, whatever it calls
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/web/dataset/call_button/customer_connect.remittance/action_connect_confirm",
                {
                    "model": "customer_connect.remittance",
                    "method": "action_connect_confirm",
                    "args": [golf_remittance.ids],
                    "kwargs": {},
                },
            )


# the remittances area's lines of the capability matrix: {route: area}
REMITTANCES_MATRIX_PAGES = {
    "/my/remittances": "remittances",
    "/my/remittances/new": "remittances",
}
REMITTANCES_MATRIX_RPC = {"customer_connect.remittance": "remittances"}


@tagged("post_install", "-at_install")
class TestRemittancesCapabilityMatrix(test_portal_isolation.TestCapabilityMatrix):
    """The remittances area's lines of customer_connect's capability matrix:
    each shipped level reaches the remittance pages (and reads its
    customer's remittances over JSON-RPC) exactly when it sends them."""

    matrix_pages = REMITTANCES_MATRIX_PAGES
    matrix_rpc = REMITTANCES_MATRIX_RPC

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["customer_connect.remittance"].create(
            {
                "company_id": cls.company.id,
                "partner_id": cls.farm.id,
                "currency_id": cls.company.currency_id.id,
                "transfer_date": fields.Date.today(),
                "transfer_amount": 250,
            }
        )
