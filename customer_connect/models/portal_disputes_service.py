"""The disputes area's portal service: what a contact's raise and reads go
through (the reasons offered, the invoice's check, the files' check, the
dispute raised, a page of disputes, one dispute and its files). The record
itself (fields, chatter guards, workflow, mail, daily status) is in
models/portal_disputes.py, the reasons in models/portal_disputes_reason.py."""

from psycopg2 import errors as pg_errors

from odoo import api, models, tools
from odoo.exceptions import AccessError, MissingError, UserError

from .portal_disputes import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_MAX_COUNT,
    ATTACHMENT_TYPES,
    DISPUTE_PAGE,
    MESSAGE_MAX,
    MESSAGE_MIN,
    OPEN_STATES,
)


class CustomerConnectDispute(models.Model):
    _inherit = "customer_connect.dispute"

    # ------------------------------------------------------------------
    # Raising a dispute (the portal)
    # ------------------------------------------------------------------
    @api.model
    def _connect_reasons(self, company):
        """The reasons a contact may pick in ``company``."""
        # sudo: the reasons are the dealer's configuration of ``company``
        # (the invoice's, checked by the caller), which need not be one the
        # portal login's allowed companies would let it read
        return (
            self.env["customer_connect.dispute.reason"]
            .sudo()
            .search([("company_id", "in", (company.id, False))])
        )

    @api.model
    def _connect_portal_invoice(self, invoice_id):
        """The invoice ``invoice_id`` when the current contact may dispute it:
        MissingError (404) when there is none, AccessError (403) when it is
        not its customer's or its level does not open disputes there."""
        self.env.user._connect_require("disputes")
        move = self.env["account.move"].browse(int(invoice_id)).exists()
        if not move:
            raise MissingError(self.env._("This invoice does not exist."))
        # the contact's own rules first, then the disputes area's gate for
        # the invoice's company and customer (a login shared between dealers)
        move.check_access("read")
        if not move._connect_opens_for("disputes") or move.move_type != "out_invoice":
            raise AccessError(self.env._("This invoice cannot be disputed here."))
        return move

    @api.model
    def _connect_check_files(self, files):
        """[(name, content)] of the uploaded ``files`` (werkzeug FileStorage
        or (name, bytes)), refused with a clear message when too many, too
        large, empty or of a type not accepted."""
        _ = self.env._
        files = [f for f in files or [] if f]
        if len(files) > ATTACHMENT_MAX_COUNT:
            raise UserError(_("Attach at most %(count)s files.", count=ATTACHMENT_MAX_COUNT))
        Upload = self.env["customer_connect.upload"]
        checked = []
        for file in files:
            if isinstance(file, tuple):
                # (name, content) of files already stored (a reply's), or
                # (name, content, declared type)
                name, content, declared_type = (*file, None)[:3]
            else:
                name, declared_type = file.filename, file.mimetype
                # one byte more than allowed tells "too large" without
                # reading a huge upload into memory
                content = file.stream.read(ATTACHMENT_MAX_BYTES + 1)
            name = Upload._connect_clean_name(name)
            if not content:
                raise UserError(_("%(name)s is empty.", name=name))
            if len(content) > ATTACHMENT_MAX_BYTES:
                raise UserError(
                    _(
                        "%(name)s is larger than %(size)s MB.",
                        name=name,
                        size=ATTACHMENT_MAX_BYTES // (1024 * 1024),
                    )
                )
            # the content, the extension and the browser's declared type
            # agree, or the file is refused with its name
            mimetype = Upload._connect_check(name, content, declared_type, ATTACHMENT_TYPES)
            checked.append((name, content, mimetype))
        return checked

    @api.model
    def _connect_raise(self, invoice_id, reason_id, message, files=None):
        """Raise a dispute of the invoice ``invoice_id`` as the current
        portal contact: the reason (one of the dealer's), a message and
        files. One open dispute per invoice. Returns the dispute (as the
        contact)."""
        _ = self.env._
        move = self._connect_portal_invoice(invoice_id)
        company = move.company_id
        try:
            reason_id = int(reason_id or 0)
        except (TypeError, ValueError):
            reason_id = 0
        reason = self._connect_reasons(company).filtered(lambda r: r.id == reason_id)
        if not reason:
            raise UserError(_("Choose a reason for the dispute."))
        # a NUL byte is no text (PostgreSQL refuses it)
        message = str(message or "").replace("\x00", "").strip()
        if len(message) < MESSAGE_MIN:
            raise UserError(
                _("Tell us what is wrong, in %(count)s characters at least.", count=MESSAGE_MIN)
            )
        if len(message) > MESSAGE_MAX:
            raise UserError(_("Keep the message under %(count)s characters.", count=MESSAGE_MAX))
        checked = self._connect_check_files(files)
        # sudo: the move checked by _connect_portal_invoice (gate + check_access)
        if move.sudo().connect_in_dispute:
            raise UserError(
                _("%(name)s is already in dispute: answer on its dispute page.", name=move.name)
            )
        user = self.env.user
        customer = move.commercial_partner_id
        contact = user._connect_contact_of(customer)
        values = {
            "company_id": company.id,
            "partner_id": customer.id,
            "contact_id": contact.id,
            "move_id": move.id,
            "reason_id": reason.id,
            "message": message,
            "user_id": self._connect_default_assignee(company, customer).id,
        }
        try:
            with self.env.cr.savepoint():
                # the contact was checked above (its invoice, its level); a
                # portal login has no create right on the dealer's queue
                dispute_sudo = self.sudo().with_company(company).create(values)
        except pg_errors.UniqueViolation:  # the unique index: raised twice at once
            raise UserError(
                _("%(name)s is already in dispute: answer on its dispute page.", name=move.name)
            ) from None
        dispute_sudo.message_subscribe(partner_ids=contact.ids)
        # the customer's words open the conversation, authored by the
        # contact: the dealer's followers (the assignee) are notified
        message_sudo = dispute_sudo.message_post(
            body=tools.plaintext2html(
                _("Dispute raised: %(reason)s", reason=reason.name) + "\n\n" + message
            ),
            author_id=contact.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        if checked:
            # the files were checked above; they belong to the dispute and
            # its first message (message_post keeps a portal user to files
            # of its own composer, which these are not)
            message_sudo.attachment_ids = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    [
                        {
                            "name": name,
                            "raw": content,
                            "mimetype": mimetype,
                            "res_model": self._name,
                            "res_id": dispute_sudo.id,
                        }
                        for name, content, mimetype in checked
                    ]
                )
            )
        # sudo: a portal contact cannot post on the invoice; checked as above
        move.sudo().message_post(
            body=_(
                "%(contact)s disputes this invoice (%(dispute)s): %(reason)s",
                contact=contact.name,
                dispute=dispute_sudo.name,
                reason=reason.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        # the invoice's company: a login shared between dealers raises in each
        self.env["customer_connect.portal.event"].with_company(company)._record(
            "dispute_raised", move
        )
        dispute_sudo._connect_notify_customer("raised")
        return dispute_sudo.with_env(self.env)

    @api.model
    def _connect_default_assignee(self, company, customer):
        """Who works a new dispute: the company's disputes handler
        (Settings), else the customer's salesperson, else nobody (the
        queue's "Unassigned" filter)."""
        # sudo: company settings and the customer's salesperson, checked below
        # (an internal, active user of the company)
        company_sudo = company.sudo()
        user = company_sudo.connect_dispute_user_id
        if not user:
            # sudo: the customer's salesperson, checked below
            user = customer.sudo().user_id
        if user and (user.share or not user.active or company not in user.company_ids):
            user = user.browse()
        return user

    # ------------------------------------------------------------------
    # The portal pages
    # ------------------------------------------------------------------
    @api.model
    def _connect_portal_page(self, filterby="open", offset=0, limit=DISPUTE_PAGE):
        """One page of the current contact's disputes (the record rules keep
        them to its customers, in companies whose level opens disputes):
        (disputes, count); a fixed number of queries."""
        self.env.user._connect_require("disputes")
        domain = [("company_id", "=", self.env.company.id)]
        if filterby == "open":
            domain.append(("state", "in", OPEN_STATES))
        elif filterby == "closed":
            domain.append(("state", "not in", OPEN_STATES))
        disputes = self.search(domain, offset=offset, limit=limit)
        count = self.search_count(domain)
        disputes.fetch(["name", "state", "create_date", "move_id", "reason_id", "date_closed"])
        # names of the invoices and reasons, one query each, whatever the page
        disputes.move_id.fetch(["name", "amount_total", "currency_id"])
        disputes.reason_id.fetch(["name"])
        return disputes, count

    @api.model
    def _connect_portal_dispute(self, dispute_id):
        """The dispute ``dispute_id`` when the current contact may see it;
        MissingError (404) or AccessError (403) otherwise."""
        self.env.user._connect_require("disputes")
        dispute = self.browse(int(dispute_id)).exists()
        if not dispute:
            raise MissingError(self.env._("This dispute does not exist."))
        dispute.check_access("read")
        return dispute

    def _connect_files_sudo(self):
        """The files of this dispute's conversation the contact may have:
        those of its public messages (the ones raised with it included),
        as the system; never the files of internal notes."""
        self.ensure_one()
        self.env.user._connect_require("disputes")
        self.check_access("read")
        # the dispute's rules were checked just above; its public messages
        # are what the portal chatter shows the contact
        messages_sudo = self.sudo().message_ids.filtered(
            lambda m: (
                m.message_type in ("comment", "email")
                and not m.is_internal
                and not m.subtype_id.internal
            )
        )
        return messages_sudo.attachment_ids.sorted("id")

    def _connect_portal_attachment(self, attachment_id):
        """The file ``attachment_id`` of this dispute's conversation, as the
        system; MissingError for any other file."""
        attachment_sudo = self._connect_files_sudo().filtered(lambda a: a.id == int(attachment_id))
        if not attachment_sudo:
            raise MissingError(self.env._("This file does not exist."))
        return attachment_sudo
