from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, MissingError, UserError

DISPUTE_STATES = [
    ("open", "Open"),
    ("under_review", "Under review"),
    ("resolved", "Resolved"),
    ("rejected", "Rejected"),
]
# a dispute in one of these states keeps its invoice "in dispute"
OPEN_STATES = ("open", "under_review")

# what a contact may send with a dispute: the message, and files whose
# content, name and declared type agree
MESSAGE_MIN = 10
MESSAGE_MAX = 4000
ATTACHMENT_MAX_COUNT = 5
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# the kinds of file a dispute takes (models/connect_upload.py checks them)
ATTACHMENT_TYPES = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

DISPUTE_PAGE = 20
DISPUTE_AGEING_DAYS_DEFAULT = 14


class CustomerConnectDisputeReason(models.Model):
    """Why a customer disputes an invoice: a list the dealer keeps (a few
    ship with the addon); the contact picks one when raising a dispute."""

    _name = "customer_connect.dispute.reason"
    _description = "Customer Connect dispute reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="The dealer company that offers this reason; empty for all of them.",
    )
    description = fields.Text(translate=True, help="Shown to staff only.")


class CustomerConnectDispute(models.Model):
    """A customer's dispute of an invoice: raised by its contact in the
    portal, worked by dealer staff from a queue; the conversation runs in
    the chatter, which the contact reads and answers on the dispute's
    portal page. An invoice with an open dispute is "in dispute"
    (``account.move.connect_in_dispute``): left out of overdue figures,
    reminders and express pay."""

    _name = "customer_connect.dispute"
    _description = "Customer Connect invoice dispute"
    _inherit = ("portal.mixin", "mail.thread", "mail.activity.mixin")
    _order = "create_date desc, id desc"
    _check_company_auto = True
    # the contact answers on its dispute's page: reading it is enough to post
    _mail_post_access = "read"

    name = fields.Char(readonly=True, copy=False, default="/")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        readonly=True,
        help="The customer (commercial partner) whose invoice is disputed.",
    )
    contact_id = fields.Many2one(
        "res.partner", "Raised by", readonly=True, help="The customer's contact who raised it."
    )
    move_id = fields.Many2one(
        "account.move",
        "Invoice",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
        check_company=True,
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_total = fields.Monetary(related="move_id.amount_total", string="Invoice total")
    amount_residual = fields.Monetary(related="move_id.amount_residual", string="Outstanding")
    invoice_date_due = fields.Date(related="move_id.invoice_date_due", string="Due date")
    reason_id = fields.Many2one(
        "customer_connect.dispute.reason", required=True, readonly=True, ondelete="restrict"
    )
    message = fields.Text("Customer's message", readonly=True)
    user_id = fields.Many2one(
        "res.users",
        "Assigned to",
        tracking=True,
        index=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    state = fields.Selection(
        DISPUTE_STATES, default="open", required=True, tracking=True, index=True, readonly=True
    )
    resolution_note = fields.Text(tracking=True)
    credit_note_id = fields.Many2one(
        "account.move",
        "Credit note",
        readonly=True,
        copy=False,
        check_company=True,
        help="The credit note given when the dispute was resolved in the customer's favour.",
    )
    date_closed = fields.Datetime("Closed on", readonly=True, copy=False)
    age_days = fields.Integer("Age (days)", compute="_compute_age_days")

    def init(self):
        # one open dispute per invoice, held by the database too (two tabs
        # raising at once: the second is refused, see _connect_raise)
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS customer_connect_dispute_one_open_idx
                ON customer_connect_dispute (move_id)
             WHERE state IN ('open', 'under_review')
            """
        )

    @api.depends("create_date", "date_closed")
    def _compute_age_days(self):
        now = fields.Datetime.now()
        for dispute in self:
            start = dispute.create_date or now
            dispute.age_days = ((dispute.date_closed or now) - start).days

    def _compute_access_url(self):
        for dispute in self:
            dispute.access_url = f"/my/disputes/{dispute.id}"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                # numbering is the system's (portal contacts raise disputes)
                vals["name"] = (
                    self.env["ir.sequence"].sudo().next_by_code("customer_connect.dispute") or "/"
                )
        disputes = super().create(vals_list)
        disputes._connect_subscribe_assignee()
        return disputes

    def write(self, vals):
        result = super().write(vals)
        if vals.get("user_id"):
            self._connect_subscribe_assignee()
        return result

    def _connect_subscribe_assignee(self):
        # the assignee follows the dispute: the customer's messages reach
        # them (Odoo's own auto-subscription skips records made as the
        # system for a portal user)
        for dispute in self.filtered("user_id"):
            dispute.message_subscribe(partner_ids=dispute.user_id.partner_id.ids)

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        # The portal chatter opens a thread with an access token or a signed
        # pid as the system. A dispute is a signed-in contact's own: its
        # rules decide (customer, company, the level's "disputes"), never a
        # token; the e-mailed links lead to the sign-in page, then here.
        thread = self.browse(int(thread_id)).exists()
        if not thread or self.env.user._is_public() or not thread.has_access(mode):
            return self.browse()
        return thread

    def message_post(self, **kwargs):
        # What a customer's contact writes on its dispute is the conversation
        # with the dealer, never a note: a comment, which notifies the
        # followers (the assignee), whatever subtype the portal asked for.
        if not self.env.user._is_internal():
            kwargs.update(message_type="comment", subtype_xmlid="mail.mt_comment")
            kwargs.pop("subtype_id", None)
            # the files of a reply (uploaded by Odoo's portal composer) are
            # held to the same limits as those of the raise form
            attachment_ids = kwargs.get("attachment_ids") or []
            if attachment_ids:
                files_sudo = self.env["ir.attachment"].sudo().browse(attachment_ids).exists()
                self._connect_check_files([(f.name, f.raw) for f in files_sudo])
            # the words, not their HTML (a message of line breaks and "&"
            # grows several times over as HTML); the margin is the raise's
            # own "Dispute raised: <reason>" line
            if len(tools.html2plaintext(str(kwargs.get("body") or ""))) > MESSAGE_MAX + 200:
                raise UserError(
                    self.env._("Keep the message under %(count)s characters.", count=MESSAGE_MAX)
                )
        return super().message_post(**kwargs)

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
        if move.sudo().connect_in_dispute:
            raise UserError(
                _("%(name)s is already in dispute: answer on its dispute page.", name=move.name)
            )
        user = self.env.user
        customer = move.commercial_partner_id
        contact = next(
            (c for c in user._connect_contacts() if c.commercial_partner_id == customer),
            user.partner_id,
        )
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
        company_sudo = company.sudo()
        user = company_sudo.connect_dispute_user_id
        if not user:
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

    # ------------------------------------------------------------------
    # The dealer's queue: the workflow
    # ------------------------------------------------------------------
    def _connect_check_staff(self):
        if not self.env.user.has_group("customer_connect.group_connect_user"):
            raise AccessError(self.env._("Only Customer Connect users work disputes."))
        self.check_access("write")

    def action_review(self):
        """Take the dispute under review (assigned to the current user when
        nobody has it)."""
        self._connect_check_staff()
        for dispute in self:
            if dispute.state != "open":
                raise UserError(self.env._("%(name)s is not open.", name=dispute.name))
            dispute.write({"state": "under_review", "user_id": dispute.user_id.id or self.env.uid})
        return True

    def _connect_check_closable(self):
        """Staff close open disputes only, and only with the resolution
        note the customer will read."""
        self._connect_check_staff()
        for dispute in self:
            if dispute.state not in OPEN_STATES:
                raise UserError(self.env._("%(name)s is closed already.", name=dispute.name))
            if not (dispute.resolution_note or "").strip():
                raise UserError(
                    self.env._(
                        "Write the resolution note of %(name)s first: the customer reads it.",
                        name=dispute.name,
                    )
                )

    def _connect_close(self, state):
        self._connect_check_closable()
        # state is read-only in the form: only these buttons move it
        self.write({"state": state, "date_closed": fields.Datetime.now()})
        comment = self.env.ref("mail.mt_comment")
        for dispute in self:
            # in the conversation (the portal shows it), without notifying
            # the followers: the contact gets the dispute e-mail below, once
            # (as _message_log records a note, here a public comment; sudo:
            # as Odoo's _message_log_batch, the staff member was checked)
            self.env["mail.message"].sudo().create(
                {
                    "model": self._name,
                    "res_id": dispute.id,
                    "body": tools.plaintext2html(
                        (
                            self.env._("Dispute resolved")
                            if state == "resolved"
                            else self.env._("Dispute rejected")
                        )
                        + "\n\n"
                        + dispute.resolution_note
                    ),
                    "author_id": self.env.user.partner_id.id,
                    "message_type": "comment",
                    "subtype_id": comment.id,
                    "is_internal": False,
                }
            )
            dispute._connect_record_event(f"dispute_{state}")
            dispute._connect_notify_customer(state)

    def action_resolve(self):
        """Resolve the dispute without a credit note (the invoice stands, an
        explanation settled it)."""
        self._connect_close("resolved")
        return True

    def action_reject(self):
        """Reject the dispute: the invoice stands."""
        self._connect_close("rejected")
        return True

    def action_resolve_credit(self):
        """Resolve in the customer's favour: Odoo's reversal of the whole
        invoice, posted and reconciled with it (the invoice is settled, so
        it does not come back into overdue figures and reminders once the
        dispute is closed), linked to the dispute."""
        self._connect_check_closable()
        Move = self.env["account.move"]
        if not Move.has_access("create"):
            # a credit note is an accounting document: the user's own rights
            # decide (Invoicing or Accounting), no sudo
            raise UserError(
                self.env._(
                    "Giving a credit note needs invoicing rights: ask an accountant, "
                    "or resolve without one."
                )
            )
        for dispute in self:
            move = dispute.move_id
            if move.state != "posted":
                raise UserError(
                    self.env._("%(name)s is not a posted invoice any more.", name=move.name)
                )
            credit = move._reverse_moves(
                [
                    {
                        "ref": self.env._(
                            "Dispute %(dispute)s: %(reason)s",
                            dispute=dispute.name,
                            reason=dispute.reason_id.name,
                        ),
                        "invoice_date": fields.Date.context_today(self),
                        "date": fields.Date.context_today(self),
                    }
                ],
                cancel=True,
            )
            dispute.credit_note_id = credit
        self._connect_close("resolved")
        return True

    def action_view_credit_note(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.credit_note_id.id,
            "view_mode": "form",
        }

    def action_view_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Notifications and the dealer's timeline
    # ------------------------------------------------------------------
    def _connect_customer_recipients(self):
        """The contact who raised the dispute, when it has an e-mail."""
        self.ensure_one()
        contact = self.contact_id.sudo()
        return contact if contact.email else contact.browse()

    def _connect_notify_customer(self, kind):
        """E-mail the customer's contact that its dispute was raised,
        resolved or rejected (e-mail history kind "Dispute")."""
        self.ensure_one()
        recipients = self._connect_customer_recipients()
        if not recipients:
            return self.env["customer_connect.mail.log"]
        return (
            self.env["customer_connect.mail.sender"]
            .with_context(connect_dispute_id=self.id, connect_dispute_kind=kind)
            ._send("customer_connect.mail_template_connect_dispute", recipients, "dispute")
        )

    def _connect_record_event(self, kind):
        """Record ``kind`` on the customer's timeline, as the contact's
        login that raised the dispute (the timeline is the customer's)."""
        self.ensure_one()
        contact_sudo = self.contact_id.sudo()
        login = contact_sudo.user_ids[:1] or contact_sudo.connect_user_id
        if login and login._is_portal():
            self.env["customer_connect.portal.event"].with_company(self.company_id)._record(
                kind, self.move_id, user=login
            )

    # ------------------------------------------------------------------
    # The daily status e-mail's section
    # ------------------------------------------------------------------
    @api.model
    def _connect_ageing_days(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_connect.dispute_ageing_days", DISPUTE_AGEING_DAYS_DEFAULT)
            or DISPUTE_AGEING_DAYS_DEFAULT
        )

    @api.model
    def _connect_daily_status_section(self, company, date_from, date_to):
        """The disputes section of the dealer's daily status e-mail for
        ``company``: disputes raised from ``date_from`` (included) to
        ``date_to`` (excluded), the day's bounds as UTC datetimes (the
        company's midnights: a dispute raised just after midnight belongs to
        that day alone), and disputes open longer than the ageing days
        (Settings) at the day's end. None when there is nothing to say."""
        _ = self.env._
        days = self._connect_ageing_days()
        # the daily e-mail is the dealer's own report, sent by a job
        Dispute = self.sudo().with_context(active_test=False)
        raised = Dispute.search(
            [
                ("company_id", "=", company.id),
                ("create_date", ">=", date_from),
                ("create_date", "<", date_to),
            ],
            order="create_date, id",
        )
        old = Dispute.search(
            [
                ("company_id", "=", company.id),
                ("state", "in", OPEN_STATES),
                ("create_date", "<", date_to - timedelta(days=days)),
            ],
            order="create_date, id",
        )
        if not raised and not old:
            return None
        lines = []
        for dispute in raised:
            lines.append(
                _(
                    "Raised: %(name)s, %(customer)s, invoice %(invoice)s, %(reason)s",
                    name=dispute.name,
                    customer=dispute.partner_id.name,
                    invoice=dispute.move_id.name,
                    reason=dispute.reason_id.name,
                )
            )
        for dispute in old:
            lines.append(
                _(
                    "Open for %(days)s days: %(name)s, %(customer)s, invoice %(invoice)s, "
                    "%(assignee)s",
                    days=(date_to - dispute.create_date).days,
                    name=dispute.name,
                    customer=dispute.partner_id.name,
                    invoice=dispute.move_id.name,
                    assignee=dispute.user_id.name or _("unassigned"),
                )
            )
        return {"sequence": 40, "title": _("Disputes"), "lines": lines}
