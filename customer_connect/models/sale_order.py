from odoo import api, fields, models
from odoo.tools import float_compare


class SaleOrder(models.Model):
    """The orders area, model side: which confirmed orders are still open
    (not fully delivered or not fully invoiced), and who may reach an order
    in the portal whichever way they come in."""

    _inherit = "sale.order"

    # stored: the open orders list filters and counts on them in the
    # database, with the record rules, a page at a time
    connect_to_deliver = fields.Boolean(
        "Awaiting delivery",
        compute="_compute_connect_pending",
        store=True,
        help="A confirmed order with a line not fully delivered yet.",
    )
    connect_to_invoice = fields.Boolean(
        "Awaiting invoice",
        compute="_compute_connect_pending",
        store=True,
        help="A confirmed order with a line not fully invoiced yet.",
    )

    def init(self):
        # the open orders of one customer: the few rows still open, whatever
        # the number of orders the customer ever had
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS sale_order_connect_open_idx
                ON sale_order (partner_id, date_order DESC)
             WHERE state = 'sale' AND (connect_to_deliver OR connect_to_invoice)
            """
        )

    @api.depends(
        "state",
        "order_line.product_uom_qty",
        "order_line.qty_delivered",
        "order_line.qty_invoiced",
        "order_line.display_type",
        "order_line.is_downpayment",
    )
    def _compute_connect_pending(self):
        for order in self:
            to_deliver = to_invoice = False
            if order.state == "sale":
                for line in order.order_line._connect_goods_lines():
                    rounding = line.product_uom.rounding or 0.01
                    ordered = line.product_uom_qty
                    if float_compare(line.qty_delivered, ordered, precision_rounding=rounding) < 0:
                        to_deliver = True
                    if float_compare(line.qty_invoiced, ordered, precision_rounding=rounding) < 0:
                        to_invoice = True
            order.connect_to_deliver = to_deliver
            order.connect_to_invoice = to_invoice

    def _connect_opens_for(self, area="orders"):
        """Whether the current user may reach these orders in the portal
        area ``area``: the gate of ``res.users._connect_opens_documents``,
        behind every way in that skips the record rules (Odoo's token links
        to an order, its sudo-rendered page and PDF)."""
        if self.env.su:
            return True
        # the orders' companies and customers are read as the system: the
        # gate itself decides what the visitor may reach
        return self.env.user._connect_opens_documents(
            area,
            [(order.company_id, order.partner_id.commercial_partner_id) for order in self.sudo()],
        )

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        # the portal chatter: a token or a signed pid opens the order's
        # thread with sudo; the contact's level must still open orders
        thread = super()._get_thread_with_access(thread_id, mode, **kwargs)
        if thread and not thread.with_env(self.env)._connect_opens_for("orders"):
            return self.browse()
        return thread


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _connect_goods_lines(self):
        """The lines that are something ordered: not section or note lines,
        not down payments, not zero or negative quantities (discount lines)."""
        return self.filtered(
            lambda line: (
                not line.display_type and not line.is_downpayment and line.product_uom_qty > 0
            )
        )
