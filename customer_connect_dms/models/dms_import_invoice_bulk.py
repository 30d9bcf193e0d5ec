"""Invoices imports, many new invoices at once: written with the bulk
path (dms_bulk.py, dms_bulk_move.py) and posted as ``_post`` posts them;
their settlement entries likewise. tests/test_dms_bulk_path.py compares
every column with what create + _post write."""

from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL, float_compare, float_round

from .dms_import import IMPORT_CONTEXT

# what an account.partial.reconcile row is made of in Odoo 18's account: the
# settlements are matched in SQL only while the table has these columns and
# no other (a module adding one would be left out), else by Odoo's plan
PARTIAL_COLUMNS = {
    "id",
    "debit_move_id",
    "credit_move_id",
    "full_reconcile_id",
    "exchange_move_id",
    "debit_currency_id",
    "credit_currency_id",
    "amount",
    "debit_amount_currency",
    "credit_amount_currency",
    "company_id",
    "max_date",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
}
# what Odoo's reconciliation writes on the journal items a part settlement
# matches (the rest of its work does not apply to them, see
# _dms_match_part_settlements)
MATCHED_LINE_FIELDS = (
    "amount_residual",
    "amount_residual_currency",
    "reconciled",
    "matching_number",
)


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    @api.constrains("line_ids", "fiscal_position_id", "company_id")
    def _validate_taxes_country(self):
        """Odoo's check that the taxes of the moves' lines belong to their
        fiscal country, skipped for moves the bulk path writes none of whose
        lines has a tax (what it checks is then empty: it cannot fail). It
        first recomputes the moves' tax country one record at a time, 6 % of
        an invoice import's time (tests/bench/bench_dms_import.py)."""
        if self.env.context.get("connect_dms_bulk_post"):
            lines = self.line_ids
            if not lines.tax_ids and not lines.tax_line_id:
                return
        super()._validate_taxes_country()

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
        # the moves are written not manually modified (as account.move.create
        # leaves them): the name's inverse writes on the next move of each
        # sequence, which is no manual change either. Setting the flag after
        # the write (as create does) went through account.move.write for
        # every move, with its dynamic-line sync and balance check (1.75 s
        # of UPDATEs alone for 10,000 invoices)
        moves = Bulk._bulk_create(
            Move.with_context(skip_is_manually_modified=True, connect_dms_bulk_post=True),
            [{**vals, "is_manually_modified": False} for vals in move_vals],
        ).with_env(Move.env)
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

    @api.model
    def _dms_match_part_settlements(self, plan):
        """Match the part settlements of ``plan`` (pairs of a new invoice's
        receivable line and its settlement entry's line, as given to
        ``_reconcile_plan``) in three statements, and return the pairs left
        for Odoo's plan.

        What Odoo's ``_reconcile_plan`` does to such a pair, checked here
        before it is skipped: one partial of the settled amount (both lines
        in the company's currency, nothing matched yet, the entry's line
        consumed whole, the invoice's not), numbered "P<partial id>" on both
        lines; the residuals; the invoice "partial". No full reconciliation,
        no exchange difference (one currency), no cash-basis entry (left to
        Odoo when the company uses cash-basis taxes), no paid hook (the
        invoice stays open), no matched payment. Fields of other modules
        that depend on these are recomputed by the ORM (``modified``).
        tests/test_dms_bulk_path.py compares the result with Odoo's, column
        by column."""
        Line = self.env["account.move.line"]
        Partial = self.env["account.partial.reconcile"]
        cr = self.env.cr
        cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s",
            [Partial._table],
        )
        if {row[0] for row in cr.fetchall()} != PARTIAL_COLUMNS:
            return plan
        lines = Line.concat(*plan)
        if lines.company_id.filtered("tax_exigibility"):
            return plan
        Partial.check_access("create")
        lines.check_access("write")
        self.env.flush_all()
        cr.execute(
            SQL(
                """SELECT line.id, line.move_id, move.move_type, line.company_id,
                          company.currency_id, line.currency_id, line.balance,
                          line.amount_currency, line.amount_residual,
                          line.amount_residual_currency, line.reconciled,
                          line.matching_number, line.date, account.reconcile
                     FROM account_move_line line
                     JOIN account_move move ON move.id = line.move_id
                     JOIN res_company company ON company.id = line.company_id
                     JOIN account_account account ON account.id = line.account_id
                    WHERE line.id = ANY(%s)""",
                lines.ids,
            )
        )
        stored = {row[0]: row for row in cr.fetchall()}

        def untouched(row):
            # in the company's currency, reconcilable, nothing matched yet
            (_id, _move, _type, _company, company_currency, currency, balance) = row[:7]
            amount_currency, residual, residual_currency, reconciled, number = row[7:12]
            return (
                row[13]
                and currency == company_currency
                and not reconciled
                and not number
                and residual == balance
                and residual_currency == amount_currency == balance
            )

        rounding = self.env.company.currency_id.rounding
        matched, left = [], []
        for pair in plan:
            invoice_line, entry_line = (stored.get(line.id) for line in pair)
            settled = entry_line and -entry_line[8]
            if (
                len(pair) == 2
                and invoice_line[2] == "out_invoice"
                and entry_line[2] == "entry"
                and invoice_line[3] == entry_line[3]
                and untouched(invoice_line)
                and untouched(entry_line)
                and settled > 0
                # a part of the invoice: paid in full is a full reconciliation
                and float_compare(settled, invoice_line[8], precision_rounding=rounding) < 0
            ):
                matched.append((invoice_line, entry_line, settled))
            else:
                left.append(pair)
        if not matched:
            return plan
        now, uid = self.env.cr.now(), self.env.uid
        # Odoo numbers its partials in the plan's order: the same here
        cr.execute(
            SQL(
                """INSERT INTO account_partial_reconcile
                        (debit_move_id, credit_move_id, debit_currency_id, credit_currency_id,
                         amount, debit_amount_currency, credit_amount_currency, company_id,
                         max_date, create_uid, create_date, write_uid, write_date)
                   SELECT debit, credit, currency, currency, amount, amount, amount, company,
                          max_date, %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM unnest(%(debit)s::int[], %(credit)s::int[], %(currency)s::int[],
                                 %(amount)s::numeric[], %(company)s::int[], %(max_date)s::date[])
                          WITH ORDINALITY AS given(debit, credit, currency, amount, company,
                                                   max_date, position)
                 ORDER BY position
                RETURNING id, debit_move_id""",
                uid=uid,
                now=now,
                debit=[inv[0] for inv, _entry, _amount in matched],
                credit=[entry[0] for _inv, entry, _amount in matched],
                currency=[inv[5] for inv, _entry, _amount in matched],
                amount=[amount for _inv, _entry, amount in matched],
                company=[inv[3] for inv, _entry, _amount in matched],
                max_date=[max(inv[12], entry[12]) for inv, entry, _amount in matched],
            )
        )
        partial_of = {debit: partial for partial, debit in cr.fetchall()}
        line_ids, residuals, reconciled, numbers = [], [], [], []
        move_ids, move_residuals = [], []
        for inv, entry, amount in matched:
            number = f"P{partial_of[inv[0]]}"
            residual = float_round(inv[8] - amount, precision_rounding=rounding)
            line_ids += [inv[0], entry[0]]
            residuals += [residual, 0.0]
            reconciled += [False, True]
            numbers += [number, number]
            move_ids.append(inv[1])
            move_residuals.append(residual)
        cr.execute(
            SQL(
                """UPDATE account_move_line line
                      SET amount_residual = given.residual,
                          amount_residual_currency = given.residual,
                          reconciled = given.reconciled, matching_number = given.number,
                          write_uid = %(uid)s, write_date = %(now)s
                     FROM unnest(%(ids)s::int[], %(residual)s::numeric[], %(reconciled)s::bool[],
                                 %(number)s::varchar[]) AS given(id, residual, reconciled, number)
                    WHERE line.id = given.id""",
                uid=uid,
                now=now,
                ids=line_ids,
                residual=residuals,
                reconciled=reconciled,
                number=numbers,
            )
        )
        # an out_invoice's residual, signed or not, is its receivable line's
        cr.execute(
            SQL(
                """UPDATE account_move move
                      SET amount_residual = given.residual,
                          amount_residual_signed = given.residual, payment_state = 'partial',
                          write_uid = %(uid)s, write_date = %(now)s
                     FROM unnest(%(ids)s::int[], %(residual)s::numeric[]) AS given(id, residual)
                    WHERE move.id = given.id""",
                uid=uid,
                now=now,
                ids=move_ids,
                residual=move_residuals,
            )
        )
        partials = Partial.browse(list(partial_of.values()))
        matched_lines = Line.browse(line_ids)
        self.env.invalidate_all()
        # the moves' amounts and payment states are as written above: the
        # invoices' residuals and states changed, nothing else of the amounts
        # (Odoo's _compute_amount) of the invoices and the entries does (the
        # test compares them with what Odoo computes); any other field that
        # depends on the partials, residuals and payment states (other
        # modules', the invoices' due date) is recomputed by the ORM
        amounts = self._fields["amount_residual"].compute
        move_fields = [
            field
            for field in self._fields.values()
            if field.store and (field.compute == amounts or field.name == "payment_state")
        ]
        partial_fields = [field for field in Partial._fields.values() if field.store]
        with self.env.protecting(
            [
                (partial_fields, partials),
                ([Line._fields[name] for name in MATCHED_LINE_FIELDS], matched_lines),
                (move_fields, matched_lines.move_id),
            ]
        ):
            partials.modified([field.name for field in partial_fields], create=True)
            matched_lines.modified(MATCHED_LINE_FIELDS)
            matched_lines.move_id.modified([field.name for field in move_fields])
            self.env.flush_all()
        return left
