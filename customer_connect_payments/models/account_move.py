from odoo import models
from odoo.http import request


class AccountMove(models.Model):
    _inherit = "account.move"

    def _has_to_be_paid(self):
        # A portal contact whose access level does not open payments for this
        # invoice's company is not offered Odoo's Pay Now button; the payment
        # routes refuse it too. The portal renders invoices as the superuser:
        # the request's own user decides.
        moves = self
        if self.env.su and request and request.env.uid:
            moves = self.with_user(request.env.user)
        if not moves._connect_opens_for("payments"):
            return False
        return super()._has_to_be_paid()

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        """An invoice e-mailed to its customer carries a "Pay now" button
        beside "View invoice": the express pay page with this invoice ticked.
        It goes to the e-mail only (the layout renders it per recipient
        group): the chatter keeps the message without the link, as the link
        is a bearer token of the customer's."""
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        if not self or not self._connect_offers_email_pay_link():
            return groups
        for name, _matches, data in groups:
            if name == "portal_customer":
                # sudo: whoever sends the invoice (an accountant) need not
                # read Customer Connect's access levels; the link is for the
                # invoice's own customer and goes only into its e-mail
                url = self.partner_id.sudo()._connect_email_pay_url(self.company_id, self)
                if url:
                    data["connect_pay_button"] = {"url": url, "title": self.env._("Pay now")}
        return groups

    def _connect_offers_email_pay_link(self):
        """Whether this invoice's e-mail offers the express pay link: a
        posted customer invoice with something left to pay, not in dispute
        (express pay leaves disputed invoices out)."""
        self.ensure_one()
        return (
            not self.connect_in_dispute
            and self.move_type == "out_invoice"
            and self.state == "posted"
            and self.payment_state in ("not_paid", "partial")
            and not self.currency_id.is_zero(self.amount_residual)
        )
