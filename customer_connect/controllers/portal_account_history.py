"""Account History: the customer's posted invoices, credit notes and
payments for a date range with a running balance, and its CSV. The area's
check, the query and the CSV live in customer_connect.portal.account.history
(models/portal_account_history.py); the routes only read the form."""

from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.ir_http import replica_readonly
from ..models.portal_account_history import HISTORY_PAGE
from .portal_list import PortalListParams


class ConnectPortalAccountHistory(CustomerPortal):
    @http.route(
        ["/my/history", "/my/history/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=replica_readonly,
    )
    def portal_my_account_history(self, page=1, date_from="", date_to="", **kw):
        """The history between two dates (the last 12 months unless asked),
        oldest first, a page at a time."""
        request.env.user._connect_require("activity")
        History = request.env["customer_connect.portal.account.history"]
        params = PortalListParams(page, HISTORY_PAGE)
        error = None
        try:
            History._range(date_from, date_to)
        except UserError as e:
            # the dates typed stay in the form, the default range shows
            error, date_from, date_to = str(e), "", ""
        history = History._page(date_from, date_to, offset=params.offset)
        url_args = {"date_from": history["date_from"], "date_to": history["date_to"]}
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_account_history",
                "history": history,
                "type_labels": History._type_labels(),
                "error": error,
                "first_page": params.page == 1,
                "last_page": params.page * HISTORY_PAGE >= history["count"],
                "csv_url": f"/my/history/csv?{urlencode(url_args)}",
                "pager": params.pager("/my/history", url_args, history["count"]),
            }
        )
        return request.render("customer_connect.portal_my_account_history", values)

    @http.route(
        "/my/history/csv", type="http", auth="user", website=True, readonly=replica_readonly
    )
    def portal_my_account_history_csv(self, date_from="", date_to="", **kw):
        """The whole range as a CSV file."""
        request.env.user._connect_require("activity")
        History = request.env["customer_connect.portal.account.history"]
        try:
            filename, content = History._csv(date_from, date_to)
        except UserError:
            return self.portal_my_account_history(date_from=date_from, date_to=date_to)
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "text/csv; charset=utf-8"),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
