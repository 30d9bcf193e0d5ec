import csv
import io

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.csv_cells import csv_safe_cell

HISTORY_PAGE = 50


def parse_date_range(env, date_from, date_to, default_months=None):
    """(from, to) dates of a portal form's ``date_from`` and ``date_to``
    (ISO strings, may be empty). Empty ends take the default: ``to`` today
    and ``from`` ``default_months`` before it (open when None). Raises
    UserError with a message a customer understands."""
    _ = env._
    today = fields.Date.context_today(env["res.users"])
    try:
        start = fields.Date.to_date(date_from) if date_from else None
        end = fields.Date.to_date(date_to) if date_to else None
    except ValueError:
        raise UserError(_("Dates are written like 2026-11-30.")) from None
    if default_months is not None:
        end = end or today
        start = start or end - relativedelta(months=default_months) + relativedelta(days=1)
    if start and end and start > end:
        raise UserError(_("The start date must be on or before the end date."))
    return start, end


class CustomerConnectPortalAccountHistory(models.AbstractModel):
    """Account History: every posted invoice, credit note and payment of the
    customer for a date range, oldest first, with the opening balance and a
    running balance, as the dealer management systems show it.

    Built on the customer's receivable lines (what the account owes, in the
    dealer company's currency), one row per document, read as the system for
    the current user's own customer after the activity area's check (payment
    entries are not documents Odoo's portal rules let a contact read). One
    query per page: the running balance is a window sum over the range, the
    page is cut from it, so page N starts where page N-1 ended.
    """

    _name = "customer_connect.portal.account.history"
    _description = "Customer Connect: account history"

    @api.model
    def _scope(self):
        """(commercial partner, company): the activity area's scope (it shows
        invoices and payments)."""
        return self.env["customer_connect.portal.activity"]._scope()

    @api.model
    def _range(self, date_from=None, date_to=None):
        """The range asked, or the last 12 months (to today)."""
        return parse_date_range(self.env, date_from, date_to, default_months=12)

    @api.model
    def _query(self, date_from, date_to):
        """The SQL and parameters of one page of the history between
        ``date_from`` and ``date_to`` (dates); the page is cut with the
        ``limit`` and ``offset`` parameters (a NULL limit is all)."""
        partner, company = self._scope()
        params = {
            "partner": partner.id,
            "company": company.id,
            "date_from": date_from,
            "date_to": date_to,
        }
        # summary is one row, whatever the range: the page is joined to it so
        # that an empty range still says its opening balance
        sql = """
            WITH lines AS (
                SELECT l.move_id, l.date, l.debit, l.credit, l.balance
                  FROM account_move_line l
                  JOIN account_account a ON a.id = l.account_id
                 WHERE l.partner_id IN (
                           SELECT id FROM res_partner WHERE commercial_partner_id = %(partner)s
                       )
                   AND l.company_id = %(company)s
                   AND l.parent_state = 'posted'
                   AND a.account_type = 'asset_receivable'
                   AND l.date <= %(date_to)s
            ),
            docs AS (
                SELECT m.id, m.name, m.move_type, m.date,
                       (m.origin_payment_id IS NOT NULL OR m.statement_line_id IS NOT NULL)
                           AS is_payment,
                       -- Odoo fills an invoice's payment reference with its
                       -- own number: not a description
                       COALESCE(
                           NULLIF(COALESCE(NULLIF(m.ref, ''), m.invoice_origin,
                                           m.payment_reference), m.name),
                           ''
                       ) AS description,
                       SUM(lines.debit) AS debit,
                       SUM(lines.credit) AS credit
                  FROM lines
                  JOIN account_move m ON m.id = lines.move_id
                 WHERE lines.date >= %(date_from)s
                 GROUP BY m.id
            ),
            summary AS (
                SELECT (SELECT COALESCE(SUM(balance), 0) FROM lines WHERE date < %(date_from)s)
                           AS opening,
                       COUNT(*) AS full_count,
                       COALESCE(SUM(debit), 0) AS total_debit,
                       COALESCE(SUM(credit), 0) AS total_credit
                  FROM docs
            )
            SELECT summary.*, page.*
              FROM summary
              LEFT JOIN (
                    SELECT docs.*,
                           SUM(debit - credit) OVER (
                               ORDER BY date, id ROWS UNBOUNDED PRECEDING
                           ) AS running
                      FROM docs
                     ORDER BY date, id
                     LIMIT %(limit)s OFFSET %(offset)s
              ) AS page ON TRUE
             ORDER BY page.date, page.id
        """
        return sql, params

    @api.model
    def _page(self, date_from=None, date_to=None, offset=0, limit=HISTORY_PAGE):
        """One page of the history: a dict with ``date_from``, ``date_to``,
        ``opening`` (the balance before the range), ``rows`` (each with its
        running ``balance``), ``count``, ``total_debit``, ``total_credit``,
        ``closing`` and ``currency`` (the dealer company's)."""
        date_from, date_to = self._range(date_from, date_to)
        sql, params = self._query(date_from, date_to)
        self.env.flush_all()
        self.env.cr.execute(sql, {**params, "limit": limit, "offset": offset})
        fetched = self.env.cr.dictfetchall()
        head = fetched[0]
        currency = self.env.company.currency_id
        opening = currency.round(head["opening"])
        rows = []
        for row in fetched:
            if row["id"] is None:
                continue  # an empty range, or a page past the end
            row["balance"] = currency.round(opening + row["running"])
            row["type"] = self._row_type(row)
            rows.append(row)
        return {
            "date_from": date_from,
            "date_to": date_to,
            "opening": opening,
            "rows": rows,
            "count": head["full_count"],
            "total_debit": head["total_debit"],
            "total_credit": head["total_credit"],
            "closing": currency.round(opening + head["total_debit"] - head["total_credit"]),
            "currency": currency,
        }

    @api.model
    def _row_type(self, row):
        """invoice, credit_note, payment or adjustment (another entry on the
        account: a write-off, an exchange difference, an opening balance)."""
        if row["move_type"] in ("out_invoice", "out_receipt"):
            return "invoice"
        if row["move_type"] == "out_refund":
            return "credit_note"
        if row["is_payment"]:
            return "payment"
        return "adjustment"

    @api.model
    def _type_labels(self):
        _ = self.env._
        return {
            "invoice": _("Invoice"),
            "credit_note": _("Credit note"),
            "payment": _("Payment"),
            "adjustment": _("Adjustment"),
        }

    @api.model
    def _csv(self, date_from=None, date_to=None):
        """The whole range as CSV (UTF-8 with a byte order mark, which
        spreadsheets need to read accents): (file name, bytes). The download
        is recorded on the dealer's timeline."""
        history = self._page(date_from, date_to, offset=0, limit=None)
        _ = self.env._
        labels = self._type_labels()
        digits = history["currency"].decimal_places
        stream = io.StringIO()
        writer = csv.writer(stream)
        writer.writerow(
            [
                _("Date"),
                _("Type"),
                _("Reference"),
                _("Description"),
                _("Debit"),
                _("Credit"),
                _("Balance"),
            ]
        )
        writer.writerow(
            [
                history["date_from"].isoformat(),
                "",
                "",
                _("Opening balance"),
                "",
                "",
                f"{history['opening']:.{digits}f}",
            ]
        )
        for row in history["rows"]:
            writer.writerow(
                [
                    row["date"].isoformat(),
                    labels[row["type"]],
                    csv_safe_cell(row["name"] or ""),
                    csv_safe_cell(row["description"] or ""),
                    f"{row['debit']:.{digits}f}" if row["debit"] else "",
                    f"{row['credit']:.{digits}f}" if row["credit"] else "",
                    f"{row['balance']:.{digits}f}",
                ]
            )
        partner, _company = self._scope()
        self.env["customer_connect.portal.event"]._record(
            "account_history_downloaded",
            name=_(
                "Account history %(start)s to %(end)s",
                start=history["date_from"],
                end=history["date_to"],
            ),
        )
        filename = (
            f"Account history {partner.ref or partner.name} "
            f"{history['date_from']} {history['date_to']}.csv"
        )
        return filename, ("\ufeff" + stream.getvalue()).encode()
