from odoo import api, fields, models
from odoo.tools import email_normalize

MAIL_KINDS = [
    ("invitation", "Invitation"),
    ("company_added", "Company added to login"),
    ("welcome", "Welcome"),
    ("password_reset", "Password reset"),
    ("account_summary", "Account summary"),
    ("statement", "Statement"),
    ("staff_invitation", "Dealership user invitation"),
    ("equipment_reminder", "Equipment reminder"),
    ("invitation_reminder", "Invitation reminder"),
    ("daily_status", "Daily status"),
    ("dispute", "Dispute"),
]
# e-mails whose bounce marks the contact's address as failing on the
# dashboard (what a customer's contact is sent to reach the portal or its
# statement; a bounced equipment reminder or receipt says as much, but the
# issue asks for these, the ones the dealer acts on)
BOUNCE_MARKS_KINDS = ("invitation", "invitation_reminder", "statement", "account_summary")
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
                    "recipient": (mail.email_to if mail else False) or partner.email,
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
            # a later e-mail the mail server accepted: the address works again
            # (should it bounce too, the bounce marks it once more)
            logs.partner_id._connect_clear_email_failing(sent_logs=logs)
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
        logs.filtered(lambda log: log.kind in BOUNCE_MARKS_KINDS)._connect_mark_email_failing()

    def _connect_mark_email_failing(self):
        """The contacts of these bounced e-mails have a failing address, if
        it is still the address the e-mail went to (a contact whose address
        was corrected since is not marked)."""
        now = fields.Datetime.now()
        # no sudo() here: its one caller (_mark_bounced, the mail gateway)
        # hands these logs over as the system already
        for log in self:
            contact = log.partner_id
            if email_normalize(contact.email or "") != email_normalize(log.recipient or ""):
                continue
            # the system writes the contact's protected mail state
            contact.write(
                {
                    "connect_email_failing": True,
                    "connect_email_failing_since": now,
                    "connect_email_failing_log_id": log.id,
                }
            )
