#!/usr/bin/env python3
"""Benchmark: bulk invitation of 5,000 customers vs Odoo's "Grant Portal Access".

What it measures
----------------
On database ``cc_bench_invite`` (created on first run by installing
``customer_connect`` with ``--without-demo=all``), each run adds with SQL two
fresh sets of N (default 5,000) customer accounts, each with one billing
contact (type invoice, unique e-mail), then:

1. Customer Connect bulk invitation, as the bench user ``cc_bench_user``
   (group customer_connect.group_connect_user):
   (a) the request: ``env['customer_connect.invite.batch']._create_for(customers)``
       plus its commit;
   (b) the job: ``_cron_process()`` run as the cron runs it (superuser,
       committing after each chunk) until every line of the batch is done;
   and checks that N mail.mail were created and only queued (state outgoing):
   no mail server is reached (there is no cron worker in ``odoo shell``).
2. Odoo's own wizard on the second set, as ``base.user_admin`` (Customer
   Connect keeps sign-up links, which the wizard's e-mail carries, to
   administrators): ``portal.wizard`` created with
   ``active_ids`` = the billing contacts, then ``action_grant_access()`` on each
   ``portal.wizard.user`` line, one at a time with a commit after each (one
   click = one request in the UI). The wizard sends its e-mail at once
   (``force_send=True``); to keep the network out of the figure, SMTP is
   skipped the way Odoo's test mode does (``odoo.modules.module.current_test``),
   so the mail is built and marked sent but not transmitted: the figure is a
   lower bound of the real wizard. If after --portal-sample lines the projected
   time exceeds --portal-max-seconds (15 min), the run stops there and the
   total is extrapolated linearly (and said so).

Prints times, SQL query counts and the ratio.

How to run
----------
    python3 tests/bench/bench_bulk_invite.py                 # db cc_bench_invite
    python3 tests/bench/bench_bulk_invite.py --reset         # rebuild the database
    python3 tests/bench/bench_bulk_invite.py --customers 1000 --portal-max-seconds 300

It uses bin/lib.sh (find_odoo, start_pg, addons_path): the throwaway
PostgreSQL of .run/pg, a data dir under .run/bench/, no HTTP. The script is
then fed to ``odoo shell`` on stdin (it detects that by the ``env`` global).
It is a benchmark, not a test: bin/test does not run tests/bench. Each run
adds 2 x N customers (its own e-mail addresses), so it can be repeated.
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
    parser.add_argument("--db", default="cc_bench_invite")
    parser.add_argument("--reset", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument(
        "--portal-customers",
        type=int,
        default=None,
        help="customers for Odoo's portal wizard (default: --customers)",
    )
    parser.add_argument(
        "--portal-max-seconds",
        type=float,
        default=900,
        help="if the wizard's projected time exceeds this after the sample, "
        "stop there and extrapolate linearly (default 900 = 15 min)",
    )
    parser.add_argument("--portal-sample", type=int, default=500)
    parser.add_argument(
        "--skip-portal", action="store_true", help="measure Customer Connect only (no wizard)"
    )
    parser.add_argument(
        "--profile", metavar="FILE", help="write a cProfile of the job to FILE (pstats format)"
    )
    args = parser.parse_args()

    bench = Bench(args.db)
    bench.ensure_db("customer_connect", reset=args.reset)
    rc = bench.shell(
        __file__,
        CC_BENCH_CUSTOMERS=str(args.customers),
        CC_BENCH_PORTAL_CUSTOMERS=str(args.portal_customers or args.customers),
        CC_BENCH_PORTAL_MAX=str(args.portal_max_seconds),
        CC_BENCH_PORTAL_SAMPLE=str(args.portal_sample),
        CC_BENCH_SKIP_PORTAL="1" if args.skip_portal else "",
        CC_BENCH_PROFILE=os.path.abspath(args.profile) if args.profile else "",
    )
    sys.exit(rc)

# ---------------------------------------------------------------------------
# Part 2: inside `odoo shell` (globals: env, odoo)
# ---------------------------------------------------------------------------
import os  # noqa: E402
import time  # noqa: E402

import odoo.modules.module  # noqa: E402
from odoo import api  # noqa: E402

N = int(os.environ.get("CC_BENCH_CUSTOMERS", "5000"))
N_PORTAL = int(os.environ.get("CC_BENCH_PORTAL_CUSTOMERS", str(N)))
PORTAL_MAX = float(os.environ.get("CC_BENCH_PORTAL_MAX", "900"))
PORTAL_SAMPLE = int(os.environ.get("CC_BENCH_PORTAL_SAMPLE", "500"))
SKIP_PORTAL = bool(os.environ.get("CC_BENCH_SKIP_PORTAL"))
PROFILE = os.environ.get("CC_BENCH_PROFILE")
cr = env.cr  # noqa: F821 - odoo shell global


def make_customers(tag, n):
    """n customer accounts, each with one billing contact; returns (customers, contacts)."""
    company = env.ref("base.main_company")  # noqa: F821
    uid = env.ref("base.user_admin").id  # noqa: F821
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, ref, city, company_id, is_company,
            customer_rank, supplier_rank, type, active, lang, partner_share, autopost_bills,
            connect_login_state, connect_state, create_uid, write_uid, create_date, write_date)
        SELECT 'Customer ' || %(tag)s || '-' || g, 'Customer ' || %(tag)s || '-' || g,
               %(tag)s || '-' || g, 'Springfield', %(company)s, TRUE, 1, 0, 'contact', TRUE,
               'en_US', TRUE, 'ask', 'not_invited', 'not_invited', %(uid)s, %(uid)s, now(), now()
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
            company_id, city, is_company, customer_rank, supplier_rank, type, active, lang,
            partner_share, autopost_bills, email, email_normalized,
            connect_login_state, connect_state, create_uid, write_uid, create_date, write_date)
        SELECT 'Billing ' || p.ref, p.name || ', Billing ' || p.ref, p.id, p.id, p.company_id,
               p.city, FALSE, 0, 0, 'invoice', TRUE, 'en_US', TRUE, 'ask',
               'billing.' || lower(p.ref) || '@customer.example',
               'billing.' || lower(p.ref) || '@customer.example',
               'not_invited', 'not_invited', p.create_uid, p.create_uid, now(), now()
          FROM res_partner p WHERE p.id = ANY(%s)
        RETURNING id
        """,
        [ids],
    )
    contact_ids = [r[0] for r in cr.fetchall()]
    cr.commit()
    cr.execute("ANALYZE res_partner")
    cr.commit()
    return env["res.partner"].browse(ids), env["res.partner"].browse(contact_ids)  # noqa: F821


def bench_user():
    Users = env["res.users"].with_context(no_reset_password=True)  # noqa: F821
    user = Users.search([("login", "=", "cc_bench_user")])
    if not user:
        user = Users.create(
            {
                "name": "Bench Dealer User",
                "login": "cc_bench_user",
                "email": "cc_bench_user@dealer.example",
                "groups_id": [(6, 0, [env.ref("customer_connect.group_connect_user").id])],  # noqa: F821
            }
        )
        cr.commit()
    return user


def fmt(seconds):
    return f"{seconds:8.1f} s" if seconds < 600 else f"{seconds:8.1f} s ({seconds / 60:.1f} min)"


def main():
    ICP = env["ir.config_parameter"]  # noqa: F821
    run = int(ICP.get_param("cc_bench.invite_run", 0)) + 1
    ICP.set_param("cc_bench.invite_run", run)
    cr.commit()
    user = bench_user()
    t0 = time.time()
    customers_a, contacts_a = make_customers(f"R{run}A", N)
    _customers_b, contacts_b = make_customers(f"R{run}B", 0 if SKIP_PORTAL else N_PORTAL)
    cr.execute("SELECT count(*) FROM res_partner")
    print(
        f"Run {run}: made {N:,} + {N_PORTAL:,} customers with a billing contact in "
        f"{time.time() - t0:.1f}s; res.partner rows now {cr.fetchone()[0]:,}",
        flush=True,
    )
    cr.execute("SELECT coalesce(max(id), 0) FROM mail_mail")
    mail_before = cr.fetchone()[0]

    # -- 1a. the request: queue the batch
    uenv = api.Environment(cr, user.id, {"lang": "en_US", "tz": "Europe/Brussels"})
    env.invalidate_all()  # noqa: F821
    q0 = cr.sql_log_count
    t0 = time.perf_counter()
    batch = uenv["customer_connect.invite.batch"]._create_for(
        uenv["res.partner"].browse(customers_a.ids)
    )
    cr.commit()
    t_request = time.perf_counter() - t0
    q_request = cr.sql_log_count - q0
    print(f"request done in {t_request:.2f}s", flush=True)

    # -- 1b. the job, as Odoo's cron runs it: one chunk per call, a commit
    # after each, called again while _notify_progress says work remains
    env.invalidate_all()  # noqa: F821
    q0 = cr.sql_log_count
    t0 = time.perf_counter()
    Line = env["customer_connect.invite.batch.line"]  # noqa: F821

    def run_job():
        while Line.search_count([("result", "=", "pending")]):
            env["customer_connect.invite.batch"]._cron_process()  # noqa: F821
            cr.commit()

    if PROFILE:
        import cProfile

        profiler = cProfile.Profile()
        profiler.runcall(run_job)
        profiler.dump_stats(PROFILE)
    else:
        run_job()
    t_job = time.perf_counter() - t0
    q_job = cr.sql_log_count - q0
    env.invalidate_all()  # noqa: F821
    batch = env["customer_connect.invite.batch"].browse(batch.id)  # noqa: F821
    cr.execute(
        "SELECT state, count(*) FROM mail_mail WHERE id > %s GROUP BY state",
        [mail_before],
    )
    mails = dict(cr.fetchall())
    cr.execute(
        "SELECT count(DISTINCT recipient) FROM customer_connect_mail_log l JOIN mail_mail m"
        " ON m.id = l.mail_id WHERE m.id > %s AND l.kind = 'invitation'",
        [mail_before],
    )
    logs = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FROM customer_connect_invite_batch_line WHERE batch_id = %s"
        " AND contact_id = ANY(%s)",
        [batch.id, contacts_a.ids],
    )
    billing_chosen = cr.fetchone()[0]
    print(f"job done in {t_job:.1f}s", flush=True)
    if SKIP_PORTAL:
        print(
            f"Customer Connect bulk invitation of {N:,} customers: request {t_request:.2f} s "
            f"({q_request:,} queries), job {t_job:.1f} s ({q_job:,} queries, "
            f"{t_job / N * 1000:.1f} ms/customer); invited {batch.count_invited:,}, refused "
            f"{batch.count_refused:,}; mail.mail {mails}; history rows {logs:,}; billing "
            f"contact chosen for {billing_chosen:,}"
        )
        return

    # -- 2. Odoo's Grant Portal Access wizard, one line at a time
    cr.execute("SELECT coalesce(max(id), 0) FROM mail_mail")
    mail_before_portal = cr.fetchone()[0]
    env.invalidate_all()  # noqa: F821
    q0 = cr.sql_log_count
    t0 = time.perf_counter()
    # Odoo's wizard as the administrator: its grant reads the new login's
    # sign-up URL for the welcome e-mail, which Customer Connect keeps to
    # administrators ("Only administrators may obtain sign-up links", F1/F2);
    # a dealer's staff member with Customer Connect rights invites through
    # ours instead
    wenv = api.Environment(
        cr,
        env.ref("base.user_admin").id,  # noqa: F821
        {
            "lang": "en_US",
            "tz": "Europe/Brussels",
            "active_ids": contacts_b.ids,
            "active_model": "res.partner",
        },
    )
    wizard = wenv["portal.wizard"].create({})
    lines = wizard.user_ids
    cr.commit()
    t_wizard_open = time.perf_counter() - t0
    print(f"portal.wizard with {len(lines):,} lines created in {t_wizard_open:.1f}s", flush=True)
    previous = odoo.modules.module.current_test
    odoo.modules.module.current_test = True  # skip SMTP like Odoo's test mode
    done = 0
    extrapolated = False
    try:
        for line in lines:
            line.action_grant_access()
            cr.commit()
            done += 1
            if done % 100 == 0:
                print(f"  granted {done:,} ({time.perf_counter() - t0:.0f}s)", flush=True)
            if done == PORTAL_SAMPLE and done < len(lines):
                elapsed = time.perf_counter() - t0
                projected = t_wizard_open + (elapsed - t_wizard_open) / done * len(lines)
                if projected > PORTAL_MAX:
                    extrapolated = True
                    break
    finally:
        odoo.modules.module.current_test = previous
    t_portal_done = time.perf_counter() - t0
    q_portal = cr.sql_log_count - q0
    cr.execute("SELECT count(*) FROM res_users WHERE partner_id = ANY(%s)", [contacts_b.ids])
    portal_users = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM mail_mail WHERE id > %s", [mail_before_portal])
    portal_mails_left = cr.fetchone()[0]
    per_line = (t_portal_done - t_wizard_open) / max(done, 1)
    t_portal = t_wizard_open + per_line * len(lines)

    print()
    print(
        f"Customer Connect bulk invitation of {N:,} customers (batch {batch.id}, "
        f"{len(batch.line_ids):,} lines)"
    )
    print(f"  (a) request  _create_for + commit      {fmt(t_request)}  {q_request:>8,} queries")
    print(
        f"  (b) job      _cron_process until done   {fmt(t_job)}  {q_job:>8,} queries "
        f"({t_job / N * 1000:.1f} ms/customer)"
    )
    print(
        f"      lines: invited {batch.count_invited:,}, refused {batch.count_refused:,}, "
        f"pending {batch.count_pending:,}; batch state {batch.state}; billing contact chosen "
        f"for {billing_chosen:,}"
    )
    print(
        f"      mail.mail created: {sum(mails.values()):,} by state {mails} "
        f"(must be {N:,}, all 'outgoing'); invitation history rows: {logs:,}"
    )
    ok = sum(mails.values()) == N and set(mails) == {"outgoing"}
    print(f"      check: {'OK' if ok else 'FAILED'}")
    print()
    print(f"Odoo portal.wizard (Grant Portal Access), {len(lines):,} contacts, one line at a time")
    print(f"  wizard creation (default_get/computes)  {fmt(t_wizard_open)}")
    print(
        f"  action_grant_access x {done:,}{' ' * max(0, 14 - len(str(done)))}   "
        f"{fmt(t_portal_done - t_wizard_open)}  {q_portal:>8,} queries  ({per_line * 1000:.0f} ms/line)"
    )
    print(
        f"  portal users created: {portal_users:,}; mail.mail left (sent and auto-deleted if 0): "
        f"{portal_mails_left:,}"
    )
    if extrapolated:
        print(
            f"  EXTRAPOLATED linearly from the first {done:,} lines (projected > "
            f"{PORTAL_MAX:.0f}s): total for {len(lines):,} = {fmt(t_portal)}"
        )
    else:
        print(f"  total                                    {fmt(t_portal)}")
    print()
    scale = N / len(lines)
    print(
        f"Ratio Odoo wizard / Customer Connect (request + job), per customer: "
        f"{t_portal / len(lines) / ((t_request + t_job) / N):.1f}x "
        f"(Odoo {t_portal / len(lines) * 1000:.0f} ms vs Customer Connect "
        f"{(t_request + t_job) / N * 1000:.1f} ms); user-facing wait: Odoo "
        f"{fmt(t_portal * scale).strip()} of clicks vs {t_request:.2f} s request"
    )


main()
