import base64
import functools
import html
import logging
import os
import pathlib
import posixpath
import re
from collections import OrderedDict
from urllib.parse import parse_qsl, urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.image import image_process
from odoo.tools.mimetypes import guess_mimetype
from odoo.tools.misc import file_path

from odoo.addons.web.controllers.binary import Binary
from odoo.addons.web.controllers.report import ReportController

_logger = logging.getLogger(__name__)

COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# :not(.x) and the like: a class named inside them need not be present
FUNCTIONAL_PSEUDO = re.compile(r":(?:not|is|where|has|matches|-\w+-any)\((?:[^()]|\([^()]*\))*\)")
CLASS_OR_ID = re.compile(r"[.#](-?[_a-zA-Z][\w-]*)")
FONT_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)")
LINKED_CSS = re.compile(r'<link[^>]*rel="stylesheet"[^>]*href="(/web/assets/[^"]+\.css)"[^>]*/?>')
NAMES = re.compile(r'\b(?:class|id)="([^"]*)"')
# url(...) in CSS, in a <style> or a style="" attribute (quotes maybe escaped)
CSS_URL = re.compile(r"url\(\s*(['\"]|&#34;|&quot;|&#39;)?([^'\")]*?)\1?\s*\)")
IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')
FONT_SRC = re.compile(r"\bsrc\s*:\s*([^;}]*)")
# the font formats QtWebKit 4.8 (wkhtmltopdf's engine) reads, best first
READABLE_FONTS = ("truetype", "opentype", "woff")
FONT_EXTENSIONS = {".ttf": "truetype", ".otf": "opentype", ".woff": "woff"}
# the routes wkhtmltopdf would call back for images: matched as Odoo does
IMAGE_ROUTES = Map(
    [Rule(route, endpoint="image") for route in Binary.content_image.original_routing["routes"]]
    + [
        Rule(route, endpoint="barcode")
        for route in ReportController.report_barcode.original_routing["routes"]
    ]
).bind("report")
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
_PRUNED = OrderedDict()  # (bundle url, names) -> CSS, the last few pages' own
# the folders of the modules' static files reports use, which wkhtmltopdf
# (run with --disable-local-file-access) is allowed to read
_STATIC_DIRS = set()


def bundle_lock_key(url):
    """The advisory lock's name under which one worker at a time makes the
    report bundle at ``url`` (hashed by PostgreSQL's hashtext)."""
    return f"customer_connect.report_bundle {url}"


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
    return "".join(_readable_font_src(face) for face in faces) + kept


def _readable_font_src(face):
    """``face`` (an @font-face rule) with one ``src``: the first source of
    its last ``src`` declaration in a format wkhtmltopdf reads (a bundle
    offers each font as eot, woff2, woff, ttf and svg for the browsers;
    QtWebKit 4.8 reads truetype, opentype and woff only)."""
    declarations = FONT_SRC.findall(face)
    if not declarations:
        return face
    sources = [source.strip() for source in re.split(r",(?![^()]*\))", declarations[-1])]

    def format_of(source):
        declared = re.search(r"format\(\s*['\"]?([\w-]+)", source)
        if declared:
            return declared.group(1)
        address = re.search(r"url\(\s*['\"]?([^'\")?#]+)", source)
        return address and FONT_EXTENSIONS.get(posixpath.splitext(address.group(1))[1].lower())

    readable = [source for source in sources if format_of(source) in READABLE_FONTS]
    if not readable:
        return face
    best = min(readable, key=lambda source: READABLE_FONTS.index(format_of(source)))
    return FONT_SRC.sub("", face).replace("{", f"{{src:{best};", 1)


@functools.lru_cache(maxsize=256)
def _static_file_url(path):
    """A module's static file (``/web/static/...``) as the file: URL
    wkhtmltopdf reads it from disk at (its folder allowed, ``_STATIC_DIRS``);
    None if it is no such file (only a module's static folder, as Odoo
    serves them: a report's HTML may come from a customer). A file: URL, not
    a data: URI: a data: URI of the ten Lato faces is 0.8 MB that each
    header and footer page parses again (a 61-page statement: 7.9 instead
    of 3.0 CPU seconds in wkhtmltopdf), a file is read once."""
    path = posixpath.normpath(path).lstrip("/")
    if path.split("/")[1:2] != ["static"]:
        return None
    try:
        full_path = file_path(path)
    except (ValueError, FileNotFoundError):
        return None
    _STATIC_DIRS.add(os.path.dirname(full_path))
    return pathlib.Path(full_path).as_uri()


class IrActionsReport(models.Model):
    """Reports rendered with nothing fetched back from Odoo.

    wkhtmltopdf, started by an HTTP worker, used to fetch the report's CSS
    bundles, their fonts and images over HTTP from ``report.url`` /
    ``web.base.url``: under load, with every worker of a prefork server
    rendering a PDF, no worker was free to answer them and each render
    waited for Odoo's 120 s kill (issue 19). So the header, the footer and
    every body get, inline, the rules of those bundles that may apply to
    their own elements (also cheaper: wkhtmltopdf with patched qt loads the
    header and footer as two more pages per PDF page, each loading the 450
    KB stylesheet: 5 of the 7 CPU seconds of a 61-page statement here); the
    modules' static files they use (fonts, images) are read from disk
    (file: URLs, their folders allowed), barcodes and ``/web/image`` images
    are made here (data: URIs)."""

    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, report_ref=False, **kwargs):
        report = self._get_report(report_ref) if report_ref else self.browse()
        if report and (report.is_invoice_report or report.report_name in DOCUMENT_REPORTS):
            self = self.with_context(connect_print_delay=DOCUMENT_PRINT_DELAY_MS)  # noqa: PLW0642
        return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)

    def _build_wkhtmltopdf_args(self, paperformat_id, landscape, *args, **kwargs):
        command_args = super()._build_wkhtmltopdf_args(paperformat_id, landscape, *args, **kwargs)
        for folder in sorted(_STATIC_DIRS):
            command_args.extend(["--allow", folder])
        delay = self.env.context.get("connect_print_delay")
        if delay is not None and "--javascript-delay" in command_args:
            at = command_args.index("--javascript-delay") + 1
            # never longer than the dealer's own setting
            current = command_args[at]
            command_args[at] = str(min(int(current), delay) if current.isdigit() else delay)
        return command_args

    def _prepare_html(self, html, report_model=False):
        prepared = super()._prepare_html(html, report_model=report_model)
        if not prepared:  # no layout: Odoo's empty answer
            return prepared
        bodies, res_ids, header, footer, specific_paperformat_args = prepared
        return (
            [self._connect_inline_used_css(body) for body in bodies],
            res_ids,
            self._connect_inline_used_css(header),
            self._connect_inline_used_css(footer),
            specific_paperformat_args,
        )

    def _connect_inline_used_css(self, page):
        """``page`` needing nothing from Odoo's HTTP server: each linked CSS
        bundle inlined (the rules that may apply to the page's elements),
        ``url()``s and ``<img src>`` pointing to Odoo made local
        (``_connect_local_url``)."""
        if not page:
            return page
        names = frozenset(name for value in NAMES.findall(page) for name in value.split() if name)

        def inline(match):
            url = match.group(1)
            key = (url, names)
            if key not in _PRUNED:
                css = prune_css(COMMENT.sub("", self._connect_bundle_css(url)), names)
                _PRUNED[key] = CSS_URL.sub(self._connect_css_url_inline, css)
                while len(_PRUNED) > 16:
                    _PRUNED.popitem(last=False)
            _PRUNED.move_to_end(key)
            return f"<style>{_PRUNED[key]}</style>"

        # the page's own style="" (a layout's background) and images
        page = CSS_URL.sub(self._connect_css_url_inline, page)
        page = IMG_SRC.sub(
            lambda match: (
                match.group(1)
                + (self._connect_local_url(html.unescape(match.group(2))) or match.group(2))
                + match.group(3)
            ),
            page,
        )
        return LINKED_CSS.sub(inline, page)

    def _connect_bundle_css(self, url):
        """The CSS of the bundle Odoo linked at ``url`` (``/web/assets/<version>/
        <bundle>.min.css``): its attachment, or, on a server that has not served
        it yet (Odoo makes it on the first request for it), made here, once for
        the database (``_connect_build_bundle_css``)."""
        css = self._connect_saved_bundle_css(self.env, url)
        return css if css is not None else self._connect_build_bundle_css(url)

    @api.model
    def _connect_saved_bundle_css(self, env, url):
        # the bundle's attachment is public, read as the system: the report may
        # be printed by anyone
        attachment = env["ir.attachment"].sudo().search([("url", "=", url)], limit=1)
        return attachment.raw.decode("utf-8", "replace") if attachment else None

    def _connect_build_bundle_css(self, url):
        """Make the bundle at ``url`` in a transaction of its own, committed at
        once, one worker at a time (an advisory lock on its address): a worker
        asking for it meanwhile waits and reads the first one's. Built in the
        request's transaction, the attachment was seen by no other worker
        until the PDF was done (8-13 s under load): on a fresh server each of
        the three workers compiled the same stylesheets (5 s of CPU apiece,
        three attachments per bundle), every worker busy at once."""
        unique, filename = url.split("/")[-2:]
        debug = unique == "debug"
        bundle_name, rtl, _type = self.env["ir.asset"]._parse_bundle_name(filename, debug)
        lock = bundle_lock_key(url)
        # also on a read-only request (replica): written as Odoo's /web/assets
        # route writes it, in a read-write cursor of its own
        with self.env.registry.cursor(readonly=False) as cr:
            # a session lock, not a transaction's: the attachment is looked
            # for again in a transaction begun after the lock was granted
            # (a repeatable-read snapshot taken before, while waiting, would
            # not see the bundle the other worker committed)
            cr.execute("SELECT pg_advisory_lock(hashtext(%s))", [lock])
            try:
                # ends the transaction whose snapshot predates the lock
                cr.commit()  # pylint: disable=invalid-commit
                env = api.Environment(cr, self.env.uid, {})
                css = self._connect_saved_bundle_css(env, url)
                if css is None:
                    bundle = env["ir.qweb"]._get_asset_bundle(
                        bundle_name, css=True, js=False, debug_assets=debug, rtl=rtl
                    )
                    css = bundle.css().raw.decode("utf-8", "replace") if bundle.stylesheets else ""
                    # seen by the other workers before this one unlocks, and
                    # kept whatever becomes of the request's transaction
                    cr.commit()  # pylint: disable=invalid-commit
                return css
            finally:
                cr.rollback()
                cr.execute("SELECT pg_advisory_unlock(hashtext(%s))", [lock])

    def _connect_css_url_inline(self, match):
        address = html.unescape(match.group(2)).strip()
        local_url = self._connect_local_url(address)
        return f"url({local_url})" if local_url else match.group(0)

    def _connect_local_url(self, address):
        """``address`` (a URL in a report) read without Odoo's HTTP server if
        it points to this Odoo: a module's static file as a file: URL,
        ``/report/barcode`` or ``/web/image`` (read as the user printing, as
        the request would have) as a data: URI; ``data:,`` (nothing) with a
        warning for any other of Odoo's addresses: better a missing image
        than a worker waiting for its own wkhtmltopdf. None for data: URIs
        and other servers' addresses, left as they are."""
        if not address:
            # url() (a layout's empty background): the page's own address
            return "data:,"
        parts = urlsplit(address)
        if parts.scheme == "data" or address.startswith("#"):
            return None
        if parts.netloc and parts.netloc != urlsplit(self._get_report_url()).netloc:
            return None
        if "/static/" in parts.path:
            file_url = _static_file_url(parts.path)
            if file_url:
                return file_url
        else:
            try:
                kind, arguments = IMAGE_ROUTES.match(parts.path.rstrip("/") or "/")
                arguments.update(parse_qsl(parts.query))
                content, mimetype = self._connect_route_image(kind, arguments)
                return f"data:{mimetype};base64,{base64.b64encode(content).decode()}"
            except (HTTPException, UserError, ValueError, TypeError, AttributeError) as error:
                _logger.warning("Report image %s left out: %s", address, error)
                return "data:,"
        _logger.warning("Report resource %s left out: wkhtmltopdf must not call Odoo", address)
        return "data:,"

    def _connect_route_image(self, kind, arguments):
        """(content, mimetype) of what the route ``kind`` answers for
        ``arguments``, without the request."""
        if kind == "barcode":
            barcode_type = arguments.pop("barcode_type")
            value = arguments.pop("value")
            barcode = self.env["ir.actions.report"].barcode(barcode_type, value, **arguments)
            return barcode, "image/png"
        # as the user printing (the report itself runs as the system)
        binary = self.sudo(False).env["ir.binary"]
        field = arguments.get("field", "raw")
        record = binary._find_record(
            arguments.get("xmlid"),
            arguments.get("model", "ir.attachment"),
            arguments.get("id") and int(arguments["id"]),
            arguments.get("access_token"),
            field=field,
        )
        # the field's bytes, sized as the route sizes them (ir.binary's
        # streams need a request: a report may be printed by a job)
        value = record.with_context(bin_size=False)[field]
        if not value:
            raise UserError(self.env._("No image"))
        content = value if field == "raw" else base64.b64decode(value)
        width, height = int(arguments.get("width", 0)), int(arguments.get("height", 0))
        if width or height:
            crop = str(arguments.get("crop", "")).lower() in ("1", "true")
            content = image_process(content, size=(width, height), crop=crop)
        return content, guess_mimetype(content, default="image/png")
