import time

from odoo import models
from odoo.http import request
from odoo.tools import config

# the session key holding the dealer company a portal login picked
PORTAL_COMPANY_SESSION_KEY = "connect_company_id"

# The read replica (Odoo's db_replica_host / db_replica_port): when a session
# last changed something (a payment, a profile, a dispute: any request that is
# not a GET, served by the primary), and for how long after that its pages
# stay on the primary, so that a replica lagging by seconds never shows the
# customer the world before its own change (an invoice just paid as open).
LAST_WRITE_SESSION_KEY = "connect_last_write"
# seconds; a replica whose lag passes this must be taken out of service
# (pg_stat_replication.replay_lag); odoo.conf: customer_connect_replica_grace
REPLICA_GRACE_SECONDS = 60


def replica_serves(session, now=None):
    """Whether the read replica may serve ``session``'s read-only pages: not
    within REPLICA_GRACE_SECONDS of its last change (LAST_WRITE_SESSION_KEY),
    when the replica may not have replayed it yet."""
    last_write = session.get(LAST_WRITE_SESSION_KEY) if session else None
    if not last_write:
        return True
    grace = float(config.get("customer_connect_replica_grace", REPLICA_GRACE_SECONDS))
    return (now or time.time()) - last_write > grace


def replica_readonly(_controller=None):
    """``readonly`` of the portal's read-only pages, which Odoo calls before
    the request's transaction: the replica, unless the session changed
    something moments ago (then the primary)."""
    return replica_serves(request.session if request else None)


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        result = super()._pre_dispatch(rule, args)
        # a request Odoo serves again on the primary (it wrote on the
        # replica) records its events again: none kept from the first try
        request.connect_deferred_events = []
        cls._connect_set_portal_company()
        return result

    @classmethod
    def _post_dispatch(cls, response):
        # the response is rendered (ir.http._dispatch flattens it): the
        # timeline's events recorded on the replica are written on the
        # primary (customer_connect.portal.event._record)
        request.env["customer_connect.portal.event"]._write_deferred()
        if (
            request.httprequest.method not in ("GET", "HEAD", "OPTIONS")
            and not request.env.cr.readonly
            and request.session.uid
            and request.env.user._is_portal()
        ):
            # before super(), which saves the session
            request.session[LAST_WRITE_SESSION_KEY] = time.time()
        return super()._post_dispatch(response)

    @classmethod
    def _connect_set_portal_company(cls):
        """A portal login working for several dealer companies sees one at a
        time, the one picked in the portal's switcher: every page, count,
        document and JSON-RPC call of the request is about that company
        (Odoo's multi-company rules read ``allowed_company_ids``). Its access
        level there is held by the areas' rules either way."""
        user = request.env.user
        # one company (nearly every login), or a visitor: nothing to choose
        if len(user.sudo().company_ids) < 2 or not user._is_portal():
            return
        if request.env.context.get("allowed_company_ids"):
            return
        company = user._connect_portal_company(request.session.get(PORTAL_COMPANY_SESSION_KEY))
        if company:
            request.update_context(allowed_company_ids=company.ids)
