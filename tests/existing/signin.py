"""Sign a portal login in through Odoo's log-in form and open pages.

    python signin.py URL LOGIN PASSWORD PAGE [PAGE...]

Exits non-zero when the log-in fails or a page does not answer 200."""

import re
import sys

import requests

url, login, password, *pages = sys.argv[1:]
session = requests.Session()
form = session.get(f"{url}/web/login").text
csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
response = session.post(
    f"{url}/web/login",
    data={"login": login, "password": password, "csrf_token": csrf, "redirect": "/my"},
)
if not response.ok or "/web/login" in response.url:
    sys.exit(f"FAIL {login} does not sign in ({response.status_code} {response.url})")
print(f"ok   {login} signs in")
for page in pages:
    response = session.get(f"{url}{page}")
    if response.status_code != 200 or "/web/login" in response.url:
        sys.exit(f"FAIL {login}: {page} answers {response.status_code} ({response.url})")
    print(f"ok   {login}: {page} answers 200")
