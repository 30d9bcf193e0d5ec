from odoo.tests import HttpCase, tagged

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestPortalDownloadTour(ConnectCase, HttpCase):
    """A contact downloads an invoice and the statement of account, and
    prints the invoice, as a person clicks them."""

    def test_download_invoice_and_statement(self):
        user = self._activate(self.farm_billing)
        invoice = self.init_invoice("out_invoice", partner=self.farm, amounts=[180])
        invoice.ref = "Baler twine"
        invoice.action_post()
        self.start_tour("/my/activity", "customer_connect_portal_download", login=user.login)
        events = self.env["customer_connect.portal.event"].search(
            [("commercial_partner_id", "=", self.farm.id)]
        )
        self.assertIn("document_downloaded", events.mapped("kind"))
        self.assertIn("statement_downloaded", events.mapped("kind"))
