import io
from collections import OrderedDict

from odoo import models

# Odoo's invoice PDFs (with and without the payments block)
INVOICE_REPORTS = ("account.report_invoice_with_payments", "account.report_invoice")


class IrActionsReport(models.Model):
    """An imported invoice that has its PDF copy from the DMS prints as that
    copy, not as Odoo's rendering of it: Odoo serves the stored PDF
    (``invoice_pdf_report_id``) when an invoice is downloaded or e-mailed,
    but renders the report again to print or view it (the portal's print
    button, /report/pdf/..., "download selected as one PDF"). The customer
    sees one document, the DMS's, everywhere."""

    _inherit = "ir.actions.report"

    def _dms_invoice_copies(self, report_ref, res_ids):
        """{invoice id: its DMS PDF copy (ir.attachment)} among ``res_ids``
        for an invoice report; empty for any other report."""
        if not res_ids or len(set(res_ids)) != len(res_ids):
            return {}
        report = self._get_report(report_ref)
        if report.model != "account.move" or not (
            report.is_invoice_report or report.report_name in INVOICE_REPORTS
        ):
            return {}
        moves = self.env["account.move"].browse(res_ids)
        # the caller's right to read the invoices (Odoo's portal renders as
        # the system, after its own check), then their copies as the system
        moves.check_access("read")
        moves_sudo = moves.sudo()
        imported = set(moves_sudo.filtered("dms_number").ids)
        if not imported:
            return {}
        # sudo: the copies of the invoices checked above (check_access)
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "account.move"),
                    ("res_id", "in", list(imported)),
                    ("res_field", "=", "invoice_pdf_report_file"),
                ]
            )
        )
        return {a.res_id: a for a in attachments}

    def _pre_render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        ids = [res_ids] if isinstance(res_ids, int) else res_ids
        copies = self._dms_invoice_copies(report_ref, ids)
        if copies and set(copies) == set(ids):
            # every invoice has its copy: nothing to render (nor to fall back
            # to HTML for, as report rendering does in tests)
            return self._dms_copy_streams(ids, copies), "pdf"
        return super()._pre_render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        copies = self._dms_invoice_copies(report_ref, res_ids)
        if not copies:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        others = [res_id for res_id in res_ids if res_id not in copies]
        rendered = (
            super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=others)
            if others
            else {}
        )
        streams = self._dms_copy_streams(res_ids, copies)
        result = OrderedDict()
        for res_id in res_ids:
            result[res_id] = streams.get(res_id) or rendered.get(res_id)
        if rendered.get(False):
            # Odoo could not split its rendering per invoice: appended whole
            result[False] = rendered[False]
        return result

    def _dms_copy_streams(self, res_ids, copies):
        return OrderedDict(
            (
                res_id,
                {"stream": io.BytesIO(copies[res_id].raw), "attachment": copies[res_id]},
            )
            for res_id in res_ids
            if res_id in copies
        )
