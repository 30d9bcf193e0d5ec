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
    connect_staff_seat_limit = fields.Integer(
        "Dealership user seats",
        config_parameter="customer_connect.staff_seat_limit",
        help="How many dealer staff may have a Customer Connect role; 0 for no limit.",
    )

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
