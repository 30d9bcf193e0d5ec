from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _has_to_be_paid(self):
        # A portal contact whose access level does not grant payments is not
        # offered Odoo's Pay Now button; the payment routes refuse it too.
        user = self.env.user
        if user._is_portal() and not user.partner_id.connect_access_level_id.grants("can_pay"):
            return False
        return super()._has_to_be_paid()
