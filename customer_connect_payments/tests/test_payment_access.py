from odoo.tests import HttpCase, JsonRpcException, tagged

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

    def _level(self, xmlid):
        self._set_level(self.farm_billing, xmlid)

    def test_pay_now_follows_the_level(self):
        invoice = self.invoice.with_user(self.portal_user)
        self._level("customer_connect.access_level_payments_only")
        self.assertEqual(invoice._has_to_be_paid(), self.invoice._has_to_be_paid())
        self._level("customer_connect.access_level_status_only")
        self.env.invalidate_all()
        # Status only cannot even read the invoice; a level without payments
        # but with invoices is not offered Pay Now
        level = self.env.ref("customer_connect.access_level_payments_only")
        level.with_user(self.staff_admin).write({"can_pay": False})
        self._level("customer_connect.access_level_payments_only")
        self.assertFalse(self.invoice.with_user(self.portal_user)._has_to_be_paid())

    def test_transaction_route_refused_without_payments(self):
        level = self.env.ref("customer_connect.access_level_payments_only")
        level.with_user(self.staff_admin).write({"can_pay": False})
        self._level("customer_connect.access_level_payments_only")
        self.authenticate(self.portal_user.login, self.password)
        with self.assertRaisesRegex(JsonRpcException, "Forbidden"):
            self.make_jsonrpc_request(
                f"/invoice/transaction/{self.invoice.id}",
                {"access_token": self.invoice._portal_ensure_token(), "amount": 10},
            )
