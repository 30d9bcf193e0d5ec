#!/usr/bin/env python3
"""Benchmark: matching a remittance of 500 lines against a customer with 10,000 open items.

What it measures
----------------
On database ``bench_remit`` (created on first run by installing our three
addons, no demo, then Odoo's generic chart of accounts), one customer,
"Bench Remit Farm", has --items (default 10,000) open invoices: one real
invoice posted through the ORM, then copies of its ``account_move`` row
made with one SQL statement (each its own number ``BR/2026/00001``...,
payment reference, the customer's own reference ``PO-<n>`` on every third,
and residual ``100.00 + n/100``, every amount once), which is what the
matching reads: one query on ``account_move`` (the copies have no journal
items; nothing in the match reads them). A second customer has 2,000 open
items (``BO/2026/...``) of the same amounts, which must never be proposed.

A remittance of --lines (default 500) lines is built: a third by invoice
number written another way (``br 2026 17``), a sixth by the customer's
reference, a third by amount alone, the rest matching nothing or two
invoices. It times, median of --runs after a warm-up:

* ``_propose`` (``customer_connect.remittance.matching``): the open items
  read in one query and every line matched in memory;
* ``_match`` of a stored remittance with those lines: the same, plus the
  proposals written to its 500 lines (one UPDATE ... FROM VALUES, the ORM's
  flush).

and counts the queries of each (``cr.sql_log_count``), checks that every
line got the match expected (by reference, by amount, none, ambiguous) and
prints the 1-minute load average beside the figures (the machine is shared).
Target: under 2 s.

How to run
----------
    export CC_STATE=$PWD/.run
    python3 tests/bench/bench_remittance.py [--reset] [--runs 5] [--items 10000] [--lines 500]

To clean up: ``source bin/lib.sh; find_odoo; start_pg; drop_db bench_remit``.
"""

# ---------------------------------------------------------------------------
# Part 1: launcher (plain python, outside Odoo)
# ---------------------------------------------------------------------------
if "env" not in globals():
    import argparse
    import os
    import sys

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from launcher import Bench

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--db", default="bench_remit", help="a name starting with bench_remit")
    parser.add_argument("--reset", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--lines", type=int, default=500)
    args = parser.parse_args()
    if not args.db.startswith("bench_remit"):
        parser.error("--db must start with bench_remit")

    bench = Bench(args.db)
    bench.ensure_db(
        "customer_connect,customer_connect_payments,customer_connect_dms",
        reset=args.reset,
        what="the addons",
    )
    rc = bench.shell(
        __file__,
        CC_BENCH_RUNS=str(args.runs),
        CC_BENCH_ITEMS=str(args.items),
        CC_BENCH_LINES=str(args.lines),
    )
    sys.exit(rc)

# ---------------------------------------------------------------------------
# Part 2: inside `odoo shell` (globals: env, odoo)
# ---------------------------------------------------------------------------
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402

from odoo import Command, fields  # noqa: E402

RUNS = int(os.environ["CC_BENCH_RUNS"])
ITEMS = int(os.environ["CC_BENCH_ITEMS"])
LINES = int(os.environ["CC_BENCH_LINES"])


def customer(name, company):
    Partner = env["res.partner"]
    found = Partner.search([("name", "=", name)], limit=1)
    return found or Partner.create(
        {"name": name, "is_company": True, "company_id": company.id, "customer_rank": 1}
    )


def fill(company, partner, count, prefix):
    """``count`` open invoices of ``partner``: one through the ORM, the rest
    copies of its account_move row (one SQL statement)."""
    Move = env["account.move"]
    have = Move.search_count([("partner_id", "=", partner.id), ("state", "=", "posted")])
    if have >= count:
        return
    invoice = Move.create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": fields.Date.today(),
            "invoice_line_ids": [
                Command.create({"name": "Blades", "price_unit": 100.0, "tax_ids": []})
            ],
        }
    )
    invoice.action_post()
    env.flush_all()
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'account_move' AND column_name NOT IN "
        "('id', 'name', 'payment_reference', 'ref', 'amount_residual', "
        "'amount_residual_signed', 'sequence_number', 'inalterable_hash', 'secure_sequence_number')"
    )
    columns = [row[0] for row in env.cr.fetchall()]
    cols = ", ".join(f'"{c}"' for c in columns)
    env.cr.execute(
        f"""
        INSERT INTO account_move ({cols}, name, payment_reference, ref, amount_residual,
                                  amount_residual_signed, sequence_number)
        SELECT {cols},
               %(prefix)s || '/2026/' || LPAD(n::text, 5, '0'),
               %(prefix)s || '/2026/' || LPAD(n::text, 5, '0'),
               CASE WHEN n %% 3 = 0 THEN 'PO-' || %(prefix)s || n END,
               100 + n / 100.0, 100 + n / 100.0, n + 1000
          FROM account_move, generate_series(1, %(count)s) AS n
         WHERE account_move.id = %(id)s
        """,
        {"prefix": prefix, "count": count - 1, "id": invoice.id},
    )
    env.cr.commit()
    env.invalidate_all()


def lines_for(count, prefix):
    """(lines, expected match kind of each)."""
    lines, expected = [], []
    for i in range(count):
        kind = i % 6
        if kind in (0, 1):  # the number written another way
            n = i + 1
            lines.append({"reference": f"{prefix.lower()} 2026 {n}", "amount": 100 + n / 100})
            expected.append("reference")
        elif kind == 2:  # the customer's own reference (every third has one)
            n = 3 * (ITEMS // 6 + i)
            lines.append({"reference": f"PO-{prefix}{n}", "amount": 100 + n / 100})
            expected.append("reference")
        elif kind in (3, 4):  # the amount alone
            n = ITEMS * 3 // 4 + i
            lines.append({"reference": f"CHQ{i}", "amount": 100 + n / 100})
            expected.append("amount")
        else:  # nothing
            lines.append({"reference": f"NOPE{i}", "amount": 1 + i / 100})
            expected.append("none")
    return lines, expected


def timed(fn):
    env.invalidate_all()
    before = env.cr.sql_log_count
    t0 = time.perf_counter()
    result = fn()
    env.flush_all()
    return time.perf_counter() - t0, env.cr.sql_log_count - before, result


company = env.ref("base.main_company")
if not company.chart_template:
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    env.cr.commit()
farm = customer("Bench Remit Farm", company)
other = customer("Bench Remit Other", company)
t0 = time.time()
fill(company, farm, ITEMS, "BR")
fill(company, other, 2000, "BO")  # the same amounts: never proposed
print(f"open items ready in {time.time() - t0:.1f}s", flush=True)

Matching = env["customer_connect.remittance.matching"]
lines, expected = lines_for(LINES, "BR")
currency = company.currency_id
propose_times, match_times = [], []
for run in range(RUNS + 1):
    elapsed, queries, proposals = timed(lambda: Matching._propose(farm, company, currency, lines))
    if run:
        propose_times.append(elapsed)
    propose_queries = queries
kinds = Counter(p["match_kind"] for p in proposals)
wrong = [
    (line, want, got["match_kind"])
    for line, want, got in zip(lines, expected, proposals, strict=True)
    if want != got["match_kind"]
]
farm_ids = set(env["account.move"].search([("commercial_partner_id", "=", farm.id)]).ids)
assert all(p["move_id"] in farm_ids for p in proposals if p["move_id"]), "another customer's"

with env.cr.savepoint(flush=False) as savepoint:
    remittance = (
        env["customer_connect.remittance"]
        .with_company(company)
        .create(
            {
                "company_id": company.id,
                "partner_id": farm.id,
                "currency_id": currency.id,
                "transfer_date": fields.Date.today(),
                "transfer_amount": sum(line["amount"] for line in lines),
                "line_ids": [
                    Command.create({"sequence": i + 1, **line}) for i, line in enumerate(lines)
                ],
            }
        )
    )
    env.flush_all()
    for run in range(RUNS + 1):
        elapsed, queries, _result = timed(lambda: Matching._match(remittance))
        if run:
            match_times.append(elapsed)
        match_queries = queries
    savepoint.rollback()

load = os.getloadavg()[0]
print(
    f"{LINES} lines against {ITEMS} open items (and {2000} of another customer), median of {RUNS}:"
)
print(
    f"  _propose: {statistics.median(propose_times):.3f} s ({propose_queries} queries); "
    f"_match with the lines written: {statistics.median(match_times):.3f} s "
    f"({match_queries} queries); target 2 s; load average {load:.1f}"
)
print(f"  matches: {dict(kinds)}; lines not as expected: {len(wrong)}")
for line, want, got in wrong[:10]:
    print(f"    {line}: expected {want}, got {got}")
