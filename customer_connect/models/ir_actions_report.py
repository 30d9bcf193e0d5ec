import re
from collections import OrderedDict

from odoo import models

COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# :not(.x) and the like: a class named inside them need not be present
FUNCTIONAL_PSEUDO = re.compile(r":(?:not|is|where|has|matches|-\w+-any)\((?:[^()]|\([^()]*\))*\)")
CLASS_OR_ID = re.compile(r"[.#](-?[_a-zA-Z][\w-]*)")
FONT_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)")
LINKED_CSS = re.compile(r'<link[^>]*rel="stylesheet"[^>]*href="(/web/assets/[^"]+\.css)"[^>]*/?>')
NAMES = re.compile(r'\b(?:class|id)="([^"]*)"')
# The documents the portal hands out (invoices and credit notes, statements,
# payment receipts) have no content drawn by scripts (the footer's page
# numbers are written when it loads): wkhtmltopdf need not wait Odoo's
# report.print_delay (1 s by default, for reports whose scripts draw) after
# loading them. 200 ms: the letterhead, page numbers and fonts measured
# present (tests/bench/bench_invoice_pdf.py reads them back).
DOCUMENT_PRINT_DELAY_MS = 200
DOCUMENT_REPORTS = frozenset(
    {
        "account.report_payment_receipt",
        "partner_statement.outstanding_statement",
        "partner_statement.activity_statement",
        "partner_statement.detailed_activity_statement",
    }
)
_PRUNED = OrderedDict()  # (bundle url, names) -> CSS, the last few letterheads


def _may_match(selector, names):
    return set(CLASS_OR_ID.findall(FUNCTIONAL_PSEUDO.sub("", selector))) <= names


def _rules(css):
    """(prelude, block) of each top-level rule of ``css``."""
    i, size = 0, len(css)
    while i < size:
        brace = css.find("{", i)
        if brace == -1:
            return
        depth, end = 1, brace + 1
        while depth and end < size:
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        yield css[i:brace].strip(), css[brace + 1 : end - 1]
        i = end


def _prune(css, names, font_faces):
    out = []
    for prelude, block in _rules(css):
        if prelude.startswith("@"):
            if prelude.startswith(("@media", "@supports")):
                inner = _prune(block, names, font_faces)
                if inner:
                    out.append(f"{prelude}{{{inner}}}")
            elif prelude.startswith("@font-face"):
                font_faces.append(f"{prelude}{{{block}}}")
            elif prelude.startswith("@page"):
                out.append(f"{prelude}{{{block}}}")
            # other at-rules (keyframes, charset...) print nothing
        elif any(_may_match(selector, names) for selector in prelude.split(",")):
            out.append(f"{prelude}{{{block}}}")
    return "".join(out)


def prune_css(css, names):
    """The rules of ``css`` that may apply to a page whose elements carry
    only the classes and ids ``names`` (as purgecss does: a selector naming
    a class or id not on the page cannot match; element, attribute and
    universal selectors are kept), and the @font-face rules of the font
    families those rules name."""
    font_faces = []
    kept = _prune(css, names, font_faces)
    families = {
        family.strip().strip("'\"").lower()
        for value in FONT_FAMILY.findall(kept)
        for family in value.split(",")
    }
    faces = [
        face
        for face in font_faces
        if any(
            family.strip().strip("'\"").lower() in families
            for value in FONT_FAMILY.findall(face)
            for family in value.split(",")
        )
    ]
    return "".join(faces) + kept


class IrActionsReport(models.Model):
    """The letterhead without the cost of the whole report stylesheet on
    every page. wkhtmltopdf with patched qt prints the header and footer
    (the dealer's letterhead, page x / y) as two more web pages per PDF page,
    each loading the report's CSS (450 KB: Bootstrap and every module's
    report styles): 5 of the 7 CPU seconds of a 61-page statement of 1,000
    items here. The header and footer get instead, inline, the rules of that
    CSS which may apply to their own elements: same look, a few KB."""

    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, report_ref=False, **kwargs):
        report = self._get_report(report_ref) if report_ref else self.browse()
        if report and (report.is_invoice_report or report.report_name in DOCUMENT_REPORTS):
            self = self.with_context(connect_print_delay=DOCUMENT_PRINT_DELAY_MS)  # noqa: PLW0642
        return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)

    def _build_wkhtmltopdf_args(self, paperformat_id, landscape, *args, **kwargs):
        command_args = super()._build_wkhtmltopdf_args(paperformat_id, landscape, *args, **kwargs)
        delay = self.env.context.get("connect_print_delay")
        if delay is not None and "--javascript-delay" in command_args:
            at = command_args.index("--javascript-delay") + 1
            # never longer than the dealer's own setting
            current = command_args[at]
            command_args[at] = str(min(int(current), delay) if current.isdigit() else delay)
        return command_args

    def _prepare_html(self, html, report_model=False):
        bodies, res_ids, header, footer, specific_paperformat_args = super()._prepare_html(
            html, report_model=report_model
        )
        return (
            bodies,
            res_ids,
            self._connect_inline_used_css(header),
            self._connect_inline_used_css(footer),
            specific_paperformat_args,
        )

    def _connect_inline_used_css(self, page):
        if not page:
            return page
        names = frozenset(name for value in NAMES.findall(page) for name in value.split() if name)

        def inline(match):
            url = match.group(1)
            key = (url, names)
            if key not in _PRUNED:
                # the bundle Odoo linked, as its attachment (public, read as
                # the system: the report may be printed by anyone)
                attachment = self.env["ir.attachment"].sudo().search([("url", "=", url)], limit=1)
                if not attachment:
                    return match.group(0)
                css = COMMENT.sub("", attachment.raw.decode("utf-8", "replace"))
                _PRUNED[key] = prune_css(css, names)
                while len(_PRUNED) > 16:
                    _PRUNED.popitem(last=False)
            _PRUNED.move_to_end(key)
            return f"<style>{_PRUNED[key]}</style>"

        return LINKED_CSS.sub(inline, page)
