"""Every route of the payments area, walked by one customer's contact
against another customer's invoices, payments, saved methods and links; a
route added to the controller without its line here fails
``test_every_route_is_walked`` (as customer_connect's own walk)."""

import base64
import inspect
import json

from odoo import Command, fields, http
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PayCase

REFUSED = (403, 404)
REFUSAL = object()  # a JSON-RPC call answered with an error


@tagged("post_install", "-at_install")
class TestPortalPaymentsIsolation(PayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.golf_user = cls._activate(cls.golf_keeper)
        cls.farm_invoice = cls._invoice(250.0)
        cls.golf_invoice = cls._invoice(90.0, partner=cls.golf)
        cls.golf_invoice.ref = "Loch Vale secret fairway mower"
        # Loch Vale paid once online and kept its card
        quote = cls.Service._quote(cls.golf, cls.company, [cls.golf_invoice.id])
        cls.golf_token = cls.env["payment.token"].create(
            {
                "provider_id": cls.provider.id,
                "payment_method_id": cls.method.id,
                "partner_id": cls.golf_keeper.id,
                "payment_details": "LV-SECRET-CARD",
                "provider_ref": "lv-secret",
            }
        )
        cls.golf_quote_token = cls.Service._quote_token(quote)
        cls.golf_order = cls.env["sale.order"].create(
            {
                "partner_id": cls.golf.id,
                "company_id": cls.company.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.product_a.id, "price_unit": 90.0, "tax_id": []}
                    )
                ],
            }
        )
        cls.golf_order.action_quotation_sent()
        # remittances: Loch Vale's remittance advice
        cls.golf_remittance = cls.env["customer_connect.remittance"].create(
            {
                "company_id": cls.company.id,
                "partner_id": cls.golf.id,
                "currency_id": cls.company.currency_id.id,
                "transfer_date": fields.Date.today(),
                "transfer_amount": 90.0,
                "payer_reference": "LV-SECRET-BANK",
                "line_ids": [Command.create({"reference": "LV-SECRET-REMIT", "amount": 90.0})],
            }
        )
        # autopay: Loch Vale charges its saved card automatically
        # sudo: the set-up is made in the portal by Loch Vale's contact
        cls.golf_autopay = (
            cls.env["customer_connect.autopay"]
            .sudo()
            .create(
                {
                    "customer_id": cls.golf.id,
                    "company_id": cls.company.id,
                    "token_id": cls.golf_token.id,
                    "contact_id": cls.golf_keeper.id,
                    "max_amount": 90.0,
                }
            )
        )
        cls.golf_markers = (
            cls.golf_invoice.name,
            cls.golf_invoice.ref,
            "LV-SECRET-CARD",
            "LV-SECRET-BANK",
            "LV-SECRET-REMIT",
            cls.golf.name,
        )

    def _golf_targets(self):
        """{route: [targets aimed at Loch Vale]}; a target is a URL (GET), or
        ("POST", url, data), or ("JSON", url, params)."""
        inv = self.golf_invoice.id
        own_link = self.Service._express_token(self.farm, self.company)
        golf_link = self.Service._express_token(self.golf, self.company)
        # Greenacres' own link (its signature), its payload edited to name
        # Loch Vale (hash_sign: version, expiry, HMAC-SHA256, then the JSON)
        own, golf = (
            base64.urlsafe_b64decode(t + "=" * (-len(t) % 4)) for t in (own_link, golf_link)
        )
        forged = base64.urlsafe_b64encode(own[:41] + golf[41:]).decode().rstrip("=")
        return {
            "/my/payments": ["/my/payments"],
            "/my/payments/pay": [
                f"/my/payments/pay?pay_{inv}=1",
                ("POST", "/my/payments/pay", {f"pay_{inv}": "1"}),
            ],
            "/my/payments/transaction": [
                ("JSON", "/my/payments/transaction", self._tx_params(self.golf_quote_token, 90.0))
            ],
            "/pay/express/<string:token>": [
                f"/pay/express/{own_link}?pay_{inv}=1",
                f"/pay/express/{forged}",
            ],
            "/pay/express/<string:token>/transaction": [
                (
                    "JSON",
                    f"/pay/express/{own_link}/transaction",
                    self._tx_params(self.golf_quote_token, 90.0),
                )
            ],
            # Odoo's routes, behind the payments area
            "/invoice/transaction/<int:invoice_id>": [
                (
                    "JSON",
                    f"/invoice/transaction/{inv}",
                    {
                        **self._tx_params(None, 90.0),
                        "access_token": self.golf_invoice._portal_ensure_token(),
                    },
                )
            ],
            "/invoice/transaction/overdue": [
                ("JSON", "/invoice/transaction/overdue", {**self._tx_params(None, 90.0)})
            ],
            "/my/invoices/overdue": ["/my/invoices/overdue"],
            "/payment/pay": [
                (
                    f"/payment/pay?invoice_id={inv}&access_token="
                    f"{self.golf_invoice._portal_ensure_token()}"
                )
            ],
            "/payment/transaction": [
                (
                    "JSON",
                    "/payment/transaction",
                    {
                        **self._tx_params(None, 90.0),
                        "partner_id": self.golf_keeper.id,
                        "currency_id": self.golf_invoice.currency_id.id,
                    },
                )
            ],
            "/my/payment_method": ["/my/payment_method"],
            "/my/orders/<int:order_id>/transaction": [
                (
                    "JSON",
                    f"/my/orders/{self.golf_order.id}/transaction",
                    {
                        **self._tx_params(None, 90.0),
                        "access_token": self.golf_order._portal_ensure_token(),
                    },
                )
            ],
            "/payment/archive_token": [
                ("JSON", "/payment/archive_token", {"token_id": self.golf_token.id})
            ],
            # the session's own transaction only (none here): nothing to aim
            "/payment/status/poll": [("JSON", "/payment/status/poll", {})],
            # remittances: Loch Vale's advice, and one sent naming its invoice
            # (sent as Greenacres', matched to nothing of Loch Vale's)
            "/my/remittances": ["/my/remittances"],
            "/my/remittances/page/<int:page>": ["/my/remittances/page/2"],
            "/my/remittances/<int:remittance_id>": [f"/my/remittances/{self.golf_remittance.id}"],
            "/my/remittances/new": [
                "/my/remittances/new",
                (
                    "POST",
                    "/my/remittances/new",
                    {
                        "transfer_date": fields.Date.to_string(fields.Date.today()),
                        "transfer_amount": "90",
                        "reference": self.golf_invoice.name,
                        "amount": "90",
                    },
                ),
            ],
            # autopay: Greenacres' own page and forms, naming Loch Vale's
            # card (the set-up and the turning off are the contact's own
            # customer's, in the company picked)
            "/my/autopay": [
                "/my/autopay",
                (
                    "POST",
                    "/my/autopay",
                    {"token_id": str(self.golf_token.id), "max_amount": "90", "timing": "due"},
                ),
            ],
            "/my/autopay/off": [("POST", "/my/autopay/off", {})],
        }

    def _tx_params(self, quote_token, amount):
        return {
            "access_token": quote_token,
            "amount": amount,
            "provider_id": self.provider.id,
            "payment_method_id": self.method.id,
            "token_id": None,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/anything",
            "is_validation": False,
        }

    def _open(self, target):
        if isinstance(target, str):
            return self.url_open(target, allow_redirects=False)
        kind, url, data = target
        if kind == "POST":
            payload = {"csrf_token": http.Request.csrf_token(self), **data}
            return self.url_open(url, data=payload, allow_redirects=False)
        response = self.url_open(
            url,
            json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": data}),
            headers={"Content-Type": "application/json"},
            allow_redirects=False,
        )
        if response.status_code != 200 or "error" in response.json():
            return REFUSAL
        # answered: checked as a page (nothing of Loch Vale's in it), and by
        # what it did (the walk's end)
        return response

    def _assert_nothing_of_golf(self, route, target, answer):
        if answer is REFUSAL:
            return
        if answer.status_code in REFUSED:
            return
        if answer.status_code in (301, 302, 303):
            location = answer.headers.get("Location", "")
            if location.startswith("/web/login"):
                return  # signing in first: refused
            self.assertNotIn(str(self.golf_invoice.id), location)
            return
        self.assertEqual(answer.status_code, 200, f"{route}: {target}")
        body = answer.text
        for marker in self.golf_markers:
            self.assertNotIn(marker, body, f"{route}: {target} shows {marker!r}")

    def test_a_contact_pays_nothing_of_another_customer(self):
        self.authenticate(self.user.login, self.password)
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            for route, targets in self._golf_targets().items():
                for target in targets:
                    self._assert_nothing_of_golf(route, target, self._open(target))
        self.assertFalse(self.golf_invoice.transaction_ids, "no transaction on Loch Vale's")
        self.assertFalse(self.golf_order.transaction_ids)
        self.assertTrue(self.golf_token.active, "Loch Vale's card is not archived")
        # Loch Vale's autopay is still on, and nobody else charges its card
        self.assertEqual(self.golf_autopay.state, "on")
        self.assertEqual(
            self.env["customer_connect.autopay"].search([("token_id", "=", self.golf_token.id)]),
            self.golf_autopay,
        )
        # the remittance sent naming Loch Vale's invoice matched nothing of it
        self.assertFalse(
            self.env["customer_connect.remittance.line"].search(
                [("move_id", "=", self.golf_invoice.id)]
            )
        )
        # and logged out: the same walk, nothing opens but the express link's
        # own customer
        self.logout()
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            for route, targets in self._golf_targets().items():
                for target in targets:
                    self._assert_nothing_of_golf(route, target, self._open(target))
        self.assertFalse(self.golf_invoice.transaction_ids)

    def test_every_route_is_walked(self):
        from .. import controllers

        ours = set()
        for _name, module in inspect.getmembers(controllers, inspect.ismodule):
            for _cls_name, cls in inspect.getmembers(module, inspect.isclass):
                if not cls.__module__.startswith("odoo.addons.customer_connect_payments."):
                    continue
                for name, func in vars(cls).items():
                    routing = getattr(func, "original_routing", None)
                    if routing is None:
                        continue
                    routes = routing.get("routes")
                    if not routes:  # an override of Odoo's route: its paths
                        routes = self._odoo_routes_of(cls, name)
                    ours.update(routes)
        self.assertTrue(ours, "the controllers were read")
        self.assertFalse(ours - set(self._golf_targets()), "routes without an isolation walk")

    def _odoo_routes_of(self, cls, name):
        for base in cls.__mro__[1:]:
            func = vars(base).get(name)
            routing = getattr(func, "original_routing", None)
            if routing and routing.get("routes"):
                return routing["routes"]
        return ()
