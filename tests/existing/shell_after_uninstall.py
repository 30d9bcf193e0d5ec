# run by run_install_check.sh in `odoo shell` once our addons are uninstalled:
# Odoo's portal wizard works on every login, the one Customer Connect
# inactivated included.
import os

env = globals()["env"]  # odoo shell's env


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        raise SystemExit(1)


installed = env["ir.module.module"].search(
    [("name", "like", "customer_connect%"), ("state", "=", "installed")]
)
check(not installed, "our addons are uninstalled")
floyd = env.ref("base.res_partner_address_4")
user = floyd.with_context(active_test=False).user_ids
wizard = (
    env["portal.wizard"].with_context(active_model="res.partner", active_ids=floyd.ids).create({})
)
line = wizard.user_ids.filtered(lambda line: line.partner_id == floyd)
check(not line.is_portal, f"Odoo's wizard sees {floyd.name}'s login as revoked")
line.action_grant_access()
check(user.active and user._is_portal(), "Odoo's Grant Portal Access gives it back")
user.password = os.environ["CC_CHECK_PASSWORD"]
env.cr.commit()
