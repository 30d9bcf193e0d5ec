"""The portal's home: a contact that signs in lands on Customer Activity
(manual 000 §3.2), where Odoo sends a portal login to its tiles (/my). Where
is decided once, ``res.users._connect_home_url``; the brand link and "My
Account" point there too (views/portal_home_templates.xml). Odoo's front
door (/, /web) still leads to the tiles at /my, one click from Customer
Activity."""

from odoo.http import request

from odoo.addons.portal.controllers.web import Home as PortalHome
from odoo.addons.web.controllers.utils import is_user_internal


class ConnectPortalHome(PortalHome):
    def _login_redirect(self, uid, redirect=None):
        # signing in, completing an invitation and resetting a password all
        # end here (the links carry no redirect of their own)
        if not redirect and not is_user_internal(uid):
            # the login's own environment: its company decides its level
            redirect = request.env(user=uid).user._connect_home_url()
        return super()._login_redirect(uid, redirect=redirect)
