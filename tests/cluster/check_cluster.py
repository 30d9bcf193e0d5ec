#!/usr/bin/env python3
"""Two servers, one session, one filestore, one payment: checked on a
running bin/cluster (each server reached on its own port, as the balancer
may send any request to either).

    tests/cluster/check_cluster.py [--port 8080] [--db cc_load]   (exit 0: passed)

1. A contact signs in on server a; server b serves its portal with the same
   session cookie (sessions live in the shared data dir).
2. An invoice's official PDF is made on server a (Odoo's Send & Print,
   kept as an attachment in the filestore); server b hands out the same
   file, byte for byte (pdftotext reads the invoice's number when the PDF
   engine wrote text).
3. A payment with Odoo's demo provider: the transaction made on server a,
   the provider's notification handled on server b, the status page polled
   on both, then Odoo's post-processing job run on either server's cron:
   the invoice is paid once (one done transaction, one payment, reconciled).
Standard library and psql only (127.0.0.1).
"""

import argparse
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG = os.path.join(ROOT, ".run", "load", "config.json")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
TOKEN_RE = re.compile(r'data-access-token="([^"]+)"')
AMOUNT_RE = re.compile(r'data-amount="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: one cookie jar, any server."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def open(self, url, data=None, headers=None):
        request = urllib.request.Request(url, data, headers or {})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def rpc(self, url, params):
        status, _headers, body = self.open(
            url,
            json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}).encode(),
            {"Content-Type": "application/json"},
        )
        data = json.loads(body)
        if "error" in data:
            raise AssertionError(f"{url}: {status} {data.get('error', data)}")
        return data.get("result")  # a route returning None: no "result"


def psql(db, sql):
    out = subprocess.run(
        [
            "bash",
            "-c",
            (
                f'source "{ROOT}/bin/lib.sh"; start_pg >/dev/null; '
                f'"$(pg_bin psql)" -h "$PGHOST_CC" -p "$CC_PGPORT" -U odoo -d {db} -tAc "$1"'
            ),
            "bash",
            sql,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(
            ["pdftotext", f.name, "-"], check=False, capture_output=True, text=True
        ).stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("CC_CLUSTER_PORT", "8080")))
    parser.add_argument("--db", default="cc_load")
    args = parser.parse_args()
    a, b = f"http://127.0.0.1:{args.port + 1}", f"http://127.0.0.1:{args.port + 2}"
    config = json.load(open(CONFIG))
    results = []

    def check(label, ok, detail=""):
        results.append(ok)
        print(
            f"{'PASS' if ok else 'FAIL'}: {label}{(' (' + detail + ')') if detail else ''}",
            flush=True,
        )

    # 1. one session, both servers
    # a contact with an invoice still open (earlier runs paid some)
    open_invoice = contact = None
    for candidate in reversed(config["contacts"]):
        ids = ",".join(map(str, candidate["invoices"]))
        found = psql(
            args.db,
            f"SELECT min(id) FROM account_move WHERE id IN ({ids}) AND payment_state = 'not_paid'"
            " AND state = 'posted'",
        )
        if found:
            contact, open_invoice = candidate, int(found)
            break
    browser = Browser()
    _s, _h, page = browser.open(f"{a}/web/login")
    csrf = CSRF_RE.search(page.decode()).group(1)
    status, headers, _body = browser.open(
        f"{a}/web/login",
        urllib.parse.urlencode(
            {
                "login": contact["login"],
                "password": config["password"],
                "csrf_token": csrf,
                "redirect": "/my",
            }
        ).encode(),
    )
    check("log-in on server a", status in (302, 303), f"{status} {headers.get('Location')}")
    status_b, headers_b, body_b = browser.open(f"{b}/my/activity")
    check(
        "server b serves server a's session",
        # without the session Odoo redirects to /web/login (303)
        status_b == 200 and b"o_portal" in body_b,
        f"{status_b} {headers_b.get('Location', '')}",
    )

    # 2. a PDF made on a, downloaded from b: the invoice's official PDF,
    # made by Odoo's Send & Print (download only) as the administrator on
    # server a, kept as an attachment in the filestore; server b hands it
    # to the contact
    invoice = contact["invoices"][0]
    name = psql(args.db, f"SELECT name FROM account_move WHERE id = {invoice}")
    admin = Browser()
    admin.rpc(
        f"{a}/web/session/authenticate", {"db": args.db, "login": "admin", "password": "admin"}
    )
    pdf_sql = (
        "SELECT store_fname FROM ir_attachment WHERE res_model = 'account.move'"
        f" AND res_field = 'invoice_pdf_report_file' AND res_id = {invoice}"
    )
    if not psql(args.db, pdf_sql):
        wizard = admin.rpc(
            f"{a}/web/dataset/call_kw/account.move.send.wizard/create",
            {
                "model": "account.move.send.wizard",
                "method": "create",
                "args": [{"move_id": invoice, "sending_methods": ["manual"]}],
                "kwargs": {"context": {"active_model": "account.move", "active_ids": [invoice]}},
            },
        )
        admin.rpc(
            f"{a}/web/dataset/call_kw/account.move.send.wizard/action_send_and_print",
            {
                "model": "account.move.send.wizard",
                "method": "action_send_and_print",
                "args": [wizard if isinstance(wizard, list) else [wizard]],
                "kwargs": {},
            },
        )
    stored = psql(args.db, pdf_sql)
    on_disk = (
        open(os.path.join(ROOT, ".run", "data", "filestore", args.db, stored), "rb").read()
        if stored
        else b""
    )
    status_b, headers_b, pdf_b = browser.open(
        f"{b}/my/invoices/{invoice}?report_type=pdf&download=true"
    )
    check(
        f"invoice {name}: PDF made on a (kept in the filestore as {stored}), served by b",
        # byte for byte the file server a wrote; its text is read when the
        # PDF has any (Debian's wkhtmltopdf draws the invoice's web fonts as
        # outlines: the wkhtmltopdf of the official odoo image writes text)
        status_b == 200
        and pdf_b == on_disk
        and pdf_b.startswith(b"%PDF")
        and (name in (text := pdf_text(pdf_b)) or not text.strip()),
        f"{len(pdf_b)} bytes, the same file: {pdf_b == on_disk}, text: {bool(text.strip())}",
    )

    # 3. pay on a, notification on b, status polled on both
    before = psql(args.db, "SELECT coalesce(max(id), 0) FROM payment_transaction")
    status, _h, page = browser.open(f"{a}/my/payments/pay?pay_{open_invoice}=1")
    html = page.decode()
    tx = browser.rpc(
        f"{a}/my/payments/transaction",
        {
            "access_token": TOKEN_RE.search(html).group(1).replace("&amp;", "&"),
            "amount": float(AMOUNT_RE.search(html).group(1)),
            "provider_id": config["provider_id"],
            "payment_method_id": config["payment_method_id"],
            "token_id": None,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/my/payments",
            "is_validation": False,
        },
    )
    browser.rpc(
        f"{b}/payment/demo/simulate_payment",
        {"reference": tx["reference"], "payment_details": "4242", "simulated_state": "done"},
    )
    polls = []
    for server in (a, b, a, b):
        browser.open(f"{server}/payment/status")
        polls.append(browser.rpc(f"{server}/payment/status/poll", {}).get("state"))
    for _i in range(30):
        if (
            psql(
                args.db,
                f"SELECT is_post_processed FROM payment_transaction WHERE reference = '{tx['reference']}'",
            )
            == "t"
        ):
            break
        time.sleep(2)
    row = psql(
        args.db,
        f"SELECT count(*) FILTER (WHERE t.state = 'done'), count(p.id), bool_and(p.is_reconciled)"
        f" FROM payment_transaction t LEFT JOIN account_payment p ON p.payment_transaction_id = t.id"
        f" WHERE t.id > {before}",
    )
    paid = psql(args.db, f"SELECT payment_state FROM account_move WHERE id = {open_invoice}")
    check(
        "paid on a and b: one done transaction, one payment, reconciled; invoice paid",
        row == "1|1|t" and paid in ("paid", "in_payment"),
        f"transactions done|payments|reconciled = {row}, invoice {paid}, polls {polls}",
    )
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
