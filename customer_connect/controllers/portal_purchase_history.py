"""Purchase History: what the customer bought, line by line, from its
posted invoices. The area's check and the query live in
customer_connect.portal.purchase.history (models/portal_purchase_history.py);
the route only reads the form."""

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.ir_http import replica_readonly
from ..models.portal_purchase_history import PURCHASE_PAGE, PURCHASE_SORTS
from .portal_list import PortalListParams


class ConnectPortalPurchaseHistory(CustomerPortal):
    @http.route(
        ["/my/purchases", "/my/purchases/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=replica_readonly,
    )
    def portal_my_purchases(
        self, page=1, search="", date_from="", date_to="", sortby="date", order="desc", **kw
    ):
        """Purchased lines, searched on product and description, between two
        dates, sorted on every column."""
        request.env.user._connect_require("activity")
        Purchases = request.env["customer_connect.portal.purchase.history"]
        params = PortalListParams(page, PURCHASE_PAGE, order=order, search=search)
        sortby = params.choice(sortby, PURCHASE_SORTS, "date")
        error = None
        try:
            Purchases._range(date_from, date_to)
        except UserError as e:
            error, date_from, date_to = str(e), "", ""
        rows, count = Purchases._page(
            params.search,
            date_from,
            date_to,
            sortby,
            params.descending,
            offset=params.offset,
        )
        url_args = {
            "search": params.search,
            "date_from": date_from,
            "date_to": date_to,
            "sortby": sortby,
            "order": params.order,
        }
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_purchases",
                "rows": rows,
                "search": params.search,
                "date_from": date_from,
                "date_to": date_to,
                "sortby": sortby,
                "order": params.order,
                "error": error,
                "pager": params.pager("/my/purchases", url_args, count),
            }
        )
        return request.render("customer_connect.portal_my_purchases", values)
