import csv
import os
import tempfile

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DmsImportCase

HEADER = (
    "number,customer_number,date,due_date,amount_total,amount_residual,"
    "discount_date,settlement_amount,description\n"
)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestDmsExportPayment(DmsImportCase):
    """Payments made in Odoo on imported invoices, reported to the DMS."""

    def test_payments_made_in_odoo_exported_for_the_dms(self):
        self._import("invoices", HEADER + "SI20,90001,15/02/2026,,100.00,60.00,,,\n")
        invoice = self.env["account.move"].search([("dms_number", "=", "SI20")])
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 25.0, "payment_date": "2026-03-01"})._create_payments()
        rows = self.env["customer_connect_dms.api"].export_payments("2026-01-01")
        self.assertEqual(
            [(r["invoice_number"], r["customer_number"], r["amount"], r["date"]) for r in rows],
            [("SI20", "90001", 25.0, "2026-03-01")],
            "the DMS's own settlement (40.00) is not reported back",
        )
        self.assertEqual(invoice.amount_residual, 35.0)

    def test_payments_exported_once_to_the_drop_folder(self):
        folder = tempfile.mkdtemp()
        self.env["ir.config_parameter"].set_param("customer_connect_dms.drop_folder", folder)
        self._import("invoices", HEADER + "SI21,90001,15/02/2026,,100.00,100.00,,,\n")
        invoice = self.env["account.move"].search([("dms_number", "=", "SI21")])

        def pay(amount):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"amount": amount, "payment_date": "2026-03-01"})._create_payments()

        def exported():
            out = os.path.join(folder, "out")
            rows = []
            for name in sorted(os.listdir(out)):
                self.assertTrue(name.endswith(".csv"), name)
                with open(os.path.join(out, name), encoding="utf-8") as handle:
                    rows += [(r["invoice_number"], r["amount"]) for r in csv.DictReader(handle)]
            return rows

        Api = self.env["customer_connect_dms.api"]
        pay(30.0)
        Api._cron_import_drop_folder()
        self.assertEqual(exported(), [("SI21", "30.0")])
        Api._cron_import_drop_folder()
        self.assertEqual(exported(), [("SI21", "30.0")], "nothing exported twice")
        pay(20.0)
        Api._cron_import_drop_folder()
        self.assertEqual(exported(), [("SI21", "30.0"), ("SI21", "20.0")])
        # a file left unreleased by a crash after its watermark was committed
        with open(os.path.join(folder, "out", "payments-x.csv.pending"), "w") as handle:
            handle.write("invoice_number,amount\nSI99,1.0\n")
        Api._cron_import_drop_folder()
        self.assertIn("payments-x.csv", os.listdir(os.path.join(folder, "out")))
