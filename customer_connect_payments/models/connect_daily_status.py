from odoo import api, models


class CustomerConnectDailyStatus(models.AbstractModel):
    _inherit = "customer_connect.daily.status"

    @api.model
    def _connect_daily_status_sources(self):
        # payments received through the portal (section 50); remittances
        # received and waiting to be matched, payment reminders sent and
        # left out (sections 55)
        return [
            *super()._connect_daily_status_sources(),
            "customer_connect.payment.service",
            "customer_connect.remittance",
            "customer_connect.payment.reminder.service",
        ]
