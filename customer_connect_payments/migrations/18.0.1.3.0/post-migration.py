from odoo import SUPERUSER_ID, api

# the areas this version brings to customer_connect_payments (issue 21)
NEW_AREAS = ("reminders", "remittances", "autopay")


def migrate(cr, version):
    """Payment reminders, remittances and autopay arrive: each company's shipped
    levels open them where a new install does (see _default_levels_values)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["customer_connect.access.level"]._open_areas_on_shipped_levels(NEW_AREAS)
