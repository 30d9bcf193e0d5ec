from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    connect_invitation_template_id = fields.Many2one(
        "mail.template",
        "Customer Connect invitation e-mail",
        domain=[("model", "=", "res.partner")],
        help='The "Complete My Account" e-mail of this dealer company; empty for the standard one.',
    )
