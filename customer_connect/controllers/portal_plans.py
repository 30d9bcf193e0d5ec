"""Instalment plans: a contact asks to pay one of its customer's invoices
in instalments (``/my/invoices/<id>/plan``), follows its plans and reads
the dealer's answer (``/my/plans``). Routes check the area and hand over to
customer_connect.plan (its portal service: models/portal_plans_service.py);
the record rules in security/portal_plans_security.xml hold the same line
for JSON-RPC."""

from dateutil.relativedelta import relativedelta

from odoo import fields, http
from odoo.exceptions import MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.portal_plans import NOTE_MAX, PLAN_PAGE
from .portal_list import PortalListParams, not_found_if_too_big


class ConnectPortalPlans(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "connect_plan_count" in counters:
            user = request.env.user
            values["connect_plan_count"] = (
                request.env["customer_connect.plan"].search_count(
                    [("company_id", "=", request.env.company.id)]
                )
                if user._is_portal() and user._connect_grants("plans")
                else 0
            )
        return values

    def _plan_invoice(self, invoice_id):
        not_found_if_too_big(invoice_id)
        try:
            return request.env["customer_connect.plan"]._connect_portal_invoice(invoice_id)
        except MissingError as error:
            raise request.not_found() from error

    def _plan_form(self, invoice, rows=None, error=None, note=""):
        Plan = request.env["customer_connect.plan"]
        _min_amount, max_count, max_days = Plan._connect_limits(invoice.company_id)
        today = fields.Date.context_today(Plan)
        # sudo: the invoice was checked by _plan_invoice (rules and gate)
        invoice_sudo = invoice.sudo()
        if rows is None:
            rows = [
                (str(day), str(amount))
                for day, amount in Plan._connect_first_proposal(invoice, today)
            ]
        rows = list(rows) + [("", "")] * (max_count - len(rows))
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_plan_new",
                "invoice": invoice_sudo,
                "live_plan": Plan._connect_live_plan(invoice),
                "rows": rows[:max_count],
                "error": error,
                "note": note,
                "note_max": NOTE_MAX,
                "max_count": max_count,
                "date_min": today + relativedelta(days=1),
                "date_max": today + relativedelta(days=max_days),
            }
        )
        return request.render("customer_connect.portal_plan_new", values)

    @http.route(
        "/my/invoices/<int:invoice_id>/plan",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_plan_ask(self, invoice_id, note="", **kw):
        """The form to ask for an instalment plan (GET), and asking (POST;
        CSRF-checked): a value refused comes back with the message and what
        was typed."""
        invoice = self._plan_invoice(invoice_id)
        if request.httprequest.method != "POST":
            return self._plan_form(invoice)
        form = request.httprequest.form
        dates, amounts = form.getlist("date_due"), form.getlist("amount")
        try:
            plan = request.env["customer_connect.plan"]._connect_ask(
                invoice.id, dates, amounts, note
            )
        except UserError as error:
            return self._plan_form(
                invoice, rows=list(zip(dates, amounts, strict=False)), error=str(error), note=note
            )
        return request.redirect(f"/my/plans/{plan.id}?asked=1")

    @http.route(["/my/plans", "/my/plans/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_plans(self, page=1, **kw):
        """The customer's instalment plans and their answers."""
        request.env.user._connect_require("plans")
        params = PortalListParams(page, PLAN_PAGE)
        plans, count = request.env["customer_connect.plan"]._connect_portal_page(
            offset=params.offset
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_plans",
                "plans": plans,
                "pager": params.pager("/my/plans", {}, count),
            }
        )
        return request.render("customer_connect.portal_my_plans", values)

    @http.route("/my/plans/<int:plan_id>", type="http", auth="user", website=True)
    def portal_my_plan(self, plan_id, asked=None, **kw):
        """One plan: its instalments, its state and the dealer's answer."""
        not_found_if_too_big(plan_id)
        try:
            plan = request.env["customer_connect.plan"]._connect_portal_plan(plan_id)
        except MissingError as error:
            raise request.not_found() from error
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "connect_plan", "plan": plan, "asked": bool(asked)})
        return request.render("customer_connect.portal_my_plan", values)
