import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

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
    connect_web_lead_team_id = fields.Many2one(
        "crm.team",
        "Web leads team",
        domain="[('company_id', 'in', [id, False])]",
        help="The sales team the Request Info form's leads go to; empty for the company's "
        "first team.",
    )

    # -- the daily status e-mail (customer_connect.daily.status)
    connect_daily_status_user_ids = fields.Many2many(
        "res.users",
        "res_company_connect_daily_status_user_rel",
        "company_id",
        "user_id",
        string="Daily status e-mail to",
        domain=[("share", "=", False)],
        help="Dealer staff who get this company's daily status e-mail (Customer Connect "
        "users of the company).",
    )
    connect_daily_status_last_day = fields.Date("Daily status sent for", copy=False, readonly=True)
    # -- automatic reminders of pending invitations
    connect_reminder_days = fields.Char(
        "Invitation reminders (days)",
        help="Days after the invitation when a contact who has not completed the "
        'account is reminded, e.g. "3,7,14"; empty for no reminders.',
    )
    connect_reminder_max = fields.Integer(
        "Reminders at most",
        default=3,
        help="Reminders per invitation at most; beyond the listed days they follow "
        "the last interval.",
    )

    @api.constrains("connect_reminder_days", "connect_reminder_max")
    def _check_connect_reminders(self):
        for company in self:
            company._connect_reminder_schedule()
            if company.connect_reminder_max < 0:
                raise ValidationError(self.env._("The number of reminders cannot be negative."))

    def _connect_reminder_schedule(self):
        """The days after the invitation when reminders go, ascending, and
        the most reminders per invitation: ([], 0) when there are none."""
        self.ensure_one()
        text = (self.connect_reminder_days or "").replace(";", ",").replace(" ", ",")
        try:
            days = sorted({int(part) for part in text.split(",") if part.strip()})
        except ValueError:
            days = None
        if days is None or any(day < 1 or day > 365 for day in days):
            raise ValidationError(
                self.env._(
                    'Invitation reminders: days between 1 and 365, separated by commas ("3,7,14").'
                )
            )
        return days, (max(self.connect_reminder_max, 0) if days else 0)

    # -- branding: the portal's footer
    connect_portal_dealer_footer = fields.Boolean(
        "Dealer's footer on the portal",
        default=True,
        help="The portal's footer and sign-in page show this company's name, address, phone "
        'and e-mail instead of "Powered by Odoo".',
    )
    connect_project_show_images = fields.Boolean(
        "Show item images in project status",
        default=True,
        help="Whether the portal's project status shows the items' product images until "
        "the contact switches them off or on.",
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

    def write(self, vals):
        result = super().write(vals)
        if "connect_portal_dealer_footer" in vals:
            # the portal's footer is kept rendered (t-cache of
            # web.frontend_layout): rendered again with the new setting
            self.env.registry.clear_cache("templates")
        return result

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
