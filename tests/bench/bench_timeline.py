#!/usr/bin/env python3
"""Benchmark: the dealer's timeline of a customer with 100,000 portal events
opens in under 200 ms.

What it measures
----------------
On database ``bench_tl`` (created on first run by installing
``customer_connect``, ``customer_connect_payments`` and
``customer_connect_dms`` with ``--without-demo=all``), filled with SQL
``INSERT ... SELECT generate_series``:

* customers: "Bench Timeline Farm Equipment" (5 contacts) and --others
  (default 300) other customer accounts (3 contacts each), made with the ORM;
* ``customer_connect.portal.event``: --events (default 100,000) for the big
  customer and --other-events (default 900,000) spread over the others,
  ~1M rows in all, interleaved in id order as a live table would be, dated
  over the last 2 years in id order, kinds of the model's selection
  (log-ins and documents viewed most), company = main company;
* for the comparison, ``mail.message`` the same way: as many messages on
  the big customer (``model='res.partner'``, ``res_id`` = its id) and on
  the others, notes and comments by the admin;

then VACUUM ANALYZE of both tables (autovacuum would get there after such a
bulk insert; done at once so that runs do not depend on when it does). The
database is marked filled (ir.config_parameter ``bench_tl.filled``) and later
runs reuse it.

As a user of group ``customer_connect.group_connect_user`` of the main
company (``bench_tl_user``), what the web client asks when the dealer opens
the customer's Portal Activity:

* the button, ``res.partner.action_connect_view_portal_events`` (its staff
  check and the action with domain ``[('commercial_partner_id', 'in', ids)]``);
* ``web_search_read`` with that domain, limit 80, the default order
  (``date desc, id desc``), the fields of the list view
  ``customer_connect.view_connect_portal_event_list`` (date,
  commercial_partner_id, partner_id, kind, name, company_id, the many2ones
  with display_name), ``bin_size`` and count_limit 10001, as the web client
  sends them. With 10,001 events or more, ``web_search_read`` itself counts
  up to 10,001 (``search_count(domain, limit=10001)``) and the pager shows
  "1-80 / 10000+": the web client asks for no exact ``search_count`` until
  the user clicks that counter. The bench times the click separately
  (exact ``search_count``), outside the target;

and side by side, Odoo's own timeline of the same customer, its chatter
(``mail.message``, 100,000 messages on the customer):

* ``web_search_read`` on ``mail.message`` with domain
  ``[('model', '=', 'res.partner'), ('res_id', '=', id)]``, the fields of
  ``mail.view_message_tree``, default order (``id desc``), limit 80,
  count_limit 10001, and the exact ``search_count``;
* the chatter's first page, what ``/mail/thread/messages`` does:
  ``mail.message._message_fetch`` (30 messages) and their ``Store`` data.

Server time (in-process ORM call, median of --runs runs after one warm-up,
``env.invalidate_all()`` before each run as for a new request; JSON-RPC and
network excluded), min, max and the number of SQL queries of each call;
then EXPLAIN ANALYZE of the SQL the ORM generates for our page and count
(the index ``customer_connect_portal_event_timeline_idx`` on
``(commercial_partner_id, date DESC, id DESC)`` should serve both) and for
the chatter's page.

How to run
----------
    export CC_STATE=$PWD/.run                      # the project's PostgreSQL
    python3 tests/bench/bench_timeline.py               # creates/fills bench_tl if needed
    python3 tests/bench/bench_timeline.py --runs 20
    python3 tests/bench/bench_timeline.py --reset       # drop and rebuild bench_tl
    python3 tests/bench/bench_timeline.py --db bench_tl_small --events 10000 --other-events 90000

It uses bin/lib.sh (find_odoo, start_pg, addons_path): the throwaway
PostgreSQL of .run/pg, a data dir and logs under <state>/bench/, no HTTP
(``--no-http``). The script is then fed to ``odoo shell`` on stdin (it
detects that by the ``env`` global). It is a benchmark, not a test: bin/test
does not run tests/bench.
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
    parser.add_argument("--db", default="bench_tl", help="a name starting with bench_tl")
    parser.add_argument("--reset", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--events", type=int, default=100_000, help="events of the customer")
    parser.add_argument(
        "--other-events", type=int, default=900_000, help="events of the other customers"
    )
    parser.add_argument("--others", type=int, default=300, help="other customers")
    args = parser.parse_args()
    # --reset drops the database: only ever one of this bench's own
    if not args.db.startswith("bench_tl"):
        parser.error("--db must start with bench_tl")

    bench = Bench(args.db)
    bench.ensure_db(
        "customer_connect,customer_connect_payments,customer_connect_dms",
        reset=args.reset,
        what="the addons",
    )
    rc = bench.shell(
        __file__,
        CC_BENCH_RUNS=str(args.runs),
        CC_BENCH_EVENTS=str(args.events),
        CC_BENCH_OTHER_EVENTS=str(args.other_events),
        CC_BENCH_OTHERS=str(args.others),
    )
    sys.exit(rc)

# ---------------------------------------------------------------------------
# Part 2: inside `odoo shell` (globals: env, odoo)
# ---------------------------------------------------------------------------
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from lxml import etree  # noqa: E402

from odoo import Command, api  # noqa: E402
from odoo.sql_db import db_connect  # noqa: E402
from odoo.tools import SQL  # noqa: E402

from odoo.addons.mail.tools.discuss import Store  # noqa: E402

RUNS = int(os.environ.get("CC_BENCH_RUNS", "10"))
N_EVENTS = int(os.environ.get("CC_BENCH_EVENTS", "100000"))
N_OTHER_EVENTS = int(os.environ.get("CC_BENCH_OTHER_EVENTS", "900000"))
N_OTHERS = int(os.environ.get("CC_BENCH_OTHERS", "300"))
FILLED = f"{N_EVENTS}/{N_OTHER_EVENTS}/{N_OTHERS}"
MARK = "bench_tl.filled"
BIG_REF = "TL-BIG"
TARGET_MS = 200
cr = env.cr
company = env.ref("base.main_company")

# kinds of the model's selection, weighted as a portal is used: mostly
# log-ins and documents viewed (20 slots, picked by row number)
KINDS = (
    ["login"] * 6
    + ["document_viewed"] * 6
    + ["document_printed"] * 2
    + ["document_downloaded"] * 3
    + ["documents_downloaded", "statement_downloaded", "payment"]
)


# -- data --------------------------------------------------------------------


def make_customers():
    """The big customer (5 contacts) and the others (3 contacts each)."""
    Partner = env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)

    def vals(name, ref, n_contacts):
        return {
            "name": name,
            "ref": ref,
            "is_company": True,
            "company_id": company.id,
            "customer_rank": 1,
            "child_ids": [
                Command.create(
                    {
                        "name": f"Contact {k} of {name}",
                        "email": f"contact{k}.{ref.lower()}@bench.example",
                    }
                )
                for k in range(1, n_contacts + 1)
            ],
        }

    big = Partner.create(vals("Bench Timeline Farm Equipment", BIG_REF, 5))
    others = Partner.create(
        [vals(f"Bench Customer {i:03d}", f"TL-{i:03d}", 3) for i in range(1, N_OTHERS + 1)]
    )
    return big, others


def slots(big, others):
    """For each row number g of the fill: which customer and contact. Every
    (N_EVENTS + N_OTHER_EVENTS) / N_EVENTS-th row is the big customer's, so
    its rows are spread over the whole table as in a live database."""
    customers = [big.id] + others.ids
    contacts = [big.child_ids.sorted("id").ids] + [o.child_ids.sorted("id").ids for o in others]
    width = max(len(c) for c in contacts)
    # contact matrix padded with the first contact (1-based SQL arrays)
    matrix = [c + [c[0]] * (width - len(c)) for c in contacts]
    counts = [len(c) for c in contacts]
    names = [big.name] + others.mapped("name")
    return customers, matrix, counts, names


FILL_CTE = """
    WITH c AS (
        SELECT %(customers)s::int[] AS customers, %(contacts)s::int[][] AS contacts,
               %(counts)s::int[] AS counts, %(names)s::text[] AS names
    ), s AS (
        SELECT g,
               -- the big customer on every step-th row, the others in turn
               CASE WHEN g %% %(step)s = 0 THEN 1
                    ELSE 2 + (g - g / %(step)s - 1) %% %(others)s END AS k,
               -- dates over the last 2 years, in row order, as they come
               now() - interval '730 days'
                     + (g::float8 / %(total)s) * interval '730 days' AS d,
               (%(kinds)s::text[])[1 + (g * 7) %% 20] AS kind
          FROM generate_series(1, %(total)s) g
    )
"""


def fill():
    t0 = time.time()
    mark = env["ir.config_parameter"].get_param(MARK)
    if mark == "filling":
        raise SystemExit(f"{cr.dbname} was left half filled by an earlier run: run with --reset")
    if mark:
        raise SystemExit(f"{cr.dbname} holds other data ({mark}): run with --reset")
    env["ir.config_parameter"].set_param(MARK, "filling")
    cr.commit()
    big, others = make_customers()
    customers, matrix, counts, names = slots(big, others)
    total = N_EVENTS + N_OTHER_EVENTS
    params = {
        "customers": customers,
        "contacts": matrix,
        "counts": counts,
        "names": names,
        "step": max(total // max(N_EVENTS, 1), 1),
        "others": N_OTHERS,
        "total": total,
        "kinds": KINDS,
        "company": company.id,
        "uid": env.ref("base.user_root").id,
    }
    cr.execute(
        FILL_CTE
        + """
        INSERT INTO customer_connect_portal_event (date, kind, partner_id, commercial_partner_id,
            company_id, res_model, res_id, name, create_uid, write_uid, create_date, write_date)
        SELECT s.d, s.kind,
               c.contacts[s.k][1 + (s.g / 7) %% c.counts[s.k]], c.customers[s.k],
               %(company)s,
               CASE WHEN s.kind LIKE 'document%%' OR s.kind = 'payment' THEN 'account.move' END,
               CASE WHEN s.kind LIKE 'document%%' OR s.kind = 'payment' THEN 1 + s.g %% 50000 END,
               CASE WHEN s.kind LIKE 'document%%'
                        THEN 'INV/' || to_char(s.d, 'YYYY') || '/' || lpad((1 + s.g %% 99999)::text, 5, '0')
                    WHEN s.kind = 'statement_downloaded'
                        THEN 'Statement of ' || to_char(s.d, 'YYYY-MM-DD')
                    WHEN s.kind = 'payment'
                        THEN 'Payment of INV/' || to_char(s.d, 'YYYY') || '/' || lpad((1 + s.g %% 99999)::text, 5, '0')
               END,
               %(uid)s, %(uid)s, s.d, s.d
          FROM s, c
        """,
        params,
    )
    print(f"  {cr.rowcount:,} portal events ({time.time() - t0:.0f}s)", flush=True)
    # Odoo's chatter of the same customers: notes and comments by the admin
    admin = env.ref("base.user_admin").partner_id
    params.update(
        author=admin.id,
        note=env.ref("mail.mt_note").id,
        comment=env.ref("mail.mt_comment").id,
    )
    cr.execute(
        FILL_CTE
        + """
        INSERT INTO mail_message (model, res_id, record_name, message_type, subtype_id,
            author_id, email_from, body, date, is_internal,
            create_uid, write_uid, create_date, write_date)
        SELECT 'res.partner', c.customers[s.k], c.names[s.k],
               CASE WHEN s.g %% 3 = 0 THEN 'comment' ELSE 'notification' END,
               CASE WHEN s.g %% 3 = 0 THEN %(comment)s ELSE %(note)s END,
               %(author)s, 'admin@bench.example',
               '<p>Called the customer about work order ' || (700000 + s.g) || '.</p>',
               s.d, FALSE, %(uid)s, %(uid)s, s.d, s.d
          FROM s, c
        """,
        params,
    )
    print(f"  {cr.rowcount:,} chatter messages ({time.time() - t0:.0f}s)", flush=True)
    env["ir.config_parameter"].set_param(MARK, FILLED)
    cr.commit()
    vacuum_analyze("customer_connect_portal_event", "mail_message", "res_partner")
    print(f"Filled in {time.time() - t0:.0f}s", flush=True)


def vacuum_analyze(*tables):
    """VACUUM needs its own connection, out of any transaction."""
    cnx = db_connect(cr.dbname).cursor()
    try:
        cnx._cnx.autocommit = True
        for table in tables:
            cnx.execute(SQL("VACUUM ANALYZE %s", SQL.identifier(table)))
    finally:
        cnx.close()


def bench_user():
    Users = env["res.users"].with_context(no_reset_password=True)
    user = Users.search([("login", "=", "bench_tl_user")])
    if not user:
        user = Users.create(
            {
                "name": "Bench Timeline Dealer User",
                "login": "bench_tl_user",
                "email": "bench_tl_user@dealer.example",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([env.ref("customer_connect.group_connect_user").id])],
            }
        )
        cr.commit()
    return user


# -- timing ------------------------------------------------------------------


def list_spec(model, view_xmlid):
    """Field specification the web client builds from a list view, for
    ``model``'s user (fields of groups the user lacks are not in the arch)."""
    view = env.ref(view_xmlid)
    arch = model.get_views([(view.id, "list")])["views"]["list"]["arch"]
    spec = {}
    for node in etree.fromstring(arch).iterchildren("field"):
        name = node.get("name")
        many2one = model._fields[name].type == "many2one"
        spec[name] = {"fields": {"display_name": {}}} if many2one else {}
    return spec


def measure(label, fn, rows):
    fn()  # warm-up
    times, queries, result = [], None, None
    for _i in range(RUNS):
        env.invalidate_all()  # a new request starts with an empty record cache
        q0 = cr.sql_log_count
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
        queries = cr.sql_log_count - q0
    rows.append((label, statistics.median(times), min(times), max(times), queries))
    return result


def explain(label, sql):
    cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) %s", sql))
    print(f"-- {label}:")
    for (line,) in cr.fetchall():
        print("   ", line)


def main():
    if env["ir.config_parameter"].get_param(MARK) != FILLED:
        fill()
    user = bench_user()
    big = env["res.partner"].search([("ref", "=", BIG_REF), ("is_company", "=", True)], limit=1)
    cr.execute(
        "SELECT count(*), count(*) FILTER (WHERE commercial_partner_id = %s)"
        " FROM customer_connect_portal_event",
        [big.id],
    )
    n_all, n_big = cr.fetchone()
    cr.execute(
        "SELECT count(*), count(*) FILTER (WHERE model = 'res.partner' AND res_id = %s)"
        " FROM mail_message",
        [big.id],
    )
    m_all, m_big = cr.fetchone()
    ctx = {
        "lang": "en_US",
        "tz": "Europe/Brussels",
        "uid": user.id,
        "allowed_company_ids": [company.id],
    }
    uenv = api.Environment(cr, user.id, ctx)
    customer = uenv["res.partner"].browse(big.id)

    # -- ours: the Portal Activity button, then the list's first page
    action = customer.action_connect_view_portal_events()
    domain = action["domain"]
    Event = uenv["customer_connect.portal.event"].with_context(**(action.get("context") or {}))
    view_spec = list_spec(Event, "customer_connect.view_connect_portal_event_list")
    # the list view's fields as the brief lists them: company_id is
    # groups="base.group_multi_company", out of the arch for a one-company
    # user; it is asked anyway, the heavier case
    spec = dict(view_spec)
    spec.setdefault("company_id", {"fields": {"display_name": {}}})
    order = "date DESC, id DESC"  # the model's _order; the list view sets none
    E = Event.with_context(bin_size=True)
    ours = []
    measure(
        "button action_connect_view_portal_events", customer.action_connect_view_portal_events, ours
    )
    page = measure(
        "web_search_read (80 rows + count to 10,001)",
        lambda: E.web_search_read(domain, spec, offset=0, limit=80, order=order, count_limit=10001),
        ours,
    )
    opening = ours[0][1] + ours[1][1]
    clicked = []
    exact = measure("search_count (exact, on click)", lambda: Event.search_count(domain), clicked)

    # -- Odoo's chatter of the same customer
    Message = uenv["mail.message"]
    m_domain = [("model", "=", "res.partner"), ("res_id", "=", big.id)]
    m_spec = list_spec(Message, "mail.view_message_tree")
    M = Message.with_context(bin_size=True)
    chatter = []
    m_page = measure(
        "web_search_read (80 rows + count to 10,001)",
        lambda: M.web_search_read(
            m_domain, m_spec, offset=0, limit=80, order="id DESC", count_limit=10001
        ),
        chatter,
    )
    m_exact = measure(
        "search_count (exact, on click)", lambda: Message.search_count(m_domain), chatter
    )
    thread_domain = [*m_domain, ("message_type", "!=", "user_notification")]

    def chatter_page():
        messages = Message._message_fetch(thread_domain, limit=30)["messages"]
        return Store(messages, for_current_user=True).get_result()

    measure("chatter first page (_message_fetch 30 + Store)", chatter_page, chatter)

    # -- report
    print()
    print(
        f"customer_connect_portal_event: {n_all:,} rows, {n_big:,} of {big.name}; "
        f"mail_message: {m_all:,} rows, {m_big:,} on it"
    )
    print(
        f"User {user.login} (groups: Customer Connect User); runs: {RUNS}, median after 1 warm-up"
    )
    print(f"Timeline domain {domain}, order {order!r}")
    print(f"  fields: {', '.join(spec)} (list view arch for this user: {', '.join(view_spec)})")
    print(f"Chatter list domain {m_domain}, order 'id DESC', fields: {', '.join(m_spec)}")
    for title, table in (
        ("Ours: Portal Activity of the customer", ours),
        ("  then, if the user clicks '10000+'", clicked),
        ("Odoo: mail.message of the customer", chatter),
    ):
        print()
        print(f"{title:<52} {'median ms':>10} {'min':>8} {'max':>8} {'queries':>8}")
        for label, med, lo, hi, q in table:
            print(f"  {label:<50} {med:>10.1f} {lo:>8.1f} {hi:>8.1f} {q:>8}")
    print()
    first = page["records"][0]
    print(
        f"Timeline: length={page['length']:,} (pager '1-80 / {'10000+' if page['length'] > 10000 else page['length']}'), "
        f"newest {first['date']} {first['kind']} by {first['partner_id']['display_name']}; "
        f"exact count {exact:,}"
    )
    print(
        f"Chatter list: length={m_page['length']:,}, newest id {m_page['records'][0]['id']}; "
        f"exact count {m_exact:,}"
    )
    print(
        f"Target < {TARGET_MS} ms to open the timeline (button + web_search_read): "
        f"{'MET' if opening < TARGET_MS else 'NOT MET'} ({opening:.0f} ms)"
    )

    # -- query plans of the SQL the ORM generates, as the user
    print()
    print("EXPLAIN ANALYZE (as generated by the ORM for the user, record rule included):")
    explain("timeline page", Event._search(domain, limit=80, order=order).select())
    limited = Event._search(domain, limit=10001)
    explain("timeline count to 10,001", SQL("SELECT COUNT(*) FROM (%s) t", limited.select("")))
    explain("timeline exact count", Event._search(domain).select("COUNT(*)"))
    explain(
        "chatter list page (before mail.message's access filter)",
        Message.sudo()._search(m_domain, limit=80, order="id DESC").select(),
    )
    cr.rollback()


main()
