from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _has_to_be_paid(self):
        # A portal contact whose access level does not grant payments is not
        # offered Odoo's Pay Now button; the payment routes refuse it too.
        if not self.env.user._connect_grants("can_pay"):
            return False
        return super()._has_to_be_paid()
