from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Payment reminders arrive: the shipped levels that handle money receive
    them (as a new install gives them, see hooks.py)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["customer_connect.access.level"].with_context(active_test=False).search(
        [("code", "in", ("full", "accounts_payable", "payments_only"))]
    ).write({"can_receive_reminders": True})
