from odoo import http

from odoo.addons.account_payment.controllers.payment import PaymentPortal
from odoo.addons.customer_connect.controllers.portal import connect_require


class ConnectPaymentPortal(PaymentPortal):
    @http.route()
    def invoice_transaction(self, invoice_id, access_token, **kwargs):
        connect_require("can_pay")
        return super().invoice_transaction(invoice_id, access_token, **kwargs)

    @http.route()
    def overdue_invoices_transaction(self, payment_reference, **kwargs):
        connect_require("can_pay")
        return super().overdue_invoices_transaction(payment_reference, **kwargs)
