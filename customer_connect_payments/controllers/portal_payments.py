"""Payments: every route through which a portal contact pays or keeps a
payment method asks for the payments area first (``res.users._connect_require``);
Odoo's routes then do the work. Not signed in, a payment link the dealer sent
(``/payment/pay`` with its token) still works; an invoice's token link of a
customer on Customer Connect does not (its contact signs in, see
``account.move._connect_opens_for``)."""

from werkzeug.exceptions import Forbidden

from odoo.http import request, route

from odoo.addons.account_payment.controllers.payment import PaymentPortal
from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.sale.controllers.portal import PaymentPortal as SalePaymentPortal


def _require_payments(invoice_id=None, order_id=None):
    """The payments area's check for the current request: the signed-in
    contact's level, or, for a visitor with an invoice's (or a sale order's)
    token, the document of a customer that does not use Customer Connect."""
    user = request.env.user
    if not user._is_public():
        user._connect_require("payments")
    if invoice_id:
        invoice = request.env["account.move"].browse(int(invoice_id))
        if not invoice._connect_opens_for("payments"):
            raise Forbidden()
    if order_id:
        order = request.env["sale.order"].browse(int(order_id))
        if not order._connect_opens_for("payments"):
            raise Forbidden()


class ConnectPaymentPortal(PaymentPortal):
    @route()
    def invoice_transaction(self, invoice_id, access_token, **kwargs):
        _require_payments(invoice_id)
        return super().invoice_transaction(invoice_id, access_token, **kwargs)

    @route()
    def overdue_invoices_transaction(self, payment_reference, **kwargs):
        _require_payments()
        return super().overdue_invoices_transaction(payment_reference, **kwargs)

    @route()
    def payment_pay(self, *args, amount=None, invoice_id=None, access_token=None, **kwargs):
        _require_payments(invoice_id)
        return super().payment_pay(
            *args, amount=amount, invoice_id=invoice_id, access_token=access_token, **kwargs
        )

    @route()
    def payment_transaction(self, *args, **kwargs):
        _require_payments()
        return super().payment_transaction(*args, **kwargs)

    @route()
    def payment_method(self, **kwargs):
        _require_payments()
        return super().payment_method(**kwargs)

    @route()
    def archive_token(self, token_id):
        _require_payments()
        return super().archive_token(token_id)


class ConnectPortalAccountPayments(PortalAccount):
    @route()
    def portal_my_overdue_invoices(self, access_token=None, **kw):
        _require_payments()
        return super().portal_my_overdue_invoices(access_token=access_token, **kw)


class ConnectSaleOrderPayments(SalePaymentPortal):
    """Customer Connect depends on ``sale`` (the orders area): paying a sale
    order online (a quotation's prepayment) is a payment like any other."""

    @route()
    def portal_order_transaction(self, order_id, access_token, **kwargs):
        _require_payments(order_id=order_id)
        return super().portal_order_transaction(order_id, access_token, **kwargs)
