"""Several dealer companies: a login that works for more than one picks the
one its portal pages are about. The pick lives in the session; every request
then runs in that company (models/ir_http.py)."""

from werkzeug.urls import url_parse

from odoo import http
from odoo.exceptions import AccessError
from odoo.http import request

from ..models.ir_http import PORTAL_COMPANY_SESSION_KEY


class ConnectPortalCompanies(http.Controller):
    @http.route("/my/company", type="http", auth="user", methods=["POST"], website=True)
    def portal_switch_company(self, company_id=None, redirect=None, **kw):
        user = request.env.user
        wanted = int(company_id) if str(company_id or "").isdigit() else 0
        if wanted not in user._connect_portal_companies().ids:
            raise AccessError(request.env._("You do not work with this company."))
        request.session[PORTAL_COMPANY_SESSION_KEY] = wanted
        # back to the list the switch was made on (a document or a page
        # number of the other company would not fit), on this site only
        target = url_parse(redirect or "")
        parts = [part for part in (target.path or "").split("/") if part]
        if target.netloc or parts[:1] != ["my"]:
            return request.redirect("/my")
        return request.redirect("/" + "/".join(parts[:2]))
