"""Credit shown in the demo dealer: Northfield shows credit on its portal,
and Greenacres Farm has a credit limit that its open invoices and orders
use part of."""

import math

from odoo import api, models

DEMO_CUSTOMER = "Greenacres Farm"


class CustomerConnectDemo(models.AbstractModel):
    _inherit = "customer_connect.demo"

    @api.model
    def _generate_demo_dealer(self, customer_count=150, seed=18):
        customers = super()._generate_demo_dealer(customer_count=customer_count, seed=seed)
        self._demo_credit(customers, self.env.company)
        return customers

    @api.model
    def _demo_credit(self, customers, company):
        """Turn credit on (Odoo's credit limit and the portal's switch) and
        give Greenacres Farm a limit 10,000 above what it uses, rounded up
        to the next 5,000: the three figures all show."""
        company.write({"account_use_credit_limit": True, "connect_portal_show_credit": True})
        farm = customers.filtered(lambda c: c.name == DEMO_CUSTOMER)[:1].with_company(company)
        if not farm:
            return
        used = farm.credit + farm.credit_to_invoice
        farm.credit_limit = math.ceil((max(used, 0.0) + 10000.0) / 5000.0) * 5000.0
