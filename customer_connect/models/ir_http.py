import re
import time
from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import ImmutableMultiDict, ImmutableOrderedMultiDict

from odoo import models
from odoo.http import DEFAULT_MAX_CONTENT_LENGTH, request
from odoo.tools import config

# the session key holding the dealer company a portal login picked
PORTAL_COMPANY_SESSION_KEY = "connect_company_id"
# a route's routing key: a form post over the route's max_content_length is
# read up to that length and handed to the route cut, instead of the
# framework's bare "413 Request Entity Too Large" (the visitor keeps the form)
CUT_OVERSIZED_FORM = "connect_cut_oversized_form"
# a percent escape cut in the middle, at the end of what was read
CUT_ESCAPE_RE = re.compile(rb"%[0-9A-Fa-f]?$")

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
        if rule.endpoint.routing.get(CUT_OVERSIZED_FORM):
            cls._connect_cut_oversized_form()
        return result

    @classmethod
    def _connect_cut_oversized_form(cls):
        """A url-encoded form post larger than the route's limit, read up to
        the limit: its fields as far as they came (the last one cut, at a
        whole character), no file; ``request.httprequest.connect_form_cut``
        tells the route. Odoo would answer such a post with a bare 413
        before the route runs, and the visitor would lose what they typed.
        The rest of the body is read and dropped (up to Odoo's own upload
        limit) so that the browser, still sending, gets the answer."""
        httprequest = request.httprequest
        limit, length = httprequest.max_content_length, httprequest.content_length
        if httprequest.method != "POST" or not limit or not length or length <= limit:
            return
        stream = httprequest._HTTPRequest__wrapped.environ["wsgi.input"]
        body, left = b"", length
        while left and len(body) < limit:
            chunk = stream.read(min(limit - len(body), left))
            if not chunk:
                break
            body, left = body + chunk, left - len(chunk)
        fields = []
        if httprequest.mimetype == "application/x-www-form-urlencoded":
            pairs = body.split(b"&")
            for index, pair in enumerate(pairs):
                name, _equal, value = pair.partition(b"=")
                last = index == len(pairs) - 1
                if last:
                    value = CUT_ESCAPE_RE.sub(b"", value)
                value = unquote_to_bytes(value.replace(b"+", b" "))
                if last:
                    # a character cut in the middle of its bytes: dropped
                    try:
                        value.decode("utf-8")
                    except UnicodeDecodeError as error:
                        if error.reason == "unexpected end of data":
                            value = value[: error.start]
                fields.append(
                    (
                        unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace"),
                        # not UTF-8 shows as U+FFFD, which the route refuses
                        value.decode("utf-8", "replace"),
                    )
                )
        drained = 0
        while left and drained < DEFAULT_MAX_CONTENT_LENGTH:
            chunk = stream.read(min(64 * 1024, left))
            if not chunk:
                break
            left, drained = left - len(chunk), drained + len(chunk)
        # werkzeug's parsed form and files, as if it had read the post
        httprequest.form = ImmutableOrderedMultiDict(fields)
        httprequest.files = ImmutableMultiDict()
        httprequest.connect_form_cut = True

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
