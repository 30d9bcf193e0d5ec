"""Instalment plans: a customer's contact asks to pay a large invoice in
instalments (2 to N, dates and amounts proposed); dealer staff accept,
change or refuse, with a note the customer reads. An accepted plan becomes
the invoice's payment terms: the invoice is reset to draft, given a payment
term of its own (one line per instalment) and posted again under its
number, so that its receivable lines carry the instalments' due dates and
amounts, and Odoo's aged receivable report, the statement, the portal and
autopay (which charges receivable lines by ``date_maturity``) all read the
same schedule.

The record and the dealer's side are here; the portal's ask and reads in
models/portal_plans_service.py; where plans reach other models (the access
level's flag, the company's limits, the hold, the customer's button, the
timeline's kinds) in models/portal_plans_links.py."""

from datetime import timedelta

from odoo import Command, api, fields, models, tools
from odoo.exceptions import AccessError, UserError

PLAN_STATES = [
    ("requested", "Asked"),
    ("accepted", "Accepted"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]
# a plan in one of these states is the invoice's plan: one at a time
LIVE_STATES = ("requested", "accepted")
PLAN_PAGE = 20
PLAN_MIN_AMOUNT_DEFAULT = 1000.0
PLAN_MAX_INSTALMENTS_DEFAULT = 6
PLAN_MAX_DAYS_DEFAULT = 365
NOTE_MAX = 2000


class CustomerConnectPlan(models.Model):
    """A customer's request to pay one invoice in instalments, and the
    dealer's answer."""

    _name = "customer_connect.plan"
    _description = "Customer Connect instalment plan"
    _inherit = ("mail.thread", "mail.activity.mixin")
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, copy=False, default="/")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        readonly=True,
        help="The customer (commercial partner) who asked.",
    )
    contact_id = fields.Many2one("res.partner", "Asked by", readonly=True)
    move_id = fields.Many2one(
        "account.move",
        "Invoice",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
        check_company=True,
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount = fields.Monetary(readonly=True, help="What the invoice owed when the plan was asked.")
    state = fields.Selection(
        PLAN_STATES, default="requested", required=True, readonly=True, index=True, tracking=True
    )
    line_ids = fields.One2many("customer_connect.plan.line", "plan_id", "Instalments", copy=True)
    instalment_count = fields.Integer("Number of instalments", compute="_compute_instalment_count")
    customer_note = fields.Text("Customer's note", readonly=True)
    asked_schedule = fields.Text(
        "Asked for", readonly=True, help="The instalments as the customer proposed them."
    )
    staff_note = fields.Text(
        "Our answer", tracking=True, help="The customer reads it in the portal."
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        readonly=True,
        copy=False,
        help="The invoice's payment terms made from the accepted instalments.",
    )
    date_decided = fields.Datetime("Decided on", readonly=True, copy=False)

    def init(self):
        # one plan asked or accepted per invoice, held by the database too
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS customer_connect_plan_one_live_idx
                ON customer_connect_plan (move_id)
             WHERE state IN ('requested', 'accepted')
            """
        )

    @api.depends("line_ids")
    def _compute_instalment_count(self):
        for plan in self:
            plan.instalment_count = len(plan.line_ids)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                # numbering is the system's (portal contacts ask for plans)
                vals["name"] = (
                    self.env["ir.sequence"].sudo().next_by_code("customer_connect.plan") or "/"
                )
        return super().create(vals_list)

    def _connect_schedule_text(self):
        """The instalments as one line of text: date amount, ..."""
        self.ensure_one()
        return "; ".join(
            f"{line.date_due}: {self.currency_id.format(line.amount)}"
            for line in self.line_ids.sorted("date_due")
        )

    # ------------------------------------------------------------------
    # The instalments' rules (the portal's ask and the staff's change)
    # ------------------------------------------------------------------
    @api.model
    def _connect_limits(self, company):
        """(minimum invoice amount, most instalments, furthest days) of
        ``company`` (Settings)."""
        # sudo: the dealer company's settings, read for its contact or staff
        company_sudo = company.sudo()
        return (
            company_sudo.connect_plan_min_amount,
            company_sudo.connect_plan_max_instalments or PLAN_MAX_INSTALMENTS_DEFAULT,
            company_sudo.connect_plan_max_days or PLAN_MAX_DAYS_DEFAULT,
        )

    @api.model
    def _connect_check_instalments(self, schedule, move, today):
        """Check ``schedule`` [(date, amount)] against ``move``: 2 to N
        instalments, dates in order after today and after the invoice date
        within the company's limit, amounts positive and adding up to what
        the invoice owes. UserError saying what is wrong."""
        _ = self.env._
        _min_amount, max_count, max_days = self._connect_limits(move.company_id)
        currency = move.currency_id
        if not 2 <= len(schedule) <= max_count:
            raise UserError(_("Propose 2 to %(count)s instalments.", count=max_count))
        previous = None
        for number, (day, amount) in enumerate(schedule, start=1):
            if day <= today:
                raise UserError(
                    _("Instalment %(number)s: choose a day after today.", number=number)
                )
            if day <= (move.invoice_date or today):
                raise UserError(
                    _("Instalment %(number)s: choose a day after the invoice date.", number=number)
                )
            if day > today + timedelta(days=max_days):
                raise UserError(
                    _(
                        "Instalment %(number)s: choose a day within %(days)s days of today.",
                        number=number,
                        days=max_days,
                    )
                )
            if previous and day <= previous:
                raise UserError(
                    _(
                        "Instalment %(number)s: each instalment falls after the one before.",
                        number=number,
                    )
                )
            if currency.compare_amounts(amount, 0) <= 0:
                raise UserError(
                    _("Instalment %(number)s: the amount must be more than zero.", number=number)
                )
            previous = day
        total = sum(amount for _day, amount in schedule)
        if currency.compare_amounts(total, move.amount_residual):
            raise UserError(
                _(
                    "The instalments add up to %(total)s; they must add up to the %(open)s "
                    "the invoice owes.",
                    total=currency.format(total),
                    open=currency.format(move.amount_residual),
                )
            )

    @api.model
    def _connect_check_invoice(self, move):
        """UserError when ``move`` cannot take a plan: not a posted
        customer invoice, paid (even in part: a plan covers an invoice with
        nothing paid on it yet, so that its payment terms are the whole
        schedule), in dispute, or under the dealer's minimum amount."""
        _ = self.env._
        # sudo: the invoice's amounts and flags, checked by the caller
        move_sudo = move.sudo()
        if move_sudo.move_type != "out_invoice" or move_sudo.state != "posted":
            raise UserError(_("%(name)s cannot be paid in instalments.", name=move_sudo.name))
        if move_sudo.payment_state != "not_paid" or move_sudo.currency_id.compare_amounts(
            move_sudo.amount_residual, move_sudo.amount_total
        ):
            raise UserError(
                _(
                    "%(name)s is paid in part already: instalments are for an invoice with "
                    "nothing paid yet. Call us to agree the rest.",
                    name=move_sudo.name,
                )
            )
        if move_sudo.connect_in_dispute:
            raise UserError(
                _("%(name)s is in dispute: its dispute is settled first.", name=move_sudo.name)
            )
        min_amount, _count, _days = self._connect_limits(move_sudo.company_id)
        company_currency = move_sudo.company_id.currency_id
        if company_currency.compare_amounts(abs(move_sudo.amount_total_signed), min_amount) < 0:
            raise UserError(
                _(
                    "Instalments are for invoices of %(amount)s or more.",
                    amount=company_currency.format(min_amount),
                )
            )

    # ------------------------------------------------------------------
    # The dealer's answer
    # ------------------------------------------------------------------
    def _connect_check_staff(self):
        if not self.env.user.has_group("customer_connect.group_connect_user"):
            raise AccessError(self.env._("Only Customer Connect users answer instalment plans."))
        self.check_access("write")
        for plan in self:
            if plan.state != "requested":
                raise UserError(self.env._("%(name)s is answered already.", name=plan.name))

    def action_accept(self):
        """Accept the plan with its instalments (as the customer asked them,
        or as staff changed them): the invoice is reset to draft, given
        the plan's payment terms and posted again under its number. Needs
        invoicing rights (the user's own: an accounting change)."""
        self._connect_check_staff()
        if not self.env["account.move"].has_access("write"):
            raise UserError(
                self.env._("Accepting a plan changes the invoice: it needs invoicing rights.")
            )
        today = fields.Date.context_today(self)
        for plan in self:
            move = plan.move_id
            plan._connect_check_invoice(move)
            schedule = [(line.date_due, line.amount) for line in plan.line_ids.sorted("date_due")]
            plan._connect_check_instalments(schedule, move, today)
            if move.inalterable_hash:
                raise UserError(
                    self.env._(
                        "%(name)s is locked in the journal's inalterable chain: its terms "
                        "cannot change. Refuse the plan, or agree it outside the invoice.",
                        name=move.name,
                    )
                )
            plan._connect_apply(schedule)
            changed = plan._connect_schedule_text() != plan.asked_schedule
            plan.write({"state": "accepted", "date_decided": fields.Datetime.now()})
            plan._connect_post_answer(
                self.env._("Plan accepted with changes") if changed else self.env._("Plan accepted")
            )
            plan._connect_record_event("plan_accepted")
            plan._connect_notify_customer()
        return True

    def _connect_apply(self, schedule):
        """Make the invoice's payment terms the plan's ``schedule``: a
        payment term of its own (a fixed amount per instalment, the last
        one the balance), the invoice reset to draft, given it and posted
        again; its number and its legal PDF stay (the invoice as issued)."""
        self.ensure_one()
        move = self.move_id
        invoice_date = move.invoice_date
        lines = [
            Command.create(
                {
                    "value": "fixed",
                    "value_amount": amount,
                    "nb_days": (day - invoice_date).days,
                    "delay_type": "days_after",
                }
            )
            for day, amount in schedule[:-1]
        ]
        lines.append(
            Command.create(
                {
                    "value": "percent",
                    "value_amount": 100.0,
                    "nb_days": (schedule[-1][0] - invoice_date).days,
                    "delay_type": "days_after",
                }
            )
        )
        # sudo: the plan's own payment term (Odoo keeps creating terms to
        # accounting managers); the staff member was checked above
        # (_connect_check_staff, invoice write rights)
        term = (
            self.env["account.payment.term"]
            .sudo()
            .create(
                {
                    "name": self.env._("Instalment plan %(name)s", name=self.name),
                    "company_id": move.company_id.id,
                    "line_ids": lines,
                    "note": self.env._(
                        "Instalments: %(schedule)s", schedule=self._connect_schedule_text()
                    ),
                }
            )
        )
        # the term is this invoice's alone: out of the dealer's choice lists
        term.active = False
        name = move.name
        move.button_draft()
        move.invoice_payment_term_id = term
        move.action_post()
        if move.name != name:  # never expected: the invoice keeps its date and journal
            raise UserError(self.env._("%(name)s would change its number.", name=name))
        self.payment_term_id = term
        move.message_post(
            body=self.env._(
                "Instalment plan %(plan)s accepted: %(schedule)s",
                plan=self.name,
                schedule=self._connect_schedule_text(),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def action_refuse(self):
        """Refuse the plan, with the note the customer reads."""
        self._connect_check_staff()
        for plan in self:
            if not (plan.staff_note or "").strip():
                raise UserError(
                    self.env._(
                        "Write the answer of %(name)s first: the customer reads it.",
                        name=plan.name,
                    )
                )
        self.write({"state": "refused", "date_decided": fields.Datetime.now()})
        for plan in self:
            plan._connect_post_answer(self.env._("Plan refused"))
            plan._connect_record_event("plan_refused")
            plan._connect_notify_customer()
        return True

    def _connect_post_answer(self, title):
        self.ensure_one()
        body = title
        if (self.staff_note or "").strip():
            body += "\n\n" + self.staff_note
        if self.state == "accepted":
            body += "\n\n" + self._connect_schedule_text()
        self.message_post(
            body=tools.plaintext2html(body),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _connect_notify_customer(self):
        """E-mail the contact who asked the dealer's answer (accepted, with
        the instalments, or refused, with the staff's note), through the
        mail sender (e-mail history kind "Instalment plan"). A contact
        without one valid address gets none: the answer is on the portal."""
        self.ensure_one()
        # sudo: the plan's own contact, read to write to it (staff answering
        # may not read the customer's contacts)
        contact = self.contact_id.sudo()
        if not tools.email_normalize(contact.email or "", strict=True):
            return self.env["customer_connect.mail.log"]
        return (
            self.env["customer_connect.mail.sender"]
            .with_company(self.company_id)
            .with_context(connect_plan_id=self.id)
            ._send("customer_connect.mail_template_connect_plan_answer", contact, "plan")
        )

    def action_view_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # The timeline and the daily status
    # ------------------------------------------------------------------
    def _connect_record_event(self, kind):
        """Record ``kind`` on the customer's timeline, as the login of the
        contact who asked."""
        self.ensure_one()
        # sudo: the plan's own contact and its login, to record the event as it
        contact_sudo = self.contact_id.sudo()
        login = contact_sudo.user_ids[:1] or contact_sudo.connect_user_id
        if login and login._is_portal():
            self.env["customer_connect.portal.event"].with_company(self.company_id)._record(
                kind, self.move_id, user=login
            )

    @api.model
    def _connect_daily_status_section(self, company, date_from, date_to):
        """The instalment plans section of the dealer's daily status e-mail
        for ``company``: plans asked, accepted and refused in the day
        (``date_from`` included, ``date_to`` excluded, UTC). None when
        there is nothing to say."""
        _ = self.env._
        # the daily e-mail is the dealer's own report, sent by a job
        Plan = self.sudo()
        asked = Plan.search(
            [
                ("company_id", "=", company.id),
                ("create_date", ">=", date_from),
                ("create_date", "<", date_to),
            ],
            order="create_date, id",
        )
        decided = Plan.search(
            [
                ("company_id", "=", company.id),
                ("state", "in", ("accepted", "refused")),
                ("date_decided", ">=", date_from),
                ("date_decided", "<", date_to),
            ],
            order="date_decided, id",
        )
        if not asked and not decided:
            return None
        lines = [
            _(
                "Asked: %(name)s, %(customer)s, invoice %(invoice)s, %(amount)s "
                "in %(count)s instalments",
                name=plan.name,
                customer=plan.partner_id.name,
                invoice=plan.move_id.name,
                amount=plan.currency_id.format(plan.amount),
                count=plan.instalment_count,
            )
            for plan in asked
        ]
        for plan in decided:
            values = {
                "name": plan.name,
                "customer": plan.partner_id.name,
                "invoice": plan.move_id.name,
            }
            if plan.state == "accepted":
                lines.append(_("Accepted: %(name)s, %(customer)s, invoice %(invoice)s", **values))
            else:
                lines.append(_("Refused: %(name)s, %(customer)s, invoice %(invoice)s", **values))
        return {"sequence": 44, "title": _("Instalment plans"), "lines": lines}


class CustomerConnectPlanLine(models.Model):
    """One instalment of a plan: a date and an amount."""

    _name = "customer_connect.plan.line"
    _description = "Customer Connect instalment"
    _order = "date_due, id"

    plan_id = fields.Many2one(
        "customer_connect.plan", required=True, index=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date_due = fields.Date("Due on", required=True)
    amount = fields.Monetary(required=True)

    def _connect_check_editable(self):
        # staff change the instalments while the plan waits for its answer
        if self.env.su:
            return
        if self.plan_id.filtered(lambda p: p.state != "requested"):
            raise UserError(self.env._("The instalments of an answered plan stay as they are."))

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._connect_check_editable()
        return lines

    def write(self, vals):
        self._connect_check_editable()
        return super().write(vals)

    def unlink(self):
        self._connect_check_editable()
        return super().unlink()
