"""The checks of run_replica_check.sh, against an Odoo serving the demo
dealer with a PostgreSQL hot standby as its read replica.

    python replica_check.py URL PRIMARY_SOCKET PRIMARY_PORT STANDBY_SOCKET
                            STANDBY_PORT DB ODOO_LOG GRACE

1. The portal's read-only pages are served by the standby: with its WAL
   replay paused, a change made on the primary (the contact's name) is not
   on /my/activity, /my/history... but is on /my (a read/write page).
2. Viewing and downloading on those pages records the timeline's events, on
   the primary, and Odoo never retried a request on the primary ("retrying
   with a read/write cursor" absent from its log).
3. A lagging replica shows nothing wrong: with replay still paused, the
   contact pays an invoice with the demo provider; its next Customer
   Activity (same session) no longer lists the invoice as open, while a
   session that wrote nothing, still on the paused standby, shows the lag.
   Replay resumed, that session sees it paid too.

Exits non-zero on the first failed check."""

import html
import json
import re
import sys
import time

import psycopg2
import requests

URL, P_SOCK, P_PORT, S_SOCK, S_PORT, DB, ODOO_LOG, GRACE = sys.argv[1:9]
GRACE = float(GRACE)
LOGIN, PASSWORD = "accounts@greenacres-farm.example", "portal"
QUOTE_RE = re.compile(r'data-access-token="([^"]+)"')
AMOUNT_RE = re.compile(r'data-amount="([0-9.]+)"')


def db(sock, port):
    cnx = psycopg2.connect(host=sock, port=port, dbname=DB, user="odoo")
    cnx.autocommit = True
    return cnx


primary, standby = db(P_SOCK, P_PORT), db(S_SOCK, S_PORT)


def one(cnx, query, args=()):
    with cnx.cursor() as cr:
        cr.execute(query, args)
        return cr.fetchone()


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)


def sign_in():
    session = requests.Session()
    page = session.get(f"{URL}/web/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{URL}/web/login",
        data={"login": LOGIN, "password": PASSWORD, "csrf_token": csrf, "redirect": "/my"},
    )
    check(response.ok and "/web/login" not in response.url, f"{LOGIN} signs in")
    return session


def rpc(session, route, params):
    response = session.post(
        f"{URL}{route}",
        data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
        headers={"Content-Type": "application/json"},
    )
    body = response.json()
    check(
        "error" not in body,
        f"{route} answers ({body.get('error', {}).get('data', {}).get('message', 'ok')})",
    )
    return body.get("result")  # Odoo leaves "result" out for None


def caught_up():
    lsn = one(primary, "SELECT pg_current_wal_lsn()")[0]
    for _ in range(100):
        if one(standby, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])[0]:
            return True
        time.sleep(0.2)
    return False


def odoo_log_lines():
    with open(ODOO_LOG, encoding="utf-8", errors="replace") as log:
        return log.read().split("\n")


log_start = len(odoo_log_lines())
check(one(standby, "SELECT pg_is_in_recovery()")[0], "the replica is a hot standby in recovery")
contact_id, customer_id, name = one(
    primary,
    "SELECT p.id, p.commercial_partner_id, p.name FROM res_users u "
    "JOIN res_partner p ON p.id = u.partner_id WHERE u.login = %s",
    [LOGIN],
)

try:
    # -- 1. read-only pages come from the standby -------------------------------
    a = sign_in()
    time.sleep(GRACE + 1)  # signing in is a write: its grace passes first
    one(standby, "SELECT pg_wal_replay_pause()")
    marker = f"Rpl {int(time.time()) % 100000}"
    one(
        primary, "UPDATE res_partner SET name = %s WHERE id = %s RETURNING id", [marker, contact_id]
    )
    READONLY_PAGES = [
        "/my/activity",
        "/my/history",
        "/my/purchases",
        "/my/open-orders",
        "/my/equipment",
        "/my/statement",
        "/my/projects",
    ]
    for page in READONLY_PAGES:
        response = a.get(f"{URL}{page}")
        check(
            response.status_code == 200
            and marker not in response.text
            and html.escape(name[:20]) in response.text,
            f"{page} served by the standby (replay paused: the old name, not the primary's)",
        )
    home = a.get(f"{URL}/my").text
    check(marker in home, "/my (read/write) served by the primary (the new name)")

    # -- 2. events recorded on the primary, no retry ----------------------------
    events_before = one(
        primary,
        "SELECT count(*) FROM customer_connect_portal_event WHERE partner_id = %s",
        [contact_id],
    )[0]
    order_id = one(
        primary,
        "SELECT o.id FROM sale_order o JOIN res_partner p ON p.id = o.partner_id "
        "WHERE p.commercial_partner_id = %s AND o.state = 'sale' ORDER BY o.id LIMIT 1",
        [customer_id],
    )[0]
    check(
        a.get(f"{URL}/my/open-orders/{order_id}").status_code == 200,
        "an order viewed (read-only page)",
    )
    csv = a.get(f"{URL}/my/history/csv?date_from=2000-01-01&date_to=2100-01-01")
    check(
        csv.status_code == 200 and "attachment" in csv.headers.get("Content-Disposition", ""),
        "the account history downloaded (read-only page)",
    )
    with primary.cursor() as cr:
        cr.execute(
            "SELECT kind FROM customer_connect_portal_event WHERE partner_id = %s "
            "ORDER BY id DESC LIMIT 2",
            [contact_id],
        )
        kinds = [row[0] for row in reversed(cr.fetchall())]
    events_after = one(
        primary,
        "SELECT count(*) FROM customer_connect_portal_event WHERE partner_id = %s",
        [contact_id],
    )[0]
    check(
        events_after - events_before == 2
        and kinds[-2:] == ["order_viewed", "account_history_downloaded"],
        f"the two events are on the primary's timeline ({kinds[-2:]})",
    )
    log = odoo_log_lines()[log_start:]
    retried = [line for line in log if "retrying with a read/write cursor" in line]
    check(not retried, f"no request retried on the primary ({len(retried)} in Odoo's log)")

    # -- 3. a payment just made is not shown as open ----------------------------
    invoice_id, invoice_name, residual = one(
        primary,
        "SELECT id, name, amount_residual FROM account_move WHERE commercial_partner_id = %s "
        "AND move_type = 'out_invoice' AND state = 'posted' AND payment_state = 'not_paid' "
        "ORDER BY invoice_date DESC, id DESC LIMIT 1",  # on Customer Activity's first page
        [customer_id],
    )
    # the invoice's row on Customer Activity (its cell may hold spaces and a badge)
    listed = re.compile(rf'o_connect_reference">\s*{re.escape(invoice_name)}\s*<').search
    b = sign_in()  # a second session that will write nothing after signing in
    time.sleep(GRACE + 1)
    check(listed(a.get(f"{URL}/my/activity").text), f"{invoice_name} open before the payment")
    page = a.get(f"{URL}/my/payments/pay?pay_{invoice_id}=1").text
    quote = QUOTE_RE.search(page).group(1).replace("&amp;", "&")
    amount = float(AMOUNT_RE.search(page).group(1))  # the discount, if any, taken
    provider_id, method_id = one(
        primary,
        "SELECT pr.id, m.id FROM payment_provider pr, payment_method m "
        "WHERE pr.code = 'demo' AND pr.state = 'test' AND m.code = 'demo' LIMIT 1",
    )
    values = rpc(
        a,
        "/my/payments/transaction",
        {
            "access_token": quote,
            "amount": amount,
            "provider_id": provider_id,
            "payment_method_id": method_id,
            "token_id": None,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/my/activity",
            "is_validation": False,
        },
    )
    rpc(
        a,
        "/payment/demo/simulate_payment",
        {"reference": values["reference"], "payment_details": "4242", "simulated_state": "done"},
    )
    rpc(a, "/payment/status/poll", {})
    state = one(primary, "SELECT payment_state FROM account_move WHERE id = %s", [invoice_id])[0]
    check(state in ("paid", "in_payment"), f"{invoice_name} paid on the primary ({state})")
    replayed = one(standby, "SELECT payment_state FROM account_move WHERE id = %s", [invoice_id])[0]
    check(replayed == "not_paid", "the standby lags: it still has the invoice unpaid")
    check(
        not listed(a.get(f"{URL}/my/activity").text),
        "the paying session's Customer Activity (primary: it wrote) no longer lists it as open",
    )
    check(
        listed(b.get(f"{URL}/my/activity").text),
        "a session that wrote nothing reads the lagging standby (it still lists it)",
    )
    one(standby, "SELECT pg_wal_replay_resume()")
    check(caught_up(), "replay resumed, the standby caught up")
    check(not listed(b.get(f"{URL}/my/activity").text), "that session now sees it paid too")
finally:
    # the contact's name back, replay resumed, whatever happened
    one(primary, "UPDATE res_partner SET name = %s WHERE id = %s RETURNING id", [name, contact_id])
    one(standby, "SELECT pg_wal_replay_resume()")
print("replica check: all passed")
