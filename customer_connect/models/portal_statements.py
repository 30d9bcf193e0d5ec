import base64
import io
import logging
from datetime import timedelta

import qrcode

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

STATEMENT_REPORTS = {
    "outstanding": "partner_statement.outstanding_statement",
    "activity": "partner_statement.activity_statement",
}


class StatementCommon(models.AbstractModel):
    """OCA partner_statement is the engine (one query per statement, aging
    buckets, the dealer's letterhead); Customer Connect adds the balance in
    words, in the customer's language, and a QR code to pay."""

    _inherit = "statement.common"

    @api.model
    def _get_report_values(self, docids, data=None):
        values = super()._get_report_values(docids, data)
        values["connect_amount_in_words"] = self._connect_amount_in_words
        values["connect_pay_qr"] = self._connect_pay_qr
        return values

    # -- disputes: a disputed invoice is not aged as overdue; its open
    # amount is shown apart ("In dispute") beside the ageing, and still
    # counted in the balance
    def _show_buckets_sql_q1(self, partners, date_end, account_type):
        sql = super()._show_buckets_sql_q1(partners, date_end, account_type)
        # the ageing reads the open lines of the moves not in dispute, or
        # only those in dispute (the figure shown apart); no user input
        # enters the text
        keep = "" if self.env.context.get("connect_disputed_only") else "NOT "
        return f"""
            SELECT q1.* FROM ({sql}) AS q1
              JOIN account_move connect_dm ON connect_dm.id = q1.move_id
             WHERE {keep}COALESCE(connect_dm.connect_in_dispute, FALSE)
        """

    def _get_account_show_buckets(
        self, company_id, partner_ids, date_end, account_type, aging_type
    ):
        buckets = super()._get_account_show_buckets(
            company_id, partner_ids, date_end, account_type, aging_type
        )
        if self.env.context.get("connect_disputed_only"):
            return buckets
        disputed = self.with_context(connect_disputed_only=True)._get_account_show_buckets(
            company_id, partner_ids, date_end, account_type, aging_type
        )
        for partner_id, rows in disputed.items():
            for row in rows:
                if not row["balance"]:
                    continue
                target = next(
                    (r for r in buckets[partner_id] if r["currency_id"] == row["currency_id"]),
                    None,
                )
                if target is None:
                    target = {
                        "currency_id": row["currency_id"],
                        **dict.fromkeys(
                            ("current", "b_1_30", "b_30_60", "b_60_90", "b_90_120", "b_over_120"),
                            0.0,
                        ),
                        "balance": 0.0,
                    }
                    buckets[partner_id].append(target)
                target["connect_in_dispute"] = row["balance"]
                target["balance"] += row["balance"]
        return buckets

    @api.model
    def _connect_amount_in_words(self, amount, currency, partner):
        """The balance in words, in the customer's language and the
        currency's own words (amount_to_text, models/res_currency.py)."""
        words = currency.with_context(lang=partner.lang or "en_US").amount_to_text(abs(amount))
        if amount < 0:
            return self.env._("%(amount)s in your favour", amount=words)
        return words

    @api.model
    def _connect_pay_qr(self, partner, amount, currency):
        """A PNG data URI of a QR code opening the customer's pay page."""
        url = partner.commercial_partner_id._connect_pay_url(amount, currency)
        image = qrcode.make(url, box_size=4, border=2)
        stream = io.BytesIO()
        image.save(stream, format="PNG")
        return "data:image/png;base64," + base64.b64encode(stream.getvalue()).decode()


class CustomerConnectStatement(models.AbstractModel):
    """Statements of account: the portal's download, the dealer's "Send
    Account Statement" and the monthly send, one place for all three."""

    _name = "customer_connect.statement"
    _description = "Customer Connect statements of account"

    @api.model
    def _report_data(self, account, company, kind="outstanding", date_start=None, date_end=None):
        """What OCA partner_statement needs to print ``account``'s statement
        in ``company``: open items aged by month, or all activity between
        two dates."""
        date_end = date_end or fields.Date.context_today(self)
        data = {
            "date_end": date_end,
            "company_id": company.id,
            "partner_ids": account.ids,
            "show_aging_buckets": True,
            "show_only_overdue": False,
            "filter_non_due_partners": False,
            "filter_negative_balances": False,
            "account_type": "asset_receivable",
            "aging_type": "months",
            "excluded_accounts_ids": [],
        }
        if kind == "activity":
            data.update(is_activity=True, date_start=date_start or date_end - timedelta(days=90))
        else:
            data["is_outstanding"] = True
        return data

    @api.model
    def _render_pdf(self, account, company, kind="outstanding", date_start=None, date_end=None):
        """The statement PDF of ``account`` in ``company``; the caller has
        checked that the current user may have it."""
        if kind not in STATEMENT_REPORTS:
            raise UserError(self.env._("Unknown statement kind."))
        if date_start and date_end and date_start > date_end:
            raise UserError(self.env._("The start date must be before the end date."))
        data = self._report_data(account, company, kind, date_start, date_end)
        # the report reads every receivable line of the account: the system
        # renders it, for the account the caller was checked against
        report = self.env["ir.actions.report"].sudo().with_company(company)
        pdf, _type = report._render_qweb_pdf(STATEMENT_REPORTS[kind], account.ids, data=data)
        return pdf

    @api.model
    def _portal_statement(self, kind="outstanding", date_start=None, date_end=None):
        """The current portal contact's statement, in the current company,
        when its level opens statements there."""
        account, company = self.env.user._connect_portal_scope("statements")
        pdf = self._render_pdf(account, company, kind, date_start, date_end)
        self.env["customer_connect.portal.event"]._record(
            "statement_downloaded",
            name=self.env._("Statement of %(date)s", date=fields.Date.today()),
        )
        return account, pdf

    @api.model
    def _send(self, accounts):
        """E-mail each account's statement (PDF attached) to its billing
        contacts, recorded in the e-mail history."""
        accounts._connect_check_staff_access()
        Sender = self.env["customer_connect.mail.sender"]
        logs = self.env["customer_connect.mail.log"]
        for account in accounts.commercial_partner_id:
            recipients = account._connect_summary_recipients()
            if not recipients:
                raise UserError(
                    self.env._(
                        "%(name)s has no billing contact with an e-mail.",
                        name=account.display_name,
                    )
                )
            company = account._connect_company()
            pdf = self._render_pdf(account, company)
            name = f"Statement {account.ref or account.name} {fields.Date.today()}.pdf"
            # each contact's own pay link, given to the rendering only (an
            # express link is a bearer token: out of fields and the chatter)
            links = {
                contact.id: url
                for contact in recipients
                if (url := contact._connect_email_pay_url(company))
            }
            logs |= Sender._send(
                "customer_connect.mail_template_connect_statement",
                recipients,
                "statement",
                links=links,
                attachments=[(name, pdf)],
            )
        return logs

    @api.model
    def _cron_send_monthly(self, chunk=50):
        """The monthly statement of the customers who opted in, not sent yet
        this month; one chunk per call (Odoo's cron commits and calls again
        while _notify_progress says work remains)."""
        month_start = fields.Date.context_today(self).replace(day=1)
        # sudo: the monthly statement job (cron), over every company's customers
        Partner = self.env["res.partner"].sudo()
        domain = [
            ("connect_statement_monthly", "=", True),
            ("parent_id", "=", False),
            "|",
            ("connect_statement_last_sent", "=", False),
            ("connect_statement_last_sent", "<", month_start),
        ]
        accounts = Partner.search(domain, limit=chunk, order="id")
        for account in accounts:
            try:
                with self.env.cr.savepoint():
                    # sent as the system: the cron is the dealer's own
                    self._send(account)
            except UserError as error:
                # no billing e-mail: nothing to send, not retried this month
                _logger.info("Monthly statement of %s not sent: %s", account.display_name, error)
        accounts.write({"connect_statement_last_sent": fields.Date.context_today(self)})
        self.env["ir.cron"]._notify_progress(
            done=len(accounts), remaining=Partner.search_count(domain)
        )
