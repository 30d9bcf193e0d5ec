"""18.0.1.3.0: portal logins Odoo made before Customer Connect are followed.

Earlier versions left every login made by Odoo's Grant Portal Access before
the install "Not invited", without a level; the install now reads them
(``customer_connect.existing.logins._adopt``), and so does this upgrade
(idempotent: contacts already followed are left as they are).
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["customer_connect.existing.logins"]._adopt()
