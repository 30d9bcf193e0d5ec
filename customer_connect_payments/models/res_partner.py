from werkzeug.urls import url_encode

from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _connect_pay_url(self, amount=None, currency=None):
        """A statement's QR code opens the express pay page of this
        customer's open items: a signed, expiring link bound to the
        customer, no sign-in needed."""
        self.ensure_one()
        customer = self.commercial_partner_id
        company = customer.company_id or self.env.company
        return self._connect_express_url(company)

    def _connect_express_url(self, company, invoices=None):
        """The express pay page of this contact's customer in ``company``,
        with ``invoices`` ticked."""
        self.ensure_one()
        token = self.env["customer_connect.payment.service"]._express_token(
            self.commercial_partner_id, company
        )
        query = url_encode({f"pay_{invoice.id}": 1 for invoice in invoices or ()})
        return f"{self.get_base_url()}/pay/express/{token}" + (f"?{query}" if query else "")

    def _connect_email_pay_url(self, company, invoices=None):
        """The pay link of the statements and invoices e-mailed to this
        contact: only to a contact whose access level grants payments and
        who was not inactivated (a level without payments means the dealer
        does not want this contact paying, signed in or not)."""
        self.ensure_one()
        if self.connect_state == "inactive" or not self.connect_access_level_id._grants("payments"):
            return False
        return self._connect_express_url(company, invoices)
