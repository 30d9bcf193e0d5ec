"""Payment reminders: a scheduled job e-mails each customer, at each step of
its company's schedule (days from the due date), the invoices that reach
that step, with the express pay link; invoices held out of collections
(``customer_connect.collection.hold``) are left out, and each invoice is
reminded of each step once, even with the job running on two servers."""

import logging
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.tools import SQL, email_normalize, format_amount, format_date

_logger = logging.getLogger(__name__)

REMINDER_TEMPLATE = "customer_connect_payments.mail_template_connect_payment_reminder"
REMINDER_CRON = "customer_connect_payments.ir_cron_connect_payment_reminders"
# a step reached while the job did not run (a server down over a weekend) is
# still sent within these days; older ones are not: turning reminders on does
# not send every customer a reminder of each invoice overdue for months
CATCH_UP_DAYS = 7
# customers e-mailed per call of the job (one transaction each)
CUSTOMERS_PER_CHUNK = 500

REMINDER_STATES = [
    ("pending", "Queued"),
    ("sent", "Sent"),
    ("no_recipient", "Nobody to send to"),
    ("left_out", "Left out"),
]
LINE_STATES = [
    ("pending", "Queued"),
    ("sent", "Sent"),
    ("no_recipient", "Nobody to send to"),
    ("held", "Held"),
    ("paid", "Paid meanwhile"),
]


class CustomerConnectPaymentReminder(models.Model):
    """One reminder e-mail: a customer's invoices that reach one step of its
    dealer company's schedule on one day, sent to each of the customer's
    contacts whose level receives reminders."""

    _name = "customer_connect.payment.reminder"
    _description = "Customer Connect payment reminder"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, readonly=True, ondelete="cascade"
    )
    step = fields.Integer(
        "Days from due", required=True, readonly=True, help="Negative: before the due date."
    )
    date = fields.Date(required=True, readonly=True, index=True)
    state = fields.Selection(REMINDER_STATES, default="pending", required=True, index=True)
    line_ids = fields.One2many("customer_connect.payment.reminder.line", "reminder_id", "Invoices")
    invoice_count = fields.Integer("Number of invoices", readonly=True)
    sent_on = fields.Datetime(readonly=True)
    recipients = fields.Char(readonly=True)
    mail_log_ids = fields.Many2many("customer_connect.mail.log", string="E-mails", readonly=True)

    def init(self):
        # the job's claim: the waiting reminders, oldest first
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS customer_connect_payment_reminder_pending_idx
                ON customer_connect_payment_reminder (id) WHERE state = 'pending'
            """
        )

    def _claim_pending(self, limit):
        """Up to ``limit`` queued reminders, locked for this transaction;
        those another server holds are skipped (it is sending them)."""
        self.flush_model(["state"])
        self.env.cr.execute(
            """
            SELECT id FROM customer_connect_payment_reminder
             WHERE state = 'pending'
             ORDER BY id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            [limit],
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())


class CustomerConnectPaymentReminderLine(models.Model):
    """An invoice at a step: sent (once: the unique index), or left out on a
    day with the reason (held, nobody to send to, paid meanwhile)."""

    _name = "customer_connect.payment.reminder.line"
    _description = "Customer Connect payment reminder: one invoice"
    _order = "id"

    reminder_id = fields.Many2one(
        "customer_connect.payment.reminder", index="btree_not_null", ondelete="cascade"
    )
    move_id = fields.Many2one(
        "account.move", "Invoice", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade")
    step = fields.Integer("Days from due", required=True)
    date_due = fields.Date(
        "Due on",
        required=True,
        help="The due date reminded of: the invoice's earliest unpaid instalment (its "
        "only one, unless its terms or an accepted plan split it).",
    )
    date = fields.Date(required=True, index=True)
    state = fields.Selection(LINE_STATES, default="pending", required=True)
    hold_reason = fields.Char()

    def init(self):
        # each instalment of an invoice (most invoices have one) is reminded
        # of each step once, whichever server sends it (a held line is left
        # out on its day only: the hold may end)
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS customer_connect_payment_reminder_line_once_idx
                ON customer_connect_payment_reminder_line (move_id, date_due, step)
             WHERE state != 'held'
            """
        )
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS customer_connect_payment_reminder_line_held_idx
                ON customer_connect_payment_reminder_line (move_id, date_due, step, date)
             WHERE state = 'held'
            """
        )


class CustomerConnectPaymentReminderService(models.AbstractModel):
    """The reminder job: plan each company's reminders of the day once
    (``_plan``), then send them a chunk of customers per call (``_send``)."""

    _name = "customer_connect.payment.reminder.service"
    _description = "Customer Connect payment reminders"

    @api.model
    def _cron_send_payment_reminders(self, chunk=CUSTOMERS_PER_CHUNK):
        """Daily, and again while reminders wait: plan the day's reminders of
        each company not planned yet, send up to ``chunk`` of them, and say
        how many wait (Odoo's cron commits and calls again)."""
        today = fields.Date.context_today(self)
        self._plan_companies(today)
        Reminder = self.env["customer_connect.payment.reminder"]
        claimed = Reminder._claim_pending(chunk)
        self._send(claimed, today)
        remaining = Reminder.search_count([("state", "=", "pending")])
        self.env["ir.cron"]._connect_notify_progress(
            REMINDER_CRON, done=len(claimed), remaining=remaining
        )
        return claimed

    # ------------------------------------------------------------------
    # Plan
    # ------------------------------------------------------------------
    @api.model
    def _plan_companies(self, today):
        """Plan the reminders of ``today`` of each company with a schedule
        that was not planned today, one server per company (the company's
        row locked, skipped when another server holds it)."""
        # sudo: the job, over every dealer company
        companies = (
            self.env["res.company"]
            .sudo()
            .search(
                [
                    ("connect_payment_reminder_days", "!=", False),
                    "|",
                    ("connect_payment_reminder_planned_on", "=", False),
                    ("connect_payment_reminder_planned_on", "<", today),
                ]
            )
        )
        planned = self.env["customer_connect.payment.reminder"]
        for company in companies:
            if self._lock_company_for_planning(company, today):
                planned |= self._plan(company, today)
        return planned

    @api.model
    def _lock_company_for_planning(self, company, today):
        """Whether this transaction plans ``company`` today: its row locked
        here, and not planned by another server that committed meanwhile."""
        company.flush_recordset(["connect_payment_reminder_planned_on"])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    """
                    SELECT id FROM res_company
                     WHERE id = %s
                       AND (connect_payment_reminder_planned_on IS NULL
                            OR connect_payment_reminder_planned_on < %s)
                       FOR NO KEY UPDATE SKIP LOCKED
                    """,
                    [company.id, today],
                )
                return bool(self.env.cr.fetchone())
        except pg_errors.SerializationFailure:
            # another server planned it and committed after this
            # transaction began: it is planned
            return False

    @api.model
    def _due_steps(self, company, today):
        """[(invoice id, customer id, step, due date)]: each open invoice
        of ``company`` at the latest step of the schedule its earliest
        unpaid instalment reached in the last CATCH_UP_DAYS days, unless
        that step or a later one was sent for that instalment. The due date
        is that receivable line's (``date_maturity``): an invoice whose terms
        or accepted plan split it is chased instalment by instalment, as
        Odoo's aged receivable reads it."""
        steps = company._connect_payment_reminder_steps()
        if not steps:
            return []
        self.env["account.move"].flush_model(["company_id", "move_type", "state", "payment_state"])
        self.env["account.move.line"].flush_model(
            ["move_id", "display_type", "reconciled", "date_maturity"]
        )
        self.env["res.partner"].flush_model(["connect_no_reminders"])
        self.env["customer_connect.payment.reminder.line"].flush_model()
        # one query for the company: a reminder run reads every open invoice
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (move.id)
                   move.id, move.commercial_partner_id, step.days, due.date_maturity
              FROM account_move move
              JOIN res_partner customer ON customer.id = move.commercial_partner_id
             CROSS JOIN LATERAL (
                   SELECT MIN(receivable.date_maturity) AS date_maturity
                     FROM account_move_line receivable
                    WHERE receivable.move_id = move.id
                      AND receivable.display_type = 'payment_term'
                      AND NOT receivable.reconciled) due
             CROSS JOIN unnest(%(steps)s::int[]) AS step(days)
             WHERE move.company_id = %(company)s
               AND move.move_type = 'out_invoice'
               AND move.state = 'posted'
               AND move.payment_state IN ('not_paid', 'partial')
               AND due.date_maturity + step.days BETWEEN %(since)s AND %(today)s
               AND customer.connect_no_reminders IS NOT TRUE
               AND NOT EXISTS (
                   SELECT 1 FROM customer_connect_payment_reminder_line line
                    WHERE line.move_id = move.id
                      AND line.date_due = due.date_maturity
                      AND line.step >= step.days
                      AND line.state != 'held')
             ORDER BY move.id, step.days DESC
            """,
            {
                "steps": steps,
                "company": company.id,
                "since": today - timedelta(days=CATCH_UP_DAYS),
                "today": today,
            },
        )
        return self.env.cr.fetchall()

    @api.model
    def _plan(self, company, today):
        """Queue ``company``'s reminders of ``today``: one per customer and
        step, its invoices those not held (the held ones recorded with their
        reason, for the day's status)."""
        # sudo: the job; what it reads and writes is the company's (domain)
        Line = self.env["customer_connect.payment.reminder.line"].sudo()
        Reminder = self.env["customer_connect.payment.reminder"].sudo()
        due = self._due_steps(company, today)
        # sudo: the job reads the company's invoices
        moves = self.env["account.move"].sudo().browse(row[0] for row in due)
        holds = self.env["customer_connect.collection.hold"]._holds(moves, today)
        held_lines, by_reminder = [], {}
        for move_id, customer_id, step, date_due in due:
            base = {
                "move_id": move_id,
                "company_id": company.id,
                "partner_id": customer_id,
                "step": step,
                "date_due": date_due,
                "date": today,
            }
            if move_id in holds:
                held_lines.append({**base, "state": "held", "hold_reason": holds[move_id]})
            else:
                by_reminder.setdefault((customer_id, step), []).append(base)
        Line.create(held_lines)
        keys = list(by_reminder)
        reminders = Reminder.create(
            [
                {
                    "company_id": company.id,
                    "partner_id": customer_id,
                    "step": step,
                    "date": today,
                    "invoice_count": len(by_reminder[(customer_id, step)]),
                }
                for customer_id, step in keys
            ]
        )
        Line.create(
            [
                {**line, "reminder_id": reminder.id}
                for reminder, key in zip(reminders, keys, strict=True)
                for line in by_reminder[key]
            ]
        )
        # sudo: the job marks the company planned (a field nobody edits)
        company.sudo().connect_payment_reminder_planned_on = today
        return reminders

    # ------------------------------------------------------------------
    # Send
    # ------------------------------------------------------------------
    @api.model
    def _recipients(self, customers):
        """{customer: contacts} of ``customers`` that receive reminders: not
        archived, not inactivated, one valid address, a level with the
        ``reminders`` flag (a contact Customer Connect never configured has
        no level and is sent nothing)."""
        # sudo: the job reads the customers' contacts (the e-mail goes to them)
        contacts = (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "in", customers.ids),
                    ("connect_access_level_id.can_receive_reminders", "=", True),
                    ("connect_login_state", "!=", "inactive"),
                    ("email", "!=", False),
                ],
                order="id",
            )
        )
        by_customer = {}
        for contact in contacts:
            if email_normalize(contact.email, strict=True):
                by_customer.setdefault(contact.commercial_partner_id, contact.browse())
                by_customer[contact.commercial_partner_id] |= contact
        return by_customer

    @api.model
    def _send(self, reminders, today):
        """E-mail ``reminders`` (claimed by this transaction): each invoice
        still open and not held since the plan, to the customer's contacts
        that receive reminders, with the express pay link of each."""
        if not reminders:
            return
        # sudo: the job; the reminders are the system's
        reminders = reminders.sudo()
        lines = reminders.line_ids
        lines.move_id.fetch(["name", "amount_residual", "currency_id", "payment_state"])
        holds = self.env["customer_connect.collection.hold"]._holds(lines.move_id, today)
        paid = lines.filtered(
            lambda line: line.move_id.payment_state not in ("not_paid", "partial")
        )
        paid.state = "paid"
        held = (lines - paid).filtered(lambda line: line.move_id.id in holds)
        for line in held:
            line.write({"state": "held", "hold_reason": holds[line.move_id.id]})
        open_lines = lines - paid - held
        recipients = self._recipients(reminders.partner_id)
        nobody = reminders.filtered(
            lambda r: r.partner_id not in recipients or not (r.line_ids & open_lines)
        )
        left_out = nobody.filtered(lambda r: not (r.line_ids & open_lines))
        left_out.state = "left_out"
        (nobody - left_out).line_ids.state = "no_recipient"
        (nobody - left_out).state = "no_recipient"
        now = fields.Datetime.now()
        for (company, step), group in (
            (reminders - nobody).grouped(lambda r: (r.company_id, r.step)).items()
        ):
            self._send_group(company, step, group, open_lines, recipients, today, now)

    @api.model
    def _send_group(self, company, step, reminders, open_lines, recipients, today, now):
        """One e-mail per contact of each of ``reminders`` (one company, one
        step: each contact is in one of them)."""
        rows, links, contacts = {}, {}, self.env["res.partner"]
        due_texts = {}

        def due_text(day):
            # due dates repeat (month ends): each written out once
            if day not in due_texts:
                due_texts[day] = format_date(self.env, day)
            return due_texts[day]

        for reminder in reminders:
            reminded = (reminder.line_ids & open_lines).sorted(
                lambda line: (line.date_due, line.move_id.id)
            )
            moves = reminded.move_id
            invoice_rows = [
                {
                    "name": line.move_id.name,
                    "due": due_text(line.date_due),
                    "amount": format_amount(
                        self.env, line.move_id.amount_residual, line.move_id.currency_id
                    ),
                }
                for line in reminded
            ]
            for contact in recipients[reminder.partner_id]:
                contacts |= contact
                rows[contact.id] = invoice_rows
                url = contact._connect_email_pay_url(company, moves)
                if url:
                    links[contact.id] = url
        template = self.env.ref(REMINDER_TEMPLATE).with_context(
            connect_reminder_step=step, connect_reminder_rows=rows
        )
        logs = (
            self.env["customer_connect.mail.sender"]
            .with_company(company)
            ._send(template, contacts, "payment_reminder", links=links)
        )
        logs_by_customer = logs.grouped("commercial_partner_id")
        reminders.write({"state": "sent", "sent_on": now})
        self._mark_recipients(reminders, logs_by_customer)
        Event = self.env["customer_connect.portal.event"]
        events = []
        for reminder in reminders:
            events.append(
                {
                    "kind": "payment_reminder",
                    "partner_id": reminder.partner_id.id,
                    "commercial_partner_id": reminder.partner_id.id,
                    "company_id": company.id,
                    "res_model": reminder._name,
                    "res_id": reminder.id,
                    "name": self._event_name(reminder),
                }
            )
        (reminders.line_ids & open_lines).state = "sent"
        # sudo: the job's events, the dealer's timeline (staff read it)
        Event.sudo().create(events)

    @api.model
    def _mark_recipients(self, reminders, logs_by_customer):
        """Write on each of ``reminders`` (just sent) its recipients and
        e-mails (``logs_by_customer``: the e-mail history rows by customer),
        in two queries: a write per reminder (its own values, a many2many
        replaced) took a tenth of the job's time."""
        reminders.flush_recordset(["recipients", "mail_log_ids"])
        field = reminders._fields["mail_log_ids"]
        empty = self.env["customer_connect.mail.log"]
        sent = {r.id: logs_by_customer.get(r.partner_id, empty) for r in reminders}
        self.env.cr.execute(
            """
            UPDATE customer_connect_payment_reminder reminder
               SET recipients = sent.recipients
              FROM unnest(%s::int[], %s::varchar[]) AS sent(id, recipients)
             WHERE reminder.id = sent.id
            """,
            [list(sent), [", ".join(logs.mapped("recipient")) for logs in sent.values()]],
        )
        pairs = [(reminder_id, log.id) for reminder_id, logs in sent.items() for log in logs]
        if pairs:
            # the reminders are new to this transaction's send: no row to replace
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s (%s, %s) SELECT * FROM unnest(%s::int[], %s::int[])"
                    " ON CONFLICT DO NOTHING",
                    SQL.identifier(field.relation),
                    SQL.identifier(field.column1),
                    SQL.identifier(field.column2),
                    [pair[0] for pair in pairs],
                    [pair[1] for pair in pairs],
                )
            )
        reminders.invalidate_recordset(["recipients", "mail_log_ids"])

    @api.model
    def _event_name(self, reminder):
        if reminder.step < 0:
            return self.env._(
                "Payment reminder: %(count)s invoices due in %(days)s days",
                count=reminder.invoice_count,
                days=-reminder.step,
            )
        return self.env._(
            "Payment reminder: %(count)s invoices %(days)s days overdue",
            count=reminder.invoice_count,
            days=reminder.step,
        )

    # ------------------------------------------------------------------
    # Daily status e-mail: reminders sent, and left out by reason (section 55)
    # ------------------------------------------------------------------
    @api.model
    def _connect_daily_status_section(self, company, date_from, date_to):
        """The reminders ``company`` sent in the day, and the invoices left
        out of them by reason."""
        _ = self.env._
        # an invoice's line takes its final state when the job sends (or
        # plans, for a held one) its reminder: its last write is that moment
        day = [
            ("company_id", "=", company.id),
            ("write_date", ">=", date_from),
            ("write_date", "<", date_to),
        ]
        # sudo: the daily status job (cron), the company's reminders (domain)
        Line = self.env["customer_connect.payment.reminder.line"].sudo()
        counts = dict(Line._read_group([*day, ("state", "!=", "pending")], ["state"], ["__count"]))
        held = Line._read_group([*day, ("state", "=", "held")], ["hold_reason"], ["__count"])
        if not counts:
            return None
        # sudo: as above
        sent = (
            self.env["customer_connect.payment.reminder"]
            .sudo()
            .search_count(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "sent"),
                    ("sent_on", ">=", date_from),
                    ("sent_on", "<", date_to),
                ]
            )
        )
        reasons = self.env["customer_connect.collection.hold"]._hold_reasons()
        lines = [
            _(
                "%(reminders)s reminders sent, for %(invoices)s invoices",
                reminders=sent,
                invoices=counts.get("sent", 0),
            )
        ]
        lines += [
            _(
                "Left out, %(reason)s: %(count)s invoices",
                reason=reasons.get(reason, reason),
                count=count,
            )
            for reason, count in held
        ]
        if counts.get("no_recipient"):
            lines.append(
                _(
                    "Left out, no contact receives reminders: %(count)s invoices",
                    count=counts["no_recipient"],
                )
            )
        if counts.get("paid"):
            lines.append(_("Left out, paid meanwhile: %(count)s invoices", count=counts["paid"]))
        return {"sequence": 55, "title": _("Payment reminders"), "lines": lines}


class CustomerConnectPortalEvent(models.Model):
    _inherit = "customer_connect.portal.event"

    kind = fields.Selection(
        selection_add=[("payment_reminder", "Sent a payment reminder")],
        ondelete={"payment_reminder": "cascade"},
    )
