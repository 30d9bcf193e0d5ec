from odoo import api, models
from odoo.tools import SQL


class CustomerConnectActivationFunnel(models.Model):
    _inherit = "customer_connect.activation.funnel"

    @api.model
    def _first_payment_condition(self):
        """With online payments, the funnel's last step is the customer's
        first payment made in the portal (or with an express pay link), not
        a cheque the dealer books."""
        return SQL("%s AND pay.connect_online", super()._first_payment_condition())
