from odoo import api, models


class CustomerConnectDailyStatus(models.AbstractModel):
    _inherit = "customer_connect.daily.status"

    @api.model
    def _connect_daily_status_sources(self):
        # the day's imports and their refused rows (section 60)
        return [*super()._connect_daily_status_sources(), "customer_connect_dms.import.run"]
