from odoo import api, models
from odoo.exceptions import AccessError, MissingError
from odoo.tools import float_compare, float_is_zero

# Filters of the open orders list: which open orders each one keeps
ORDER_FILTERS = {
    "open": ["|", ("connect_to_deliver", "=", True), ("connect_to_invoice", "=", True)],
    "to_deliver": [("connect_to_deliver", "=", True)],
    "to_invoice": [("connect_to_invoice", "=", True)],
}
# Sortable columns: the order each one sorts on (never user input)
ORDER_SORTS = {
    "date": "date_order",
    "reference": "name",
    "customer_ref": "client_order_ref",
    "total": "amount_total",
    "expected": "commitment_date",
}
ORDERS_PAGE = 20


class CustomerConnectPortalOrders(models.AbstractModel):
    """Open Orders, as the dealer management systems show them: the
    customer's confirmed orders not fully delivered or not fully invoiced,
    with their lines' ordered, delivered and invoiced quantities.

    Read as the portal user: Odoo's portal rules on sale.order (followers)
    and this area's rules (security/portal_orders_security.xml: the dealer
    companies whose level opens orders) apply to every query.
    """

    _name = "customer_connect.portal.orders"
    _description = "Customer Connect: open orders"

    @api.model
    def _scope(self):
        """(commercial partner, company) whose orders the current user may
        list: its own customer, in the current company, when its access
        level there opens the orders area."""
        return self.env.user._connect_portal_scope("orders")

    @api.model
    def _domain(self, order_filter="open", search=""):
        """The open orders of the current user's customer in the current
        company, narrowed by ``order_filter`` and ``search`` (reference, the
        customer's reference, or a line's description)."""
        partner, company = self._scope()
        # ids only, of the user's own customer's contacts: the orders
        # themselves are read under the user's rules below
        contacts = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            ._search([("commercial_partner_id", "=", partner.id)])
        )
        domain = [
            ("state", "=", "sale"),
            ("company_id", "=", company.id),
            ("partner_id", "in", contacts),
            *ORDER_FILTERS.get(order_filter, ORDER_FILTERS["open"]),
        ]
        if search:
            domain += [
                "|",
                "|",
                ("name", "ilike", search),
                ("client_order_ref", "ilike", search),
                ("order_line.name", "ilike", search),
            ]
        return domain

    @api.model
    def _page(
        self,
        order_filter="open",
        search="",
        sort="date",
        descending=True,
        offset=0,
        limit=ORDERS_PAGE,
    ):
        """One page of open orders: (orders_sudo, {order: progress}, count of
        all matching orders). The number of queries does not depend on the
        number of orders or lines."""
        SaleOrder = self.env["sale.order"]
        domain = self._domain(order_filter, search)
        count = SaleOrder.search_count(domain)
        direction = "desc" if descending else "asc"
        order = f"{ORDER_SORTS.get(sort, 'date_order')} {direction}, id {direction}"
        orders = SaleOrder.search(domain, order=order, offset=offset, limit=limit)
        orders.check_access("read")
        # found under the user's rules above; rendered as the system, as
        # Odoo's /my/orders does (products and units of measure are not
        # readable by portal users)
        orders_sudo = orders.sudo()
        orders_sudo.fetch(
            [
                "name",
                "state",
                "date_order",
                "client_order_ref",
                "commitment_date",
                "amount_total",
                "currency_id",
                "connect_to_deliver",
                "connect_to_invoice",
            ]
        )
        orders_sudo.order_line.fetch(self._line_fields())
        orders_sudo.order_line.product_uom.fetch(["rounding"])
        return orders_sudo, self._progress(orders_sudo), count

    @api.model
    def _line_fields(self):
        return [
            "order_id",
            "sequence",
            "display_type",
            "is_downpayment",
            "product_id",
            "name",
            "product_uom_qty",
            "qty_delivered",
            "qty_invoiced",
            "product_uom",
            "price_unit",
            "discount",
            "price_subtotal",
            "currency_id",
        ]

    @api.model
    def _progress(self, orders):
        """{order: (state code, label)} of each order, from its lines: what
        a customer asks first about an order."""
        _ = self.env._
        labels = {
            "to_deliver": _("Awaiting delivery"),
            "partly_delivered": _("Partly delivered"),
            "to_invoice": _("Delivered, awaiting invoice"),
            "done": _("Completed"),
            "cancel": _("Cancelled"),
            "quotation": _("Quotation"),
        }
        progress = {}
        for order in orders:
            if order.state == "cancel":
                code = "cancel"
            elif order.state != "sale":
                code = "quotation"
            elif order.connect_to_deliver:
                lines = order.order_line._connect_goods_lines()
                delivered = any(
                    not float_is_zero(
                        line.qty_delivered, precision_rounding=line.product_uom.rounding or 0.01
                    )
                    for line in lines
                )
                code = "partly_delivered" if delivered else "to_deliver"
            elif order.connect_to_invoice:
                code = "to_invoice"
            else:
                code = "done"
            progress[order] = (code, labels[code])
        return progress

    @api.model
    def _order_detail(self, order_id):
        """The order ``order_id`` with its lines, when the current user may
        read it in the orders area: (order_sudo, lines_sudo, progress). Another
        customer's order, or one the level closes, raises AccessError (or
        MissingError when it does not exist)."""
        self._scope()
        order = self.env["sale.order"].browse(int(order_id)).exists()
        if not order:
            raise MissingError(self.env._("This order does not exist."))
        order.check_access("read")
        if not order._connect_opens_for("orders"):
            raise AccessError(self.env._("This order is not open to you."))
        # checked as the user above; its lines' products and units are read
        # as the system, as Odoo's order page does
        order_sudo = order.sudo()
        lines_sudo = order_sudo.order_line.filtered(lambda line: not line.is_downpayment)
        lines_sudo.fetch(self._line_fields())
        return order_sudo, lines_sudo, self._progress(order_sudo)[order_sudo]

    @api.model
    def _line_state(self, line):
        """'delivered', 'partly' or 'waiting' for a goods line, '' otherwise."""
        if line.display_type or line.product_uom_qty <= 0:
            return ""
        rounding = line.product_uom.rounding or 0.01
        if (
            float_compare(line.qty_delivered, line.product_uom_qty, precision_rounding=rounding)
            >= 0
        ):
            return "delivered"
        if float_is_zero(line.qty_delivered, precision_rounding=rounding):
            return "waiting"
        return "partly"
