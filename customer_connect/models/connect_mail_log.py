from odoo import api, fields, models

MAIL_KINDS = [
    ("invitation", "Invitation"),
    ("company_added", "Company added to login"),
    ("welcome", "Welcome"),
    ("password_reset", "Password reset"),
    ("account_summary", "Account summary"),
    ("statement", "Statement"),
    ("staff_invitation", "Dealership user invitation"),
    ("equipment_reminder", "Equipment reminder"),
    ("dispute", "Dispute"),
]
MAIL_LOG_STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("bounced", "Bounced"),
    ("failed", "Failed"),
]


class CustomerConnectMailLog(models.Model):
    """E-mail history: one row per e-mail Customer Connect sends, kept after
    Odoo deletes the mail itself, with what became of it."""

    _name = "customer_connect.mail.log"
    _description = "Customer Connect e-mail history"
    _order = "create_date desc, id desc"
    _rec_name = "subject"

    partner_id = fields.Many2one(
        "res.partner", "Contact", required=True, index=True, ondelete="cascade"
    )
    commercial_partner_id = fields.Many2one(
        "res.partner", "Customer", index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", index=True)
    kind = fields.Selection(MAIL_KINDS, required=True)
    recipient = fields.Char(required=True)
    subject = fields.Char()
    state = fields.Selection(MAIL_LOG_STATES, default="queued", required=True, index=True)
    failure_reason = fields.Text()
    sent_date = fields.Datetime("Sent on")
    mail_id = fields.Many2one("mail.mail", index="btree_not_null", ondelete="set null")
    message_id = fields.Char("Message-Id", index="btree_not_null")
    author_id = fields.Many2one("res.users", "Sent by", default=lambda self: self.env.user)

    @api.model
    def _record(self, kind, mails_by_partner, log_partner=None):
        """One history row per recipient of an e-mail of ``kind``, with the
        queued ``mail.mail`` it became (or none: failed).

        :param mails_by_partner: {recipient partner: mail.mail or empty}
        :param log_partner: the contact the rows belong to, when it is not
            the recipient (a login shared between dealer companies).
        """
        vals_list = []
        for partner, mail in mails_by_partner.items():
            contact = log_partner or partner
            vals_list.append(
                {
                    "partner_id": contact.id,
                    "commercial_partner_id": contact.commercial_partner_id.id,
                    "company_id": contact._connect_company().id,
                    "kind": kind,
                    "recipient": mail.email_to if mail else partner.email,
                    "subject": mail.subject if mail else False,
                    "mail_id": mail.id if mail else False,
                    "message_id": mail.message_id if mail else False,
                    "state": "queued" if mail else "failed",
                }
            )
        # the history is written by the system, never by hand: no create right
        return self.sudo().create(vals_list)

    @api.model
    def _update_from_mails(self, mails, failure_reason=False, failure_type=None, success=True):
        # called by the mail queue's cron, whoever sent the mail
        logs = self.sudo().search([("mail_id", "in", mails.ids)])
        if not logs:
            return
        if success:
            now = fields.Datetime.now()
            for log in logs:
                log.write(
                    {
                        "state": "sent",
                        "sent_date": now,
                        "failure_reason": False,
                        "message_id": log.mail_id.message_id,
                    }
                )
        else:
            logs.write(
                {
                    "state": "failed",
                    "failure_reason": failure_reason or failure_type or "unknown",
                }
            )

    @api.model
    def _mark_bounced(self, message_ids, email):
        # called by the incoming mail gateway
        logs = self.sudo().search([("message_id", "in", message_ids)])
        logs.write({"state": "bounced", "failure_reason": f"Bounced: {email}"})
