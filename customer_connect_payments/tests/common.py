import json
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, JsonRpcException

from odoo.addons.customer_connect.tests.common import ConnectCase

QUOTE_RE = re.compile(r'data-access-token="([^"]+)"')


class PayCase(ConnectCase, HttpCase):
    """The dealer company takes payments with Odoo's demo provider (installed
    beside our addons in test databases, see bin/lib.sh); Greenacres' billing
    contact has a login with full access."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.password = cls.PORTAL_PASSWORD
        demo = cls.env.ref("payment.payment_provider_demo")
        cls.provider = demo.sudo().copy({"company_id": cls.company.id, "name": "Demo card"})
        cls.provider.write(
            {
                "state": "test",
                "is_published": True,
                "journal_id": cls.company_data["default_journal_bank"].id,
            }
        )
        cls.method = cls.provider.payment_method_ids[:1]
        cls.epd_term = cls.env["account.payment.term"].create(
            {
                "name": "2% 10 days, net 30",
                "early_discount": True,
                "discount_percentage": 2,
                "discount_days": 10,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})
                ],
            }
        )
        cls.user = cls._activate(cls.farm_billing)
        cls.Service = cls.env["customer_connect.payment.service"]

    def setUp(self):
        super().setUp()
        self._set_level(self.farm_billing, "full")

    @classmethod
    def _invoice(
        cls, amount, partner=None, days_ago=0, due_in=30, term=None, move_type="out_invoice"
    ):
        date = fields.Date.today() - timedelta(days=days_ago)
        vals = {
            "move_type": move_type,
            "partner_id": (partner or cls.farm).id,
            "invoice_date": date,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Mower blades",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        if term:
            vals["invoice_payment_term_id"] = term.id
        else:
            vals["invoice_date_due"] = date + timedelta(days=due_in)
        move = cls.env["account.move"].create(vals)
        move.action_post()
        return move

    # -- the portal, as a person's browser does it ---------------------------
    def _pay_page(self, query):
        response = self.url_open(f"/my/payments/pay?{query}")
        self.assertEqual(response.status_code, 200)
        return response.text

    def _quote_of(self, page):
        match = QUOTE_RE.search(page)
        self.assertTrue(match, "the page offers the payment form")
        return match.group(1).replace("&amp;", "&")

    def _start(self, token, amount, route="/my/payments/transaction", provider=None, **extra):
        return self._rpc(
            route,
            {
                "access_token": token,
                "amount": amount,
                "provider_id": (provider or self.provider).id,
                "payment_method_id": self.method.id,
                "token_id": None,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/anything",
                "is_validation": False,
                **extra,
            },
        )

    def _rpc(self, route, params):
        """make_jsonrpc_request, keeping the error's message (what the
        customer reads) in the exception."""
        response = self.url_open(
            route,
            json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            data = body["error"]["data"]
            raise JsonRpcException(body["error"]["code"], f"{data['name']}: {data['message']}")
        return body["result"]

    def _confirm(self, reference, state="done"):
        """What the demo provider's page does, then the status page."""
        Tx = self.env["payment.transaction"].sudo()
        Tx._handle_notification_data(
            "demo", {"reference": reference, "simulated_state": state, "payment_details": "4242"}
        )
        tx = Tx.search([("reference", "=", reference)])
        tx._post_process()
        return tx
