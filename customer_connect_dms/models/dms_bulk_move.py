"""The bulk path's account.move and account.move.line: their stored
computed fields filled in the rows, as Odoo computes them for the shapes an
invoices import writes (one currency, no taxes, no products); the column
test (tests/test_dms_bulk_path.py) compares them."""

import re

from odoo import api, fields, models


class DmsBulkMove(models.AbstractModel):
    _inherit = "customer_connect_dms.bulk"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _bulk_move_amounts(self, move_type, total):
        """The stored amounts of a new DMS invoice (``out_invoice``, one
        untaxed line of ``total``, unpaid) or settlement entry (``entry``,
        balanced, ``total`` on each side), as _compute_amount gives them;
        the caller passes them in the move's values."""
        if move_type == "out_invoice":
            return {
                **dict.fromkeys(self.MOVE_AMOUNTS, total),
                "amount_tax": 0.0,
                "amount_tax_signed": 0.0,
            }
        if move_type == "entry":
            return {
                **dict.fromkeys(self.MOVE_AMOUNTS, 0.0),
                "amount_total": total,
                "amount_total_signed": abs(total),
                "amount_total_in_currency_signed": abs(total),
            }
        raise ValueError(f"bulk path: no amounts for {move_type}")

    def _bulk_computed_account_move(self, Move, rows, ids):
        """Fill the stored computed fields of new DMS moves that do not
        depend on the partner: amounts (given by the caller, see
        _bulk_move_amounts), payment state, sequence parts, and the fields
        whose compute is constant for these moves. The partner's (fiscal
        position, bank, shipping address, salesperson, team...) are left to
        Odoo's computes, batched. Return (filled, unchanged elsewhere,
        inverses done)."""
        fields_ = Move._fields
        companies = self.env["res.company"].browse({row["company_id"] for row in rows})
        currency_of = {company.id: company.currency_id.id for company in companies}
        storno = any(companies.mapped("account_storno"))
        if (
            storno
            or any(row.get("move_type") not in ("out_invoice", "entry") for row in rows)
            or any(row.get("currency_id") != currency_of[row["company_id"]] for row in rows)
            or any(name not in row for row in rows for name in self.MOVE_AMOUNTS)
            or any(row.get("auto_post", "no") != "no" for row in rows)
        ):
            return (), (), ()
        today = fields.Date.context_today(Move)
        # sequence_mixin._compute_split_sequence, its regex made once
        regex = re.compile(
            Move._make_regex_non_capturing(Move._sequence_fixed_regex.replace(r"?P<seq>", ""))
        )
        Partner = self.env["res.partner"].with_context(active_test=False)
        partners = {
            p.id: p
            for p in Partner.browse({row["partner_id"] for row in rows if row.get("partner_id")})
        }
        for row in rows:
            invoice = row["move_type"] == "out_invoice"
            partner = partners.get(row.get("partner_id"))
            name = row.get("name") or ""
            matching = regex.match(name)
            row["sequence_prefix"] = name[: matching.start(1)]
            row["sequence_number"] = int(matching.group(1) or 0)
            row["payment_state"] = "not_paid"
            row["commercial_partner_id"] = partner.commercial_partner_id.id if partner else None
            if partner:
                row["invoice_partner_display_name"] = partner.display_name
            # no taxes: an invoice is never "always exigible", an entry without
            # cash basis taxes always is
            row["always_tax_exigible"] = not invoice
            row["invoice_currency_rate"] = 1.0 if invoice else None
            row["is_storno"] = False
            row["auto_post_until"] = None
            row["delivery_date"] = None
            row.setdefault("incoterm_location", None)
            if not invoice:
                # _compute_invoice_date_due: no payment terms, none given
                row.setdefault("invoice_date_due", today)
            if "connect_in_dispute" in fields_:
                row["connect_in_dispute"] = False
        filled = [
            *self.MOVE_AMOUNTS,
            "sequence_prefix",
            "sequence_number",
            "payment_state",
            "commercial_partner_id",
            "always_tax_exigible",
            "invoice_currency_rate",
            "is_storno",
            "auto_post_until",
            "delivery_date",
            "incoterm_location",
            "invoice_date_due",
        ]
        if "connect_in_dispute" in fields_:
            filled.append("connect_in_dispute")
        if all(row.get("partner_id") for row in rows):
            # _compute_invoice_partner_display_info; without a partner it
            # names the creator, in the account module's words
            filled.append("invoice_partner_display_name")
        filled += self._bulk_move_partner_fields(Move, rows)
        filled += self._bulk_move_sequence_gaps(Move, rows)
        # inverses with nothing to do on moves without lines yet (partner,
        # payment terms, currency: they reach the lines, given after) or on
        # values given (journal, company: they recompute what is given); the
        # name's is kept (it clears the next move's sequence gap)
        inverses_done = {
            "partner_id",
            "journal_id",
            "company_id",
            "currency_id",
            "invoice_payment_term_id",
            "payment_reference",
        }
        return filled, (), inverses_done

    def _bulk_move_sequence_gaps(self, Move, rows):
        """Fill ``made_sequence_gap`` in ``rows`` (posted moves whose
        sequence parts are filled) as _compute_made_sequence_gap finds it
        after the insert: the number before a move's is neither in the
        journal's sequence already nor among the new moves. Return the
        names filled."""
        if "made_sequence_gap" not in Move._fields or any(
            row.get("state") != "posted" for row in rows
        ):
            return []
        numbers_of = {}
        for row in rows:
            key = (row["journal_id"], row["sequence_prefix"])
            numbers_of.setdefault(key, set()).add(row["sequence_number"])
        cr = self.env.cr
        for (journal_id, prefix), numbers in numbers_of.items():
            # every move of the journal counts, as the compute's sudo search
            cr.execute(
                "SELECT sequence_number FROM account_move WHERE journal_id = %s "
                "AND sequence_prefix = %s AND sequence_number BETWEEN %s AND %s",
                [journal_id, prefix, min(numbers) - 1, max(numbers) - 1],
            )
            numbers.update(row[0] for row in cr.fetchall())
        for row in rows:
            number = row["sequence_number"]
            known = numbers_of[(row["journal_id"], row["sequence_prefix"])]
            row["made_sequence_gap"] = number > 1 and (number - 1) not in known
        return ["made_sequence_gap"]

    def _bulk_move_partner_fields(self, Move, rows):
        """Fill MOVE_PARTNER_FIELDS (those of the model no row gives) in
        ``rows`` with Odoo's own computes, run once on a new record per
        distinct MOVE_PARTNER_KEY; return their names."""
        fields_ = Move._fields
        # not given by any row: absent, or the empty value a precomputed field
        # starts from (_bulk_values), which Odoo would compute after the
        # insert and write again, an UPDATE of every new move
        names = [
            name
            for name in self.MOVE_PARTNER_FIELDS
            if name in fields_ and fields_[name].store and all(not row.get(name) for row in rows)
        ]
        if not names:
            return []
        keys = list(dict.fromkeys(tuple(row.get(k) for k in self.MOVE_PARTNER_KEY) for row in rows))
        # one recordset of new records: each compute runs once for all of them
        news = Move.concat(
            *(Move.new(dict(zip(self.MOVE_PARTNER_KEY, key, strict=True))) for key in keys)
        )
        values_of = {}
        for key, new in zip(keys, news, strict=True):
            values = {}
            for name in names:
                value = new[name]
                if fields_[name].type == "many2one":
                    value = value.id or None
                values[name] = value or None
            values_of[key] = values
        for row in rows:
            row.update(values_of[tuple(row.get(k) for k in self.MOVE_PARTNER_KEY)])
        return names

    def _bulk_computed_account_move_line(self, Line, rows, ids):
        """Fill the stored computed fields of the journal items of new DMS
        moves (company currency, no taxes, no products): what the move gives
        them, debit and credit, residual amounts, totals, sequence. Return
        (filled, unchanged elsewhere, inverses done)."""
        cr = self.env.cr
        move_ids = list({row["move_id"] for row in rows})
        cr.execute(
            """SELECT m.id, m.company_id, c.currency_id, m.journal_id, m.date, m.invoice_date,
                      m.name, m.state, m.ref, m.origin_payment_id, m.statement_line_id,
                      m.move_type
                 FROM account_move m JOIN res_company c ON c.id = m.company_id
                WHERE m.id = ANY(%s)""",
            [move_ids],
        )
        moves = {row[0]: row[1:] for row in cr.fetchall()}
        account_ids = list({row["account_id"] for row in rows})
        cr.execute(
            "SELECT id, reconcile OR account_type IN ('asset_cash', 'liability_credit_card') "
            "FROM account_account WHERE id = ANY(%s)",
            [account_ids],
        )
        reconcilable = dict(cr.fetchall())
        accounts_with_taxes = self.env["account.account"].browse(account_ids).filtered("tax_ids")
        analytic_models = self.env["account.analytic.distribution.model"].search_count([], limit=1)
        if (
            accounts_with_taxes
            or analytic_models
            or any(
                row.get("product_id")
                or row.get("tax_repartition_line_id")
                or row.get("display_type") not in ("product", "payment_term")
                or row.get("currency_id") != moves[row["move_id"]][1]
                or row.get("amount_currency") != row.get("balance")
                or moves[row["move_id"]][9]  # a bank statement's line
                for row in rows
            )
        ):
            return (), (), ()
        currencies = {}
        sequence_of = {"payment_term": 12000}
        for row in rows:
            (
                company_id,
                currency_id,
                journal_id,
                day,
                invoice_date,
                move_name,
                state,
                ref,
                payment_id,
                _statement_line_id,
                move_type,
            ) = moves[row["move_id"]]
            if currency_id not in currencies:
                currencies[currency_id] = self.env["res.currency"].browse(currency_id)
            currency = currencies[currency_id]
            balance = currency.round(row["balance"])
            row.update(
                company_id=company_id,
                company_currency_id=currency_id,
                journal_id=journal_id,
                date=day,
                invoice_date=invoice_date,
                move_name=move_name,
                parent_state=state,
                ref=ref,
                payment_id=payment_id,
                statement_line_id=None,
                statement_id=None,
                debit=max(0.0, balance),
                credit=max(0.0, -balance),
                tax_group_id=None,
                tax_line_id=None,
                tax_tag_invert=False,
                product_uom_id=None,
                analytic_distribution=None,
                sequence=sequence_of.get(row["display_type"], 100),
            )
            if reconcilable[row["account_id"]]:
                row.update(amount_residual=balance, amount_residual_currency=balance)
                row["reconciled"] = currency.is_zero(balance)
            else:
                row.update(amount_residual=0.0, amount_residual_currency=0.0, reconciled=False)
            if row["display_type"] == "product":
                # _compute_quantity; _compute_totals without taxes (an entry's
                # product line counts its amount, an invoice's its price)
                if move_type == "entry":
                    row["quantity"] = row.get("quantity") or 1.0
                    amount = row["amount_currency"]
                else:
                    row["quantity"] = row.get("quantity") or 1.0
                    discount = row.get("discount") or 0.0
                    amount = row.get("price_unit", 0.0) * row["quantity"] * (1 - discount / 100.0)
                row["price_subtotal"] = row["price_total"] = currency.round(amount)
            else:
                row["quantity"] = False
                row["price_subtotal"] = row["price_total"] = False
        filled = [
            "company_id",
            "company_currency_id",
            "journal_id",
            "date",
            "invoice_date",
            "move_name",
            "parent_state",
            "ref",
            "payment_id",
            "statement_line_id",
            "statement_id",
            "debit",
            "credit",
            "tax_group_id",
            "tax_line_id",
            "tax_tag_invert",
            "tax_ids",
            "product_uom_id",
            "analytic_distribution",
            "sequence",
            "amount_residual",
            "amount_residual_currency",
            "reconciled",
            "quantity",
            "price_subtotal",
            "price_total",
        ]
        # the account's inverse re-creates the analytic lines (none: no
        # distribution) and recomputes taxes from the account (none); the
        # partner's recomputes a receivable account (given); the amount's
        # sets the balance (given, equal)
        inverses_done = {"account_id", "partner_id", "amount_currency"}
        # the moves' fields computed from their lines, already given with the
        # moves (_bulk_computed_account_move): what these lines make of them
        unchanged = [
            ("account.move", name)
            for name in (
                *self.MOVE_AMOUNTS,
                "payment_state",
                "always_tax_exigible",
                "invoice_date_due",
            )
        ]
        return filled, unchanged, inverses_done
