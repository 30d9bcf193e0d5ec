from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

from .dms_importer import IMPORT_CONTEXT

DMS_JOURNAL_CODE = "DMS"
DMS_SETTLEMENT_JOURNAL_CODE = "DMSS"
DMS_CLEARING_ACCOUNT_CODE = "DMSCLR"
POST_CHUNK = 500
# PDF copies written per ir.attachment.create (their bytes are in memory)
PDF_BATCH_BYTES = 64 * 1024 * 1024


class AccountMove(models.Model):
    _inherit = "account.move"

    dms_number = fields.Char(
        "DMS invoice number",
        copy=False,
        index="btree_not_null",
        readonly=True,
        help="The invoice's number in the dealer management system: imports "
        "update the invoice that has it.",
    )

    _sql_constraints = (
        (
            "dms_number_company_unique",
            "UNIQUE(company_id, move_type, dms_number)",
            "Each DMS invoice number is imported once per company.",
        ),
    )

    def _must_check_constrains_date_sequence(self):
        # imported invoices keep the number the DMS gave them (the one on the
        # customer's paper copy): the DMS, not Odoo, matches it to the date
        if self.dms_number and self.journal_id.code == DMS_JOURNAL_CODE:
            return False
        return super()._must_check_constrains_date_sequence()

    # ------------------------------------------------------------------
    # set-up: one sale journal, one journal for settlements, one clearing
    # account per company, made at the first invoice import
    # ------------------------------------------------------------------

    @api.model
    def _dms_accounting(self, company):
        """(invoice journal, settlement journal, clearing account) of
        ``company`` for DMS invoices, created on first use."""
        # configuration records made once per company by whoever runs the
        # first invoice import (an invoicing user may not create journals)
        Journal = self.env["account.journal"].sudo().with_company(company)
        journal = Journal.search(
            [("company_id", "=", company.id), ("code", "=", DMS_JOURNAL_CODE)], limit=1
        )
        if not journal:
            income = Journal.search(
                [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
            ).default_account_id
            journal = Journal.create(
                {
                    "name": self.env._("DMS invoices"),
                    "code": DMS_JOURNAL_CODE,
                    "type": "sale",
                    "company_id": company.id,
                    "default_account_id": income.id,
                }
            )
        settlement = Journal.search(
            [("company_id", "=", company.id), ("code", "=", DMS_SETTLEMENT_JOURNAL_CODE)],
            limit=1,
        )
        if not settlement:
            settlement = Journal.create(
                {
                    "name": self.env._("DMS settlements"),
                    "code": DMS_SETTLEMENT_JOURNAL_CODE,
                    "type": "general",
                    "company_id": company.id,
                }
            )
        Account = self.env["account.account"].sudo().with_company(company)
        clearing = Account.search(
            [("code", "=", DMS_CLEARING_ACCOUNT_CODE), ("company_ids", "in", company.id)], limit=1
        )
        if not clearing:
            clearing = Account.create(
                {
                    "name": self.env._("Receipts booked in the DMS"),
                    "code": DMS_CLEARING_ACCOUNT_CODE,
                    "account_type": "asset_current",
                    "company_ids": [Command.set(company.ids)],
                }
            )
        return journal.sudo(False), settlement.sudo(False), clearing.sudo(False)

    def _dms_receivable_lines(self):
        return self.line_ids.filtered(lambda line: line.display_type == "payment_term")

    # ------------------------------------------------------------------
    # the import (called by customer_connect_dms.importer)
    # ------------------------------------------------------------------

    @api.model
    def _dms_plan_invoices(self, importer, items, columns, company):
        """Plan each invoice row: create a posted invoice, settle what the
        DMS reports paid since, update its due or discount date, or nothing."""
        _ = self.env._
        importer._refuse_duplicates(items, lambda i: i.key, columns["number"][1])
        customers = importer._customers_by_number(
            {i.values.get("customer_number") for i in items if i.values.get("customer_number")},
            company,
        )
        existing = {
            m.dms_number: m
            for m in self.search_fetch(
                [
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_invoice"),
                    ("dms_number", "in", [i.key for i in items if i.key]),
                ],
                [
                    "dms_number",
                    "state",
                    "amount_total",
                    "amount_residual",
                    "partner_id",
                    "invoice_date_due",
                ],
            )
        }
        if existing:
            self.browse([m.id for m in existing.values()]).line_ids.fetch(
                ["display_type", "discount_date", "discount_amount_currency", "date_maturity"]
            )
        currency = company.currency_id
        column = {target: name for target, (_i, name) in columns.items()}
        for item in items:
            plan = None if item.errors else self._dms_check_row(item, column, customers, currency)
            if not plan:
                continue
            values = item.values
            customer = customers[values["customer_number"]]
            residual, (discount_date, settlement), due = (
                plan["residual"],
                plan["discount"],
                plan["due"],
            )
            total = values["amount_total"]
            move = existing.get(item.key)
            if not move:
                item.action = "create"
                item.vals = {
                    **plan,
                    "create": {
                        "move_type": "out_invoice",
                        "partner_id": customer.id,
                        "company_id": company.id,
                        "name": item.key,
                        "dms_number": item.key,
                        "ref": item.key,
                        "payment_reference": item.key,
                        "invoice_date": values["date"],
                        "date": values["date"],
                        "invoice_date_due": due,
                        "invoice_payment_term_id": False,
                    },
                    "total": total,
                    "label": values.get("description") or item.key,
                }
                continue
            item.record = move
            if move.state != "posted":
                item.refuse(
                    column["number"],
                    _("invoice %(number)s is not posted in Odoo (cancelled?).", number=item.key),
                )
                continue
            if move.partner_id.commercial_partner_id != customer:
                item.refuse(
                    column["customer_number"],
                    _(
                        "invoice %(number)s belongs to %(customer)s in Odoo.",
                        number=item.key,
                        customer=move.partner_id.commercial_partner_id.display_name,
                    ),
                )
                continue
            if float_compare(move.amount_total, total, precision_rounding=currency.rounding):
                item.refuse(
                    column["amount_total"],
                    _(
                        "the total changed (%(old)s in Odoo, %(new)s in the file): a posted "
                        "invoice is not changed, credit it in the DMS.",
                        old=move.amount_total,
                        new=total,
                    ),
                )
                continue
            changes = {}
            # the DMS reports less outstanding: it received the difference. More
            # outstanding than Odoo means a portal payment the DMS has not booked
            # yet: the payment export tells it, nothing to do here
            settle = move.amount_residual - residual
            if float_compare(settle, 0.0, precision_rounding=currency.rounding) > 0:
                changes["settle"] = settle
            line = move._dms_receivable_lines()[:1]
            if line.date_maturity != due:
                changes["due"] = due
            current_settlement = line.discount_amount_currency if line.discount_date else False
            if line.discount_date != discount_date or float_compare(
                current_settlement or 0.0, settlement or 0.0, precision_rounding=currency.rounding
            ):
                changes["discount"] = (discount_date, settlement)
            item.vals = changes
            item.action = "update" if changes else "unchanged"
        if "pdf_file" in columns:
            self._dms_plan_pdfs(items, column["pdf_file"], company)

    @api.model
    def _dms_check_row(self, item, column, customers, currency):
        """The row's outstanding, discount and due date, or None (and the
        row refused, naming its column) when they do not hold together."""
        _ = self.env._
        values = item.values
        number = values["customer_number"]
        if number not in customers:
            item.refuse(
                column["customer_number"],
                _("No customer has number %(number)s: import the customers first.", number=number),
            )
            return None
        total = values["amount_total"]
        residual = values.get("amount_residual")
        if residual is None or residual is False:
            residual = total
        settlement = values.get("settlement_amount") or False
        discount_date = values.get("discount_date") or False
        due = values.get("due_date") or values["date"]
        rounding = currency.rounding
        if float_compare(residual, total, precision_rounding=rounding) > 0:
            item.refuse(
                column["amount_residual"],
                _(
                    "the outstanding (%(residual)s) is more than the total (%(total)s).",
                    residual=residual,
                    total=total,
                ),
            )
        elif float_is_zero(total, precision_rounding=rounding):
            item.refuse(column["amount_total"], _("the total is zero."))
        elif bool(settlement) != bool(discount_date):
            item.refuse(
                column.get("settlement_amount") or column.get("discount_date"),
                _("a discount needs both its date and its settlement amount."),
            )
        elif settlement and float_compare(settlement, total, precision_rounding=rounding) > 0:
            # impossible whatever the invoice's state: a discount that costs
            # more than the invoice
            item.refuse(
                column["settlement_amount"],
                _(
                    "the settlement amount (%(settlement)s) is more than the total (%(total)s).",
                    settlement=settlement,
                    total=total,
                ),
            )
        elif due < values["date"]:
            item.refuse(column.get("due_date"), _("the due date is before the invoice date."))
        else:
            if settlement and not self._dms_discount_applies(
                total, residual, discount_date, rounding
            ):
                # the DMS still prints the settlement it offered on a paid or
                # part-paid invoice, or after its date: it no longer applies
                # (Odoo's own rule, _is_eligible_for_early_payment_discount),
                # so the invoice is imported without it
                discount_date = settlement = False
            return {"residual": residual, "discount": (discount_date, settlement), "due": due}
        return None

    @api.model
    def _dms_discount_applies(self, total, residual, discount_date, rounding):
        """Whether an early-payment settlement still applies: the invoice is
        open with nothing paid yet, and its discount date is today or
        later."""
        return not float_compare(
            residual, total, precision_rounding=rounding
        ) and discount_date >= fields.Date.context_today(self)

    @api.model
    def _dms_apply_invoices(self, importer, items, company):
        """Create and post the new invoices in batches, then settle and
        re-date the others: one create, one _post and one reconciliation
        plan per batch, not per invoice."""
        journal, settlement_journal, clearing = self._dms_accounting(company)
        # every line is given (revenue and receivable, balanced, as Odoo's
        # own sync would make them for a one-line invoice without tax), so
        # the per-invoice dynamic-line sync is skipped: 14 invoices a second
        # through it, measured here (tests/bench/bench_dms_import.py)
        Move = self.with_context(
            **IMPORT_CONTEXT, default_journal_id=journal.id, skip_invoice_sync=True
        )
        currency = company.currency_id
        creates = [i for i in items if i.action == "create"]
        # read together (one query, not one per customer)
        partners = (
            self.env["res.partner"]
            .browse({i.vals["create"]["partner_id"] for i in creates})
            .with_company(company)
        )
        receivable_of = {p.id: p.property_account_receivable_id.id for p in partners}
        Bulk = self.env["customer_connect_dms.bulk"]
        if Bulk._use_bulk_path(len(creates)) and self._dms_bulk_possible(creates, journal):
            # many new invoices: written and posted in bulk (below)
            self._dms_bulk_post(creates, journal, receivable_of, currency)
            for item in creates:
                unpaid = item.vals["total"] - item.vals["residual"]
                if float_compare(unpaid, 0.0, precision_rounding=currency.rounding) > 0:
                    item.vals["settle"] = unpaid
            creates = []
        for start in range(0, len(creates), POST_CHUNK):
            chunk = creates[start : start + POST_CHUNK]
            moves = Move.create(
                [self._dms_invoice_vals(i, journal, receivable_of, currency) for i in chunk]
            )
            moves._post(soft=False)
            for item, move in zip(chunk, moves, strict=True):
                item.record = move
                unpaid = item.vals["total"] - item.vals["residual"]
                if float_compare(unpaid, 0.0, precision_rounding=currency.rounding) > 0:
                    item.vals["settle"] = unpaid
        to_settle = [i for i in items if i.vals.get("settle")]
        for item in items:
            line = item.record._dms_receivable_lines()[:1]
            if "due" in item.vals and item.action == "update":
                line.with_context(**IMPORT_CONTEXT).write({"date_maturity": item.vals["due"]})
            if "discount" in item.vals and item.action == "update":
                discount_date, settlement = item.vals["discount"]
                line.with_context(**IMPORT_CONTEXT).write(
                    {
                        "discount_date": discount_date,
                        "discount_amount_currency": settlement or 0.0,
                        "discount_balance": settlement or 0.0,
                    }
                )
        if to_settle:
            self._dms_settle(to_settle, settlement_journal, clearing)
        self._dms_attach_pdfs([i for i in items if i.vals.get("pdf")])

    @api.model
    def _dms_bulk_possible(self, items, journal):
        """Whether the new invoices may take the bulk path: not when a date
        falls in a locked period (``_post`` moves such an invoice's
        accounting date) or the journal hashes its entries."""
        if journal.restrict_mode_hash_table:
            return False
        company = journal.company_id
        for day in {item.vals["create"]["date"] for item in items}:
            if company._get_violated_lock_dates(day, False, journal):
                return False
        return True

    @api.model
    def _dms_bulk_post(self, items, journal, receivable_of, currency):
        """Write the new invoices and their lines with the bulk writer
        (models/dms_bulk.py: Odoo's defaults and compute methods, COPY +
        INSERT ... SELECT), already posted, and do what ``_post`` does to a
        DMS invoice besides setting its state: the balance check, the
        journal items' checks, analytic lines, the customer as follower
        (portal access) and the customer rank. Same result as
        ``create`` + ``_post`` (tests/test_dms_bulk_path.py compares them),
        at a fraction of the per-invoice work."""
        Bulk = self.env["customer_connect_dms.bulk"]
        Move = self.with_context(**IMPORT_CONTEXT, skip_invoice_sync=True)
        move_vals, lines_of = [], []
        for item in items:
            vals = self._dms_invoice_vals(item, journal, receivable_of, currency)
            lines = [command[2] for command in vals.pop("line_ids")]
            for line in lines:
                if line["display_type"] == "payment_term":
                    # what account.move.line._compute_name makes of it after
                    # create (no payment term: "<ref> - <payment reference>")
                    line["name"] = f"{vals['ref']} - {vals['payment_reference']}"
            lines_of.append(lines)
            vals.update(
                state="posted",
                posted_before=True,
                checked=journal.autocheck_on_post,
                is_manually_modified=False,
                **Bulk._bulk_move_amounts("out_invoice", item.vals["total"]),
            )
            move_vals.append(vals)
        moves, _lines = self._dms_bulk_write_posted(Move, move_vals, lines_of)
        for item, move in zip(items, moves, strict=True):
            item.record = move
        # what _post does after setting the state (no future dates, no
        # reversals, no zero totals here: the checks refused them)
        by_partner = defaultdict(list)
        for move, vals in zip(moves, move_vals, strict=True):
            by_partner[vals["partner_id"]].append(move.id)
        self._dms_subscribe_customers(moves, by_partner)
        Partner = self.env["res.partner"]
        self._dms_increase_customer_rank(
            {
                Partner.browse(partner_id): len(move_ids)
                for partner_id, move_ids in by_partner.items()
            }
        )
        self.env.flush_all()
        return moves

    @api.model
    def _dms_bulk_write_posted(self, Move, move_vals, lines_of):
        """Write posted moves (``move_vals``) and their journal items
        (``lines_of[i]`` for move i) with the bulk writer, and check them as
        _post checks them: balanced, the tax lock date, accounts allowed in
        the journal; then their analytic lines. Return (moves, lines)."""
        Bulk = self.env["customer_connect_dms.bulk"]
        moves = Bulk._bulk_create(Move, move_vals)
        # as account.move.create ends: its inverses (journal, partner, name)
        # wrote on the moves, which is no manual change
        moves.is_manually_modified = False
        lines = Bulk._bulk_create(
            self.env["account.move.line"].with_context(**IMPORT_CONTEXT),
            [
                {**line, "move_id": move.id}
                for move, lines in zip(moves, lines_of, strict=True)
                for line in lines
            ],
        )
        with moves._check_balanced({"records": moves}):
            pass
        lines._check_tax_lock_date()
        lines._check_constrains_account_id_journal_id()
        lines.filtered("analytic_distribution")._create_analytic_lines()
        return moves, lines

    @api.model
    def _dms_increase_customer_rank(self, counts):
        """What _post does to the customer rank of each partner of
        ``counts`` ({partner: documents posted}) and of its commercial
        partner, one UPDATE per distinct increase (not per partner)."""
        increase = defaultdict(int)
        for partner, count in counts.items():
            for target in partner | partner.commercial_partner_id:
                increase[target.id] += count
        by_increase = defaultdict(list)
        for partner_id, count in increase.items():
            by_increase[count].append(partner_id)
        for count, partner_ids in by_increase.items():
            self.env["res.partner"].browse(partner_ids)._increase_rank("customer_rank", count)

    @api.model
    def _dms_subscribe_customers(self, moves, move_ids_of_partner):
        """What ``message_subscribe([customer])`` does for each customer on
        its new invoices (which have no followers yet), in one create of
        followers: the partner follows with Odoo's default subtypes, the
        external ones for a customer without an internal user."""
        moves.check_access("write")  # message_subscribe's check for others
        # followers are written as the system, as _insert_followers writes
        # them (after the access check above)
        Followers = self.env["mail.followers"].sudo()
        default, _internal, external = self.env["mail.message.subtype"].default_subtypes(self._name)
        partner_ids = list(move_ids_of_partner)
        # which partners are customers (share users or none), read as the
        # system as _add_default_followers reads it: only ids come out
        customers = set(
            self.env["res.partner"]
            .sudo()
            .search([("id", "in", partner_ids), ("partner_share", "=", True)])
            .ids
        )
        vals_list = []
        for partner_id, move_ids in move_ids_of_partner.items():
            subtypes = external.ids if partner_id in customers else default.ids
            new, _update = Followers._add_followers(
                self._name, move_ids, [partner_id], {partner_id: subtypes}, check_existing=False
            )
            vals_list += [
                dict(values, res_id=res_id)
                for res_id, values_list in new.items()
                for values in values_list
            ]
        Followers.with_context(default_partner_id=False).create(vals_list)

    @api.model
    def _dms_invoice_vals(self, item, journal, receivable_of, currency):
        """Create values of a posted-to-be invoice with all its lines."""
        vals = item.vals["create"]
        total = item.vals["total"]
        discount_date, settlement = item.vals["discount"]
        common = {"partner_id": vals["partner_id"], "currency_id": currency.id}
        return {
            **vals,
            "journal_id": journal.id,
            "currency_id": currency.id,
            "line_ids": [
                Command.create(
                    {
                        **common,
                        "display_type": "product",
                        "name": item.vals["label"],
                        "account_id": journal.default_account_id.id,
                        "quantity": 1.0,
                        "price_unit": total,
                        "tax_ids": [Command.clear()],
                        "balance": -total,
                        "amount_currency": -total,
                    }
                ),
                Command.create(
                    {
                        **common,
                        "display_type": "payment_term",
                        "name": vals["payment_reference"],
                        "account_id": receivable_of[vals["partner_id"]],
                        "balance": total,
                        "amount_currency": total,
                        "date_maturity": item.vals["due"],
                        "discount_date": discount_date,
                        "discount_amount_currency": settlement or 0.0,
                        "discount_balance": settlement or 0.0,
                    }
                ),
            ],
        }

    @api.model
    def _dms_settle(self, items, journal, clearing):
        """Book what the DMS received on each invoice (credit the receivable,
        debit the clearing account) and reconcile it with the invoice."""
        today = fields.Date.context_today(self)
        vals_list = []
        for item in items:
            move = item.record
            line = move._dms_receivable_lines()[:1]
            amount = item.vals["settle"]
            label = self.env._("Paid in the DMS: %(number)s", number=move.dms_number)
            vals_list.append(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": max(today, move.date),
                    "ref": label,
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": line.account_id.id,
                                "partner_id": line.partner_id.id,
                                "credit": amount,
                            }
                        ),
                        Command.create(
                            {
                                "name": label,
                                "account_id": clearing.id,
                                "partner_id": line.partner_id.id,
                                "debit": amount,
                            }
                        ),
                    ],
                }
            )
        Bulk = self.env["customer_connect_dms.bulk"]
        if Bulk._use_bulk_path(len(vals_list)) and not journal.restrict_mode_hash_table:
            entries = self._dms_bulk_post_entries(vals_list, journal)
        else:
            entries = self.with_context(**IMPORT_CONTEXT).create(vals_list)
            entries._post(soft=False)
        plan = []
        for item, entry in zip(items, entries, strict=True):
            receivable = item.record._dms_receivable_lines()[:1]
            plan.append(
                receivable
                + entry.line_ids.filtered(lambda l, a=receivable.account_id: l.account_id == a)
            )
        # the invoices' dynamic lines (taxes, payment terms, early payment
        # discounts) need no sync: DMS invoices have none, their lines are
        # given (as at their creation, skip_invoice_sync)
        self.env["account.move.line"].with_context(skip_invoice_sync=True)._reconcile_plan(plan)

    @api.model
    def _dms_bulk_post_entries(self, vals_list, journal):
        """The settlement entries of ``vals_list`` written in bulk and posted
        as _post posts them: numbered in the journal's sequence in the order
        _compute_name numbers them (date, reference), the first of each date
        through the ORM (its _set_next_sequence, locking the journal's last
        number), the next ones counted on from it as _set_next_sequence
        would; customer rank raised per receivable line's partner."""
        Bulk = self.env["customer_connect_dms.bulk"]
        Move = self.with_context(**IMPORT_CONTEXT)
        order = sorted(
            range(len(vals_list)), key=lambda i: (vals_list[i]["date"], vals_list[i]["ref"])
        )
        entries_of = {}
        by_date = defaultdict(list)
        for index in order:
            by_date[vals_list[index]["date"]].append(index)
        for day in sorted(by_date):
            indexes = by_date[day]
            first = Move.create(vals_list[indexes[0]])
            first._post(soft=False)
            entries_of[indexes[0]] = first
            rest = indexes[1:]
            if not rest:
                continue
            format_string, format_values = first._get_sequence_format_param(first.name)
            # what Odoo precomputes in required columns (no blank start)
            currency_id = first.currency_id.id
            move_vals, lines_of = [], []
            for number, index in enumerate(rest, start=format_values["seq"] + 1):
                vals = dict(vals_list[index])
                # display_type: what _compute_display_type gives an entry's
                # lines; the amount as balance (what the debit / credit
                # inverses make of it; one currency)
                lines = []
                for command in vals.pop("line_ids"):
                    line = dict(command[2])
                    amount = line.pop("debit", 0.0) - line.pop("credit", 0.0)
                    line.update(
                        currency_id=currency_id,
                        display_type="product",
                        balance=amount,
                        amount_currency=amount,
                    )
                    lines.append(line)
                lines_of.append(lines)
                vals.update(
                    currency_id=currency_id,
                    name=format_string.format(**{**format_values, "seq": number}),
                    state="posted",
                    posted_before=True,
                    checked=journal.autocheck_on_post,
                    **Bulk._bulk_move_amounts(
                        "entry", sum(line["balance"] for line in lines if line["balance"] > 0)
                    ),
                )
                move_vals.append(vals)
            moves, lines = self._dms_bulk_write_posted(Move, move_vals, lines_of)
            counts = defaultdict(int)
            for line in lines:
                if line.partner_id and line.account_id.account_type == "asset_receivable":
                    counts[line.partner_id] += 1
            self._dms_increase_customer_rank(counts)
            for index, move in zip(rest, moves, strict=True):
                entries_of[index] = move
        self.env.flush_all()
        return self.browse([entries_of[index].id for index in range(len(vals_list))])

    # ------------------------------------------------------------------
    # PDF copies (models/dms_pdf.py finds and checks them): kept as Odoo
    # keeps an invoice's PDF, the attachment of invoice_pdf_report_file,
    # which Odoo serves for the invoice (portal download, e-mails) and
    # ir_actions_report.py serves for printing
    # ------------------------------------------------------------------

    @api.model
    def _dms_plan_pdfs(self, items, column, company):
        """Plan the PDF copy of each row that ships one: a new invoice
        takes it; an imported invoice takes it when it has none or another
        one (by SHA-1, so the same PDF again changes nothing); a row whose
        number is an invoice made in Odoo is refused (its PDF is Odoo's)."""
        with_pdf = [i for i in items if not i.errors and i.values.get("pdf_file")]
        if not with_pdf:
            return
        made_in_odoo = {
            move.name
            for move in self.search_fetch(
                [
                    ("company_id", "=", company.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("dms_number", "=", False),
                    ("name", "in", [i.key for i in with_pdf if i.action == "create"]),
                ],
                ["name"],
            )
        }
        Attachment = self.env["ir.attachment"]
        records = self.browse([i.record.id for i in with_pdf if i.record])
        copies = {}
        if records:
            copies = {
                a.res_id: a.checksum
                for a in Attachment.search_fetch(
                    [
                        ("res_model", "=", self._name),
                        ("res_id", "in", records.ids),
                        ("res_field", "=", "invoice_pdf_report_file"),
                    ],
                    ["res_id", "checksum"],
                )
            }
        for item in with_pdf:
            pdf = item.values["pdf_file"]
            if item.action == "create":
                if item.key in made_in_odoo:
                    item.refuse(
                        column,
                        self.env._(
                            "invoice %(number)s was made in Odoo, not imported from the DMS: "
                            "its PDF is Odoo's own and is not replaced.",
                            number=item.key,
                        ),
                    )
                    continue
                item.vals["pdf"] = pdf
            elif copies.get(item.record.id) != pdf.checksum:
                item.vals["pdf"] = pdf
                item.action = "update"

    @api.model
    def _dms_attach_pdfs(self, items):
        """Attach the planned PDF copies (``item.vals["pdf"]``) to the
        invoices ``item.record``, as the ORM keeps invoice_pdf_report_file:
        ir.attachment rows with res_model / res_id / res_field, created in
        batches (one create for many invoices, bounded in bytes). A copy an
        invoice already has is replaced: the DMS corrected its document;
        the previous copy stays on the invoice as an ordinary attachment
        and a note says so."""
        if not items:
            return
        moves = self.browse([item.record.id for item in items])
        not_dms = moves.filtered(lambda move: not move.dms_number)
        if not_dms:
            raise UserError(
                self.env._(
                    "%(invoices)s were made in Odoo, not imported from the DMS: a PDF copy "
                    "from the DMS is not attached to them.",
                    invoices=", ".join(not_dms.mapped("display_name")),
                )
            )
        # the importer's own right to change these invoices, once for all;
        # then the attachments as the system (ir.attachment.create would
        # check each invoice again, with its own queries)
        moves.check_access("write")
        Attachment = self.env["ir.attachment"].sudo()
        field = "invoice_pdf_report_file"
        old = Attachment.search(
            [("res_model", "=", self._name), ("res_id", "in", moves.ids), ("res_field", "=", field)]
        )
        if old:
            today = fields.Date.context_today(self)
            for attachment in old:
                stem, dot, ext = attachment.name.rpartition(".")
                attachment.write(
                    {
                        "res_field": False,
                        "name": self.env._(
                            "%(name)s (replaced on %(date)s).%(ext)s",
                            name=stem if dot else attachment.name,
                            date=today,
                            ext=ext if dot else "pdf",
                        ),
                    }
                )
            replaced = self.browse(old.mapped("res_id"))
            for move in replaced:
                move.message_post(
                    body=self.env._(
                        "The DMS sent a corrected PDF copy of this invoice; the previous copy "
                        "is kept in the attachments."
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        batch, size = [], 0
        for item in items:
            pdf = item.vals["pdf"]
            batch.append(
                {
                    "name": pdf.file_name,
                    "raw": pdf.read(),
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": item.record.id,
                    "res_field": field,
                }
            )
            size += pdf.size
            if size >= PDF_BATCH_BYTES:
                Attachment.create(batch)
                batch, size = [], 0
        if batch:
            Attachment.create(batch)
        moves.invalidate_recordset(["invoice_pdf_report_id", field])
