# run by run_install_check.sh in `odoo shell` once our three addons are
# installed on the database made by Odoo alone: what the install read, then
# Odoo's wizard used afterwards.
import ast

env = globals()["env"]  # odoo shell's env


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        raise SystemExit(1)


deco = env.ref("base.res_partner_2")
douglas = env.ref("base.res_partner_address_3")  # granted, signed in
floyd = env.ref("base.res_partner_address_4")  # granted, never signed in
addison = env.ref("base.res_partner_address_31")  # not granted
company = deco._connect_company()
full = env["customer_connect.access.level"]._level_by_code("full", company)
logs = env["res.users.log"].search([("create_uid", "=", douglas.user_ids.id)], order="id")

# -- states, dates and levels -------------------------------------------------
check(
    douglas.connect_login_state == "active",
    f"{douglas.name}: active ({douglas.connect_login_state})",
)
check(
    douglas.connect_activated_on == logs[:1].create_date
    and douglas.connect_last_login == logs[-1:].create_date,
    f"{douglas.name}: first and last log-in from Odoo's res.users.log "
    f"({douglas.connect_activated_on}, {douglas.connect_last_login})",
)
check(floyd.connect_login_state == "invited", f"{floyd.name}: invited, pending activation")
check(addison.connect_login_state == "not_invited", f"{addison.name}: not invited")
check(
    (douglas | floyd).connect_access_level_id == full,
    f"their level: the company's default, {full.name}",
)
check(
    deco.connect_state == "active", f"{deco.name} on the dashboard: Active ({deco.connect_state})"
)

# -- the dashboard's counters, as its action asks for them ------------------
action = env.ref("customer_connect.action_connect_customer_accounts")
Partner = env["res.partner"].with_context(**ast.literal_eval(action.context))
domain = ast.literal_eval(action.domain)
counters = Partner.search_panel_select_multi_range(
    "connect_state", search_domain=domain, enable_counters=True
)
counts = {value["id"]: value["__count"] for value in counters["values"]}
share = env["res.users"].search([("share", "=", True), ("login_date", "!=", False)])
print(f"     dashboard counters: {counts}")
check(counts.get("active", 0) >= 1, "the dashboard counts the active customers")
check(
    counts.get("active", 0) + counts.get("invited", 0)
    == len(Partner.search(domain + [("connect_state", "in", ("active", "invited"))])),
    "counters and list agree",
)
check(bool(share), "Odoo's log-in dates are there")


# -- Odoo's wizard after the install -----------------------------------------
def wizard_line(contact):
    wizard = (
        env["portal.wizard"]
        .with_context(active_model="res.partner", active_ids=contact.ids)
        .create({})
    )
    return wizard.user_ids.filtered(lambda line: line.partner_id == contact)


Log = env["customer_connect.mail.log"]
wizard_line(addison).action_grant_access()
check(
    addison.connect_login_state == "invited", f"Grant: {addison.name} invited, pending activation"
)
check(
    Log.search_count([("partner_id", "=", addison.id), ("kind", "=", "invitation")]) == 1,
    "Grant: Odoo's welcome e-mail in the e-mail history",
)
wizard_line(addison).action_invite_again()
check(
    Log.search_count([("partner_id", "=", addison.id), ("kind", "=", "invitation")]) == 2,
    "Re-invite: a second row in the e-mail history",
)
wizard_line(addison).action_revoke_access()
check(addison.connect_login_state == "inactive", "Revoke: inactive")
wizard_line(addison).action_grant_access()
check(addison.connect_login_state == "invited", "Grant again: invited (never signed in)")

# -- bulk invitation skips the customers already on the portal --------------
batch = env["customer_connect.invite.batch"]._create_for(deco)
env["customer_connect.invite.batch"]._cron_process()
line = batch.line_ids
check(
    line.result == "refused" and "already has a portal login" in (line.message or ""),
    f"bulk invitation skips {deco.name}: {line.message}",
)

# -- a login inactivated with Customer Connect, for the uninstall ----------
floyd._connect_inactivate()
check(floyd.connect_login_state == "inactive", f"{floyd.name} inactivated with Customer Connect")
env.cr.commit()
