from odoo import _, api, fields, models


class CustomerConnectInviteWizard(models.TransientModel):
    """Invite one customer: choose which of its contacts gets the e-mail."""

    _name = "customer_connect.invite.wizard"
    _description = "Invite a customer to Customer Connect"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, readonly=True)
    candidate_ids = fields.Many2many("res.partner", compute="_compute_candidate_ids")
    contact_id = fields.Many2one(
        "res.partner",
        "Send the invitation to",
        domain="[('id', 'in', candidate_ids)]",
    )
    has_candidates = fields.Boolean(compute="_compute_candidate_ids")

    @api.depends("partner_id")
    def _compute_candidate_ids(self):
        for wizard in self:
            wizard.candidate_ids = wizard.partner_id._connect_invite_candidates()
            wizard.has_candidates = bool(wizard.candidate_ids)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if (
            values.get("partner_id")
            and "contact_id" in fields_list
            and not values.get("contact_id")
        ):
            partner = self.env["res.partner"].browse(values["partner_id"])
            values["contact_id"] = partner._connect_invite_candidates()[:1].id
        return values

    def action_invite(self):
        self.ensure_one()
        contact = self.contact_id
        if not contact:
            contact = self.partner_id  # lets _connect_invite say why it cannot
        _code, message = contact._connect_invite()[contact]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Customer Connect"),
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
