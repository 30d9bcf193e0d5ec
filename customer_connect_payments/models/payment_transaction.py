from odoo import SUPERUSER_ID, api, fields, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    connect_kind = fields.Selection(
        [("invoices", "Selected invoices"), ("on_account", "Amount on account")],
        "Customer Connect payment",
        readonly=True,
    )
    connect_customer_id = fields.Many2one(
        "res.partner", "Paying customer", readonly=True, index="btree_not_null"
    )
    connect_user_id = fields.Many2one("res.users", "Portal login", readonly=True)
    connect_surcharge = fields.Monetary("Card surcharge", readonly=True)
    connect_reason = fields.Char("Reason for a part payment", readonly=True)
    # {invoice id: {amount, discount, partial}} as the quote computed it
    connect_allocation = fields.Text(readonly=True)
    connect_done = fields.Boolean("Receipt sent", readonly=True, copy=False)

    def _create_payment(self, **extra_create_values):
        if not self.connect_kind:
            return super()._create_payment(**extra_create_values)
        return self.env["customer_connect.payment.service"]._book(self, **extra_create_values)

    def _log_message_on_linked_documents(self, message):
        """Odoo posts the transaction's news on each of its invoices, one
        message_post each (about 20 ms apiece: 4 s for 200 invoices). Ours
        log the same note on all of them in one batch: the same chatter
        line, no notification (a log is not sent to followers either way).
        A job charging many (autopay) passes a list as ``connect_log_queue``
        in the context: the notes wait there and are logged together
        (``_connect_log_queued``)."""
        self.ensure_one()
        queue = self.env.context.get("connect_log_queue")
        if (
            not self.connect_kind
            or self.source_transaction_id
            or (len(self.invoice_ids) < 2 and queue is None)
        ):
            return super()._log_message_on_linked_documents(message)
        author = self.env.user.partner_id if self.env.uid == SUPERUSER_ID else self.partner_id
        if queue is not None:
            queue.append((author.id, self.invoice_ids.ids, message))
            return None
        self.invoice_ids._message_log_batch(
            bodies=dict.fromkeys(self.invoice_ids.ids, message), author_id=author.id
        )
        return None

    @api.model
    def _connect_log_queued(self, queue):
        """Log the notes waiting in ``queue`` (``_log_message_on_linked_documents``)
        on their invoices: one ``_message_log_batch`` for each author and
        round (a round holds one note per invoice), in the order queued;
        empties the queue."""
        rounds = []
        for author_id, invoice_ids, message in queue:
            for invoice_id in invoice_ids:
                for round_author_id, bodies in rounds:
                    if round_author_id == author_id and invoice_id not in bodies:
                        bodies[invoice_id] = message
                        break
                else:
                    rounds.append((author_id, {invoice_id: message}))
        Move = self.env["account.move"]
        for author_id, bodies in rounds:
            Move.browse(list(bodies))._message_log_batch(bodies=bodies, author_id=author_id)
        queue.clear()

    def _connect_lock_for_post_processing(self, wait=True):
        """Lock these transactions' rows until the end of the database
        transaction, before anything of their post-processing is written.
        The status page (/payment/status/poll) and the post-processing cron
        finishing the same transaction at once queue here; the second one,
        whose snapshot predates the first one's commit, then fails with a
        serialization failure, raised without the SQL layer's "bad query"
        ERROR line: Odoo's request handler retries the status page (an
        INFO line) and the cron leaves the transaction for its next run,
        both finding the work done. ``wait=False`` (the status page): a row
        another transaction holds raises ``LockNotAvailable`` at once rather
        than waiting for the other one's whole post-processing (the receipt
        PDF and e-mail: 5 to 65 s under load, a worker held meanwhile)."""
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM payment_transaction WHERE id IN %s FOR UPDATE"
                + ("" if wait else " NOWAIT"),
                [tuple(self.ids)],
                log_exceptions=False,
            )
            self.invalidate_recordset(["payment_id", "connect_done", "is_post_processed"])

    def _connect_book_many(self):
        """Book these confirmed transactions of ours together (the payment
        service's ``_book_many``: one create, one post, one reconciliation
        plan for all), then run Odoo's post-processing on them, which finds
        each payment made and does the rest (the chatter note, the
        post-processed mark, the receipt unless deferred)."""
        self._connect_lock_for_post_processing()
        todo = self.filtered(
            lambda tx: (
                tx.connect_kind
                and tx.state == "done"
                and tx.operation != "validation"
                and not tx.is_post_processed
                and not tx.payment_id
                and not tx.child_transaction_ids
            )
        )
        if todo:
            self.env["customer_connect.payment.service"]._book_many(todo)
        queue = []
        self.filtered(lambda tx: not tx.is_post_processed).with_context(
            connect_log_queue=queue
        )._post_process()
        self._connect_log_queued(queue)

    def _post_process(self):
        # the same confirmation twice (the status page and the cron, a
        # provider's repeated notification): the second waits here and
        # finds the payment made, or retries quietly (see above)
        self._connect_lock_for_post_processing()
        mine = self.filtered(lambda tx: tx.connect_kind and tx.state == "done")
        res = super()._post_process()
        for tx in mine.filtered(lambda tx: tx.payment_id and not tx.connect_done):
            self.env["customer_connect.payment.service"]._after_payment(tx)
        return res
