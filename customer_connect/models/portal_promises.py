"""Promises to pay: a customer's contact promises, on Customer Activity, to
pay some of its open invoices by a date; reminders leave them alone until
then (``customer_connect.collection.hold``, reason "promise"); a promise
kept closes itself, one not kept is flagged broken the day after.

The record (fields, closing, the job, the timeline, the daily status) is
here; the portal's promise and reads in models/portal_promises_service.py;
where promises reach other models (the access level's flag, the company's
limit, the hold, payments reconciled, the customer's button) in
models/portal_promises_links.py."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

PROMISE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]
PROMISE_PAGE = 20
PROMISE_MAX_DAYS_DEFAULT = 30
# promises the job closes per call (it is called again while work remains)
PROMISE_JOB_CHUNK = 500
PROMISE_CRON = "customer_connect.ir_cron_connect_promises"


class CustomerConnectPromise(models.Model):
    """A customer's promise to pay an amount of some of its open invoices
    by a date, made by its contact in the portal."""

    _name = "customer_connect.promise"
    _description = "Customer Connect promise to pay"
    _inherit = ("mail.thread",)
    _order = "date_promised desc, id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, copy=False, default="/")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        readonly=True,
        help="The customer (commercial partner) who promised.",
    )
    contact_id = fields.Many2one("res.partner", "Promised by", readonly=True)
    move_ids = fields.Many2many(
        "account.move",
        "customer_connect_promise_move_rel",
        "promise_id",
        "move_id",
        "Invoices",
        readonly=True,
        check_company=True,
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount = fields.Monetary("Amount promised", required=True, readonly=True)
    amount_open = fields.Monetary(
        "Open when promised",
        readonly=True,
        help="What the invoices still owed when the promise was made.",
    )
    amount_residual = fields.Monetary(
        "Still open", compute="_compute_amount_residual", help="What the invoices owe now."
    )
    date_promised = fields.Date("Pay by", required=True, readonly=True, index=True)
    state = fields.Selection(
        PROMISE_STATES, default="open", required=True, readonly=True, index=True, tracking=True
    )
    date_closed = fields.Datetime("Closed on", readonly=True, copy=False)

    @api.depends("move_ids.amount_residual")
    def _compute_amount_residual(self):
        for promise in self:
            promise.amount_residual = sum(promise.move_ids.mapped("amount_residual"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                # numbering is the system's (portal contacts make promises)
                vals["name"] = (
                    self.env["ir.sequence"].sudo().next_by_code("customer_connect.promise") or "/"
                )
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Kept or broken
    # ------------------------------------------------------------------
    def _connect_is_kept(self):
        """Whether this promise is kept: its invoices are paid, or what was
        paid on them since the promise reaches the amount promised."""
        self.ensure_one()
        moves = self.move_ids
        if all(move.payment_state in ("paid", "in_payment", "reversed") for move in moves):
            return True
        paid = self.amount_open - sum(moves.mapped("amount_residual"))
        return self.currency_id.compare_amounts(paid, self.amount) >= 0

    def _connect_close(self, state):
        """Close these open promises as ``state`` (kept, broken), with their
        line on the customer's timeline."""
        now = fields.Datetime.now()
        for promise in self:
            promise.write({"state": state, "date_closed": now})
            promise.message_post(
                body=self.env._("Promise kept.")
                if state == "kept"
                else self.env._(
                    "Promise broken: not paid by %(date)s.", date=promise.date_promised
                ),
                subtype_xmlid="mail.mt_note",
            )
            promise._connect_record_event(f"promise_{state}")

    def _connect_close_kept(self, on_date=None):
        """Close those of these open promises that are kept by ``on_date``
        (today): a payment reconciled with their invoices calls it."""
        on_date = on_date or fields.Date.context_today(self)
        kept = self.filtered(
            lambda p: p.state == "open" and p.date_promised >= on_date and p._connect_is_kept()
        )
        kept._connect_close("kept")
        return kept

    @api.model
    def _cron_close_promises(self):
        """The daily job: each open promise whose date has passed is closed,
        kept when its invoices were paid by then, else broken. Rows are
        claimed FOR UPDATE SKIP LOCKED and closed in the claiming
        transaction: two servers running the job at once close each
        promise once (the second skips what the first holds, and a row the
        first committed is no longer open when the second's lock re-reads
        it)."""
        today = fields.Date.context_today(self)
        self.env.cr.execute(
            """
            SELECT id FROM customer_connect_promise
             WHERE state = 'open' AND date_promised < %s
             ORDER BY date_promised, id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            [today, PROMISE_JOB_CHUNK],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        promises = self.browse(ids)
        # a payment on the promised date itself keeps it; reconciled later,
        # the promise was not kept by its date
        kept = promises.filtered(
            lambda p: (
                p._connect_is_kept()
                and max(
                    p.move_ids.line_ids.matched_credit_ids.mapped("max_date"),
                    default=p.date_promised,
                )
                <= p.date_promised
            )
        )
        kept._connect_close("kept")
        (promises - kept)._connect_close("broken")
        remaining = self.search_count(
            [("state", "=", "open"), ("date_promised", "<", today), ("id", "not in", ids)]
        )
        self.env["ir.cron"]._connect_notify_progress(PROMISE_CRON, len(ids), remaining)
        return promises

    # ------------------------------------------------------------------
    # The dealer's actions
    # ------------------------------------------------------------------
    def _connect_check_staff(self):
        if not self.env.user.has_group("customer_connect.group_connect_user"):
            raise AccessError(self.env._("Only Customer Connect users work promises."))
        self.check_access("write")

    def action_cancel(self):
        """Cancel an open promise (the customer withdrew it, say): its
        invoices come back into reminders."""
        self._connect_check_staff()
        if self.filtered(lambda p: p.state != "open"):
            raise UserError(self.env._("Only open promises can be cancelled."))
        self.write({"state": "cancelled", "date_closed": fields.Datetime.now()})
        return True

    def action_view_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.move_ids.ids)],
        }

    # ------------------------------------------------------------------
    # The timeline and the daily status
    # ------------------------------------------------------------------
    def _connect_record_event(self, kind):
        """Record ``kind`` on the customer's timeline, as the login of the
        contact who promised."""
        self.ensure_one()
        # sudo: the promise's own contact and its login, to record the event as it
        contact_sudo = self.contact_id.sudo()
        login = contact_sudo.user_ids[:1] or contact_sudo.connect_user_id
        if login and login._is_portal():
            self.env["customer_connect.portal.event"].with_company(self.company_id)._record(
                kind, self.move_ids, name=self.name, user=login
            )

    @api.model
    def _connect_daily_status_section(self, company, date_from, date_to):
        """The promises section of the dealer's daily status e-mail for
        ``company``: promises made in the day (``date_from`` included,
        ``date_to`` excluded, UTC) and promises found broken in it. None
        when there is nothing to say."""
        _ = self.env._
        # the daily e-mail is the dealer's own report, sent by a job
        Promise = self.sudo()
        made = Promise.search(
            [
                ("company_id", "=", company.id),
                ("create_date", ">=", date_from),
                ("create_date", "<", date_to),
            ],
            order="create_date, id",
        )
        broken = Promise.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "broken"),
                ("date_closed", ">=", date_from),
                ("date_closed", "<", date_to),
            ],
            order="date_promised, id",
        )
        if not made and not broken:
            return None
        lines = [
            _(
                "Promised: %(name)s, %(customer)s, %(amount)s by %(date)s (%(invoices)s)",
                name=promise.name,
                customer=promise.partner_id.name,
                amount=promise.currency_id.format(promise.amount),
                date=promise.date_promised,
                invoices=", ".join(promise.move_ids.mapped("name")),
            )
            for promise in made
        ]
        lines += [
            _(
                "Broken: %(name)s, %(customer)s, %(amount)s was due by %(date)s",
                name=promise.name,
                customer=promise.partner_id.name,
                amount=promise.currency_id.format(promise.amount),
                date=promise.date_promised,
            )
            for promise in broken
        ]
        return {"sequence": 42, "title": _("Promises to pay"), "lines": lines}
