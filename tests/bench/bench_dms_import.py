#!/usr/bin/env python3
"""Benchmark: DMS imports (customers + contacts, posted invoices) vs base_import and COPY.

What it measures
----------------
On database ``cc_bench_dms`` (created on first run by installing
``customer_connect_dms`` and ``base_import`` with ``--without-demo=all``,
then Odoo's generic chart of accounts if the main company has none), as the
superuser's environment with the service manager group (imports are run as
a user, no sudo inside):

* customers: a generic-profile CSV of --customers (default 50,000) customer
  rows (number, name, street, city, zip, country, e-mail, phone), then a
  CSV of --contacts (default 150,000) contact rows (three per customer), each
  imported with ``customer_connect_dms.importer._import_file`` (read, check
  every row, plan, write in one savepoint, run log); then the same customer
  file again (nothing to change: the idempotent path);
* side by side on --compare (default 10,000) customer rows of the same shape:
  Odoo's ``base_import.import.execute_import`` (what the dealer's "Import
  records" menu runs) and PostgreSQL ``COPY`` of the same rows into
  ``res_partner`` (the database's own limit: no ORM, no computed fields);
* invoices, on the paths a dealer uses, as the admin user (a staff user
  with the service manager group and Billing, not the superuser), with no
  ``tracking_disable`` (the importer sets its own context), each committed
  as a request or Odoo's cron runner commits, timed from the click to the
  last invoice posted. Files of open invoices of 1,000 customers (one line,
  no tax, due in 30 days, a third partly paid in the DMS: the import books
  and reconciles the difference); each path checks its invoices are all
  posted (a third partly paid) and counts the chatter messages on them:
  - ``orm``: the anchor, --orm-sample invoices through the wizard with the
    bulk path off (Odoo's create + _post and reconciliation plan);
  - ``wizard``: the import wizard's record saved with the file and its
    Import button called, --wizard-invoices at once;
  - ``wizard-background``: the same with "Run in the background" ticked
    (a file over 20,000 rows goes there anyway): --invoices, then
    ``ir.cron._run_job`` of the background imports' job (Odoo's cron runner:
    its own cursor, up to 10 committed calls a run) until the run is done;
  - ``folder``: the file written into the drop folder, the drop folder's
    job run as Odoo's cron runner runs it, then the background job's;
  - ``connector``: ``customer_connect_dms.api.upsert_invoices`` in
    batches of --connector-batch, one commit per call;
  - ``bench-env``: the figure this script gave before (in process, as the
    superuser, ``tracking_disable``), for comparison.

Each run uses new numbers (a run prefix), so it can be repeated. Figures are
printed as a table; the README quotes them.
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
    parser.add_argument("--db", default="cc_bench_dms")
    parser.add_argument("--reset", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--customers", type=int, default=50000)
    parser.add_argument("--contacts", type=int, default=150000)
    parser.add_argument("--compare", type=int, default=10000)
    parser.add_argument("--invoices", type=int, default=5000)
    parser.add_argument("--skip", default="", help="comma list of: customers,compare,invoices")
    parser.add_argument("--profile", metavar="FILE", help="cProfile of the imports to FILE")
    parser.add_argument(
        "--wizard-invoices",
        type=int,
        default=5000,
        help="invoices of the file the wizard imports at once (its foreground)",
    )
    parser.add_argument(
        "--orm-sample", type=int, default=300, help="invoices of the ORM create + post anchor"
    )
    parser.add_argument(
        "--invoice-paths",
        default="orm,wizard,wizard-background,folder,connector",
        help="comma list, run in this order: orm (the anchor: ORM create + post, through the "
        "wizard), wizard (--wizard-invoices at once), wizard-background ('Run in the "
        "background' ticked; a file over 20,000 rows goes there anyway), folder (the drop "
        "folder's cron, then the background job's), connector (upsert_invoices in batches), "
        "bench-env (the old in-process figure: superuser, tracking_disable)",
    )
    parser.add_argument("--connector-batch", type=int, default=2000)
    parser.add_argument(
        "--path",
        choices=["auto", "orm"],
        default="auto",
        help="auto: the importer's rule (bulk path above its threshold); orm: the ORM's create "
        "for every file (the figures before the bulk path)",
    )
    args = parser.parse_args()

    bench = Bench(args.db)
    bench.ensure_db(
        "customer_connect_dms,base_import", reset=args.reset, what="customer_connect_dms"
    )
    rc = bench.shell(
        __file__,
        CC_BENCH_CUSTOMERS=str(args.customers),
        CC_BENCH_CONTACTS=str(args.contacts),
        CC_BENCH_COMPARE=str(args.compare),
        CC_BENCH_INVOICES=str(args.invoices),
        CC_BENCH_SKIP=args.skip,
        CC_BENCH_PROFILE=os.path.abspath(args.profile) if args.profile else "",
        CC_BENCH_PATH=args.path,
        CC_BENCH_WIZARD=str(args.wizard_invoices),
        CC_BENCH_ORM=str(args.orm_sample),
        CC_BENCH_INVOICE_PATHS=args.invoice_paths,
        CC_BENCH_CONNECTOR_BATCH=str(args.connector_batch),
        CC_BENCH_STATE=bench.state,
    )
    sys.exit(rc)

# ---------------------------------------------------------------------------
# Part 2: inside `odoo shell` (globals: env, odoo)
# ---------------------------------------------------------------------------
import base64  # noqa: E402
import cProfile  # noqa: E402
import csv  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402

N_CUSTOMERS = int(os.environ["CC_BENCH_CUSTOMERS"])
N_CONTACTS = int(os.environ["CC_BENCH_CONTACTS"])
N_COMPARE = int(os.environ["CC_BENCH_COMPARE"])
N_INVOICES = int(os.environ["CC_BENCH_INVOICES"])
SKIP = set(filter(None, os.environ["CC_BENCH_SKIP"].split(",")))
PROFILE = os.environ["CC_BENCH_PROFILE"]
PATH = os.environ.get("CC_BENCH_PATH", "auto")
N_WIZARD = int(os.environ["CC_BENCH_WIZARD"])
N_ORM = int(os.environ["CC_BENCH_ORM"])
INVOICE_PATHS = [p for p in os.environ["CC_BENCH_INVOICE_PATHS"].split(",") if p]
CONNECTOR_BATCH = int(os.environ["CC_BENCH_CONNECTOR_BATCH"])
STATE = os.environ["CC_BENCH_STATE"]
PREFIX = f"B{int(time.time()) % 100000:05d}"
CUSTOMER_COLUMNS = ["number", "name", "street", "city", "zip", "country", "email", "phone"]

env = env  # noqa: F821, PLW0127 - odoo shell global (no tracking_disable: imports set their own)
company = env.company
if not company.chart_template:
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    env.cr.commit()
# the importer runs as a service manager (the superuser's user has the group)
importer = env["customer_connect_dms.importer"]
if PATH == "orm":
    importer = importer.with_context(connect_dms_bulk_threshold=None)
profiles = {
    kind: env.ref(f"customer_connect_dms.profile_generic_{kind}")
    for kind in ("customers", "contacts", "invoices")
}
results = []
profiler = cProfile.Profile() if PROFILE else None


def customer_rows(count, tag):
    for i in range(count):
        number = f"{PREFIX}{tag}{i:06d}"
        yield [
            number,
            f"Bench {tag} Farm {i}",
            f"{i} Field Lane",
            "Ayr",
            "KA7 1AA",
            "GB",
            f"office{i}@{PREFIX.lower()}{tag.lower()}.example",
            f"01292 {i:06d}",
        ]


def to_csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def timed(label, count, func):
    env.cr.commit()
    load_before = os.getloadavg()[0]
    if profiler:
        profiler.enable()
    start = time.monotonic()
    outcome = func()
    env.flush_all()
    env.cr.commit()
    elapsed = time.monotonic() - start
    if profiler:
        profiler.disable()
    load = os.getloadavg()[0]
    results.append((label, count, elapsed, f"{load_before:.1f}-{load:.1f}"))
    print(
        f"{label}: {count} rows in {elapsed:.1f} s ({count / elapsed:.0f}/s), "
        f"load {load_before:.1f}-{load:.1f}",
        flush=True,
    )
    return outcome


def run_import(kind, data):
    run = importer._import_file(kind, profiles[kind], data, f"{kind}.csv")
    assert run.state == "done", (run.message, run.line_ids[:5].mapped("message"))
    return run


if "customers" not in SKIP:
    customers_csv = to_csv(CUSTOMER_COLUMNS, customer_rows(N_CUSTOMERS, "C"))
    timed("DMS import: customers", N_CUSTOMERS, lambda: run_import("customers", customers_csv))
    per = max(1, N_CONTACTS // max(N_CUSTOMERS, 1))
    contacts_csv = to_csv(
        ["customer_number", "name", "email", "phone"],
        (
            [
                f"{PREFIX}C{i % N_CUSTOMERS:06d}",
                f"Contact {n} of {i % N_CUSTOMERS}",
                f"c{n}.{i % N_CUSTOMERS}@{PREFIX.lower()}c.example",
                "07700 900000",
            ]
            for n in range(per)
            for i in range(N_CUSTOMERS)
        ),
    )
    timed("DMS import: contacts", per * N_CUSTOMERS, lambda: run_import("contacts", contacts_csv))
    timed(
        "DMS import: customers again (unchanged)",
        N_CUSTOMERS,
        lambda: run_import("customers", customers_csv),
    )

if "compare" not in SKIP:
    rows = list(customer_rows(N_COMPARE, "D"))
    ours = to_csv(CUSTOMER_COLUMNS, rows)
    timed("DMS import: comparison customers", N_COMPARE, lambda: run_import("customers", ours))
    base_rows = [[r[0].replace("D", "E", 1), *r[1:]] for r in rows]
    base_file = to_csv(CUSTOMER_COLUMNS, base_rows)

    def base_import():
        wizard = env["base_import.import"].create(
            {"res_model": "res.partner", "file": base_file, "file_type": "text/csv"}
        )
        result = wizard.execute_import(
            ["ref", "name", "street", "city", "zip", "country_id", "email", "phone"],
            CUSTOMER_COLUMNS,
            {"quoting": '"', "separator": ",", "has_headers": True, "encoding": "utf-8"},
        )
        errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
        assert not errors, errors[:3]

    timed("Odoo base_import: same customers", N_COMPARE, base_import)

    copy_rows = io.StringIO()
    writer = csv.writer(copy_rows)
    for r in rows:
        writer.writerow(
            [r[0].replace("D", "F", 1), r[1], r[2], r[3], r[4], r[6], r[7], company.id]
            + ["t", "t", "contact", 1, "ask", "not_invited"]
        )

    def copy():
        copy_rows.seek(0)
        env.cr.copy_expert(
            "COPY res_partner (ref, name, street, city, zip, email, phone, company_id, "
            "active, is_company, type, customer_rank, autopost_bills, connect_login_state) "
            "FROM STDIN WITH (FORMAT csv)",
            copy_rows,
        )

    timed("PostgreSQL COPY: same customers", N_COMPARE, copy)

if "invoices" not in SKIP:
    # the dealer's paths, as a staff user with the service manager group and
    # Billing (the admin user; not the superuser): no tracking_disable in the
    # environment, committed as a request or Odoo's cron runner commits
    admin = env.ref("base.user_admin")
    dealer = env(user=admin.id, su=False, context={"lang": "en_US", "tz": "Europe/London"})
    numbers = [f"{PREFIX}I{i:06d}" for i in range(1000)]
    run_import(
        "customers",
        to_csv(["number", "name"], ([n, f"Invoice customer {n}"] for n in numbers)),
    )
    env.cr.commit()
    today = date.today()
    INVOICE_HEADER = [
        "number",
        "customer_number",
        "date",
        "due_date",
        "amount_total",
        "amount_residual",
    ]

    def invoice_rows(tag, count):
        """``count`` open invoices of the run's customers, every third one
        partly paid in the DMS (its settlement booked and reconciled)."""
        for i in range(count):
            yield [
                f"{PREFIX}{tag}{i:07d}",
                numbers[i % len(numbers)],
                (today - timedelta(days=i % 60)).strftime("%d/%m/%Y"),
                (today - timedelta(days=i % 60) + timedelta(days=30)).strftime("%d/%m/%Y"),
                f"{100 + i % 900}.50",
                f"{(100 + i % 900) / 2:.2f}" if i % 3 == 0 else f"{100 + i % 900}.50",
            ]

    def check_posted(tag, count):
        """The path's invoices are all posted, a third partly paid; the
        chatter messages on them (tracking included) are counted."""
        env.invalidate_all()
        env.cr.execute(
            "SELECT count(*), count(*) FILTER (WHERE payment_state = 'partial'),"
            " array_agg(id) FROM account_move"
            " WHERE dms_number LIKE %s AND state = 'posted' AND move_type = 'out_invoice'",
            [f"{PREFIX}{tag}%"],
        )
        posted, partial, ids = env.cr.fetchone()
        assert posted == count, (tag, posted, count)
        assert partial == (count + 2) // 3, (tag, partial, count)
        env.cr.execute(
            "SELECT count(*) FROM mail_message WHERE model = 'account.move' AND res_id = ANY(%s)",
            [ids],
        )
        return env.cr.fetchone()[0]

    def run_cron_job(xmlid):
        """Odoo's cron runner on the job (ir.cron._run_job: its own cursor,
        up to 10 calls while the job notifies work remaining, a commit after
        each), as a cron worker runs it."""
        env.cr.commit()
        cron = env.ref(xmlid)
        job = {
            "id": cron.id,
            "user_id": cron.user_id.id,
            "lastcall": cron.lastcall,
            "cron_name": cron.cron_name,
            "ir_actions_server_id": cron.ir_actions_server_id.id,
            "timed_out_counter": 0,
            "active": True,
        }
        status = env.registry["ir.cron"]._run_job(job)
        # a new snapshot (REPEATABLE READ): the job's commits become visible
        env.cr.commit()
        env.invalidate_all()
        return status

    def until_done(run):
        """The background job's cron runs until ``run`` is done."""
        calls = 0
        while run.state in ("queued", "running"):
            run_cron_job("customer_connect_dms.ir_cron_dms_background_imports")
            calls += 1
            assert calls < 200, run.state
        assert run.state == "done", (run.message, run.line_ids[:5].mapped("message"))

    def wizard_click(data, background=False, **context):
        """What the web client does on Import: save the wizard with the
        file, call its button, commit (the request's end)."""
        Wizard = dealer["customer_connect_dms.import.wizard"].with_context(**context)
        wizard = Wizard.create(
            {
                "file": base64.b64encode(data),
                "file_name": "invoices.csv",
                "kind": "invoices",
                "profile_id": profiles["invoices"].id,
                "background": background,
            }
        )
        action = wizard.action_import()
        env.cr.commit()
        return dealer["customer_connect_dms.import.run"].browse(action["res_id"])

    def dealer_path(label, tag, count, func):
        data = to_csv(INVOICE_HEADER, invoice_rows(tag, count))
        env.cr.commit()
        timed(label, count, lambda: func(data))
        results[-1] = (*results[-1], check_posted(tag, count))

    for what in INVOICE_PATHS:
        if what == "orm" and N_ORM:
            # the anchor: the ORM's create + _post and Odoo's reconciliation
            # plan for every invoice (the importer below its bulk threshold)
            def orm_path(data):
                run = wizard_click(data, connect_dms_bulk_threshold=None)
                assert run.state == "done", run.message

            dealer_path("ORM create + post (wizard, sample)", "O", N_ORM, orm_path)
        elif what == "wizard" and N_WIZARD:

            def wizard_path(data):
                run = wizard_click(data)
                assert run.state == "done", run.message

            dealer_path("wizard, at once (click to done)", "W", N_WIZARD, wizard_path)
        elif what == "wizard-background" and N_INVOICES:
            dealer_path(
                "wizard, background (click to last posted)",
                "B",
                N_INVOICES,
                lambda data: until_done(wizard_click(data, background=True)),
            )
        elif what == "folder" and N_INVOICES:
            folder = os.path.join(STATE, "drop")
            os.makedirs(folder, exist_ok=True)
            env["ir.config_parameter"].set_param("customer_connect_dms.drop_folder", folder)
            env["ir.config_parameter"].set_param(
                "customer_connect_dms.drop_profile_invoices", str(profiles["invoices"].id)
            )

            def folder_path(data, folder=folder):
                name = f"invoices-{PREFIX}.csv"
                with open(os.path.join(folder, name), "wb") as handle:
                    handle.write(data)
                run_cron_job("customer_connect_dms.ir_cron_dms_drop_folder")
                run = env["customer_connect_dms.import.run"].search(
                    [("file_name", "=", name)], limit=1
                )
                until_done(run)

            dealer_path("drop folder (cron to last posted)", "F", N_INVOICES, folder_path)
        elif what == "connector" and N_INVOICES:

            def connector_path(data):
                rows = list(csv.reader(io.StringIO(data.decode())))
                header, rows = rows[0], rows[1:]
                Api = dealer["customer_connect_dms.api"]
                for start in range(0, len(rows), CONNECTOR_BATCH):
                    records = [
                        dict(zip(header, row, strict=True))
                        for row in rows[start : start + CONNECTOR_BATCH]
                    ]
                    summary = Api.upsert_invoices(records)
                    env.cr.commit()  # each call is its own request
                    assert summary["state"] == "done", summary

            dealer_path(
                f"connector, batches of {CONNECTOR_BATCH:,}", "K", N_INVOICES, connector_path
            )
        elif what == "bench-env":
            # the figure this script gave before it followed the dealer's
            # path: in process, as the superuser, tracking_disable
            def bench_env_path(data):
                quiet = importer.with_context(tracking_disable=True)
                run = quiet._import_file("invoices", profiles["invoices"], data, "invoices.csv")
                assert run.state == "done", run.message

            dealer_path("in process, tracking_disable (old bench)", "Q", N_WIZARD, bench_env_path)

if profiler:
    profiler.dump_stats(PROFILE)

by_label = {row[0]: row[2] for row in results}
if "DMS import: contacts" in by_label:
    customers, contacts = (
        next(r for r in results if r[0] == label)
        for label in ("DMS import: customers", "DMS import: contacts")
    )
    results.insert(
        2,
        (
            "DMS import: customers + contacts",
            customers[1] + contacts[1],
            customers[2] + contacts[2],
            f"{customers[3].split('-')[0]}-{contacts[3].split('-')[1]}",
        ),
    )
print(
    f"\npath: {PATH}\n| what | rows | seconds | rows/s | load (1 min, start-end) "
    "| chatter messages on the invoices |\n|---|---:|---:|---:|---:|---:|"
)
for label, count, elapsed, load, *messages in results:
    shown = f"{messages[0]:,}" if messages else ""
    print(f"| {label} | {count:,} | {elapsed:.1f} | {count / elapsed:,.0f} | {load} | {shown} |")
ours = by_label.get("DMS import: comparison customers")
if ours:
    print(
        f"\nbase_import / DMS import: {by_label['Odoo base_import: same customers'] / ours:.1f}x; "
        f"DMS import / COPY: {ours / by_label['PostgreSQL COPY: same customers']:.1f}x"
    )
