from odoo import api, models


class MailMail(models.Model):
    _inherit = "mail.mail"

    @api.model_create_multi
    def create(self, vals_list):
        mails = super().create(vals_list)
        kind = self.env.context.get("connect_mail_log_kind")
        partner_id = self.env.context.get("connect_mail_log_partner")
        if kind and partner_id:
            # an e-mail Odoo sends for Customer Connect's contacts (its portal
            # wizard's welcome): the history row must exist before the mail
            # is sent, for _postprocess_sent_message to find it
            # the contact's customer and company, read for the history row
            # (the system's record, see _record); the wizard checked its caller
            contact = self.env["res.partner"].sudo().browse(partner_id)
            if mails:
                self.env["customer_connect.mail.log"]._record(kind, {contact: mails[:1]})
        return mails

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # Before super: an auto_delete mail is gone after it.
        failed = self if failure_type else self.filtered(lambda m: m.state == "exception")
        log = self.env["customer_connect.mail.log"]
        if failed:
            log._update_from_mails(
                failed,
                failure_reason or failed[:1].failure_reason,
                failure_type,
                success=False,
            )
        if self - failed:
            log._update_from_mails(self - failed)
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _routing_handle_bounce(self, email_message, message_dict):
        result = super()._routing_handle_bounce(email_message, message_dict)
        # by Message-Id: the mail and its message are usually deleted by then
        if message_dict.get("bounced_msg_ids"):
            self.env["customer_connect.mail.log"]._mark_bounced(
                message_dict["bounced_msg_ids"], message_dict.get("bounced_email")
            )
        return result
