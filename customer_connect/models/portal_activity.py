from odoo import api, fields, models

# Document types of the Customer Activity list: what Odoo calls them
ACTIVITY_TYPES = {
    "invoice": ("out_invoice", "out_receipt"),
    "credit_note": ("out_refund",),
    "payment": ("entry",),
}
# Sortable columns: the SQL expression each one sorts on (never user input)
ACTIVITY_SORTS = {
    "date": "doc_date",
    "reference": "name",
    "type": "move_type",
    "outstanding": "outstanding",
    "total": "total",
    "discount_date": "discount_date",
    "settlement": "settlement",
    "age": "doc_date",
    "description": "description",
}
ACTIVITY_PAGE = 20


class CustomerConnectPortalActivity(models.AbstractModel):
    """Customer Activity, the portal home of a customer's contact: one list
    of the customer's invoices, credit notes and payments, as the dealer
    management systems show it (invoice date, reference, type, outstanding,
    total, discount date, settlement amount, age, description).

    The rows come from the customer's receivable lines, grouped per document,
    in one query per page: a payment entry is not an invoice that Odoo's
    portal rules let a contact read, so the list is read as the system, for
    the current user's own customer only, after the activity area's check.
    """

    _name = "customer_connect.portal.activity"
    _description = "Customer Connect: customer activity"

    @api.model
    def _scope(self):
        """(commercial partner, company) whose activity the current user may
        list: its own customer, in the current company, when its access
        level there opens the activity area."""
        return self.env.user._connect_portal_scope("activity")

    @api.model
    def _query(self, status="current", doc_type="all", search="", sort="date", descending=True):
        """The SQL (with its parameters) of the filtered documents; the
        column expressions come from ACTIVITY_SORTS, never from input."""
        partner, company = self._scope()
        today = fields.Date.context_today(self)
        params = {
            "partner": partner.id,
            "company": company.id,
            "today": today,
            "month_start": today.replace(day=1),
        }
        where = ["TRUE"]
        if status == "current":
            where.append("outstanding != 0")
        elif status == "history":
            where.append("outstanding = 0")
        if doc_type in ACTIVITY_TYPES:
            where.append("move_type = ANY(%(types)s)")
            params["types"] = list(ACTIVITY_TYPES[doc_type])
        if search:
            where.append("(name ILIKE %(search)s OR description ILIKE %(search)s)")
            params["search"] = f"%{search}%"
        # the only pieces put into the SQL text are constants of this module
        order = ACTIVITY_SORTS.get(sort, "doc_date")
        direction = "DESC" if descending else "ASC"
        # settlement: what clears the document when paid today, Odoo's early
        # payment discount while it runs (an untouched invoice only, as
        # Odoo's own eligibility rule says)
        sql = f"""
            WITH docs AS (
                SELECT m.id, m.name, m.move_type, m.currency_id,
                       COALESCE(m.invoice_date, m.date) AS doc_date,
                       MIN(l.date_maturity) AS due_date,
                       m.connect_in_dispute AS in_dispute,
                       COALESCE(NULLIF(m.ref, ''), m.invoice_origin, m.payment_reference, '')
                           AS description,
                       SUM(l.amount_residual_currency) AS outstanding,
                       SUM(l.amount_currency) AS total,
                       MIN(l.discount_date) FILTER (
                           WHERE m.payment_state = 'not_paid' AND l.discount_date >= %(today)s
                       ) AS discount_date,
                       CASE WHEN bool_and(m.payment_state = 'not_paid'
                                          AND l.discount_date >= %(today)s)
                            THEN SUM(l.discount_amount_currency)
                            ELSE SUM(l.amount_residual_currency) END AS settlement
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                  JOIN account_account a ON a.id = l.account_id
                 WHERE l.partner_id IN (
                           SELECT id FROM res_partner WHERE commercial_partner_id = %(partner)s
                       )
                   AND l.company_id = %(company)s
                   AND l.parent_state = 'posted'
                   AND a.account_type = 'asset_receivable'
                 GROUP BY m.id
            )
            SELECT *, COUNT(*) OVER () AS full_count
              FROM docs
             WHERE {" AND ".join(where)}
             ORDER BY {order} {direction} NULLS LAST, id {direction}
        """
        return sql, params

    @api.model
    def _page(
        self,
        status="current",
        doc_type="all",
        search="",
        sort="date",
        descending=True,
        offset=0,
        limit=ACTIVITY_PAGE,
    ):
        """One page of the list: (rows, count of all matching documents)."""
        sql, params = self._query(status, doc_type, search, sort, descending)
        self.env.flush_all()
        self.env.cr.execute(
            f"{sql} LIMIT %(limit)s OFFSET %(offset)s",
            {**params, "limit": limit, "offset": offset},
        )
        rows = self.env.cr.dictfetchall()
        count = rows[0]["full_count"] if rows else 0
        today = fields.Date.context_today(self)
        currencies = self.env["res.currency"].browse({row["currency_id"] for row in rows})
        currencies.fetch(["name", "symbol", "position", "decimal_places"])
        for row in rows:
            row["currency"] = currencies.browse(row["currency_id"])
            row["type"] = next(
                (key for key, types in ACTIVITY_TYPES.items() if row["move_type"] in types),
                "payment",
            )
            row["age"] = self._age(row["doc_date"], today)
        return rows, count

    @api.model
    def _age(self, date, today):
        """Age bucket of a document by its date: 0 (current month), 1, 2 or 3
        (three months and more), as the manuals show it."""
        if not date:
            return 0
        months = (today.year - date.year) * 12 + today.month - date.month
        return min(max(months, 0), 3)

    @api.model
    def _totals(self):
        """{currency: {outstanding, overdue, settles_today, in_dispute}} of
        the whole account in this company, whatever the filters; invoices in
        dispute are not overdue."""
        sql, params = self._query(status="current", doc_type="all")
        self.env.flush_all()
        self.env.cr.execute(
            f"""
            SELECT currency_id,
                   SUM(outstanding) AS outstanding,
                   SUM(outstanding) FILTER (
                       WHERE due_date < %(today)s AND outstanding > 0
                         AND NOT COALESCE(in_dispute, FALSE)
                   ) AS overdue,
                   SUM(outstanding) FILTER (WHERE in_dispute) AS in_dispute,
                   SUM(settlement) AS settles_today
              FROM ({sql}) AS filtered
             GROUP BY currency_id
            """,
            params,
        )
        totals = {}
        for row in self.env.cr.dictfetchall():
            currency = self.env["res.currency"].browse(row["currency_id"])
            totals[currency] = {
                "outstanding": row["outstanding"] or 0.0,
                "overdue": row["overdue"] or 0.0,
                "settles_today": row["settles_today"] or 0.0,
                # a disputed invoice is not overdue: its amount is shown apart
                "in_dispute": row["in_dispute"] or 0.0,
            }
        return totals
