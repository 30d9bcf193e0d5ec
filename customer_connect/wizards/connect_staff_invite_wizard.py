from odoo import _, fields, models


class CustomerConnectStaffInviteWizard(models.TransientModel):
    """ "+ Add" on Dealership Users: invite a colleague by e-mail."""

    _name = "customer_connect.staff.invite.wizard"
    _description = "Invite a dealership user"

    email = fields.Char(required=True)
    name = fields.Char()
    role = fields.Selection(
        [("user", "User"), ("admin", "Administrator")], default="user", required=True
    )

    def action_invite(self):
        self.ensure_one()
        user = self.env["res.users"]._connect_invite_staff(self.email.strip(), self.name, self.role)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Dealership users"),
                "message": _("Invitation sent to %(email)s.", email=user.email),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
