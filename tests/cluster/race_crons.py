#!/usr/bin/env python3
"""Two workers run every Customer Connect cron job at the same moment: each
e-mail is queued once, each import row written once.

    tests/cluster/race_crons.py [--db cc_race] [--from cc_load] [--workers 2]

What Odoo's cron runner guards (one worker per job: the ir_cron row is
locked FOR NO KEY UPDATE SKIP LOCKED while the job runs) is taken away on
purpose: --workers separate Odoo processes (``odoo shell``, as two servers'
cron threads are separate processes) call each job's method directly, all
starting together, each call in its own transaction committed as the cron
runner commits it, again and again until nothing is left. What remains to
keep them apart is the jobs' own claims: the invitation batch's lines and the
DMS runs locked FOR UPDATE SKIP LOCKED, and the stamps written with the
e-mail in one transaction (the reminders' count and date on the contact, the
monthly statement's month on the customer, the daily status' day on the
company, the equipment reminder's date on the machine), which PostgreSQL's
REPEATABLE READ isolation (Odoo's) turns into a serialization failure for the
second transaction that would send the same e-mail: it is rolled back whole,
e-mail included, and tried again by the next call.

The database --db is a copy of --from (the demo dealer with the load test's
logins, tests/load/prepare.py), made again each run; the jobs' work is
queued in it (400 customers with two contacts each imported first; a bulk invitation
of 300 of them, due
invitation reminders of 100 contacts, monthly statements for 40 customers, the daily status,
equipment reminders, a background DMS import of 5,000 customers), then the
workers race, then the database is checked (tests/load/check.sql and the
jobs' own state). Exit status 0 when nothing was sent or written twice and
every job finished.
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

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
    from launcher import ROOT, lib, odoo_setup

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="cc_race")
    parser.add_argument("--from", dest="source", default="cc_load")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dms-rows", type=int, default=5000)
    args = parser.parse_args()
    odoo_cmd, db_args, addons = odoo_setup()
    state = os.path.join(ROOT, ".run")
    work = os.path.join(state, "race")
    os.makedirs(work, exist_ok=True)
    for name in os.listdir(work):
        os.remove(os.path.join(work, name))
    copy = lib(
        f"drop_db {args.db} && createdb_bin=$(pg_bin createdb) && "
        f'"$createdb_bin" -h "$PGHOST_CC" -p "$CC_PGPORT" -U odoo -T {args.source} {args.db} && '
        f'mkdir -p "$CC_STATE/data/filestore" && '
        f'cp -a "$CC_STATE/data/filestore/{args.source}" "$CC_STATE/data/filestore/{args.db}"'
    )
    if copy.returncode:
        sys.exit(
            f"Could not copy {args.source} (is a server still connected to it?): {copy.stderr}"
        )
    common = [
        f"--addons-path={addons}",
        *db_args,
        f"--data-dir={state}/data",
        "-d",
        args.db,
        "--no-http",
        "--max-cron-threads=0",
        "--log-level=warn",
    ]

    def shell(mode, index=0, wait=True):
        env_vars = dict(
            os.environ,
            CC_RACE_MODE=mode,
            CC_RACE_INDEX=str(index),
            CC_RACE_WORKERS=str(args.workers),
            CC_RACE_DIR=work,
            CC_RACE_DMS_ROWS=str(args.dms_rows),
        )
        script = open(os.path.abspath(__file__))
        proc = subprocess.Popen(
            [*odoo_cmd, "shell", *common, f"--logfile={work}/{mode}-{index}.log"],
            stdin=script,
            env=env_vars,
        )
        return proc.wait() if wait else proc

    t0 = time.time()
    if shell("prepare"):
        sys.exit("prepare failed")
    workers = [shell("worker", i, wait=False) for i in range(args.workers)]
    codes = [w.wait() for w in workers]
    print(f"workers done in {time.time() - t0:.0f} s (exit {codes})", flush=True)
    sys.exit(shell("check") or any(codes))

# ---------------------------------------------------------------------------
# Part 2: inside `odoo shell` (globals: env, odoo)
# ---------------------------------------------------------------------------
import json  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402

from psycopg2.extensions import TransactionRollbackError  # noqa: E402

from odoo import SUPERUSER_ID, api, fields  # noqa: E402

MODE = os.environ["CC_RACE_MODE"]
INDEX = int(os.environ["CC_RACE_INDEX"])
WORKERS = int(os.environ["CC_RACE_WORKERS"])
WORK = os.environ["CC_RACE_DIR"]
# each job as its ir.cron record calls it (model, method)
JOBS = [
    (
        "customer_connect.ir_cron_connect_invite_batches",
        "customer_connect.invite.batch",
        "_cron_process",
    ),
    (
        "customer_connect.ir_cron_connect_invitation_reminders",
        "customer_connect.invitation",
        "_cron_send_reminders",
    ),
    (
        "customer_connect.ir_cron_connect_monthly_statements",
        "customer_connect.statement",
        "_cron_send_monthly",
    ),
    (
        "customer_connect.ir_cron_connect_daily_status",
        "customer_connect.daily.status",
        "_cron_send",
    ),
    (
        "customer_connect.ir_cron_connect_equipment_reminders",
        "customer_connect.equipment",
        "_cron_send_reminders",
    ),
    (
        "customer_connect_dms.ir_cron_dms_background_imports",
        "customer_connect_dms.importer",
        "_cron_process_queued",
    ),
]
CALLS = 8  # calls per job and worker: more than the work needs

staff = env["res.users"].search([("login", "=", "dealeruser@northfield.example")])  # noqa: F821
admin = env["res.users"].search([("login", "=", "dealeradmin@northfield.example")])  # noqa: F821
company = admin.company_id

if MODE == "prepare":
    Partner = env["res.partner"]  # noqa: F821
    customers = Partner.search(
        [
            ("parent_id", "=", False),
            ("is_company", "=", True),
            ("company_id", "in", [company.id, False]),
        ],
        order="id",
    )
    # (customers: the demo dealer's 150, for the monthly statements)
    # customers with contacts to invite: 420 imported from a DMS file (two
    # contacts each, with e-mails), as the dealer does
    importer = env["customer_connect_dms.importer"].with_user(admin).with_company(company)  # noqa: F821
    tag = f"Q{int(time.time()) % 1000000:06d}"
    importer._import_file(
        "customers",
        env.ref("customer_connect_dms.profile_generic_customers"),  # noqa: F821
        "\n".join(
            ["number,name,city,country,email"]
            + [
                f"{tag}{i:04d},Queue Farm {tag} {i},Ayr,GB,farm{i}@{tag.lower()}.example"
                for i in range(420)
            ]
        ).encode(),
        "customers.csv",
    )
    importer._import_file(
        "contacts",
        env.ref("customer_connect_dms.profile_generic_contacts"),  # noqa: F821
        "\n".join(
            ["customer_number,name,email"]
            + [
                f"{tag}{i:04d},Contact {n} of {i},c{n}.{i}@{tag.lower()}.example"
                for n in range(2)
                for i in range(420)
            ]
        ).encode(),
        "contacts.csv",
    )
    imported = Partner.search(
        [("ref", "=like", f"{tag}____"), ("parent_id", "=", False)], order="id"
    )
    # bulk invitation: 300 of them, queued as staff do (the job invites)
    batch = env["customer_connect.invite.batch"].with_user(staff)._create_for(imported[:300])  # noqa: F821
    # invitation reminders: the other 100 invited now, the invitations made
    # 10 days old (a reminder due), reminders on 3 and 7 days
    contacts = env["res.partner"]  # noqa: F821
    for customer in imported[300:]:
        contacts |= customer._connect_invite_candidates()[:1]
    contacts.with_user(staff)._connect_invite(raise_on_refusal=False)
    # the last 20 invited yesterday: the daily status has them to tell
    yesterday = contacts[100:]
    contacts = contacts[:100]
    company.sudo().write({"connect_reminder_days": "3,7", "connect_reminder_max": 2})
    pending = contacts
    env.flush_all()  # noqa: F821
    env.cr.execute(  # noqa: F821
        "UPDATE res_partner SET connect_last_invited = now() - interval '10 days',"
        " connect_last_reminder = NULL, connect_reminder_count = 0 WHERE id IN %s",
        [tuple(pending.ids)],
    )
    env.cr.execute(  # noqa: F821
        "UPDATE res_partner SET connect_last_invited = now() - interval '1 day' WHERE id IN %s",
        [tuple(yesterday.ids)],
    )
    # the invitations above are before the race: only what the jobs queue counts
    env.cr.execute("SELECT now() AT TIME ZONE 'UTC' + interval '1 second'")  # noqa: F821
    started = env.cr.fetchone()[0]  # noqa: F821
    # monthly statements: 40 customers with a billing e-mail opted in
    opted = customers.filtered(lambda c: c._connect_summary_recipients())[:40]
    opted.write({"connect_statement_monthly": True, "connect_statement_last_sent": False})
    # the daily status to both staff members, not sent yet
    company.sudo().write(
        {
            "connect_daily_status_user_ids": [fields.Command.set((staff | admin).ids)],
            "connect_daily_status_last_day": False,
        }
    )
    # equipment reminders: every machine's reminders not sent yet
    env.flush_all()  # noqa: F821
    env.cr.execute(  # noqa: F821
        "UPDATE customer_connect_equipment SET warranty_reminded_for = NULL, service_reminded_for = NULL"
    )
    # a background DMS import of customers (queued as the import wizard does)
    rows = int(os.environ["CC_RACE_DMS_ROWS"])
    stamp = f"R{int(time.time()) % 1000000:06d}"
    lines = ["number,name,street,city,zip,country,email,phone"] + [
        f"{stamp}{i:05d},Race Farm {i},{i} Field Lane,Ayr,KA7 1AA,GB,office{i}@{stamp.lower()}.example,01292 {i:06d}"
        for i in range(rows)
    ]
    run = (
        env["customer_connect_dms.importer"]  # noqa: F821
        .with_user(admin)
        .with_company(company)
        ._queue_file(
            "customers",
            env.ref("customer_connect_dms.profile_generic_customers"),  # noqa: F821
            "\n".join(lines).encode(),
            "race.csv",
        )
    )
    env.cr.commit()  # noqa: F821
    info = {
        "started": str(started),
        "batch_id": batch.id,
        "batch_lines": len(batch.line_ids),
        "reminders_due": len(pending),
        "statements": len(opted),
        "dms_run_id": run.id,
        "dms_rows": rows,
        "dms_stamp": stamp,
    }
    json.dump(info, open(os.path.join(WORK, "prepared.json"), "w"))
    print(f"prepared: {info}", flush=True)

elif MODE == "worker":
    registry = env.registry  # noqa: F821
    open(os.path.join(WORK, f"ready.{INDEX}"), "w").close()
    deadline = time.time() + 180
    while len([n for n in os.listdir(WORK) if n.startswith("ready.")]) < WORKERS:
        if time.time() > deadline:
            raise SystemExit("the other worker never came")
        time.sleep(0.05)
    stats = {}
    for xmlid, model, method in JOBS:
        user_id = env.ref(xmlid).user_id.id  # noqa: F821
        done = conflicts = errors = 0
        for _call in range(CALLS):
            with registry.cursor() as cr:
                job_env = api.Environment(cr, user_id or SUPERUSER_ID, {})
                try:
                    getattr(job_env[model], method)()
                    cr.commit()
                    done += 1
                except TransactionRollbackError:
                    # the other worker wrote the same row first: this
                    # transaction (its e-mails with it) is rolled back
                    cr.rollback()
                    conflicts += 1
                except Exception as error:  # noqa: BLE001 - counted and shown
                    cr.rollback()
                    errors += 1
                    print(f"worker {INDEX} {model}.{method}: {error!r}", flush=True)
        stats[f"{model}.{method}"] = {"committed": done, "rolled back": conflicts, "errors": errors}
    json.dump(stats, open(os.path.join(WORK, f"worker.{INDEX}.json"), "w"))
    print(f"worker {INDEX}: {json.dumps(stats)}", flush=True)

else:  # check
    info = json.load(open(os.path.join(WORK, "prepared.json")))
    started = info["started"]
    for index in range(WORKERS):
        path = os.path.join(WORK, f"worker.{index}.json")
        if os.path.exists(path):
            print(f"worker {index}: {open(path).read()}")
    cr = env.cr  # noqa: F821
    problems = []

    def one(sql, params=()):
        cr.execute(sql, params)
        return cr.fetchone()[0]

    cr.execute(
        "SELECT kind, count(*), count(DISTINCT partner_id) FROM customer_connect_mail_log"
        " WHERE create_date >= %s GROUP BY kind ORDER BY kind",
        [started],
    )
    print("e-mails queued during the race (kind, e-mails, distinct recipients):")
    for kind, count, distinct in cr.fetchall():
        print(f"  {kind}: {count}, {distinct}")
        if count != distinct:
            problems.append(f"{kind}: {count - distinct} e-mails queued twice")
    pending = one(
        "SELECT count(*) FROM customer_connect_invite_batch_line WHERE batch_id = %s AND result = 'pending'",
        [info["batch_id"]],
    )
    if pending:
        problems.append(f"bulk invitation: {pending} lines still waiting")
    invited_twice = one(
        "SELECT count(*) FROM (SELECT contact_id FROM customer_connect_invite_batch_line"
        " WHERE batch_id = %s AND contact_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) t",
        [info["batch_id"]],
    )
    if invited_twice:
        problems.append(f"bulk invitation: {invited_twice} contacts on two lines")
    cr.execute(
        "SELECT state, count_created, count_updated, count_refused FROM customer_connect_dms_import_run WHERE id = %s",
        [info["dms_run_id"]],
    )
    state, created, updated, refused = cr.fetchone()
    written = one(
        "SELECT count(*) FROM res_partner WHERE ref LIKE %s",
        [info["dms_stamp"] + "%"],
    )
    distinct = one(
        "SELECT count(DISTINCT ref) FROM res_partner WHERE ref LIKE %s",
        [info["dms_stamp"] + "%"],
    )
    print(
        f"DMS run {info['dms_run_id']}: {state}, created {created}, updated {updated}, refused {refused}; "
        f"customers in the database {written} ({distinct} distinct numbers) of {info['dms_rows']} rows"
    )
    if state != "done" or written != info["dms_rows"] or distinct != written:
        problems.append("DMS import: not every row written exactly once")
    not_stamped = one(
        "SELECT count(*) FROM res_partner WHERE connect_statement_monthly AND parent_id IS NULL"
        " AND (connect_statement_last_sent IS NULL OR connect_statement_last_sent < date_trunc('month', now()))"
    )
    if not_stamped:
        problems.append(f"monthly statements: {not_stamped} customers not done")
    print(f"prepared: {info}")
    print(
        "PROBLEMS: " + "; ".join(problems)
        if problems
        else "OK: every e-mail queued once, every row written once"
    )
    if problems:
        raise SystemExit(1)
