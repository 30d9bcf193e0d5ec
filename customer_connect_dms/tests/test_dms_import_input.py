"""Hostile and realistic input through the import wizard, as the service
manager who uploads it (issue 18, points 5 to 9): every column of every
kind with an over-long value and a formula, every upload whose content is
not what its name says, mixed encodings, lapsed settlements, what a refused
run logs and what its refused-rows file hands back to a spreadsheet."""

import base64
import csv
import io
import zipfile

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.customer_connect.tools.csv_cells import csv_safe_cell

from ..models.dms_import_targets import TARGETS
from .common import DmsImportCase

# one valid row per kind, in the generic profile's columns (every target)
VALID = {
    "customers": {
        "number": "00901",
        "name": "Walk Farm",
        "street": "1 Mill Road",
        "street2": "Unit 2",
        "city": "Ayr",
        "zip": "KA1 1AA",
        "state": "",
        "country": "GB",
        "email": "walk@example.com",
        "phone": "+44 1292 000000",
        "mobile": "07700 900000",
        "vat": "GB123456789",
        "parent_number": "",
    },
    "contacts": {
        "customer_number": "90001",
        "name": "Al Walker",
        "email": "al.walker@example.com",
        "phone": "01292 000000 x12",
        "mobile": "+44 (0)7700 900001",
        "function": "Yard manager",
    },
    "invoices": {
        "number": "SIW1",
        "customer_number": "90001",
        "date": "15/02/2026",
        "due_date": "17/03/2026",
        "amount_total": "1200.00",
        "amount_residual": "1200.00",
        "discount_date": "10/03/2026",
        "settlement_amount": "1176.00",
        "description": "- 500 h service\nparts and labour",
        "pdf_file": "",
    },
    "equipment": {
        "dms_key": "EQW1",
        "customer_number": "90001",
        "make": "John Deere",
        "model": "6155R",
        "serial_number": "1M06155RXXX",
        "year": "2020",
        "hours": "1200.5",
        "hours_date": "01/02/2026",
        "purchase_date": "01/01/2020",
        "warranty_end": "01/01/2023",
        "next_service_date": "01/06/2026",
        "notes": "Front linkage fitted",
    },
}
WRITTEN = {
    # what a run of the valid row would write: (model, domain)
    "customers": ("res.partner", [("ref", "=", "00901")]),
    "contacts": ("res.partner", [("email", "=", "al.walker@example.com")]),
    "invoices": ("account.move", [("dms_number", "=", "SIW1")]),
    "equipment": ("customer_connect.equipment", [("dms_key", "=", "EQW1")]),
}
HUGE = "A" * 200_000
FORMULAS = ("=1+2", "+SUM(A1)", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x.example","y")')


def csv_bytes(rows, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerows(rows)
    return out.getvalue().encode()


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestDmsImportInput(DmsImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the connector / uploader as the README sets it up
        cls.manager = new_test_user(
            cls.env,
            "dms_uploader",
            groups="base.group_user,customer_connect_dms.group_dms_number_manager,"
            "account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _upload(self, kind, data, file_name="export.csv", dry_run=False, allow_partial=False):
        """The run the wizard opens after the manager's click."""
        wizard = (
            self.env["customer_connect_dms.import.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "file": base64.b64encode(data),
                    "file_name": file_name,
                    "kind": kind,
                    "profile_id": self.generic[kind].id,
                    "allow_partial": allow_partial,
                }
            )
        )
        action = wizard.action_dry_run() if dry_run else wizard.action_import()
        return self.env["customer_connect_dms.import.run"].browse(action["res_id"])

    def _row_file(self, kind, **changes):
        row = {**VALID[kind], **changes}
        return csv_bytes([list(row), list(row.values())])

    def _written(self, kind):
        model, domain = WRITTEN[kind]
        return self.env[model].with_context(active_test=False).search(domain)

    # ------------------------------------------------------------------
    # point 8: every column's length and shape
    # ------------------------------------------------------------------

    def test_valid_rows_pass(self):
        """The walk below refuses for the bad cell only: the rows pass as
        they are."""
        for kind in VALID:
            run = self._upload(kind, self._row_file(kind), dry_run=True)
            self.assertEqual(
                (run.count_created, run.count_refused), (1, 0), f"{kind}: {self._refused(run)}"
            )

    def test_every_column_refuses_over_long_and_formula_cells(self):
        for kind, targets in TARGETS.items():
            for target, *_rest in targets:
                for bad in (HUGE, *FORMULAS):
                    with self.subTest(kind=kind, column=target, value=bad[:20]):
                        run = self._upload(kind, self._row_file(kind, **{target: bad}))
                        self.assertEqual(run.state, "failed")
                        refused = self._refused(run)
                        self.assertEqual([r[:2] for r in refused], [(2, target)], refused)
                        # the message quotes the cell, never the whole of it
                        self.assertLess(len(refused[0][2]), 400)
                        self.assertFalse(self._written(kind))
                        self.assertEqual(run.count_created, 0)

    def test_shapes_of_values(self):
        bad = {
            "customers": {"phone": "call me", "email": "not@", "zip": "KA1\nAA"},
            "contacts": {"mobile": "07700 9OOOO1", "name": "Al\x07Walker"},
            "invoices": {
                "amount_total": "1e300",
                "amount_residual": "nan",
                "date": "15/02/1066",
                "settlement_amount": "inf",
            },
            "equipment": {"year": "²⁰²⁰", "hours": "99999999", "model": "Bad\u202eName"},
        }
        for kind, cells in bad.items():
            for target, value in cells.items():
                with self.subTest(kind=kind, column=target):
                    run = self._upload(kind, self._row_file(kind, **{target: value}))
                    self.assertEqual([r[:2] for r in self._refused(run)], [(2, target)])
                    self.assertFalse(self._written(kind))

    def test_amounts_have_a_ceiling(self):
        run = self._upload(
            "invoices",
            self._row_file("invoices", amount_total="2000000000", amount_residual="0"),
        )
        self.assertEqual(
            self._refused(run),
            [(2, "amount_total", "amount_total: 2000000000 is more than 1,000,000,000.")],
        )

    # ------------------------------------------------------------------
    # point 7: the refused-rows file shows formulas, never runs them
    # ------------------------------------------------------------------

    def test_refused_rows_file_neutralises_formulas(self):
        data = csv_bytes(
            [
                ["number", "name", "city", "phone"],
                ["00911", "=1+2", "@Ayr", "+44 1292 000000"],
                ["00912", "Fine Farm", "-2+3", "not a phone"],
            ]
        )
        run = self._upload("customers", data)
        self.assertEqual(run.state, "failed")
        rows = list(csv.reader(io.StringIO(self._refused_csv(run)), delimiter=";"))
        self.assertEqual(rows[0], ["number", "name", "city", "phone", "Import errors"])
        self.assertEqual(rows[1][:4], ["00911", "'=1+2", "'@Ayr", "'+44 1292 000000"])
        self.assertEqual(rows[2][:4], ["00912", "Fine Farm", "'-2+3", "not a phone"])
        for row in rows:
            for cell in row:
                self.assertFalse(cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell)
        # fixed and imported again: the apostrophe that protected a phone
        # number is not part of it
        fixed = "\n".join(
            ";".join(row[:4]) for row in [rows[0], ["00911", "Hill Farm", "Ayr", rows[1][3]]]
        )
        again = self._upload("customers", fixed.encode())
        self.assertEqual(again.state, "done", self._refused(again))
        self.assertEqual(
            self._written("customers").browse().search([("ref", "=", "00911")]).phone,
            "+44 1292 000000",
        )

    def test_one_helper_for_every_csv(self):
        """The portal's account history and the DMS files call one helper."""
        from odoo.addons.customer_connect.models import portal_account_history

        from ..models import dms_export_payment, dms_import_run

        self.assertIs(portal_account_history.csv_safe_cell, csv_safe_cell)
        self.assertIs(dms_export_payment.csv_safe_cell, csv_safe_cell)
        self.assertEqual(dms_import_run.csv_safe_row(["=x", 1.5, None]), ["'=x", 1.5, ""])

    # ------------------------------------------------------------------
    # point 6: a refused run logs what happened
    # ------------------------------------------------------------------

    def test_refused_run_logs_nothing_created(self):
        data = csv_bytes(
            [
                ["number", "name"],
                ["00921", "One"],
                ["00922", "Two"],
                ["00923", "Three"],
                ["00924", "=Four"],
            ]
        )
        run = self._upload("customers", data)
        self.assertEqual(run.state, "failed")
        self.assertEqual(
            (run.count_rows, run.count_created, run.count_updated, run.count_refused), (4, 0, 0, 1)
        )
        self.assertEqual(run.line_ids.mapped("action"), ["refused"])
        self.assertFalse(run.line_ids.res_id)
        self.assertIn("nothing was imported", run.message)
        self.assertNotIn("created", run.message)
        # a dry run still tells what a real run would do
        dry = self._upload("customers", data, dry_run=True)
        self.assertEqual((dry.count_created, dry.count_refused), (3, 1))

    # ------------------------------------------------------------------
    # point 5: a lapsed settlement is no reason to refuse an invoice
    # ------------------------------------------------------------------

    def test_lapsed_settlements_import(self):
        header = [
            "number",
            "customer_number",
            "date",
            "due_date",
            "amount_total",
            "amount_residual",
            "discount_date",
            "settlement_amount",
        ]
        data = csv_bytes(
            [
                header,
                # paid, its discount date passed
                [
                    "SIL1",
                    "90001",
                    "05/01/2026",
                    "04/02/2026",
                    "500.00",
                    "0",
                    "15/01/2026",
                    "490.00",
                ],
                # part-paid, its discount date passed
                ["SIL2", "90001", "05/01/2026", "04/02/2026", "500.00", "200", "15/01/2026", "490"],
                # part-paid inside its date: Odoo's rule, nothing paid yet
                ["SIL3", "90001", "20/02/2026", "20/03/2026", "500.00", "100", "10/03/2026", "490"],
                # open and inside its date: the settlement applies
                ["SIL4", "90001", "20/02/2026", "20/03/2026", "500.00", "500", "10/03/2026", "490"],
            ]
        )
        run = self._upload("invoices", data)
        self.assertEqual(run.state, "done", self._refused(run))
        self.assertEqual(run.count_created, 4)
        moves = {
            move.dms_number: move
            for move in self.env["account.move"].search([("dms_number", "like", "SIL")])
        }
        self.assertEqual(moves["SIL1"].payment_state, "paid")
        self.assertEqual(moves["SIL2"].amount_residual, 200.0)
        for number in ("SIL1", "SIL2", "SIL3"):
            term = moves[number].line_ids.filtered(lambda l: l.display_type == "payment_term")
            self.assertFalse(term.discount_date, number)
        term = moves["SIL4"].line_ids.filtered(lambda l: l.display_type == "payment_term")
        self.assertEqual(
            (str(term.discount_date), term.discount_amount_currency), ("2026-03-10", 490.0)
        )
        # what is impossible in any state is still refused
        impossible = csv_bytes(
            [header, ["SIL5", "90001", "20/02/2026", "", "500.00", "500", "10/03/2026", "501"]]
        )
        run = self._upload("invoices", impossible)
        self.assertEqual([r[:2] for r in self._refused(run)], [(2, "settlement_amount")])
        self.assertIn("more than the total", self._refused(run)[0][2])

    # ------------------------------------------------------------------
    # point 9: encodings and file types
    # ------------------------------------------------------------------

    def test_one_latin1_row_in_a_utf8_file(self):
        data = (
            "number,name,city\n00931,Caf\xe9 One,Ayr\n00932,Two,Perth\n".encode()
            + "00933,Ch\xe2teau Three,Ayr\n".encode("latin-1")
            + "00934,M\xfcller Four,Troon\n".encode()
        )
        run = self._upload("customers", data)
        self.assertEqual(run.state, "failed")
        self.assertIn("Row 4, column name, is in Latin-1 (Ch\xe2teau Three)", run.message)
        self.assertIn("the rest of the file is UTF-8", run.message)
        self.assertNotIn("\xc3", run.message)  # no mojibake
        self.assertFalse(self.env["res.partner"].search([("ref", "like", "0093")]))

    def test_uploads_whose_content_is_not_their_name(self):
        text = b"number,name\n00941,One\n"
        book = io.BytesIO()
        with zipfile.ZipFile(book, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<workbook/>")
        other_zip = io.BytesIO()
        with zipfile.ZipFile(other_zip, "w") as archive:
            archive.writestr("notes.txt", "hello")
        cases = [
            (text, "export.xls", "holds a CSV file, not XLS"),
            (text, "export.xlsx", "holds a CSV file, not XLSX"),
            (book.getvalue(), "export.csv", "holds an XLSX workbook, not CSV"),
            (other_zip.getvalue(), "export.xlsx", "holds a ZIP archive, not XLSX"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "export.csv", "an XLS workbook"),
            (b"%PDF-1.7\n%\xe2\xe3\n", "export.csv", "holds a PDF, not CSV"),
            (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "export.xlsx", "holds a PNG image, not XLSX"),
            (b"<html><table><tr><td>1</td></tr></table></html>", "export.xls", "a web page"),
            (b"%PDF-1.7\n", "export.txt", "holds a PDF"),
        ]
        for data, name, expected in cases:
            with self.subTest(name=name, expected=expected):
                run = self._upload("customers", data, file_name=name)
                self.assertEqual(run.state, "failed")
                self.assertIn(expected, run.message)
                self.assertNotIn("damaged", run.message)
                self.assertFalse(self.env["res.partner"].search([("ref", "=", "00941")]))
        # inside a ZIP of an export and its PDFs: the same
        upload = io.BytesIO()
        with zipfile.ZipFile(upload, "w") as archive:
            archive.writestr("export.csv", b"%PDF-1.7\n")
        run = self._upload("invoices", upload.getvalue(), file_name="export.zip")
        self.assertIn("export.csv holds a PDF, not CSV", run.message)
        # a text file named .pdf shipped as an invoice's PDF copy: its row
        upload = io.BytesIO()
        with zipfile.ZipFile(upload, "w") as archive:
            archive.writestr("export.csv", self._row_file("invoices", pdf_file="SIW1.pdf"))
            archive.writestr("SIW1.pdf", "just text")
        run = self._upload("invoices", upload.getvalue(), file_name="export.zip")
        self.assertEqual([r[:2] for r in self._refused(run)], [(2, "pdf_file")])
        self.assertFalse(self._written("invoices"))
