"""Sign the load test's people in before it runs (tests/load/run.sh):
Odoo hashes a password in 1-2 s of CPU, which is the first visit's cost, not
the portal's. Sessions still valid from an earlier run are kept (Odoo keeps
a session 7 days, in the data dir both servers share).

    signin.py HOST USERS   (the locust virtualenv's python: requests)
"""

import json
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
STATE = os.environ.get("CC_LOAD_STATE", os.path.join(HERE, "..", "..", ".run", "load"))
CONFIG = json.load(open(os.environ.get("CC_LOAD_CONFIG", os.path.join(STATE, "config.json"))))
SESSIONS_FILE = os.path.join(STATE, "sessions.json")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_in(host, login, password):
    """Odoo's log-in form, as a browser posts it; the session_id cookie."""
    s = requests.Session()
    page = s.get(f"{host}/web/login", timeout=60)
    csrf = CSRF_RE.search(page.text).group(1)
    r = s.post(
        f"{host}/web/login",
        data={"login": login, "password": password, "csrf_token": csrf, "redirect": "/my"},
        timeout=60,
        allow_redirects=False,
    )
    assert r.status_code in (302, 303), f"log-in of {login} refused ({r.status_code})"
    return s.cookies.get("session_id")


def session_valid(host, sid):
    r = requests.get(f"{host}/my", cookies={"session_id": sid}, allow_redirects=False, timeout=60)
    return r.status_code == 200


def main(host, users):
    if urlparse(host).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("The load test runs against 127.0.0.1 only.")
    cached = {}
    if os.path.exists(SESSIONS_FILE):
        cached = json.load(open(SESSIONS_FILE))
    needed = CONFIG["contacts"][:users]
    logins = [c["login"] for c in needed] + [CONFIG["staff"]["login"], CONFIG["dms_staff"]["login"]]
    passwords = {CONFIG["staff"]["login"]: CONFIG["staff"]["password"]}
    passwords[CONFIG["dms_staff"]["login"]] = CONFIG["dms_staff"]["password"]
    t0 = time.time()

    def ensure(login):
        sid = cached.get(login)
        if sid and session_valid(host, sid):
            return login, sid, False
        return login, sign_in(host, login, passwords.get(login, CONFIG["password"])), True

    sessions = {}
    with ThreadPoolExecutor(3) as pool:
        fresh = 0
        for login, sid, new in pool.map(ensure, logins):
            sessions[login] = sid
            fresh += new
    cached.update(sessions)
    json.dump(cached, open(SESSIONS_FILE, "w"))
    print(
        f"signed in before measuring: {len(logins)} sessions ({fresh} new log-ins) "
        f"in {time.time() - t0:.0f} s",
        flush=True,
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
