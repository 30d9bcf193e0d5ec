"""Where credit shown reaches other models: the access level's flag and the
company's switch (Settings)."""

from odoo import api, fields, models


class CustomerConnectAccessLevel(models.Model):
    _inherit = "customer_connect.access.level"  # pylint: disable=consider-merging-classes-inherited

    can_see_credit = fields.Boolean("See credit limit")

    @api.model
    def _portal_areas(self):
        return {**super()._portal_areas(), "credit": "can_see_credit"}

    @api.model
    def _default_levels_values(self):
        # the levels that handle the customer's money (as promises to pay
        # and remittances); Status only follows orders and machines
        showing = {"full", "accounts_payable", "payments_only"}
        return [
            {**vals, "can_see_credit": vals["code"] in showing}
            for vals in super()._default_levels_values()
        ]


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    connect_portal_show_credit = fields.Boolean(
        "Show credit on the portal",
        help="Customers' contacts whose level shows credit see their credit limit, what is "
        "used and what is left on the portal's home. It needs Invoicing's Sales Credit "
        "Limit (the limits are Odoo's).",
    )

    def _connect_shows_credit(self):
        """Whether this company shows credit on its portal: its own switch
        and Odoo's credit limit, which its limits and orders count under."""
        self.ensure_one()
        # sudo: a portal login reads its dealer company's two switches
        company = self.sudo()
        return company.connect_portal_show_credit and company.account_use_credit_limit


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    connect_portal_show_credit = fields.Boolean(
        related="company_id.connect_portal_show_credit", readonly=False
    )
