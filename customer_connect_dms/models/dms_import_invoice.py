"""Invoices imports: the columns; how each row is planned (a posted
invoice to create, a settlement to book, a due or discount date to change,
or nothing) and written: the DMS journals, the invoices posted in batches,
what the DMS reports paid booked and reconciled. The bulk posting of many
invoices: dms_import_invoice_bulk.py; their PDF copies:
dms_import_invoice_pdf.py (and dms_import_invoice_report.py for printing)."""

from odoo import Command, api, fields, models
from odoo.tools import float_compare, float_is_zero

from .account_move import DMS_JOURNAL_CODE
from .dms_import import IMPORT_CONTEXT
from .dms_import_invoice_pdf import InlinePdfSource
from .dms_import_targets import register_kind

DMS_SETTLEMENT_JOURNAL_CODE = "DMSS"
DMS_CLEARING_ACCOUNT_CODE = "DMSCLR"
POST_CHUNK = 500
# invoices are posted, settled and reconciled as the importing user: Odoo's
# "Billing" (and every group above it) gives those rights
INVOICE_IMPORT_GROUP = "account.group_account_invoice"
COLUMNS = [
    ("number", "Invoice number", "key", True),
    ("customer_number", "Customer number", "key", True),
    ("date", "Invoice date", "date", True),
    ("due_date", "Due date", "date", False),
    ("amount_total", "Total", "amount", True),
    ("amount_residual", "Outstanding", "amount", False),
    ("discount_date", "Discount date", "date", False),
    ("settlement_amount", "Settlement amount", "amount", False),
    ("description", "Description", "long_text", False),
    # the file name of the invoice's PDF copy, shipped with the export
    # (models/dms_import_invoice_pdf.py)
    ("pdf_file", "PDF copy (file name)", "pdf", False),
]
# one transaction of 100,000 invoices (with their journal items, settlements
# and reconciliations) ran out of the server's memory (limit_memory_hard)
register_kind(
    "invoices",
    "Open invoices",
    COLUMNS,
    "account.move",
    foreground_max=20000,
    groups=(INVOICE_IMPORT_GROUP,),
)


class DmsImportInvoice(models.AbstractModel):
    _inherit = "customer_connect_dms.importer"  # pylint: disable=consider-merging-classes-inherited

    def _records_with_files(self, kind, records):
        if kind != "invoices":
            return super()._records_with_files(kind, records)
        return self._inline_pdfs(records)

    def _inline_pdfs(self, records):
        """The connector's invoice dicts with their PDFs (``pdf``: base64,
        ``pdf_name``: its file name, else ``<number>.pdf``) taken out: the
        ``pdf`` cell names the file in an in-memory source. Returns the
        records and that source (None when no record sends a PDF)."""
        if not any("pdf" in record or "pdf_name" in record for record in records):
            return records, None
        source = InlinePdfSource(self._pdf_max_size(), self.env._)
        out = []
        for record in records:
            record = dict(record)
            name = record.pop("pdf_name", None)
            if record.get("pdf") not in (None, False, ""):
                name = str(name or f"{record.get('number') or 'invoice'}.pdf")
                record["pdf"] = source.add(name, record["pdf"])
            else:
                record["pdf"] = ""
            out.append(record)
        return out, source

    def _plan_invoices(self, items, columns, company):
        self.env["account.move"]._dms_plan_invoices(self, items, columns, company)

    def _apply_invoices(self, items, company):
        self.env["account.move"]._dms_apply_invoices(self, items, company)


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

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
        # sudo: configuration made once per company, as the journals above
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
                    item.vals["settle"] = currency.round(unpaid)
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
                    item.vals["settle"] = currency.round(unpaid)
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
        # given (as at their creation, skip_invoice_sync). Under the import's
        # context, and flushed in it: the invoices' payment state (tracked)
        # is recomputed in the environment that flushes, and the dealer's
        # (the wizard's, the cron's) wrote a chatter message and a tracking
        # value per settled invoice, half the import's time
        Line = self.env["account.move.line"].with_context(**IMPORT_CONTEXT, skip_invoice_sync=True)
        if Bulk._use_bulk_path(len(plan)):
            # many part settlements of new invoices: matched at once
            # (dms_import_invoice_bulk.py), a third of an import's time in
            # Odoo's plan; what they cannot take (paid in full: a full
            # reconciliation) goes through Odoo's
            plan = self.with_context(**IMPORT_CONTEXT)._dms_match_part_settlements(plan)
        if plan:
            Line._reconcile_plan(plan)
        Line.env.flush_all()
