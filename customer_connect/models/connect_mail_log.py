from odoo import Command, api, fields, models

MAIL_KINDS = [
    ("invitation", "Invitation"),
    ("company_added", "Company added to login"),
    ("welcome", "Welcome"),
    ("password_reset", "Password reset"),
    ("account_summary", "Account summary"),
    ("statement", "Statement"),
    ("staff_invitation", "Dealership user invitation"),
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
    def _send(self, template, partners, kind, log_partner=None):
        """Queue the e-mail ``template`` (a mail.template on res.partner, or its
        XML id) to each
        of ``partners`` through Odoo's mail queue and record it in the e-mail
        history. The one way Customer Connect sends e-mail.

        :param log_partner: the contact the history row belongs to, when it is
            not the recipient (a login shared between dealer companies).
        :return: the history rows created
        """
        if isinstance(template, str):
            template = self.env.ref(template)
        # rendering reads signup links (admin-only fields); the callers checked
        # their caller, and the e-mail goes to the contact, not to them
        template = template.sudo()
        if not partners:
            return self.browse()
        mails = template.send_mail_batch(partners.ids, force_send=False)
        mail_by_partner = {mail.res_id: mail for mail in mails}
        vals_list = []
        for partner in partners:
            mail = mail_by_partner.get(partner.id)
            if mail and (
                mail.email_to != partner.email_formatted or mail.email_cc or mail.recipient_ids
            ):
                # these e-mails carry links into the contact's account: they
                # go to the contact alone, whatever an edited template says
                mail.write(
                    {
                        "email_to": partner.email_formatted,
                        "email_cc": False,
                        "recipient_ids": [Command.clear()],
                    }
                )
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
