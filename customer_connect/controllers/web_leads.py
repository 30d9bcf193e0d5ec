"""Web leads: the public Request Info form (manual 003). Routes hand what
was posted to customer_connect.web.lead (models/connect_web_lead.py) and
render its answer.

Two pages of one form:

* ``/request-info``: on the portal (linked from the sign-in page), Odoo's
  CSRF token (checked by the route with ``request.validate_csrf``, so that a
  stale page gets the form back, filled in, with the reason), framed by the
  portal's own pages only (as the sign-in page).
* ``/request-info/embed``: the same form without the portal's header, for
  an iframe on the dealer's website. A third-party iframe gets no session
  cookie (SameSite, browsers' third-party cookie blocking), so Odoo's CSRF
  token, bound to the session, cannot work there: the form carries a token
  signed by the server instead, bound to the visitor's address and valid
  two hours. Framed by the portal and by the origins listed in Settings
  (Content-Security-Policy ``frame-ancestors``); none listed, no other
  site may frame it.

Refusals are 4xx pages with the reason (400 for what was posted, 429 over
the limits, 413 for a body over 64 KB: the form again with its first 64 KB
and the fields' messages, the rest dropped unread), never a server error;
a post caught by the honeypot gets the thank-you page and files nothing."""

from odoo import http
from odoo.http import request

from ..models.connect_web_lead import HONEYPOT, MAX_BODY_BYTES

STATUS = {"filed": 200, "honeypot": 200, "invalid": 400, "limited": 429}


class ConnectWebLeads(http.Controller):
    def _web_lead_render(self, template, values, embed, status=200):
        Service = request.env["customer_connect.web.lead"]
        values = {
            "embed": embed,
            "form_fields": Service._form_fields(),
            "honeypot": HONEYPOT,
            "action": "/request-info/embed" if embed else "/request-info",
            "values": {},
            "errors": {},
            **values,
        }
        if embed:
            values["form_token"] = Service._form_token(request.httprequest.remote_addr)
        response = request.render(template, values, status=status)
        response.headers["Content-Security-Policy"] = Service._frame_ancestors(embed)
        if not embed:
            # older browsers without CSP: as Odoo's sign-in page
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def _web_lead_form(self, embed):
        return self._web_lead_render("customer_connect.web_lead_page", {}, embed)

    def _web_lead_post(self, embed):
        Service = request.env["customer_connect.web.lead"]
        httprequest = request.httprequest
        # every value posted under each name, files included: the model
        # refuses several values or a file for a field
        raw = {
            name: httprequest.form.getlist(name) + httprequest.files.getlist(name)
            for name in [*Service._form_field_names(), HONEYPOT]
        }
        if getattr(httprequest, "connect_form_cut", False):
            # larger than the form takes (models/ir_http.py read it up to
            # the limit): never filed, so checked before the CSRF token (a
            # cut multipart post has none); the form again with what was
            # read and each field's message, not a bare 413
            values, errors = Service._validate(raw)
            errors[""] = request.env._(
                "What you sent is longer than this form takes (%(size)s KB): only its first "
                "part is below. Shorten the fields marked and send it again.",
                size=MAX_BODY_BYTES // 1024,
            )
            return self._web_lead_render(
                "customer_connect.web_lead_page",
                {"values": values, "errors": errors},
                embed,
                status=413,
            )
        if embed:
            genuine = Service._check_form_token(
                httprequest.form.get("form_token"), httprequest.remote_addr
            )
        else:
            # Odoo's CSRF check, made here so that a stale page gets its form
            # back, filled in, with the reason (Odoo's own refusal is a bare
            # "Something went wrong" page)
            genuine = request.validate_csrf(httprequest.form.get("csrf_token"))
        if not genuine:
            values, _errors = Service._validate(raw)
            refusal = request.env._(
                "This form has expired or did not come from this site. Please send it again."
            )
            return self._web_lead_render(
                "customer_connect.web_lead_page",
                {"values": values, "errors": {"": refusal}},
                embed,
                status=400,
            )
        result = Service._submit(raw, httprequest.remote_addr, request.env.company)
        template = (
            "customer_connect.web_lead_thanks"
            if result["state"] in ("filed", "honeypot")
            else "customer_connect.web_lead_page"
        )
        return self._web_lead_render(
            template,
            {"values": result["values"], "errors": result["errors"]},
            embed,
            status=STATUS[result["state"]],
        )

    @http.route("/request-info", type="http", auth="public", methods=["GET"], website=True)
    def web_lead_form(self, **kw):
        """The Request Info form."""
        return self._web_lead_form(embed=False)

    @http.route(
        "/request-info",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        # checked in _web_lead_post with request.validate_csrf, Odoo's own
        # check, to answer with the form and a clear message
        csrf=False,
        max_content_length=MAX_BODY_BYTES,
        connect_cut_oversized_form=True,
    )
    def web_lead_submit(self, **kw):
        """A post of the form, with Odoo's CSRF token."""
        return self._web_lead_post(embed=False)

    @http.route("/request-info/embed", type="http", auth="public", methods=["GET"], website=True)
    def web_lead_embed_form(self, **kw):
        """The form for an iframe on the dealer's website."""
        return self._web_lead_form(embed=True)

    @http.route(
        "/request-info/embed",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        # no session cookie in a third-party iframe: the form's signed token
        # (models/connect_web_lead.py, _check_form_token) stands in for it
        csrf=False,
        max_content_length=MAX_BODY_BYTES,
        connect_cut_oversized_form=True,
    )
    def web_lead_embed_submit(self, **kw):
        """A post of the embedded form, checked with its signed token."""
        return self._web_lead_post(embed=True)
