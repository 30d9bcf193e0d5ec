"""The load test: customers' contacts on the portal, dealer staff on the
dashboard, one DMS import in the background (tests/load/run.sh runs it).

Contacts are signed in BEFORE the measured run, by tests/load/signin.py: Odoo
hashes a password in 1-2 s of CPU, a cost of the first visit only; their
sessions are kept in .run/load/sessions.json (Odoo keeps them 7 days in the
data dir's sessions folder, which both servers share) and reused by later
runs.

Each contact, with 1 to 3 s between pages (a person reading): Customer
Activity, its second page, an invoice, the invoice's PDF, a statement PDF,
and Odoo's own /my/invoices and invoice page (the anchor); a few pay an open
invoice with Odoo's demo provider (the status page polled as the browser
does). One dealer staff member opens the Customer Accounts dashboard again
and again; one dealer administrator queues a DMS import of customers in the
background at the start and follows its progress.

Only 127.0.0.1: the host is refused otherwise.
"""

import itertools
import json
import os
import random
import re
import threading
import time
from urllib.parse import urlparse

from locust import HttpUser, between, events, task

HERE = os.path.dirname(os.path.abspath(__file__))
STATE = os.environ.get("CC_LOAD_STATE", os.path.join(HERE, "..", "..", ".run", "load"))
CONFIG = json.load(open(os.environ.get("CC_LOAD_CONFIG", os.path.join(STATE, "config.json"))))
SESSIONS_FILE = os.path.join(STATE, "sessions.json")
# the pay task is 1 of the contact's 21 task weights; this share of its
# turns pays an open invoice (tests/load/prepare.py leaves each contact 2):
# 30 contacts for 3 minutes, some 70 turns each, pay about 30 invoices
PAY_SHARE = float(os.environ.get("CC_LOAD_PAY_SHARE", "0.4"))
DMS_ROWS = int(os.environ.get("CC_LOAD_DMS_ROWS", "3000"))
TOKEN_RE = re.compile(r'data-access-token="([^"]+)"')
AMOUNT_RE = re.compile(r'data-amount="([^"]+)"')

SESSIONS = {}  # login -> session_id cookie
NEXT_USER = itertools.count()
NEXT_CONTACT = itertools.count()
FAILURES = {}  # user number -> failed requests (the fault scripts read it)
PAID = {"started": 0, "done": 0, "references": []}
LOCK = threading.Lock()


@events.test_start.add_listener
def _signed_in(environment, **_kw):
    """The sessions tests/load/signin.py opened before the run."""
    if urlparse(environment.host).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("The load test runs against 127.0.0.1 only.")
    SESSIONS.update(json.load(open(SESSIONS_FILE)))


@events.test_stop.add_listener
def _write_outcome(environment, **_kw):
    with open(os.path.join(STATE, "outcome.json"), "w") as out:
        json.dump({"failures_per_user": FAILURES, "payments": PAID}, out)


class PortalUser(HttpUser):
    abstract = True

    def on_start(self):
        self.number = next(NEXT_USER)
        FAILURES.setdefault(self.number, 0)

    def get(self, url, name, expect="text/html"):
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as r:
            ok = r.status_code == 200 and expect in r.headers.get("Content-Type", "")
            if not ok:
                r.failure(f"{r.status_code} {r.headers.get('Location', '')}"[:120])
                with LOCK:
                    FAILURES[self.number] += 1
            return r if ok else None

    def rpc(self, url, params, name, retry_ok=False):
        body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        with self.client.post(url, json=body, name=name, catch_response=True) as r:
            data = r.json() if r.status_code == 200 else {}
            message = data.get("error", {}).get("data", {}).get("message", r.status_code)
            if retry_ok and message == "retry":
                # the status page's "poll again" (post-processing under way
                # elsewhere), as Odoo's page takes it: not a failure
                r.success()
                return {"state": "retry"}
            if "error" in data or r.status_code != 200:
                r.failure(str(message)[:120])
                with LOCK:
                    FAILURES[self.number] += 1
                return None
            return data.get("result")


class Contact(PortalUser):
    """A customer's contact on the portal."""

    wait_time = between(1, 3)

    def on_start(self):
        super().on_start()
        self.me = CONFIG["contacts"][next(NEXT_CONTACT) % len(CONFIG["contacts"])]
        self.client.cookies.set("session_id", SESSIONS[self.me["login"]])
        self.open_invoices = list(self.me["open"])

    @task(6)
    def activity(self):
        self.get("/my/activity", "Customer Activity")

    @task(2)
    def activity_page_2(self):
        self.get("/my/activity/page/2", "Customer Activity, page 2")

    @task(3)
    def invoice(self):
        self.get(f"/my/invoices/{random.choice(self.me['invoices'])}", "invoice page (Odoo's)")

    @task(2)
    def invoice_pdf(self):
        invoice = random.choice(self.me["invoices"])
        self.get(
            f"/my/invoices/{invoice}?report_type=pdf&download=true",
            "invoice PDF",
            "application/pdf",
        )

    @task(1)
    def statement_pdf(self):
        self.get("/my/statement/pdf", "statement PDF", "application/pdf")

    @task(6)
    def odoo_invoices(self):
        self.get("/my/invoices", "anchor: Odoo /my/invoices")

    @task(1)
    def pay(self):
        if not self.open_invoices or random.random() >= PAY_SHARE:
            return
        invoice = self.open_invoices.pop(0)
        r = self.get(f"/my/payments/pay?pay_{invoice}=1", "pay page")
        if r is None or not TOKEN_RE.search(r.text):
            return
        token = TOKEN_RE.search(r.text).group(1).replace("&amp;", "&")
        amount = float(AMOUNT_RE.search(r.text).group(1))
        tx = self.rpc(
            "/my/payments/transaction",
            {
                "access_token": token,
                "amount": amount,
                "provider_id": CONFIG["provider_id"],
                "payment_method_id": CONFIG["payment_method_id"],
                "token_id": None,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/my/payments",
                "is_validation": False,
            },
            "pay: create transaction",
        )
        if not tx:
            return
        with LOCK:
            PAID["started"] += 1
            PAID["references"].append(tx["reference"])
        # what the demo provider's form posts, then the status page's polling
        self.rpc(
            "/payment/demo/simulate_payment",
            {"reference": tx["reference"], "payment_details": "4242", "simulated_state": "done"},
            "pay: demo provider",
        )
        self.get("/payment/status", "pay: status page")
        started = time.monotonic()
        for _i in range(30):
            result = self.rpc("/payment/status/poll", {}, "pay: status poll", retry_ok=True)
            if result and result.get("state") == "done" or result is None:
                break
            # Odoo's page polls again after 3 s on "retry" (1 s is ours for
            # a transaction not yet done)
            time.sleep(3 if result.get("state") == "retry" else 1)
        if result and result.get("state") == "done":
            # what the customer waits for: the status page until "done"
            self.environment.events.request.fire(
                request_type="WAIT",
                name="pay: status page until done",
                response_time=(time.monotonic() - started) * 1000,
                response_length=0,
                exception=None,
                context={},
            )
            with LOCK:
                PAID["done"] += 1


class DealerStaff(PortalUser):
    """A Customer Connect user opening the Customer Accounts dashboard:
    the list, its count and the search panel's counters, as the web client
    asks for them."""

    fixed_count = 1
    wait_time = between(2, 5)

    def on_start(self):
        super().on_start()
        self.client.cookies.set("session_id", SESSIONS[CONFIG["staff"]["login"]])
        dash = CONFIG["dashboard"]
        self.kw = {"context": {**dash["context"], "bin_size": True}}
        self.domain = dash["domain"]
        self.fields = {name: {} for name in dash["fields"]}

    def call(self, method, args, kwargs, name):
        return self.rpc(
            f"/web/dataset/call_kw/res.partner/{method}",
            {"model": "res.partner", "method": method, "args": args, "kwargs": kwargs},
            name,
        )

    @task
    def dashboard(self):
        self.call(
            "web_search_read",
            [],
            {
                **self.kw,
                "domain": self.domain,
                "specification": self.fields,
                "limit": 80,
                "count_limit": 10001,
            },
            "staff: dashboard list",
        )
        self.call(
            "search_panel_select_multi_range",
            ["connect_state"],
            {
                **self.kw,
                "search_domain": self.domain,
                "enable_counters": True,
                "expand": False,
                "limit": 200,
            },
            "staff: dashboard counters",
        )


class DmsImporter(PortalUser):
    """The dealer's administrator queues one DMS import of customers in the
    background (the import wizard's "Run in the background") and follows
    the run's progress."""

    fixed_count = 1
    wait_time = between(5, 10)

    def on_start(self):
        super().on_start()
        self.client.cookies.set("session_id", SESSIONS[CONFIG["dms_staff"]["login"]])
        self.run_id = None
        if not DMS_ROWS:
            return
        stamp = f"L{int(time.time()) % 1000000:06d}"
        lines = ["number,name,street,city,zip,country,email,phone"]
        lines += [
            f"{stamp}{i:05d},Load Farm {stamp} {i},{i} Field Lane,Ayr,KA7 1AA,GB,"
            f"office{i}@{stamp.lower()}.example,01292 {i:06d}"
            for i in range(DMS_ROWS)
        ]
        import base64

        data = base64.b64encode("\n".join(lines).encode()).decode()
        ctx = {"allowed_company_ids": [CONFIG["company_id"]]}
        wizard = self.rpc(
            "/web/dataset/call_kw/customer_connect_dms.import.wizard/create",
            {
                "model": "customer_connect_dms.import.wizard",
                "method": "create",
                "args": [
                    {
                        "file": data,
                        "file_name": f"load-{stamp}.csv",
                        "kind": "customers",
                        "profile_id": CONFIG["dms_profile_id"],
                        "background": True,
                    }
                ],
                "kwargs": {"context": ctx},
            },
            "dms: upload",
        )
        if wizard:
            action = self.rpc(
                "/web/dataset/call_kw/customer_connect_dms.import.wizard/action_import",
                {
                    "model": "customer_connect_dms.import.wizard",
                    "method": "action_import",
                    "args": [[wizard[0] if isinstance(wizard, list) else wizard]],
                    "kwargs": {"context": ctx},
                },
                "dms: queue background import",
            )
            self.run_id = action and action.get("res_id")
            with open(os.path.join(STATE, "dms_run.json"), "w") as out:
                json.dump({"run_id": self.run_id, "rows": DMS_ROWS, "stamp": stamp}, out)

    @task
    def progress(self):
        if self.run_id:
            self.rpc(
                "/web/dataset/call_kw/customer_connect_dms.import.run/read",
                {
                    "model": "customer_connect_dms.import.run",
                    "method": "read",
                    "args": [[self.run_id], ["state", "progress"]],
                    "kwargs": {},
                },
                "dms: progress",
            )
