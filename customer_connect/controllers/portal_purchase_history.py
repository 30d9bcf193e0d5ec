"""Purchase History: what the customer bought, line by line, from its
posted invoices. The area's check and the query live in
customer_connect.portal.purchase.history (models/portal_purchase_history.py);
the route only reads the form."""

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.ir_http import replica_readonly
from ..models.portal_purchase_history import PURCHASE_PAGE, PURCHASE_SORTS


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
        page = int(page) if str(page).isdigit() and int(page) > 0 else 1
        sortby = sortby if sortby in PURCHASE_SORTS else "date"
        search = (search or "").strip()[:100]
        descending = order != "asc"
        error = None
        try:
            Purchases._range(date_from, date_to)
        except UserError as e:
            error, date_from, date_to = str(e), "", ""
        rows, count = Purchases._page(
            search,
            date_from,
            date_to,
            sortby,
            descending,
            offset=(page - 1) * PURCHASE_PAGE,
        )
        url_args = {
            "search": search,
            "date_from": date_from,
            "date_to": date_to,
            "sortby": sortby,
            "order": "desc" if descending else "asc",
        }
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_purchases",
                "rows": rows,
                "search": search,
                "date_from": date_from,
                "date_to": date_to,
                "sortby": sortby,
                "order": "desc" if descending else "asc",
                "error": error,
                "pager": portal_pager(
                    url="/my/purchases",
                    url_args=url_args,
                    total=count,
                    page=page,
                    step=PURCHASE_PAGE,
                ),
            }
        )
        return request.render("customer_connect.portal_my_purchases", values)
