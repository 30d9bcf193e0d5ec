"""Credit shown: the customer's credit limit with the dealer, what is used
and what is left, on the portal's home, when the dealer turns it on.

The figures are Odoo's own, as its credit limit warning on quotations and
invoices counts them (account's ``_build_credit_warning_message``): the
limit is the customer's ``credit_limit`` in the dealer company (the
company's default limit when the customer has none of its own; 0 is no
limit), used is its receivable in that company (``credit``, posted and
unreconciled) plus its confirmed orders not invoiced yet
(``credit_to_invoice``, which sale adds), all in the company's currency."""

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # what the portal shows the customer, on its form for the dealer's staff
    # (Odoo's own credit fields are kept to its accountants)
    connect_credit_shown = fields.Boolean(
        "Credit shown on the portal",
        compute="_compute_connect_credit",
        groups="customer_connect.group_connect_user",
    )
    connect_credit_limit = fields.Monetary(
        "Credit limit",
        compute="_compute_connect_credit",
        groups="customer_connect.group_connect_user",
    )
    connect_credit_used = fields.Monetary(
        "Credit used",
        compute="_compute_connect_credit",
        groups="customer_connect.group_connect_user",
        help="Open receivable plus confirmed orders not invoiced yet, as Odoo's credit "
        "limit warning counts them.",
    )
    connect_credit_left = fields.Monetary(
        "Credit left",
        compute="_compute_connect_credit",
        groups="customer_connect.group_connect_user",
        help="Negative: over the limit by that much.",
    )

    @api.depends_context("company")
    def _compute_connect_credit(self):
        company = self.env.company
        for partner in self:
            figures = partner._connect_credit_figures(company) if partner.id else None
            shown = bool(figures) and company._connect_shows_credit()
            partner.connect_credit_shown = shown
            partner.connect_credit_limit = figures["limit"] if figures else 0.0
            partner.connect_credit_used = figures["used"] if figures else 0.0
            partner.connect_credit_left = figures["limit"] - figures["used"] if figures else 0.0

    def _connect_credit_figures(self, company):
        """The credit of this partner's customer (its commercial partner)
        with dealer company ``company``, in that company's currency, counted
        as Odoo's credit limit warning counts it:

        ``{"limit", "receivable", "to_invoice", "used", "left", "over",
        "currency"}``, ``left`` never below 0 and ``over`` what ``used``
        exceeds the limit by; ``None`` when the customer has no limit in
        ``company`` (no figure is better than a misleading one).

        The caller has checked that this customer is one it may see: the
        figures are read as the system (Odoo keeps them to accountants).
        """
        self.ensure_one()
        # sudo: the caller checked the customer (the portal: the login's own
        # customer through _connect_portal_scope; staff: a partner they read)
        customer = self.sudo().commercial_partner_id.with_company(company)
        # Odoo's figures have no dependencies to be recomputed by: read now
        customer.invalidate_recordset(["credit", "credit_to_invoice"])
        currency = company.currency_id
        limit = currency.round(customer.credit_limit or 0.0)
        if currency.compare_amounts(limit, 0.0) <= 0:
            return None
        receivable = currency.round(customer.credit)
        # Odoo counts orders only while its credit limit is on (sale's
        # _compute_credit_to_invoice): the same here
        to_invoice = currency.round(customer.credit_to_invoice)
        used = currency.round(receivable + to_invoice)
        left = currency.round(limit - used)
        return {
            "limit": limit,
            "receivable": receivable,
            "to_invoice": to_invoice,
            "used": used,
            "left": max(left, 0.0),
            "over": max(-left, 0.0),
            "currency": currency,
        }


class CustomerConnectPortalCredit(models.AbstractModel):
    """The portal's read of the credit: the login's own customer, in the
    company picked in the portal's switcher, when its level there shows
    credit and the dealer shows it."""

    _name = "customer_connect.portal.credit"
    _description = "Customer Connect: credit shown on the portal"

    @api.model
    def _connect_shown(self):
        """Whether the current company shows credit on its portal (the
        dealer's switch, on top of Odoo's own credit limit setting)."""
        return self.env.company._connect_shows_credit()

    @api.model
    def _connect_card(self):
        """The figures of the home's card (see
        ``res.partner._connect_credit_figures``), or ``None`` when nothing is
        to show: not a portal login, a level without credit, the dealer not
        showing it, or no limit."""
        user = self.env.user
        if not user._is_portal() or not self._connect_shown():
            return None
        # one read of the login's contacts for the level and the customer
        contacts = user._connect_contacts()
        if not user._connect_grants("credit", user._connect_levels_by_company(contacts)):
            return None
        company = self.env.company
        return user._connect_customer(company, contacts)._connect_credit_figures(company)

    @api.model
    def _connect_page(self):
        """(shown, figures) of the credit page: refused when the level does
        not show credit (``_connect_require``); ``shown`` is False when the
        dealer does not show credit in the current company; ``figures`` is
        ``None`` when the customer has no limit there."""
        customer, company = self.env.user._connect_portal_scope("credit")
        if not self.env.user._is_portal() or not self._connect_shown():
            return False, None
        return True, customer._connect_credit_figures(company)
