from odoo import Command
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import hmac, mute_logger

from odoo.addons.customer_connect.tests import test_portal_isolation
from odoo.addons.customer_connect.tests.common import ConnectCase


@tagged("post_install", "-at_install")
class TestPaymentAccess(ConnectCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.password = cls.PORTAL_PASSWORD
        cls.portal_user = cls._activate(cls.farm_billing)
        cls.invoice = cls.init_invoice("out_invoice", partner=cls.farm, amounts=[250], post=True)
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )

    def _give(self, code):
        self._set_level(self.farm_billing, code)

    def test_pay_now_follows_the_level(self):
        invoice = self.invoice.with_user(self.portal_user)
        self._give("payments_only")
        self.assertEqual(invoice._has_to_be_paid(), self.invoice._has_to_be_paid())
        self._give("status_only")
        self.env.invalidate_all()
        # Status only cannot even read the invoice; a level without payments
        # but with invoices is not offered Pay Now
        level = self._level("payments_only")
        level.with_user(self.staff_admin).write({"can_pay": False})
        self._give("payments_only")
        self.assertFalse(self.invoice.with_user(self.portal_user)._has_to_be_paid())

    def test_transaction_route_refused_without_payments(self):
        level = self._level("payments_only")
        level.with_user(self.staff_admin).write({"can_pay": False})
        self._give("payments_only")
        self.authenticate(self.portal_user.login, self.password)
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self.make_jsonrpc_request(
                f"/invoice/transaction/{self.invoice.id}",
                {"access_token": self.invoice._portal_ensure_token(), "amount": 10},
            )

    def test_every_payment_route_refused_without_payments(self):
        """Odoo's own payment routes ask for the payments area too."""
        self._give("accounts_payable")
        level = self._level("accounts_payable")
        level.with_user(self.staff_admin).write({"can_pay": False})
        self.authenticate(self.portal_user.login, self.password)
        partner = self.farm_billing
        pay_url = (
            f"/payment/pay?amount=10&partner_id={partner.id}"
            f"&access_token={self._pay_token(partner, 10)}"
        )
        for url in (pay_url, "/my/payment_method", "/my/invoices/overdue"):
            self.assertEqual(self.url_open(url).status_code, 403, url)
        with self.assertRaisesRegex(JsonRpcException, "AccessError"), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/payment/transaction",
                {
                    "amount": 10,
                    "currency_id": self.invoice.currency_id.id,
                    "partner_id": partner.id,
                    "access_token": self._pay_token(partner, 10),
                },
            )
        # with the payments area, the same pages open
        level.with_user(self.staff_admin).write({"can_pay": True})
        self.assertEqual(self.url_open("/my/payment_method").status_code, 200)

    def test_token_payment_of_a_connect_customer_needs_signing_in(self):
        with self.assertRaisesRegex(JsonRpcException, "AccessError"), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                f"/invoice/transaction/{self.invoice.id}",
                {"access_token": self.invoice._portal_ensure_token(), "amount": 10},
            )

    def test_sale_order_transaction_follows_the_level(self):
        """Customer Connect brings Odoo's sale orders: paying one online asks
        for the payments area too, signed in or by the order's token."""
        order = (
            self.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": self.farm.id,
                    "company_id": self.company.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product_a.id, "price_unit": 100, "tax_id": []}
                        )
                    ],
                }
            )
        )
        order.action_quotation_sent()
        token = order._portal_ensure_token()
        params = {"access_token": token, "amount": 10}
        # not signed in: the customer is on Customer Connect, its contact signs in
        with self.assertRaisesRegex(JsonRpcException, "AccessError"), mute_logger("odoo.http"):
            self.make_jsonrpc_request(f"/my/orders/{order.id}/transaction", params)
        # status only follows orders, with no money
        self._give("status_only")
        self.authenticate(self.portal_user.login, self.password)
        with self.assertRaisesRegex(JsonRpcException, "AccessError"), mute_logger("odoo.http"):
            self.make_jsonrpc_request(f"/my/orders/{order.id}/transaction", params)
        # with the payments area, the request reaches Odoo's own checks
        self._give("full")
        with self.assertRaises(JsonRpcException) as caught, mute_logger("odoo.http"):
            self.make_jsonrpc_request(f"/my/orders/{order.id}/transaction", params)
        self.assertNotIn("AccessError", str(caught.exception))

    def _pay_token(self, partner, amount):
        """The token of a dealer's payment link (payment.utils, outside a request)."""
        values = f"{partner.id}|{amount}|{self.invoice.currency_id.id}"
        return hmac(self.env(su=True), "generate_access_token", values)


# the payments area's lines of the capability matrix: {route: area}
PAYMENTS_MATRIX_PAGES = {
    "/my/payments": "payments",  # payment history
    "/my/payments/pay": "payments",
    "/my/payment_method": "payments",  # saved cards (Odoo's page)
}
PAYMENTS_MATRIX_RPC = {}


@tagged("post_install", "-at_install")
class TestPaymentsCapabilityMatrix(test_portal_isolation.TestCapabilityMatrix):
    """The payments area's lines of customer_connect's capability matrix:
    each shipped level reaches the payment pages exactly when it makes
    payments."""

    matrix_pages = PAYMENTS_MATRIX_PAGES
    matrix_rpc = PAYMENTS_MATRIX_RPC
