#!/usr/bin/env python3
"""Make a demo dealer database ready for the load test (tests/load/run.sh).

    tests/load/prepare.py --db cc_load [--contacts 120] [--out .run/load/config.json]

On a database made by ``bin/run --db NAME`` (the demo dealer, 150 customers),
in ``odoo shell``, once (a second run only refreshes the config file):

* Odoo's demo payment provider (``payment_demo``) installed and enabled for
  the dealer company, as the payment tests use it;
* ``--contacts`` customers' billing contacts given a portal login (password
  ``portal``), active, with the "full" access level (they may pay), as the
  demo's Greenacres Farm contact has. Their password hash is copied from that
  contact's: hashing 120 passwords costs 1-2 s of CPU each;
* each contact's customer given fresh open invoices (posted, due in 30
  days) when fewer than ``--open`` (2) are left unpaid: the load test's
  contacts pay them, so every run has payments to make (a run pays tens
  with the demo provider, and "no invoice paid twice" has something to
  check); run again before each run (tests/load/run.sh does);
* the config file the locustfile reads: logins, the dealer staff login, the
  ids the pages need (invoices per contact, the demo provider and its
  payment method, the DMS customers profile, the dashboard's action).

Everything is done as the dealer's administrator would, through the ORM.
"""

# ---------------------------------------------------------------------------
# Part 1: launcher (plain python, outside Odoo)
# ---------------------------------------------------------------------------
if "env" not in globals():
    import argparse
    import os
    import subprocess
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
    from launcher import ROOT, odoo_setup

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="cc_load")
    parser.add_argument("--contacts", type=int, default=120)
    parser.add_argument("--open", type=int, default=2, help="open invoices per contact")
    parser.add_argument("--out", default=os.path.join(ROOT, ".run", "load", "config.json"))
    args = parser.parse_args()
    odoo_cmd, db_args, addons = odoo_setup()
    state = os.path.join(ROOT, ".run")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    common = [
        f"--addons-path={addons}",
        *db_args,
        f"--data-dir={state}/data",
        "-d",
        args.db,
        "--no-http",
        "--max-cron-threads=0",
    ]
    env_vars = dict(
        os.environ,
        CC_LOAD_CONTACTS=str(args.contacts),
        CC_LOAD_OPEN=str(args.open),
        CC_LOAD_OUT=os.path.abspath(args.out),
    )
    with open(os.path.abspath(__file__)) as script:
        rc = subprocess.run(
            [*odoo_cmd, "shell", *common, "--log-level=warn"],
            stdin=script,
            env=env_vars,
            check=False,
        ).returncode
    sys.exit(rc)

# ---------------------------------------------------------------------------
# Part 2: inside `odoo shell` (globals: env, odoo)
# ---------------------------------------------------------------------------
import json  # noqa: E402
import os  # noqa: E402
from datetime import timedelta  # noqa: E402

from odoo import fields  # noqa: E402
from odoo.tools.safe_eval import safe_eval  # noqa: E402

N_CONTACTS = int(os.environ["CC_LOAD_CONTACTS"])
N_OPEN = int(os.environ["CC_LOAD_OPEN"])
OUT = os.environ["CC_LOAD_OUT"]
PORTAL_LOGIN = "accounts@greenacres-farm.example"
env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821 - odoo shell global

# -- Odoo's demo payment provider ---------------------------------------------
demo_module = env["ir.module.module"].search([("name", "=", "payment_demo")])
if demo_module.state != "installed":
    print("installing payment_demo...", flush=True)
    demo_module.button_immediate_install()
    env.cr.commit()
    env = env(context=dict(env.context))  # a new registry after the install
dealer = env["res.users"].search([("login", "=", "dealeradmin@northfield.example")])
company = dealer.company_id
provider = env.ref("payment.payment_provider_demo")
if provider.state != "test" or provider.company_id != company:
    provider.write({"state": "test", "is_published": True, "company_id": company.id})
method = provider.payment_method_ids.filtered("active")[:1] or provider.payment_method_ids[:1]
method.active = True

# -- portal logins ------------------------------------------------------------
greenacres = env["res.users"].search([("login", "=", PORTAL_LOGIN)])
full = env["customer_connect.access.level"]._level_by_code("full", company)
customers = env["res.partner"].search(
    [
        ("parent_id", "=", False),
        ("is_company", "=", True),
        ("company_id", "in", [company.id, False]),
        ("invoice_ids", "!=", False),
    ],
    order="id",
)
contacts = env["res.partner"]
for customer in customers:
    billing = customer.child_ids.filtered(lambda c: c.email and c.type == "invoice")[:1]
    billing = billing or customer.child_ids.filtered("email")[:1]
    if billing and len(contacts) < N_CONTACTS:
        contacts |= billing
new = contacts.filtered(lambda c: not c.with_context(active_test=False).user_ids)
if new:
    print(f"giving {len(new)} contacts a portal login...", flush=True)
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": contact.name,
                    "login": contact.email,
                    "partner_id": contact.id,
                    "company_id": company.id,
                    "company_ids": [fields.Command.set(company.ids)],
                    "groups_id": [fields.Command.set(env.ref("base.group_portal").ids)],
                }
                for contact in new
            ]
        )
    )
    env.flush_all()
    # the same password ("portal") as the demo contact: its hash, copied
    env.cr.execute(
        "UPDATE res_users SET password = (SELECT password FROM res_users WHERE id = %s)"
        " WHERE id IN %s",
        [greenacres.id, tuple(users.ids)],
    )
    now = fields.Datetime.now()
    new.sudo().write(
        {
            "connect_login_state": "active",
            "connect_first_invited": now - timedelta(days=30),
            "connect_last_invited": now - timedelta(days=30),
            "connect_activated_on": now - timedelta(days=29),
            "connect_email_confirmed": True,
            "connect_last_login": now - timedelta(days=2),
        }
    )
(contacts | greenacres.partner_id).filtered(
    lambda c: c.connect_access_level_id != full
).connect_access_level_id = full
env.cr.commit()


# -- payable invoices: fresh ones where the earlier runs paid them -------------
def payable(invoices):
    """Open, unpaid, not in dispute nor held (the pay page offers them)."""
    return invoices.filtered(
        lambda m: m.payment_state == "not_paid" and not m.connect_in_dispute
    ).sorted("id")


def customer_invoices(customer):
    return env["account.move"].search(
        [
            ("commercial_partner_id", "=", customer.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
        ],
        order="invoice_date desc, id desc",
    )


today = fields.Date.context_today(dealer)
fresh = []
for contact in contacts:
    missing = N_OPEN - len(payable(customer_invoices(contact.commercial_partner_id)))
    fresh += [
        {
            "move_type": "out_invoice",
            "company_id": company.id,
            "partner_id": contact.commercial_partner_id.id,
            "invoice_date": today,
            "invoice_date_due": today + timedelta(days=30),
            "ref": "load test",
            "invoice_line_ids": [
                fields.Command.create(
                    {"name": "Service kit (load test)", "quantity": 1, "price_unit": 40.0 + 7 * i}
                )
            ],
        }
        for i in range(max(0, missing))
    ]
if fresh:
    print(f"posting {len(fresh)} fresh open invoices for the contacts to pay...", flush=True)
    env["account.move"].with_company(company).create(fresh).action_post()
    env.cr.commit()

# -- what the locustfile needs ------------------------------------------------
logins = []
for contact in contacts:
    user = contact.with_context(active_test=False).user_ids[:1]
    invoices = customer_invoices(contact.commercial_partner_id)
    if user.login and invoices:
        logins.append(
            {
                "login": user.login,
                "invoices": invoices.ids[:10],
                "open": payable(invoices).ids[:N_OPEN],
            }
        )
action = env.ref("customer_connect.action_connect_customer_accounts")
list_view = env.ref("customer_connect.view_partner_connect_dashboard_list")
arch = env["res.partner"].get_views([(list_view.id, "list")])["views"]["list"]["arch"]
config = {
    "contacts": logins,
    "password": "portal",
    "staff": {"login": "dealeruser@northfield.example", "password": "dealeruser"},
    "dms_staff": {"login": "dealeradmin@northfield.example", "password": "dealeradmin"},
    "company_id": company.id,
    "provider_id": provider.id,
    "payment_method_id": method.id,
    "dms_profile_id": env.ref("customer_connect_dms.profile_generic_customers").id,
    "dashboard": {
        "domain": safe_eval(action.domain or "[]"),
        "context": safe_eval(action.context or "{}", {"uid": dealer.id}),
        "fields": [
            name
            for name in __import__("re").findall(r'<field name="([a-z_0-9]+)"', arch)
            if name in env["res.partner"]._fields
        ],
    },
}
with open(OUT, "w") as out:
    json.dump(config, out, indent=1)
print(
    f"{len(logins)} contacts with a login and invoices, "
    f"{sum(len(login['open']) for login in logins)} open invoices to pay; config in {OUT}",
    flush=True,
)
