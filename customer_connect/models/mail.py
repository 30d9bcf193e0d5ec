from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

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
