from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    connect_invitation_template_id = fields.Many2one(
        "mail.template",
        "Customer Connect invitation e-mail",
        domain=[("model", "=", "res.partner")],
        help='The "Complete My Account" e-mail of this dealer company; empty for the standard one.',
    )
    connect_default_access_level_id = fields.Many2one(
        "customer_connect.access.level",
        "Default access level",
        domain="[('company_id', '=', id)]",
        help="The level a newly invited contact of this company gets; empty for Full access.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # a new dealer company starts with its own levels, as the first did
        self.env["customer_connect.access.level"]._create_company_defaults(companies)
        return companies
