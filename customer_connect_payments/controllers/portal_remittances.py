"""Remittances: a contact sends a remittance advice (the bank transfer and
its lines, typed or in a CSV, XLSX or PDF file) and follows what it sent and
how each line was matched. Routes check the area and hand over to
customer_connect.remittance (its portal service:
models/portal_remittances_service.py); the record rules in
security/portal_remittances_security.xml hold the same line for JSON-RPC."""

from odoo import http
from odoo.exceptions import MissingError, UserError
from odoo.http import request

from odoo.addons.customer_connect.controllers.portal_list import (
    PortalListParams,
    not_found_if_too_big,
)
from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.portal_remittances import REMITTANCE_PAGE
from ..models.portal_remittances_reader import FILE_MAX_BYTES, LINES_MAX, REFERENCE_MAX

# rows of the form shown empty; what was typed is kept, up to the line limit
FORM_ROWS = 8


class ConnectPortalRemittances(CustomerPortal):
    def _remittance_form(self, errors=None, typed=None, rows=()):
        typed = typed or {}
        rows = [(str(r)[:REFERENCE_MAX], str(a)[:20]) for r, a in rows][:LINES_MAX]
        rows += [("", "")] * max(FORM_ROWS - len(rows), 2)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_remittance_new",
                "errors": errors or [],
                "transfer_date": str(typed.get("transfer_date") or "")[:10],
                "transfer_amount": str(typed.get("transfer_amount") or "")[:20],
                "payer_reference": str(typed.get("payer_reference") or "")[:REFERENCE_MAX],
                "rows": rows,
                "currency": request.env.company.currency_id,
                "reference_max": REFERENCE_MAX,
                "lines_max": LINES_MAX,
                "max_mb": FILE_MAX_BYTES // (1024 * 1024),
            }
        )
        return request.render("customer_connect_payments.portal_remittance_new", values)

    @http.route(
        "/my/remittances/new",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_remittance_new(self, transfer_date="", transfer_amount="", payer_reference="", **kw):
        """The form to send a remittance advice (GET), and sending it (POST,
        a multipart form; CSRF-checked). A refused form comes back with
        what was typed and every fault."""
        request.env.user._connect_require("remittances")
        if request.httprequest.method != "POST":
            return self._remittance_form()
        form = request.httprequest.form
        references = form.getlist("reference")[: LINES_MAX + 1]
        amounts = form.getlist("amount")[: LINES_MAX + 1]
        upload = request.httprequest.files.get("remittance_file")
        if upload is not None and not upload.filename:
            upload = None
        typed = {
            "transfer_date": transfer_date,
            "transfer_amount": transfer_amount,
            "payer_reference": payer_reference,
        }
        try:
            remittance = request.env["customer_connect.remittance"]._connect_send(
                transfer_date,
                transfer_amount,
                payer_reference,
                references,
                amounts,
                upload,
            )
        except UserError as error:
            rows = [
                (r, a)
                for r, a in zip(references, amounts, strict=False)
                if str(r).strip() or str(a).strip()
            ]
            return self._remittance_form(str(error).split("\n"), typed, rows)
        return request.redirect(f"/my/remittances/{remittance.id}?sent=1")

    @http.route(
        ["/my/remittances", "/my/remittances/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_remittances(self, page=1, **kw):
        """The remittances the customer sent, latest first."""
        request.env.user._connect_require("remittances")
        params = PortalListParams(page, REMITTANCE_PAGE)
        remittances, count = request.env["customer_connect.remittance"]._connect_portal_page(
            offset=params.offset
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_remittances",
                "remittances": remittances,
                "pager": params.pager("/my/remittances", {}, count),
            }
        )
        return request.render("customer_connect_payments.portal_my_remittances", values)

    @http.route("/my/remittances/<int:remittance_id>", type="http", auth="user", website=True)
    def portal_my_remittance(self, remittance_id, sent=None, **kw):
        """One remittance: its lines, the invoice each was matched to, and
        whether the invoice is settled."""
        not_found_if_too_big(remittance_id)
        try:
            remittance = request.env["customer_connect.remittance"]._connect_portal_remittance(
                remittance_id
            )
        except MissingError as error:
            raise request.not_found() from error
        values = self._prepare_portal_layout_values()
        values.update(
            {"page_name": "connect_remittance", "remittance": remittance, "sent": bool(sent)}
        )
        return request.render("customer_connect_payments.portal_my_remittance", values)
