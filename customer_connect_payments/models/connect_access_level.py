from odoo import api, fields, models


class CustomerConnectAccessLevel(models.Model):
    _inherit = "customer_connect.access.level"

    can_pay = fields.Boolean("Make payments")

    @api.model
    def _portal_areas(self):
        return {**super()._portal_areas(), "payments": "can_pay"}

    @api.model
    def _default_levels_values(self):
        # the shipped levels that handle money pay too
        paying = {"full", "accounts_payable", "payments_only"}
        return [
            {**vals, "can_pay": vals["code"] in paying} for vals in super()._default_levels_values()
        ]
