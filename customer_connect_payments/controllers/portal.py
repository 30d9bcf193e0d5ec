from werkzeug.exceptions import Forbidden

from odoo import http
from odoo.http import request

from odoo.addons.account_payment.controllers.payment import PaymentPortal


def _require_can_pay():
    user = request.env.user
    if user._is_portal() and not user.partner_id.connect_access_level_id.grants("can_pay"):
        raise Forbidden()


class ConnectPaymentPortal(PaymentPortal):
    @http.route()
    def invoice_transaction(self, invoice_id, access_token, **kwargs):
        _require_can_pay()
        return super().invoice_transaction(invoice_id, access_token, **kwargs)

    @http.route()
    def overdue_invoices_transaction(self, payment_reference, **kwargs):
        _require_can_pay()
        return super().overdue_invoices_transaction(payment_reference, **kwargs)
