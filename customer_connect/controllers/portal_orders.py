"""Orders: Open Orders (the customer's confirmed orders not fully delivered
or invoiced, and each order's lines) and Odoo's own order pages (/my/orders,
/my/quotes, /my/orders/<id>), all behind the orders area
(``res.users._connect_require("orders")``). The record rules in
security/portal_orders_security.xml and ``sale.order._connect_opens_for``
hold the same line for every other way in (JSON-RPC, token links)."""

from urllib.parse import quote

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal as SaleCustomerPortal

from ..models.ir_http import replica_readonly
from ..models.portal_orders import ORDER_FILTERS, ORDER_SORTS, ORDERS_PAGE
from .portal_list import PortalListParams


class ConnectPortalOrders(SaleCustomerPortal):
    def _prepare_home_portal_values(self, counters):
        if not request.env.user._connect_grants("orders"):
            counters = [c for c in counters if c not in ("quotation_count", "order_count")]
        return super()._prepare_home_portal_values(counters)

    @http.route(
        ["/my/open-orders", "/my/open-orders/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=replica_readonly,
    )
    def portal_my_open_orders(
        self, page=1, order_filter="open", search="", sortby="date", order="desc", **kw
    ):
        """Open Orders: confirmed orders still to deliver or to invoice,
        filtered, searched, sorted, a page at a time."""
        request.env.user._connect_require("orders")
        Orders = request.env["customer_connect.portal.orders"]
        params = PortalListParams(page, ORDERS_PAGE, order=order, search=search)
        order_filter = params.choice(order_filter, ORDER_FILTERS, "open")
        sortby = params.choice(sortby, ORDER_SORTS, "date")
        orders_sudo, progress, count = Orders._page(
            order_filter, params.search, sortby, params.descending, offset=params.offset
        )
        url_args = {
            "order_filter": order_filter,
            "search": params.search,
            "sortby": sortby,
            "order": params.order,
        }
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_open_orders",
                "orders": orders_sudo,
                "progress": progress,
                "order_filter": order_filter,
                "search": params.search,
                "sortby": sortby,
                "order": params.order,
                "pager": params.pager("/my/open-orders", url_args, count),
            }
        )
        return request.render("customer_connect.portal_my_open_orders", values)

    # read/write: its first view makes the order's portal token (the link to
    # the order document), a write Odoo would retry on the primary each time
    @http.route("/my/open-orders/<int:order_id>", type="http", auth="user", website=True)
    def portal_my_open_order(self, order_id, **kw):
        """One order's lines: ordered, delivered and invoiced quantities."""
        request.env.user._connect_require("orders")
        Orders = request.env["customer_connect.portal.orders"]
        try:
            order_sudo, lines_sudo, progress = Orders._order_detail(order_id)
        except MissingError:
            raise NotFound() from None
        request.env["customer_connect.portal.event"]._record("order_viewed", order_sudo)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_open_order",
                "sale_order": order_sudo,
                "lines": lines_sudo,
                "progress": progress,
                "line_state": Orders._line_state,
            }
        )
        return request.render("customer_connect.portal_my_open_order", values)

    # -- Odoo's order pages: the same area ------------------------------
    def _document_check_access(self, model_name, document_id, access_token=None):
        document_sudo = super()._document_check_access(model_name, document_id, access_token)
        # a token link skips the record rules: the area's gate decides, as
        # the visitor
        document = document_sudo.with_env(request.env)
        if model_name == "sale.order" and not document._connect_opens_for("orders"):
            raise AccessError(request.env._("This order is not open to you."))
        return document_sudo

    def _connect_require_orders(self):
        """The orders area for a signed-in contact; a visitor with a token
        is held by _document_check_access."""
        user = request.env.user
        if not user._is_public():
            user._connect_require("orders")

    @http.route()
    def portal_my_quotes(self, **kwargs):
        self._connect_require_orders()
        return super().portal_my_quotes(**kwargs)

    @http.route()
    def portal_my_orders(self, **kwargs):
        self._connect_require_orders()
        return super().portal_my_orders(**kwargs)

    @http.route()
    def portal_order_page(self, order_id, report_type=None, access_token=None, **kw):
        user = request.env.user
        if user._is_public() and access_token:
            order = request.env["sale.order"].browse(order_id)
            if not order._connect_opens_for("orders"):
                # the customer is on Customer Connect: its contact signs in,
                # then its level applies, and comes back here
                return request.redirect(
                    f"/web/login?redirect={quote(request.httprequest.full_path, safe='')}"
                )
        else:
            self._connect_require_orders()
        response = super().portal_order_page(
            order_id, report_type=report_type, access_token=access_token, **kw
        )
        if response.status_code == 200 and not report_type:
            request.env["customer_connect.portal.event"]._record(
                "order_viewed", request.env["sale.order"].browse(order_id)
            )
        return response

    @http.route()
    def portal_quote_accept(self, order_id, *args, **kwargs):
        self._connect_require_orders()
        return super().portal_quote_accept(order_id, *args, **kwargs)

    @http.route()
    def portal_quote_decline(self, order_id, *args, **kwargs):
        self._connect_require_orders()
        return super().portal_quote_decline(order_id, *args, **kwargs)

    @http.route()
    def portal_quote_document(self, order_id, document_id, access_token=None, **kwargs):
        # Odoo's own signature makes access_token required: an address
        # without it was a server error (TypeError); a signed-in contact
        # needs none, _document_check_access checks its rights instead
        self._connect_require_orders()
        return super().portal_quote_document(order_id, document_id, access_token)
