from odoo.tests import HttpCase, new_test_user, tagged

from .common import DmsImportCase


@tagged("post_install", "-at_install")
class TestDmsImportTour(DmsImportCase, HttpCase):
    def test_upload_dry_run_then_import(self):
        new_test_user(
            self.env,
            "dms_tour",
            password="dms_tour-2026",
            groups="base.group_user,customer_connect_dms.group_dms_number_manager",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        self.start_tour(
            "/odoo/action-customer_connect_dms.action_dms_import_runs",
            "customer_connect_dms_import",
            login="dms_tour",
        )
        runs = self.env["customer_connect_dms.import.run"].search(
            [("file_name", "=", "tour-customers.csv")], order="id"
        )
        self.assertEqual(runs.mapped("state"), ["dry_run", "done"])
        farm = self.env["res.partner"].search([("ref", "=", "00555")])
        self.assertEqual(
            (farm.name, farm.city, farm.company_id), ("Tour Farm", "Ayr", self.company)
        )
