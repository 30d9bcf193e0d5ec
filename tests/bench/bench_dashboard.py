#!/usr/bin/env python3
"""Benchmark: first page of the Customer Accounts dashboard on a big database.

What it measures
----------------
On database ``cc_bench`` (created on first run by installing
``customer_connect`` with ``--without-demo=all``) filled, with SQL
``INSERT ... SELECT generate_series``, with 100,000 customer accounts
(companies, customer_rank 1, numeric ref, city, main company) and 300,000
contacts (3 per account, with e-mail), account states 2% active, 5% invited,
93% not invited, then VACUUM ANALYZE (as autovacuum would); as a user of group
``customer_connect.group_connect_user`` (the bench user ``cc_bench_user``):

* Customer Accounts dashboard (``customer_connect.action_connect_customer_accounts``,
  with the action's context as the web client sends it):
  - ``web_search_read`` with the action's domain, limit 80, the list view's
    default order and the field specification the web client builds from the
    list view (``customer_connect.view_partner_connect_dashboard_list``),
    count_limit 10001 (as the web client does),
  - ``search_count`` of the domain (exact count),
  - ``search_panel_select_multi_range('connect_state', enable_counters=True)``,
  - ``search_panel_select_range('company_id', enable_counters=True)``;
* Odoo's own Customers list (``account.res_partner_action_customer``: its
  context, its default "Customer Invoices" filter ``customer_rank > 0``, the
  ``base.view_partner_tree`` list fields): ``web_search_read`` and
  ``search_count``.

Server time (ORM call, in-process, median of --runs runs after one warm-up,
caches invalidated before each run as for a new request; JSON-RPC dispatch and
network excluded) and the number of SQL queries of each call. The target for
"first page and counters" (the four dashboard calls): under 150 ms and at most
half of Odoo's list (its two calls) in the same run. Last, EXPLAIN ANALYZE of
the dashboard's queries on res_partner as the ORM sends them.

How to run
----------
    python3 tests/bench/bench_dashboard.py            # creates/fills cc_bench if needed
    python3 tests/bench/bench_dashboard.py --reset    # drop and rebuild cc_bench
    python3 tests/bench/bench_dashboard.py --runs 20 --db cc_bench

It uses bin/lib.sh (find_odoo, start_pg, addons_path): the throwaway
PostgreSQL of .run/pg, a data dir under .run/bench/, no HTTP. The script is
then fed to ``odoo shell`` on stdin (it detects that by the ``env`` global).
It is a benchmark, not a test: bin/test does not run tests/bench.
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
    parser.add_argument("--db", default="cc_bench")
    parser.add_argument("--reset", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--contacts-per-account", type=int, default=3)
    args = parser.parse_args()

    bench = Bench(args.db)
    bench.ensure_db("customer_connect", reset=args.reset)
    rc = bench.shell(
        __file__,
        CC_BENCH_RUNS=str(args.runs),
        CC_BENCH_ACCOUNTS=str(args.accounts),
        CC_BENCH_CONTACTS=str(args.contacts_per_account),
    )
    sys.exit(rc)

# ---------------------------------------------------------------------------
# Part 2: inside `odoo shell` (globals: env, odoo)
# ---------------------------------------------------------------------------
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from lxml import etree  # noqa: E402

from odoo import api  # noqa: E402
from odoo.tools.safe_eval import safe_eval  # noqa: E402

RUNS = int(os.environ.get("CC_BENCH_RUNS", "10"))
N_ACCOUNTS = int(os.environ.get("CC_BENCH_ACCOUNTS", "100000"))
N_CONTACTS = int(os.environ.get("CC_BENCH_CONTACTS", "3"))
MARK = "cc_bench.dashboard_filled"
cr = env.cr  # noqa: F821 - odoo shell global


def fill():
    """Bulk data in SQL; stored computed fields written consistently."""
    t0 = time.time()
    company = env.ref("base.main_company")  # noqa: F821
    uid = env.ref("base.user_admin").id  # noqa: F821
    # Customer accounts. connect_state of account g: g%100 in 0..1 -> active
    # (2%), 2..6 -> invited (5%), rest not invited. Its 1st contact holds the login.
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, ref, city, company_id, is_company,
            customer_rank, supplier_rank, type, active, lang, partner_share, autopost_bills,
            connect_login_state, connect_state, connect_login_email,
            connect_account_last_invited, connect_account_last_login,
            create_uid, write_uid, create_date, write_date)
        SELECT 'Customer ' || g, 'Customer ' || g, (100000 + g)::text,
               (ARRAY['Springfield','Shelbyville','Ogdenville','North Haverbrook','Capital City',
                      'Brockway','Cypress Creek','Waverly Hills'])[1 + g %% 8],
               %(company)s, TRUE, 1, 0, 'contact', TRUE, 'en_US', TRUE, 'ask',
               'not_invited',
               CASE WHEN g %% 100 < 2 THEN 'active' WHEN g %% 100 < 7 THEN 'invited' ELSE 'not_invited' END,
               CASE WHEN g %% 100 < 7 THEN 'contact1.' || g || '@customer.example' END,
               CASE WHEN g %% 100 < 7 THEN now() - (g %% 300) * interval '1 day' END,
               CASE WHEN g %% 100 < 2 THEN now() - (g %% 30) * interval '1 day' END,
               %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(n)s) g
        """,
        {"company": company.id, "uid": uid, "n": N_ACCOUNTS},
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id"
        " WHERE commercial_partner_id IS NULL AND is_company AND ref ~ '^[0-9]+$'"
    )
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, parent_id, commercial_partner_id,
            company_id, city, is_company, customer_rank, supplier_rank, type, active, lang,
            partner_share, autopost_bills, email, email_normalized,
            connect_login_state, connect_state, connect_login_email,
            connect_first_invited, connect_last_invited, connect_last_login, connect_activated_on,
            create_uid, write_uid, create_date, write_date)
        SELECT 'Contact ' || k || ' of ' || p.name, p.name || ', Contact ' || k || ' of ' || p.name,
               p.id, p.id, p.company_id, p.city, FALSE, 0, 0, 'contact', TRUE, 'en_US', TRUE, 'ask',
               'contact' || k || '.' || (p.ref::int - 100000) || '@customer.example',
               'contact' || k || '.' || (p.ref::int - 100000) || '@customer.example',
               CASE WHEN k = 1 THEN p.connect_state ELSE 'not_invited' END,
               CASE WHEN k = 1 THEN p.connect_state ELSE 'not_invited' END,
               CASE WHEN k = 1 THEN p.connect_login_email END,
               CASE WHEN k = 1 THEN p.connect_account_last_invited END,
               CASE WHEN k = 1 THEN p.connect_account_last_invited END,
               CASE WHEN k = 1 THEN p.connect_account_last_login END,
               CASE WHEN k = 1 THEN p.connect_account_last_login END,
               p.create_uid, p.create_uid, now(), now()
          FROM res_partner p CROSS JOIN generate_series(1, %(k)s) k
         WHERE p.is_company AND p.parent_id IS NULL AND p.ref ~ '^[0-9]+$' AND p.customer_rank = 1
        """,
        {"k": N_CONTACTS},
    )
    env["ir.config_parameter"].set_param(MARK, f"{N_ACCOUNTS}x{N_CONTACTS}")  # noqa: F821
    cr.commit()
    # What autovacuum does to a live table within minutes of a bulk load:
    # removes the 100,000 dead rows of the UPDATE above and sets the
    # visibility map, without which index-only scans read the heap for every
    # row (count of the accounts: 100,000 heap fetches, 24 -> 47 ms of CPU).
    # VACUUM cannot run inside a transaction.
    cr._cnx.autocommit = True
    try:
        cr.execute("VACUUM ANALYZE")
    finally:
        cr._cnx.autocommit = False
    print(
        f"Filled {N_ACCOUNTS:,} accounts + {N_ACCOUNTS * N_CONTACTS:,} contacts in {time.time() - t0:.1f}s"
    )


def bench_user():
    Users = env["res.users"].with_context(no_reset_password=True)  # noqa: F821
    user = Users.search([("login", "=", "cc_bench_user")])
    if not user:
        user = Users.create(
            {
                "name": "Bench Dealer User",
                "login": "cc_bench_user",
                "email": "cc_bench_user@dealer.example",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            env.ref("customer_connect.group_connect_user").id,  # noqa: F821
                            env.ref("account.group_account_invoice").id,
                        ],
                    )  # noqa: F821
                ],
            }
        )
        cr.commit()
    return user


def indexes_not_usable():
    """Indexes of res_partner this transaction's plans ignore: built while
    transactions that still run elsewhere in the cluster had begun
    (pg_index.indcheckxmin), e.g. a long test on another database of a
    shared cluster. Figures measured without them mean nothing."""
    cr.execute(
        """
        SELECT i.indexrelid::regclass::text
          FROM pg_index i
         WHERE i.indrelid = 'res_partner'::regclass
           AND i.indcheckxmin
           AND age(i.xmin) <= age(
                   mod(pg_snapshot_xmin(pg_current_snapshot())::text::bigint, 4294967296)
                       ::text::xid)
        """
    )
    return [name for (name,) in cr.fetchall()]


def list_spec(model, view_xmlid):
    """Field specification and default order the web client derives from a list view."""
    view = env.ref(view_xmlid)  # noqa: F821
    arch = model.get_views([(view.id, "list")])["views"]["list"]["arch"]
    root = etree.fromstring(arch)
    spec = {}
    for node in root.iterchildren("field"):
        name = node.get("name")
        field = model._fields[name]
        widget = node.get("widget")
        if field.type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif field.type in ("one2many", "many2many"):
            sub = {}
            if widget == "many2many_tags":
                sub = {"display_name": {}}
                if "color" in model.env[field.comodel_name]._fields:
                    sub["color"] = {}
            spec[name] = {"fields": sub} if sub else {}
            if widget == "list_activity":
                for dep in (
                    "activity_exception_decoration",
                    "activity_exception_icon",
                    "activity_state",
                    "activity_summary",
                    "activity_type_icon",
                    "activity_type_id",
                ):
                    spec[dep] = (
                        {"fields": {"display_name": {}}} if dep == "activity_type_id" else {}
                    )
        else:
            spec[name] = {}
    order = root.get("default_order") or model._order
    order = ", ".join(
        part.strip() if " " in part.strip() else part.strip() + " ASC" for part in order.split(",")
    )
    return spec, order


def measure(label, fn, rows):
    fn()  # warm-up
    times, queries = [], None
    for _i in range(RUNS):
        env.invalidate_all()  # noqa: F821 - a new request starts with an empty cache
        q0 = cr.sql_log_count
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
        queries = cr.sql_log_count - q0
    med = statistics.median(times)
    rows.append((label, med, min(times), max(times), queries, result))
    return med, queries


def main():
    if env["ir.config_parameter"].get_param(MARK) != f"{N_ACCOUNTS}x{N_CONTACTS}":  # noqa: F821
        fill()
    user = bench_user()
    company = env.ref("base.main_company")  # noqa: F821
    base_ctx = {
        "lang": "en_US",
        "tz": "Europe/Brussels",
        "uid": user.id,
        "allowed_company_ids": [company.id],
    }
    cr.execute("SELECT count(*) FROM res_partner")
    n_partners = cr.fetchone()[0]
    unusable = indexes_not_usable()

    # -- Customer Accounts dashboard
    action = env.ref("customer_connect.action_connect_customer_accounts")  # noqa: F821
    ctx = dict(base_ctx, **safe_eval(action.context or "{}"))
    Partner = api.Environment(cr, user.id, ctx)["res.partner"]
    domain = safe_eval(action.domain)
    spec, order = list_spec(Partner, "customer_connect.view_partner_connect_dashboard_list")
    P = Partner.with_context(bin_size=True)
    rows = []
    results = {}
    dash_calls = {
        "wsr": lambda: P.web_search_read(
            domain, spec, offset=0, limit=80, order=order, count_limit=10001
        ),
        "count": lambda: Partner.search_count(domain),
        "state": lambda: Partner.search_panel_select_multi_range(
            "connect_state",
            category_domain=[],
            comodel_domain=[],
            enable_counters=True,
            filter_domain=[],
            expand=False,
            group_by=False,
            group_domain={},
            limit=200,
            search_domain=domain,
        ),
        "company": lambda: Partner.search_panel_select_range(
            "company_id",
            category_domain=[],
            enable_counters=True,
            expand=False,
            filter_domain=[],
            hierarchize=True,
            limit=200,
            search_domain=domain,
        ),
    }
    for key, label in (
        ("wsr", "web_search_read (80 rows + limited count)"),
        ("count", "search_count (exact)"),
        ("state", "search_panel_select_multi_range connect_state"),
        ("company", "search_panel_select_range company_id"),
    ):
        results[key] = measure(label, dash_calls[key], rows)
    dash_rows = rows

    # -- Odoo's Customers list
    action = env.ref("account.res_partner_action_customer")  # noqa: F821
    ctx = dict(base_ctx, **safe_eval(action.context or "{}"))
    Partner2 = api.Environment(cr, user.id, ctx)["res.partner"]
    domain2 = safe_eval(action.domain or "[]") + [
        ("customer_rank", ">", 0)
    ]  # search_default_customer
    spec2, order2 = list_spec(Partner2, "base.view_partner_tree")
    P2 = Partner2.with_context(bin_size=True)
    rows2 = []
    results["o_wsr"] = measure(
        "web_search_read (80 rows + limited count)",
        lambda: P2.web_search_read(
            domain2, spec2, offset=0, limit=80, order=order2, count_limit=10001
        ),
        rows2,
    )
    results["o_count"] = measure(
        "search_count (exact)", lambda: Partner2.search_count(domain2), rows2
    )

    # -- report
    print()
    print(
        f"res.partner rows: {n_partners:,}; runs: {RUNS} (median, after 1 warm-up); user: {user.login}"
    )
    print(f"Dashboard domain {domain}, order {order!r}, fields: {', '.join(spec)}")
    print(f"Customers domain {domain2}, order {order2!r}, fields: {', '.join(spec2)}")
    for title, table in (
        ("Customer Accounts dashboard", dash_rows),
        ("Odoo Customers list (account)", rows2),
    ):
        print()
        print(f"{title:<48} {'median ms':>10} {'min':>8} {'max':>8} {'queries':>8}")
        for label, med, lo, hi, q, _res in table:
            print(f"  {label:<46} {med:>10.1f} {lo:>8.1f} {hi:>8.1f} {q:>8}")
        tot = sum(r[1] for r in table)
        totq = sum(r[4] for r in table)
        print(f"  {'TOTAL (sum of medians)':<46} {tot:>10.1f} {'':>8} {'':>8} {totq:>8}")
    wsr = dash_rows[0][5]
    print()
    print(
        f"Dashboard: length={wsr['length']}, first row={ {k: wsr['records'][0][k] for k in ('ref', 'name', 'connect_state')} }"
    )
    print("connect_state counters:", {v["id"]: v.get("__count") for v in dash_rows[2][5]["values"]})
    print(
        "company counters:",
        {v["display_name"]: v.get("__count") for v in dash_rows[3][5]["values"]},
    )
    print(f"Exact count: {dash_rows[1][5]:,}; Customers list exact count: {rows2[1][5]:,}")
    total = sum(r[1] for r in dash_rows)
    odoo_total = sum(r[1] for r in rows2)
    met = total < 150 and total <= odoo_total / 2
    print(
        f"First page + counters: {total:.0f} ms, {total / odoo_total:.2f} x Odoo's list"
        f" ({odoo_total:.0f} ms); target under 150 ms and at most 0.5 x: "
        f"{'MET' if met else 'NOT MET'}"
    )

    if unusable:
        print(
            f"WARNING: PostgreSQL could not use {len(unusable)} index(es) of res_partner"
            f" in this run ({', '.join(unusable[:3])}{', ...' if len(unusable) > 3 else ''}):"
            " an older transaction still runs in the cluster; measure again once it has"
            " ended, or run VACUUM then REINDEX TABLE res_partner."
        )

    # -- query plans of the dashboard's queries on res_partner, for the record
    print()
    print("EXPLAIN ANALYZE of the dashboard's SQL on res_partner (as sent by the ORM):")
    for label, fn in (
        ("first page", dash_calls["wsr"]),
        ("exact count", dash_calls["count"]),
        ("counters per state", dash_calls["state"]),
        ("counters per company", dash_calls["company"]),
    ):
        for query in partner_queries(fn):
            cr.execute(odoo.tools.SQL("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) %s", query))  # noqa: F821
            print(f"-- {label}:")
            for (line,) in cr.fetchall():
                print("   ", line)
    cr.rollback()


def partner_queries(fn):
    """The SELECTs on res_partner that ``fn`` runs, but those by id (the
    reads of the page's rows)."""
    seen = []
    execute = type(cr).execute

    def spy(self, query, params=None, log_exceptions=True):
        # the ORM sends SQL objects; plain strings are not its searches
        if self is cr and isinstance(query, odoo.tools.SQL):
            seen.append(query)
        return execute(self, query, params, log_exceptions)

    env.invalidate_all()  # noqa: F821
    type(cr).execute = spy
    try:
        fn()
    finally:
        type(cr).execute = execute
    return [
        query
        for query in seen
        if query.code.lstrip().startswith("SELECT")
        and 'FROM "res_partner"' in query.code
        and '"res_partner"."id" IN' not in query.code
    ]


main()
