"""Online payments: what a customer pays, computed on the server, and how a
confirmed payment is booked. One place for the portal, the express pay link
and the provider's confirmation; controllers stay thin."""

import json
import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, format_amount, hash_sign, verify_hash_signed

# hash_sign scopes: a quote (what a page offered to pay) and an express link
QUOTE_SCOPE = "customer_connect_payments.quote"
EXPRESS_SCOPE = "customer_connect_payments.express"
QUOTE_HOURS = 2
EXPRESS_DAYS_DEFAULT = 30
# transactions that hold their invoices: another payment of them is refused
# (and a done one until Odoo's post-processing has booked it, see _lock_and_check)
IN_FLIGHT_STATES = ("pending", "authorized")
# a draft transaction (the customer is at the provider's form) holds them a while
DRAFT_HOLD = timedelta(minutes=15)
PAYABLE_TYPES = ("out_invoice", "out_receipt", "out_refund")


# what a customer may type as an amount: figures, one point for the decimals
AMOUNT_RE = re.compile(r"^[+-]?[0-9]{1,15}(?:\.[0-9]+)?$")
# no online payment of a dealer comes near it; keeps every amount a float
# exact to the cent, and 1e300 away from the providers' card forms
AMOUNT_CEILING = Decimal(10) ** 11


def _cents(currency, amount):
    return currency.round(amount)


class CustomerConnectPaymentService(models.AbstractModel):
    """Online payments of the portal and of express pay links.

    * ``_open_items``: a customer's open invoices and credit notes in a
      dealer company, each with what clears it today (the early-payment
      settlement while it runs, else the outstanding);
    * ``_quote``: the amount of a selection (or of an amount on account),
      computed here whatever the browser says, signed for the page
      (``_quote_token``) and checked again when the transaction is created
      (``_transaction_values``: the invoices locked, those already being paid
      refused);
    * ``_book``: the confirmed transaction's payment, posted and reconciled
      with exactly its invoices (the discount booked as Odoo's payment
      register books it, a card surcharge on its own line), oldest first for
      an amount on account;
    * ``_after_payment``: the receipt e-mail and the dealer's timeline, once.
    """

    _name = "customer_connect.payment.service"
    _description = "Customer Connect online payments"

    # ------------------------------------------------------------------
    # Who pays
    # ------------------------------------------------------------------
    @api.model
    def _scope(self):
        """(customer, company) of the signed-in contact's payment pages."""
        return self.env.user._connect_portal_scope("payments")

    @api.model
    def _express_token(self, recipient, company, days=None):
        """A signed, expiring token opening the pay page of the open items
        of ``recipient``'s customer in ``company`` without signing in,
        bound to ``recipient`` (the contact the link is sent to): it dies
        with that contact's portal access (see ``_express_recipient_ok``)."""
        # sudo: a setting (ir.config_parameter is readable by the system only)
        days = days or int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_connect_payments.express_days", EXPRESS_DAYS_DEFAULT)
        )
        return hash_sign(
            self.env(su=True),
            EXPRESS_SCOPE,
            {
                "customer": recipient.commercial_partner_id.id,
                "company": company.id,
                "contact": recipient.id,
            },
            expiration=timedelta(days=days),
        )

    @api.model
    def _express_scope(self, token):
        """(customer, company) of an express token, as the system; refused
        (AccessError) when forged or expired."""
        values = self._verify(EXPRESS_SCOPE, token)
        if not values:
            raise AccessError(self.env._("This payment link is not valid or has expired."))
        # as the system: the link's holder is signed out; the signature
        # above is the check, the recipient's access below the other one
        customer = self.env["res.partner"].sudo().browse(values["customer"]).exists()
        company = self.env["res.company"].sudo().browse(values["company"]).exists()
        recipient = self.env["res.partner"].sudo().browse(values.get("contact") or 0).exists()
        if (
            not customer
            or not company
            or not customer.active
            or not self._express_recipient_ok(recipient, customer)
        ):
            raise AccessError(self.env._("This payment link is not valid or has expired."))
        return customer, company

    @api.model
    def _express_recipient_ok(self, recipient, customer):
        """Whether the contact an express link was sent to still has what
        the link stands for: an active contact of ``customer`` whose portal
        access was not taken away (inactivated, or its login archived or
        revoked, which archives it) and whose level still makes payments
        (for the customer's own address: an account not inactivated). A
        link made before links were bound to a person (no recipient) fails too."""
        if not recipient or not recipient.active or recipient.commercial_partner_id != customer:
            return False
        # the contact inactivated; a link sent to the customer's own address
        # stands for the account: it dies when every login of it was
        # inactivated (the account's state)
        if recipient.connect_login_state == "inactive" or (
            recipient == customer and customer.connect_state == "inactive"
        ):
            return False
        if not recipient.connect_access_level_id._grants("payments"):
            return False
        user = recipient.with_context(active_test=False).connect_user_id
        return not user or (user.active and user._is_portal())

    @api.model
    def _verify(self, scope, token):
        try:
            return verify_hash_signed(self.env(su=True), scope, token or "")
        except (ValueError, TypeError, UnicodeDecodeError):  # not a token at all
            return None

    # ------------------------------------------------------------------
    # What is open, and what a selection costs
    # ------------------------------------------------------------------
    @api.model
    def _open_items(self, customer, company, include_disputed=False):
        """The customer's open invoices and credit notes in ``company``,
        oldest due first, as the system (the caller checked the scope).

        Invoices in dispute are left out (the express pay link, the home
        page's count) unless ``include_disputed``: a signed-in contact may
        still choose to pay one deliberately from its pay page."""
        domain = [
            ("commercial_partner_id", "=", customer.id),
            ("company_id", "=", company.id),
            ("state", "=", "posted"),
            ("move_type", "in", PAYABLE_TYPES),
            ("amount_residual", "!=", 0),
        ]
        if not include_disputed:
            domain.append(("connect_in_dispute", "=", False))
        # sudo: the scope was checked by the caller (docstring)
        return (
            self.env["account.move"]
            .sudo()
            .search(domain, order="invoice_date_due, invoice_date, id")
        )

    @api.model
    def _item_due(self, move, today):
        """(what clears ``move`` today, discount): the early-payment
        settlement while it runs (Odoo's own eligibility rule), else the
        outstanding; negative for a credit note."""
        sign = -1 if move.move_type == "out_refund" else 1
        residual = move.amount_residual
        if move._is_eligible_for_early_payment_discount(move.currency_id, today):
            terms = move.line_ids.filtered(lambda line: line.display_type == "payment_term")
            settlement = abs(sum(terms.mapped("discount_amount_currency")))
            return sign * settlement, sign * (residual - settlement)
        return sign * residual, 0.0

    @api.model
    def _today(self):
        return fields.Date.context_today(self)

    @api.model
    def _allows_partial(self, company):
        # sudo: a company setting
        return company.sudo().connect_allow_partial_payment

    @api.model
    def _parse_amount(self, value, currency, limit=None):
        """``value`` (what a customer typed, or what a browser sent) as an
        amount of ``currency``, or UserError saying why not: figures with
        a point for the decimals (no currency symbol, thousands separator
        or exponent), at most the currency's decimals, above
        zero, at most ``limit`` (and never beyond AMOUNT_CEILING)."""
        _ = self.env._
        not_figures = _(
            "Enter the amount in figures with a point for the decimals, like 1234.50 "
            "(no currency sign, no thousands separator)."
        )
        if isinstance(value, bool) or value is None:
            raise UserError(not_figures)
        if isinstance(value, (int, float)):
            text = repr(value)  # a JSON number; nan, inf and 1e300 fail below
        elif isinstance(value, str):
            text = value.strip()
        else:
            raise UserError(not_figures)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise UserError(not_figures) from None
        if not amount.is_finite() or (isinstance(value, str) and not AMOUNT_RE.match(text)):
            raise UserError(not_figures)
        if amount <= 0:
            raise UserError(_("Enter an amount above zero."))
        if -amount.normalize().as_tuple().exponent > currency.decimal_places:
            raise UserError(
                _(
                    "Amounts in %(currency)s have at most %(places)s decimals.",
                    currency=currency.name,
                    places=currency.decimal_places,
                )
            )
        ceiling = AMOUNT_CEILING if limit is None else min(AMOUNT_CEILING, Decimal(str(limit)))
        if amount > ceiling:
            raise UserError(
                _(
                    "Pay at most %(amount)s here.",
                    amount=format_amount(self.env, float(ceiling), currency),
                )
            )
        return float(amount)

    @api.model
    def _on_account_limit(self, customer, company):
        """The most a customer may pay on account: what it owes the company
        today (its open invoices less its credit notes) plus the company's
        margin. A payment on account pays what is owed or soon will be (a
        deposit, the next invoice); the margin lets that through, and a
        slip of the keyboard (a zero too many) is refused before the card
        form rather than refunded after."""
        owed = sum(
            move.amount_residual_signed for move in self._open_items(customer, company, True)
        )
        # the company's setting, read as the system: a portal contact cannot
        # read its dealer company; the caller checked the scope
        margin = company.sudo().connect_on_account_margin
        return company.sudo().currency_id.round(max(owed, 0.0) + max(margin, 0.0))

    @api.model
    def _quote(
        self,
        customer,
        company,
        invoice_ids=(),
        partial=None,
        on_account=0.0,
        reason="",
        include_disputed=False,
    ):
        """What the customer pays for a selection, computed here.

        :param invoice_ids: ids of the customer's open invoices and credit
            notes chosen (credit notes are deducted)
        :param partial: {invoice id: amount} for invoices paid in part (where
            the dealer allows it; a reason is then required)
        :param on_account: an amount on account instead of a selection
        :param include_disputed: whether invoices in dispute may be paid
            (a signed-in contact's deliberate choice; never express pay)
        :return: dict(customer, company, currency, lines, on_account, amount,
            reason, date) where lines are dicts(move, outstanding, due,
            discount, amount)
        :raise UserError: anything that is not this customer's, not open, or
            not payable as asked
        """
        today = fields.Date.context_today(self)
        partial = {int(k): v for k, v in (partial or {}).items()}
        reason = (reason or "").strip()[:500]
        if on_account:
            if invoice_ids:
                raise UserError(self.env._("Pay either a selection or an amount on account."))
            # sudo: the company's currency; the scope was checked by the caller
            currency = company.sudo().currency_id
            amount = self._parse_amount(
                on_account, currency, limit=self._on_account_limit(customer, company)
            )
            return {
                "customer": customer,
                "company": company,
                "currency": currency,
                "lines": [],
                "on_account": amount,
                "amount": amount,
                "reason": reason,
                "date": today,
            }
        ids = {int(i) for i in invoice_ids}
        if not ids:
            raise UserError(self.env._("Choose at least one invoice to pay."))
        # sudo: only the documents of the customer and company the caller
        # checked (_scope, or the express link's signature) are read as the
        # system: another customer's id is not read at all, and counts as
        # missing below
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("id", "in", list(ids)),
                    ("commercial_partner_id", "=", customer.id),
                    ("company_id", "=", company.id),
                ]
            )
        )
        if len(moves) != len(ids) or any(
            move.state != "posted" or move.move_type not in PAYABLE_TYPES for move in moves
        ):
            raise UserError(self.env._("Only your own open invoices can be paid here."))
        disputed = moves.filtered("connect_in_dispute")
        if disputed and not include_disputed:
            raise UserError(
                self.env._(
                    "%(names)s is in dispute: it is not paid from this link.",
                    names=", ".join(disputed.mapped("name")),
                )
            )
        if len(moves.currency_id) != 1:
            raise UserError(self.env._("Pay invoices of one currency at a time."))
        currency = moves.currency_id
        lines = []
        for move in moves.sorted(lambda m: (m.invoice_date_due or today, m.id)):
            if currency.is_zero(move.amount_residual):
                raise UserError(self.env._("%(name)s is already paid.", name=move.name))
            due, discount = self._item_due(move, today)
            amount = due
            if move.id in partial and move.move_type != "out_refund":
                asked = self._parse_amount(partial[move.id], currency)
                if float_compare(asked, due, precision_rounding=currency.rounding) != 0:
                    if not self._allows_partial(company):
                        raise UserError(self.env._("Invoices are paid in full here."))
                    if asked <= 0 or asked > move.amount_residual:
                        raise UserError(
                            self.env._(
                                "Pay between 0 and %(amount)s on %(name)s.",
                                amount=move.amount_residual,
                                name=move.name,
                            )
                        )
                    if not reason:
                        raise UserError(self.env._("Tell us why you pay part of an invoice."))
                    # a part payment is no settlement: no early-payment discount
                    amount, discount = asked, 0.0
            lines.append(
                {
                    "move": move,
                    "outstanding": move.amount_residual
                    * (-1 if move.move_type == "out_refund" else 1),
                    "due": due,
                    "discount": discount,
                    "amount": amount,
                    "partial": amount != due,
                }
            )
        total = _cents(currency, sum(line["amount"] for line in lines))
        if total <= 0:
            raise UserError(
                self.env._("The credit notes chosen cover the invoices: nothing to pay.")
            )
        return {
            "customer": customer,
            "company": company,
            "currency": currency,
            "lines": lines,
            "on_account": 0.0,
            "amount": total,
            "reason": reason if any(line["partial"] for line in lines) else "",
            "date": today,
        }

    # ------------------------------------------------------------------
    # Odoo's own pay routes (invoice Pay Now, overdue invoices, payment
    # links, sale orders): the amount the browser sends is checked here
    # ------------------------------------------------------------------
    @api.model
    def _governs(self, customer):
        """Whether Customer Connect sets the rules of ``customer``'s
        payments: a customer on the portal (invited, active or
        inactivated). Others keep Odoo's own behaviour, as for access."""
        # the customer's portal state, read as the system (a visitor cannot
        # read partners); it decides the rules, it grants nothing
        customer = customer.sudo().commercial_partner_id
        return bool(customer) and customer.connect_state != "not_invited"

    @api.model
    def _odoo_route_amount(self, amount, currency, payer, invoices=None, orders=None):
        """The amount of a transaction started on one of Odoo's pay routes,
        or UserError saying why it is refused.

        Every amount must be a well-formed one (``_parse_amount``). For a
        customer on Customer Connect the server's figure wins: one of the
        amounts Odoo's own page offers for ``invoices`` (the outstanding,
        the early-payment settlement, the next installment; their sum for
        the overdue invoices) or ``orders`` (what is left to pay, the
        prepayment); another amount only where the dealer allows part
        payments, and then at most what is open. Without a document (a
        free payment on /payment/pay), at most the on-account limit.

        :param payer: the partner paying (its customer's rules apply)
        """
        # the documents' amounts, read as the system: the caller (Odoo's pay
        # route) checked the access to them (token or record rules) first
        invoices = (invoices or self.env["account.move"]).sudo()
        orders = (orders or self.env["sale.order"]).sudo()
        documents = invoices or orders
        value = self._parse_amount(amount, currency)
        customer = (documents[:1].partner_id or payer).commercial_partner_id
        if not self._governs(customer):
            return value
        if not documents:
            company = customer.company_id or self.env.company
            return self._parse_amount(
                amount, currency, limit=self._on_account_limit(customer, company)
            )
        if invoices:
            company = invoices.company_id[:1]
            if len(invoices) == 1:
                next_values = invoices._get_invoice_next_payment_values() or {}
                figures = {
                    next_values.get("amount_due", invoices.amount_residual),
                    next_values.get("next_amount_to_pay", invoices.amount_residual),
                }
            else:
                figures = {sum(invoices.mapped("amount_residual"))}
            most = sum(invoices.mapped("amount_residual"))
        else:
            company = orders.company_id[:1]
            most = sum(order.amount_total - order.amount_paid for order in orders)
            figures = {most}
            if len(orders) == 1 and orders.require_payment and orders.state in ("draft", "sent"):
                figures.add(orders._get_prepayment_required_amount() - orders.amount_paid)
        figures = {figure for figure in figures if currency.compare_amounts(figure, 0) > 0}
        if not figures:
            raise UserError(self.env._("Nothing is left to pay on this."))
        if any(currency.compare_amounts(value, figure) == 0 for figure in figures):
            return value
        if len(documents) == 1 and self._allows_partial(company):
            return self._parse_amount(amount, currency, limit=most)
        raise UserError(
            self.env._(
                "%(name)s is paid in full here: %(amount)s.",
                name=documents.name if len(documents) == 1 else self.env._("These invoices"),
                amount=format_amount(self.env, max(figures), currency),
            )
        )

    @api.model
    def _quote_token(self, quote):
        """The quote, signed for the pay page (the browser hands it back
        with the transaction; nothing in it is taken on trust)."""
        return hash_sign(
            self.env(su=True),
            QUOTE_SCOPE,
            {
                "customer": quote["customer"].id,
                "company": quote["company"].id,
                "ids": [line["move"].id for line in quote["lines"]],
                "partial": {
                    str(line["move"].id): line["amount"]
                    for line in quote["lines"]
                    if line["partial"]
                },
                "on_account": quote["on_account"],
                "reason": quote["reason"],
                "amount": quote["amount"],
            },
            expiration_hours=QUOTE_HOURS,
        )

    @api.model
    def _quote_from_token(self, token, customer, company, include_disputed=False):
        """The quote a pay page offered, computed again now for
        ``customer`` in ``company``; refused when forged, expired, someone
        else's, or no longer what the page said (paid meanwhile, discount
        over)."""
        values = self._verify(QUOTE_SCOPE, token)
        if not values or values["customer"] != customer.id or values["company"] != company.id:
            raise UserError(
                self.env._("This payment is not valid any more: open the pay page again.")
            )
        quote = self._quote(
            customer,
            company,
            values["ids"],
            partial=values["partial"],
            on_account=values["on_account"],
            reason=values["reason"],
            include_disputed=include_disputed,
        )
        if quote["currency"].compare_amounts(quote["amount"], values["amount"]) != 0:
            raise UserError(
                self.env._("The amounts changed since the page was opened: open it again.")
            )
        return quote

    # ------------------------------------------------------------------
    # Surcharge
    # ------------------------------------------------------------------
    @api.model
    def _surcharge(self, provider, amount, currency):
        """The card surcharge ``provider`` adds to ``amount`` (0 if none)."""
        # sudo: the provider's surcharge setting (a portal login cannot read it)
        percent = provider.sudo().connect_surcharge_percent
        return currency.round(amount * percent / 100.0) if percent > 0 else 0.0

    # ------------------------------------------------------------------
    # The transaction
    # ------------------------------------------------------------------
    @api.model
    def _lock_and_check(self, quote):
        """Lock the quoted invoices (NOWAIT: a second tab paying them at
        the same moment is refused, not queued) and refuse those already in
        a payment under way."""
        moves = self.env["account.move"].browse([line["move"].id for line in quote["lines"]])
        if not moves:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM account_move WHERE id IN %s FOR UPDATE NOWAIT",
                    [tuple(moves.ids)],
                )
        except pg_errors.LockNotAvailable:
            raise UserError(
                self.env._("These invoices are being paid in another window.")
            ) from None
        self.env["payment.transaction"].flush_model()
        self.env.cr.execute(
            """
            SELECT DISTINCT rel.invoice_id
              FROM account_invoice_transaction_rel rel
              JOIN payment_transaction tx ON tx.id = rel.transaction_id
             WHERE rel.invoice_id IN %s
               AND (
                   tx.state IN %s
                   OR (tx.state = 'draft' AND tx.create_date > %s)
                   -- paid at the provider, not booked yet (Odoo's
                   -- post-processing: the status page or the cron, a
                   -- minute later): the invoice still looks open
                   OR (tx.state = 'done' AND NOT tx.is_post_processed)
               )
            """,
            [tuple(moves.ids), IN_FLIGHT_STATES, fields.Datetime.now() - DRAFT_HOLD],
        )
        busy = [row[0] for row in self.env.cr.fetchall()]
        if busy:
            # sudo: names of the quote's own invoices (checked by _quote)
            names = ", ".join(self.env["account.move"].sudo().browse(busy).mapped("name"))
            raise UserError(
                self.env._(
                    "A payment of %(names)s is already under way (another window?).",
                    names=names,
                )
            )

    @api.model
    def _transaction_values(self, quote, posted_amount, provider, user=None):
        """(amount to charge, extra create values) of the transaction paying
        ``quote`` with ``provider``; refuses an amount that is not the
        quote's and invoices being paid elsewhere."""
        currency = quote["currency"]
        try:
            posted = self._parse_amount(posted_amount, currency)
        except UserError:
            posted = None
        if posted is None or currency.compare_amounts(posted, quote["amount"]):
            raise UserError(
                self.env._("The amount does not match what is due: open the pay page again.")
            )
        self._lock_and_check(quote)
        surcharge = self._surcharge(provider, quote["amount"], currency)
        allocation = {
            str(line["move"].id): {
                "amount": line["amount"],
                "discount": line["discount"],
                "partial": line["partial"],
            }
            for line in quote["lines"]
        }
        values = {
            "invoice_ids": [Command.set([line["move"].id for line in quote["lines"]])],
            "connect_kind": "on_account" if quote["on_account"] else "invoices",
            "connect_customer_id": quote["customer"].id,
            "connect_user_id": user.id if user else False,
            "connect_surcharge": surcharge,
            "connect_reason": quote["reason"] or False,
            "connect_allocation": json.dumps(allocation),
        }
        return currency.round(quote["amount"] + surcharge), values

    # ------------------------------------------------------------------
    # Booking a confirmed transaction
    # ------------------------------------------------------------------
    @api.model
    def _book(self, tx, **extra_create_values):
        """Post the payment of the confirmed transaction ``tx`` and
        reconcile it with exactly the invoices it paid (as the system)."""
        # sudo: booking is the system's, for a transaction the provider confirmed
        tx = tx.sudo()
        company = tx.company_id
        # sudo: as the system (see tx above)
        payment = (
            self.env["account.payment"]
            .sudo()
            .with_company(company)
            .create(self._payment_values(tx, **extra_create_values))
        )
        payment.action_post()
        tx.payment_id = payment
        return self._reconcile_booked(tx, payment)

    @api.model
    def _book_many(self, txs):
        """``_book`` for many confirmed transactions at once (the autopay
        job's): their payments made in one ``create`` per company, posted
        together (``action_post`` on the recordset: one journal entry each,
        made and posted as a batch) and reconciled in one reconciliation
        plan (Odoo's ``_reconcile_plan``), each payment with exactly the
        invoices its transaction paid; a transaction paying some invoices
        in part, or on account, is reconciled on its own as ``_book`` does.
        Returns the payments."""
        # sudo: booking is the system's, for transactions the provider confirmed
        txs = txs.sudo()
        Payment = self.env["account.payment"]
        for company, company_txs in txs.grouped("company_id").items():
            values = []
            for tx in company_txs:
                tx_values = self._payment_values(tx)
                if not tx_values["write_off_line_vals"]:
                    # no write-off: the journal entry is made when posted,
                    # for all the payments at once (Odoo makes one with
                    # each create that names write-off lines)
                    del tx_values["write_off_line_vals"]
                values.append(tx_values)
            # sudo: as the system (see txs above)
            payments = Payment.sudo().with_company(company).create(values)
            payments.action_post()
            plan, apart = [], []
            for tx, payment in zip(company_txs, payments, strict=True):
                tx.payment_id = payment
                lines = self._reconcile_lines(tx, payment)
                if lines is None:
                    apart.append((tx, payment))
                elif lines:
                    plan.append(lines)
            if plan:
                # sudo: as the system (see txs above)
                self.env["account.move.line"].sudo()._reconcile_plan(plan)
            for tx, payment in apart:
                self._reconcile_booked(tx, payment)
            Payment |= payments
        return Payment

    @api.model
    def _payment_values(self, tx, **extra_create_values):
        """The ``account.payment`` create values of the confirmed
        transaction ``tx`` (sudo): its amount, the early-payment discount
        and the card surcharge as write-off lines."""
        company = tx.company_id
        currency = tx.currency_id
        customer = tx.connect_customer_id
        allocation = json.loads(tx.connect_allocation or "{}")
        pay_date = fields.Date.context_today(tx, tx.create_date) if tx.create_date else None
        moves = tx.invoice_ids.filtered(lambda m: m.state == "posted")
        # the discount, as account.payment.register books it, for the
        # invoices the quote settled with their discount and still untouched
        epd_values = []
        for move in moves:
            if allocation.get(str(move.id), {}).get("discount") and (
                move._is_eligible_for_early_payment_discount(currency, pay_date)
            ):
                for aml in move.line_ids.filtered(lambda line: line.display_type == "payment_term"):
                    epd_values.append(
                        {
                            "aml": aml,
                            "amount_currency": -aml.amount_residual_currency,
                            "balance": -aml.amount_residual,
                        }
                    )
        write_off = []
        if epd_values:
            # what the discount covers: the payment register's "payment difference"
            open_amount = sum(
                allocation[str(move.id)]["discount"]
                for move in {v["aml"].move_id for v in epd_values}
            )
            open_balance = currency._convert(open_amount, company.currency_id, company, pay_date)
            for lines in (
                self.env["account.move"]
                ._get_invoice_counterpart_amls_for_early_payment_discount(epd_values, open_balance)
                .values()
            ):
                write_off += lines
        surcharge = tx.connect_surcharge
        if surcharge:
            account = (
                tx.provider_id.connect_surcharge_account_id
                or company.income_account_id
                or self.env["account.account"].search(
                    [
                        *self.env["account.account"]._check_company_domain(company),
                        ("account_type", "=", "income"),
                    ],
                    limit=1,
                )
            )
            write_off.append(
                {
                    "name": self.env._(
                        "Card surcharge (%(provider)s)", provider=tx.provider_id.name
                    ),
                    "account_id": account.id,
                    "partner_id": customer.id,
                    "amount_currency": -surcharge,
                    "balance": -currency._convert(
                        surcharge, company.currency_id, company, pay_date
                    ),
                }
            )
        method_line = tx.provider_id.journal_id.inbound_payment_method_line_ids.filtered(
            lambda line: line.payment_provider_id == tx.provider_id
        )[:1]
        return {
            "amount": abs(tx.amount),
            "payment_type": "inbound",
            "currency_id": currency.id,
            "partner_id": customer.id,
            "partner_type": "customer",
            "journal_id": tx.provider_id.journal_id.id,
            "company_id": company.id,
            "payment_method_line_id": method_line.id,
            "payment_token_id": tx.token_id.id,
            "payment_transaction_id": tx.id,
            "memo": " - ".join((tx.reference, customer.display_name, tx.provider_reference or "")),
            "write_off_line_vals": write_off,
            "connect_reason": tx.connect_reason,
            "connect_online": True,
            **extra_create_values,
        }

    @api.model
    def _reconcile_lines(self, tx, payment):
        """The lines reconciled at once for the transaction ``tx`` paying
        invoices in full (its payment's receivable line and theirs), or
        None when it is reconciled in steps (``_reconcile_booked``: on
        account, or some invoices paid in part)."""
        if tx.connect_kind == "on_account":
            return None
        allocation = json.loads(tx.connect_allocation or "{}")
        if any(values.get("partial") for values in allocation.values()):
            return None
        moves = tx.invoice_ids.filtered(lambda m: m.state == "posted")
        if not moves:
            return self.env["account.move.line"]
        return (payment.move_id.line_ids | moves.line_ids).filtered(
            lambda line: line.account_id == payment.destination_account_id and not line.reconciled
        )

    @api.model
    def _reconcile_booked(self, tx, payment):
        """Reconcile the posted ``payment`` of ``tx`` with exactly the
        invoices it paid (on account: the oldest open ones); returns it."""
        company = tx.company_id
        customer = tx.connect_customer_id
        surcharge = tx.connect_surcharge
        allocation = json.loads(tx.connect_allocation or "{}")
        moves = tx.invoice_ids.filtered(lambda m: m.state == "posted")
        receivable = payment.move_id.line_ids.filtered(
            lambda line: line.account_id == payment.destination_account_id and not line.reconciled
        )
        if tx.connect_kind == "on_account":
            # oldest first: Odoo's reconciliation plan orders by due date
            open_lines = (
                self.env["account.move.line"]
                .sudo()
                .search(
                    [
                        ("partner_id.commercial_partner_id", "=", customer.id),
                        ("company_id", "=", company.id),
                        ("account_id", "=", payment.destination_account_id.id),
                        ("parent_state", "=", "posted"),
                        ("reconciled", "=", False),
                        ("amount_residual", ">", 0),
                        ("move_id.move_type", "in", ("out_invoice", "out_receipt")),
                    ],
                    order="date_maturity, id",
                )
            )
            budget, chosen = payment.amount - surcharge, self.env["account.move.line"]
            for line in open_lines:
                if budget <= 0:
                    break
                chosen |= line
                budget -= line.amount_residual_currency
            if chosen:
                (receivable | chosen).reconcile()
                tx.invoice_ids = [Command.set(chosen.move_id.ids)]
            return payment
        # the invoices paid in full (and the credit notes) first, then the
        # ones paid in part, so that a part payment lands where it was meant
        partial_ids = {
            int(move_id) for move_id, values in allocation.items() if values.get("partial")
        }

        def lines_of(selected):
            return selected.line_ids.filtered(
                lambda line: (
                    line.account_id == payment.destination_account_id and not line.reconciled
                )
            )

        full = moves.filtered(lambda m: m.id not in partial_ids)
        if full:
            (receivable | lines_of(full)).reconcile()
        for move in moves.filtered(lambda m: m.id in partial_ids):
            credit = (receivable | lines_of(full)).filtered(
                lambda line: not line.reconciled and line.balance < 0
            )
            if credit:
                (credit | lines_of(move)).reconcile()
        return payment

    # ------------------------------------------------------------------
    # After the payment: receipt and timeline (once per transaction)
    # ------------------------------------------------------------------
    @api.model
    def _receipt_recipients(self, tx):
        """Who gets the receipt: the contact who paid, else the customer's
        billing contacts, else the customer."""
        # sudo: the payer and the customer's contacts, for the receipt
        tx = tx.sudo()
        payer = tx.partner_id
        if payer != tx.connect_customer_id and payer.email:
            return payer
        customer = tx.connect_customer_id
        billing = customer.child_ids.filtered(lambda c: c.type == "invoice" and c.email)
        return billing or customer.filtered("email")

    @api.model
    def _after_payment(self, tx):
        """The receipt e-mail with its PDF (in the e-mail history) and the
        dealer's timeline event of the booked transaction ``tx``."""
        # sudo: after the booking, as the system (see _book)
        tx = tx.sudo()
        payment = tx.payment_id
        company = tx.company_id
        recipients = self._receipt_recipients(tx)
        if recipients:
            # sudo: the receipt PDF, rendered as the system for the e-mail
            pdf, _type = (
                self.env["ir.actions.report"]
                .sudo()
                .with_company(company)
                ._render_qweb_pdf("account.action_report_payment_receipt", payment.ids)
            )
            extension = "pdf" if _type == "pdf" else "html"
            label = self.env._("Payment receipt")
            name = f"{label} {payment.name.replace('/', '-')}.{extension}"
            # the template reads the payment from its rendering context
            template = self.env.ref(
                "customer_connect_payments.mail_template_connect_payment_receipt"
            ).with_context(connect_payment_id=payment.id)
            self.env["customer_connect.mail.sender"].with_company(company)._send(
                template, recipients, "payment_receipt", attachments=[(name, pdf)]
            )
        self._record_event(tx)
        tx.connect_done = True

    @api.model
    def _record_event(self, tx):
        """The dealer's timeline: the contact who paid, or the customer for
        an express link paid without signing in."""
        Event = self.env["customer_connect.portal.event"].with_company(tx.company_id)
        payment = tx.payment_id
        # computed apart: the translation extractor cannot read an f-string
        # inside _()
        amount = f"{payment.amount:.2f} {payment.currency_id.name}"
        name = self.env._(
            "%(amount)s online (%(reference)s)", amount=amount, reference=tx.reference
        )
        user = tx.connect_user_id
        if user and user._is_portal():
            return Event._record("payment", payment, name=name, user=user)
        customer = tx.connect_customer_id
        # sudo: paid signed out (express link): the event is the system's
        return Event.sudo().create(
            {
                "kind": "payment",
                "partner_id": customer.id,
                "commercial_partner_id": customer.id,
                "company_id": tx.company_id.id,
                "res_model": payment._name,
                "res_id": payment.id,
                "name": self.env._("%(name)s, express pay link", name=name),
            }
        )

    # ------------------------------------------------------------------
    # Daily status e-mail: payments received in the day (section 50)
    # ------------------------------------------------------------------
    @api.model
    def _connect_daily_status_section(self, company, date_from, date_to):
        """The payments of ``company``'s customers made in the portal or with
        an express pay link and booked in the day (when Odoo recorded them),
        with a total per currency."""
        _ = self.env._
        # sudo: the daily status job (cron), the company's payments (domain below)
        payments = (
            self.env["account.payment"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("connect_online", "=", True),
                    ("state", "in", ("in_process", "paid")),
                    ("create_date", ">=", date_from),
                    ("create_date", "<", date_to),
                ],
                order="create_date, id",
            )
        )
        if not payments:
            return None
        lines = [
            _(
                "%(customer)s: %(amount)s (%(name)s)",
                customer=payment.partner_id.commercial_partner_id.name,
                amount=format_amount(self.env, payment.amount, payment.currency_id),
                name=payment.name,
            )
            for payment in payments
        ]
        lines = self.env["customer_connect.daily.status"]._cap_lines(lines)
        for currency, of_currency in payments.grouped("currency_id").items():
            lines.append(
                _(
                    "Total: %(amount)s in %(count)s payments",
                    amount=format_amount(self.env, sum(of_currency.mapped("amount")), currency),
                    count=len(of_currency),
                )
            )
        return {"sequence": 50, "title": _("Payments received online"), "lines": lines}

    # ------------------------------------------------------------------
    # History
    # ------------------------------------------------------------------
    @api.model
    def _history(self, customer, company, limit=50):
        """The customer's online payments in ``company``, newest first, as
        the system (the caller checked the scope)."""
        # sudo: the scope was checked by the caller (docstring)
        return (
            self.env["payment.transaction"]
            .sudo()
            .search(
                [
                    ("connect_customer_id", "=", customer.id),
                    ("company_id", "=", company.id),
                    ("state", "in", ("pending", "authorized", "done", "cancel", "error")),
                ],
                order="create_date desc, id desc",
                limit=limit,
            )
        )
