from odoo.tests import tagged

from .common import DmsImportCase

GOLD = (
    "Account,Name,Address 1,Town,County,Post Code,Country,Telephone,E-Mail\n"
    "00123,Hill Top Farm,1 Hill Road,Ayr,,KA7 1AA,GB,01292 000000,office@hilltop.example\n"
    "00124,Glen Estates,The Lodge,Perth,,PH1 1AA,GB,,\n"
)


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
