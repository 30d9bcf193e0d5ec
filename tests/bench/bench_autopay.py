#!/usr/bin/env python3
"""Benchmark: the autopay job charging N customers' due invoices with the demo provider.

What it measures
----------------
On database ``bench_autopay`` (made on first run by installing our three
addons and Odoo's demo payment provider ``payment_demo``, with
``--without-demo=all``, then Odoo's generic chart of accounts), each run
adds N (default 50; the issue's figure is 1,000) customer accounts with SQL,
each with a billing contact, a saved card of the demo provider (a
``payment.token`` that the demo provider charges: ``demo_simulated_state``
done), autopay on (maximum 1,000, on the due date) and one posted invoice
of 125.00 due today (copied in SQL from one invoice posted by the ORM: the
job reads and pays invoices, it does not make them).

Then it runs the job as Odoo's cron runs it (``_cron_charge``, a commit after
each call, called again while set-ups wait) and prints the time until every
customer is charged and booked, the queries, and the load average. Each
charge is a ``payment.transaction`` on the token, ``_send_payment_request``,
committed on its own; the charges of a call (100 set-ups) are then booked
together (one ``account.payment`` create, one post, one reconciliation plan,
then Odoo's ``_post_process``). That time is the issue's figure (charged,
booked, every invoice paid). The receipts (e-mail with a PDF made by
wkhtmltopdf) are not in it: they follow once nothing is left to charge,
``RECEIPTS`` a call; it times one call of the receipts stage
(``--receipts``, default 10) apart, prints what all N would take at that
pace, and leaves the rest queued.

It checks: each customer charged once (one transaction done), every invoice
paid; then a second run in the same minute charges nothing, and a third with
the "looked at" mark cleared (as if an hour had passed) charges nothing
either (nothing is due any more).

    python3 tests/bench/bench_autopay.py [--reset] [--customers 1000] [--receipts 10] [--profile FILE]

``--db`` must start with ``bench_autopay``. To clean up:
``source bin/lib.sh; find_odoo; start_pg; drop_db bench_autopay``.
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
    parser.add_argument("--db", default="bench_autopay", help="a name starting with bench_autopay")
    parser.add_argument("--reset", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--receipts", type=int, default=10)
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the job to FILE")
    args = parser.parse_args()
    if not args.db.startswith("bench_autopay"):
        parser.error("--db must start with bench_autopay")

    bench = Bench(args.db)
    bench.ensure_db(
        "customer_connect,customer_connect_payments,customer_connect_dms,payment_demo",
        reset=args.reset,
        what="the addons and payment_demo",
    )
    rc = bench.shell(
        __file__,
        CC_BENCH_CUSTOMERS=str(args.customers),
        CC_BENCH_RECEIPTS=str(args.receipts),
        CC_BENCH_PROFILE=os.path.abspath(args.profile) if args.profile else "",
    )
    sys.exit(rc)

# ---------------------------------------------------------------------------
# Part 2: inside `odoo shell` (globals: env, odoo)
# ---------------------------------------------------------------------------
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from odoo import Command, fields  # noqa: E402

sys.path.insert(0, os.environ["CC_BENCH_DIR"])
from bench_sql import copy_invoice  # noqa: E402

N = int(os.environ.get("CC_BENCH_CUSTOMERS", "50"))
RECEIPTS = int(os.environ.get("CC_BENCH_RECEIPTS", "10"))
PROFILE = os.environ.get("CC_BENCH_PROFILE")
cr = env.cr  # noqa: F821 - odoo shell global


def setup_company():
    company = env.ref("base.main_company")  # noqa: F821
    if not company.chart_template:
        env["account.chart.template"].try_loading(  # noqa: F821
            "generic_coa", company, install_demo=False
        )
        cr.commit()
    provider = env.ref("payment.payment_provider_demo")  # noqa: F821
    if provider.state != "test" or not provider.journal_id or not provider.allow_tokenization:
        bank = env["account.journal"].search(  # noqa: F821
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        provider.write(
            {
                "state": "test",
                "is_published": True,
                "journal_id": bank.id,
                "allow_tokenization": True,
            }
        )
    cr.commit()
    return company, provider


def make_customers(tag, n, company):
    """``n`` customers and their billing contacts (SQL); (customer ids,
    contact ids) in the same order."""
    uid = env.ref("base.user_admin").id  # noqa: F821
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, ref, company_id, is_company,
            customer_rank, supplier_rank, type, active, lang, partner_share, autopost_bills,
            connect_login_state, connect_state, create_uid, write_uid, create_date, write_date)
        SELECT 'Customer ' || %(tag)s || '-' || g, 'Customer ' || %(tag)s || '-' || g,
               %(tag)s || '-' || g, %(company)s, TRUE, 1, 0, 'contact', TRUE, 'en_US', TRUE,
               'ask', 'not_invited', 'not_invited', %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(n)s) g
         ORDER BY g
        RETURNING id
        """,
        {"tag": tag, "company": company.id, "uid": uid, "n": n},
    )
    customers = sorted(r[0] for r in cr.fetchall())
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [customers])
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, parent_id, commercial_partner_id,
            company_id, is_company, customer_rank, supplier_rank, type, active, lang,
            partner_share, autopost_bills, email, email_normalized,
            connect_login_state, connect_state, create_uid, write_uid, create_date, write_date)
        SELECT 'Billing ' || p.ref, p.name || ', Billing ' || p.ref, p.id, p.id, p.company_id,
               FALSE, 0, 0, 'invoice', TRUE, 'en_US', TRUE, 'ask',
               'billing.' || lower(p.ref) || '@customer.example',
               'billing.' || lower(p.ref) || '@customer.example',
               'not_invited', 'not_invited', p.create_uid, p.create_uid, now(), now()
          FROM res_partner p WHERE p.id = ANY(%s)
         ORDER BY p.id
        RETURNING id, parent_id
        """,
        [customers],
    )
    contact_of = {parent: contact for contact, parent in cr.fetchall()}
    cr.commit()
    return customers, [contact_of[c] for c in customers]


def template_invoice(customer_id, today):
    """One posted invoice by the ORM, the pattern the SQL copies follow."""
    move = env["account.move"].create(  # noqa: F821
        {
            "move_type": "out_invoice",
            "partner_id": customer_id,
            "invoice_date": today,
            "invoice_date_due": today,
            "invoice_line_ids": [
                Command.create({"name": "Blades", "price_unit": 125.0, "tax_ids": []})
            ],
        }
    )
    move.action_post()
    cr.commit()
    return move


def main():
    run = int(time.time())  # names apart from earlier runs' customers and invoices
    company, provider = setup_company()
    today = fields.Date.context_today(env["res.partner"])  # noqa: F821
    t0 = time.time()
    customers, contacts = make_customers(f"AP{run}", N, company)
    tokens = env[
        "payment.token"
    ].create(  # noqa: F821
        [
            {
                "provider_id": provider.id,
                "payment_method_id": provider.payment_method_ids[:1].id,
                "partner_id": contact,
                "payment_details": "4242",
                "provider_ref": f"bench-{contact}",
                "demo_simulated_state": "done",
            }
            for contact in contacts
        ]
    )
    Autopay = env["customer_connect.autopay"]  # noqa: F821
    autopays = Autopay.create(
        [
            {
                "customer_id": customer,
                "company_id": company.id,
                "token_id": token.id,
                "contact_id": contact,
                "max_amount": 1000.0,
            }
            for customer, contact, token in zip(customers, contacts, tokens, strict=True)
        ]
    )
    pattern = template_invoice(customers[0], today)
    copy_invoice(cr, pattern, customers[1:], f"BENCHAP{run}")
    cr.execute("ANALYZE account_move; ANALYZE account_move_line; ANALYZE res_partner")
    cr.commit()
    print(
        f"Run {run}: {N:,} customers on autopay, each with an invoice of 125.00 due today, "
        f"made in {time.time() - t0:.1f}s",
        flush=True,
    )
    ids = tuple(autopays.ids)

    def charges():
        cr.execute(
            """
            SELECT count(*), count(DISTINCT connect_autopay_id) FROM payment_transaction
             WHERE connect_autopay_id IN %s AND state = 'done'
            """,
            [ids],
        )
        return cr.fetchone()

    def run_job(receipts=0):
        calls = 0
        while True:
            calls += 1
            claimed = Autopay._cron_charge(receipts=receipts)
            cr.commit()
            env.invalidate_all()  # noqa: F821
            if not claimed:
                return calls

    env.invalidate_all()  # noqa: F821
    q0 = cr.sql_log_count
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    if PROFILE:
        import cProfile

        profiler = cProfile.Profile()
        calls = profiler.runcall(run_job)
        profiler.dump_stats(PROFILE)
    else:
        calls = run_job()
    elapsed = time.perf_counter() - t0
    # this process's CPU (Odoo's Python, not PostgreSQL's): what the wall
    # time would shrink towards on a machine not shared with others
    cpu = time.process_time() - cpu0
    queries = cr.sql_log_count - q0
    load = os.getloadavg()
    done, charged = charges()
    cr.execute(
        "SELECT count(*) FROM account_move WHERE commercial_partner_id = ANY(%s) "
        "AND move_type = 'out_invoice' AND amount_residual > 0",
        [customers],
    )
    open_left = cr.fetchone()[0]
    print(
        f"Charged and booked {charged:,} customers ({done:,} transactions done; receipts "
        f"apart, below) in {elapsed:.1f} s ({cpu:.1f} s of Odoo's CPU), "
        f"{calls} calls of the job, {queries:,} queries, {elapsed / N * 1000:.0f} ms a "
        f"customer; invoices left open {open_left}; load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        flush=True,
    )
    # a second run in the same minute, and one as if an hour had passed
    t1 = time.perf_counter()
    again = run_job()
    cr.execute("UPDATE customer_connect_autopay SET checked_at = NULL WHERE id IN %s", [ids])
    cr.commit()
    later = run_job()
    done_after, _charged = charges()
    print(
        f"Second run: {done_after - done} new charges ({again} call); with the mark cleared: "
        f"{later} call, {time.perf_counter() - t1:.1f} s",
        flush=True,
    )
    # the receipts stage, one call (PDFs by wkhtmltopdf)
    t2 = time.perf_counter()
    sent = Autopay._send_receipts(RECEIPTS) if RECEIPTS else 0
    cr.commit()
    receipts_time = time.perf_counter() - t2
    waiting = Autopay._count_receipts_waiting()
    print(
        f"Receipts: {sent} sent in {receipts_time:.1f} s "
        f"({receipts_time / max(sent, 1):.2f} s each: all {N:,} about "
        f"{receipts_time / max(sent, 1) * N:.0f} s more, by the job after the charges), "
        f"{waiting:,} queued; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        flush=True,
    )
    ok = done == N and charged == N and open_left == 0 and done_after == done
    print(
        f"check: {'OK' if ok else 'FAILED'} (each charged once, every invoice paid, nothing "
        f"charged again); target under 60 s (charged and booked, receipts apart): "
        f"{'met' if elapsed < 60 else 'NOT met'}"
    )


main()
