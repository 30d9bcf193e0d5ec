import os
import pathlib
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools.misc import file_path

from odoo.addons.customer_connect.models import ir_actions_report

from .common import ConnectCase, pdf_text

LETTERHEAD = ("Northfield Machinery Ltd", "12 Station Road", "Perth", "PH1 5AB")


class CountingServer(ThreadingHTTPServer):
    """An HTTP server on a free port of 127.0.0.1 that answers 404 to
    everything and keeps the paths asked."""

    daemon_threads = True

    def __init__(self):
        self.paths = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # http.server calls it by that name
                server.paths.append(self.path)
                self.send_error(404)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self):
        self.shutdown()
        self.server_close()


def pdf_fonts(pdf):
    """The fonts of a PDF as poppler's pdffonts lists them."""
    return subprocess.run(
        ["pdffonts", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@tagged("post_install", "-at_install")
class TestDocumentsPdf(ConnectCase, HttpCase):
    """What the customer downloads, read back as the customer's PDF reader
    reads it (pdftotext): the dealer's letterhead, the document's reference,
    never "PROFORMA" for a posted invoice, amounts in the currency's words.

    Real PDFs (wkhtmltopdf with patched qt, which bin/lib.sh puts on PATH)
    are made in the test's own thread (``force_report_rendering``): inside a
    request to the test server wkhtmltopdf would wait for the report's CSS
    from that same server, which serves one request at a time under test.
    Requests render the HTML instead, as Odoo does under test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "name": LETTERHEAD[0],
                "street": LETTERHEAD[1],
                "city": LETTERHEAD[2],
                "zip": LETTERHEAD[3],
                "country_id": cls.env.ref("base.uk").id,
                "display_invoice_amount_total_words": True,
            }
        )
        cls.gbp = cls.setup_other_currency("GBP", rates=[("2016-01-01", 0.8)])
        cls.portal_user = cls._activate(cls.farm_billing)
        cls.invoice = cls._gbp_invoice(22836.47)
        cls.credit_note = cls.init_invoice(
            "out_refund", partner=cls.farm, amounts=[120.0], post=True, currency=cls.gbp
        )

    @classmethod
    def _gbp_invoice(cls, amount):
        return cls.init_invoice(
            "out_invoice", partner=cls.farm, amounts=[amount], post=True, currency=cls.gbp
        )

    def assertWords(self, words, text):
        """``words`` in ``text``; pdftotext joins a word hyphenated at the
        end of a line ("forty-" / "seven" reads "fortyseven")."""
        self.assertIn(words.replace("-", ""), text.replace("-", ""))

    def assertLetterhead(self, text, what):
        for part in LETTERHEAD:
            self.assertIn(part, text, f"{what}: the dealer's letterhead ({part})")

    def _download(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertEqual(response.headers["Content-Type"], "application/pdf", url)
        return response.content

    def _as_customer(self, records):
        return records.with_user(self.portal_user).with_context(force_report_rendering=True)

    def test_first_download_makes_the_legal_pdf(self):
        """The first download makes the legal PDF, as Odoo's Send makes it,
        and keeps it; print, download and the token link then serve it."""
        self.assertFalse(self.invoice.invoice_pdf_report_id, "posted, never sent")
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        # the invoice page's view of it: the invoice, not a pro forma
        page = self.url_open(f"/my/invoices/{self.invoice.id}?report_type=html").text
        self.assertIn(self.invoice.name, page)
        self.assertNotIn("PROFORMA", page)
        self.assertFalse(self.invoice.invoice_pdf_report_id, "a view makes no PDF")
        downloaded = self._download(f"/my/invoices/{self.invoice.id}?report_type=pdf&download=1")
        legal = self.invoice.invoice_pdf_report_id
        self.assertTrue(legal, "the legal PDF is made and kept")
        self.assertEqual(legal.name, f"{self.invoice.name.replace('/', '_')}.pdf")
        self.assertEqual(downloaded, legal.raw)
        # (under test, the report's HTML)
        self.assertIn(self.invoice.name, downloaded.decode())
        self.assertNotIn("PROFORMA", downloaded.decode())
        self.assertTrue(self.invoice.is_move_sent, "as Odoo's Send marks it")
        printed = self._download(f"/my/invoices/{self.invoice.id}?report_type=pdf")
        self.assertEqual(printed, legal.raw)
        token = self.invoice._portal_ensure_token()
        by_link = self._download(
            f"/my/invoices/{self.invoice.id}?access_token={token}&report_type=pdf&download=1"
        )
        self.assertEqual(by_link, legal.raw)
        self.assertEqual(self.invoice.invoice_pdf_report_id, legal, "made once")

    def test_invoice_and_credit_note_pdfs(self):
        """The legal PDFs as the customer downloads them: the letterhead,
        the reference, the total in pounds and pence, no PROFORMA."""
        self._as_customer(self.invoice | self.credit_note)._connect_ensure_legal_pdfs()
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        text = pdf_text(
            self._download(f"/my/invoices/{self.invoice.id}?report_type=pdf&download=1")
        )
        self.assertLetterhead(text, "invoice")
        self.assertIn(f"Invoice {self.invoice.name}", text)
        self.assertNotIn("PROFORMA", text.upper())
        # Odoo's total in words drops the commas
        self.assertWords("eight hundred and thirty-six pounds and forty-seven pence", text)
        self.assertRegex(text, r"Page:? 1 / 1", "the footer's page numbers")
        credit = pdf_text(self._download(f"/my/invoices/{self.credit_note.id}?report_type=pdf"))
        self.assertLetterhead(credit, "credit note")
        self.assertIn(f"Credit Note {self.credit_note.name}", credit)
        self.assertNotIn("PROFORMA", credit.upper())
        self.assertWords("one hundred and twenty pounds", credit)

    def test_several_as_one(self):
        """ "Download selected as one PDF": each document's legal PDF, made
        for those without one in one rendering, one after the other."""
        second = self._gbp_invoice(99.5)
        moves = self.invoice | self.credit_note | second
        text = pdf_text(self._as_customer(moves)._connect_documents_pdf())
        self.assertLetterhead(text, "several as one")
        for move in moves:
            self.assertTrue(move.invoice_pdf_report_id, move.name)
            self.assertIn(move.name, text)
        self.assertNotIn("PROFORMA", text.upper())
        self.assertLess(text.index(self.invoice.name), text.index(second.name))
        self.assertWords("ninety-nine pounds and fifty pence", text)
        # the route serves the same
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        query = "&".join(f"doc_{move.id}=on" for move in moves)
        self.assertEqual(pdf_text(self._download(f"/my/activity/documents?{query}")), text)

    def test_dms_shipped_copy_stays_the_legal_pdf(self):
        """A legal PDF already there (Odoo's Send, a DMS copy) is served as
        it is, never made again."""
        copy = b"%PDF-1.4\n% the dealer's own copy\n"
        self.env["ir.attachment"].create(
            {
                "name": "copy.pdf",
                "raw": copy,
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": self.invoice.id,
                "res_field": "invoice_pdf_report_file",
            }
        )
        self.invoice.invalidate_recordset(["invoice_pdf_report_id", "invoice_pdf_report_file"])
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        for url in (
            f"/my/invoices/{self.invoice.id}?report_type=pdf&download=1",
            f"/my/invoices/{self.invoice.id}?report_type=pdf",
        ):
            self.assertEqual(self.url_open(url).content, copy, url)

    def test_legal_pdf_needs_read_access(self):
        stranger = self._strangers()[0]
        with self.assertRaises(Exception):  # noqa: B017 - AccessError or MissingError
            self.invoice.with_user(stranger)._connect_ensure_legal_pdfs()
        self.assertFalse(self.invoice.invoice_pdf_report_id)

    def test_amount_in_words(self):
        """The currency's own words in the reader's language."""
        usd = self.company.currency_id
        eur = self.env.ref("base.EUR")
        en = self.gbp.with_context(lang="en_US")
        self.assertEqual(
            en.amount_to_text(22836.47),
            "twenty-two thousand, eight hundred and thirty-six pounds and forty-seven pence",
        )
        self.assertEqual(en.amount_to_text(1.01), "one pound and one penny")
        self.assertEqual(en.amount_to_text(20), "twenty pounds")
        self.assertEqual(
            usd.with_context(lang="en_US").amount_to_text(1250.1),
            "one thousand, two hundred and fifty dollars and ten cents",
        )
        self.assertEqual(
            eur.with_context(lang="en_US").amount_to_text(2.5), "two euros and fifty cents"
        )
        self.assertEqual(
            eur._connect_amount_in_words(2.5, "fr_FR"), "deux euros et cinquante centimes"
        )
        # a currency num2words does not name keeps Odoo's words
        jpy = self.env.ref("base.JPY")
        self.assertEqual(jpy._connect_amount_in_words(5, "en_US"), None)
        self.assertTrue(jpy.with_context(lang="en_US").amount_to_text(5))

    def test_statement_letterhead_and_words(self):
        """The statement: letterhead, the customer's documents, the balance
        in words per currency (pounds and pence, dollars and cents)."""
        self.init_invoice("out_invoice", partner=self.farm, amounts=[1250.1], post=True)
        text = pdf_text(
            self.env["customer_connect.statement"]
            .with_context(force_report_rendering=True)
            ._render_pdf(self.farm, self.company)
        )
        self.assertLetterhead(text, "statement")
        self.assertIn(self.invoice.name, text)
        self.assertIn(self.credit_note.name, text)
        self.assertNotIn("PROFORMA", text.upper())
        # the GBP balance: 22,836.47 - 120.00
        self.assertWords(
            "twenty-two thousand, seven hundred and sixteen pounds and forty-seven pence", text
        )
        self.assertWords("one thousand, two hundred and fifty dollars and ten cents", text)

    def test_documents_do_not_wait_for_scripts(self):
        """The portal's documents print without Odoo's 1 s wait for report
        scripts, never longer than the dealer's own setting."""
        Report = self.env["ir.actions.report"]
        paperformat = self.env.ref("base.paperformat_euro")

        def delay(report):
            args = report._build_wkhtmltopdf_args(paperformat, False)
            return args[args.index("--javascript-delay") + 1]

        self.assertEqual(delay(Report), "1000", "Odoo's default for other reports")
        self.assertEqual(delay(Report.with_context(connect_print_delay=200)), "200")
        self.env["ir.config_parameter"].sudo().set_param("report.print_delay", "50")
        self.assertEqual(delay(Report.with_context(connect_print_delay=200)), "50")

    def test_pdfs_fetch_nothing_from_odoo(self):
        """The invoice, the statement and the payment receipt are rendered
        with nothing asked back over HTTP (wkhtmltopdf, started by a worker,
        asking the same server for the report's CSS waited for a free worker
        under load: issue 19), still in the report's own font (Lato, from
        the inlined CSS). ``report.url`` points at a server that counts what
        is asked; the report bundles' attachments are removed first, as on
        a server that has not served them yet."""
        server = CountingServer()
        self.addCleanup(server.stop)
        self.env["ir.config_parameter"].sudo().set_param("report.url", server.url)
        self.env["ir.attachment"].search(
            [("url", "=like", "/web/assets/%/web.report_assets_%")]
        ).unlink()
        ir_actions_report._PRUNED.clear()
        self.init_invoice("out_invoice", partner=self.farm, amounts=[1250.1], post=True)
        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=self.invoice.ids)
            .create({})
            ._create_payments()
        )
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        documents = {
            "invoice": Report._render_qweb_pdf("account.account_invoices", self.invoice.ids)[0],
            "statement": self.env["customer_connect.statement"]
            .with_context(force_report_rendering=True)
            ._render_pdf(self.farm, self.company),
            "receipt": Report._render_qweb_pdf(
                "account.action_report_payment_receipt", payment.ids
            )[0],
        }
        self.assertEqual(server.paths, [], "nothing asked back over HTTP")
        for what, pdf in documents.items():
            text = pdf_text(pdf)
            self.assertLetterhead(text, what)
            self.assertIn(self.invoice.name, text, what)
            self.assertIn("Lato", pdf_fonts(pdf), f"{what}: the report's font, embedded")

    def test_invoice_whose_e_invoice_odoo_refuses(self):
        """An invoice whose e-invoicing document Odoo refuses to make (UBL
        BIS 3 for the customer, the dealer with no bank account nor VAT
        number: Odoo's checks fail) downloads rendered as it stands, not as
        a 400, and keeps no legal PDF (one kept without its e-invoice would
        stop Odoo's Send from ever making it)."""
        self.farm.invoice_edi_format = "ubl_bis3"
        invoice = self._gbp_invoice(50.0)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self._as_customer(invoice)._connect_ensure_legal_pdfs()
        self.assertFalse(invoice.invoice_pdf_report_id, "the failed attempt kept nothing")
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        with self.assertLogs("odoo.addons.customer_connect.models.account_move", "WARNING"):
            downloaded = self._download(f"/my/invoices/{invoice.id}?report_type=pdf&download=1")
        # (under test, the report's HTML)
        self.assertIn(invoice.name, downloaded.decode())
        invoice.invalidate_recordset()
        self.assertFalse(invoice.invoice_pdf_report_id, "no legal PDF kept")
        self.assertFalse(invoice.ubl_cii_xml_id, "nor an e-invoice")
        # the same invoice, rendered for real, reads as the invoice
        pdf = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account.account_invoices", invoice.ids)[0]
        )
        text = pdf_text(pdf)
        self.assertLetterhead(text, "invoice without its e-invoice")
        self.assertIn(invoice.name, text)

    def test_e_invoice_refusal_asked_once_until_the_setup_changes(self):
        """Odoo's refusal of an invoice's e-invoice is kept on the invoice:
        the next downloads serve the invoice as it stands at once, without
        asking Odoo again (no new warning); once the dealer's setup changes
        (a bank account added, the company written), the next download asks
        Odoo again."""
        logger = "odoo.addons.customer_connect.models.account_move"
        self.farm.invoice_edi_format = "ubl_bis3"
        invoice = self._gbp_invoice(50.0)
        url = f"/my/invoices/{invoice.id}?report_type=pdf&download=1"
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        with self.assertLogs(logger, "WARNING"):
            self._download(url)
        invoice.invalidate_recordset()
        self.assertEqual(invoice.connect_e_invoice_refusal, invoice._connect_e_invoice_setup_key())
        for _again in range(2):
            with self.assertNoLogs(logger, "WARNING"):
                downloaded = self._download(url)
            self.assertIn(invoice.name, downloaded.decode(), "the invoice as it stands")
        self.assertFalse(invoice.invoice_pdf_report_id)
        # the dealer adds a bank account: Odoo is asked again
        self.env["res.partner.bank"].create(
            {"acc_number": "GB33BUKB20201555555555", "partner_id": self.company.partner_id.id}
        )
        with self.assertLogs(logger, "WARNING"):
            self._download(url)
        with self.assertNoLogs(logger, "WARNING"):
            self._download(url)
        # the company written in a later transaction (its write_date moves
        # on; within this test's one transaction it would not)
        self.env.cr.execute(
            "UPDATE res_company SET write_date = write_date + interval '1 second' WHERE id = %s",
            [self.company.id],
        )
        self.company.invalidate_recordset(["write_date"])
        with self.assertLogs(logger, "WARNING"):
            self._download(url)

    def test_report_resources_made_without_http(self):
        """What a report page asks of Odoo is made here: a barcode and a
        ``/web/image`` (as the user printing: one it may not read is left
        out) as data: URIs, a module's static file as a file: URL whose
        folder wkhtmltopdf may read; anything else of Odoo's, or a file
        outside a module's static folder, is left out (``data:,``) with a
        warning."""
        Report = self.env["ir.actions.report"].with_user(self.portal_user)
        own = self.portal_user.partner_id
        other = self._strangers()[0].partner_id
        page = (
            '<img src="/report/barcode/QR/INV-0001"/>'
            '<img src="/report/barcode/?barcode_type=Code128&amp;value=42&amp;width=300"/>'
            f'<img src="/web/image/res.partner/{own.id}/avatar_128"/>'
            f'<img src="/web/image/res.partner/{other.id}/avatar_128"/>'
            '<div style="background-image: url(&#34;/web/static/img/placeholder.png&#34;)"/>'
            '<div style="background-image: url()"/>'
            '<img src="/customer_connect/static/../__manifest__.py"/>'
            '<img src="/my/invoices"/>'
            '<img src="https://www.example.com/logo.png"/>'
        )
        with self.assertLogs(
            "odoo.addons.customer_connect.models.ir_actions_report", "WARNING"
        ) as logs:
            made = Report._connect_inline_used_css(page)
        sources = re.findall(r'src="([^"]*)"', made)
        self.assertTrue(sources[0].startswith("data:image/png;base64,"), "QR code")
        self.assertTrue(sources[1].startswith("data:image/png;base64,"), "Code 128")
        self.assertTrue(sources[2].startswith("data:image/"), "the contact's own avatar")
        self.assertEqual(sources[3], "data:,", "another customer's contact: not readable")
        placeholder = file_path("web/static/img/placeholder.png")
        self.assertIn(f"url({pathlib.Path(placeholder).as_uri()})", made)
        self.assertIn("url(data:,)", made, "an empty url() is not the page's own address")
        self.assertEqual(sources[4:6], ["data:,", "data:,"], "no module file, no page")
        self.assertEqual(sources[6], "https://www.example.com/logo.png", "not Odoo: left")
        self.assertEqual(len(logs.output), 3, logs.output)
        args = Report._build_wkhtmltopdf_args(self.env.ref("base.paperformat_euro"), False)
        self.assertIn(os.path.dirname(placeholder), args, "wkhtmltopdf may read that folder")


@tagged("post_install", "-at_install")
class TestReportBundleBuiltOnce(TransactionCase):
    """A report bundle missing on a fresh server (after an upgrade) is made
    once for the database, in a transaction of its own (issue 19): a worker
    asking for it while another makes it waits and reads the other one's,
    and the one made is seen by every worker at once, not only when the
    request that made it (a PDF of 8-13 s under load) commits. Real cursors
    (TransactionCase leaves the registry out of test mode), as two workers;
    what is committed here is removed at the end."""

    def setUp(self):
        super().setUp()
        bundle = self.env["ir.qweb"]._get_asset_bundle("web.report_assets_pdf", js=False)
        self.url = bundle.get_link("css")
        self._delete_bundle()
        self.addCleanup(self._delete_bundle)

    def _delete_bundle(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM ir_attachment WHERE url = %s", [self.url])

    def _attachments(self):
        """The CSS of each attachment at the bundle's address, as committed."""
        with self.registry.cursor() as cr:
            attachments = api.Environment(cr, SUPERUSER_ID, {})["ir.attachment"].search(
                [("url", "=", self.url)]
            )
            return [attachment.raw.decode() for attachment in attachments]

    def test_second_worker_waits_and_reads_the_first_ones_bundle(self):
        """The other worker is a plain database session (a thread using no
        Odoo environment: the registry's lock is the test loader's): it holds
        the bundle's lock, waits until this one waits for it, then commits its
        bundle and unlocks."""
        lock = ir_actions_report.bundle_lock_key(self.url)
        marker = ".made-by-the-first-worker{color:red}"
        seen = {}

        def first_worker(session):
            for _attempt in range(300):
                session.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                )
                if session.fetchone()[0]:
                    seen["waiting"] = True
                    break
                session.commit()
                time.sleep(0.1)
            session.execute(
                """INSERT INTO ir_attachment (name, res_model, type, public, url,
                       mimetype, db_datas, create_uid, write_uid, create_date, write_date)
                   VALUES ('web.report_assets_pdf.min.css', 'ir.ui.view', 'binary', true,
                       %s, 'text/css', %s, 1, 1, now(), now())""",
                [self.url, marker.encode()],
            )
            session.commit()
            session.execute("SELECT pg_advisory_unlock(hashtext(%s))", [lock])
            session.commit()

        with self.registry.cursor() as first, self.registry.cursor() as second:
            first.execute("SELECT pg_advisory_lock(hashtext(%s))", [lock])
            first.commit()
            thread = threading.Thread(target=first_worker, args=(first,))
            thread.start()
            env = api.Environment(second, SUPERUSER_ID, {})
            css = env["ir.actions.report"]._connect_bundle_css(self.url)
            thread.join(60)
        self.assertFalse(thread.is_alive())
        self.assertTrue(seen.get("waiting"), "the second worker waited for the first")
        self.assertEqual(css, marker, "and read the first one's bundle")
        self.assertEqual(self._attachments(), [marker], "not made a second time")

    def test_bundle_seen_by_other_workers_before_the_request_ends(self):
        with self.registry.cursor() as request_cr:
            env = api.Environment(request_cr, SUPERUSER_ID, {})
            css = env["ir.actions.report"]._connect_bundle_css(self.url)
            self.assertIn("blockquote", css, "Odoo's report_assets_pdf (a CSS reset), made")
            # the request is still rendering its PDF: another worker sees it
            attachments = self._attachments()
            self.assertEqual(len(attachments), 1)
            self.assertEqual(attachments[0], css)
            request_cr.rollback()  # the request fails: the bundle stays
        self.assertEqual(len(self._attachments()), 1)
