from odoo.tests import tagged

from odoo.addons.customer_connect.tests.common import pdf_text

from .common import PayCase


@tagged("post_install", "-at_install")
class TestPaymentReceiptPdf(PayCase):
    """The receipt e-mailed after an online payment, read back as the
    customer's PDF reader reads it: the dealer's letterhead and the
    payment's reference (a real PDF, wkhtmltopdf with patched qt)."""

    def test_receipt_pdf(self):
        self.company.write(
            {
                "name": "Northfield Machinery Ltd",
                "street": "12 Station Road",
                "city": "Perth",
                "zip": "PH1 5AB",
            }
        )
        invoice = self._invoice(250.0)
        self.authenticate(self.user.login, self.password)
        page = self._pay_page(f"pay_{invoice.id}=1")
        values = self._start(self._quote_of(page), 250.0)
        # the receipt is rendered while the payment is processed: here as a
        # real PDF (wkhtmltopdf), in the test's thread
        Tx = self.env["payment.transaction"].sudo().with_context(force_report_rendering=True)
        Tx._handle_notification_data(
            "demo",
            {
                "reference": values["reference"],
                "simulated_state": "done",
                "payment_details": "4242",
            },
        )
        tx = Tx.search([("reference", "=", values["reference"])])
        tx._post_process()
        log = self.env["customer_connect.mail.log"].search(
            [("partner_id", "=", self.farm_billing.id), ("kind", "=", "payment_receipt")]
        )
        attachment = log.mail_id.attachment_ids
        self.assertEqual(len(attachment), 1)
        self.assertTrue(attachment.name.endswith(".pdf"), attachment.name)
        text = pdf_text(attachment.raw)
        for part in ("Northfield Machinery Ltd", "12 Station Road", "Perth", "PH1 5AB"):
            self.assertIn(part, text, "the dealer's letterhead")
        self.assertIn(tx.payment_id.name, text)
        self.assertIn("250.00", text)
        self.assertNotIn("PROFORMA", text.upper())
