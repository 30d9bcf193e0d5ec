from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.report import ReportController

from .portal import connect_require


class ConnectReportController(ReportController):
    """Odoo's generic report routes (/report/pdf/..., /report/download) render
    whatever the record rules let a user read. A portal contact may read an
    invoice (its level grants "see invoices") without being allowed to print
    or download it: those routes check "download and print" too."""

    @http.route()
    def report_routes(self, reportname, docids=None, converter=None, **data):
        report = request.env["ir.actions.report"].sudo()._get_report_from_name(reportname)
        if report.model == "account.move":
            connect_require("can_see_invoices" if converter == "html" else "can_download")
        return super().report_routes(reportname, docids=docids, converter=converter, **data)
