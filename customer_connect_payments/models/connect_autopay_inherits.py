"""Autopay's additions to shared models: its capability on the access
level, its timeline and e-mail kinds, its transactions, the customer's
set-up (dashboard filter, form)."""

from odoo import api, fields, models

# the shipped levels that may set up autopay: those of the customer's
# bookkeeper (standing charges commit the customer's money beyond one
# payment: "Payments only" pays invoice by invoice, it does not set them up)
AUTOPAY_LEVELS = {"full", "accounts_payable"}


class CustomerConnectAccessLevel(models.Model):
    _inherit = "customer_connect.access.level"  # pylint: disable=consider-merging-classes-inherited

    can_autopay = fields.Boolean(
        "Set up autopay",
        help="The contact may turn autopay on or off for its customer (turning it on "
        "also needs Make payments).",
    )

    @api.model
    def _portal_areas(self):
        return {**super()._portal_areas(), "autopay": "can_autopay"}

    @api.model
    def _default_levels_values(self):
        return [
            {**vals, "can_autopay": vals["code"] in AUTOPAY_LEVELS}
            for vals in super()._default_levels_values()
        ]


class CustomerConnectPortalEvent(models.Model):
    _inherit = "customer_connect.portal.event"  # pylint: disable=consider-merging-classes-inherited

    kind = fields.Selection(
        selection_add=[
            ("autopay_on", "Turned autopay on"),
            ("autopay_changed", "Changed autopay"),
            ("autopay_off", "Autopay turned off"),
            ("autopay_charged", "Charged by autopay"),
            ("autopay_refused", "Autopay charge refused"),
            ("autopay_over_max", "Autopay: above the maximum"),
        ],
        ondelete={
            "autopay_on": "cascade",
            "autopay_changed": "cascade",
            "autopay_off": "cascade",
            "autopay_charged": "cascade",
            "autopay_refused": "cascade",
            "autopay_over_max": "cascade",
        },
    )


class CustomerConnectMailLog(models.Model):
    _inherit = "customer_connect.mail.log"  # pylint: disable=consider-merging-classes-inherited

    kind = fields.Selection(
        selection_add=[
            ("autopay_notice", "Autopay: charge coming"),
            ("autopay_refused", "Autopay: charge refused"),
            ("autopay_over_max", "Autopay: above the maximum"),
            ("autopay_off", "Autopay turned off"),
        ],
        ondelete={
            "autopay_notice": "cascade",
            "autopay_refused": "cascade",
            "autopay_over_max": "cascade",
            "autopay_off": "cascade",
        },
    )


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"  # pylint: disable=consider-merging-classes-inherited

    connect_kind = fields.Selection(
        selection_add=[("autopay", "Autopay")], ondelete={"autopay": "cascade"}
    )
    connect_autopay_id = fields.Many2one(
        "customer_connect.autopay", "Autopay", readonly=True, index="btree_not_null"
    )


class CustomerConnectPaymentService(models.AbstractModel):
    _inherit = "customer_connect.payment.service"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _after_payment(self, tx):
        """An autopay charge booked by the job: its receipt and event are
        sent by the job's receipts stage (customer_connect.autopay
        ``_send_receipts``), not while it charges."""
        if tx.connect_kind == "autopay" and self.env.context.get("connect_autopay_receipt_later"):
            return None
        return super()._after_payment(tx)

    @api.model
    def _record_event(self, tx):
        """An autopay charge on the customer's timeline as such."""
        if tx.connect_kind != "autopay" or not tx.connect_autopay_id:
            return super()._record_event(tx)
        payment = tx.payment_id
        # formatted before: the translation extractor cannot read an
        # f-string among _()'s arguments
        amount = f"{payment.amount:.2f}"
        return tx.connect_autopay_id._event(
            "autopay_charged",
            self.env._(
                "%(amount)s %(currency)s charged by autopay (%(reference)s)",
                amount=amount,
                currency=payment.currency_id.name,
                reference=tx.reference,
            ),
            document=payment,
        )


class CustomerConnectDailyStatus(models.AbstractModel):
    _inherit = "customer_connect.daily.status"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _connect_daily_status_sources(self):
        # autopay's charges, refusals and set-ups turned off (section 55)
        return [*super()._connect_daily_status_sources(), "customer_connect.autopay"]


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    connect_autopay_ids = fields.One2many(
        "customer_connect.autopay",
        "customer_id",
        "Autopay",
        readonly=True,
        groups="customer_connect.group_connect_user",
    )
    connect_on_autopay = fields.Boolean(
        "On autopay",
        compute="_compute_connect_on_autopay",
        search="_search_connect_on_autopay",
        groups="customer_connect.group_connect_user",
    )

    @api.depends("connect_autopay_ids.state")
    def _compute_connect_on_autopay(self):
        for partner in self:
            partner.connect_on_autopay = any(
                autopay.state == "on" for autopay in partner.connect_autopay_ids
            )

    def _search_connect_on_autopay(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        on = (operator == "=") == value
        return [("connect_autopay_ids", "any" if on else "not any", [("state", "=", "on")])]
