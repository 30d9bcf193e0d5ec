"""The remittances area: a customer's remittance advice (which invoices a
bank transfer pays), its lines with the match proposed for each, the
dealer's one-click confirmation against a bank statement line, the
timeline kinds and the daily status section. The portal's sending and
reads are in portal_remittances_service.py, the reading of files in
portal_remittances_reader.py, the matching in portal_remittances_matching.py."""

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero

REMITTANCE_PAGE = 20
MATCH_KINDS = [
    ("reference", "By reference"),
    ("amount", "By amount"),
    ("ambiguous", "Ambiguous"),
    ("none", "Matches nothing"),
]


class CustomerConnectPortalEvent(models.Model):
    # each area adds its timeline kinds in its own room
    _inherit = "customer_connect.portal.event"  # pylint: disable=consider-merging-classes-inherited

    kind = fields.Selection(
        selection_add=[
            ("remittance_sent", "Sent a remittance advice"),
            ("remittance_matched", "Remittance matched"),
        ],
        ondelete={"remittance_sent": "cascade", "remittance_matched": "cascade"},
    )


class CustomerConnectRemittance(models.Model):
    """A remittance advice a customer's contact sent from the portal: the
    bank transfer (date, total, the payer's bank reference) and the
    invoices it pays, line by line. Staff confirm it against the bank
    statement line of the transfer: the statement line is reconciled with
    the matched invoices."""

    _name = "customer_connect.remittance"
    _description = "Customer Connect remittance advice"
    _inherit = "mail.thread"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, readonly=True, index=True, ondelete="restrict"
    )
    contact_id = fields.Many2one("res.partner", "Sent by", readonly=True, ondelete="set null")
    user_id = fields.Many2one("res.users", "Login", readonly=True, ondelete="set null")
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    transfer_date = fields.Date("Transfer date", required=True, readonly=True)
    transfer_amount = fields.Monetary("Transfer total", required=True, readonly=True)
    payer_reference = fields.Char("Payer's bank reference", readonly=True)
    source = fields.Selection(
        [("form", "Form"), ("file", "File")], required=True, readonly=True, default="form"
    )
    file_name = fields.Char(readonly=True)
    state = fields.Selection(
        [("received", "Waiting to be matched"), ("matched", "Matched")],
        required=True,
        default="received",
        readonly=True,
        index=True,
        tracking=True,
    )
    line_ids = fields.One2many("customer_connect.remittance.line", "remittance_id", readonly=True)
    line_count = fields.Integer(compute="_compute_line_counts")
    matched_count = fields.Integer("Lines matched", compute="_compute_line_counts")
    statement_line_id = fields.Many2one(
        "account.bank.statement.line",
        "Bank statement line",
        check_company=True,
        groups="account.group_account_invoice",
        domain="[('company_id', '=', company_id), ('is_reconciled', '=', False)]",
        copy=False,
    )
    proposed_statement_line_ids = fields.Many2many(
        "account.bank.statement.line",
        compute="_compute_proposed_statement_line_ids",
        groups="account.group_account_invoice",
        string="Bank lines of this amount",
    )
    matched_date = fields.Datetime(readonly=True, copy=False)
    matched_user_id = fields.Many2one("res.users", "Matched by", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                # the sequence is the dealer's numbering; a portal contact
                # sends remittances without reading sequences
                vals["name"] = (
                    self.env["ir.sequence"]
                    .sudo()
                    .with_company(vals.get("company_id"))
                    .next_by_code("customer_connect.remittance")
                    or "/"
                )
        return super().create(vals_list)

    @api.depends("line_ids.match_kind")
    def _compute_line_counts(self):
        for remittance in self:
            remittance.line_count = len(remittance.line_ids)
            remittance.matched_count = len(
                remittance.line_ids.filtered(
                    lambda line: line.match_kind in ("reference", "amount")
                )
            )

    @api.depends("transfer_amount", "partner_id", "company_id", "state")
    def _compute_proposed_statement_line_ids(self):
        Line = self.env["account.bank.statement.line"]
        for remittance in self:
            if remittance.state != "received" or not remittance.id:
                remittance.proposed_statement_line_ids = Line
                continue
            remittance.proposed_statement_line_ids = remittance._connect_statement_line_proposals()

    def _connect_statement_line_proposals(self):
        """Unreconciled bank statement lines of this remittance's company and
        currency for its transfer total, the customer's (or no partner's)
        first, the nearest date first."""
        self.ensure_one()
        lines = self.env["account.bank.statement.line"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("is_reconciled", "=", False),
                ("amount", "=", self.transfer_amount),
                ("partner_id", "in", (self.partner_id.id, False)),
            ],
            limit=20,
        )
        return lines.sorted(
            lambda st: (
                st.partner_id != self.partner_id,
                abs((st.date - self.transfer_date).days),
                st.id,
            )
        )

    # ------------------------------------------------------------------
    # Staff: match again, confirm
    # ------------------------------------------------------------------
    def _connect_check_staff(self):
        """Staff who confirm need Customer Connect User and Invoicing
        rights, and the remittance's record rules."""
        user = self.env.user
        if not (
            user.has_group("customer_connect.group_connect_user")
            and user.has_group("account.group_account_invoice")
        ):
            raise AccessError(
                self.env._(
                    "Matching remittances needs the Customer Connect User and "
                    "Invoicing (Billing) rights."
                )
            )
        self.check_access("write")

    def action_connect_match_again(self):
        """Propose the matches again (open invoices change: a payment came
        in, an invoice was posted)."""
        self._connect_check_staff()
        for remittance in self.filtered(lambda r: r.state == "received"):
            self.env["customer_connect.remittance.matching"]._match(remittance)
        return True

    def action_connect_confirm(self):
        """Reconcile the chosen bank statement line with the invoices of the
        matched lines, through the statement line's own journal entry: its
        suspense line is replaced by one receivable line per invoice
        (reconciled with the invoice's receivable lines) and, when the lines
        come to less than the bank line, a suspense line for the rest."""
        _ = self.env._
        self._connect_check_staff()
        for remittance in self:
            if remittance.state != "received":
                raise UserError(_("%(name)s is already matched.", name=remittance.name))
            st_line = remittance.statement_line_id
            if not st_line:
                proposals = remittance._connect_statement_line_proposals()
                if len(proposals) != 1:
                    raise UserError(
                        _(
                            "Pick the bank statement line of this transfer first "
                            "(%(count)s lines of this amount are waiting).",
                            count=len(proposals),
                        )
                    )
                st_line = proposals
            remittance._connect_reconcile(st_line)
        return True

    def _connect_reconcile(self, st_line):
        _ = self.env._
        self.ensure_one()
        # the staff member's rights were checked (_connect_check_staff: the
        # roles, the remittance's rules); the bank line and the invoices must
        # be theirs to read too (their companies)
        st_line.check_access("read")
        if st_line.company_id != self.company_id:
            raise UserError(_("This bank line belongs to another company."))
        if st_line.is_reconciled:
            raise UserError(_("This bank line is already reconciled."))
        currency = self.company_id.currency_id
        if (st_line.foreign_currency_id and st_line.foreign_currency_id != currency) or (
            st_line.currency_id != currency or self.currency_id != currency
        ):
            raise UserError(
                _(
                    "Only transfers in the company's currency are matched here: "
                    "reconcile it in Odoo."
                )
            )
        matched = self.line_ids.filtered(lambda line: line.match_kind in ("reference", "amount"))
        if not matched:
            raise UserError(_("No line of this remittance matches an invoice."))
        invoices = matched.move_id
        invoices.check_access("read")
        # sudo: checked above (Customer Connect User and Billing, the
        # remittance's rules, the bank line and invoices readable); Odoo's
        # Billing group reads bank statement lines but only accounting
        # users write them, and confirming a customer's remittance is the
        # one reconciliation Billing staff are given here
        st_line = st_line.sudo()
        matched = matched.sudo()
        # how much goes to each invoice: what the lines say, at most what it owes
        allocations = {}
        for line in matched:
            allocations[line.move_id] = allocations.get(line.move_id, 0.0) + line.amount
        receivables = {}
        for invoice, amount in list(allocations.items()):
            open_lines = invoice.line_ids.filtered(
                lambda aml: aml.account_id.account_type == "asset_receivable" and not aml.reconciled
            )
            if not open_lines or invoice.state != "posted":
                raise UserError(_("%(name)s is no longer open.", name=invoice.name))
            allocations[invoice] = min(amount, invoice.amount_residual)
            receivables[invoice] = open_lines
        total = sum(allocations.values())
        _liquidity, suspense, _other = st_line._seek_for_lines()
        open_amount = -sum(suspense.mapped("balance"))
        if (
            not suspense
            or float_compare(total, open_amount, precision_rounding=currency.rounding) > 0
        ):
            raise UserError(
                _(
                    "The matched lines come to %(total)s, more than the bank line's "
                    "%(amount)s still to reconcile.",
                    total=total,
                    amount=open_amount,
                )
            )
        if len(suspense) != 1:
            raise UserError(_("This bank line is already partly reconciled: finish it in Odoo."))
        rest = currency.round(open_amount - total)
        new_values = [
            {
                "name": _(
                    "%(remittance)s: %(invoice)s", remittance=self.name, invoice=invoice.name
                ),
                "account_id": receivables[invoice][0].account_id.id,
                "partner_id": invoice.commercial_partner_id.id,
                "currency_id": currency.id,
                "amount_currency": -amount,
                "balance": -amount,
            }
            for invoice, amount in allocations.items()
        ]
        if not float_is_zero(rest, precision_rounding=currency.rounding):
            new_values.append(
                {
                    "name": st_line.payment_ref or self.name,
                    "account_id": st_line.journal_id.suspense_account_id.id,
                    "partner_id": st_line.partner_id.id,
                    "currency_id": currency.id,
                    "amount_currency": -rest,
                    "balance": -rest,
                }
            )
        # a posted entry's line is never deleted: the suspense line becomes
        # the first invoice's counterpart, the others are added beside it
        commands = [Command.update(suspense.id, new_values[0])] + [
            Command.create(values) for values in new_values[1:]
        ]
        move = st_line.move_id
        existing = move.line_ids - suspense
        # the statement line's entry, as Odoo's own bank reconciliation
        # writes it: its lines, not the statement line's fields
        move.with_context(skip_account_move_synchronization=True, skip_readonly_check=True).write(
            {"line_ids": commands}
        )
        # the counterparts in the order of their values: the former suspense
        # line, then the lines created (the rest, last, stays unreconciled)
        counterparts = suspense + (move.line_ids - existing - suspense).sorted("id")
        for invoice, counterpart in zip(allocations, counterparts, strict=False):
            (counterpart | receivables[invoice]).reconcile()
        if not st_line.partner_id:
            st_line.with_context(
                skip_account_move_synchronization=True
            ).partner_id = self.partner_id
        self.write(
            {
                "state": "matched",
                "statement_line_id": st_line.id,
                "matched_date": fields.Datetime.now(),
                "matched_user_id": self.env.uid,
            }
        )
        self.message_post(
            body=_(
                "Matched against the bank line %(line)s: %(invoices)s.",
                line=st_line.display_name,
                invoices=", ".join(allocations_key.name for allocations_key in allocations),
            ),
            subtype_xmlid="mail.mt_note",
        )
        if self.user_id:
            self.env["customer_connect.portal.event"].with_company(self.company_id)._record(
                "remittance_matched", self, user=self.user_id
            )

    # ------------------------------------------------------------------
    # Daily status
    # ------------------------------------------------------------------
    @api.model
    def _connect_daily_status_section(self, company, date_from, date_to):
        """The remittances section of the dealer's daily status e-mail for
        ``company``: remittances received that day, and those still waiting
        to be matched at its end. None when there is nothing to say."""
        _ = self.env._
        # the daily e-mail is the dealer's own report, sent by a job
        Remittance = self.sudo()
        received = Remittance.search(
            [
                ("company_id", "=", company.id),
                ("create_date", ">=", date_from),
                ("create_date", "<", date_to),
            ],
            order="create_date, id",
        )
        waiting = Remittance.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "received"),
                ("create_date", "<", date_to),
            ],
            order="create_date, id",
        )
        if not received and not waiting:
            return None
        lines = [
            _(
                "Received: %(name)s, %(customer)s, %(amount)s on %(date)s, %(matched)s of "
                "%(count)s lines matched",
                name=remittance.name,
                customer=remittance.partner_id.name,
                amount=remittance.transfer_amount,
                date=remittance.transfer_date,
                matched=remittance.matched_count,
                count=remittance.line_count,
            )
            for remittance in received
        ]
        lines.append(_("Waiting to be matched: %(count)s remittances", count=len(waiting)))
        return {"sequence": 55, "title": _("Remittances"), "lines": lines}


class CustomerConnectRemittanceLine(models.Model):
    """A line of a remittance advice: the customer's reference of what it
    pays and the amount, with the invoice proposed for it and how (by
    reference, by amount) or why none is (matches nothing, ambiguous)."""

    _name = "customer_connect.remittance.line"
    _description = "Customer Connect remittance advice line"
    _order = "remittance_id, sequence, id"

    remittance_id = fields.Many2one(
        "customer_connect.remittance", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="remittance_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="remittance_id.partner_id", store=True, index=True)
    currency_id = fields.Many2one(related="remittance_id.currency_id")
    sequence = fields.Integer("Line")
    reference = fields.Char(required=True)
    amount = fields.Monetary(required=True)
    move_id = fields.Many2one(
        "account.move", "Invoice", ondelete="set null", index="btree_not_null"
    )
    match_kind = fields.Selection(MATCH_KINDS, "Match", required=True, default="none")
    match_note = fields.Char("Why")
    invoice_state = fields.Selection(related="move_id.payment_state", string="Invoice status")
