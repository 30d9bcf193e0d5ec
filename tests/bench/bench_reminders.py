#!/usr/bin/env python3
"""Benchmark: payment reminders for N customers queued by the reminder job.

What it measures
----------------
On database ``cc_bench_remind`` (made on first run by installing
``customer_connect_payments`` with ``--without-demo=all``), each run adds
with SQL N (default 500; the issue's figure is 10,000) customer accounts,
each with one billing contact on the company's Full access level (which
receives reminders), and two posted invoices 7 days overdue (copied in SQL
from one invoice posted by the ORM: the job reads invoices, it does not
make them); one customer in ten has a third, disputed, invoice. The company's
schedule is "-3, 7, 21, 45".

Then it runs the job as Odoo's cron runs it (one chunk per call, a commit
after each, called again while reminders wait) and prints the time, the
queries, the e-mails queued (mail.mail, state outgoing: no mail server is
reached), the invoices left out for the dispute, and the load average.

    python3 tests/bench/bench_reminders.py [--reset] [--customers 10000] [--profile FILE]

A run's reminders are of its own customers; a second run adds new ones (the
company's "planned today" mark is cleared before each run).
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
    parser.add_argument("--db", default="cc_bench_remind")
    parser.add_argument("--reset", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the job to FILE")
    args = parser.parse_args()

    bench = Bench(args.db)
    bench.ensure_db("customer_connect_payments", reset=args.reset)
    rc = bench.shell(
        __file__,
        CC_BENCH_CUSTOMERS=str(args.customers),
        CC_BENCH_PROFILE=os.path.abspath(args.profile) if args.profile else "",
    )
    sys.exit(rc)

# ---------------------------------------------------------------------------
# Part 2: inside `odoo shell` (globals: env, odoo)
# ---------------------------------------------------------------------------
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402

from odoo import Command, fields  # noqa: E402

sys.path.insert(0, os.environ["CC_BENCH_DIR"])
from bench_sql import copy_invoice  # noqa: E402

N = int(os.environ.get("CC_BENCH_CUSTOMERS", "500"))
PROFILE = os.environ.get("CC_BENCH_PROFILE")
cr = env.cr  # noqa: F821 - odoo shell global


def make_customers(tag, n, level):
    company = env.ref("base.main_company")  # noqa: F821
    uid = env.ref("base.user_admin").id  # noqa: F821
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, ref, company_id, is_company,
            customer_rank, supplier_rank, type, active, lang, partner_share, autopost_bills,
            connect_login_state, connect_state, create_uid, write_uid, create_date, write_date)
        SELECT 'Customer ' || %(tag)s || '-' || g, 'Customer ' || %(tag)s || '-' || g,
               %(tag)s || '-' || g, %(company)s, TRUE, 1, 0, 'contact', TRUE, 'en_US', TRUE,
               'ask', 'invited', 'invited', %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(n)s) g
        RETURNING id
        """,
        {"tag": tag, "company": company.id, "uid": uid, "n": n},
    )
    ids = [r[0] for r in cr.fetchall()]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [ids])
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, parent_id, commercial_partner_id,
            company_id, is_company, customer_rank, supplier_rank, type, active, lang,
            partner_share, autopost_bills, email, email_normalized, connect_access_level_id,
            connect_login_state, connect_state, create_uid, write_uid, create_date, write_date)
        SELECT 'Billing ' || p.ref, p.name || ', Billing ' || p.ref, p.id, p.id, p.company_id,
               FALSE, 0, 0, 'invoice', TRUE, 'en_US', TRUE, 'ask',
               'billing.' || lower(p.ref) || '@customer.example',
               'billing.' || lower(p.ref) || '@customer.example', %s,
               'invited', 'invited', p.create_uid, p.create_uid, now(), now()
          FROM res_partner p WHERE p.id = ANY(%s)
        """,
        [level.id, ids],
    )
    cr.commit()
    return ids


def template_invoice(customer_id, due):
    """One posted invoice by the ORM, the pattern the SQL copies follow."""
    move = env["account.move"].create(  # noqa: F821
        {
            "move_type": "out_invoice",
            "partner_id": customer_id,
            "invoice_date": due - timedelta(days=30),
            "invoice_date_due": due,
            "invoice_line_ids": [
                Command.create({"name": "Blades", "price_unit": 125.0, "tax_ids": []})
            ],
        }
    )
    move.action_post()
    move.line_ids.filtered(lambda line: line.display_type == "payment_term").date_maturity = due
    cr.commit()
    return move


def main():
    ICP = env["ir.config_parameter"]  # noqa: F821
    run = int(ICP.get_param("cc_bench.remind_run", 0)) + 1
    ICP.set_param("cc_bench.remind_run", run)
    company = env.ref("base.main_company")  # noqa: F821
    company.connect_payment_reminder_days = "-3, 7, 21, 45"
    company.connect_payment_reminder_planned_on = False
    level = env["customer_connect.access.level"]._level_by_code("full", company)  # noqa: F821
    level.can_receive_reminders = True
    cr.commit()
    # a run measures its own customers: the company is planned again today
    # (its mark cleared above), and earlier runs' invoices would be planned
    # again with it (their held lines of today written twice)
    cr.execute(
        "UPDATE res_partner SET connect_no_reminders = TRUE"
        " WHERE is_company AND ref LIKE %s AND connect_no_reminders IS NOT TRUE",
        ["RM%"],
    )
    cr.commit()
    today = fields.Date.context_today(env["res.partner"])  # noqa: F821
    t0 = time.time()
    ids = make_customers(f"RM{run}", N, level)
    due = today - timedelta(days=7)
    pattern = template_invoice(ids[0], due)
    copy_invoice(cr, pattern, ids[1:], f"BENCH{run}A")
    copy_invoice(cr, pattern, ids, f"BENCH{run}B")
    copy_invoice(cr, pattern, ids[::10], f"BENCH{run}D", disputed=True)
    cr.execute("ANALYZE account_move; ANALYZE res_partner")
    cr.commit()
    print(
        f"Run {run}: {N:,} customers, {2 * N + len(ids[::10]):,} invoices 7 days overdue "
        f"made in {time.time() - t0:.1f}s",
        flush=True,
    )
    cr.execute("SELECT coalesce(max(id), 0) FROM mail_mail")
    mail_before = cr.fetchone()[0]
    Service = env["customer_connect.payment.reminder.service"]  # noqa: F821
    Reminder = env["customer_connect.payment.reminder"]  # noqa: F821

    def run_job():
        while True:
            claimed = Service._cron_send_payment_reminders()
            cr.commit()
            env.invalidate_all()  # noqa: F821
            if not claimed and not Reminder.search_count([("state", "=", "pending")]):
                break

    env.invalidate_all()  # noqa: F821
    q0 = cr.sql_log_count
    t0 = time.perf_counter()
    if PROFILE:
        import cProfile

        profiler = cProfile.Profile()
        profiler.runcall(run_job)
        profiler.dump_stats(PROFILE)
    else:
        run_job()
    elapsed = time.perf_counter() - t0
    queries = cr.sql_log_count - q0
    load = os.getloadavg()
    cr.execute("SELECT state, count(*) FROM mail_mail WHERE id > %s GROUP BY state", [mail_before])
    mails = dict(cr.fetchall())
    cr.execute(
        """
        SELECT state, count(*) FROM customer_connect_payment_reminder_line
         WHERE partner_id = ANY(%s) GROUP BY state
        """,
        [ids],
    )
    lines = dict(cr.fetchall())
    cr.execute(
        "SELECT count(*) FROM customer_connect_payment_reminder"
        " WHERE partner_id = ANY(%s) AND state = 'sent'",
        [ids],
    )
    sent = cr.fetchone()[0]
    ok = sent == N and sum(mails.values()) == N and lines.get("held") == len(ids[::10])
    print(
        f"Payment reminders for {N:,} customers: {elapsed:.1f} s ({queries:,} queries, "
        f"{elapsed / N * 1000:.1f} ms a customer); reminders sent {sent:,}; mail.mail "
        f"{mails}; invoice lines {lines}; load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f}; check: {'OK' if ok else 'FAILED'}"
    )


main()
