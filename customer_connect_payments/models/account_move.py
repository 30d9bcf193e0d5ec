from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _has_to_be_paid(self):
        # A portal contact whose access level does not open payments for this
        # invoice's company is not offered Odoo's Pay Now button; the payment
        # routes refuse it too.
        if not self._connect_opens_for("payments"):
            return False
        return super()._has_to_be_paid()
