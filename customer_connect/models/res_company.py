import re

from markupsafe import Markup

from odoo import api, fields, models

# a CSS colour as Odoo's colour picker writes it; anything else is ignored
# (the value is put into a <style> of every portal page)
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


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

    connect_dispute_user_id = fields.Many2one(
        "res.users",
        "Disputes go to",
        domain="[('share', '=', False)]",
        help="Who is assigned the disputes customers raise; empty: the customer's salesperson.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # a new dealer company starts with its own levels, as the first did
        self.env["customer_connect.access.level"]._create_company_defaults(companies)
        return companies

    def _connect_portal_brand_css(self):
        """The portal's colours in this dealer company's: its primary colour
        (Settings > Companies, the one its documents use) on buttons, links
        and the header's edge, its secondary on hovered buttons. Empty when
        the company has none."""
        self.ensure_one()
        primary = self.primary_color if HEX_COLOUR.match(self.primary_color or "") else None
        if not primary:
            return Markup("")
        secondary = (
            self.secondary_color if HEX_COLOUR.match(self.secondary_color or "") else primary
        )
        # only the two checked values enter the text
        return Markup(
            ".o_portal .btn-primary, .oe_login_form .btn-primary, .oe_signup_form .btn-primary {"
            "--bs-btn-bg: %(p)s; --bs-btn-border-color: %(p)s;"
            "--bs-btn-hover-bg: %(s)s; --bs-btn-hover-border-color: %(s)s;"
            "--bs-btn-active-bg: %(s)s; --bs-btn-active-border-color: %(s)s;"
            "--bs-btn-disabled-bg: %(p)s; --bs-btn-disabled-border-color: %(p)s; }"
            ".o_portal a:not(.btn):not(.nav-link):not(.dropdown-item) { color: %(p)s; }"
            ".o_portal .page-item.active .page-link { background-color: %(p)s;"
            " border-color: %(p)s; }"
            ".o_portal > header .navbar { border-bottom: 3px solid %(p)s; }"
        ) % {"p": primary, "s": secondary}
