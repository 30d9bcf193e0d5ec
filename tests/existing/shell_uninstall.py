# run by run_install_check.sh in `odoo shell`: Apps > Customer Connect >
# Uninstall (its two companion addons depend on it and go with it)
env = globals()["env"]  # odoo shell's env
env["ir.module.module"].search([("name", "=", "customer_connect")]).button_immediate_uninstall()
env.cr.commit()
print("ok   customer_connect and its companions uninstalled")
