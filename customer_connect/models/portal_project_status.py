from odoo import api, models
from odoo.exceptions import AccessError, MissingError
from odoo.tools import float_round

# The four views of manual 003 ("View Project Status"); the first is the default
PROJECT_VIEWS = ("proposals", "rooms", "items", "details")


class CustomerConnectPortalProjectStatus(models.AbstractModel):
    """Project status, as manual 003 shows it: the customer's proposals
    (quotations and sale orders), their rooms / locations (the sections of a
    proposal) and their items (the lines, with their product's image), in
    four views: Proposals, Rooms/Locations, Items and All Details (the
    deposits paid against each item and its balance due).

    A project is the work at one address: the customer's proposals grouped
    by delivery address (``partner_shipping_id``), so a customer with one
    site has one project. Only items of accepted proposals (confirmed sale
    orders, locked or not) show; proposals sent and not yet accepted are
    listed without their items; drafts (not sent) and cancelled ones are not
    shown.

    Rooms: a proposal's lines belong to the section above them; lines before
    the first section go to "General". Rooms of several proposals with the
    same name (case and spaces aside) are one room.

    Deposits and balance due (amounts of the order's currency, taxes
    included): what was paid of the order's posted invoices and credit notes
    counts in the share each is paid (an invoice half paid counts for half
    of each of its lines' amounts, a credit note against it takes its part
    back), for the lines of this order only. The deposits are that of the
    down payment invoices (Odoo's down payment lines); all payments are that
    of every invoice of the order (a final invoice deducting a down payment
    counts net). Both are spread over the order's items pro rata of their
    totals, in the currency's rounding, the last item taking what rounding
    leaves, so the items add up to the order. An item's balance due is its
    total less its share of all payments.

    Read as the portal user: Odoo's portal rules on sale orders (followers)
    and this area's rules (security/portal_project_status_security.xml, with
    the orders area's) apply to every search; what portal users cannot read
    (products, invoices for a level without invoices) is read as the system
    only for orders found that way.
    """

    _name = "customer_connect.portal.project.status"
    _description = "Customer Connect: project status"

    # -- who and what --------------------------------------------------------
    @api.model
    def _scope(self):
        """(commercial partner, company) whose projects the current user may
        see: its own customer, in the current company, when its access level
        there opens project status (AccessError otherwise)."""
        return self.env.user._connect_portal_scope("project_status")

    @api.model
    def _may_pay(self):
        """Whether the pages show amounts to pay: the contact's level must
        also open payments (manual 003: "see status" without "make payments"
        sees the status, not what to pay)."""
        return self.env.user._connect_may_pay()

    @api.model
    def _domain(self, partner, company, states=("sent", "sale")):
        """The proposals of ``partner``'s contacts in ``company`` in one of
        ``states``."""
        # ids only, of the user's own customer's contacts: the orders
        # themselves are read under the user's rules
        contacts = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            ._search([("commercial_partner_id", "=", partner.id)])
        )
        return [
            ("state", "in", list(states)),
            ("company_id", "=", company.id),
            ("partner_id", "in", contacts),
        ]

    @api.model
    def _projects(self):
        """The customer's projects in the current company: a list of
        {site, accepted, pending} (the delivery address, read as the system:
        it is one of the customer's own proposals'; the numbers of accepted
        proposals and of proposals awaiting acceptance), by site name."""
        partner, company = self._scope()
        groups = self.env["sale.order"]._read_group(
            self._domain(partner, company),
            ["partner_shipping_id", "state"],
            ["__count"],
        )
        projects = {}
        for site, state, count in groups:
            project = projects.setdefault(site.id, {"site": site, "accepted": 0, "pending": 0})
            project["accepted" if state == "sale" else "pending"] += count
        found = list(projects.values())
        # the customer's own addresses, found through its own proposals above
        sites_sudo = self.env["res.partner"].sudo().browse(list(projects))
        sites_sudo.fetch(["name", "street", "city", "zip"])
        # the sites as the system, as fetched above (the customer's own addresses)
        for project in found:
            project["site"] = project["site"].sudo()
        return sorted(found, key=lambda p: (p["site"].display_name or "").casefold())

    # -- one project ---------------------------------------------------------
    @api.model
    def _project(self, site_id, view="proposals"):
        """The project at the delivery address ``site_id``, laid out for
        ``view`` (one of PROJECT_VIEWS): a dict with the site, the accepted
        proposals and those awaiting acceptance, the items (dicts, see
        _items), their grouping for the view, the totals per currency and
        whether amounts to pay show. A site that is not one of the
        customer's projects raises MissingError (the route's 404). The
        number of queries does not depend on the number of proposals or
        lines."""
        partner, company = self._scope()
        view = view if view in PROJECT_VIEWS else PROJECT_VIEWS[0]
        domain = [*self._domain(partner, company), ("partner_shipping_id", "=", int(site_id))]
        orders = self.env["sale.order"].search(domain)
        if not orders:
            raise MissingError(self.env._("This project does not exist."))
        orders.check_access("read")
        # found under the user's rules above; read as the system, as Odoo's
        # order page does (products are not readable by portal users, nor
        # invoices by a level without them)
        orders_sudo = orders.sudo()
        orders_sudo.fetch(
            ["name", "state", "date_order", "client_order_ref", "amount_total", "currency_id"]
        )
        accepted = orders_sudo.filtered(lambda o: o.state == "sale").sorted(
            lambda o: (o.name.casefold(), o.id)
        )
        pending = (orders_sudo - accepted).sorted(lambda o: (o.name.casefold(), o.id))
        items = self._items(accepted)
        item_key = self._item_key
        if view == "proposals":
            groups = [
                (order, self._by_room([i for i in items if i["order"] == order]))
                for order in accepted
            ]
        elif view == "items":
            groups = sorted(items, key=item_key)
        else:  # rooms, details
            groups = self._by_room(items)
        totals = {}
        for item in items:
            total = totals.setdefault(
                item["currency"], {"total": 0.0, "deposit": 0.0, "balance": 0.0}
            )
            for key in total:
                total[key] += item[key]
        return {
            "site": orders_sudo[:1].partner_shipping_id,
            "view": view,
            "accepted": accepted,
            "pending": pending,
            "items": items,
            "groups": groups,
            "totals": totals,
            "may_pay": self._may_pay(),
        }

    @api.model
    def _item_key(self, item):
        """Item / reference number order: items with a reference by it, then
        the others by description."""
        return (
            not item["ref"],
            item["ref"].casefold(),
            item["name"].casefold(),
            item["order"].name,
            item["line"].sequence,
            item["line"].id,
        )

    @api.model
    def _by_room(self, items):
        """[(room name, [items])] by room name, items by reference."""
        rooms = {}
        for item in items:
            rooms.setdefault(item["room_key"], (item["room"], []))[1].append(item)
        return [
            (name, sorted(room_items, key=self._item_key))
            for _key, (name, room_items) in sorted(rooms.items())
        ]

    @api.model
    def _items(self, orders_sudo):
        """The items of the accepted proposals ``orders_sudo`` (read as the
        system, found under the user's rules): one dict per product line
        (not sections, notes or down payments) with its proposal, room,
        reference, description, quantity, total, deposit, balance due,
        delivery state and whether it has a product to show the image of."""
        lines = orders_sudo.order_line
        lines.fetch(
            [
                "order_id",
                "sequence",
                "display_type",
                "is_downpayment",
                "product_id",
                "name",
                "product_uom_qty",
                "qty_delivered",
                "product_uom",
                "price_unit",
                "price_total",
                "currency_id",
                "invoice_lines",
            ]
        )
        lines.product_id.fetch(["default_code"])
        lines.product_uom.fetch(["name", "rounding"])
        paid = self._paid_by_order(orders_sudo)
        general = self.env._("General")
        Orders = self.env["customer_connect.portal.orders"]
        items = []
        for order in orders_sudo:
            room = general
            order_items = []
            for line in order.order_line.sorted(lambda line: (line.sequence, line.id)):
                if line.is_downpayment:
                    continue
                if line.display_type == "line_section":
                    # its first line; a section of blanks is "General" too
                    room = next(iter((line.name or "").strip().splitlines()), "") or general
                    continue
                if line.display_type:
                    continue
                ref = line.product_id.default_code or ""
                name = (line.name or line.product_id.display_name or "").strip()
                if ref and name.startswith(f"[{ref}]"):
                    # Odoo's description repeats the reference, shown beside it
                    name = name[len(ref) + 2 :].strip() or name
                order_items.append(
                    {
                        "line": line,
                        "order": order,
                        "room": room,
                        "room_key": " ".join(room.split()).casefold(),
                        "ref": ref,
                        "name": name,
                        "quantity": line.product_uom_qty,
                        "uom": line.product_uom.name,
                        "price_unit": line.price_unit,
                        "total": line.price_total,
                        "currency": order.currency_id,
                        "has_product": bool(line.product_id),
                        "state": Orders._line_state(line),
                    }
                )
            deposits, payments = paid.get(order.id, (0.0, 0.0))
            self._spread(order_items, "deposit", deposits, order.currency_id)
            self._spread(order_items, "paid", payments, order.currency_id)
            for item in order_items:
                item["balance"] = order.currency_id.round(item["total"] - item["paid"])
            items += order_items
        return items

    @api.model
    def _spread(self, items, key, amount, currency):
        """Set ``item[key]`` to the items' shares of ``amount``, pro rata of
        their totals; the last item takes what rounding leaves."""
        base = sum(item["total"] for item in items)
        left = amount
        for index, item in enumerate(items):
            if currency.is_zero(base):
                share = 0.0
            elif index == len(items) - 1:
                share = left
            else:
                share = float_round(
                    amount * item["total"] / base, precision_rounding=currency.rounding
                )
            item[key] = share
            left -= share

    @api.model
    def _paid_by_order(self, orders_sudo):
        """{order id: (deposits paid, everything paid)} of ``orders_sudo``:
        the share paid of each posted invoice or credit note line of the
        order's lines (see the class's docstring)."""
        invoice_lines = orders_sudo.order_line.invoice_lines
        invoice_lines.fetch(["move_id", "price_total", "parent_state"])
        moves = invoice_lines.move_id
        moves.fetch(["move_type", "state", "amount_total", "amount_residual"])
        share_paid = {
            move.id: (
                0.0
                if move.currency_id.is_zero(move.amount_total)
                else (move.amount_total - move.amount_residual) / move.amount_total
            )
            for move in moves
        }
        paid = {}
        for order in orders_sudo:
            deposits = payments = 0.0
            for line in order.order_line:
                for aml in line.invoice_lines:
                    move = aml.move_id
                    if move.state != "posted" or move.move_type not in (
                        "out_invoice",
                        "out_refund",
                    ):
                        continue
                    sign = -1 if move.move_type == "out_refund" else 1
                    amount = sign * aml.price_total * share_paid[move.id]
                    payments += amount
                    # a down payment's own invoice (or its credit note), not
                    # the final invoice's deduction of it
                    if line.is_downpayment and (sign < 0 or aml.price_total > 0):
                        deposits += amount
            currency = order.currency_id
            paid[order.id] = (currency.round(deposits), currency.round(payments))
        return paid

    # -- an item's image -----------------------------------------------------
    @api.model
    def _item_product(self, line_id):
        """The product of the item ``line_id`` (read as the system, for its
        image) when the line is an item of one of the current user's
        accepted proposals; AccessError or MissingError otherwise."""
        partner, company = self._scope()
        line = self.env["sale.order.line"].browse(int(line_id)).exists()
        if not line:
            raise MissingError(self.env._("This item does not exist."))
        line.check_access("read")
        # sudo: after check_access above; its proposal is checked below
        line_sudo = line.sudo()
        # the line's proposal must be one of the customer's accepted ones
        # here, searched under the user's rules
        accepted = self.env["sale.order"].search_count(
            [
                *self._domain(partner, company, states=("sale",)),
                ("id", "=", line_sudo.order_id.id),
            ]
        )
        if not accepted or line_sudo.display_type or line_sudo.is_downpayment:
            raise AccessError(self.env._("This item is not yours to see."))
        return line_sudo.product_id
