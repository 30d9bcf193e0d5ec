"""Promises to pay: a contact chooses open invoices of its customer and
promises a date and an amount (``/my/promises/new``), and follows its
promises (``/my/promises``). Routes check the area and hand over to
customer_connect.promise (its portal service:
models/portal_promises_service.py); the record rules in
security/portal_promises_security.xml hold the same line for JSON-RPC."""

from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.connect_portal_input import parse_portal_ids
from ..models.portal_promises import PROMISE_PAGE
from .portal_list import PortalListParams

PROMISE_FILTERS = ("open", "all")


class ConnectPortalPromises(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "connect_promise_count" in counters:
            user = request.env.user
            values["connect_promise_count"] = (
                request.env["customer_connect.promise"].search_count(
                    [("state", "=", "open"), ("company_id", "=", request.env.company.id)]
                )
                if user._is_portal() and user._connect_grants("promises")
                else 0
            )
        return values

    def _promise_form(self, selected_ids, error=None, date_promised="", amount=""):
        Promise = request.env["customer_connect.promise"]
        invoices = Promise._connect_promisable()
        today = fields.Date.context_today(Promise)
        max_days = Promise._connect_max_days(request.env.company)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_promise_new",
                "invoices": invoices,
                "selected_ids": set(selected_ids),
                "error": error,
                "date_promised": date_promised,
                "amount": amount,
                "date_min": today,
                "date_max": today + timedelta(days=max_days),
                "max_days": max_days,
            }
        )
        return request.render("customer_connect.portal_promise_new", values)

    @http.route("/my/promises/new", type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_promise_new(self, date_promised="", amount="", currency_id=None, **kw):
        """The form to promise (GET: the invoices given as ``invoice`` or
        ticked on Customer Activity, ``doc_<id>``, are ticked), and the
        promise (POST; CSRF-checked). A value refused comes back with the
        message and what was typed."""
        request.env.user._connect_require("promises")
        if request.httprequest.method != "POST":
            args = request.httprequest.args
            # one invoice's link (invoice=<id>), or the invoices ticked on
            # Customer Activity (its documents form's doc_<id> boxes)
            ticked = [key.removeprefix("doc_") for key in args if key.startswith("doc_")]
            return self._promise_form(parse_portal_ids([*args.getlist("invoice"), *ticked]))
        invoice_ids = request.httprequest.form.getlist("invoice_ids")
        try:
            promise = request.env["customer_connect.promise"]._connect_promise(
                invoice_ids, date_promised, amount, currency_id
            )
        except UserError as error:
            return self._promise_form(
                parse_portal_ids(invoice_ids),
                error=str(error),
                date_promised=date_promised,
                amount=amount,
            )
        return request.redirect(f"/my/promises?made={promise.id}")

    @http.route(
        ["/my/promises", "/my/promises/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_promises(self, page=1, filterby="open", made=None, **kw):
        """The customer's promises to pay: open ones, or all."""
        request.env.user._connect_require("promises")
        params = PortalListParams(page, PROMISE_PAGE)
        filterby = params.choice(filterby, PROMISE_FILTERS, "open")
        promises, count = request.env["customer_connect.promise"]._connect_portal_page(
            filterby, offset=params.offset
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_promises",
                "promises": promises,
                "filterby": filterby,
                "made": bool(made),
                "pager": params.pager("/my/promises", {"filterby": filterby}, count),
            }
        )
        return request.render("customer_connect.portal_my_promises", values)
