#!/usr/bin/env python3
"""Queue the dealer's background work through the balancer, as staff do it
in the web client (JSON-RPC): the fault scripts' way to start a DMS import
or a bulk invitation. Standard library only; 127.0.0.1 only.

    work.py import customers|contacts ROWS STAMP [--background]  -> run id
    work.py invite STAMP LIMIT [OFFSET]                           -> batch id
    work.py run RUN_ID                                            -> state

ROWS customers numbered STAMP00000..., or three contacts each for them (with
an e-mail: bulk invitations then have someone to invite).
"""

import base64
import http.cookiejar
import json
import os
import sys
import urllib.request

HOST = f"http://127.0.0.1:{os.environ.get('CC_CLUSTER_PORT', '8080')}"
DB = os.environ.get("CC_DB", "cc_load")
ADMIN = ("dealeradmin@northfield.example", "dealeradmin")
STAFF = ("dealeruser@northfield.example", "dealeruser")


class Client:
    def __init__(self, login, password):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.call_url("/web/session/authenticate", {"db": DB, "login": login, "password": password})
        self.company = self.call("res.users", "read", [[self.uid], ["company_id"]])[0][
            "company_id"
        ][0]

    def call_url(self, url, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}).encode()
        request = urllib.request.Request(HOST + url, body, {"Content-Type": "application/json"})
        with self.opener.open(request, timeout=300) as response:
            data = json.load(response)
        if "error" in data:
            raise SystemExit(f"{url}: {data['error']['data']['message']}")
        if url == "/web/session/authenticate":
            self.uid = data["result"]["uid"]
        return data["result"]

    def call(self, model, method, args, **kwargs):
        kwargs.setdefault("context", {"allowed_company_ids": [getattr(self, "company", None)]})
        if kwargs["context"]["allowed_company_ids"] == [None]:
            del kwargs["context"]
        return self.call_url(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )


def dms_file(kind, rows, stamp):
    if kind == "customers":
        lines = ["number,name,street,city,zip,country,email,phone"] + [
            f"{stamp}{i:05d},Fault Farm {stamp} {i},{i} Field Lane,Ayr,KA7 1AA,GB,"
            f"office{i}@{stamp.lower()}.example,01292 {i:06d}"
            for i in range(rows)
        ]
    else:
        lines = ["customer_number,name,email,phone"] + [
            f"{stamp}{i:05d},Contact {n} of {stamp} {i},c{n}.{i}@{stamp.lower()}.example,07700 900000"
            for n in range(3)
            for i in range(rows)
        ]
    return base64.b64encode("\n".join(lines).encode()).decode()


def main(argv):
    what = argv[0]
    if what == "import":
        kind, rows, stamp = argv[1], int(argv[2]), argv[3]
        admin = Client(*ADMIN)
        # the generic profile shipped for the kind (its columns are the file's)
        profile = admin.call(
            "customer_connect_dms.import.profile",
            "search",
            [[("kind", "=", kind), ("name", "=like", "Generic:%")]],
            limit=1,
        )[0]
        wizard = admin.call(
            "customer_connect_dms.import.wizard",
            "create",
            [
                {
                    "file": dms_file(kind, rows, stamp),
                    "file_name": f"{stamp}-{kind}.csv",
                    "kind": kind,
                    "profile_id": profile,
                    "background": "--background" in argv,
                }
            ],
        )
        wizard = wizard[0] if isinstance(wizard, list) else wizard
        action = admin.call("customer_connect_dms.import.wizard", "action_import", [[wizard]])
        print(action["res_id"])
    elif what == "invite":
        stamp, limit = argv[1], int(argv[2])
        offset = int(argv[3]) if len(argv) > 3 else 0
        staff = Client(*STAFF)
        customers = staff.call(
            "res.partner",
            "search",
            # STAMP and five digits: the customers of `import ... STAMP`
            [[("ref", "=like", f"{stamp}_____"), ("parent_id", "=", False)]],
            limit=limit,
            offset=offset,
            order="id",
        )
        action = staff.call("res.partner", "action_connect_invite_bulk", [customers])
        print(action["res_id"])
    elif what == "run":
        admin = Client(*ADMIN)
        run = admin.call(
            "customer_connect_dms.import.run", "read", [[int(argv[1])], ["state", "progress"]]
        )[0]
        print(run["state"], run["progress"])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
