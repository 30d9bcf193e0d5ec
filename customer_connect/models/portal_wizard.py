from odoo import models


class PortalWizardUser(models.TransientModel):
    """Odoo's own Grant / Revoke Portal Access and Re-invite, used on a
    database where Customer Connect is installed, keep the contact's portal
    state and its e-mail history true."""

    _inherit = "portal.wizard.user"

    def _connect_login(self):
        self.ensure_one()
        # the login just made or re-activated by Odoo's wizard (archived ones too)
        return self.partner_id.sudo().with_context(active_test=False).user_ids[:1]

    def action_grant_access(self):
        result = super().action_grant_access()
        # Odoo's wizard checked the caller (its access rights are Odoo's
        # Contact Creation); the portal state is written by the system
        self.partner_id.sudo()._connect_on_portal_granted(self._connect_login(), self.env.user)
        return result

    def action_revoke_access(self):
        result = super().action_revoke_access()
        # as above: Odoo's wizard checked the caller
        self.partner_id.sudo()._connect_on_portal_revoked()
        return result

    def action_invite_again(self):
        result = super().action_invite_again()
        # as above: Odoo's wizard checked the caller
        self.partner_id.sudo()._connect_on_portal_reinvited(self.env.user)
        return result

    def _send_email(self):
        # Odoo's welcome e-mail (its signup or log-in link) goes in the
        # contact's e-mail history as an invitation: mail.mail.create
        # records it (the mail is sent at once and auto-deleted)
        return super(
            PortalWizardUser,
            self.with_context(
                connect_mail_log_kind="invitation", connect_mail_log_partner=self.partner_id.id
            ),
        )._send_email()
