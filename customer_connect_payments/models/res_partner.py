from urllib.parse import urlencode

from odoo import models
from odoo.tools import hmac


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _connect_pay_url(self, amount=None, currency=None):
        """A statement's QR code opens Odoo's pay page for the balance, as a
        payment link the dealer sends (signed for this customer, amount and
        currency; the payments area's checks apply there)."""
        self.ensure_one()
        if not amount or not currency:
            return super()._connect_pay_url(amount, currency)
        # payment.utils.generate_access_token, which needs a request
        values = f"{self.id}|{amount}|{currency.id}"
        token = hmac(self.env(su=True), "generate_access_token", values)
        query = urlencode(
            {
                "amount": amount,
                "currency_id": currency.id,
                "partner_id": self.id,
                "access_token": token,
            }
        )
        return f"{self.get_base_url()}/payment/pay?{query}"
