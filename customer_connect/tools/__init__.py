# Plain Python helpers shared by the three addons (no Odoo model): import
# them as odoo.addons.customer_connect.tools.<module>.
