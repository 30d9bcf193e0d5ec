"""Where instalment plans reach other models: the access level's flag, the
company's limits (Settings), the collections hold (reason "plan"), the
customer's button, the daily status and the timeline's kinds."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import LazyTranslate

from .portal_plans import (
    PLAN_MAX_DAYS_DEFAULT,
    PLAN_MAX_INSTALMENTS_DEFAULT,
    PLAN_MIN_AMOUNT_DEFAULT,
)

_lt = LazyTranslate(__name__)


class CustomerConnectAccessLevel(models.Model):
    _inherit = "customer_connect.access.level"  # pylint: disable=consider-merging-classes-inherited

    can_request_plan = fields.Boolean("Ask for instalment plans")

    @api.model
    def _portal_areas(self):
        return {**super()._portal_areas(), "plans": "can_request_plan"}

    @api.model
    def _default_levels_values(self):
        # asking to change an invoice's terms is the bookkeeper's business
        # (Payments only pays what is due; Status only has no money)
        asking = {"full", "accounts_payable"}
        return [
            {**vals, "can_request_plan": vals["code"] in asking}
            for vals in super()._default_levels_values()
        ]


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    connect_plan_min_amount = fields.Float(
        "Instalments from (amount)",
        default=PLAN_MIN_AMOUNT_DEFAULT,
        help="Customers may ask to pay invoices of this amount or more (in the company's "
        "currency) in instalments.",
    )
    connect_plan_max_instalments = fields.Integer(
        "Instalments at most",
        default=PLAN_MAX_INSTALMENTS_DEFAULT,
        help="The most instalments a customer may ask for (2 at least).",
    )
    connect_plan_max_days = fields.Integer(
        "Last instalment within (days)",
        default=PLAN_MAX_DAYS_DEFAULT,
        help="How far ahead, from the day it is asked, the last instalment may fall.",
    )

    @api.constrains(
        "connect_plan_min_amount", "connect_plan_max_instalments", "connect_plan_max_days"
    )
    def _check_connect_plan_limits(self):
        for company in self:
            if company.connect_plan_min_amount < 0:
                raise ValidationError(
                    self.env._("Instalment plans: the amount cannot be negative.")
                )
            if not 2 <= company.connect_plan_max_instalments <= 60:
                raise ValidationError(self.env._("Instalment plans: allow 2 to 60 instalments."))
            if not 1 <= company.connect_plan_max_days <= 1830:
                raise ValidationError(self.env._("Instalment plans: give 1 to 1830 days."))


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    connect_plan_min_amount = fields.Float(
        related="company_id.connect_plan_min_amount", readonly=False
    )
    connect_plan_max_instalments = fields.Integer(
        related="company_id.connect_plan_max_instalments", readonly=False
    )
    connect_plan_max_days = fields.Integer(
        related="company_id.connect_plan_max_days", readonly=False
    )


class CustomerConnectCollectionHold(models.AbstractModel):
    _inherit = "customer_connect.collection.hold"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _hold_reasons(self):
        return {**super()._hold_reasons(), "plan": str(_lt("in an instalment plan"))}

    @api.model
    def _holds(self, moves, on_date):
        """Also: an invoice of an accepted plan while none of its open
        instalments is due (its receivable lines' ``date_maturity``, which
        the plan set): on an instalment's due date it is chased or charged
        again, for that instalment."""
        holds = super()._holds(moves, on_date)
        if not moves:
            return holds
        # sudo: the moves were read by the caller; their plans are the
        # dealer's, whoever asks (one query for the whole set)
        planned = (
            self.env["customer_connect.plan"]
            .sudo()
            .search([("state", "=", "accepted"), ("move_id", "in", moves.ids)])
            .move_id
        )
        if not planned:
            return holds
        # sudo: as above; the open receivable lines of those invoices, one query
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("move_id", "in", planned.ids),
                    ("account_type", "=", "asset_receivable"),
                    ("reconciled", "=", False),
                    ("date_maturity", "<=", on_date),
                ]
            )
        )
        due = set(lines.move_id.ids)
        for move_id in set(planned.ids) - due:
            holds.setdefault(move_id, "plan")
        return holds


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    connect_plan_count = fields.Integer(
        "Instalment plans",
        compute="_compute_connect_plan_count",
        groups="customer_connect.group_connect_user",
    )

    def _compute_connect_plan_count(self):
        counts = dict(
            self.env["customer_connect.plan"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.connect_plan_count = counts.get(partner, 0)

    def action_connect_view_plans(self):
        """The customer's instalment plans."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_connect.action_connect_plan"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action


class CustomerConnectDailyStatus(models.AbstractModel):
    _inherit = "customer_connect.daily.status"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _connect_daily_status_sources(self):
        return [*super()._connect_daily_status_sources(), "customer_connect.plan"]


class CustomerConnectPortalEvent(models.Model):
    _inherit = "customer_connect.portal.event"  # pylint: disable=consider-merging-classes-inherited

    kind = fields.Selection(
        selection_add=[
            ("plan_asked", "Asked for an instalment plan"),
            ("plan_accepted", "Instalment plan accepted"),
            ("plan_refused", "Instalment plan refused"),
        ],
        ondelete={"plan_asked": "cascade", "plan_accepted": "cascade", "plan_refused": "cascade"},
    )


class CustomerConnectMailLog(models.Model):
    _inherit = "customer_connect.mail.log"  # pylint: disable=consider-merging-classes-inherited

    kind = fields.Selection(
        selection_add=[("plan", "Instalment plan")], ondelete={"plan": "cascade"}
    )
