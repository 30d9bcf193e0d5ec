# run by run_install_check.sh in `odoo shell` on the database before our
# addons exist: Odoo's own Grant Portal Access, as a dealer's administrator
# clicks it (Contacts > Deco Addict's contact > Action > Grant portal access)
import os

env = globals()["env"]  # odoo shell's env
PASSWORD = os.environ["CC_CHECK_PASSWORD"]
assert "customer_connect" not in env.registry._init_modules, "our addons not installed yet"
deco = env.ref("base.res_partner_2")
contacts = {
    "signed_in": env.ref("base.res_partner_address_3"),  # Douglas Fletcher
    "never": env.ref("base.res_partner_address_4"),  # Floyd Steward
}
for key, contact in contacts.items():
    wizard = (
        env["portal.wizard"]
        .with_context(active_model="res.partner", active_ids=contact.ids)
        .create({})
    )
    wizard.user_ids.filtered(lambda line, c=contact: line.partner_id == c).action_grant_access()
    user = contact.user_ids
    assert user and user._is_portal(), key
    # what the customer does with the e-mailed link: chooses a password
    user.password = PASSWORD
    print(f"ok   {contact.name} of {deco.name} granted portal access with Odoo's wizard")
env.cr.commit()
