import io

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DmsImportCase

GOLD = (
    "Account,Name,Address 1,Town,County,Post Code,Country,Telephone,E-Mail\n"
    "00123,Hill Top Farm,1 Hill Road,Ayr,,KA7 1AA,GB,01292 000000,office@hilltop.example\n"
    "00124,Glen Estates,The Lodge,Perth,,PH1 1AA,GB,,\n"
)


@tagged("post_install", "-at_install")
class TestDmsImportCustomers(DmsImportCase):
    def test_dry_run_then_import_then_reimport(self):
        dry = self._import("customers", GOLD, self.gold_customers, dry_run=True)
        self.assertEqual(dry.state, "dry_run")
        self.assertEqual((dry.count_created, dry.count_refused), (2, 0))
        self.assertEqual(dry.line_ids.mapped("action"), ["create", "create"])
        Partner = self.env["res.partner"]
        self.assertFalse(Partner.search([("ref", "=", "00123")]))
        run = self._import("customers", GOLD, self.gold_customers)
        self.assertEqual(run.state, "done", run.message)
        self.assertEqual(run.count_created, 2)
        hill = Partner.search([("ref", "=", "00123")])
        self.assertEqual(hill.name, "Hill Top Farm")
        self.assertEqual(hill.email, "office@hilltop.example")
        self.assertEqual(hill.country_id, self.env.ref("base.uk"))
        self.assertEqual(hill.company_id, self.env.company)
        self.assertTrue(hill.connect_dms_managed)
        # the same file again changes nothing
        write_date = hill.write_date
        again = self._import("customers", GOLD, self.gold_customers)
        self.assertEqual(
            (again.count_created, again.count_updated, again.count_unchanged), (0, 0, 2)
        )
        self.assertEqual(hill.write_date, write_date)
        # a change in the DMS reaches Odoo as an update of what changed only
        changed = self._import("customers", GOLD.replace("Ayr", "Troon"), self.gold_customers)
        self.assertEqual((changed.count_updated, changed.count_unchanged), (1, 1))
        self.assertEqual(hill.city, "Troon")
        self.assertEqual(changed.line_ids.filtered(lambda l: l.action == "update").key, "00123")

    def test_missing_columns_named_as_the_profile_names_them(self):
        run = self._import("customers", "Account,Town\n00123,Ayr\n", self.gold_customers)
        self.assertEqual(run.state, "failed")
        self.assertIn("Missing column(s): Name (Name)", run.message)

    def test_leading_zeros_and_latin1_and_semicolons(self):
        text = "Account;Name;Town\n00007;Caf\xe9 M\xfchle;G\xf6ttingen\n"
        run = self._import("customers", text.encode("latin-1"), self.gold_customers)
        self.assertEqual(run.state, "done", run.message)
        partner = self.env["res.partner"].search([("ref", "=", "00007")])
        self.assertEqual((partner.name, partner.city), ("Caf\xe9 M\xfchle", "G\xf6ttingen"))
        self.assertIn("latin-1", run.file_info)

    def test_xlsx_and_xls(self):
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(["number", "name", "city"])
        sheet.append(["00991", "Xlsx Farm", "Oban"])
        sheet.append([992, "Numeric Farm", "Oban"])
        buffer = io.BytesIO()
        book.save(buffer)
        run = self._import("customers", buffer.getvalue(), name="export.xlsx")
        self.assertEqual(run.state, "done", run.message)
        self.assertEqual(
            sorted(self.env["res.partner"].search([("city", "=", "Oban")]).mapped("ref")),
            ["00991", "992"],
        )
        # legacy XLS (xlwt is only here to write one)
        import xlwt

        book = xlwt.Workbook()
        sheet = book.add_sheet("Customers")
        for row, values in enumerate([["number", "name", "city"], ["00993", "Xls Farm", "Oban"]]):
            for col, value in enumerate(values):
                sheet.write(row, col, value)
        buffer = io.BytesIO()
        book.save(buffer)
        run = self._import("customers", buffer.getvalue(), name="export.xls")
        self.assertEqual(run.state, "done", run.message)
        self.assertIn("xls", run.file_info)
        self.assertTrue(self.env["res.partner"].search([("ref", "=", "00993")]))

    def test_partial_import_and_refused_rows_file(self):
        text = "number,name\n00201,Good Farm\n00202,\n"
        run = self._import("customers", text)
        self.assertEqual(run.state, "failed")
        self.assertFalse(self.env["res.partner"].search([("ref", "=", "00201")]))
        self.assertEqual(self._refused(run), [(3, "name", "name: Name is required.")])
        refused = self._refused_csv(run).splitlines()
        self.assertEqual(refused[0], "number;name;Import errors")
        self.assertEqual(refused[1], "00202;;name: Name is required.")
        partial = self._import("customers", text, allow_partial=True)
        self.assertEqual(partial.state, "done")
        self.assertEqual((partial.count_created, partial.count_refused), (1, 1))
        # the refused file, fixed, imports (its error column is ignored)
        fixed = self._refused_csv(run).replace("00202;;", "00202;Fixed Farm;")
        again = self._import("customers", fixed)
        self.assertEqual((again.state, again.count_created), ("done", 1), again.message)

    def test_only_service_managers_import(self):
        with self.assertRaises(AccessError):
            self.importer.with_user(self.staff)._import_file(
                "customers", self.gold_customers, GOLD.encode(), "x.csv"
            )

    def test_dms_owned_fields_locked_outside_imports(self):
        self._import("customers", GOLD, self.gold_customers)
        hill = self.env["res.partner"].search([("ref", "=", "00123")])
        with self.assertRaisesRegex(UserError, "dealer management system"):
            hill.with_user(self.staff_admin).write({"city": "Elsewhere"})
        # the import's context is no pass for those who may not import
        with self.assertRaisesRegex(UserError, "dealer management system"):
            hill.with_user(self.staff).with_context(connect_dms_import=True).write(
                {"city": "Elsewhere"}
            )
        # what the DMS does not own stays editable, and so does an unchanged value
        hill.with_user(self.staff_admin).write({"comment": "Good payer", "city": "Ayr"})
        self.assertFalse(self.farm.connect_dms_managed)
        self.farm.with_user(self.staff_admin).write({"city": "Elsewhere"})


@tagged("post_install", "-at_install")
class TestDmsImportBadFiles(DmsImportCase):
    """Each bad file: a report naming row and column, nothing written."""

    def _assert_nothing_written(self, run):
        self.assertEqual(run.state, "failed")
        self.assertFalse(
            self.env["res.partner"].search([("ref", "in", ["00301", "00302", "00303"])])
        )

    def test_empty_file(self):
        for text in ("", "   \n\n"):
            run = self._import("customers", text)
            self._assert_nothing_written(run)
            self.assertIn("empty", run.message)
        run = self._import("customers", "number,name\n")
        self.assertIn("header but no rows", run.message)

    def test_truncated_file(self):
        run = self._import("customers", "number,name,city\n00301,One,Ayr\n00302,Two")
        self._assert_nothing_written(run)
        self.assertEqual(self._refused(run)[0][:2], (3, "city"))
        self.assertIn("cut short", self._refused(run)[0][2])
        run = self._import("customers", 'number,name,city\n00301,One,Ayr\n00302,"Two, Ltd')
        self._assert_nothing_written(run)
        self.assertIn("row 3", run.message)
        run = self._import("customers", b"PK\x03\x04 not really a workbook", name="x.xlsx")
        self._assert_nothing_written(run)
        self.assertIn("XLSX", run.message)

    def test_wrong_encoding(self):
        # declared UTF-8, is Latin-1
        profile = self.generic["customers"].copy({"encoding": "utf-8"})
        text = "number,name\n00301,One\n00302,Caf\xe9\n".encode("latin-1")
        run = self._import("customers", text, profile)
        self._assert_nothing_written(run)
        self.assertIn("row 3", run.message)
        # half UTF-8, half Latin-1: the Latin-1 row is named, with its
        # column, its text as Latin-1 reads it
        text = "number,name\n00301,Caf\xe9\n".encode() + "00302,Caf\xe9\n".encode("latin-1")
        run = self._import("customers", text)
        self._assert_nothing_written(run)
        self.assertIn("Row 3, column name, is in Latin-1 (Caf\xe9)", run.message)
        # and the other way round: one UTF-8 row in a Latin-1 file
        text = "number,name\n00301,Caf\xe9\n00302,No\xebl\n".encode("latin-1")
        text += "00303,M\xfcller\n".encode()
        run = self._import("customers", text)
        self._assert_nothing_written(run)
        self.assertIn("Row 4, column name, is in UTF-8 (M\xfcller)", run.message)
        # UTF-16 or a binary file
        run = self._import("customers", "number,name\n00301,One\n".encode("utf-16"))
        self._assert_nothing_written(run)
        self.assertIn("not a text file", run.message)

    def test_missing_and_extra_columns(self):
        run = self._import("customers", "number,town\n00301,Ayr\n")
        self._assert_nothing_written(run)
        self.assertIn("Missing column(s): name (Name)", run.message)
        self.assertIn("does not know: town", run.message)
        lenient = self.generic["customers"].copy({"ignore_extra_columns": True})
        run = self._import("customers", "number,name,town\n00301,One,Ayr\n", lenient)
        self.assertEqual(run.state, "done", run.message)

    def test_duplicate_numbers_in_file(self):
        run = self._import("customers", "number,name\n00301,One\n00302,Two\n00301,Three\n")
        self._assert_nothing_written(run)
        self.assertEqual(
            self._refused(run), [(4, "number", "number: 00301 is also on row 2 of the file.")]
        )

    def test_amounts_and_dates(self):
        text = (
            "number,customer_number,date,amount_total,amount_residual\n"
            "INV1,90001,31/12/2025,100.00,-5\n"
            "INV2,90001,2025-12-31,abc,10\n"
            "INV3,90001,31.12.2025,1,250.00,10\n"
            "INV4,90001,12/31/2025,100,10\n"
        )
        run = self._import("invoices", text)
        self.assertEqual(run.state, "failed")
        self.assertFalse(self.env["account.move"].search([("dms_number", "like", "INV")]))
        self.assertEqual(
            self._refused(run),
            [
                (2, "amount_residual", "amount_residual: -5 is negative."),
                (3, "amount_total", "amount_total: abc is not a number."),
                (4, "", "the row has values beyond the header's 5 columns."),
                (5, "date", "date: 12/31/2025 is not a date (e.g. 31/12/2026 or 2026-12-31)."),
            ],
        )
        # the three day-first formats all read
        good = text.replace(",-5", ",5").replace("abc", "100").replace("1,250.00", "100")
        good = good.replace("12/31/2025", "31-12-2025")
        dry = self._import("invoices", good, dry_run=True)
        self.assertEqual(dry.count_created, 4, dry.message + str(self._refused(dry)))
