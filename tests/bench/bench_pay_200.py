#!/usr/bin/env python3
"""Benchmark: paying 200 selected invoices in one online payment vs Odoo's "pay all overdue".

What it measures
----------------
On database ``bench_pay`` (created on first run by installing our three
addons and Odoo's demo payment provider ``payment_demo``, with
``--without-demo=all``, then Odoo's generic chart of accounts if the main
company has none), one customer, "Bench Pay Farm", has --invoices (default
200) posted, overdue invoices (one line, no tax) and a billing contact with a
portal login (invited by a staff user, signed up with the invitation's
token, "full" access level). The demo provider is published on the
company's bank journal.

Two flows pay the same 200 invoices, each inside a savepoint rolled back
afterwards (so both, and every run, start from the same open invoices):

* ours: as the portal contact, ``customer_connect.payment.service``
  ``_quote`` (the server's amount of the selection), ``_quote_from_token``,
  ``_transaction_values`` (row locks, invoices already being paid) and the
  transaction's creation with the values our controller gives
  ``_create_transaction``; then the provider's confirmation
  (``_handle_notification_data('demo', ...)``) and ``_post_process``: the
  payment posted and reconciled with the 200 invoices, then the receipt
  (PDF and e-mail) and the timeline event, timed apart;
* Odoo's: what ``/invoice/transaction/overdue`` does for the same contact
  (the overdue invoices searched with ``_get_overdue_invoices_domain``'s
  domain, the reference computed from their names, the transaction created
  with ``invoice_ids``), then the same confirmation and ``_post_process``
  (account_payment's ``_create_payment``: post, reconcile).

Server time is wall time in process (``odoo shell``, no HTTP), ORM flushed
at the end of each stage; queries are ``cr.sql_log_count``. Median of --runs
after a warm-up run. It checks after each of our runs that the payment is
posted and all 200 invoices have nothing left to pay (before the rollback).

Last, with the invoices committed, two database connections start a payment
of the same invoices at the same time: the first locks them, the second is
refused at once (``FOR UPDATE NOWAIT``), which the test suite cannot show
(its data is never committed).

How to run
----------
    export CC_STATE=$PWD/.run
    python3 tests/bench/bench_pay_200.py [--reset] [--runs 5] [--invoices 200]

``--db`` must start with ``bench_pay``. To clean up:
``source bin/lib.sh; find_odoo; start_pg; drop_db bench_pay``.
"""

# ---------------------------------------------------------------------------
# Part 1: launcher (plain python, outside Odoo)
# ---------------------------------------------------------------------------
if "env" not in globals():
    import argparse
    import os
    import sys
    import time

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from launcher import Bench

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--db", default="bench_pay", help="a name starting with bench_pay")
    parser.add_argument("--reset", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--invoices", type=int, default=200)
    parser.add_argument("--profile", help="write a cProfile of our confirmation stage to this file")
    args = parser.parse_args()
    if not args.db.startswith("bench_pay"):
        parser.error("--db must start with bench_pay")

    bench = Bench(args.db)
    bench.ensure_db(
        "customer_connect,customer_connect_payments,customer_connect_dms,payment_demo",
        reset=args.reset,
        what="the addons and payment_demo",
    )
    rc = bench.shell(
        __file__,
        CC_BENCH_RUNS=str(args.runs),
        CC_BENCH_INVOICES=str(args.invoices),
        CC_BENCH_PROFILE=args.profile or "",
    )
    sys.exit(rc)

# ---------------------------------------------------------------------------
# Part 2: inside `odoo shell` (globals: env, odoo)
# ---------------------------------------------------------------------------
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402

from odoo import Command, fields  # noqa: E402
from odoo.exceptions import UserError  # noqa: E402

RUNS = int(os.environ["CC_BENCH_RUNS"])
N = int(os.environ["CC_BENCH_INVOICES"])
PASSWORD = "Bench-pay-2026"


def setup():
    company = env.ref("base.main_company")
    if not company.chart_template:
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    Partner = env["res.partner"]
    customer = Partner.search([("name", "=", "Bench Pay Farm")], limit=1)
    if not customer:
        customer = Partner.create(
            {
                "name": "Bench Pay Farm",
                "is_company": True,
                "ref": "BP001",
                "company_id": company.id,
                "customer_rank": 1,
                "child_ids": [
                    Command.create(
                        {
                            "name": "Bench Payables",
                            "type": "invoice",
                            "email": "pay@bench-farm.example",
                        }
                    )
                ],
            }
        )
        staff = env["res.users"].create(
            {
                "name": "Bench Staff",
                "login": "bench_pay_staff",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            env.ref("customer_connect.group_connect_admin").id,
                            env.ref("account.group_account_invoice").id,
                        ]
                    )
                ],
            }
        )
        contact = customer.child_ids
        contact.with_user(staff)._connect_invite()
        log = env["customer_connect.mail.log"].search([("partner_id", "=", contact.id)], limit=1)
        import re
        from urllib.parse import unquote

        token = unquote(
            re.search(r"token=([A-Za-z0-9_\-=%.]+)", str(log.mail_id.body_html)).group(1)
        )
        env["res.users"].sudo().signup({"login": contact.email, "password": PASSWORD}, token)
        level = env["customer_connect.access.level"]._level_by_code("full", company)
        contact.with_user(staff).connect_access_level_id = level
    contact = customer.child_ids[:1]
    user = contact.with_context(active_test=False).user_ids[:1]
    provider = env.ref("payment.payment_provider_demo")
    if provider.state != "test" or not provider.journal_id:
        bank = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        provider.write({"state": "test", "is_published": True, "journal_id": bank.id})
    Move = env["account.move"]
    domain = [
        ("partner_id", "child_of", customer.id),
        ("state", "=", "posted"),
        ("amount_residual", ">", 0),
    ]
    missing = N - Move.search_count(domain)
    if missing > 0:
        date = fields.Date.today() - timedelta(days=60)
        moves = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": date,
                    "invoice_date_due": date + timedelta(days=30),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": f"Bench part {i}",
                                "quantity": 1,
                                "price_unit": 100 + i,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for i in range(missing)
            ]
        )
        moves.action_post()
    env.cr.commit()
    invoices = Move.search(domain, order="invoice_date_due, id", limit=N)
    return company, customer, contact, user, provider, invoices


def stage(fn):
    cr = env.cr
    env.invalidate_all()
    q0 = cr.sql_log_count
    t0 = time.perf_counter()
    result = fn()
    env.flush_all()
    return result, time.perf_counter() - t0, cr.sql_log_count - q0


def confirm(tx):
    Tx = env["payment.transaction"].sudo()
    Tx._handle_notification_data(
        "demo", {"reference": tx.reference, "simulated_state": "done", "payment_details": "4242"}
    )
    tx._post_process()
    return tx


def ours(company, customer, contact, user, provider, invoices):
    Service = env["customer_connect.payment.service"].with_user(user).with_company(company)
    times = {}

    def start():
        scope_customer, scope_company = Service._scope()
        quote = Service._quote(scope_customer, scope_company, invoices.ids)
        token = Service._quote_token(quote)
        quote = Service._quote_from_token(token, scope_customer, scope_company)
        amount, values = Service._transaction_values(quote, quote["amount"], provider, user=user)
        # what PaymentPortal._create_transaction does with them
        Tx = env["payment.transaction"].sudo()
        reference = Tx._compute_reference(provider.code, prefix=f"{customer.ref}-ONLINE", **values)
        return Tx.create(
            {
                "provider_id": provider.id,
                "payment_method_id": provider.payment_method_ids[:1].id,
                "reference": reference,
                "amount": amount,
                "currency_id": quote["currency"].id,
                "partner_id": contact.id,
                "operation": "online_direct",
                "landing_route": "/my/payments",
                **values,
            }
        )

    tx, times["start"], q_start = stage(start)
    # the booking alone (our _post_process, receipt and event excluded)
    Service_sys = env["customer_connect.payment.service"].sudo()

    def book():
        env["payment.transaction"].sudo()._handle_notification_data(
            "demo",
            {"reference": tx.reference, "simulated_state": "done", "payment_details": "4242"},
        )
        tx.payment_id = tx._create_payment()
        return tx.payment_id

    if os.environ.get("CC_BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        payment, times["book"], q_book = stage(book)
        profiler.disable()
        profiler.dump_stats(os.environ["CC_BENCH_PROFILE"])
    else:
        payment, times["book"], q_book = stage(book)
    _r, times["after"], q_after = stage(lambda: Service_sys._after_payment(tx))
    left = [m for m in invoices if not m.currency_id.is_zero(m.amount_residual)]
    assert payment.state in ("in_process", "paid"), payment.state
    assert not left, f"{len(left)} invoices still open"
    assert len(payment.reconciled_invoice_ids) == len(invoices)
    return times, {"start": q_start, "book": q_book, "after": q_after}


def odoos(company, customer, contact, user, provider, invoices):
    times = {}

    def start():
        # /invoice/transaction/overdue as this contact: its overdue invoices
        overdue = (
            env["account.move"]
            .with_user(user)
            .search(
                [
                    ("state", "not in", ("cancel", "draft")),
                    ("move_type", "in", ("out_invoice", "out_receipt")),
                    ("payment_state", "not in", ("in_payment", "paid")),
                    ("invoice_date_due", "<", fields.Date.today()),
                    ("partner_id", "=", user.partner_id.commercial_partner_id.id),
                ]
            )
        )
        Tx = env["payment.transaction"].sudo()
        values = {"invoice_ids": [Command.set(overdue.ids)], "reference": None}
        reference = Tx._compute_reference(provider.code, **values)
        values["reference"] = reference
        return Tx.create(
            {
                "provider_id": provider.id,
                "payment_method_id": provider.payment_method_ids[:1].id,
                "amount": sum(overdue.mapped("amount_residual")),
                "currency_id": overdue.currency_id.id,
                "partner_id": contact.id,
                "operation": "online_direct",
                "landing_route": "/my/invoices",
                **values,
            }
        )

    tx, times["start"], q_start = stage(start)

    def book():
        env["payment.transaction"].sudo()._handle_notification_data(
            "demo",
            {"reference": tx.reference, "simulated_state": "done", "payment_details": "4242"},
        )
        return tx._create_payment()

    payment, times["book"], q_book = stage(book)
    assert len(payment.reconciled_invoice_ids) == len(invoices), len(payment.reconciled_invoice_ids)
    return times, {"start": q_start, "book": q_book}


def run_rolled_back(fn, *args):
    with env.cr.savepoint(flush=False) as sp:
        try:
            return fn(*args)
        finally:
            sp.rollback()
            env.invalidate_all()


def two_connections(company, user, invoices):
    """Two payments of the same (committed) invoices at the same moment."""
    import odoo

    registry = odoo.modules.registry.Registry(env.cr.dbname)
    outcome = []
    with registry.cursor() as cr1, registry.cursor() as cr2:
        for cr in (cr1, cr2):
            e = odoo.api.Environment(cr, user.id, {})
            Service = e["customer_connect.payment.service"].with_company(company)
            customer, scope_company = Service._scope()
            quote = Service._quote(customer, scope_company, invoices.ids)
            try:
                Service._lock_and_check(quote)
                outcome.append("locked")
            except UserError as error:
                outcome.append(f"refused: {error.args[0]}")
        cr1.rollback()
        cr2.rollback()
    return outcome


company, customer, contact, user, provider, invoices = setup()
print(
    f"{len(invoices)} open overdue invoices of {customer.name}, provider {provider.name}",
    flush=True,
)
run_rolled_back(ours, company, customer, contact, user, provider, invoices)  # warm-up
run_rolled_back(odoos, company, customer, contact, user, provider, invoices)
rows = {"ours": [], "odoo": []}
for _i in range(RUNS):
    rows["ours"].append(run_rolled_back(ours, company, customer, contact, user, provider, invoices))
    rows["odoo"].append(
        run_rolled_back(odoos, company, customer, contact, user, provider, invoices)
    )


def med(side, key):
    return statistics.median(r[0][key] for r in rows[side])


def medq(side, key):
    return statistics.median(r[1][key] for r in rows[side])


print(f"\nmedian of {RUNS} runs, {len(invoices)} invoices, seconds (queries)")
print(f"{'stage':<40}{'ours':>16}{'Odoo overdue':>18}")
print(
    f"{'start: amount + transaction':<40}{med('ours', 'start'):>9.3f} ({medq('ours', 'start'):>4.0f}){med('odoo', 'start'):>11.3f} ({medq('odoo', 'start'):>4.0f})"
)
print(
    f"{'confirm: payment posted + reconciled':<40}{med('ours', 'book'):>9.3f} ({medq('ours', 'book'):>4.0f}){med('odoo', 'book'):>11.3f} ({medq('odoo', 'book'):>4.0f})"
)
print(
    f"{'receipt (PDF + e-mail) + timeline':<40}{med('ours', 'after'):>9.3f} ({medq('ours', 'after'):>4.0f}){'-':>18}"
)
ours_total = med("ours", "start") + med("ours", "book")
odoo_total = med("odoo", "start") + med("odoo", "book")
print(f"{'start + confirm':<40}{ours_total:>16.3f}{odoo_total:>18.3f}")
print(f"\nratio ours / Odoo (start + confirm): {ours_total / odoo_total:.2f}")
print(
    f"target: payment posted and reconciled with all {len(invoices)} under 3 s: "
    f"{'MET' if ours_total < 3 else 'MISSED'} ({ours_total:.2f} s; with the receipt {ours_total + med('ours', 'after'):.2f} s)"
)
print(
    "\ntwo connections paying the same invoices at once:", two_connections(company, user, invoices)
)
