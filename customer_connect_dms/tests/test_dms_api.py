import csv
import io
import json
import os
import tempfile

from freezegun import freeze_time

from odoo.tests import HttpCase, get_db_name, new_test_user, tagged

from .common import DmsImportCase, call_dms_api


@tagged("post_install", "-at_install")
class TestDmsApi(DmsImportCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "dms_connector",
            password="dms_connector-2026",
            groups="base.group_user,customer_connect_dms.group_dms_number_manager",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )

    def _call(self, method, *args):
        return call_dms_api(self, method, *args)

    def test_json_rpc_upserts_idempotently(self):
        self.authenticate("dms_connector", "dms_connector-2026")
        records = [{"number": "00801", "name": "Rpc Farm", "city": "Ayr"}]
        result = self._call("upsert_customers", records)["result"]
        self.assertEqual((result["state"], result["created"]), ("done", 1))
        again = self._call("upsert_customers", records)["result"]
        self.assertEqual((again["created"], again["unchanged"]), (0, 1))
        contacts = self._call(
            "upsert_contacts", [{"customer_number": "00801", "name": "Al", "email": "bad"}]
        )["result"]
        self.assertEqual(contacts["state"], "failed")
        self.assertEqual(contacts["errors"][0]["row"], 1)
        self.assertEqual(contacts["errors"][0]["column"], "email")
        run = self.env["customer_connect_dms.import.run"].browse(result["run_id"])
        self.assertEqual((run.source, run.user_id), ("api", self.manager))

    def test_refused_rows_file_downloaded_shows_formulas_as_text(self):
        """What the dealer downloads (the run form's "Download refused rows"
        button, Odoo's /web/content) hands no formula to a spreadsheet."""
        data = b"number,name,city\n00811,=1+2,@Ayr\n00812,Good Farm,-2+3\n"
        run = self.importer.with_user(self.manager)._import_file(
            "customers", self.generic["customers"], data, "export.csv"
        )
        self.assertEqual(run.state, "failed")
        action = run.with_user(self.manager).action_download_refused()
        self.authenticate("dms_connector", "dms_connector-2026")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(
            [row[:3] for row in rows[1:]],
            [["00811", "'=1+2", "'@Ayr"], ["00812", "Good Farm", "'-2+3"]],
        )
        for row in rows:
            for cell in row:
                self.assertFalse(cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell)
        # a signed-out visitor gets nothing of it
        self.logout()
        self.assertNotIn("00811", self.url_open(action["url"]).text)

    def test_json_rpc_refused_to_other_staff(self):
        self.authenticate("cc_staff", "cc_staff")
        answer = self._call("upsert_customers", [{"number": "00802", "name": "No"}])
        self.assertIn("error", answer)
        self.assertFalse(self.env["res.partner"].search([("ref", "=", "00802")]))
        # nor does it read what customers paid
        answer = self._call("export_payments", "2000-01-01")
        self.assertIn("error", answer)
        self.assertNotIn("result", answer)
        # the connector itself does
        self.authenticate("dms_connector", "dms_connector-2026")
        self.assertIn("result", self._call("export_payments", "2000-01-01"))


README_RIGHTS = (
    "Importing from the DMS needs an internal user with Customer Connect's "
    '"Service manager: may change customer numbers" and, for invoices, '
    'Invoicing\'s "Billing" (or more), in the company imported into.'
)


@tagged("post_install", "-at_install")
class TestDmsConnectorSetUp(DmsImportCase, HttpCase):
    """The README's "Connector API" set-up as written: a user with the two
    groups it names and an API key, calling Odoo's external API over the
    real HTTP endpoint (/jsonrpc) with the key as the password."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "base.group_user,customer_connect_dms.group_dms_number_manager"
        cls.connector = new_test_user(
            cls.env,
            "dms_key_user",
            groups=groups + ",account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.short = new_test_user(
            cls.env,
            "dms_no_billing",
            groups=groups,
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        # as Preferences > Account Security > New API Key makes it (no scope,
        # no end: sudo as the wizard's "persistent key")
        Keys = cls.env["res.users.apikeys"]
        cls.key = Keys.with_user(cls.connector).sudo()._generate(None, "DMS connector", False)
        cls.short_key = Keys.with_user(cls.short).sudo()._generate(None, "DMS connector", False)

    def _jsonrpc(self, service, method, *args):
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {"service": service, "method": method, "args": list(args)},
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _call(self, login, key, method, *args):
        """The README's example: log in with the key, then execute_kw."""
        db = get_db_name()
        uid = self._jsonrpc("common", "login", db, login, key)["result"]
        self.assertTrue(uid, "the API key signs in as the password")
        return self._jsonrpc(
            "object", "execute_kw", db, uid, key, "customer_connect_dms.api", method, list(args)
        )

    @freeze_time("2026-03-01")
    def test_readme_set_up_imports_every_kind(self):
        customers = self._call(
            "dms_key_user",
            self.key,
            "upsert_customers",
            [{"number": "00123", "name": "Hill Top Farm", "city": "Ayr"}],
        )["result"]
        self.assertEqual((customers["state"], customers["created"]), ("done", 1), customers)
        invoices = self._call(
            "dms_key_user",
            self.key,
            "upsert_invoices",
            [
                {
                    "number": "SIK1",
                    "customer_number": "00123",
                    "date": "2026-02-15",
                    "amount_total": 500.0,
                    "amount_residual": 500.0,
                    "discount_date": "2026-03-10",
                    "settlement_amount": 490.0,
                },
                # part-paid: a settlement entry booked and reconciled
                {
                    "number": "SIK2",
                    "customer_number": "00123",
                    "date": "2026-02-15",
                    "amount_total": 300.0,
                    "amount_residual": 100.0,
                },
            ],
        )["result"]
        self.assertEqual((invoices["state"], invoices["created"]), ("done", 2), invoices)
        part = self.env["account.move"].search([("dms_number", "=", "SIK2")])
        self.assertEqual((part.state, part.amount_residual), ("posted", 100.0))
        for method, record in (
            (
                "upsert_contacts",
                {"customer_number": "00123", "name": "Al", "email": "al@x.example"},
            ),
            ("upsert_equipment", {"dms_key": "K1", "customer_number": "00123", "make": "JD"}),
        ):
            result = self._call("dms_key_user", self.key, method, [record])["result"]
            self.assertEqual((result["state"], result["created"]), ("done", 1), result)
        self.assertIsInstance(
            self._call("dms_key_user", self.key, "export_payments")["result"], list
        )

    def test_missing_rights_refused_with_the_readme_sentence(self):
        answer = self._call(
            "dms_no_billing",
            self.short_key,
            "upsert_invoices",
            [
                {
                    "number": "SIK9",
                    "customer_number": "90001",
                    "date": "2026-02-15",
                    "amount_total": 10.0,
                }
            ],
        )
        self.assertNotIn("result", answer)
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertEqual(answer["error"]["data"]["message"], README_RIGHTS)
        self.assertFalse(self.env["account.move"].search([("dms_number", "=", "SIK9")]))
        # what it has the rights for, it does
        result = self._call(
            "dms_no_billing", self.short_key, "upsert_customers", [{"number": "00124", "name": "X"}]
        )["result"]
        self.assertEqual(result["created"], 1)

    def test_readme_says_it(self):
        """The sentence the API answers is the README's, and the README's
        example calls what this test calls."""
        readme = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")
        with open(readme, encoding="utf-8") as handle:
            text = " ".join(handle.read().split())
        self.assertIn(README_RIGHTS, text)
        self.assertIn('URL + "/jsonrpc"', text)
        self.assertIn('rpc("common", "login", DB, LOGIN, API_KEY)', text)
        self.assertNotIn('URL + "/web/session/authenticate"', text)

    def test_wrong_types_refused_by_record_and_key(self):
        answer = self._call(
            "dms_key_user",
            self.key,
            "upsert_invoices",
            [
                {
                    "number": "SIT1",
                    "customer_number": "90001",
                    "date": "2026-02-15",
                    "amount_total": 1e300,
                },
                {
                    "number": "SIT2",
                    "customer_number": "90001",
                    "date": "2026-02-15",
                    "amount_total": "NaN",
                },
                {
                    "number": "SIT3",
                    "customer_number": ["90001"],
                    "date": "2026-02-15",
                    "amount_total": 5,
                },
                {
                    "number": "SIT4",
                    "customer_number": "90001",
                    "date": {"y": 2026},
                    "amount_total": 5,
                    "description": "=cmd|' /C calc'!A0",
                },
            ],
        )
        result = answer["result"]
        self.assertEqual((result["state"], result["created"]), ("failed", 0))
        self.assertEqual(
            [(e["row"], e["column"]) for e in result["errors"]],
            [
                (1, "amount_total"),
                (2, "amount_total"),
                (3, "customer_number"),
                (4, "date, description"),
            ],
        )
        self.assertFalse(self.env["account.move"].search([("dms_number", "like", "SIT")]))


@tagged("post_install", "-at_install")
class TestDmsDropFolder(DmsImportCase):
    def test_files_imported_and_moved(self):
        folder = tempfile.mkdtemp()
        Param = self.env["ir.config_parameter"]
        Param.set_param("customer_connect_dms.drop_folder", folder)
        for kind in ("customers", "equipment"):
            Param.set_param(f"customer_connect_dms.drop_profile_{kind}", self.generic[kind].id)
        files = {
            "customers-2026-03-01.csv": "number,name\n00901,Folder Farm\n",
            "equipment-bad.csv": "dms_key,customer_number\nK1,00000\n",
            "readme.txt": "nothing to import",
        }
        for name, text in files.items():
            with open(os.path.join(folder, name), "w") as handle:
                handle.write(text)
        self.env["customer_connect_dms.api"]._cron_import_drop_folder()
        runs = self.env["customer_connect_dms.import.run"].search([("source", "=", "folder")])
        self.assertEqual(len(runs), 2, os.listdir(folder))
        self.assertEqual(
            runs.sorted("file_name").mapped("state"), ["done", "failed"], runs.mapped("message")
        )
        self.assertEqual(
            sorted(os.listdir(os.path.join(folder, "done"))), ["customers-2026-03-01.csv"]
        )
        self.assertEqual(
            sorted(os.listdir(os.path.join(folder, "failed"))), ["equipment-bad.csv", "readme.txt"]
        )
        self.assertTrue(self.env["res.partner"].search([("ref", "=", "00901")]))

    def test_big_file_queued_and_moved_to_done(self):
        """A drop-folder export too big for one transaction is queued for the
        background job, its content on the run: the file is done with."""
        from ..models import dms_import_targets

        folder = tempfile.mkdtemp()
        Param = self.env["ir.config_parameter"]
        Param.set_param("customer_connect_dms.drop_folder", folder)
        Param.set_param("customer_connect_dms.drop_profile_customers", self.generic["customers"].id)
        with open(os.path.join(folder, "customers-big.csv"), "w") as handle:
            handle.write(
                "number,name\n" + "".join(f"0095{i},Big Folder Farm {i}\n" for i in range(4))
            )
        limit = dms_import_targets.FOREGROUND_MAX_ROWS
        dms_import_targets.FOREGROUND_MAX_ROWS = {"customers": 3}
        try:
            self.env["customer_connect_dms.api"]._cron_import_drop_folder()
        finally:
            dms_import_targets.FOREGROUND_MAX_ROWS = limit
        run = self.env["customer_connect_dms.import.run"].search([("source", "=", "folder")])
        self.assertEqual(run.state, "queued")
        self.assertEqual(os.listdir(os.path.join(folder, "done")), ["customers-big.csv"])

    def test_big_invoice_file_without_pdf_column_queued(self):
        """A big invoices export naming no PDF copies is queued from the drop
        folder like any big file; one whose PDF column names copies in the
        folder is refused (the background job cannot read the folder's
        PDFs). The check read the profile's columns, not the file's: every
        drop-folder invoices file over the limit was refused."""
        from ..models import dms_import_targets

        folder = tempfile.mkdtemp()
        Param = self.env["ir.config_parameter"]
        Param.set_param("customer_connect_dms.drop_folder", folder)
        Param.set_param("customer_connect_dms.drop_profile_invoices", self.generic["invoices"].id)
        self.assertIn("pdf_file", self.generic["invoices"].line_ids.mapped("target"))
        rows = "".join(f"SIQ{i},90001,15/02/2026,,10.00,10.00\n" for i in range(4))
        header = "number,customer_number,date,due_date,amount_total,amount_residual"
        with open(os.path.join(folder, "invoices-big.csv"), "w") as handle:
            handle.write(f"{header}\n{rows}")
        with open(os.path.join(folder, "invoices-pdfs.csv"), "w") as handle:
            handle.write(f"{header},pdf_file\n" + rows.replace("\n", ",SIQ.pdf\n"))
        limit = dms_import_targets.FOREGROUND_MAX_ROWS
        dms_import_targets.FOREGROUND_MAX_ROWS = {"invoices": 3}
        try:
            self.env["customer_connect_dms.api"]._cron_import_drop_folder()
        finally:
            dms_import_targets.FOREGROUND_MAX_ROWS = limit
        runs = self.env["customer_connect_dms.import.run"].search([("source", "=", "folder")])
        self.assertEqual(
            [(r.file_name, r.state) for r in runs.sorted("file_name")],
            [("invoices-big.csv", "queued"), ("invoices-pdfs.csv", "failed")],
            runs.mapped("message"),
        )
