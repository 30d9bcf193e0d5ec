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
* invoices: a CSV of --invoices (default 5,000) open invoices of those
  customers (one line, no tax, due in 30 days, a third partly paid in the
  DMS: the import books and reconciles the difference), imported for real:
  invoices per second, create + _post + settlement included; with
  --background, as a big file is imported (queued, checked whole, then
  written a chunk per committed transaction by the background job).

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
        "--background",
        action="store_true",
        help="import the invoices as a dealer's big file is imported: queued, then written "
        "by the background job a chunk per transaction (each committed), its steps called "
        "in a loop as the cron's runner calls them",
    )
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
        CC_BENCH_BACKGROUND="1" if args.background else "",
    )
    sys.exit(rc)

# ---------------------------------------------------------------------------
# Part 2: inside `odoo shell` (globals: env, odoo)
# ---------------------------------------------------------------------------
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
BACKGROUND = bool(os.environ.get("CC_BENCH_BACKGROUND"))
PREFIX = f"B{int(time.time()) % 100000:05d}"
CUSTOMER_COLUMNS = ["number", "name", "street", "city", "zip", "country", "email", "phone"]

env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821 - odoo shell global
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
    results.append((label, count, elapsed, load))
    print(
        f"{label}: {count} rows in {elapsed:.1f} s ({count / elapsed:.0f}/s), load {load:.1f}",
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
    numbers = [f"{PREFIX}I{i:06d}" for i in range(min(N_INVOICES, 1000))]
    run_import(
        "customers",
        to_csv(["number", "name"], ([n, f"Invoice customer {n}"] for n in numbers)),
    )
    env.cr.commit()
    today = date.today()
    invoices_csv = to_csv(
        ["number", "customer_number", "date", "due_date", "amount_total", "amount_residual"],
        (
            [
                f"{PREFIX}SI{i:07d}",
                numbers[i % len(numbers)],
                (today - timedelta(days=i % 60)).strftime("%d/%m/%Y"),
                (today - timedelta(days=i % 60) + timedelta(days=30)).strftime("%d/%m/%Y"),
                f"{100 + i % 900}.50",
                f"{(100 + i % 900) / 2:.2f}" if i % 3 == 0 else f"{100 + i % 900}.50",
            ]
            for i in range(N_INVOICES)
        ),
    )
    if BACKGROUND:

        def background_import():
            run = importer._queue_file(
                "invoices", profiles["invoices"], invoices_csv, "invoices.csv"
            )
            env.cr.commit()
            steps = 0
            while run.state in ("queued", "running"):
                importer._cron_process_queued()
                env.cr.commit()
                env.invalidate_all()
                steps += 1
            assert run.state == "done", (run.message, run.line_ids[:5].mapped("message"))
            print(f"  {steps} background steps, one transaction each", flush=True)

        timed("DMS import: posted invoices (background)", N_INVOICES, background_import)
    else:
        timed(
            "DMS import: posted invoices", N_INVOICES, lambda: run_import("invoices", invoices_csv)
        )

if profiler:
    profiler.dump_stats(PROFILE)

by_label = {label: elapsed for label, _c, elapsed, _l in results}
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
            max(customers[3], contacts[3]),
        ),
    )
print(
    f"\npath: {PATH}\n| what | rows | seconds | rows/s | load (1 min) |\n|---|---:|---:|---:|---:|"
)
for label, count, elapsed, load in results:
    print(f"| {label} | {count:,} | {elapsed:.1f} | {count / elapsed:,.0f} | {load:.1f} |")
ours = by_label.get("DMS import: comparison customers")
if ours:
    print(
        f"\nbase_import / DMS import: {by_label['Odoo base_import: same customers'] / ours:.1f}x; "
        f"DMS import / COPY: {ours / by_label['PostgreSQL COPY: same customers']:.1f}x"
    )
