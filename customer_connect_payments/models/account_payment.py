from odoo import fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    connect_online = fields.Boolean("Paid in the portal", readonly=True, copy=False, index=True)
    connect_reason = fields.Char("Customer's reason", readonly=True, copy=False)
