from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _connect_pay_url(self, amount=None, currency=None):
        """A statement's QR code (and the pay link of invoice and statement
        e-mails) opens the express pay page of this customer's open items:
        a signed, expiring link bound to the customer, no sign-in needed."""
        self.ensure_one()
        customer = self.commercial_partner_id
        company = customer.company_id or self.env.company
        token = self.env["customer_connect.payment.service"]._express_token(customer, company)
        return f"{self.get_base_url()}/pay/express/{token}"
