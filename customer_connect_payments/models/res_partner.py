from werkzeug.urls import url_encode

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    connect_no_reminders = fields.Boolean(
        "No payment reminders",
        help="This customer's contacts are sent no payment reminders.",
    )

    def _connect_pay_url(self, amount=None, currency=None):
        """Where a statement's QR code leads: the portal's pay page, behind
        sign-in. Paper lasts for months and passes through many hands; it
        carries no bearer link (an express link dies with the contact it
        was e-mailed to, which paper cannot): whoever scans it signs in,
        and their own level decides."""
        self.ensure_one()
        return f"{self.get_base_url()}/my/payments/pay"

    def _connect_express_url(self, company, invoices=None):
        """The express pay page of this contact's customer in ``company``,
        with ``invoices`` ticked: a link for this contact (bound to it, see
        ``_express_token``)."""
        self.ensure_one()
        token = self.env["customer_connect.payment.service"]._express_token(self, company)
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
