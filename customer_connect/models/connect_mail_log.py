import textwrap
from types import SimpleNamespace

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import is_html_empty
from odoo.tools.mail import html_to_inner_content

# what _queue_mails takes from a rendered mail.template (send_mail_batch's list
# less attachments and reports, which go through send_mail_batch itself)
MAIL_TEMPLATE_FIELDS = (
    "auto_delete",
    "body_html",
    "email_from",
    "mail_server_id",
    "reply_to",
    "scheduled_date",
    "subject",
)

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
        XML id) to each of ``partners`` through Odoo's mail queue and record it
        in the e-mail history. The one way Customer Connect sends e-mail.

        :param log_partner: the contact the history row belongs to, when it is
            not the recipient (a login shared between dealer companies).
        :return: the history rows created
        """
        if isinstance(template, str):
            template = self.env.ref(template)
        # rendering reads signup links (admin-only fields); the callers checked
        # their caller, and the e-mail goes to the contact, not to them
        template = template.sudo().with_context(connect_reuse_compiled_qweb=True)
        if not partners:
            return self.browse()
        mails = self._queue_mails(template, partners)
        mail_by_partner = {mail.res_id: mail for mail in mails}
        vals_list = []
        for partner in partners:
            mail = mail_by_partner.get(partner.id)
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
    def _queue_mails(self, template, partners):
        """One outgoing mail.mail per partner, rendered from ``template`` and
        its e-mail layout, addressed to the partner alone (these e-mails
        carry links into the contact's account: whatever an edited template
        says, they go to the contact only).

        This is Odoo's ``send_mail_batch()`` less one thing: Odoo also copies
        the whole laid-out HTML into the chatter body of each message, which
        sanitizes it three times per e-mail, almost half of a bulk
        invitation's time (tests/bench/bench_bulk_invite.py). These e-mails
        are not chatter messages (the e-mail history is their record), so
        the body is kept only where the mail queue sends it from. A template
        with attachments or reports goes through ``send_mail_batch()``.
        """
        if template.attachment_ids or template.report_template_ids:
            mails = template.send_mail_batch(partners.ids, force_send=False)
            for mail in mails:
                partner = partners.browse(mail.res_id)
                mail.write(
                    {
                        "email_to": partner.email_formatted,
                        "email_cc": False,
                        "recipient_ids": [Command.clear()],
                    }
                )
            return mails
        values_by_id = template._generate_template(partners.ids, MAIL_TEMPLATE_FIELDS)
        layout = template.email_layout_xmlid
        langs = template._render_lang(partners.ids) if layout and template.lang else {}
        companies = partners._mail_get_companies(default=self.env.company) if layout else {}
        Render = self.env["mail.render.mixin"]
        vals_list = []
        for partner in partners:
            values = values_by_id[partner.id]
            body = values.get("body_html") or ""
            if layout:
                body = self._render_layout(
                    layout, body, partner, companies[partner.id], langs.get(partner.id)
                )
            vals_list.append(
                {
                    "subject": values.get("subject"),
                    "email_from": values.get("email_from") or False,
                    "reply_to": values.get("reply_to"),
                    "email_to": partner.email_formatted,
                    "body_html": Render._replace_local_links(body),
                    "auto_delete": values.get("auto_delete", True),
                    "mail_server_id": values.get("mail_server_id"),
                    "scheduled_date": values.get("scheduled_date"),
                    "model": "res.partner",
                    "res_id": partner.id,
                }
            )
            if not vals_list[-1]["email_from"]:
                vals_list[-1].pop("email_from")
        return self.env["mail.mail"].sudo().create(vals_list)

    @api.model
    def _render_layout(self, layout, body, partner, company, lang):
        """``body`` in the e-mail layout ``layout``, with the values Odoo's
        send_mail_batch() gives it (Odoo's layouts read message.body,
        message.preview and message.record_name)."""
        IrQweb = self.env["ir.qweb"].with_context(lang=lang) if lang else self.env["ir.qweb"]
        Model = self.env["ir.model"]._get("res.partner")
        laid_out = IrQweb._render(
            layout,
            {
                "message": SimpleNamespace(
                    body=Markup(body),
                    # as mail.message computes it: the e-mail clients' preview line
                    preview=textwrap.shorten(html_to_inner_content(body), 190),
                    record_name=partner.display_name,
                ),
                "subtype": self.env["mail.message.subtype"].sudo(),
                "model_description": (
                    Model.with_context(lang=lang) if lang else Model
                ).display_name,
                "record": partner,
                "record_name": False,
                "subtitles": False,
                "company": company,
                "email_add_signature": False,
                "signature": "",
                "website_url": "",
                "is_html_empty": is_html_empty,
            },
            minimal_qcontext=True,
            raise_if_not_found=False,
        )
        return laid_out or body

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
