"""The portal's home: a contact lands on Customer Activity (manual 000
§3.2), where Odoo sends a portal login to its tiles (/my): after signing in,
on the portal's brand link (/) and on /web. Where is decided once,
``res.users._connect_home_url``; the tiles stay at /my/home, one click away
(the breadcrumb's home icon). Templates: views/portal_home_templates.xml."""

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.web import Home as PortalHome
from odoo.addons.web.controllers.utils import is_user_internal


class ConnectPortalHome(PortalHome):
    def _connect_home_of_session(self):
        """The signed-in portal contact's home, or None for staff and
        visitors (Odoo's own way then)."""
        uid = request.session.uid
        if uid and not is_user_internal(uid):
            # "/" is an auth="none" route: the session's login, by its id
            return request.env(user=uid).user._connect_home_url()
        return None

    @http.route()
    def index(self, *args, **kw):
        home = self._connect_home_of_session()
        if home:
            return request.redirect_query(home, query=request.params)
        return super().index(*args, **kw)

    @http.route()
    def web_client(self, s_action=None, **kw):
        home = self._connect_home_of_session()
        if home:
            return request.redirect_query(home, query=request.params)
        return super().web_client(s_action, **kw)

    def _login_redirect(self, uid, redirect=None):
        if not redirect and not is_user_internal(uid):
            # the login's own environment: its company decides its level
            redirect = request.env(user=uid).user._connect_home_url()
        return super()._login_redirect(uid, redirect=redirect)
