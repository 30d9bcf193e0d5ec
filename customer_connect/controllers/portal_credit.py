"""Credit shown: the card on the portal's home (Customer Activity and the
tiles, views/portal_credit_templates.xml) and its page, ``/my/credit``, which
says how the figures are made. The route checks the area and hands over to
customer_connect.portal.credit (models/portal_credit.py)."""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.ir_http import replica_readonly


class ConnectPortalCredit(CustomerPortal):
    @http.route("/my/credit", type="http", auth="user", website=True, readonly=replica_readonly)
    def portal_my_credit(self, **kw):
        """The customer's credit with the dealer: limit, used (open invoices
        and confirmed orders not invoiced yet), left. Not found while the
        dealer does not show credit."""
        request.env.user._connect_require("credit")
        shown, figures = request.env["customer_connect.portal.credit"]._connect_page()
        if not shown:
            raise NotFound()
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "connect_credit", "credit": figures})
        return request.render("customer_connect.portal_my_credit", values)
