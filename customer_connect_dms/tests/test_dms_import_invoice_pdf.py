import base64
import hashlib
import io
import os
import tempfile
import zipfile

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.dms_import import DmsRow
from ..models.dms_import_invoice_pdf import DmsPdf
from .common import DmsImportCase, call_dms_api

HEADER = "number,customer_number,date,due_date,amount_total,amount_residual,pdf_file\n"


def pdf(text):
    """A tiny PDF (as much of one as the import checks: its signature)."""
    return b"%PDF-1.4\n% " + text.encode() + b"\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def make_zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestDmsInvoicePdf(DmsImportCase, HttpCase):
    """PDF copies shipped with DMS invoice exports: upload (ZIP), drop
    folder, connector API; checked before anything is written; stored as
    Odoo stores an invoice's PDF and served to the customer in the portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = new_test_user(
            cls.env,
            "dms_pdf_connector",
            password="dms_pdf_connector-2026",
            groups="base.group_user,account.group_account_invoice,"
            "customer_connect_dms.group_dms_number_manager",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.portal_user = cls._activate(cls.farm_billing)
        cls.golf_user = cls._activate(cls.golf_keeper)

    # helpers ---------------------------------------------------------

    def _rows(self, *rows):
        return HEADER + "".join(
            f"{number},{customer},15/02/2026,17/03/2026,{amount},{amount},{name}\n"
            for number, customer, amount, name in rows
        )

    def _upload(self, files, dry_run=False, **context):
        """The backend wizard, as a service manager uses it, with a ZIP."""
        wizard = (
            self.env["customer_connect_dms.import.wizard"]
            .with_context(**context)
            .create(
                {
                    "file": base64.b64encode(make_zip(files)),
                    "file_name": "dms-export.zip",
                    "kind": "invoices",
                    "profile_id": self.generic["invoices"].id,
                }
            )
        )
        action = wizard.action_dry_run() if dry_run else wizard.action_import()
        return self.env["customer_connect_dms.import.run"].browse(action["res_id"])

    def _invoice(self, number):
        return self.env["account.move"].search([("dms_number", "=", number)])

    def _copy(self, move):
        move.invalidate_recordset(["invoice_pdf_report_id", "invoice_pdf_report_file"])
        return move.invoice_pdf_report_id

    # the upload wizard -----------------------------------------------

    def test_zip_upload_dry_run_then_import(self):
        files = {
            "invoices.csv": self._rows(
                ("SIP1", "90001", "120.00", "SIP1.PDF"),
                ("SIP2", "90001", "80.00", "pdf/SIP2.pdf"),
                ("SIP3", "90001", "40.00", ""),
            ),
            "SIP1.pdf": pdf("SIP1"),
            "pdf/SIP2.pdf": pdf("SIP2"),
        }
        dry = self._upload(files, dry_run=True)
        self.assertEqual(dry.state, "dry_run", dry.message)
        self.assertEqual(dry.count_created, 3)
        self.assertIn("zip: invoices.csv", dry.file_info)
        self.assertFalse(self._invoice("SIP1"), "a dry run writes nothing")
        # "Import this file" on the dry run's log: the run kept the ZIP
        self.assertEqual(dry.file_name, "dms-export.zip")
        action = dry.action_import_now()
        run = self.env["customer_connect_dms.import.run"].browse(action["res_id"])
        self.assertEqual(run.state, "done", run.message + str(self._refused(run)))
        one, two, three = self._invoice("SIP1"), self._invoice("SIP2"), self._invoice("SIP3")
        copy = self._copy(one)
        self.assertEqual(copy.raw, pdf("SIP1"))
        self.assertEqual(
            (copy.name, copy.mimetype, copy.res_model, copy.res_id, copy.res_field),
            ("SIP1.pdf", "application/pdf", "account.move", one.id, "invoice_pdf_report_file"),
        )
        self.assertEqual(base64.b64decode(one.invoice_pdf_report_file), pdf("SIP1"))
        self.assertEqual(self._copy(two).raw, pdf("SIP2"))
        self.assertFalse(self._copy(three), "no PDF in the row, none attached")
        # Odoo's own notion of the invoice's legal PDF: what it e-mails
        self.assertEqual(one._get_invoice_legal_documents("pdf")["content"], pdf("SIP1"))

    def test_zip_in_the_background(self):
        rows = [(f"SIQ{n}", "90001", "10.00", f"pdf/SIQ{n}.pdf") for n in range(5)]
        files = {"invoices.csv": self._rows(*rows)}
        files.update({f"pdf/SIQ{n}.pdf": pdf(f"queued {n}") for n in range(5)})
        run = self.importer._queue_file(
            "invoices", self.generic["invoices"], make_zip(files), "big.zip"
        )
        for _step in range(4):
            self.importer._cron_process_queued(chunk=2)
            self.env.invalidate_all()
        self.assertEqual((run.state, run.count_created), ("done", 5), run.message)
        for n in range(5):
            self.assertEqual(self._copy(self._invoice(f"SIQ{n}")).raw, pdf(f"queued {n}"))

    def test_export_alone_still_imports_and_zip_holds_one_export(self):
        run = self._import("invoices", self._rows(("SIP4", "90001", "10.00", "")))
        self.assertEqual(run.state, "done", run.message)
        # an export alone that names a PDF: nothing shipped it
        run = self._import("invoices", self._rows(("SIP5", "90001", "10.00", "SIP5.pdf")))
        self.assertEqual(run.state, "failed")
        self.assertEqual(self._refused(run)[0][:2], (2, "pdf_file"))
        self.assertIn("ships no PDF", self._refused(run)[0][2])
        run = self._upload({"a.csv": self._rows(), "b.csv": self._rows()})
        self.assertEqual(run.state, "failed")
        self.assertIn("one export file", run.message)
        run = self._import("invoices", b"not a zip at all", name="x.zip")
        self.assertEqual(run.state, "failed")
        self.assertIn("ZIP", run.message)

    def test_refusals_name_row_and_column_and_write_nothing(self):
        self.env["ir.config_parameter"].set_param("customer_connect_dms.pdf_max_size", "300")
        files = {
            "export/invoices.csv": self._rows(
                ("SIR1", "90001", "10.00", "missing.pdf"),
                ("SIR2", "90001", "10.00", "notes.pdf"),
                ("SIR3", "90001", "10.00", "../secret.pdf"),
                ("SIR4", "90001", "10.00", "/etc/passwd"),
                ("SIR5", "90001", "10.00", "C:\\DMS\\SIR5.pdf"),
                ("SIR6", "90001", "10.00", "big.pdf"),
                ("SIR7", "90001", "10.00", "ok.pdf"),
            ),
            "export/notes.pdf": b"Hello, not a PDF",
            # beside the export's folder, inside the ZIP: still outside it
            "secret.pdf": pdf("secret"),
            "export/big.pdf": pdf("x" * 400),
            "export/ok.pdf": pdf("ok"),
        }
        for dry_run in (True, False):
            run = self._upload(files, dry_run=dry_run)
            self.assertEqual(run.state, "dry_run" if dry_run else "failed", run.message)
            refused = self._refused(run)
            self.assertEqual(
                [(row, column) for row, column, _m in refused],
                [(row, "pdf_file") for row in range(2, 8)],
            )
            messages = [message for _r, _c, message in refused]
            self.assertIn("not in the ZIP", messages[0])
            self.assertIn("is not a PDF (it does not start with %PDF-)", messages[1])
            self.assertIn("leaves the export's folder", messages[2])
            self.assertIn("not a path relative", messages[3])
            self.assertIn("not a path relative", messages[4])
            self.assertIn("300 bytes at most", messages[5])
        self.assertFalse(self.env["account.move"].search([("dms_number", "=like", "SIR%")]))
        # the refused rows come back as a file to fix, PDF names included
        self.assertIn("missing.pdf", self._refused_csv(run))

    # idempotence and corrections -------------------------------------

    def test_same_pdf_changes_nothing_another_replaces_it(self):
        files = {
            "invoices.csv": self._rows(("SII1", "90001", "50.00", "SII1.pdf")),
            "SII1.pdf": pdf("first"),
        }
        self.assertEqual(self._upload(files).state, "done")
        move = self._invoice("SII1")
        first = self._copy(move)
        self.assertEqual(first.checksum, hashlib.sha1(pdf("first")).hexdigest())
        again = self._upload(files)
        self.assertEqual(
            (again.count_unchanged, again.count_updated, again.count_created), (1, 0, 0)
        )
        self.assertEqual(self._copy(move), first, "the same attachment, untouched")
        # the DMS corrected its document: the copy is replaced
        files["SII1.pdf"] = pdf("corrected")
        corrected = self._upload(files)
        self.assertEqual((corrected.count_updated, corrected.state), (1, "done"), corrected.message)
        self.assertEqual(self._copy(move).raw, pdf("corrected"))
        self.assertNotEqual(self._copy(move), first)
        # the previous copy stays on the invoice, as an ordinary attachment
        self.assertFalse(first.res_field)
        self.assertEqual((first.res_model, first.res_id), ("account.move", move.id))
        self.assertIn("replaced on", first.name)
        self.assertEqual(first.raw, pdf("first"))
        self.assertIn("corrected PDF copy", move.message_ids[0].body)
        # a row without a PDF leaves the copy alone
        files["invoices.csv"] = self._rows(("SII1", "90001", "50.00", ""))
        self.assertEqual(self._upload(files).count_unchanged, 1)
        self.assertEqual(self._copy(move).raw, pdf("corrected"))
        # nor is a posted invoice otherwise touched by its copy
        self.assertEqual((move.state, move.amount_total), ("posted", 50.0))

    def test_invoice_made_in_odoo_refused(self):
        made_here = self.init_invoice("out_invoice", partner=self.farm, amounts=[70], post=True)
        files = {
            "invoices.csv": self._rows((made_here.name, "90001", "70.00", "copy.pdf")),
            "copy.pdf": pdf("copy"),
        }
        run = self._upload(files)
        self.assertEqual(run.state, "failed")
        self.assertEqual(self._refused(run)[0][:2], (2, "pdf_file"))
        self.assertIn("made in Odoo", self._refused(run)[0][2])
        self.assertFalse(self._copy(made_here))
        # and the service itself refuses it, whoever calls it
        item = DmsRow(2, [])
        item.record = made_here
        item.vals = {"pdf": DmsPdf("copy.pdf", pdf("copy"))}
        with self.assertRaises(UserError):
            self.env["account.move"]._dms_attach_pdfs([item])
        self.assertFalse(self._copy(made_here))

    # the bulk path ---------------------------------------------------

    def test_bulk_path_attaches_in_one_batch(self):
        rows = [(f"SIB{n}", "90001", "10.00", f"SIB{n}.pdf") for n in range(6)]
        files = {"invoices.csv": self._rows(*rows)}
        files.update({f"SIB{n}.pdf": pdf(f"bulk {n}") for n in range(6)})
        run = self._upload(files, connect_dms_bulk_threshold=0)
        self.assertEqual(run.state, "done", run.message)
        for n in range(6):
            self.assertEqual(self._copy(self._invoice(f"SIB{n}")).raw, pdf(f"bulk {n}"))
        # attaching does not cost queries per invoice
        Move = self.env["account.move"]

        def attach(count, prefix):
            moves = Move.create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.farm.id,
                        "dms_number": f"{prefix}{n}",
                        "invoice_line_ids": [(0, 0, {"name": "x", "price_unit": 1.0})],
                    }
                    for n in range(count)
                ]
            )
            items = []
            for move in moves:
                item = DmsRow(2, [])
                item.record = move
                item.vals = {"pdf": DmsPdf(f"{move.dms_number}.pdf", pdf(move.dms_number))}
                items.append(item)
            self.env.flush_all()
            self.env.invalidate_all()
            return items

        few, many = attach(2, "QA"), attach(12, "QB")
        self.assertEqual(self._count_queries(many), self._count_queries(few))
        self.assertEqual(self._copy(many[-1].record).raw, pdf("QB11"))

    def _count_queries(self, items):
        """The queries attaching ``items`` takes."""
        before = self.env.cr.sql_log_count
        self.env["account.move"]._dms_attach_pdfs(items)
        self.env.flush_all()
        count = self.env.cr.sql_log_count - before
        self.env.invalidate_all()
        return count

    # the drop folder -------------------------------------------------

    def test_drop_folder_takes_pdfs_beside_the_export_and_archives_them(self):
        root = tempfile.mkdtemp()
        folder = os.path.join(root, "drop")
        os.makedirs(os.path.join(folder, "pdf"))
        Param = self.env["ir.config_parameter"]
        Param.set_param("customer_connect_dms.drop_folder", folder)
        Param.set_param("customer_connect_dms.drop_profile_invoices", self.generic["invoices"].id)

        def write(path, data):
            with open(os.path.join(folder, path), "wb") as handle:
                handle.write(data)

        write(
            "invoices-1.csv",
            self._rows(
                ("SID1", "90001", "10.00", "SID1.pdf"),
                ("SID2", "90001", "20.00", "pdf/SID2.pdf"),
            ).encode(),
        )
        write("SID1.pdf", pdf("SID1"))
        write("pdf/SID2.pdf", pdf("SID2"))
        write("other.pdf", pdf("for a later export"))
        # outside the drop folder: named through ../ and through a link
        with open(os.path.join(root, "outside.pdf"), "wb") as handle:
            handle.write(pdf("outside"))
        os.symlink(os.path.join(root, "outside.pdf"), os.path.join(folder, "link.pdf"))
        write(
            "invoices-2.csv",
            self._rows(
                ("SID3", "90001", "10.00", "../outside.pdf"),
                ("SID4", "90001", "10.00", "link.pdf"),
                ("SID5", "90001", "10.00", "nothere.pdf"),
                ("SID6", "90001", "10.00", "other.pdf"),
            ).encode(),
        )
        os.utime(os.path.join(folder, "invoices-2.csv"), (2e9, 2e9))
        # a ZIP of an export and its PDFs, as uploaded
        zipped = {"x/inv.csv": self._rows(("SID7", "90001", "10.00", "SID7.pdf"))}
        zipped["x/SID7.pdf"] = pdf("SID7")
        write("invoices-3.zip", make_zip(zipped))
        os.utime(os.path.join(folder, "invoices-3.zip"), (2.1e9, 2.1e9))
        # too many rows naming loose PDFs for one run: refused, not half done
        write(
            "invoices-4.csv",
            self._rows(*[(f"SIX{n}", "90001", "1.00", "SID1.pdf") for n in range(20001)]).encode(),
        )
        os.utime(os.path.join(folder, "invoices-4.csv"), (2.2e9, 2.2e9))
        self.env["customer_connect_dms.api"]._cron_import_drop_folder()
        runs = self.env["customer_connect_dms.import.run"].search(
            [("source", "=", "folder")], order="id"
        )
        self.assertEqual(
            runs.mapped("state"), ["done", "failed", "done", "failed"], runs.mapped("message")
        )
        self.assertEqual(self._copy(self._invoice("SID7")).raw, pdf("SID7"))
        self.assertIn("too many to import at once", runs[3].message)
        self.assertFalse(self._invoice("SIX0"))
        self.assertEqual(self._copy(self._invoice("SID1")).raw, pdf("SID1"))
        self.assertEqual(self._copy(self._invoice("SID2")).raw, pdf("SID2"))
        self.assertEqual(
            [(row, column) for row, column, _m in self._refused(runs[1])],
            [(2, "pdf_file"), (3, "pdf_file"), (4, "pdf_file")],
        )
        messages = [m for _r, _c, m in self._refused(runs[1])]
        self.assertIn("leaves the export's folder", messages[0])
        self.assertIn("leads out of the drop folder", messages[1])
        self.assertIn("not in the drop folder", messages[2])
        self.assertFalse(self._invoice("SID6"), "all or nothing per file")
        # each export went with its PDFs, in their places relative to it
        done = os.path.join(folder, "done")
        self.assertEqual(
            sorted(os.listdir(done)), ["SID1.pdf", "invoices-1.csv", "invoices-3.zip", "pdf"]
        )
        self.assertEqual(os.listdir(os.path.join(done, "pdf")), ["SID2.pdf"])
        failed = os.path.join(folder, "failed")
        self.assertEqual(
            sorted(os.listdir(failed)), ["invoices-2.csv", "invoices-4.csv", "other.pdf"]
        )
        # what no export named stays; nothing outside the folder moved
        self.assertEqual(sorted(os.listdir(folder)), ["done", "failed", "link.pdf", "out", "pdf"])
        self.assertTrue(os.path.exists(os.path.join(root, "outside.pdf")))

    # the connector API -----------------------------------------------

    def _call(self, method, *args):
        return call_dms_api(self, method, *args)

    def test_api_takes_pdfs_as_base64(self):
        self.authenticate("dms_pdf_connector", "dms_pdf_connector-2026")

        def record(number, **extra):
            return {
                "number": number,
                "customer_number": "90001",
                "date": "2026-02-15",
                "amount_total": 30.0,
                **extra,
            }

        b64 = base64.b64encode(pdf("API1")).decode()
        records = [
            record("SIA1", pdf=b64, pdf_name="SIA1-dms.pdf"),
            record("SIA2", pdf=base64.b64encode(pdf("API2")).decode()),
            record("SIA3"),
        ]
        result = self._call("upsert_invoices", records)["result"]
        self.assertEqual((result["state"], result["created"]), ("done", 3), result)
        one = self._invoice("SIA1")
        self.assertEqual((self._copy(one).raw, self._copy(one).name), (pdf("API1"), "SIA1-dms.pdf"))
        self.assertEqual(self._copy(self._invoice("SIA2")).name, "SIA2.pdf")
        self.assertFalse(self._copy(self._invoice("SIA3")))
        again = self._call("upsert_invoices", records)["result"]
        self.assertEqual((again["unchanged"], again["updated"]), (3, 0))
        bad = self._call(
            "upsert_invoices",
            [
                record("SIA4", pdf="%%% not base64 %%%"),
                record("SIA5", pdf=base64.b64encode(b"<html>no</html>").decode()),
            ],
        )["result"]
        self.assertEqual(bad["state"], "failed")
        self.assertEqual([(e["row"], e["column"]) for e in bad["errors"]], [(1, "pdf"), (2, "pdf")])
        self.assertIn("base64", bad["errors"][0]["message"])
        self.assertIn("not a PDF", bad["errors"][1]["message"])
        self.assertFalse(self._invoice("SIA4") | self._invoice("SIA5"))

    # the portal ------------------------------------------------------

    @mute_logger("odoo.http")
    def test_portal_serves_the_dms_copy_to_its_customer_only(self):
        files = {
            "invoices.csv": self._rows(("SIW1", "90001", "99.00", "SIW1.pdf")),
            "SIW1.pdf": pdf("the DMS's own copy"),
        }
        self.assertEqual(self._upload(files).state, "done")
        move = self._invoice("SIW1")
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        for url in (
            f"/my/invoices/{move.id}?report_type=pdf&download=true",
            f"/my/invoices/{move.id}?report_type=pdf",
            f"/report/pdf/account.report_invoice_with_payments/{move.id}",
            f"/my/activity/documents?doc_{move.id}=1",
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertEqual(response.headers["Content-Type"], "application/pdf", url)
            # the DMS's bytes, not Odoo's rendering of the invoice
            self.assertEqual(response.content, pdf("the DMS's own copy"), url)
        # a contact of another customer gets nothing of it
        self.authenticate(self.golf_user.login, self.PORTAL_PASSWORD)
        for url in (
            f"/my/invoices/{move.id}?report_type=pdf&download=true",
            f"/my/invoices/{move.id}?report_type=pdf",
            f"/report/pdf/account.report_invoice_with_payments/{move.id}",
            f"/web/content/{self._copy(move).id}",
            f"/web/content/account.move/{move.id}/invoice_pdf_report_file",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (403, 404), url)
            self.assertNotIn(b"DMS's own copy", response.content)
        self.assertNotIn(
            b"DMS's own copy",
            self.url_open(f"/my/activity/documents?doc_{move.id}=1").content,
        )

    def test_portal_invoice_page_shows_the_dms_copy(self):
        files = {
            "invoices.csv": self._rows(("SIV1", "90001", "99.00", "SIV1.pdf")),
            "SIV1.pdf": pdf("page copy"),
        }
        self.assertEqual(self._upload(files).state, "done")
        move = self._invoice("SIV1")
        made_here = self.init_invoice("out_invoice", partner=self.farm, amounts=[30], post=True)
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        page = self.url_open(f"/my/invoices/{move.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_connect_dms_pdf_view", page.text)
        self.assertIn(f"/my/invoices/{move.id}?access_token=", page.text)
        self.assertIn("report_type=pdf", page.text)
        # an invoice made in Odoo keeps Odoo's page
        self.assertNotIn(
            "o_connect_dms_pdf_view", self.url_open(f"/my/invoices/{made_here.id}").text
        )
        # a level without "download and print" sees no PDF either
        self._set_level(self.farm_billing, "payments_only")
        page = self.url_open(f"/my/invoices/{move.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_connect_dms_pdf_view", page.text)
        with mute_logger("odoo.http"):
            response = self.url_open(f"/my/invoices/{move.id}?report_type=pdf")
        self.assertEqual(response.status_code, 403)
