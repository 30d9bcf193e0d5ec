from odoo import _, api, fields, models

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
        [("queued", "Queued"), ("done", "Done")], default="queued", required=True, index=True
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
        the cron job up."""
        customers = customers.commercial_partner_id
        batch = self.create(
            {
                "name": _("Invitation of %(count)s customers", count=len(customers)),
                "line_ids": [fields.Command.create({"partner_id": p.id}) for p in customers],
            }
        )
        self.env.ref("customer_connect.ir_cron_connect_invite_batches")._trigger()
        return batch

    @api.model
    def _cron_process(self, chunk=BATCH_CHUNK):
        """Invite the waiting customers of queued batches, ``chunk`` at a time,
        committing after each chunk so that a long batch makes progress that
        survives a crash, and re-triggering itself while work remains."""
        # a cron job: it acts for the staff who queued each batch (checked
        # when they did, and passed on as the inviter), whoever runs it
        Line = self.env["customer_connect.invite.batch.line"].sudo()
        while True:
            lines = Line.search([("result", "=", "pending")], limit=chunk, order="id")
            if not lines:
                break
            try:
                with self.env.cr.savepoint():
                    lines._process()
            except Exception as error:  # noqa: BLE001 - one bad chunk must not stall the queue
                lines.write({"result": "refused", "message": str(error)[:250]})
            finished = lines.batch_id.filtered(lambda b: not b.count_pending)
            finished.write({"state": "done", "done_date": fields.Datetime.now()})
            if self.env.context.get("connect_no_commit"):
                continue
            # progress survives a later failure: each chunk is its own transaction
            self.env.cr.commit()  # pylint: disable=invalid-commit


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

    def _process(self):
        """Invite the best contact of each customer of these lines; a customer
        that cannot be invited gets the reason and does not stop the others."""
        by_inviter = {}
        for line in self:
            contact = line.partner_id._connect_invite_candidates()[:1]
            if not contact:
                line.write(
                    {
                        "result": "refused",
                        "message": _("No contact of this customer has a usable e-mail address."),
                    }
                )
                continue
            by_inviter.setdefault(line.batch_id.create_uid, []).append((line, contact))
        for inviter, pairs in by_inviter.items():
            contacts = self.env["res.partner"].browse([c.id for _line, c in pairs])
            # the inviter's rights were checked when the batch was queued
            results = contacts.sudo()._connect_invite(inviter=inviter, raise_on_refusal=False)
            for line, contact in pairs:
                code, message = results.get(contact, ("refused", _("Not processed")))
                line.write({"contact_id": contact.id, "result": code, "message": message})
