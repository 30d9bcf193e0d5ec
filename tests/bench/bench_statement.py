#!/usr/bin/env python3
"""Benchmark: a statement of 1,000 open items rendered to PDF (target < 5 s).

What it measures
----------------
On database ``bench_st`` (created on first run by installing
``customer_connect``, ``customer_connect_payments`` and
``customer_connect_dms`` with ``--without-demo=all``, then Odoo's generic
chart of accounts if the main company has none), one customer account,
"Bench Statement Farm Equipment", has --items (default 1,000) open posted
customer invoices (``account.move.create`` of 250 + ``action_post``, one line
each, no tax, net 30), dated evenly over the last 6 months, so that every
aging bucket of the statement (Current, 1 to 4 months, Older) holds some. A
second customer, "Bench Statement Small Farm", has one open invoice: its
statement is the fixed cost of any statement PDF. Then ANALYZE; the database
is marked filled (ir.config_parameter ``bench_st.filled``) and later runs
reuse it.

Rendered as the real PDF (wkhtmltopdf; ``odoo shell`` is not a test, so
Odoo does not fall back to HTML), --runs times (default 5) after one
warm-up pass, the variants below taking turns within each run (the machine
may be busy with other work: it weighs on all alike), caches invalidated
before each:

* ours: ``customer_connect.statement._render_pdf(account, company)`` end to
  end: OCA partner_statement's outstanding statement with our balance in
  words and pay QR code (customer_connect/models/portal_statements.py,
  customer_connect/views/portal_statements_templates.xml);
* OCA plain: the same report, ``partner_statement.outstanding_statement``,
  with the same data dict (``_report_data``) but without our additions: our
  inherited template (balance in words and pay QR: ``OUR_VIEWS``) is
  deactivated for that measure (inside the bench's transaction, rolled
  back at the end) and the header and footer link Odoo's whole report CSS,
  as OCA's module prints it. Odoo community has no statement of account;
  this is the nearest thing out of the box, and the difference is what our
  additions cost or save;
* ours for the small customer (1 open item): the fixed cost of a PDF;
* diagnostic, ours again with the report CSS served without its
  ``@font-face`` rules (Lato, Noto, icon fonts; the bench's assets server
  strips them, see below): what the web fonts cost in wkhtmltopdf. A
  wkhtmltopdf built on unpatched Qt (Debian's package) draws web-font text
  as outlines, ~200 times larger and several times slower; with patched qt
  (bin/lib.sh) they are embedded as fonts and this row matches ours.

For each, the median end-to-end time and its split, measured inside the
same runs by wrapping Odoo's methods (the bench only; the addons are not
changed): data (the report model's ``_get_report_values``, OCA's SQL and
formatting, plus our override), HTML render (rest of
``_render_qweb_html``: the QWeb templates), ``_prepare_html`` (Odoo splits
the HTML into bodies, header and footer with lxml), wkhtmltopdf
(``_run_wkhtmltopdf``: temp files and the subprocess), and what is left.
Besides, as separate calls: ``_get_report_values`` alone and
``_render_qweb_html`` alone, the way a reader would check them. Page count
(the ``/Type /Page`` objects wkhtmltopdf writes) and
size of each PDF; the PDFs are written to <state>/bench/ to look at.

wkhtmltopdf loads the report's CSS bundle over HTTP from ``report.url`` or
``web.base.url``. ``odoo shell`` runs no HTTP server, so by default the
bench serves Odoo's WSGI application in a thread on a free loopback port,
for wkhtmltopdf's requests only, and points ``report.url`` at it (in the
bench's transaction, rolled back): the PDF is the styled one, as in
production. ``--no-assets-server`` skips that (``report.url`` then points
at a closed port): wkhtmltopdf fails to load the CSS and prints an
unstyled PDF (cheaper, not what customers get).

How to run
----------
    export CC_STATE=$PWD/.run                      # the project's PostgreSQL
    python3 tests/bench/bench_statement.py              # creates/fills bench_st if needed
    python3 tests/bench/bench_statement.py --runs 10
    python3 tests/bench/bench_statement.py --reset      # drop and rebuild bench_st
    python3 tests/bench/bench_statement.py --db bench_st_2k --items 2000

It uses bin/lib.sh (find_odoo, start_pg, addons_path, with OCA's addons in
.run/oca): the throwaway PostgreSQL of .run/pg, a data dir and logs under
<state>/bench/, ``--no-http``. The script is then fed to ``odoo shell`` on
stdin (it detects that by the ``env`` global). It is a benchmark, not a
test: bin/test does not run tests/bench.
"""

# ---------------------------------------------------------------------------
# Part 1: launcher (plain python, outside Odoo)
# ---------------------------------------------------------------------------
if "env" not in globals():
    import argparse
    import os
    import subprocess
    import sys
    import time

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from launcher import Bench

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--db", default="bench_st", help="a name starting with bench_st")
    parser.add_argument("--reset", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--items", type=int, default=1_000, help="open invoices of the customer")
    parser.add_argument(
        "--no-assets-server",
        action="store_true",
        help="no loopback server for wkhtmltopdf's CSS (unstyled PDF)",
    )
    args = parser.parse_args()
    # --reset drops the database: only ever one of this bench's own
    if not args.db.startswith("bench_st"):
        parser.error("--db must start with bench_st")

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
        CC_BENCH_OUT=bench.state,
        CC_BENCH_ASSETS_SERVER="0" if args.no_assets_server else "1",
    )
    sys.exit(rc)

# ---------------------------------------------------------------------------
# Part 2: inside `odoo shell` (globals: env, odoo)
# ---------------------------------------------------------------------------
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from datetime import timedelta  # noqa: E402

from odoo import Command, fields  # noqa: E402

RUNS = int(os.environ.get("CC_BENCH_RUNS", "5"))
N_ITEMS = int(os.environ.get("CC_BENCH_ITEMS", "1000"))
OUT = os.environ.get("CC_BENCH_OUT", "/tmp")
ASSETS_SERVER = os.environ.get("CC_BENCH_ASSETS_SERVER", "1") == "1"
MARK = "bench_st.filled"
BATCH = 250
REPORT = "partner_statement.outstanding_statement"
# our inherited templates of the outstanding statement, all off for OCA plain
OUR_VIEWS = ("customer_connect.statement_balance_words_and_pay_qr",)
TARGET_S = 5.0
QR_CLASS = 'class="o_connect_pay_qr"'
cr = env.cr
company = env.ref("base.main_company")


# -- data --------------------------------------------------------------------


def make_customer(name, ref):
    return env["res.partner"].create(
        {
            "name": name,
            "is_company": True,
            "ref": ref,
            "company_id": company.id,
            "customer_rank": 1,
            "lang": "en_US",
            "email": f"office.{ref}@bench.example",
            "street": "1 Tractor Road",
            "city": "Springfield",
            "zip": "62701",
            "country_id": env.ref("base.us").id,
            "child_ids": [
                Command.create(
                    {
                        "name": "Accounts Payable",
                        "type": "invoice",
                        "email": f"ap.{ref}@bench.example",
                    }
                )
            ],
        }
    )


def make_invoices(customer, n, rng):
    """n open invoices of ``customer``, dated evenly over the last 6 months,
    net 30: due dates run from ~5 months ago to a month ahead, so every
    monthly aging bucket (Current .. Older) holds some."""
    t0 = time.time()
    today = fields.Date.context_today(customer)
    start = today - timedelta(days=182)
    net30 = env.ref("account.account_payment_term_30days")
    # tracking and chatter notes off: the history is not what is measured
    Move = env["account.move"].with_context(tracking_disable=True, mail_create_nolog=True)
    dates = [start + timedelta(days=i * 182 // max(n - 1, 1)) for i in range(n)]
    done = 0
    for b in range(0, n, BATCH):
        batch = Move.create(
            [
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
                                "name": f"Parts and service, work order {700000 + b + i}",
                                "quantity": 1,
                                "price_unit": round(rng.uniform(80, 6000), 2),
                                "tax_ids": [],
                            }
                        )
                    ],
                }
                for i, d in enumerate(dates[b : b + BATCH])
            ]
        )
        batch.action_post()
        done += len(batch)
        env.invalidate_all()
        print(f"  invoices {done:,}/{n:,} ({time.time() - t0:.0f}s)", flush=True)


def fill():
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
    rng = random.Random(20260101)
    big = make_customer("Bench Statement Farm Equipment", "80001")
    small = make_customer("Bench Statement Small Farm", "80002")
    print(f"Filling {big.name} with {N_ITEMS:,} open invoices...", flush=True)
    make_invoices(big, N_ITEMS, rng)
    make_invoices(small, 1, rng)
    env["ir.config_parameter"].set_param(MARK, str(N_ITEMS))
    cr.commit()
    cr.execute("ANALYZE")
    cr.commit()
    print(f"Filled in {time.time() - t0:.0f}s", flush=True)


# -- where wkhtmltopdf finds the CSS -----------------------------------------


# set while measuring the diagnostic: the assets server strips the report
# CSS of its @font-face rules (Lato, Noto, icon fonts), so wkhtmltopdf falls
# back to the system's fonts
NO_WEBFONTS = threading.Event()


def assets_app(environ, start_response):
    """Odoo's WSGI application; CSS without @font-face while NO_WEBFONTS."""
    import odoo.http

    if not (NO_WEBFONTS.is_set() and environ.get("PATH_INFO", "").endswith(".css")):
        return odoo.http.root(environ, start_response)
    captured = {}

    def capture(status, headers, exc_info=None):
        captured.update(status=status, headers=headers)
        return lambda data: None

    response = odoo.http.root(environ, capture)
    try:
        body = b"".join(response)
    finally:
        getattr(response, "close", lambda: None)()
    body = re.sub(rb"@font-face\s*\{[^}]*\}", b"", body)
    headers = [
        (k, v) for k, v in captured["headers"] if k.lower() not in ("content-length", "etag")
    ]
    start_response(captured["status"], [*headers, ("Content-Length", str(len(body)))])
    return [body]


def start_assets_server():
    """Odoo's WSGI application in a thread on a free loopback port, for
    wkhtmltopdf's requests for the report's CSS and fonts (in production,
    another worker of the same server answers them)."""
    from werkzeug.serving import make_server

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server("127.0.0.1", port, assets_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # the asset bundles are attachments, made on first use: made and
    # committed here so that the server thread serves the same ones
    QWeb = env["ir.qweb"]
    QWeb._get_asset_bundle("web.report_assets_common", css=True, js=False).css()
    pdf_bundle = QWeb._get_asset_bundle("web.report_assets_pdf", css=True, js=True)
    pdf_bundle.css()
    pdf_bundle.js()
    cr.commit()
    # read by Odoo's _get_report_url; set in this transaction only
    env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{port}")
    return server, port


# -- timing ------------------------------------------------------------------


class Split:
    """Times methods of registry classes within a run (wrapped for the bench
    only, restored afterwards)."""

    TARGETS = (
        ("report.partner_statement.outstanding_statement", "_get_report_values", "data"),
        ("report.partner_statement.outstanding_statement", "_connect_amount_in_words", "words"),
        ("report.partner_statement.outstanding_statement", "_connect_pay_qr", "qr"),
        ("ir.actions.report", "_render_qweb_html", "html"),
        ("ir.actions.report", "_prepare_html", "prepare"),
        ("ir.actions.report", "_run_wkhtmltopdf", "wkhtmltopdf"),
    )

    def __init__(self):
        self.acc = defaultdict(float)
        self.saved = []

    def _wrap(self, func, key):
        acc = self.acc

        def timed(*a, **kw):
            t0 = time.perf_counter()
            try:
                return func(*a, **kw)
            finally:
                acc[key] += time.perf_counter() - t0

        return timed

    def __enter__(self):
        for model, method, key in self.TARGETS:
            cls = env.registry[model]
            if not hasattr(cls, method):
                continue
            self.saved.append((cls, method, cls.__dict__.get(method)))
            setattr(cls, method, self._wrap(getattr(cls, method), key))
        return self

    def __exit__(self, *exc):
        for cls, method, own in reversed(self.saved):
            if own is None:
                delattr(cls, method)
            else:
                setattr(cls, method, own)


def page_count(pdf):
    """Pages of a PDF: wkhtmltopdf writes each page object as plain text."""
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def timed_run(render):
    """One run of ``render()`` (returns the PDF): total, split, queries."""
    env.invalidate_all()  # a new request starts with an empty record cache
    with Split() as split:
        q0 = cr.sql_log_count
        c0 = os.times()
        t0 = time.perf_counter()
        pdf = render()
        total = time.perf_counter() - t0
        c1 = os.times()
        queries = cr.sql_log_count - q0
    acc = split.acc
    parts = {
        "data": acc["data"],
        "html": acc["html"] - acc["data"],
        "prepare": acc["prepare"],
        "wkhtmltopdf": acc["wkhtmltopdf"],
        "other": total - acc["html"] - acc["prepare"] - acc["wkhtmltopdf"],
        "additions": acc["words"] + acc["qr"],
        # CPU seconds of this process (with the assets server's thread) and
        # of its finished children (wkhtmltopdf): what a busy machine
        # stretches in wall time; wkhtmltopdf's --javascript-delay
        # (report.print_delay) is wall time only
        "cpu": (c1.user - c0.user)
        + (c1.system - c0.system)
        + (c1.children_user - c0.children_user)
        + (c1.children_system - c0.children_system),
    }
    return pdf, total, parts, queries


def measure(variants):
    """``variants``: (label, setup, render). One warm-up pass, then RUNS
    runs in which the variants take turns, so that whatever else the machine
    does weighs on all of them alike."""
    runs = defaultdict(list)
    last = {}
    for i in range(RUNS + 1):
        for label, setup, render in variants:
            setup()
            pdf, total, parts, queries = timed_run(render)
            last[label] = pdf
            if i:  # run 0 is the warm-up
                runs[label].append((total, parts, queries))
    results = []
    for label, _setup, _render in variants:
        totals = [r[0] for r in runs[label]]
        pdf = last[label]
        path = os.path.join(OUT, f"{cr.dbname}_{label.split()[0].lower()}.pdf")
        with open(path, "wb") as f:
            f.write(pdf)
        results.append(
            {
                "label": label,
                "median": statistics.median(totals),
                "min": min(totals),
                "max": max(totals),
                "parts": {
                    k: statistics.median(r[1][k] for r in runs[label]) for k in runs[label][0][1]
                },
                "queries": statistics.median(r[2] for r in runs[label]),
                "pages": page_count(pdf),
                "bytes": len(pdf),
                "path": path,
            }
        )
    return results


def median_call(fn):
    fn()
    times = []
    for _i in range(RUNS):
        env.invalidate_all()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    if env["ir.config_parameter"].get_param(MARK) != str(N_ITEMS):
        fill()
    Partner = env["res.partner"]
    big = Partner.search([("ref", "=", "80001"), ("is_company", "=", True)], limit=1)
    small = Partner.search([("ref", "=", "80002"), ("is_company", "=", True)], limit=1)
    cr.execute(
        """
        SELECT count(*) FROM account_move_line l JOIN account_account a ON a.id = l.account_id
         WHERE l.partner_id = %s AND a.account_type = 'asset_receivable'
           AND l.parent_state = 'posted' AND NOT l.reconciled
        """,
        [big.id],
    )
    n_open = cr.fetchone()[0]
    server = None
    if ASSETS_SERVER:
        server, port = start_assets_server()
        print(f"wkhtmltopdf reads the report CSS from http://127.0.0.1:{port} (bench thread)")
    else:
        # a closed port rather than web.base.url, where some other Odoo may listen
        env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        print("No assets server: wkhtmltopdf cannot load the CSS, the PDF is unstyled")
    # as _render_pdf does it: the report as the system, in the company
    Statement = env["customer_connect.statement"].with_context(lang="en_US", tz="Europe/Brussels")
    Report = env["ir.actions.report"].sudo().with_company(company).with_context(lang="en_US")
    ReportModel = env["report.partner_statement.outstanding_statement"].sudo()

    views = env["ir.ui.view"].sudo()
    for xmlid in OUR_VIEWS:
        views |= env.ref(xmlid).sudo()

    ReportClass = env.registry["ir.actions.report"]
    inline_css = ReportClass._connect_inline_used_css

    def setup(ours=True, webfonts=True):
        """Our template addition and our letterhead CSS on or off (OCA
        plain), web fonts or not."""
        (NO_WEBFONTS.clear if webfonts else NO_WEBFONTS.set)()
        # OCA plain: the header and footer link Odoo's whole report CSS
        # (bench only: the method is put back at the end)
        ReportClass._connect_inline_used_css = inline_css if ours else (lambda self, page: page)
        if any(v.active != ours for v in views):
            # switching the views clears Odoo's compiled templates: compile
            # them again here, outside the timed run (a small statement)
            views.active = ours
            Report._prepare_html(
                Report._render_qweb_html(
                    REPORT, small.ids, data=Statement._report_data(small, company)
                )[0],
                report_model="res.partner",
            )

    variants = [
        ("Ours (Customer Connect statement)", setup, lambda: Statement._render_pdf(big, company)),
        ("Small (ours, 1 open item)", setup, lambda: Statement._render_pdf(small, company)),
    ]
    if server:
        # diagnostic: the same statement when wkhtmltopdf gets no web fonts
        variants.append(
            (
                "Nofonts (ours, no web fonts, diag.)",
                lambda: setup(webfonts=False),
                lambda: Statement._render_pdf(big, company),
            )
        )
    # OCA plain: the same report with the same data, our template addition off
    variants.append(
        (
            "OCA plain outstanding statement",
            lambda: setup(ours=False),
            lambda: Report._render_qweb_pdf(
                REPORT, big.ids, data=Statement._report_data(big, company)
            )[0],
        )
    )
    load_before = os.getloadavg()
    try:
        results = measure(variants)
    finally:
        ReportClass._connect_inline_used_css = inline_css
    load_after = os.getloadavg()
    setup(ours=False)
    html_oca = str(
        Report._render_qweb_html(REPORT, big.ids, data=Statement._report_data(big, company))[0]
    )
    setup()
    # the two parts on their own, as separate calls
    data_s = median_call(
        lambda: ReportModel.with_company(company)._get_report_values(
            big.ids, data=Statement._report_data(big, company)
        )
    )
    html_s = median_call(
        lambda: Report._render_qweb_html(REPORT, big.ids, data=Statement._report_data(big, company))
    )
    values = ReportModel.with_company(company)._get_report_values(
        big.ids, data=Statement._report_data(big, company)
    )
    currencies = values["data"][big.id]["currencies"]
    html = str(
        Report._render_qweb_html(REPORT, big.ids, data=Statement._report_data(big, company))[0]
    )

    # -- report
    wkhtmltopdf = odoo.tools.find_in_path("wkhtmltopdf")
    version = subprocess.run(
        [wkhtmltopdf, "--version"], check=True, capture_output=True, text=True
    ).stdout
    print()
    print(
        f"wkhtmltopdf: {wkhtmltopdf}, {version.strip()}"
        + ("" if "patched qt" in version else " (unpatched Qt: no header/footer, see README)")
    )
    print(
        f"Customer {big.name}: {n_open:,} open receivable items; runs: {RUNS} "
        f"(median, after 1 warm-up); "
        f"report.print_delay {env['ir.config_parameter'].get_param('report.print_delay', '1000')} ms"
    )
    for cur, d in currencies.items():
        b = d["buckets"] or {}
        print(
            f"Currency {cur}: {len(d['lines'])} lines, amount due {d['amount_due']:,.2f}; buckets "
            + ", ".join(
                f"{k} {b.get(k, 0):,.0f}"
                for k in ("current", "b_1_30", "b_30_60", "b_60_90", "b_90_120", "b_over_120")
            )
        )
    print(
        f"Load average (1, 5, 15 min) on {os.cpu_count()} CPUs: "
        + " before the runs, ".join(
            "/".join(f"{x:.2f}" for x in load) for load in (load_before, load_after)
        )
        + " after (other work on the machine stretches the wall times)"
    )
    print(
        f"HTML: ours {len(html):,} bytes ({html.count(QR_CLASS)} pay QR), "
        f"OCA plain {len(html_oca):,} bytes"
    )
    print()
    head = (
        f"{'PDF, seconds (median)':<36} {'total':>7} {'min':>6} {'max':>6} {'data':>6} "
        f"{'html':>6} {'prep':>6} {'wkhtml':>7} {'other':>6} {'ours+':>6} {'cpu':>5} {'SQL':>5} "
        f"{'pages':>6} {'KB':>6}"
    )
    print(head)
    for r in results:
        p = r["parts"]
        print(
            f"{r['label']:<36} {r['median']:>7.2f} {r['min']:>6.2f} {r['max']:>6.2f} "
            f"{p['data']:>6.2f} {p['html']:>6.2f} {p['prepare']:>6.2f} {p['wkhtmltopdf']:>7.2f} "
            f"{p['other']:>6.2f} {p['additions']:>6.3f} {p['cpu']:>5.2f} {r['queries']:>5.0f} "
            f"{r['pages']:>6} "
            f"{r['bytes'] / 1024:>6.0f}"
        )
    print(
        "  data = _get_report_values (OCA's queries + formatting); html = rest of "
        "_render_qweb_html (QWeb); prep = _prepare_html (lxml); wkhtml = _run_wkhtmltopdf; "
        "ours+ = balance in words + pay QR (inside html); cpu = CPU seconds of Odoo's process "
        "and of wkhtmltopdf (wall time on an idle machine is about cpu + the print delay)"
    )
    print(
        f"Separate calls (ours): _get_report_values {data_s:.3f} s, "
        f"_render_qweb_html {html_s:.3f} s (data included)"
    )
    ours, oca = results[0], results[-1]
    print(
        f"Ours - OCA plain: {ours['median'] - oca['median']:+.2f} s end to end (wkhtmltopdf "
        f"varies by {oca['max'] - oca['min']:.2f} s between runs); in Python our additions "
        f"take {ours['parts']['additions']:.3f} s (words + QR) and add "
        f"{len(html) - len(html_oca):,} bytes of HTML"
    )
    print("PDFs:", ", ".join(r["path"] for r in results))
    print(
        f"Target < {TARGET_S:.0f} s for {n_open:,} open items: "
        f"{'MET' if ours['median'] < TARGET_S else 'NOT MET'} ({ours['median']:.2f} s)"
        + ("" if server else ", but unstyled: not the PDF customers get")
    )
    # what the same work takes when nothing else runs: CPU plus the delay
    # wkhtmltopdf waits for (an estimate: Odoo and wkhtmltopdf mostly take
    # turns, the assets server thread answers while wkhtmltopdf runs)
    from odoo.addons.customer_connect.models.ir_actions_report import DOCUMENT_PRINT_DELAY_MS

    delay = int(env["ir.config_parameter"].get_param("report.print_delay", "1000")) / 1000
    # ours: the portal's documents wait 200 ms at most (models/ir_actions_report.py)
    ours_delay = min(delay, DOCUMENT_PRINT_DELAY_MS / 1000)
    print(
        f"On an idle machine: about {ours['parts']['cpu'] + ours_delay:.2f} s "
        f"(CPU {ours['parts']['cpu']:.2f} s + print delay {ours_delay:.1f} s); "
        f"OCA plain {oca['parts']['cpu'] + delay:.2f} s (print delay {delay:.1f} s)"
    )
    if server:
        server.shutdown()
    cr.rollback()


main()
