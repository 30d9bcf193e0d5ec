from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError

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
        # sudo: the dispute's own contact, read to write to it (a reader of the
        # dispute may not read the contact)
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
        # sudo: the dispute's own contact and its login, to record the event as it
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
        # sudo: a setting (ir.config_parameter is readable by the system only)
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
