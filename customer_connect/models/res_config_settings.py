from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    connect_invitation_validity_hours = fields.Integer(
        "Invitation link validity (hours)",
        config_parameter="customer_connect.invitation_validity_hours",
        default=72,
    )
    connect_default_access_level_id = fields.Many2one(
        related="company_id.connect_default_access_level_id", readonly=False
    )
    connect_level_from_install_count = fields.Integer(
        "Contacts on the install's level",
        compute="_compute_connect_level_from_install_count",
        help="Contacts whose portal login existed before Customer Connect was installed, still "
        "on the level the install gave them, which is not this default.",
    )
    connect_portal_dealer_footer = fields.Boolean(
        related="company_id.connect_portal_dealer_footer", readonly=False
    )
    connect_project_show_images = fields.Boolean(
        related="company_id.connect_project_show_images", readonly=False
    )
    connect_staff_seat_limit = fields.Integer(
        "Dealership user seats",
        config_parameter="customer_connect.staff_seat_limit",
        help="How many dealer staff may have a Customer Connect role; 0 for no limit.",
    )

    connect_daily_status_user_ids = fields.Many2many(
        related="company_id.connect_daily_status_user_ids", readonly=False
    )
    connect_daily_status_tz = fields.Selection(
        related="company_id.partner_id.tz",
        readonly=False,
        string="Company time zone",
        help="The daily status e-mail reports on the company's yesterday in this time zone "
        "(UTC when empty).",
    )
    connect_reminder_days = fields.Char(related="company_id.connect_reminder_days", readonly=False)
    connect_reminder_max = fields.Integer(related="company_id.connect_reminder_max", readonly=False)
    connect_dispute_user_id = fields.Many2one(
        related="company_id.connect_dispute_user_id", readonly=False
    )
    connect_dispute_ageing_days = fields.Integer(
        "Dispute ageing (days)",
        config_parameter="customer_connect.dispute_ageing_days",
        default=14,
        help="A dispute open longer than this shows as ageing in the daily status.",
    )

    connect_equipment_warranty_reminder_days = fields.Integer(
        "Warranty reminder (days before)",
        config_parameter="customer_connect.equipment_warranty_reminder_days",
        default=30,
    )
    connect_equipment_service_reminder_days = fields.Integer(
        "Service reminder (days before)",
        config_parameter="customer_connect.equipment_service_reminder_days",
        default=14,
    )

    connect_web_lead_team_id = fields.Many2one(
        related="company_id.connect_web_lead_team_id", readonly=False
    )
    connect_web_lead_limit_per_address = fields.Integer(
        "Requests per address an hour",
        config_parameter="customer_connect.web_lead_limit_per_address",
        default=5,
    )
    connect_web_lead_limit_per_email = fields.Integer(
        "Requests per e-mail an hour",
        config_parameter="customer_connect.web_lead_limit_per_email",
        default=3,
    )
    connect_web_lead_embed_origins = fields.Char(
        "Websites that may embed the form",
        config_parameter="customer_connect.web_lead_embed_origins",
        help="The dealer's website origins (https://www.example.com), separated by spaces "
        "or commas: only their pages may show /request-info/embed in a frame.",
    )

    @api.depends("company_id", "connect_default_access_level_id")
    def _compute_connect_level_from_install_count(self):
        Logins = self.env["customer_connect.existing.logins"]
        Level = self.env["customer_connect.access.level"]
        for settings in self:
            company = settings.company_id
            chosen = settings.connect_default_access_level_id
            level = chosen if chosen.active else Level._default_for_company(company)
            settings.connect_level_from_install_count = self.env["res.partner"].search_count(
                Logins._level_from_install_domain(company, level)
            )

    def action_connect_apply_default_level(self):
        """Give the company's default access level (saved with the settings
        before this runs) to the contacts still on the level the install
        gave them."""
        self.ensure_one()
        self.env["customer_connect.existing.logins"]._apply_default_level(self.company_id)

    @api.constrains(
        "connect_web_lead_limit_per_address",
        "connect_web_lead_limit_per_email",
        "connect_web_lead_embed_origins",
    )
    def _check_connect_web_leads(self):
        for settings in self:
            limits = (
                settings.connect_web_lead_limit_per_address,
                settings.connect_web_lead_limit_per_email,
            )
            if not all(1 <= value <= 1000 for value in limits):
                raise ValidationError(
                    self.env._("Request Info limits go between 1 and 1,000 an hour.")
                )
            self.env["customer_connect.web.lead"]._check_origins(
                settings.connect_web_lead_embed_origins
            )

    @api.constrains(
        "connect_equipment_warranty_reminder_days", "connect_equipment_service_reminder_days"
    )
    def _check_connect_equipment_reminder_days(self):
        for settings in self:
            days = (
                settings.connect_equipment_warranty_reminder_days,
                settings.connect_equipment_service_reminder_days,
            )
            if not all(1 <= value <= 365 for value in days):
                raise ValidationError(
                    self.env._("Equipment reminders go between 1 and 365 days ahead.")
                )

    @api.constrains("connect_invitation_validity_hours", "connect_staff_seat_limit")
    def _check_connect_numbers(self):
        for settings in self:
            if settings.connect_invitation_validity_hours < 1:
                raise ValidationError(
                    self.env._("An invitation link must stay valid for at least one hour.")
                )
            if settings.connect_staff_seat_limit < 0:
                raise ValidationError(
                    self.env._(
                        "The number of dealership user seats cannot be negative (0: no limit)."
                    )
                )
