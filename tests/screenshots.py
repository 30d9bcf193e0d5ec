#!/usr/bin/env python3
"""Screenshots of the customer portal for the README, taken from a running
demo dealer (``bin/run``) as its portal contact sees it.

    python3 tests/screenshots.py [--base http://localhost:8069] [--out docs/screenshots]

Signs in as the demo's portal contact (README, "Log-ins"), drives headless
Chromium over its DevTools protocol (the session cookie is handed to the
browser, no password typed in a page), captures the Customer Activity list
and the Statement of Account page, and the first page of the statement PDF
and of the newest invoice's PDF (``pdftoppm``, from poppler-utils). Needs ``requests`` and
``websocket-client`` (both in Odoo's requirements) and chromium.
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

    def shoot(self, url, path, width=1280, height=900):
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
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
    parser.add_argument(
        "--out", default=str(Path(__file__).resolve().parent.parent / "docs" / "screenshots")
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    session = sign_in(args.base, args.login, args.password)
    browser = Browser()
    try:
        browser.call("Network.enable")
        for cookie in session.cookies:
            browser.call(
                "Network.setCookie",
                name=cookie.name,
                value=cookie.value,
                url=args.base,
                httpOnly=True,
            )
        for name, page in PAGES.items():
            browser.shoot(args.base + page, out / name, height=HEIGHTS.get(name, 900))
            print(out / name)
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
