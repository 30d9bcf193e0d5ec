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
