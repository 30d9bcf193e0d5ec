from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    connect_allow_partial_payment = fields.Boolean(
        "Customers may pay part of an invoice",
        help="In the portal, a customer may pay less than an invoice's amount, giving a reason.",
    )
    connect_on_account_margin = fields.Monetary(
        "Amount on account: margin over the balance",
        default=10000.0,
        help="A customer may pay on account at most what it owes today plus this margin "
        "(a deposit, the next invoice); a larger amount is refused before the card form.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    connect_allow_partial_payment = fields.Boolean(
        related="company_id.connect_allow_partial_payment", readonly=False
    )
    connect_on_account_margin = fields.Monetary(
        related="company_id.connect_on_account_margin", readonly=False
    )
