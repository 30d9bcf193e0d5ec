from odoo.tests import tagged

from .common import PayCase


@tagged("post_install", "-at_install")
class TestPaymentTours(PayCase):
    """What a person clicks: the demo provider's own payment form."""

    def test_pay_two_invoices_tour(self):
        blades = self._invoice(400.0, term=self.epd_term)
        blades.ref = "Tour blades"
        belts = self._invoice(100.0, days_ago=5)
        belts.ref = "Tour belts"
        chains = self._invoice(70.0)
        chains.ref = "Tour chains"
        self.start_tour("/my/activity", "customer_connect_pay_two_invoices", login=self.user.login)
        for invoice in blades | belts:
            self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual), invoice.name)
        self.assertEqual(chains.amount_residual, 70.0)
        payment = blades.transaction_ids.payment_id
        self.assertAlmostEqual(payment.amount, 492.0)
        self.assertEqual(payment.reconciled_invoice_ids, blades | belts)

    def test_pay_on_account_tour(self):
        older = self._invoice(100.0, days_ago=30, due_in=0)
        newer = self._invoice(100.0)
        self.start_tour(
            "/my/payments/pay", "customer_connect_pay_on_account", login=self.user.login
        )
        self.assertTrue(older.currency_id.is_zero(older.amount_residual))
        self.assertAlmostEqual(newer.amount_residual, 50.0)

    def test_pay_express_logged_out_tour(self):
        invoice = self._invoice(400.0)
        token = self.Service._express_token(self.farm, self.company)
        self.start_tour(f"/pay/express/{token}", "customer_connect_pay_express", login=None)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertFalse(invoice.transaction_ids.connect_user_id)
