"""Where promises to pay reach other models: the access level's flag, the
company's limit (Settings), the collections hold (reason "promise"), the
payments that keep a promise, the customer's button and the timeline's
kinds."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import LazyTranslate

from .portal_promises import PROMISE_MAX_DAYS_DEFAULT

_lt = LazyTranslate(__name__)


class CustomerConnectAccessLevel(models.Model):
    _inherit = "customer_connect.access.level"  # pylint: disable=consider-merging-classes-inherited

    can_promise = fields.Boolean("Promise to pay")

    @api.model
    def _portal_areas(self):
        return {**super()._portal_areas(), "promises": "can_promise"}

    @api.model
    def _default_levels_values(self):
        # the levels that handle the customer's money say when it comes
        # (Status only follows orders and machines: no money)
        promising = {"full", "accounts_payable", "payments_only"}
        return [
            {**vals, "can_promise": vals["code"] in promising}
            for vals in super()._default_levels_values()
        ]


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    connect_promise_max_days = fields.Integer(
        "Promise to pay within (days)",
        default=PROMISE_MAX_DAYS_DEFAULT,
        help="How far ahead a customer may promise to pay, from the day it promises.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    connect_promise_max_days = fields.Integer(
        related="company_id.connect_promise_max_days", readonly=False
    )

    @api.constrains("connect_promise_max_days")
    def _check_connect_promise_max_days(self):
        for settings in self:
            if not 1 <= settings.connect_promise_max_days <= 365:
                raise ValidationError(self.env._("Promises to pay: give 1 to 365 days."))


class CustomerConnectCollectionHold(models.AbstractModel):
    _inherit = "customer_connect.collection.hold"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _hold_reasons(self):
        return {**super()._hold_reasons(), "promise": str(_lt("promised"))}

    @api.model
    def _holds(self, moves, on_date):
        """Also: an invoice with an open promise to pay, until its date."""
        holds = super()._holds(moves, on_date)
        if not moves:
            return holds
        # sudo: the moves were read by the caller; their promises are the
        # dealer's, whoever asks (one query for the whole set)
        promises = (
            self.env["customer_connect.promise"]
            .sudo()
            .search(
                [
                    ("state", "=", "open"),
                    ("date_promised", ">=", on_date),
                    ("move_ids", "in", moves.ids),
                ]
            )
        )
        for move_id in set(promises.move_ids.ids) & set(moves.ids):
            holds.setdefault(move_id, "promise")
        return holds


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        # a payment reconciled with a promised invoice may keep its promise:
        # it closes itself at once (the daily job closes the rest)
        moves = partials.debit_move_id.move_id.filtered(lambda m: m.move_type == "out_invoice")
        if moves:
            # sudo: the reconciliation was done by its caller; promises are
            # the dealer's records, closed by the system
            promises = (
                self.env["customer_connect.promise"]
                .sudo()
                .search([("state", "=", "open"), ("move_ids", "in", moves.ids)])
            )
            promises._connect_close_kept()
        return partials


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    connect_promise_count = fields.Integer(
        "Promises",
        compute="_compute_connect_promise_count",
        groups="customer_connect.group_connect_user",
    )

    def _compute_connect_promise_count(self):
        counts = dict(
            self.env["customer_connect.promise"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.connect_promise_count = counts.get(partner, 0)

    def action_connect_view_promises(self):
        """The customer's promises to pay (open and broken first)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_connect.action_connect_promise"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action


class CustomerConnectDailyStatus(models.AbstractModel):
    _inherit = "customer_connect.daily.status"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _connect_daily_status_sources(self):
        return [*super()._connect_daily_status_sources(), "customer_connect.promise"]


class CustomerConnectPortalEvent(models.Model):
    _inherit = "customer_connect.portal.event"  # pylint: disable=consider-merging-classes-inherited

    kind = fields.Selection(
        selection_add=[
            ("promise_made", "Promised to pay"),
            ("promise_kept", "Promise kept"),
            ("promise_broken", "Promise broken"),
        ],
        ondelete={
            "promise_made": "cascade",
            "promise_kept": "cascade",
            "promise_broken": "cascade",
        },
    )
