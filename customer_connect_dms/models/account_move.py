from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.tools import float_compare, float_is_zero

from .dms_importer import IMPORT_CONTEXT

DMS_JOURNAL_CODE = "DMS"
DMS_SETTLEMENT_JOURNAL_CODE = "DMSS"
DMS_CLEARING_ACCOUNT_CODE = "DMSCLR"
POST_CHUNK = 500


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
        elif settlement and float_compare(settlement, residual, precision_rounding=rounding) > 0:
            item.refuse(
                column["settlement_amount"],
                _(
                    "the settlement amount (%(settlement)s) is more than the outstanding "
                    "(%(residual)s).",
                    settlement=settlement,
                    residual=residual,
                ),
            )
        elif due < values["date"]:
            item.refuse(column.get("due_date"), _("the due date is before the invoice date."))
        else:
            return {"residual": residual, "discount": (discount_date, settlement), "due": due}
        return None

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
        receivable_of = {}
        for partner in {i.vals["create"]["partner_id"] for i in creates}:
            receivable_of[partner] = (
                self.env["res.partner"]
                .browse(partner)
                .with_company(company)
                .property_account_receivable_id.id
            )
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
        moves = Bulk._bulk_create(Move, move_vals)
        # as account.move.create ends: its inverses (journal, partner, name)
        # wrote on the moves, which is no manual change
        moves.is_manually_modified = False
        line_vals = [
            {**line, "move_id": move.id}
            for move, lines in zip(moves, lines_of, strict=True)
            for line in lines
        ]
        lines = Bulk._bulk_create(
            self.env["account.move.line"].with_context(**IMPORT_CONTEXT), line_vals
        )
        for item, move in zip(items, moves, strict=True):
            item.record = move
        with moves._check_balanced({"records": moves}):
            pass
        lines._check_tax_lock_date()
        lines._check_constrains_account_id_journal_id()
        lines.filtered("analytic_distribution")._create_analytic_lines()
        # what _post does after setting the state (no future dates, no
        # reversals, no zero totals here: the checks refused them)
        by_partner = defaultdict(list)
        for move, vals in zip(moves, move_vals, strict=True):
            by_partner[vals["partner_id"]].append(move.id)
        self._dms_subscribe_customers(moves, by_partner)
        Partner = self.env["res.partner"]
        for partner_id, move_ids in by_partner.items():
            partner = Partner.browse(partner_id)
            (partner | partner.commercial_partner_id)._increase_rank("customer_rank", len(move_ids))
        self.env.flush_all()
        return moves

    @api.model
    def _dms_subscribe_customers(self, moves, move_ids_of_partner):
        """What ``message_subscribe([customer])`` does for each customer on
        its new invoices (which have no followers yet), in one create of
        followers: the partner follows with Odoo's default subtypes, the
        external ones for a customer without an internal user."""
        moves.check_access("write")  # message_subscribe's check for others
        Followers = self.env["mail.followers"].sudo()
        default, _internal, external = self.env["mail.message.subtype"].default_subtypes(self._name)
        partner_ids = list(move_ids_of_partner)
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
            moves = Bulk._bulk_create(Move, move_vals)
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
            counts = defaultdict(int)
            for line in lines:
                if line.partner_id and line.account_id.account_type == "asset_receivable":
                    counts[line.partner_id] += 1
            for partner, count in counts.items():
                (partner | partner.commercial_partner_id)._increase_rank("customer_rank", count)
            for index, move in zip(rest, moves, strict=True):
                entries_of[index] = move
        self.env.flush_all()
        return self.browse([entries_of[index].id for index in range(len(vals_list))])
