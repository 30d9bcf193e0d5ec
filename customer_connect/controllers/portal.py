from werkzeug.exceptions import Forbidden

from odoo import http
from odoo.http import request

from odoo.addons.account.controllers.portal import PortalAccount


def connect_require(capability):
    """403 for a signed-in portal contact whose access level lacks
    ``capability``; the record rules say the same to any other way in."""
    if not request.env.user._connect_grants(capability):
        raise Forbidden()


class ConnectPortalAccount(PortalAccount):
    def _prepare_home_portal_values(self, counters):
        if not request.env.user._connect_grants("can_see_invoices"):
            counters = [c for c in counters if c not in ("invoice_count", "overdue_invoice_count")]
        return super()._prepare_home_portal_values(counters)

    @http.route()
    def portal_my_invoices(self, *args, **kw):
        connect_require("can_see_invoices")
        return super().portal_my_invoices(*args, **kw)

    @http.route()
    def portal_my_invoice_detail(
        self, invoice_id, access_token=None, report_type=None, download=False, **kw
    ):
        connect_require("can_see_invoices")
        if report_type == "pdf" or download:
            connect_require("can_download")
        return super().portal_my_invoice_detail(
            invoice_id, access_token=access_token, report_type=report_type, download=download, **kw
        )
