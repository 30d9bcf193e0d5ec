def post_init_hook(env):
    """Every dealer company starts with its own access levels; the portal
    logins Odoo made before the install get their state and level."""
    env["customer_connect.access.level"]._create_company_defaults(
        env["res.company"].with_context(active_test=False).search([])
    )
    env["customer_connect.existing.logins"]._adopt()


def uninstall_hook(env):
    """Odoo's portal keeps working for every login after the uninstall: the
    logins Customer Connect inactivated are left as Odoo's Revoke leaves
    them, which Odoo's Grant Portal Access can give back."""
    env["customer_connect.existing.logins"]._revoked_on_uninstall()
