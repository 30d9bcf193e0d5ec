"""Statements: the contact's statement of account as a PDF. The area's
check and the rendering live in customer_connect.statement
(models/portal_statements.py); the route only reads the form."""

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.ir_http import replica_readonly


class ConnectPortalStatements(CustomerPortal):
    @http.route("/my/statement", type="http", auth="user", website=True, readonly=replica_readonly)
    def portal_my_statement(self, error=None, **kw):
        request.env.user._connect_require("statements")
        values = self._prepare_portal_layout_values()
        values.update(page_name="connect_statement", today=fields.Date.today(), error=error)
        return request.render("customer_connect.portal_my_statement", values)

    @http.route("/my/statement/pdf", type="http", auth="user", website=True)
    def portal_my_statement_pdf(self, kind="outstanding", date_start=None, date_end=None, **kw):
        try:
            start = fields.Date.to_date(date_start) if date_start else None
            end = fields.Date.to_date(date_end) if date_end else None
        except ValueError:
            return self.portal_my_statement(error=request.env._("Dates are written 2026-11-30."))
        try:
            account, pdf = request.env["customer_connect.statement"]._portal_statement(
                kind if kind in ("outstanding", "activity") else "outstanding", start, end
            )
        except UserError as error:
            return self.portal_my_statement(error=str(error))
        filename = f"Statement {account.ref or account.name} {end or fields.Date.today()}.pdf"
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
