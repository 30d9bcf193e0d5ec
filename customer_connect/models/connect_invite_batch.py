import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)

BATCH_CHUNK = 250


class CustomerConnectInviteBatch(models.Model):
    """A bulk invitation: many customer accounts invited in the background by
    a cron job (no request waits on it), with what happened to each."""

    _name = "customer_connect.invite.batch"
    _description = "Customer Connect bulk invitation"
    _order = "id desc"

    name = fields.Char(required=True, default=lambda self: _("Bulk invitation"))
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    state = fields.Selection(
        [("queued", "Queued"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="queued",
        required=True,
        index=True,
    )
    line_ids = fields.One2many("customer_connect.invite.batch.line", "batch_id", "Results")
    count_total = fields.Integer("Customers", compute="_compute_counts")
    count_pending = fields.Integer("Waiting", compute="_compute_counts")
    count_invited = fields.Integer("Invited", compute="_compute_counts")
    count_refused = fields.Integer("Not invited", compute="_compute_counts")
    done_date = fields.Datetime("Finished on")

    @api.depends("line_ids.result")
    def _compute_counts(self):
        counts = {
            (batch, result): count
            for batch, result, count in self.env["customer_connect.invite.batch.line"]._read_group(
                [("batch_id", "in", self.ids)], ["batch_id", "result"], ["__count"]
            )
        }
        for batch in self:
            batch.count_pending = counts.get((batch, "pending"), 0)
            batch.count_invited = counts.get((batch, "invited"), 0) + counts.get(
                (batch, "company_added"), 0
            )
            batch.count_refused = counts.get((batch, "refused"), 0)
            batch.count_total = batch.count_pending + batch.count_invited + batch.count_refused

    @api.model
    def _create_for(self, customers):
        """Queue the invitation of ``customers`` (customer accounts) and wake
        the cron job up. The caller must be a Customer Connect user allowed to
        change these customers; the job invites them as the caller."""
        # the caller's rights, whatever environment the customers came in
        customers = customers.with_env(self.env).commercial_partner_id
        customers._connect_check_staff_access()
        # batches and their results are written by the system only (no
        # create/write right); the checks above are the caller's
        batch = self.sudo().create(
            {
                "name": _("Invitation of %(count)s customers", count=len(customers)),
                "company_id": self.env.company.id,
                "line_ids": [fields.Command.create({"partner_id": p.id}) for p in customers],
            }
        )
        self.env.ref("customer_connect.ir_cron_connect_invite_batches")._trigger()
        return batch.sudo(False)

    @api.model
    def _cron_process(self, chunk=BATCH_CHUNK):
        """Invite the waiting customers of queued batches, one chunk per call:
        Odoo's cron commits after the call and, told by _notify_progress that
        work remains, runs it again at once (a crash loses one chunk at most,
        a long batch never holds one transaction)."""
        # a cron job: the lines are system records; each batch's invitations
        # run as the staff member who queued it (see _process)
        Line = self.env["customer_connect.invite.batch.line"].sudo()
        lines = Line._claim_pending(chunk)
        done = len(lines)
        if lines:
            try:
                with self.env.cr.savepoint():
                    lines._process()
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                # another transaction changed or locks a row of the chunk (a
                # contact edited since this transaction's snapshot, a
                # deadlock): no fault of the customers', and retrying in this
                # snapshot fails again. The savepoint is rolled back, the
                # lines stay waiting and "nothing done" has the job run again
                # in a new transaction (_connect_notify_progress)
                _logger.info(
                    "Bulk invitation: chunk of %s lines met another transaction (%s); "
                    "left waiting for the next run",
                    len(lines),
                    error.pgcode,
                )
                done = 0
            except Exception as error:  # noqa: BLE001 - one bad chunk must not stall the queue
                lines.write({"result": "refused", "message": str(error)[:250]})
            finished = lines.batch_id.filtered(lambda b: not b.count_pending)
            finished.write({"state": "done", "done_date": fields.Datetime.now()})
        self.env["ir.cron"]._connect_notify_progress(
            "customer_connect.ir_cron_connect_invite_batches",
            done=done,
            remaining=Line.search_count([("result", "=", "pending")]),
        )


class CustomerConnectInviteBatchLine(models.Model):
    _name = "customer_connect.invite.batch.line"
    _description = "Customer Connect bulk invitation: one customer"
    _order = "id"

    batch_id = fields.Many2one(
        "customer_connect.invite.batch", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade")
    contact_id = fields.Many2one("res.partner", "Invited contact")
    result = fields.Selection(
        [
            ("pending", "Waiting"),
            ("invited", "Invited"),
            ("company_added", "Company added to existing login"),
            ("refused", "Not invited"),
        ],
        default="pending",
        required=True,
        index=True,
    )
    message = fields.Char()

    def _claim_pending(self, limit):
        """Up to ``limit`` waiting lines, locked for this transaction; lines
        another worker holds are skipped, so two workers running at once
        never invite the same customer twice."""
        self.flush_model(["result"])
        self.env.cr.execute(
            """
            SELECT id FROM customer_connect_invite_batch_line
             WHERE result = 'pending'
             ORDER BY id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            [limit],
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _process(self):
        """Invite the best contact of each customer of these lines, as the
        staff member who queued the batch (their rights and record rules
        apply; their name signs the e-mail); a customer that cannot be
        invited gets the reason and does not stop the others."""
        # one query for the contacts of every customer of the chunk, not one
        # per customer (_connect_invite_candidates reads them)
        self.partner_id.child_ids.fetch(["active", "email", "type", "name", "connect_user_id"])
        # customers with a portal login already (Odoo's Grant Portal Access
        # before or after the install, or ours): skipped, a bulk invitation
        # brings customers onto the portal, it does not add contacts to
        # those already on it (one query for the chunk); logins are read as
        # the system, archived ones too: whoever queued the batch, a login
        # of the customer's contact is one
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        with_login = {
            user.partner_id: user
            for user in Users.search(
                [("share", "=", True), ("partner_id", "in", self.partner_id._connect_logins().ids)]
            )
        }
        by_batch = {}
        for line in self:
            on_portal = line.partner_id._connect_logins().filtered(
                lambda p: p.connect_user_id or p in with_login
            )[:1]
            if on_portal:
                line.write(
                    {
                        "contact_id": on_portal.id,
                        "result": "refused",
                        "message": _(
                            "%(name)s already has a portal login.",
                            name=on_portal.display_name,
                        ),
                    }
                )
                continue
            contact = line.partner_id._connect_invite_candidates()[:1]
            if not contact:
                line.write(
                    {
                        "result": "refused",
                        "message": _("No contact of this customer has a usable e-mail address."),
                    }
                )
                continue
            by_batch.setdefault(line.batch_id, []).append((line, contact))
        for batch, pairs in by_batch.items():
            inviter = batch.create_uid
            if not inviter.active:
                # staff removed since queueing: nobody is invited on their behalf
                for line, contact in pairs:
                    line.write(
                        {
                            "contact_id": contact.id,
                            "result": "refused",
                            "message": _(
                                "Queued by %(name)s, who is no longer a dealership user.",
                                name=inviter.name,
                            ),
                        }
                    )
                continue
            contacts = (
                self.env["res.partner"]
                .with_user(inviter)
                .with_context(allowed_company_ids=inviter.company_ids.ids)
                .browse([contact.id for _line, contact in pairs])
            )
            try:
                with self.env.cr.savepoint():
                    results = contacts.env["customer_connect.invitation"]._invite(
                        contacts, raise_on_refusal=False
                    )
            except AccessError as error:
                # the inviter lost the right to invite (or to these customers)
                # since queueing: nobody is invited on their behalf
                results = {c: ("refused", str(error)) for c in contacts}
            for line, contact in pairs:
                code, message = results.get(contact, ("refused", _("Not processed")))
                line.write({"contact_id": contact.id, "result": code, "message": message})
