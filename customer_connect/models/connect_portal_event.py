from odoo import SUPERUSER_ID, api, fields, models
from odoo.http import request

EVENT_KINDS = [
    ("login", "Logged in"),
    ("document_viewed", "Viewed a document"),
    ("document_printed", "Printed a document"),
    ("document_downloaded", "Downloaded a document"),
    ("documents_downloaded", "Downloaded several documents"),
    ("statement_downloaded", "Downloaded a statement"),
    ("account_history_downloaded", "Downloaded the account history"),
    ("order_viewed", "Viewed an order"),
    ("project_viewed", "Viewed a project's status"),
    ("payment", "Paid"),
    ("equipment_hours", "Reported hours"),
    ("dispute_raised", "Raised a dispute"),
    ("dispute_resolved", "Dispute resolved"),
    ("dispute_rejected", "Dispute rejected"),
]


class CustomerConnectPortalEvent(models.Model):
    """What each customer did in the portal, for the dealer's timeline of a
    customer and of each contact: log-ins, documents viewed, printed and
    downloaded, statements fetched, payments. Recorded in one place,
    ``_record``, by the portal areas; read by dealer staff only."""

    _name = "customer_connect.portal.event"
    _description = "Customer Connect portal event"
    _order = "date desc, id desc"
    _rec_name = "kind"

    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    kind = fields.Selection(EVENT_KINDS, required=True, readonly=True)
    user_id = fields.Many2one("res.users", "Login", readonly=True, ondelete="set null")
    partner_id = fields.Many2one("res.partner", "Contact", readonly=True, ondelete="cascade")
    commercial_partner_id = fields.Many2one(
        "res.partner", "Customer", readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    res_model = fields.Char("Document model", readonly=True)
    res_id = fields.Many2oneReference("Document ID", model_field="res_model", readonly=True)
    name = fields.Char("Document", readonly=True)

    def init(self):
        # a customer's timeline is its events newest first: one index scan
        # whatever the number of events (tests/bench/bench_timeline.py)
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS customer_connect_portal_event_timeline_idx
                ON customer_connect_portal_event (commercial_partner_id, date DESC, id DESC)
            """
        )
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS customer_connect_portal_event_contact_idx
                ON customer_connect_portal_event (partner_id, date DESC, id DESC)
            """
        )

    @api.model
    def _record(self, kind, documents=None, name=None, user=None):
        """Record that the current portal user (or ``user``) did ``kind`` (on
        ``documents``, records it could reach). Nothing is recorded for dealer
        staff or visitors: the timeline is the customer's."""
        user = user or self.env.user
        if not user._is_portal():
            return self.browse()
        # a login shared between dealer companies: its contact at this one
        customer = user._connect_customer(self.env.company)
        contact = user._connect_contact_of(customer)
        values = {
            "kind": kind,
            "user_id": user.id,
            "partner_id": contact.id,
            "commercial_partner_id": contact.commercial_partner_id.id,
            "company_id": self.env.company.id,
        }
        if documents:
            values.update(
                res_model=documents._name,
                res_id=documents[:1].id,
                # sudo: names of documents the caller reached (docstring); a portal login may
                # not read every field display_name uses
                name=name or ", ".join(documents.sudo().mapped("display_name"))[:250],
            )
        elif name:
            values["name"] = name
        if self.env.cr.readonly:
            # a page served from the read replica (a route declared
            # readonly): a write here would make Odoo roll the request back
            # and serve it again on the primary. The event is written after
            # the response is rendered, on the primary, in its own
            # transaction (_write_deferred, from ir.http._post_dispatch)
            values["date"] = fields.Datetime.now()
            if request:
                request.connect_deferred_events = [
                    *getattr(request, "connect_deferred_events", []),
                    values,
                ]
            else:
                self._write_on_primary([values])
            return self.browse()
        # the portal user has no right on the dealer's timeline: the system
        # writes what the user did, nothing the user chose
        return self.sudo().create(values)

    @api.model
    def _write_on_primary(self, vals_list):
        """Write events recorded during a read-only transaction: Odoo's own
        way out of a replica's cursor (res.device's log, the asset bundles):
        end the read-only transaction, then a cursor on the primary that
        commits on its own. Used once the response is rendered: nothing of
        the request reads the replica any more."""
        if self.env.cr.readonly:
            # the request's own pending writes (an order's first portal
            # token, say) go first: on the replica they fail and Odoo serves
            # the page again on the primary, as it would without these
            # events; the rollback below would silently drop them
            self.env.flush_all()
            self.env.cr.rollback()
        with self.env.registry.cursor() as cr:
            # the system writes what the user did (see _record)
            api.Environment(cr, SUPERUSER_ID, {})[self._name].create(vals_list)

    @api.model
    def _write_deferred(self):
        """Write the events the request recorded on the replica (see _record)."""
        pending = getattr(request, "connect_deferred_events", None) if request else None
        if pending:
            request.connect_deferred_events = []
            self._write_on_primary(pending)
