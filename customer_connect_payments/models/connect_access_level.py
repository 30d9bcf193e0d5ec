from odoo import api, fields, models


class CustomerConnectAccessLevel(models.Model):
    _inherit = "customer_connect.access.level"

    can_pay = fields.Boolean("Make payments")
    # remittances area (models/portal_remittances*.py)
    can_send_remittance = fields.Boolean("Send remittance advice")
    # payment reminders: its own flag, not "payments": who is chased for
    # money is the dealer's choice per contact (the customer's bookkeeper,
    # not the owner who only follows orders), and a contact may be reminded
    # without paying online (the e-mail then has no pay link, see
    # res.partner._connect_email_pay_url)
    can_receive_reminders = fields.Boolean("Receive payment reminders")

    @api.model
    def _portal_areas(self):
        return {
            **super()._portal_areas(),
            "payments": "can_pay",
            "remittances": "can_send_remittance",
            "reminders": "can_receive_reminders",
        }

    @api.model
    def _default_levels_values(self):
        # the shipped levels that handle money pay, and are reminded, too
        paying = {"full", "accounts_payable", "payments_only"}
        return [
            {
                **vals,
                "can_pay": vals["code"] in paying,
                # a remittance says which invoices a bank transfer pays: the
                # same levels as paying online (Status only handles no money)
                "can_send_remittance": vals["code"] in paying,
                "can_receive_reminders": vals["code"] in paying,
            }
            for vals in super()._default_levels_values()
        ]
