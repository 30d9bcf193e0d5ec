from odoo import api, models

from .portal_account_history import parse_date_range

# Sortable columns: the SQL expression each one sorts on (never user input)
PURCHASE_SORTS = {
    "date": "doc_date",
    "product": "product_name",
    "description": "description",
    "quantity": "quantity",
    "price": "price_unit",
    "amount": "amount",
    "document": "document",
}
PURCHASE_PAGE = 40


class CustomerConnectPortalPurchaseHistory(models.AbstractModel):
    """Purchase History: what the customer bought, line by line, from its
    posted invoices (credit notes count negative): product, description,
    quantity, unit price, amount (before taxes, in the document's currency),
    date and the invoice it is on.

    One query per page, read as the system for the current user's own
    customer after the activity area's check (it shows the invoices' lines),
    as the Customer Activity list is.
    """

    _name = "customer_connect.portal.purchase.history"
    _description = "Customer Connect: purchase history"

    @api.model
    def _query(self, search="", date_from=None, date_to=None, sort="date", descending=True):
        """The SQL (with its parameters) of the matching invoice lines; the
        sort expression comes from PURCHASE_SORTS, never from input."""
        partner, company = self.env["customer_connect.portal.activity"]._scope()
        params = {
            "partner": partner.id,
            "company": company.id,
            "lang": self.env.lang or "en_US",
        }
        where = []
        if date_from:
            where.append("COALESCE(m.invoice_date, m.date) >= %(date_from)s")
            params["date_from"] = date_from
        if date_to:
            where.append("COALESCE(m.invoice_date, m.date) <= %(date_to)s")
            params["date_to"] = date_to
        if search:
            where.append(
                "(COALESCE(pt.name->>%(lang)s, pt.name->>'en_US') ILIKE %(search)s"
                " OR pp.default_code ILIKE %(search)s OR l.name ILIKE %(search)s)"
            )
            params["search"] = f"%{search}%"
        order = PURCHASE_SORTS.get(sort, "doc_date")
        direction = "DESC" if descending else "ASC"
        # the only pieces put into the SQL text are constants of this module
        sql = f"""
            SELECT l.id, m.id AS move_id, m.name AS document, m.move_type, m.currency_id,
                   COALESCE(m.invoice_date, m.date) AS doc_date,
                   l.product_id, pp.default_code,
                   COALESCE(pt.name->>%(lang)s, pt.name->>'en_US', '') AS product_name,
                   COALESCE(l.name, '') AS description,
                   CASE WHEN m.move_type = 'out_refund' THEN -l.quantity ELSE l.quantity END
                       AS quantity,
                   l.price_unit, l.discount,
                   CASE WHEN m.move_type = 'out_refund' THEN -l.price_subtotal
                        ELSE l.price_subtotal END AS amount,
                   COUNT(*) OVER () AS full_count
              FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
              LEFT JOIN product_product pp ON pp.id = l.product_id
              LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE m.partner_id IN (
                       SELECT id FROM res_partner WHERE commercial_partner_id = %(partner)s
                   )
               AND m.company_id = %(company)s
               AND m.state = 'posted'
               AND m.move_type IN ('out_invoice', 'out_receipt', 'out_refund')
               AND l.display_type = 'product'
               {"".join(f" AND {condition}" for condition in where)}
             ORDER BY {order} {direction} NULLS LAST, l.id {direction}
        """
        return sql, params

    @api.model
    def _range(self, date_from=None, date_to=None):
        """The dates asked (either may be empty: the range is open)."""
        return parse_date_range(self.env, date_from, date_to)

    @api.model
    def _page(
        self,
        search="",
        date_from=None,
        date_to=None,
        sort="date",
        descending=True,
        offset=0,
        limit=PURCHASE_PAGE,
    ):
        """One page of purchase lines: (rows, count of all matching lines).
        ``date_from``/``date_to`` are strings from a form (validated here)."""
        start, end = self._range(date_from, date_to)
        sql, params = self._query(search, start, end, sort, descending)
        self.env.flush_all()
        self.env.cr.execute(
            f"{sql} LIMIT %(limit)s OFFSET %(offset)s",
            {**params, "limit": limit, "offset": offset},
        )
        rows = self.env.cr.dictfetchall()
        count = rows[0]["full_count"] if rows else 0
        currencies = self.env["res.currency"].browse({row["currency_id"] for row in rows})
        currencies.fetch(["name", "symbol", "position", "decimal_places"])
        for row in rows:
            row["currency"] = currencies.browse(row["currency_id"])
            row["credit_note"] = row["move_type"] == "out_refund"
            row["product"] = (
                f"[{row['default_code']}] {row['product_name']}"
                if row["default_code"]
                else row["product_name"]
            )
        return rows, count
