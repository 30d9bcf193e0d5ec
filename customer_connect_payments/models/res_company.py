from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    connect_allow_partial_payment = fields.Boolean(
        "Customers may pay part of an invoice",
        help="In the portal, a customer may pay less than an invoice's amount, giving a reason.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    connect_allow_partial_payment = fields.Boolean(
        related="company_id.connect_allow_partial_payment", readonly=False
    )
