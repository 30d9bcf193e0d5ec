"""Disputes: a contact raises a dispute of one of its customer's invoices
(a reason from the dealer's list, a message, files), follows its disputes
and answers in their chatter (Odoo's portal chatter, ``/mail/message/post``,
which ``customer_connect.dispute._get_thread_with_access`` keeps to the
dispute's own contacts). Routes check the area and hand over to
customer_connect.dispute (its portal service: models/portal_disputes_service.py);
the record rules in security/portal_disputes_security.xml hold the same line
for JSON-RPC."""

from odoo import http
from odoo.exceptions import MissingError, UserError
from odoo.http import request

from odoo.addons.account.controllers.portal import PortalAccount

from ..models.portal_disputes import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_MAX_COUNT,
    DISPUTE_PAGE,
    MESSAGE_MAX,
    MESSAGE_MIN,
    OPEN_STATES,
)
from .portal_list import PortalListParams, not_found_if_too_big

DISPUTE_FILTERS = ("open", "closed", "all")


class ConnectPortalDisputes(PortalAccount):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "connect_dispute_count" in counters:
            user = request.env.user
            values["connect_dispute_count"] = (
                # the company picked in the switcher, as the list counts
                request.env["customer_connect.dispute"].search_count(
                    [("state", "in", OPEN_STATES), ("company_id", "=", request.env.company.id)]
                )
                if user._is_portal() and user._connect_grants("disputes")
                else 0
            )
        return values

    def _get_overdue_invoices_domain(self, partner_id=None):
        # Odoo's "Overdue" figures of the portal (the home counter, the
        # invoices' filter, "pay all overdue"): a disputed invoice is not
        # overdue while its dispute is open
        return super()._get_overdue_invoices_domain(partner_id) + [
            ("connect_in_dispute", "=", False)
        ]

    # -- raising a dispute ---------------------------------------------------
    def _dispute_invoice(self, invoice_id):
        not_found_if_too_big(invoice_id)
        try:
            return request.env["customer_connect.dispute"]._connect_portal_invoice(invoice_id)
        except MissingError as error:
            raise request.not_found() from error

    def _dispute_form(self, invoice, error=None, reason_id=None, message=""):
        Dispute = request.env["customer_connect.dispute"]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_dispute_new",
                "invoice": invoice,
                "reasons": Dispute._connect_reasons(invoice.company_id),
                "open_dispute": Dispute.search(
                    [("move_id", "=", invoice.id), ("state", "in", OPEN_STATES)],
                    limit=1,
                ),
                "error": error,
                "reason_id": reason_id,
                "message": message,
                "message_min": MESSAGE_MIN,
                "message_max": MESSAGE_MAX,
                "max_files": ATTACHMENT_MAX_COUNT,
                "max_mb": ATTACHMENT_MAX_BYTES // (1024 * 1024),
            }
        )
        return request.render("customer_connect.portal_dispute_new", values)

    @http.route(
        "/my/invoices/<int:invoice_id>/dispute",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_dispute_raise(self, invoice_id, reason_id=None, message="", **kw):
        """The form to dispute an invoice (GET), and raising it (POST, a
        multipart form; CSRF-checked)."""
        invoice = self._dispute_invoice(invoice_id)
        if request.httprequest.method != "POST":
            return self._dispute_form(invoice)
        files = request.httprequest.files.getlist("attachments")
        try:
            dispute = request.env["customer_connect.dispute"]._connect_raise(
                invoice.id, reason_id, message, files
            )
        except UserError as error:
            return self._dispute_form(
                invoice, error=str(error), reason_id=reason_id, message=message
            )
        return request.redirect(f"/my/disputes/{dispute.id}?raised=1")

    # -- the list ------------------------------------------------------------
    @http.route(
        ["/my/disputes", "/my/disputes/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_disputes(self, page=1, filterby="open", **kw):
        """The customer's disputes: open ones first, or closed, or all."""
        request.env.user._connect_require("disputes")
        params = PortalListParams(page, DISPUTE_PAGE)
        filterby = params.choice(filterby, DISPUTE_FILTERS, "open")
        disputes, count = request.env["customer_connect.dispute"]._connect_portal_page(
            filterby, offset=params.offset
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_disputes",
                "disputes": disputes,
                "filterby": filterby,
                "pager": params.pager("/my/disputes", {"filterby": filterby}, count),
            }
        )
        return request.render("customer_connect.portal_my_disputes", values)

    # -- one dispute -----------------------------------------------------------
    def _dispute(self, dispute_id):
        not_found_if_too_big(dispute_id)
        try:
            return request.env["customer_connect.dispute"]._connect_portal_dispute(dispute_id)
        except MissingError as error:
            raise request.not_found() from error

    @http.route("/my/disputes/<int:dispute_id>", type="http", auth="user", website=True)
    def portal_my_dispute(self, dispute_id, raised=None, **kw):
        """The dispute, its files and its conversation (Odoo's portal
        chatter: the contact answers there)."""
        dispute = self._dispute(dispute_id)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_dispute",
                "dispute": dispute,
                "object": dispute,
                "files": dispute._connect_files_sudo(),
                "raised": bool(raised),
                # the chatter reads and posts as the signed-in contact (no
                # token: see customer_connect.dispute._get_thread_with_access)
                "disable_composer": dispute.state not in OPEN_STATES,
            }
        )
        return request.render("customer_connect.portal_my_dispute", values)

    @http.route(
        "/my/disputes/<int:dispute_id>/files/<int:attachment_id>",
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_dispute_file(self, dispute_id, attachment_id, **kw):
        """A file of the dispute, downloaded: the dispute's rules decide,
        then the file is served as the system."""
        dispute = self._dispute(dispute_id)
        not_found_if_too_big(attachment_id)
        try:
            attachment_sudo = dispute._connect_portal_attachment(attachment_id)
        except MissingError as error:
            raise request.not_found() from error
        return attachment_sudo._to_http_stream().get_response(as_attachment=True)
