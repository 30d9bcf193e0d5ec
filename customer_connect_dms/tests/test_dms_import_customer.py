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

    def test_connector_api_records(self):
        run = self.importer._import_records(
            "customers", [{"number": "00501", "name": "Api Farm", "city": "Ayr"}]
        )
        self.assertEqual((run.state, run.source, run.count_created), ("done", "api", 1))
        self.assertTrue(self.env["res.partner"].search([("ref", "=", "00501")]).connect_dms_managed)
