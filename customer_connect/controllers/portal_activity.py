"""Activity and documents: the customer's invoices and credit notes, and
their PDFs. Routes only check the area (``res.users._connect_require``) and
hand over to Odoo's; the record rules in
security/portal_activity_security.xml and ``account.move._connect_opens_for``
hold the same line for every other way in."""

from urllib.parse import quote

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request

from odoo.addons.account.controllers.portal import PortalAccount
from odoo.addons.web.controllers.report import ReportController

from ..models.ir_http import replica_readonly
from ..models.portal_activity import ACTIVITY_PAGE, ACTIVITY_SORTS, ACTIVITY_TYPES
from .portal_list import PortalListParams


class ConnectPortalActivity(PortalAccount):
    def _prepare_home_portal_values(self, counters):
        if not request.env.user._connect_grants("activity"):
            counters = [
                c
                for c in counters
                if c not in ("invoice_count", "overdue_invoice_count", "connect_activity_count")
            ]
        values = super()._prepare_home_portal_values(counters)
        if "connect_activity_count" in counters and request.env.user._is_portal():
            _rows, count = request.env["customer_connect.portal.activity"]._page(limit=1)
            values["connect_activity_count"] = count
        return values

    @http.route(
        ["/my/activity", "/my/activity/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=replica_readonly,
    )
    def portal_my_activity(
        self, page=1, status="current", doc_type="all", search="", sortby="date", order="desc", **kw
    ):
        """Customer Activity: the customer's documents, open (Current) or
        settled (History), filtered, searched, sorted on every column."""
        Activity = request.env["customer_connect.portal.activity"]
        params = PortalListParams(page, ACTIVITY_PAGE, order=order, search=search)
        status = params.choice(status, ("current", "history", "all"), "current")
        doc_type = params.choice(doc_type, ACTIVITY_TYPES, "all")
        sortby = params.choice(sortby, ACTIVITY_SORTS, "date")
        rows, count = Activity._page(
            status, doc_type, params.search, sortby, params.descending, offset=params.offset
        )
        url_args = {
            "status": status,
            "doc_type": doc_type,
            "search": params.search,
            "sortby": sortby,
            "order": params.order,
        }
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_activity",
                "rows": rows,
                "totals": Activity._totals(),
                "status": status,
                "doc_type": doc_type,
                "search": params.search,
                "sortby": sortby,
                "order": params.order,
                "url_args": url_args,
                "can_download": request.env.user._connect_grants("documents"),
                "pager": params.pager("/my/activity", url_args, count),
            }
        )
        return request.render("customer_connect.portal_my_activity", values)

    @http.route("/my/activity/documents", type="http", auth="user", website=True)
    def portal_my_activity_documents(self, **kw):
        """The documents ticked in the list (``doc_<id>`` keys), as one PDF."""
        user = request.env.user
        user._connect_require("activity")
        user._connect_require("documents")
        ids = [int(key[4:]) for key in kw if key.startswith("doc_") and key[4:].isdigit()]
        # a hundred invoices are a long enough PDF for one request
        moves = request.env["account.move"].browse(ids[:100]).exists()
        if not moves:
            return request.redirect("/my/activity")
        # the contact's own rules first, then the area's gate, then the
        # report as the system (as Odoo's portal renders an invoice)
        moves.check_access("read")
        if not moves._connect_opens_for("documents") or any(
            move_type not in ("out_invoice", "out_refund")
            for move_type in moves.mapped("move_type")
        ):
            raise AccessError(request.env._("These documents are not open to you."))
        pdf = moves._connect_documents_pdf()
        request.env["customer_connect.portal.event"]._record("documents_downloaded", moves)
        filename = f"{request.env.user.commercial_partner_id.name} documents.pdf"
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

    def _document_check_access(self, model_name, document_id, access_token=None):
        document_sudo = super()._document_check_access(model_name, document_id, access_token)
        if model_name == "account.move":
            # a token link skips the record rules: the area's gate decides
            document = document_sudo.with_env(request.env)
            if not document._connect_opens_for("activity"):
                raise AccessError(request.env._("This document is not open to you."))
        return document_sudo

    @http.route()
    def portal_my_invoices(self, *args, **kw):
        request.env.user._connect_require("activity")
        return super().portal_my_invoices(*args, **kw)

    @http.route()
    def portal_my_invoice_detail(
        self, invoice_id, access_token=None, report_type=None, download=False, **kw
    ):
        user = request.env.user
        if user._is_public() and access_token:
            invoice = request.env["account.move"].browse(invoice_id)
            if not invoice._connect_opens_for("activity"):
                # the customer is on Customer Connect: its contact signs in,
                # then its level applies, and comes back here
                return request.redirect(
                    f"/web/login?redirect={quote(request.httprequest.full_path, safe='')}"
                )
        else:
            user._connect_require("activity")
            if report_type == "pdf" or download:
                user._connect_require("documents")
                # a login shared between dealer companies: this invoice's
                # company and customer decide, not the login's best level
                invoice = request.env["account.move"].browse(invoice_id).exists()
                if invoice and not invoice._connect_opens_for("documents"):
                    raise AccessError(request.env._("This document is not open to you."))
        if report_type == "pdf":
            # print and download give the invoice's legal PDF, made now if
            # it is the first time (never "PROFORMA" for a posted invoice)
            try:
                invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
            except (AccessError, MissingError):
                return request.redirect("/my")
            # checked just above, by Odoo's own rule (rules or token) and
            # the area's gate: the PDF is made as the system
            invoice_sudo._connect_try_legal_pdf()
        response = super().portal_my_invoice_detail(
            invoice_id, access_token=access_token, report_type=report_type, download=download, **kw
        )
        if response.status_code == 200:
            kind = (
                "document_downloaded"
                if download
                else "document_printed"
                if report_type == "pdf"
                else "document_viewed"
            )
            request.env["customer_connect.portal.event"]._record(
                kind, request.env["account.move"].browse(invoice_id)
            )
        return response

    def _show_report(self, model, report_type, report_ref, download=False):
        if (
            model._name == "account.move"
            and len(model) == 1
            and model.state == "posted"
            and model.is_sale_document(include_receipts=True)
        ):
            if report_type == "pdf" and model.invoice_pdf_report_id:
                # print shows the same legal PDF as download, not a new
                # rendering of the report
                pdf = model.invoice_pdf_report_id.raw
                disposition = content_disposition(model.invoice_pdf_report_id.name)
                if not download:
                    disposition = disposition.replace("attachment", "inline", 1)
                return request.make_response(
                    pdf,
                    headers=[
                        ("Content-Type", "application/pdf"),
                        ("Content-Length", len(pdf)),
                        ("Content-Disposition", disposition),
                    ],
                )
            # the invoice page's HTML view of a posted invoice is the invoice,
            # whether or not its PDF has been made yet
            request.update_context(proforma_invoice=False)
        return super()._show_report(model, report_type, report_ref, download=download)


class ConnectReportController(ReportController):
    """Odoo's generic report routes (/report/pdf/..., /report/download) render
    whatever the record rules let a user read: for invoices they ask for the
    activity area, and for "download and print" unless it is the HTML view."""

    @http.route()
    def report_routes(self, reportname, docids=None, converter=None, **data):
        # sudo: the report action only, to learn which gate applies; the documents
        # are checked below (check_access) and Odoo renders them as the caller
        report = request.env["ir.actions.report"].sudo()._get_report_from_name(reportname)
        if report.model == "account.move":
            request.env.user._connect_require("activity")
            if converter != "html":
                request.env.user._connect_require("documents")
            if docids:
                moves = request.env["account.move"].browse(int(i) for i in docids.split(","))
                # the user's own rules first: the gate below reads the moves
                # as the system
                moves.check_access("read")
                if not moves._connect_opens_for("documents"):
                    raise MissingError(request.env._("This document is not open to you."))
        return super().report_routes(reportname, docids=docids, converter=converter, **data)
