#!/usr/bin/env python3
"""Screenshots of the customer portal for the README, taken from a running
demo dealer (``bin/run``) as its portal contact sees it.

    python3 tests/screenshots.py [--base http://localhost:8069] [--out docs/screenshots]

Signs in as the demo's portal contact (README, "Log-ins"), drives headless
Chromium over its DevTools protocol (the session cookie is handed to the
browser, no password typed in a page), captures the Customer Activity list,
the Statement of Account page, the promise form, the instalment plan request
and the remittance advice's matches of the demo dealer, and the first page of the statement PDF
and of the newest invoice's PDF (``pdftoppm``, from poppler-utils). Needs ``requests`` and
``websocket-client`` (both in Odoo's requirements) and chromium.

It renders the newest payment reminder e-mail of the demo dealer as its
contact reads it (``payment-reminder.png``; read as Odoo's administrator,
``--admin-login``).

Autopay (``autopay.png``) is taken only when the database has Odoo's
``payment_demo`` installed, which the demo dealer does not install: on your
own demo database install it first (``bin/run -- -i payment_demo
--stop-after-init``, then ``bin/run`` again). The script then, as Odoo's
administrator (``--admin-login``), gives the demo contact a saved card of the
demo provider (a fake token, "4242") if it has none, turns autopay on as
the contact through the portal's form, and captures ``/my/autopay``. Without
``payment_demo`` it says so and leaves autopay.png as it is. That database
is then not the demo as shipped (autopay on, the demo provider on, a
token): the other screenshots are better taken on a ``--fresh`` one, or
give ``--out`` a scratch folder and copy the pictures you want. Run it with
Odoo's Python (``head -1 $(command -v odoo)``) where ``websocket-client``
is not in the system's.
"""

import argparse
import base64
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

PAGES = {
    "customer-activity.png": "/my/activity?status=all",
    "statement-page.png": "/my/statement",
    # the tiles (one per thing to do) and the dealer in the footer
    "portal-home.png": "/my/home",
    # credit shown: how the home's card is worked out
    "credit.png": "/my/credit",
}
# taller than the window: down to the footer
HEIGHTS = {"portal-home.png": 1220}

# the promise form filled in as the contact would: its first invoice ticked,
# the amount it owes, a day ten days ahead (values only: nothing is sent)
FILL_PROMISE = """
(() => {
    const row = document.querySelector("tr.o_connect_promise_invoice");
    const day = new Date(Date.now() + 10 * 86400000).toISOString().slice(0, 10);
    document.querySelector("input[name=date_promised]").value = day;
    document.querySelector("input[name=amount]").value =
        row.querySelector("td:last-child").innerText.replace(/[^0-9.]/g, "");
})()
"""


def record_pages(session, base):
    """{file: (page, script)} of the demo's records, found as the contact
    finds them: the promise form (an invoice it may promise ticked), its
    instalment plan request, its remittance advice and each line's match."""
    pages = {}
    promise_form = session.get(f"{base}/my/promises/new", timeout=60).text
    invoice = re.search(r'name="invoice_ids" value="(\d+)"', promise_form)
    if invoice:
        pages["promise-form.png"] = (f"/my/promises/new?invoice={invoice.group(1)}", FILL_PROMISE)
    for name, listing, link in (
        ("plan-request.png", "/my/plans", r"/my/plans/(\d+)"),
        ("remittance-matches.png", "/my/remittances", r"/my/remittances/(\d+)"),
    ):
        found = re.search(link, session.get(base + listing, timeout=60).text)
        if found:
            pages[name] = (f"{listing}/{found.group(1)}", None)
        else:
            print(f"{listing}: none in the demo dealer", file=sys.stderr)
    return pages


def call(session, base, model, method, args, **kwargs):
    """One ORM call over JSON-RPC as ``session``'s user."""
    answer = session.post(
        f"{base}/web/dataset/call_kw/{model}/{method}",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
        },
        timeout=120,
    ).json()
    if "error" in answer:
        raise RuntimeError(f"{model}.{method}: {answer['error']['data']['message']}")
    return answer["result"]


def autopay_on(admin, session, base, login):
    """With ``payment_demo`` installed: the contact ``login`` gets a saved
    card of the demo provider (once) and turns autopay on through the
    portal's form. False (and why, on stderr) when it cannot."""
    if not call(
        admin,
        base,
        "ir.module.module",
        "search_count",
        [[("name", "=", "payment_demo"), ("state", "=", "installed")]],
    ):
        print("payment_demo is not installed: no autopay screenshot", file=sys.stderr)
        return False
    user = call(
        admin,
        base,
        "res.users",
        "search_read",
        [[("login", "=", login)]],
        fields=["partner_id", "company_id"],
    )
    partner_id, company_id = user[0]["partner_id"][0], user[0]["company_id"][0]
    providers = call(
        admin,
        base,
        "payment.provider",
        "search_read",
        [[("code", "=", "demo"), ("company_id", "=", company_id)]],
        fields=["payment_method_ids"],
    )
    if not providers:
        print("no demo payment provider in the contact's company", file=sys.stderr)
        return False
    provider = providers[0]
    # the demo provider on (test mode), published, keeping tokens
    call(
        admin,
        base,
        "payment.provider",
        "write",
        [[provider["id"]], {"state": "test", "is_published": True, "allow_tokenization": True}],
    )
    token_domain = [("partner_id", "=", partner_id), ("provider_id", "=", provider["id"])]
    if not call(admin, base, "payment.token", "search_count", [token_domain]):
        call(
            admin,
            base,
            "payment.token",
            "create",
            [
                {
                    "provider_id": provider["id"],
                    "payment_method_id": provider["payment_method_ids"][0],
                    "partner_id": partner_id,
                    "payment_details": "4242",
                    "provider_ref": "demo-screenshot",
                }
            ],
        )
    form = session.get(f"{base}/my/autopay", timeout=60).text
    token = re.search(r'<option value="(\d+)"', form)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    if not token or not csrf:
        print("/my/autopay offers no saved payment method", file=sys.stderr)
        return False
    session.post(
        f"{base}/my/autopay",
        data={
            "csrf_token": csrf.group(1),
            "token_id": token.group(1),
            "max_amount": "25000",
            "timing": "due",
        },
        timeout=60,
    )
    return True


def reminder_mail(admin, base):
    """The HTML of the newest payment reminder e-mail (its pay link is a
    button: its address is not on the picture), or None."""
    logs = call(
        admin,
        base,
        "customer_connect.mail.log",
        "search_read",
        [[("kind", "=", "payment_reminder"), ("mail_id", "!=", False)]],
        fields=["mail_id"],
        order="id desc",
        limit=1,
    )
    if not logs:
        return None
    mail = call(admin, base, "mail.mail", "read", [[logs[0]["mail_id"][0]]], fields=["body_html"])
    return mail[0]["body_html"]


def sign_in(base, login, password):
    session = requests.Session()
    page = session.get(f"{base}/web/login", timeout=30)
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = session.post(
        f"{base}/web/login",
        data={"login": login, "password": password, "csrf_token": csrf, "redirect": "/my"},
        timeout=60,
    )
    if "/web/login" in answer.url:
        sys.exit(f"Could not sign in as {login} on {base}: is the demo dealer running?")
    return session


def small(path):
    """The PNG in 256 colours (a page of text and flat colours): a third of
    the size for the README, nothing visible lost. Pillow is Odoo's."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
            path, optimize=True
        )


class Browser:
    """Just enough of the DevTools protocol: one tab, cookies, screenshots."""

    def __init__(self, port=9337):
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if not chromium:
            sys.exit("chromium is needed (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="cc-shots-")
        self.process = subprocess.Popen(
            [
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "--hide-scrollbars",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                tabs = requests.get(f"http://127.0.0.1:{port}/json", timeout=2).json()
                page = next(tab for tab in tabs if tab["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.2)
        else:
            sys.exit("chromium did not start")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.call("Page.enable")

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for(self, event, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            message = json.loads(self.ws.recv())
            if message.get("method") == event:
                return message
        raise TimeoutError(event)

    def set_session(self, session, base):
        """The browser signed in as ``session``'s user (its cookie)."""
        for cookie in session.cookies:
            self.call(
                "Network.setCookie",
                name=cookie.name,
                value=cookie.value,
                url=base,
                httpOnly=True,
            )

    def shoot(self, url, path, width=1280, height=900, script=None):
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        if script:
            self.call("Runtime.evaluate", expression=script)
        time.sleep(1)  # fonts and images
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        small(path)

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://localhost:8069")
    parser.add_argument("--login", default="accounts@greenacres-farm.example")
    parser.add_argument("--password", default="portal")
    parser.add_argument("--admin-login", default="admin")
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument(
        "--out", default=str(Path(__file__).resolve().parent.parent / "docs" / "screenshots")
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    session = sign_in(args.base, args.login, args.password)
    admin = sign_in(args.base, args.admin_login, args.admin_password)
    with_autopay = autopay_on(admin, session, args.base, args.login)
    browser = Browser()
    try:
        browser.call("Network.enable")
        browser.set_session(session, args.base)
        for name, page in PAGES.items():
            browser.shoot(args.base + page, out / name, height=HEIGHTS.get(name, 900))
            print(out / name)
        for name, (page, script) in record_pages(session, args.base).items():
            browser.shoot(args.base + page, out / name, script=script)
            print(out / name)
        if with_autopay:
            browser.shoot(f"{args.base}/my/autopay", out / "autopay.png")
            print(out / "autopay.png")
        # the newest payment reminder e-mail, as the customer's contact reads it
        reminder = reminder_mail(admin, args.base)
        if reminder:
            # written into a page of the server (a data: page may not load
            # the logo from it)
            browser.shoot(
                f"{args.base}/robots.txt",
                out / "payment-reminder.png",
                width=900,
                height=420,
                script=f"document.open(); document.write({json.dumps(reminder)}); document.close()",
            )
            print(out / "payment-reminder.png")
        else:
            print("no payment reminder e-mail in the demo dealer", file=sys.stderr)
    finally:
        browser.close()
    # the PDFs, first page each: the statement and the newest invoice, as the
    # contact downloads them (the invoice's legal PDF, with the letterhead)
    invoices = session.get(f"{args.base}/my/invoices", timeout=60).text
    newest = re.search(r"/my/invoices/(\d+)", invoices)
    pdfs = {"statement-pdf": "/my/statement/pdf?kind=outstanding"}
    if newest:
        pdfs["invoice-pdf"] = f"/my/invoices/{newest.group(1)}?report_type=pdf&download=true"
    for name, url in pdfs.items():
        pdf = session.get(args.base + url, timeout=300)
        if not pdf.headers.get("Content-Type", "").startswith("application/pdf"):
            print(f"{url}: no PDF", file=sys.stderr)
            continue
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf.content)
            file.flush()
            target = out / name
            # 80 dpi, 8-bit palette: legible and well under 300 KB
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "80",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    file.name,
                    str(target),
                ],
                check=True,
            )
            print(f"{target}.png")


if __name__ == "__main__":
    main()
