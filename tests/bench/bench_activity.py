#!/usr/bin/env python3
"""Benchmark: the Customer Activity page (/my/activity) vs Odoo's /my/invoices.

What it measures
----------------
On database ``bench_act`` (created on first run by installing
``customer_connect`` and its dependencies with ``--without-demo=all``, then
Odoo's generic chart of accounts if the main company has none), one customer
account, "Bench Big Farm Equipment", has --docs (default 10,000) documents
over the last 3 years: 85% posted customer invoices (one line, no tax,
net 30), 7% credit notes, 8% customer payments. No early payment discount:
Odoo's /my/invoices answers 403 to a portal user when its page holds an open
invoice with one (``_is_eligible_for_early_payment_discount`` reads the
partial reconciliations, which portal users may not read), so the Disc.
Date and Settlement columns stay empty here. The oldest 70% of the
invoices are settled (History): 60% of the credit notes are reconciled
with one of them each, and three quarters of the payments each pay a run
of about ten of them; the other credit notes and payments stand open on
account (Current). A second customer, "Bench
Small ...", has --small-docs (default 1,000) documents made the same way,
to check that the number of queries does not grow with the documents.
Each customer has a billing contact who is a portal user, made the way
dealer staff make it: invited to Customer Connect by a staff user
(``_connect_invite``), signed up with the token of the queued invitation
mail, then given the company's "full" access level by the staff user.
Documents are made through the ORM in batches (``account.move.create`` of
500 + ``action_post``, ``account.payment.create`` + ``action_post``,
``(lines).reconcile()``), then ANALYZE; the database is marked filled
(ir.config_parameter ``bench_act.filled``) and later runs reuse it.

Pages, as the big customer's contact (our page has 20 rows, Odoo's 80):

* first page: ``/my/activity`` (the controller's defaults: Current, all
  types, newest first) vs ``/my/invoices``;
* page 100: ``/my/activity/page/100?status=all`` (rows 1,981-2,000) vs
  ``/my/invoices/page/100`` (rows 7,921-8,000);
* same offset: ``/my/activity/page/397?status=all`` (rows 7,921-7,940, where
  Odoo's page 100 starts) vs ``/my/invoices/page/100``;
* search: ``/my/activity?search=<reference substring>&status=all`` vs
  ``/my/invoices?filterby=invoices``: Odoo's list has no search box
  (``portal_my_invoices`` takes no search term), its "Invoices" filter is
  the nearest thing.

How: ONE method for both sides, real HTTP. ``odoo`` is started in the
background on the database (``--workers=0``, no cron, loopback only,
--http-port 8869), the bench logs in through ``/web/session/authenticate``
and times each GET on loopback (wall time until the whole page is read),
median of --runs runs after one warm-up pass, ours and Odoo's pages taking
turns within each run. Each request is a new environment with empty record
caches while the registry caches stay warm, as in a running server. The
number of SQL queries of each request is the one Odoo's own request log
(``werkzeug`` line, ``--log-level=info``) writes after it: the whole
request, session and layout included, on both sides.

Inside ``odoo shell`` (before the server starts) the bench also counts the
queries of the controller's model work alone (``_page`` with the page's
arguments + ``_totals``, caches invalidated first) for the 10,000-document
customer and the 1,000-document one, and prints EXPLAIN ANALYZE of our
page query and of Odoo's.

How to run
----------
    export CC_STATE=$PWD/.run                    # the project's PostgreSQL
    python3 tests/bench/bench_activity.py             # creates/fills bench_act if needed
    python3 tests/bench/bench_activity.py --runs 10
    python3 tests/bench/bench_activity.py --reset     # drop and rebuild bench_act
    python3 tests/bench/bench_activity.py --db bench_act_small --docs 2000 --small-docs 200

It uses bin/lib.sh (find_odoo, start_pg, addons_path): the throwaway
PostgreSQL of .run/pg, a data dir and logs under .run/bench/. The script is
fed to ``odoo shell`` on stdin (it detects that by the ``env`` global); the
HTTP part runs in the launcher, with the standard library only. It is a
benchmark, not a test: bin/test does not run tests/bench.
"""

# ---------------------------------------------------------------------------
# Part 1: launcher (plain python, outside Odoo)
# ---------------------------------------------------------------------------
if "env" not in globals():
    import argparse
    import http.cookiejar
    import json
    import os
    import re
    import statistics
    import sys
    import time
    import urllib.error
    import urllib.parse
    import urllib.request

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from launcher import Bench

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--db", default="bench_act", help="a name starting with bench_act")
    parser.add_argument("--reset", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--docs", type=int, default=10_000, help="documents of the big customer")
    parser.add_argument(
        "--small-docs", type=int, default=1_000, help="documents of the small customer"
    )
    parser.add_argument("--http-port", type=int, default=8869)
    args = parser.parse_args()
    # --reset drops the database: only ever one of this bench's own
    if not args.db.startswith("bench_act"):
        parser.error("--db must start with bench_act")
    if args.http_port < 8800:
        parser.error("--http-port must be 8800 or more")

    bench = Bench(args.db)
    bench.ensure_db("customer_connect", reset=args.reset)

    # -- part 2 in `odoo shell`: data, in-process query counts, query plans;
    # it hands the logins and the search term over in a JSON file
    info_path = os.path.join(bench.state, f"{args.db}.json")
    if os.path.exists(info_path):
        os.remove(info_path)
    rc = bench.shell(
        __file__,
        CC_BENCH_RUNS=str(args.runs),
        CC_BENCH_DOCS=str(args.docs),
        CC_BENCH_SMALL_DOCS=str(args.small_docs),
        CC_BENCH_OUT=info_path,
    )
    if rc or not os.path.exists(info_path):
        sys.exit(rc or f"odoo shell wrote no {info_path}; see {bench.state}/shell_{args.db}.log")
    with open(info_path) as f:
        info = json.load(f)

    # -- part 3: the pages over HTTP, on a server of our own
    base = f"http://127.0.0.1:{args.http_port}"
    http_log = os.path.join(bench.state, f"http_{args.db}.log")
    if os.path.exists(http_log):
        os.remove(http_log)
    big = info["big"]
    q = urllib.parse.quote(info["search"])
    same_page = big["same_offset_page"]
    PAGES = [
        # label, ours, Odoo's
        ("first page", "/my/activity", "/my/invoices"),
        ("page 100", "/my/activity/page/100?status=all", "/my/invoices/page/100"),
        (
            f"same offset (ours p.{same_page})",
            f"/my/activity/page/{same_page}?status=all",
            "/my/invoices/page/100",
        ),
        ("search", f"/my/activity?search={q}&status=all", "/my/invoices?filterby=invoices"),
    ]
    # a request's line in Odoo's log: "GET <path> HTTP/1.1" <status> - <queries> <sql s> <other s>
    LOG_RE = re.compile(r'"GET (\S+) HTTP/[\d.]+" (\d+) \S+ (\d+) ([\d.]+) ([\d.]+)')

    def opener_for(login, password):
        """A cookie-keeping client signed in as ``login``."""
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"db": args.db, "login": login, "password": password},
            }
        ).encode()
        request = urllib.request.Request(
            base + "/web/session/authenticate",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with opener.open(request, timeout=60) as response:
            result = json.load(response)
        if result.get("error") or not (result.get("result") or {}).get("uid"):
            raise SystemExit(f"Could not log in as {login}: {result.get('error')}")
        return opener

    def get(opener, path):
        """(ms, body) of one GET read to the end; a redirect (to the login
        page, or /my on a refusal) would measure another page: refused."""
        t0 = time.perf_counter()
        with opener.open(base + path, timeout=300) as response:
            body = response.read().decode()
            final = response.geturl()
        ms = (time.perf_counter() - t0) * 1000
        if final != base + path:
            raise SystemExit(f"GET {path} ended on {final}")
        return ms, body

    server = bench.server(args.http_port, http_log, log_level="info")
    try:
        client = opener_for(big["login"], info["password"])
        urls = [url for _label, ours, odoo_url in PAGES for url in (ours, odoo_url)]
        # the log is read from here on: only the pages' own requests
        log_start = os.path.getsize(http_log)
        bodies = {}
        for url in urls:  # warm-up: QWeb compiles the templates, the ORM its queries
            bodies[url] = get(client, url)[1]
        times = {url: [] for url in urls}
        for _run in range(args.runs):
            for url in urls:  # ours and Odoo's take turns: load on the box hits both
                times[url].append(get(client, url)[0])
        time.sleep(0.5)  # the last request's log line
        with open(http_log) as f:
            f.seek(log_start)
            logged = [m.groups() for m in map(LOG_RE.search, f) if m]
    finally:
        bench.stop(server)

    # each request's query count, in the order they were made
    requested = [*urls, *[url for _run in range(args.runs) for url in urls]]
    if [path for path, *_rest in logged] != requested:
        sys.exit(
            f"The request log does not match the requests made ({len(logged)} lines"
            f" for {len(requested)} requests); see {http_log}"
        )
    queries, server_ms = {url: set() for url in urls}, {url: [] for url in urls}
    for i, ((path, status, count, sql_s, other_s), url) in enumerate(
        zip(logged, requested, strict=True)
    ):
        if status != "200":
            sys.exit(f"GET {path} answered {status}")
        if i < len(urls):
            continue  # the warm-up pass: first compilations and lazy loads
        queries[url].add(int(count))
        server_ms[url].append((float(sql_s) + float(other_s)) * 1000)

    def qtext(url):
        counts = sorted(queries[url])
        return str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"

    def rows_of(url, body):
        if url.startswith("/my/activity"):
            return body.count("o_connect_activity_row ")
        return body.count('name="invoice_status"')

    # -- report
    print()
    print(
        f"HTTP, {args.runs} runs (median wall ms of a GET on loopback after 1 warm-up; "
        f"queries = Odoo's request log; server ms = SQL + Python of the request)"
    )
    print(
        f"Big customer: {big['docs']:,} documents ({big['invoices']:,} invoices, "
        f"{big['refunds']:,} credit notes, {big['payments']:,} payments); "
        f"Current {big['current']:,}, History {big['history']:,}; "
        f"Odoo's /my/invoices lists {big['odoo_visible']:,}; search term {info['search']!r}"
    )
    head = f"{'page':<26} | {'ours ms (queries)':>18} | {'Odoo ms (queries)':>18} | {'ratio ours/Odoo':>15} | {'server ms ours/Odoo':>20} | rows ours/Odoo"
    print()
    print(head)
    print("-" * len(head))
    ratios = []
    for label, ours, odoo_url in PAGES:
        m_ours, m_odoo = statistics.median(times[ours]), statistics.median(times[odoo_url])
        s_ours, s_odoo = statistics.median(server_ms[ours]), statistics.median(server_ms[odoo_url])
        ratios.append(m_ours / m_odoo)
        print(
            f"{label:<26} | {f'{m_ours:.1f} ({qtext(ours)})':>18} | "
            f"{f'{m_odoo:.1f} ({qtext(odoo_url)})':>18} | {m_ours / m_odoo:>15.2f} | "
            f"{f'{s_ours:.1f} / {s_odoo:.1f}':>20} | "
            f"{rows_of(ours, bodies[ours])} / {rows_of(odoo_url, bodies[odoo_url])}"
        )
    print()
    for label, ours, odoo_url in PAGES:
        print(f"  {label}: ours {ours}  |  Odoo {odoo_url}")
    print()
    print(
        f"Goal ratio < 1.0 on every page: {'MET' if max(ratios) < 1.0 else 'NOT MET'} "
        f"(worst {max(ratios):.2f})"
    )
    sys.exit(0)

# ---------------------------------------------------------------------------
# Part 2: inside `odoo shell` (globals: env, odoo)
# ---------------------------------------------------------------------------
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402
from urllib.parse import unquote  # noqa: E402

from odoo import Command, fields, sql_db  # noqa: E402
from odoo.tools import SQL  # noqa: E402

RUNS = int(os.environ.get("CC_BENCH_RUNS", "10"))
N_DOCS = int(os.environ.get("CC_BENCH_DOCS", "10000"))
N_SMALL = int(os.environ.get("CC_BENCH_SMALL_DOCS", "1000"))
OUT = os.environ["CC_BENCH_OUT"]
MARK = "bench_act.filled"
PASSWORD = "Bench-Act-2026"
PAGE = 20  # customer_connect.models.portal_activity.ACTIVITY_PAGE
ODOO_PAGE = 80  # CustomerPortal._items_per_page
BATCH = 500
# the signup link of the invitation mail (as customer_connect/tests/common.py)
TOKEN_RE = re.compile(r"/web/signup\?[^\"']*token=([A-Za-z0-9_\-=%.]+)")
cr = env.cr
company = env.ref("base.main_company")


def staff_user():
    """The dealer staff user who invites the customers' contacts."""
    Users = env["res.users"].with_context(no_reset_password=True)
    user = Users.search([("login", "=", "bench_act_staff")])
    if not user:
        user = Users.create(
            {
                "name": "Bench Activity Staff",
                "login": "bench_act_staff",
                "email": "bench_act_staff@dealer.example",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            env.ref("customer_connect.group_connect_user").id,
                            env.ref("account.group_account_invoice").id,
                        ]
                    )
                ],
            }
        )
    return user


def make_customer(tag, ref, staff):
    """A customer account and its billing contact, invited by ``staff``, signed
    up with the e-mailed token and given the company's "full" level."""
    customer = env["res.partner"].create(
        {
            "name": f"Bench {tag.title()} Farm Equipment",
            "is_company": True,
            "ref": ref,
            "company_id": company.id,
            "customer_rank": 1,
            "email": f"office@{tag}.bench.example",
            "child_ids": [
                Command.create(
                    {
                        "name": "Accounts Payable",
                        "type": "invoice",
                        "email": f"ap@{tag}.bench.example",
                    }
                )
            ],
        }
    )
    contact = customer.child_ids
    contact.with_user(staff)._connect_invite()
    log = env["customer_connect.mail.log"].search(
        [("partner_id", "=", contact.id), ("kind", "=", "invitation")], limit=1
    )
    match = TOKEN_RE.search(str(log.mail_id.body_html))
    assert match, "no signup link in the queued invitation"
    env["res.users"].sudo().signup(
        {"login": contact.email, "password": PASSWORD}, unquote(match.group(1))
    )
    contact.with_user(staff).connect_access_level_id = env[
        "customer_connect.access.level"
    ]._level_by_code("full", company)
    user = contact.with_context(active_test=False).user_ids
    assert user._is_portal() and user._connect_grants("activity"), "portal user without activity"
    return customer


def receivable(moves):
    return moves.line_ids.filtered(lambda line: line.account_type == "asset_receivable")


def make_documents(customer, n_docs, rng):
    """n_docs documents of ``customer`` over 3 years (see the docstring)."""
    t0 = time.time()
    n_inv, n_ref = round(n_docs * 0.85), round(n_docs * 0.07)
    n_pay = n_docs - n_inv - n_ref
    n_applied_ref, n_group_pay = round(n_ref * 0.6), round(n_pay * 0.75)
    today = fields.Date.context_today(env["res.partner"])
    start = today - timedelta(days=3 * 365)
    net30 = env.ref("account.account_payment_term_30days")
    bank = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    # tracking and chatter notes off: the history is not what is measured;
    # _post still subscribes the customer (Odoo's portal rule reads followers)
    Move = env["account.move"].with_context(tracking_disable=True, mail_create_nolog=True)

    # invoices, oldest first so each year's numbers follow the dates
    dates = [start + timedelta(days=i * 3 * 365 // n_inv) for i in range(n_inv)]
    invoices = Move.browse()
    for b in range(0, n_inv, BATCH):
        vals = [
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": d,
                "date": d,
                "ref": f"PO {4500000 + b + i}",
                "invoice_payment_term_id": net30.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Parts and service",
                            "quantity": 1,
                            "price_unit": round(rng.uniform(80, 6000), 2),
                            "tax_ids": [],
                        }
                    )
                ],
            }
            for i, d in enumerate(dates[b : b + BATCH])
        ]
        batch = Move.create(vals)
        batch.action_post()
        invoices |= batch
        env.invalidate_all()
        print(f"  invoices {len(invoices):,}/{n_inv:,} ({time.time() - t0:.0f}s)", flush=True)
    n_paid = round(n_inv * 0.7)  # the oldest 70% end up settled
    paid = invoices[:n_paid]

    # credit notes: the first ones each against one settled invoice, the rest open
    targets = sorted(rng.sample(range(n_paid), n_applied_ref))
    ref_vals, ref_targets = [], []
    for k in range(n_ref):
        if k < n_applied_ref:
            inv = paid[targets[k]]
            d = inv.invoice_date + timedelta(days=rng.randint(3, 15))
            amount = round(inv.amount_total * rng.uniform(0.05, 0.5), 2)
            ref_targets.append(inv)
        else:
            d = today - timedelta(days=rng.randint(0, 270))
            amount = round(rng.uniform(20, 800), 2)
        ref_vals.append(
            {
                "move_type": "out_refund",
                "partner_id": customer.id,
                "invoice_date": d,
                "date": d,
                "ref": f"Return {k + 1}",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Returned parts",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
    order = sorted(range(n_ref), key=lambda k: ref_vals[k]["date"])
    refunds = Move.browse()
    for b in range(0, n_ref, BATCH):
        batch = Move.create([ref_vals[k] for k in order[b : b + BATCH]])
        batch.action_post()
        refunds |= batch
        env.invalidate_all()
    by_index = dict(zip(order, refunds, strict=True))
    for k in range(n_applied_ref):
        receivable(by_index[k] | ref_targets[k]).reconcile()
    env.invalidate_all()
    print(f"  credit notes {n_ref:,} ({time.time() - t0:.0f}s)", flush=True)

    # payments: runs of settled invoices paid together, the rest on account
    groups = [
        paid[i * n_paid // n_group_pay : (i + 1) * n_paid // n_group_pay]
        for i in range(n_group_pay)
    ]
    pay_vals = []
    for k, group in enumerate(groups):
        pay_vals.append(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": customer.id,
                "journal_id": bank.id,
                "amount": sum(group.mapped("amount_residual")),
                "date": min(group[-1].invoice_date + timedelta(days=30), today),
                "memo": f"Remittance {k + 1}",
            }
        )
    for k in range(n_pay - n_group_pay):
        pay_vals.append(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": customer.id,
                "journal_id": bank.id,
                "amount": round(rng.uniform(100, 2500), 2),
                "date": start + timedelta(days=rng.randint(0, 3 * 365)),
                "memo": f"On account {k + 1}",
            }
        )
    order = sorted(range(n_pay), key=lambda k: pay_vals[k]["date"])
    Payment = env["account.payment"].with_context(tracking_disable=True, mail_create_nolog=True)
    payments = Payment.browse()
    for b in range(0, n_pay, BATCH):
        batch = Payment.create([pay_vals[k] for k in order[b : b + BATCH]])
        batch.action_post()
        payments |= batch
        env.invalidate_all()
    by_index = dict(zip(order, payments, strict=True))
    for k, group in enumerate(groups):
        receivable(group | by_index[k].move_id).reconcile()
        if k % 100 == 99:
            env.invalidate_all()
            print(
                f"  reconciled {k + 1}/{len(groups)} payments ({time.time() - t0:.0f}s)", flush=True
            )
    env.flush_all()
    print(
        f"  {customer.name}: {n_inv:,} invoices, {n_ref:,} credit notes, {n_pay:,} payments"
        f" in {time.time() - t0:.0f}s",
        flush=True,
    )


def fill():
    """Chart of accounts, staff, the two customers and their documents."""
    t0 = time.time()
    mark = env["ir.config_parameter"].get_param(MARK)
    if mark == "filling":
        raise SystemExit(f"{cr.dbname} was left half filled by an earlier run: run with --reset")
    if mark:
        raise SystemExit(f"{cr.dbname} holds other data ({mark}): run with --reset")
    if not company.chart_template:
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    env["ir.config_parameter"].set_param(MARK, "filling")
    cr.commit()
    staff = staff_user()
    rng = random.Random(20260101)
    for tag, ref, n_docs in (("big", "70001", N_DOCS), ("small", "70002", N_SMALL)):
        customer = make_customer(tag, ref, staff)
        cr.commit()
        print(f"Filling {customer.name} with {n_docs:,} documents...", flush=True)
        make_documents(customer, n_docs, rng)
        cr.commit()
    env["ir.config_parameter"].set_param(MARK, f"{N_DOCS}/{N_SMALL}")
    cr.commit()
    cr.execute("ANALYZE")
    cr.commit()
    print(f"Filled in {time.time() - t0:.0f}s", flush=True)


def describe(customer):
    """Counts of the customer's documents, and its portal user."""
    cr.execute(
        """
        SELECT count(*) FILTER (WHERE move_type = 'out_invoice'),
               count(*) FILTER (WHERE move_type = 'out_refund'),
               count(*) FILTER (WHERE move_type = 'entry')
          FROM account_move m
         WHERE state = 'posted' AND EXISTS (
                   SELECT 1 FROM account_move_line l
                     JOIN account_account a ON a.id = l.account_id
                    WHERE l.move_id = m.id AND l.partner_id = %s
                      AND a.account_type = 'asset_receivable')
        """,
        [customer.id],
    )
    invoices, refunds, payments = cr.fetchone()
    user = customer.child_ids.with_context(active_test=False).user_ids
    Activity = env["customer_connect.portal.activity"].with_user(user).with_company(company)
    current = Activity._page("current", limit=1)[1]
    history = Activity._page("history", limit=1)[1]
    # what Odoo's /my/invoices lists for the same login (its rules, its domain)
    odoo_visible = (
        env["account.move"]
        .with_user(user)
        .search_count(
            [
                ("state", "not in", ("cancel", "draft")),
                (
                    "move_type",
                    "in",
                    (
                        "out_invoice",
                        "out_refund",
                        "in_invoice",
                        "in_refund",
                        "out_receipt",
                        "in_receipt",
                    ),
                ),
            ]
        )
    )
    return {
        "login": user.login,
        "user": user,
        "docs": invoices + refunds + payments,
        "invoices": invoices,
        "refunds": refunds,
        "payments": payments,
        "current": current,
        "history": history,
        "odoo_visible": odoo_visible,
    }


def search_term(partner, info):
    """A reference substring: the number of the customer's mid-list invoice
    less its last two digits ("2025/011"), a hundred or so of its documents
    (each customer its own, so that neither page comes back empty)."""
    middle = env["account.move"].search(
        [("partner_id", "=", partner.id), ("move_type", "=", "out_invoice")],
        order="invoice_date, id",
        offset=info["invoices"] // 2,
        limit=1,
    )
    return middle.name.split("/", 1)[1][:-2]


def page_args(search, docs):
    """The four pages as (label, _page keyword arguments), as the controller
    calls _page for them; a page past the end of a small account is its last."""
    last = max((docs - 1) // PAGE * PAGE, 0)
    return [
        ("first page", {}),
        ("page 100", {"status": "all", "offset": min(99 * PAGE, last)}),
        ("same offset", {"status": "all", "offset": min(99 * ODOO_PAGE, last)}),
        ("search", {"status": "all", "search": search}),
    ]


def controller_work(Activity, kw):
    """What portal_my_activity asks of the model: one page and the totals."""
    rows, count = Activity._page(**kw)
    Activity._totals()
    return rows, count


def measure(Activity, kw):
    """(median ms, queries) of the controller's model work, caches emptied."""
    controller_work(Activity, kw)  # warm-up: rules and rights in the registry caches
    times, queries = [], set()
    for _i in range(RUNS):
        env.invalidate_all()
        q0 = sql_db.sql_counter
        t0 = time.perf_counter()
        controller_work(Activity, kw)
        times.append((time.perf_counter() - t0) * 1000)
        queries.add(sql_db.sql_counter - q0)
    return statistics.median(times), queries


def qs(counts):
    return "/".join(map(str, sorted(counts)))


def explain(sql, params):
    cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
    return [line for (line,) in cr.fetchall()]


def main():
    if env["ir.config_parameter"].get_param(MARK) != f"{N_DOCS}/{N_SMALL}":
        fill()
    big_partner = env["res.partner"].search([("ref", "=", "70001"), ("is_company", "=", True)])
    small_partner = env["res.partner"].search([("ref", "=", "70002"), ("is_company", "=", True)])
    big, small = describe(big_partner), describe(small_partner)
    # the portal rule on invoices is Odoo's: the customer follows its invoices
    cr.execute(
        """
        SELECT count(*) FROM account_move m
         WHERE m.partner_id = %s AND m.move_type IN ('out_invoice', 'out_refund')
           AND NOT EXISTS (SELECT 1 FROM mail_followers f WHERE f.res_model = 'account.move'
                              AND f.res_id = m.id AND f.partner_id = %s)
        """,
        [big_partner.id, big_partner.id],
    )
    unfollowed = cr.fetchone()[0]
    search, small_search = search_term(big_partner, big), search_term(small_partner, small)
    print(
        f"{big_partner.name}: {big['docs']:,} documents, Current {big['current']:,}, "
        f"History {big['history']:,}; /my/invoices lists {big['odoo_visible']:,}; "
        f"invoices the customer does not follow: {unfollowed}"
    )
    print(f"{small_partner.name}: {small['docs']:,} documents")

    # -- in process: the controller's model work, 10,000 vs 1,000 documents
    print()
    print(
        f"In-process model work of portal_my_activity (_page + _totals), median of {RUNS} ms (queries)"
    )
    n_big, n_small = f"{big['docs']:,} docs", f"{small['docs']:,} docs"
    print(f"{'page':<14} {n_big:>22} {n_small:>22}   same count")
    Big = env["customer_connect.portal.activity"].with_user(big["user"]).with_company(company)
    Small = env["customer_connect.portal.activity"].with_user(small["user"]).with_company(company)
    rows = zip(page_args(search, big["docs"]), page_args(small_search, small["docs"]), strict=True)
    for (label, kw_big), (_label, kw_small) in rows:
        ms_big, q_big = measure(Big, kw_big)
        ms_small, q_small = measure(Small, kw_small)
        print(
            f"{label:<14} {f'{ms_big:.1f} ms ({qs(q_big)})':>22}"
            f" {f'{ms_small:.1f} ms ({qs(q_small)})':>22}"
            f"   {'yes' if q_big == q_small else 'NO'}"
        )

    # -- where the time goes: the plans of our page query and of Odoo's
    print()
    print("EXPLAIN ANALYZE, our page query (first page, Current):")
    sql, params = Big._query()
    plan = explain(
        f"{sql} LIMIT %(limit)s OFFSET %(offset)s", {**params, "limit": PAGE, "offset": 0}
    )
    print("\n".join("    " + line for line in plan))
    for label, kw in page_args(search, big["docs"])[1:]:
        kw = dict(kw)
        offset = kw.pop("offset", 0)
        sql, params = Big._query(**kw)
        plan = explain(
            f"{sql} LIMIT %(limit)s OFFSET %(offset)s",
            {**params, "limit": PAGE, "offset": offset},
        )
        print(f"  {label}: {plan[-1].strip()}")
    sql, params = Big._query()
    # the outer query of _totals, as it is written there
    totals_sql = f"""
        SELECT currency_id,
               SUM(outstanding) AS outstanding,
               SUM(outstanding) FILTER (WHERE due_date < %(today)s AND outstanding > 0)
                   AS overdue,
               SUM(settlement) AS settles_today
          FROM ({sql}) AS filtered
         GROUP BY currency_id
    """
    print(f"  totals: {explain(totals_sql, params)[-1].strip()}")
    Invoices = env["account.move"].with_user(big["user"]).with_company(company)
    domain = [
        ("state", "not in", ("cancel", "draft")),
        (
            "move_type",
            "in",
            ("out_invoice", "out_refund", "in_invoice", "in_refund", "out_receipt", "in_receipt"),
        ),
    ]
    for label, query in (
        ("Odoo first page", Invoices._search(domain, order="invoice_date desc", limit=ODOO_PAGE)),
        (
            "Odoo page 100",
            Invoices._search(
                domain, order="invoice_date desc", limit=ODOO_PAGE, offset=99 * ODOO_PAGE
            ),
        ),
        ("Odoo count", Invoices._search(domain)),
    ):
        select = query.select("COUNT(*)") if label == "Odoo count" else query.select()
        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", select))
        print(f"  {label}: {cr.fetchall()[-1][0].strip()}")

    with open(OUT, "w") as f:
        json.dump(
            {
                "password": PASSWORD,
                "search": search,
                "big": {
                    **{k: v for k, v in big.items() if k != "user"},
                    "same_offset_page": 99 * ODOO_PAGE // PAGE + 1,
                },
                "small": {k: v for k, v in small.items() if k != "user"},
            },
            f,
        )
    cr.rollback()


main()
