"""Matching a remittance's lines to the customer's open invoices, for the
portal (when the contact sends it) and for staff (Match again).

One query reads the customer's open invoices in the remittance's company
and currency (10,000 open items are read in one go), then every line is
matched in memory: first by reference (the invoice number, its payment
reference, the customer's own reference, each normalised), then by amount
among the invoices no line took by reference. Nothing is guessed: a line
whose reference or amount fits two invoices, or whose amount is on two
lines, is shown as ambiguous; a line that fits none, as matching nothing."""

import re
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

TOKEN_RE = re.compile(r"[A-Z]+|[0-9]+")


def reference_keys(text):
    """The keys a reference is known by: its letters and numbers in order,
    numbers without leading zeros (``INV/2026/0012``, ``inv 2026 12`` and
    ``INV-2026-012`` are one key), and all its letters and digits as
    written, run together (``INV20260012``)."""
    upper = str(text or "").upper()
    tokens = TOKEN_RE.findall(upper)
    if not tokens:
        return ()
    tokenised = "-".join(t if t.isalpha() else str(int(t)) for t in tokens)
    compact = "".join(tokens)
    return (tokenised, compact) if compact != tokenised else (tokenised,)


class CustomerConnectRemittanceMatching(models.AbstractModel):
    """Proposes, for each line of a remittance advice, the open invoice it
    pays, by reference then by amount, never guessing."""

    _name = "customer_connect.remittance.matching"
    _description = "Customer Connect remittance matching"

    @api.model
    def _open_invoices(self, customer, company, currency):
        """[(id, name, payment reference, customer reference, residual in
        cents)] of ``customer``'s open invoices in ``company`` and
        ``currency``: one query."""
        self.env["account.move"].flush_model(
            [
                "name",
                "payment_reference",
                "ref",
                "amount_residual",
                "state",
                "move_type",
                "payment_state",
                "commercial_partner_id",
                "company_id",
                "currency_id",
            ]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT id, name, payment_reference, ref,
                       ROUND(amount_residual * %(factor)s)::bigint
                  FROM account_move
                 WHERE commercial_partner_id = %(customer)s
                   AND company_id = %(company)s
                   AND currency_id = %(currency)s
                   AND state = 'posted'
                   AND move_type = 'out_invoice'
                   AND payment_state IN ('not_paid', 'partial')
                   AND amount_residual > 0
                """,
                factor=10**currency.decimal_places,
                customer=customer.id,
                company=company.id,
                currency=currency.id,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _propose(self, customer, company, currency, lines):
        """For ``lines`` ([{"reference", "amount"}], amounts in ``currency``),
        the list of {"move_id", "match_kind", "match_note"} in the same
        order."""
        _ = self.env._
        factor = 10**currency.decimal_places
        invoices = self._open_invoices(customer, company, currency)
        by_key = defaultdict(set)
        by_cents = defaultdict(set)
        names = {}
        for invoice_id, name, payment_reference, ref, cents in invoices:
            names[invoice_id] = name
            by_cents[cents].add(invoice_id)
            for text in (name, payment_reference, ref):
                for key in reference_keys(text):
                    by_key[key].add(invoice_id)
        results = [None] * len(lines)
        taken = {}  # invoice id: index of the line that took it by reference
        # 1. by reference: the first key that names invoices decides
        for index, line in enumerate(lines):
            found = set()
            for key in reference_keys(line["reference"]):
                found = by_key.get(key, set())
                if found:
                    break
            if len(found) > 1:
                results[index] = {
                    "move_id": False,
                    "match_kind": "ambiguous",
                    "match_note": _(
                        "%(count)s invoices carry that reference: %(names)s",
                        count=len(found),
                        names=", ".join(sorted(names[i] for i in found)[:5]),
                    ),
                }
            elif found:
                (invoice_id,) = found
                if invoice_id in taken:
                    results[index] = {
                        "move_id": False,
                        "match_kind": "ambiguous",
                        "match_note": _(
                            "%(name)s is already paid by line %(line)s",
                            name=names[invoice_id],
                            line=lines[taken[invoice_id]].get("sequence") or taken[invoice_id] + 1,
                        ),
                    }
                else:
                    taken[invoice_id] = index
                    results[index] = {
                        "move_id": invoice_id,
                        "match_kind": "reference",
                        "match_note": False,
                    }
        # 2. by amount, among the invoices left and the lines left; an amount
        # on two lines, or owed by two invoices, is no match
        left = [i for i, result in enumerate(results) if result is None]
        cents_of = {i: round(lines[i]["amount"] * factor) for i in left}
        lines_by_cents = defaultdict(list)
        for index in left:
            lines_by_cents[cents_of[index]].append(index)
        for index in left:
            cents = cents_of[index]
            candidates = by_cents.get(cents, set()) - set(taken)
            if not candidates:
                results[index] = {
                    "move_id": False,
                    "match_kind": "none",
                    "match_note": _(
                        "matches nothing: no open invoice has that reference or amount"
                    ),
                }
            elif len(candidates) > 1:
                results[index] = {
                    "move_id": False,
                    "match_kind": "ambiguous",
                    "match_note": _(
                        "%(count)s invoices of that amount: %(names)s",
                        count=len(candidates),
                        names=", ".join(sorted(names[i] for i in candidates)[:5]),
                    ),
                }
            elif len(lines_by_cents[cents]) > 1:
                results[index] = {
                    "move_id": False,
                    "match_kind": "ambiguous",
                    "match_note": _(
                        "%(count)s lines of that amount for one invoice",
                        count=len(lines_by_cents[cents]),
                    ),
                }
            else:
                results[index] = {
                    "move_id": next(iter(candidates)),
                    "match_kind": "amount",
                    "match_note": False,
                }
        return results

    @api.model
    def _match(self, remittance):
        """Propose again the match of each line of ``remittance`` (staff's
        Match again); the lines are written in one statement."""
        lines = remittance.line_ids
        proposals = self._propose(
            remittance.partner_id,
            remittance.company_id,
            remittance.currency_id,
            [
                {"reference": line.reference, "amount": line.amount, "sequence": line.sequence}
                for line in lines
            ],
        )
        for line, values in zip(lines, proposals, strict=True):
            line.write(values)
        lines.flush_recordset()
        return proposals
