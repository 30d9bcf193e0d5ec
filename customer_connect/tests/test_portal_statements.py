import re

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import ConnectCase, pdf_text


@tagged("post_install", "-at_install")
class TestPortalStatements(ConnectCase, HttpCase):
    """Statements of account: OCA partner_statement's documents with the
    balance in words and a pay QR code; downloaded in the portal within the
    contact's level, sent by the dealer, sent monthly to who opted in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls._activate(cls.farm_billing)
        cls.farm_invoice = cls.init_invoice(
            "out_invoice", partner=cls.farm, amounts=[250], post=True
        )
        cls.golf_invoice = cls.init_invoice(
            "out_invoice", partner=cls.golf, amounts=[90], post=True
        )

    def test_portal_download(self):
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        self.assertEqual(self.url_open("/my/statement").status_code, 200)
        response = self.url_open("/my/statement/pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("Statement%2090001", response.headers["Content-Disposition"])
        # under test Odoo renders reports as HTML: the content can be read
        self.assertIn(self.farm_invoice.name, response.text)
        self.assertNotIn(self.golf_invoice.name, response.text, "another customer's")
        self.assertIn("o_connect_amount_in_words", response.text)
        self.assertIn("two hundred and fifty dollars", response.text)
        self.assertIn("data:image/png;base64,", response.text, "the pay QR code")
        events = self.env["customer_connect.portal.event"].search(
            [("commercial_partner_id", "=", self.farm.id), ("kind", "=", "statement_downloaded")]
        )
        self.assertEqual(len(events), 1)
        # all activity between two dates
        today = fields.Date.today()
        response = self.url_open(
            f"/my/statement/pdf?kind=activity&date_start=2019-01-01&date_end={today}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.farm_invoice.name, response.text)

    def test_bad_dates_say_so(self):
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        response = self.url_open("/my/statement/pdf?kind=activity&date_start=yesterday")
        self.assertEqual(response.status_code, 200)
        self.assertIn("2026-11-30", response.text)
        response = self.url_open(
            "/my/statement/pdf?kind=activity&date_start=2026-02-01&date_end=2026-01-01"
        )
        self.assertIn("start date must be before", response.text)

    def test_level_without_statements(self):
        self._set_level(self.farm_billing, "payments_only")
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        for url in ("/my/statement", "/my/statement/pdf"):
            self.assertEqual(self.url_open(url).status_code, 403, url)

    def test_dealer_sends_statement(self):
        self.farm.with_user(self.staff).action_connect_send_account_statement()
        log = self.farm_billing.connect_mail_log_ids.filtered(lambda l: l.kind == "statement")
        self.assertEqual(len(log), 1)
        self.assertIn(self.farm_invoice.name, str(log.mail_id.body_html))
        self.assertEqual(len(log.mail_id.attachment_ids), 1)
        self.assertTrue(log.mail_id.attachment_ids.name.startswith("Statement 90001"))

    def test_monthly_statement_once_a_month(self):
        self.farm.connect_statement_monthly = True
        Statement = self.env["customer_connect.statement"]
        Statement._cron_send_monthly()
        logs = self.farm_billing.connect_mail_log_ids.filtered(lambda l: l.kind == "statement")
        self.assertEqual(len(logs), 1)
        self.assertEqual(self.farm.connect_statement_last_sent, fields.Date.today())
        self.assertFalse(self.golf.connect_statement_last_sent, "not opted in")
        Statement._cron_send_monthly()
        logs = self.farm_billing.connect_mail_log_ids.filtered(lambda l: l.kind == "statement")
        self.assertEqual(len(logs), 1, "once a month")

    def test_statement_pdf_letterhead_in_few_css(self):
        """The real PDF (wkhtmltopdf, CSS served by the test server): its
        text in embedded fonts, its letterhead and footer styled by the
        rules of the report CSS they use, inline, not by the whole CSS
        loaded again for every page (models/ir_actions_report.py)."""
        Report = self.env["ir.actions.report"].sudo().with_company(self.company)
        html = Report._render_qweb_html(
            "partner_statement.outstanding_statement",
            self.farm.ids,
            data=self.env["customer_connect.statement"]._report_data(self.farm, self.company),
        )[0]
        _bodies, _ids, header, footer, _args = Report._prepare_html(
            html, report_model="res.partner"
        )
        for part in (header, footer):
            self.assertNotIn("report_assets_common", part)
            styles = "".join(re.findall(r"<style>(.*?)</style>", part, re.DOTALL))
            self.assertIn(".d-flex", styles, "the rules of the layout's classes are kept")
            self.assertLess(len(styles), 100_000, "a part of the 450 KB bundle")
        self.assertIn(
            ".o_footer_content", "".join(re.findall(r"<style>(.*?)</style>", footer, re.DOTALL))
        )
        pdf = (
            self.env["customer_connect.statement"]
            .with_context(force_report_rendering=True)
            ._render_pdf(self.farm, self.company)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = pdf_text(pdf)
        self.assertIn(self.company.name, text, "the letterhead")
        self.assertIn(self.farm_invoice.name, text)
        self.assertRegex(text, r"Page:? 1 / 1")
