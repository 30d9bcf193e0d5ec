import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# payment reminders: a step is days from the due date, before it (negative)
# or after it; a schedule far outside these is a typing mistake, not a policy
REMINDER_STEP_MIN, REMINDER_STEP_MAX = -60, 365
REMINDER_STEPS_MAX = 12
REMINDER_STEP_RE = re.compile(r"^[+-]?[0-9]{1,3}$")


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

    # -- payment reminders
    connect_payment_reminder_days = fields.Char(
        "Payment reminders (days from due)",
        help="Days from an invoice's due date when its customer is reminded: negative "
        'before it, positive after it, e.g. "-3, 7, 21, 45"; empty for no reminders.',
    )
    connect_payment_reminder_planned_on = fields.Date(
        "Payment reminders planned for", copy=False, readonly=True
    )

    @api.constrains("connect_payment_reminder_days")
    def _check_connect_payment_reminder_days(self):
        for company in self:
            company._connect_payment_reminder_steps()

    def _connect_payment_reminder_steps(self):
        """The reminder schedule's steps (days from due), ascending; refused
        naming the parts that are not whole days in range."""
        self.ensure_one()
        text = (self.connect_payment_reminder_days or "").replace(";", ",")
        parts = [part.strip() for part in text.split(",") if part.strip()]
        wrong = [
            part
            for part in parts
            if not REMINDER_STEP_RE.match(part)
            or not REMINDER_STEP_MIN <= int(part) <= REMINDER_STEP_MAX
        ]
        if wrong:
            raise ValidationError(
                self.env._(
                    "Payment reminders: %(wrong)s not a whole number of days between "
                    '%(low)s and %(high)s (days from the due date, e.g. "-3, 7, 21, 45").',
                    wrong=", ".join(f'"{part[:20]}"' for part in wrong[:5]),
                    low=REMINDER_STEP_MIN,
                    high=REMINDER_STEP_MAX,
                )
            )
        steps = sorted({int(part) for part in parts})
        if len(steps) > REMINDER_STEPS_MAX:
            raise ValidationError(
                self.env._("Payment reminders: %(most)s steps at most.", most=REMINDER_STEPS_MAX)
            )
        return steps


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    connect_allow_partial_payment = fields.Boolean(
        related="company_id.connect_allow_partial_payment", readonly=False
    )
    connect_on_account_margin = fields.Monetary(
        related="company_id.connect_on_account_margin", readonly=False
    )
    connect_payment_reminder_days = fields.Char(
        related="company_id.connect_payment_reminder_days", readonly=False
    )
