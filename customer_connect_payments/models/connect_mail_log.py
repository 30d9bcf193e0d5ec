from odoo import fields, models


class CustomerConnectMailLog(models.Model):
    _inherit = "customer_connect.mail.log"

    kind = fields.Selection(
        selection_add=[
            ("payment_receipt", "Payment receipt"),
            ("payment_reminder", "Payment reminder"),
        ],
        ondelete={"payment_receipt": "cascade", "payment_reminder": "cascade"},
    )
