"""Autopay (issue 21, point 1): a customer lets its dealer charge what falls
due to a saved payment method, up to a maximum per charge.

One record per customer and dealer company (``customer_connect.autopay``)
holds the set-up and the state of its charges. The scheduled job
(``_cron_charge``) claims the set-ups with something due under
``FOR UPDATE SKIP LOCKED`` and charges each through Odoo's payment engine
(a ``payment.transaction`` on the token, ``_send_payment_request``), booked
and receipted as the portal's payments are
(``customer_connect.payment.service``: ``_transaction_values``, ``_book``
through Odoo's post-processing, ``_after_payment``)."""

import logging
from datetime import timedelta

import psycopg2
from psycopg2 import errors as pg_errors

from odoo import api, fields, models, modules
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount, format_date
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

TIMINGS = [
    ("due", "On the due date"),
    ("discount", "On the last day of the early-payment discount"),
]
# a notice of the coming charge goes this many days before it
NOTICE_DAYS = 3
# a refused charge is tried again after these many days, one entry per
# retry; after the last retry is refused autopay is turned off
RETRY_DAYS = (1, 3, 5)
# a set-up is looked at again by the job at most this often (the job runs
# hourly; a set-up over its maximum or busy elsewhere waits for the next run)
RECHECK = timedelta(minutes=50)
# set-ups claimed per call of the job (the framework commits between calls);
# their charges are booked together (_book_charges): 250 a call books 1,000
# charges about 10% faster than 100 a call
BATCH = 250
# receipts sent per call of the job: a receipt renders its PDF (wkhtmltopdf,
# about a second), so the charges of a whole run go first and their receipts
# follow, this many a call (Odoo runs the job again at once while work
# remains, see _connect_notify_progress)
RECEIPTS = 20
# hold reasons of other areas that autopay charges through (the codes of
# customer_connect's portal_promises_links.py and portal_plans_links.py): a
# promise to pay or an accepted instalment plan is the customer's own
# arrangement, which autopay (also the customer's) carries out (a plan holds
# only while none of its instalments is due, so autopay charges each
# instalment on its date); a dispute (and any reason not named here) stops
# the charge
CHARGES_THROUGH = frozenset({"autopay", "promise", "plan"})
INVOICE_TYPES = ("out_invoice", "out_receipt")


class CustomerConnectAutopay(models.Model):
    """A customer's autopay in one dealer company: the saved payment method,
    the maximum per charge, when to charge, and the state of the charges
    (retries after a refusal, the notices sent)."""

    _name = "customer_connect.autopay"
    _description = "Customer Connect autopay"
    _order = "id desc"
    _rec_name = "customer_id"
    _check_company_auto = True

    customer_id = fields.Many2one(
        "res.partner", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    state = fields.Selection(
        [("on", "On"), ("off", "Off")], required=True, default="on", readonly=True, index=True
    )
    token_id = fields.Many2one("payment.token", "Payment method", readonly=True)
    contact_id = fields.Many2one("res.partner", "Set up by", readonly=True)
    user_id = fields.Many2one("res.users", "Portal login", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    max_amount = fields.Monetary("Maximum per charge", readonly=True)
    timing = fields.Selection(TIMINGS, "Charge", required=True, default="due", readonly=True)
    failure_count = fields.Integer("Refused charges in a row", readonly=True)
    retry_after = fields.Datetime("Next try", readonly=True)
    checked_at = fields.Datetime("Last looked at", readonly=True)
    notice_sent_until = fields.Date(readonly=True)
    over_max_notified = fields.Monetary(readonly=True)
    turned_off_on = fields.Datetime(readonly=True)
    turned_off_reason = fields.Char("Turned off because", readonly=True)
    transaction_ids = fields.One2many(
        "payment.transaction", "connect_autopay_id", "Charges", readonly=True
    )

    _sql_constraints = [  # noqa: RUF012 (Odoo reads the class attribute)
        (
            "customer_company_uniq",
            "unique(customer_id, company_id)",
            "A customer has one autopay per dealer company.",
        ),
    ]

    # ------------------------------------------------------------------
    # Set-up (the portal's, through the controller after the gate)
    # ------------------------------------------------------------------
    @api.model
    def _of(self, customer, company):
        """The autopay of ``customer`` in ``company`` (on or off), or none;
        as the system: the caller checked the scope."""
        # sudo: the caller checked the scope (docstring)
        return self.sudo().search(
            [("customer_id", "=", customer.id), ("company_id", "=", company.id)], limit=1
        )

    @api.model
    def _usable_tokens(self, partner, company):
        """The saved payment methods ``partner`` may charge in ``company``:
        its own active tokens of the company's published providers that
        keep tokens (card, or ACH where the provider has it)."""
        # sudo: the company's providers; the tokens are then the partner's own
        providers = (
            self.env["payment.provider"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "in", ("enabled", "test")),
                    ("allow_tokenization", "=", True),
                ]
            )
        )
        # sudo: as above, the partner's own tokens (Odoo's own helper)
        return self.env["payment.token"].sudo()._get_available_tokens(providers.ids, partner.id)

    @api.model
    def _parse_settings(self, partner, company, token_id, max_amount, timing):
        """(token, maximum, timing) from the portal's form, or UserError
        saying which value is wrong (each value as the browser sent it)."""
        _ = self.env._
        Service = self.env["customer_connect.payment.service"]
        # sudo: the company's currency (a portal contact cannot read its dealer)
        currency = company.sudo().currency_id
        try:
            token_id = int(token_id)
        except (TypeError, ValueError):
            token_id = 0
        token = self._usable_tokens(partner, company).filtered(lambda t: t.id == token_id)
        if not token:
            raise UserError(_("Choose one of your saved payment methods."))
        try:
            maximum = Service._parse_amount(max_amount, currency)
        except UserError as error:
            raise UserError(_("Maximum per charge: %(why)s", why=error.args[0])) from None
        if timing not in dict(TIMINGS):
            raise UserError(_("Choose when to charge."))
        return token, maximum, timing

    @api.model
    def _turn_on(self, customer, company, user, token_id, max_amount, timing):
        """Turn autopay on (or change it) for ``customer`` in ``company`` as
        the portal ``user``, who must also make payments there; returns the
        autopay. UserError with the reason when a value is wrong."""
        if not user._connect_grants("payments"):
            raise AccessError(
                self.env._("Turning autopay on needs the right to make payments too.")
            )
        token, maximum, timing = self._parse_settings(
            user.partner_id, company, token_id, max_amount, timing
        )
        autopay = self._of(customer, company)
        values = {
            "state": "on",
            "token_id": token.id,
            "contact_id": user.partner_id.id,
            "user_id": user.id,
            "max_amount": maximum,
            "timing": timing,
            "failure_count": 0,
            "retry_after": False,
            "checked_at": False,
            "over_max_notified": 0.0,
            "turned_off_on": False,
            "turned_off_reason": False,
        }
        was_on = autopay.state == "on"
        if autopay:
            autopay.write(values)
        else:
            # sudo: the scope was checked by the caller; the contact has no
            # right of its own on the dealer's autopay records
            autopay = self.sudo().create(
                {**values, "customer_id": customer.id, "company_id": company.id}
            )
        kind = "autopay_changed" if was_on else "autopay_on"
        self.env["customer_connect.portal.event"].with_company(company)._record(
            kind, name=autopay._describe(), user=user
        )
        return autopay

    def _turn_off(self, reason, user=None):
        """Turn these autopays off (the contact, staff, or the job after the
        last refused retry), with the timeline event; as the system: the
        caller checked who asks."""
        # sudo: the caller checked who asks (docstring)
        for autopay in self.sudo().filtered(lambda a: a.state == "on"):
            autopay.write(
                {
                    "state": "off",
                    "turned_off_on": fields.Datetime.now(),
                    "turned_off_reason": reason,
                    "retry_after": False,
                }
            )
            autopay._event("autopay_off", reason, user=user)

    def _describe(self):
        self.ensure_one()
        return self.env._(
            "%(method)s, at most %(amount)s a charge, %(timing)s",
            method=self.token_id.display_name,
            amount=format_amount(self.env, self.max_amount, self.currency_id),
            timing=dict(self._fields["timing"]._description_selection(self.env))[self.timing],
        )

    def _event(self, kind, name, user=None, document=None):
        """The customer's timeline: the portal login that did it, else (the
        job, dealer staff) the customer's own event."""
        self.ensure_one()
        Event = self.env["customer_connect.portal.event"].with_company(self.company_id)
        if user and user._is_portal():
            return Event._record(kind, document, name=name, user=user)
        # sudo: the job's or the dealer's action on the customer's autopay:
        # the event is the system's (as express pay's)
        return Event.sudo().create(
            {
                "kind": kind,
                "partner_id": self.customer_id.id,
                "commercial_partner_id": self.customer_id.id,
                "company_id": self.company_id.id,
                "res_model": document._name if document else False,
                "res_id": document.id if document else False,
                "name": name[:250] if name else False,
            }
        )

    # ------------------------------------------------------------------
    # What is due
    # ------------------------------------------------------------------
    def _open_lines(self):
        """The open receivable lines of these autopays' customers' posted
        invoices (one search for the whole set), as the system."""
        if not self:
            return self.env["account.move.line"]
        # sudo: the job's, or after the caller checked the scope
        return (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("move_id.commercial_partner_id", "in", self.customer_id.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("parent_state", "=", "posted"),
                    ("move_id.move_type", "in", INVOICE_TYPES),
                    ("display_type", "=", "payment_term"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                ],
                order="date_maturity, id",
            )
        )

    def _charge_date(self, line, today):
        """The day ``line`` is charged: the last day of its early-payment
        discount while the discount runs (timing "discount"), else its due
        date."""
        if (
            self.timing == "discount"
            and line.discount_date
            and line.discount_date >= today
            and line.move_id._is_eligible_for_early_payment_discount(line.currency_id, today)
        ):
            return line.discount_date
        return line.date_maturity or line.move_id.invoice_date_due or line.date

    def _lines_by_autopay(self, on_date, today=None, lines=None):
        """{autopay: receivable lines to charge on or before ``on_date``}
        for these autopays (on), without the invoices held for a reason
        that stops autopay (a dispute) and those a payment is under way
        for. ``today`` (default: today) decides whether a discount runs."""
        today = today or fields.Date.context_today(self)
        lines = self._open_lines() if lines is None else lines
        if not lines:
            return {}
        # the other areas' holds (autopay's own is what this computes)
        holds = (
            self.env["customer_connect.collection.hold"]
            .with_context(connect_autopay_holds=False)
            ._holds(lines.move_id, today)
        )
        stopped = {move_id for move_id, reason in holds.items() if reason not in CHARGES_THROUGH}
        result = {}
        by_key = {(a.customer_id.id, a.company_id.id): a for a in self if a.state == "on"}
        for line in lines:
            if line.move_id.connect_in_dispute or line.move_id.id in stopped:
                continue
            autopay = by_key.get((line.move_id.commercial_partner_id.id, line.company_id.id))
            if autopay and autopay._charge_date(line, today) <= on_date:
                result.setdefault(autopay, self.env["account.move.line"])
                result[autopay] |= line
        return result

    def _quote_of(self, lines, today):
        """The payment service's quote (``_quote``'s shape) charging
        ``lines`` of this autopay: each invoice for its due instalments (its
        early-payment settlement when the whole invoice is due in its
        discount), oldest first; Odoo's reconciliation pays an invoice's
        instalments by due date, so exactly these."""
        self.ensure_one()
        Service = self.env["customer_connect.payment.service"]
        currency = self.currency_id
        quote_lines = []
        for move, due_lines in lines.grouped("move_id").items():
            if move.currency_id != currency:
                continue  # an invoice in another currency is paid by hand
            all_terms = move.line_ids.filtered(
                lambda line: line.display_type == "payment_term" and not line.reconciled
            )
            discount = 0.0
            if all_terms <= due_lines:
                due, discount = Service._item_due(move, today)
                if self.timing != "discount":
                    due, discount = move.amount_residual, 0.0
            else:
                due = currency.round(sum(due_lines.mapped("amount_residual_currency")))
            quote_lines.append(
                {
                    "move": move,
                    "outstanding": move.amount_residual,
                    "due": due,
                    "discount": discount,
                    "amount": due,
                    "partial": currency.compare_amounts(due + discount, move.amount_residual) != 0,
                }
            )
        return {
            "customer": self.customer_id,
            "company": self.company_id,
            "currency": currency,
            "lines": quote_lines,
            "on_account": 0.0,
            "amount": currency.round(sum(line["amount"] for line in quote_lines)),
            "reason": self.env._("Autopay: the instalments due")
            if any(line["partial"] for line in quote_lines)
            else "",
            "date": today,
        }

    def _next_charge(self, today=None):
        """(date, amount, invoices) of the next charge as things stand, or
        None: the earliest charge date of what is open, and all that falls
        due by then."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        if self.state != "on":
            return None
        lines = self._lines_by_autopay(today + timedelta(days=3650), today).get(self)
        if not lines:
            return None
        first = min(self._charge_date(line, today) for line in lines)
        on_date = max(first, today)
        due = lines.filtered(lambda line: self._charge_date(line, today) <= on_date)
        return on_date, self._quote_of(due, today)["amount"], due.move_id

    # ------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------
    @api.model
    def _cron_charge(self, batch=BATCH, receipts=RECEIPTS):
        """Charge what is due today, once: the set-ups with something due
        are claimed FOR UPDATE SKIP LOCKED (a second server running the job
        at once skips them) and marked as looked at (``checked_at``), and
        that is committed before the first charge: a run beside this one no
        longer sees them waiting, and one whose snapshot predates the
        commit fails to lock them (serialization, skipped quietly). Each
        charge is then made in its own savepoint and committed on its own
        (``_commit_charges``). Also sends the notices of charges coming in
        the next days, and the receipts of the charges made (``receipts`` a
        call, once nothing is left to charge)."""
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        claimed = self._claim(now, today, batch)
        remaining = self._count_waiting(now, today) - len(claimed)
        claimed._charge_claimed(now, today)
        self._send_notices(today)
        # the receipts once nothing is left to charge: a run charges all its
        # customers before it renders their receipts' PDFs
        sent = self._send_receipts(receipts) if receipts and remaining <= 0 else 0
        self.env["ir.cron"]._connect_notify_progress(
            "customer_connect_payments.ir_cron_connect_autopay",
            len(claimed) + sent,
            max(remaining, 0) + self._count_receipts_waiting(),
        )
        return claimed

    def _charge_claimed(self, now, today):
        """Charge these set-ups, claimed by this transaction (``_claim``):
        marked as looked at and committed first, then each charge committed
        on its own as soon as the provider answered, then the charges made
        booked together (``_book_charges``)."""
        if not self:
            return
        self.checked_at = now
        self._commit_charges()
        # what is due, read once for the batch (a set-up's charge changes
        # only its own customer's invoices); each charge reads its lines
        # again in its own transaction and locks their invoices there
        # (_charge_due, _lock_and_check)
        due = self._lines_by_autopay(today, today)
        done = self.env["payment.transaction"]
        # the notes Odoo logs on the invoices as a charge is sent and
        # answered, logged together after the charges (a crash in between
        # loses notes, never a charge: those are committed one by one)
        log_queue = []
        try:
            for autopay in self.with_context(connect_log_queue=log_queue):
                tx = None
                try:
                    with self.env.cr.savepoint():
                        tx = autopay._charge_due(today, due.get(autopay))
                except (UserError, AccessError) as error:
                    # a payment of these invoices under way in the portal, a
                    # token the provider no longer takes: the next run tries
                    # again
                    _logger.info("Autopay %s not charged: %s", autopay.id, error)
                # the provider charged: that is kept whatever follows (a
                # crash after this commit leaves the transaction done and
                # not post-processed: its invoices stay in flight and Odoo's
                # post-processing job books it)
                self._commit_charges()
                if tx and tx.state == "done":
                    done |= tx
        finally:
            # also when a charge failed unexpectedly: the charges made
            # before it are booked now, not left to Odoo's job
            self.env["payment.transaction"]._connect_log_queued(log_queue)
            self._commit_charges()
            self._book_charges(done.with_context(connect_log_queue=None))

    @api.model
    def _book_charges(self, txs, attempts=3):
        """Book the charges ``txs`` the provider confirmed, all at once
        (``payment.transaction._connect_book_many``: one create, one post
        and one reconciliation plan for the batch, then Odoo's
        post-processing), committed. The receipts and timeline events follow
        (``_send_receipts``), so a run charges a thousand customers without
        rendering a thousand PDFs first. A batch that loses a race (another
        server booking in the same journal: its sequence) is tried again in
        a new transaction; still losing, its transactions stay done and not
        post-processed, their invoices in flight (``_lock_and_check``), and
        Odoo's post-processing job books them, as it books any payment. A
        batch that fails otherwise (one transaction's data) is booked one
        transaction at a time, so the others are booked."""
        txs = txs.exists()
        if not txs:
            return
        for attempt in range(1, attempts + 1):
            try:
                with self.env.cr.savepoint():
                    txs.with_context(**self._booking_context())._connect_book_many()
                self._commit_charges()
                return
            except psycopg2.OperationalError as error:
                _logger.info(
                    "Autopay: %s charges not booked (try %s): %s", len(txs), attempt, error
                )
                if not self._commit_charges():
                    break  # no new snapshot to try again with (a test's cursor)
                self.env.invalidate_all()
            except (UserError, ValidationError) as error:
                _logger.warning("Autopay: booking one by one: %s", error)
                for tx in txs:
                    tx.connect_autopay_id._book_charge(tx)
                    self._commit_charges()
                return

    @api.model
    def _booking_context(self):
        return {
            "connect_autopay_receipt_later": True,
            # a job booking a thousand payments: no chatter note of each
            # creation and no field tracking on them (the timeline event and
            # the receipt say what happened)
            "mail_create_nolog": True,
            "tracking_disable": True,
        }

    def _book_charge(self, tx):
        """Book the one charge ``tx`` the provider confirmed
        (``_post_process`` -> the payment service's ``_book``); what
        ``_book_charges`` falls back to when a batch fails."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                tx.with_context(**self._booking_context())._post_process()
        except (psycopg2.OperationalError, UserError, ValidationError) as error:
            # another transaction booked in the same journal first (its
            # sequence), or this one's data: the transaction is done, not
            # booked yet; its invoices stay in flight (_lock_and_check)
            # until Odoo's post-processing job books it (or staff do)
            _logger.info("Autopay %s: %s booked later: %s", self.id, tx.reference, error)

    @api.model
    def _commit_charges(self):
        """Commit the job's work so far. The job must commit: a charge the
        provider has made must never be rolled back with a later charge's
        failure (the next run would charge it again), and a set-up claimed
        must stay claimed while it is charged (its row lock ends with the
        commit, its ``checked_at`` does not). Not inside an HTTP test's
        own transaction (the registry's test cursor), which cannot commit;
        the two-server test runs the job on cursors of its own, which do."""
        if modules.module.current_test and self.env.cr is self.env.registry.test_cr:
            return False
        self.env.flush_all()
        self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    @api.model
    def _receipts_waiting_query(self):
        # autopay's charges booked whose receipt (and timeline event) is not
        # sent yet (_charge_due leaves it to _send_receipts)
        return """
            FROM payment_transaction tx
           WHERE tx.connect_kind = 'autopay'
             AND tx.state = 'done'
             AND tx.payment_id IS NOT NULL
             AND NOT COALESCE(tx.connect_done, FALSE)
        """

    @api.model
    def _count_receipts_waiting(self):
        self.env.flush_all()
        self.env.cr.execute(f"SELECT count(*) {self._receipts_waiting_query()}")  # constant SQL
        return self.env.cr.fetchone()[0]

    @api.model
    def _send_receipts(self, limit):
        """The receipts (e-mail with its PDF) and timeline events of up to
        ``limit`` charges booked, each once: the transactions are locked
        SKIP LOCKED and marked sent (``connect_done``) in the same
        transaction, as the charges are. Returns how many were sent."""
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    f"SELECT tx.id {self._receipts_waiting_query()} "  # constant SQL
                    "ORDER BY tx.id LIMIT %s FOR UPDATE OF tx SKIP LOCKED",
                    [limit],
                    log_exceptions=False,
                )
                ids = [row[0] for row in self.env.cr.fetchall()]
        except pg_errors.SerializationFailure:
            # another run sent them and committed after this one began
            return 0
        Service = self.env["customer_connect.payment.service"]
        # sudo: the job's; the transactions are autopay's own (query above)
        for tx in self.env["payment.transaction"].sudo().browse(ids):
            Service._after_payment(tx)
        return len(ids)

    @api.model
    def _waiting_query(self):
        # set-ups on, not waiting for a retry, not looked at in this run,
        # with an invoice line open whose due date (or discount date) came
        return f"""
            FROM customer_connect_autopay ap
           WHERE ap.state = 'on'
             AND (ap.retry_after IS NULL OR ap.retry_after <= %(now)s)
             AND (ap.checked_at IS NULL OR ap.checked_at <= %(recheck)s)
             AND {self._open_line_exists("<= %(today)s")}
        """

    @api.model
    def _open_line_exists(self, charge_date_condition):
        """SQL: the set-up ``ap`` has an open invoice line (not in dispute)
        whose charge date (``_charge_date``: its due date, or its discount's
        last day while the discount runs) meets ``charge_date_condition``
        (constant SQL, values as parameters ``%(today)s``...)."""
        return f"""EXISTS (
                 SELECT 1
                   FROM account_move_line aml
                   JOIN account_move m ON m.id = aml.move_id
                  WHERE m.commercial_partner_id = ap.customer_id
                    AND aml.company_id = ap.company_id
                    AND aml.parent_state = 'posted'
                    AND aml.display_type = 'payment_term'
                    AND NOT aml.reconciled
                    AND aml.amount_residual > 0
                    AND m.move_type IN ('out_invoice', 'out_receipt')
                    AND NOT COALESCE(m.connect_in_dispute, FALSE)
                    AND LEAST(
                        aml.date_maturity,
                        CASE WHEN ap.timing = 'discount' AND aml.discount_date >= %(today)s
                             THEN aml.discount_date END
                    ) {charge_date_condition}
             )"""

    @api.model
    def _claim(self, now, today, batch):
        """Lock up to ``batch`` set-ups with something due that no other
        transaction holds; none when another run committed them meanwhile."""
        self.env.flush_all()
        params = {"now": now, "recheck": now - RECHECK, "today": today}
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    f"SELECT ap.id {self._waiting_query()} "  # constant SQL, values as parameters
                    "ORDER BY ap.id LIMIT %(batch)s FOR UPDATE OF ap SKIP LOCKED",
                    {**params, "batch": batch},
                    log_exceptions=False,
                )
                ids = [row[0] for row in self.env.cr.fetchall()]
        except pg_errors.SerializationFailure:
            # another run charged them and committed after this transaction
            # began: its work is done; nothing is claimed here
            return self.sudo().browse()
        # sudo: the job's
        return self.sudo().browse(ids)

    @api.model
    def _count_waiting(self, now, today):
        self.env.cr.execute(
            f"SELECT count(*) {self._waiting_query()}",  # constant SQL, values as parameters
            {"now": now, "recheck": now - RECHECK, "today": today},
        )
        return self.env.cr.fetchone()[0]

    def _charge_due(self, today, lines=None):
        """Charge what this autopay has due today (one transaction on its
        token), or tell the customer it is over the maximum. Returns the
        transaction, if one was made. ``lines``: what is due, when the
        caller read it for a batch (``_lines_by_autopay``)."""
        self.ensure_one()
        if lines is None:
            lines = self._lines_by_autopay(today, today).get(self)
        elif lines:
            # this set-up's lines alone are read with it (not the batch's)
            lines = lines.with_prefetch(lines._ids)
            # read before this transaction: its values are read again here
            # (each commit empties the cache), in the snapshot the invoices
            # are then locked in (_transaction_values); paid or disputed
            # since, they are left out
            lines = lines.filtered(
                lambda line: (
                    not line.reconciled
                    and line.amount_residual > 0
                    and not line.move_id.connect_in_dispute
                )
            )
        if not lines:
            return None
        quote = self._quote_of(lines, today)
        if not quote["lines"] or quote["amount"] <= 0:
            return None
        Service = self.env["customer_connect.payment.service"]
        provider = self.token_id.provider_id
        charged = quote["amount"] + Service._surcharge(provider, quote["amount"], self.currency_id)
        if self.currency_id.compare_amounts(charged, self.max_amount) > 0:
            if self.currency_id.compare_amounts(charged, self.over_max_notified):
                self.over_max_notified = charged
                self._mail("mail_template_connect_autopay_over_max", "autopay_over_max", charged)
                self._event(
                    "autopay_over_max",
                    self.env._(
                        "%(amount)s due, above the maximum of %(max)s: not charged",
                        amount=format_amount(self.env, charged, self.currency_id),
                        max=format_amount(self.env, self.max_amount, self.currency_id),
                    ),
                )
            return None
        if not self.token_id.active or self.token_id.partner_id != self.contact_id:
            self._turn_off(self.env._("The saved payment method is gone."))
            self._mail_off()
            return None
        amount, values = Service._transaction_values(quote, quote["amount"], provider)
        # sudo: the job's; the token is the customer's own (checked above)
        Tx = self.env["payment.transaction"].sudo()
        tx = Tx.create(
            {
                **values,
                "provider_id": provider.id,
                "payment_method_id": self.token_id.payment_method_id.id,
                "token_id": self.token_id.id,
                "operation": "offline",
                "amount": amount,
                "currency_id": self.currency_id.id,
                "partner_id": self.token_id.partner_id.id,
                "reference": Tx._compute_reference(
                    provider.code, prefix=f"AUTOPAY-{self.id}-{today:%Y%m%d}"
                ),
                "connect_kind": "autopay",
                "connect_autopay_id": self.id,
            }
        )
        # the transaction's "sent" and "received" notes on its invoices wait
        # in the caller's queue, if any (logged together: _charge_claimed)
        tx._send_payment_request()
        if tx.state == "done":
            # booked by the caller once this is committed (_book_charges)
            self.write({"failure_count": 0, "retry_after": False, "over_max_notified": 0.0})
        elif tx.state in ("error", "cancel"):
            self._refused(tx)
        # pending / authorized: Odoo's post-processing books it when the
        # provider confirms; its invoices are in flight meanwhile
        # (_lock_and_check), so no run charges them again
        return tx

    def _refused(self, tx):
        """A charge refused: try again after the schedule's next delay, or
        turn autopay off after the last retry (customer and dealer told)."""
        self.ensure_one()
        count = self.failure_count + 1
        amount = format_amount(self.env, tx.amount, tx.currency_id)
        self._event(
            "autopay_refused",
            self.env._(
                "%(amount)s refused (%(reference)s): %(why)s",
                amount=amount,
                reference=tx.reference,
                why=tx.state_message or tx.state,
            ),
            document=tx,
        )
        if count > len(RETRY_DAYS):
            self.failure_count = count
            self._turn_off(
                self.env._("The charge was refused %(count)s times in a row.", count=count)
            )
            self._mail_off()
            return
        self.write(
            {
                "failure_count": count,
                "retry_after": fields.Datetime.now() + timedelta(days=RETRY_DAYS[count - 1]),
            }
        )
        self._mail("mail_template_connect_autopay_refused", "autopay_refused", tx.amount)

    # ------------------------------------------------------------------
    # E-mails
    # ------------------------------------------------------------------
    def _recipients(self):
        """The contact who set it up, else the customer's billing contacts."""
        self.ensure_one()
        contact = self.contact_id
        if contact.active and contact.email:
            return contact
        return self.customer_id._connect_summary_recipients()

    def _mail(self, template_xmlid, kind, amount, partners=None, when=None):
        self.ensure_one()
        partners = partners or self._recipients()
        if not partners:
            return
        template = self.env.ref(f"customer_connect_payments.{template_xmlid}").with_context(
            connect_autopay_id=self.id,
            connect_autopay_amount=format_amount(self.env, amount, self.currency_id),
            connect_autopay_date=format_date(self.env, when) if when else "",
        )
        sender = self.env["customer_connect.mail.sender"].with_company(self.company_id)
        try:
            with self.env.cr.savepoint():
                sender._send(template, partners, kind)
        except UserError as error:
            # an address that is not one address: the charge stands, the
            # e-mail history has nothing; the dealer sees the event
            _logger.info("Autopay %s: e-mail not sent: %s", self.id, error)

    def _mail_off(self):
        """Autopay turned off by the job: the customer and the dealer."""
        self._mail("mail_template_connect_autopay_off", "autopay_off", self.max_amount)
        dealer = self.company_id.partner_id
        if dealer.email:
            self._mail(
                "mail_template_connect_autopay_off_dealer",
                "autopay_off",
                self.max_amount,
                partners=dealer,
            )

    @api.model
    def _send_notices(self, today):
        """The notice of a charge coming in the next NOTICE_DAYS days, once
        per charge date (``notice_sent_until``); only the set-ups with such a
        charge not told yet are locked (SKIP LOCKED, as the charges are), so
        a run leaves the others to the charges of a run beside it."""
        horizon = today + timedelta(days=NOTICE_DAYS)
        self.env.flush_all()
        coming = self._open_line_exists(
            "BETWEEN GREATEST(%(today)s, ap.notice_sent_until) + 1 AND %(horizon)s"
        )
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    f"""
                    SELECT ap.id FROM customer_connect_autopay ap
                     WHERE ap.state = 'on'
                       AND (ap.notice_sent_until IS NULL OR ap.notice_sent_until < %(horizon)s)
                       AND {coming}
                     ORDER BY ap.id
                     LIMIT 500
                       FOR UPDATE OF ap SKIP LOCKED
                    """,  # constant SQL, values as parameters
                    {"today": today, "horizon": horizon},
                    log_exceptions=False,
                )
                ids = [row[0] for row in self.env.cr.fetchall()]
        except pg_errors.SerializationFailure:
            return
        # sudo: the job's
        autopays = self.sudo().browse(ids)
        coming = autopays._lines_by_autopay(horizon, today)
        for autopay in autopays:
            lines = coming.get(autopay, self.env["account.move.line"]).filtered(
                lambda line, a=autopay: (
                    a._charge_date(line, today) > today
                    and (
                        not a.notice_sent_until or a._charge_date(line, today) > a.notice_sent_until
                    )
                )
            )
            if lines:
                when = min(autopay._charge_date(line, today) for line in lines)
                quote = autopay._quote_of(lines, today)
                autopay._mail(
                    "mail_template_connect_autopay_notice",
                    "autopay_notice",
                    quote["amount"],
                    when=when,
                )
            autopay.notice_sent_until = horizon

    # ------------------------------------------------------------------
    # Dealer side
    # ------------------------------------------------------------------
    def action_connect_autopay_off(self):
        """Turn autopay off (dealer staff): the Customer Connect role and
        the record rules on the customer first."""
        self.customer_id._connect_check_staff_access()
        self.check_access("write")
        self._turn_off(self.env._("Turned off by %(name)s", name=self.env.user.name))
        return True

    # ------------------------------------------------------------------
    # Daily status e-mail (section 55)
    # ------------------------------------------------------------------
    @api.model
    def _connect_daily_status_section(self, company, date_from, date_to):
        """Autopay in the day: charges made (with their total), refused,
        and set-ups turned off."""
        _ = self.env._
        # sudo: the daily status job, this company's records (domains below)
        txs = (
            self.env["payment.transaction"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("connect_kind", "=", "autopay"),
                    ("create_date", ">=", date_from),
                    ("create_date", "<", date_to),
                ]
            )
        )
        # sudo: as above
        off = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("turned_off_on", ">=", date_from),
                ("turned_off_on", "<", date_to),
            ]
        )
        done = txs.filtered(lambda tx: tx.state == "done")
        refused = txs.filtered(lambda tx: tx.state in ("error", "cancel"))
        if not (done or refused or off):
            return None
        lines = []
        if done:
            lines.append(
                _(
                    "Charges made: %(count)s, %(amount)s",
                    count=len(done),
                    amount=format_amount(self.env, sum(done.mapped("amount")), company.currency_id),
                )
            )
        if refused:
            lines.append(_("Charges refused: %(count)s", count=len(refused)))
            lines += self.env["customer_connect.daily.status"]._cap_lines(
                [f"{tx.connect_customer_id.name}: {tx.reference}" for tx in refused]
            )
        if off:
            lines.append(_("Autopay turned off: %(count)s", count=len(off)))
            lines += self.env["customer_connect.daily.status"]._cap_lines(
                [f"{a.customer_id.name}: {a.turned_off_reason or ''}" for a in off]
            )
        return {"sequence": 55, "title": _("Autopay"), "lines": lines}


class CustomerConnectCollectionHold(models.AbstractModel):
    _inherit = "customer_connect.collection.hold"

    @api.model
    def _hold_reasons(self):
        return {**super()._hold_reasons(), "autopay": str(_lt("charged by autopay"))}

    @api.model
    def _holds(self, moves, on_date):
        """Invoices autopay will charge on or before the day after
        ``on_date`` (within the customer's maximum) are left to it: a
        reminder would chase what is about to be paid."""
        holds = super()._holds(moves, on_date)
        if not moves or self.env.context.get("connect_autopay_holds") is False:
            return holds
        # sudo: the set-ups of these invoices' customers, read to answer
        Autopay = self.env["customer_connect.autopay"].sudo()
        autopays = Autopay.search(
            [
                ("state", "=", "on"),
                ("customer_id", "in", moves.commercial_partner_id.ids),
                ("company_id", "in", moves.company_id.ids),
            ]
        )
        if not autopays:
            return holds
        lines = autopays._open_lines().filtered(lambda line: line.move_id in moves)
        coming = autopays._lines_by_autopay(on_date + timedelta(days=1), on_date, lines=lines)
        for autopay, due in coming.items():
            quote = autopay._quote_of(due, on_date)
            if autopay.currency_id.compare_amounts(quote["amount"], autopay.max_amount) <= 0:
                for move in due.move_id:
                    holds.setdefault(move.id, "autopay")
        return holds
