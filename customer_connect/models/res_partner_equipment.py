from odoo import fields, models


# A file of its own, as the equipment area's (room's) part of the partner,
# rather than res_partner.py: the areas then merge without conflict.
class ResPartner(models.Model):
    """The equipment area on the customer: its machines (a smart button for
    dealer staff) and the contact's wish for warranty and service reminders."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    connect_pref_equipment_reminders = fields.Boolean(
        "Equipment reminders by e-mail",
        default=True,
        help="E-mail this contact before a warranty of the customer's machines "
        "ends and before a service falls due.",
    )
    connect_equipment_count = fields.Integer(
        "Machines",
        compute="_compute_connect_equipment_count",
        groups="customer_connect.group_connect_user",
    )

    def _compute_connect_equipment_count(self):
        counts = dict(
            self.env["customer_connect.equipment"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.connect_equipment_count = counts.get(partner.commercial_partner_id, 0)

    def action_connect_view_equipment(self):
        """The machines of this customer (of a contact: of its customer)."""
        self._connect_check_staff_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_connect.action_connect_equipment"
        )
        customers = self.commercial_partner_id
        action["domain"] = [("partner_id", "in", customers.ids)]
        action["context"] = {"default_partner_id": customers[:1].id}
        return action
