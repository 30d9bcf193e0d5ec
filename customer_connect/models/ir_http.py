import re
from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import ImmutableMultiDict, ImmutableOrderedMultiDict

from odoo import models
from odoo.http import DEFAULT_MAX_CONTENT_LENGTH, request

# the session key holding the dealer company a portal login picked
PORTAL_COMPANY_SESSION_KEY = "connect_company_id"
# a route's routing key: a form post over the route's max_content_length is
# read up to that length and handed to the route cut, instead of the
# framework's bare "413 Request Entity Too Large" (the visitor keeps the form)
CUT_OVERSIZED_FORM = "connect_cut_oversized_form"
# a percent escape cut in the middle, at the end of what was read
CUT_ESCAPE_RE = re.compile(rb"%[0-9A-Fa-f]?$")


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        result = super()._pre_dispatch(rule, args)
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
