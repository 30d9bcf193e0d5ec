from odoo import fields, models


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    connect_surcharge_percent = fields.Float(
        "Card surcharge (%)",
        digits=(5, 2),
        help="Added to what a customer pays online with this provider, shown before paying "
        "and booked on its own line of the payment.",
    )
    connect_surcharge_account_id = fields.Many2one(
        "account.account",
        "Surcharge account",
        check_company=True,
        help="Income account of the surcharge (default: the company's income account).",
    )
