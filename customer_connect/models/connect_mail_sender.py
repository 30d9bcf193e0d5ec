import textwrap
from types import SimpleNamespace

from markupsafe import Markup

from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, is_html_empty
from odoo.tools.mail import html_to_inner_content

# what _queue_mails takes from a rendered mail.template (send_mail_batch's list
# less the recipients, which are the contact alone; attachments and reports
# are added when the template has some)
MAIL_TEMPLATE_FIELDS = (
    "auto_delete",
    "body_html",
    "email_from",
    "mail_server_id",
    "reply_to",
    "scheduled_date",
    "subject",
)


class CustomerConnectMailSender(models.AbstractModel):
    """The one way Customer Connect sends e-mail: rendered from the dealer's
    ``mail.template``, queued in Odoo's mail queue, addressed to the contact
    alone, recorded in the e-mail history (``customer_connect.mail.log``).

    Secrets (signup and reset links) never live in a field a template could
    read: the caller hands them to this method, which gives them to the
    rendering only, as ``ctx['connect_links'][partner.id]``.
    """

    _name = "customer_connect.mail.sender"
    _description = "Customer Connect e-mail sending"

    @api.model
    def _check_recipients(self, partners):
        """Refuse, naming them, contacts whose e-mail is not one address: an
        e-mail carrying a link into an account goes to one person."""
        wrong = partners.filtered(lambda p: not email_normalize(p.email or "", strict=True))
        if wrong:
            raise UserError(
                self.env._(
                    "These contacts need one valid e-mail address (not none, not several): "
                    "%(names)s.",
                    names=", ".join(f"{p.display_name} ({p.email or '-'})" for p in wrong),
                )
            )

    @api.model
    def _send(self, template, partners, kind, log_partner=None, links=None, attachments=None):
        """Queue the e-mail ``template`` (a mail.template on res.partner, or its
        XML id) to each of ``partners`` and record it in the e-mail history.

        :param kind: the history's kind (``customer_connect.mail.log.kind``)
        :param log_partner: the contact the history rows belong to, when it is
            not the recipient (a login shared between dealer companies).
        :param links: {partner id: URL} handed to the rendering only, read by
            the template as ``ctx.get('connect_links', {}).get(object.id)``
        :param attachments: [(file name, content)] attached to every e-mail
        :return: the history rows created
        """
        if not partners:
            return self.env["customer_connect.mail.log"]
        self._check_recipients(partners)
        if isinstance(template, str):
            template = self.env.ref(template)
        # rendering reads the recipient's account as the system; the callers
        # checked their caller, and the e-mail goes to the contact, not to them
        template = template.sudo().with_context(
            connect_reuse_compiled_qweb=True, connect_links=links or {}
        )
        mails = self._queue_mails(template, partners)
        if attachments:
            # the files belong to the mails only (no record: staff reach them
            # through the e-mail history, the mail queue is the system's)
            files = (
                self.env["ir.attachment"]
                .sudo()
                .create([{"name": name, "raw": content} for name, content in attachments])
            )
            mails.write({"attachment_ids": [Command.link(file.id) for file in files]})
        mail_by_partner = {mail.res_id: mail for mail in mails}
        return self.env["customer_connect.mail.log"]._record(
            kind,
            {p: mail_by_partner.get(p.id, self.env["mail.mail"]) for p in partners},
            log_partner=log_partner,
        )

    @api.model
    def _queue_mails(self, template, partners):
        """One outgoing mail.mail per partner, rendered from ``template`` and
        its e-mail layout, addressed to the partner alone (these e-mails
        carry links into the contact's account: whatever an edited template
        says, they go to the contact only).

        This is Odoo's ``send_mail_batch()`` less one thing: Odoo also copies
        the whole laid-out HTML into the chatter body of each message (where
        anyone who reads the contact's chatter would read the link), and
        sanitizes it three times per e-mail, almost half of a bulk
        invitation's time (tests/bench/bench_bulk_invite.py). These e-mails
        are not chatter messages (the e-mail history is their record), so
        the body is kept only where the mail queue sends it from, and so are
        the template's attachments and reports.
        """
        fields = MAIL_TEMPLATE_FIELDS
        if template.attachment_ids or template.report_template_ids:
            fields += ("attachment_ids", "report_template_ids")
        values_by_id = template._generate_template(partners.ids, fields)
        layout = template.email_layout_xmlid
        langs = template._render_lang(partners.ids) if layout and template.lang else {}
        companies = partners._mail_get_companies(default=self.env.company) if layout else {}
        Render = self.env["mail.render.mixin"]
        vals_list, reports_by_partner = [], []
        for partner in partners:
            values = values_by_id[partner.id]
            body = values.get("body_html") or ""
            if layout:
                body = self._render_layout(
                    layout, body, partner, companies[partner.id], langs.get(partner.id)
                )
            vals = {
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
            if not vals["email_from"]:
                vals.pop("email_from")
            if values.get("attachment_ids"):
                vals["attachment_ids"] = [Command.link(aid) for aid in values["attachment_ids"]]
            vals_list.append(vals)
            reports_by_partner.append(values.get("attachments") or [])
        # the mail queue is the system's (mail.mail has no rights for staff)
        mails = self.env["mail.mail"].sudo().create(vals_list)
        for mail, reports in zip(mails, reports_by_partner, strict=True):
            if reports:
                # as _send's attachments: owned by the mail alone, not by a
                # record whose readers would get them
                mail.attachment_ids = [
                    Command.create({"name": name, "datas": datas, "type": "binary"})
                    for name, datas in reports
                ]
        return mails

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
                # sudo: an empty recordset, as Odoo's notification layout expects; nothing read
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
