import os
import tempfile

from odoo.tests import HttpCase, new_test_user, tagged

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
        from ..models import dms_importer

        folder = tempfile.mkdtemp()
        Param = self.env["ir.config_parameter"]
        Param.set_param("customer_connect_dms.drop_folder", folder)
        Param.set_param("customer_connect_dms.drop_profile_customers", self.generic["customers"].id)
        with open(os.path.join(folder, "customers-big.csv"), "w") as handle:
            handle.write(
                "number,name\n" + "".join(f"0095{i},Big Folder Farm {i}\n" for i in range(4))
            )
        limit = dms_importer.FOREGROUND_MAX_ROWS
        dms_importer.FOREGROUND_MAX_ROWS = {"customers": 3}
        try:
            self.env["customer_connect_dms.api"]._cron_import_drop_folder()
        finally:
            dms_importer.FOREGROUND_MAX_ROWS = limit
        run = self.env["customer_connect_dms.import.run"].search([("source", "=", "folder")])
        self.assertEqual(run.state, "queued")
        self.assertEqual(os.listdir(os.path.join(folder, "done")), ["customers-big.csv"])
