from odoo import fields, models


class CustomerConnectDisputeReason(models.Model):
    """Why a customer disputes an invoice: a list the dealer keeps (a few
    ship with the addon); the contact picks one when raising a dispute."""

    _name = "customer_connect.dispute.reason"
    _description = "Customer Connect dispute reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="The dealer company that offers this reason; empty for all of them.",
    )
    description = fields.Text(translate=True, help="Shown to staff only.")
