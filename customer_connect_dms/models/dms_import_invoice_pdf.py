"""PDF copies of DMS invoices: where an export's PDFs come from and how each
is checked before anything is written.

An invoices export names each invoice's PDF in an optional column (target
``pdf_file``); the files ship with it:

- in a ZIP uploaded in the backend (the export plus its PDFs),
- in the drop folder, beside the export or in a subfolder of it,
- in the connector API's invoice dicts, as base64 (``pdf``, ``pdf_name``).

Each source answers ``get(name)`` with a :class:`DmsPdf` (name, size,
checksum, and a way to read the bytes again when they are attached) or
raises ValueError with the message the row is refused with. A name is
always a path *relative to the export* (``SI1.pdf``, ``pdf/SI1.pdf``): an
absolute path, a drive letter or a ``..`` segment is refused before any file
is opened, and a drop-folder path that resolves (through a link) outside
the folder is refused too. Every PDF must start with ``%PDF-`` and weigh at
most ``max_size`` bytes (10 MB unless the config parameter
``customer_connect_dms.pdf_max_size`` says otherwise)."""

import base64
import binascii
import hashlib
import io
import os
import posixpath
import re
import zipfile

from odoo import api, fields, models
from odoo.exceptions import UserError

PDF_MAGIC = b"%PDF-"
PDF_MAX_SIZE = 10 * 1024 * 1024
# PDF copies written per ir.attachment.create (their bytes are in memory)
PDF_BATCH_BYTES = 64 * 1024 * 1024
PDF_MAX_SIZE_PARAM = "customer_connect_dms.pdf_max_size"
EXPORT_EXTENSIONS = (".csv", ".txt", ".xlsx", ".xls")
# the drop folder's own subfolders: archives and the payments export
DROP_OWN_FOLDERS = ("done", "failed", "out")
DRIVE_RE = re.compile(r"^[A-Za-z]:")


class DmsPdf:
    """One checked PDF of an export: its name as the export gives it, the
    file name it is stored under, its size and SHA-1 (the checksum Odoo
    keeps on ir.attachment), and ``read()`` for its bytes."""

    __slots__ = ("checksum", "file_name", "name", "read", "size")

    def __init__(self, name, data, read=None, file_name=None):
        self.name = name
        self.file_name = file_name or posixpath.basename(name.replace("\\", "/")) or "invoice.pdf"
        self.size = len(data)
        self.checksum = hashlib.sha1(data).hexdigest()
        # sources that can read the file again keep only its checksum in
        # memory until the invoices are written (50,000 PDFs in one export)
        self.read = read or (lambda: data)

    def __repr__(self):
        return f"<DmsPdf {self.name} {self.size} bytes>"


def relative_parts(name, _):
    """The segments of ``name``, a path relative to the export; ValueError
    for a name that is empty, absolute or climbs out (``..``)."""
    text = (name or "").strip().replace("\\", "/")
    if not text:
        raise ValueError(_("the PDF file name is empty."))
    if "\x00" in text or text.startswith("/") or DRIVE_RE.match(text):
        raise ValueError(
            _(
                "%(name)s is not a path relative to the export: name a PDF shipped with it "
                "(e.g. SI1.pdf or pdf/SI1.pdf).",
                name=name,
            )
        )
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        raise ValueError(
            _(
                "%(name)s leaves the export's folder: name a PDF shipped with it "
                "(e.g. SI1.pdf or pdf/SI1.pdf).",
                name=name,
            )
        )
    return parts


def check_pdf(name, data, max_size, _):
    """ValueError unless ``data`` is a PDF of at most ``max_size`` bytes."""
    if len(data) > max_size:
        raise ValueError(
            _(
                "%(name)s is %(size)s bytes: a PDF copy may be %(max)s bytes at most.",
                name=name,
                size=len(data),
                max=max_size,
            )
        )
    if not data.startswith(PDF_MAGIC):
        raise ValueError(_("%(name)s is not a PDF (it does not start with %%PDF-).", name=name))


def _too_big(name, size, max_size, _):
    return ValueError(
        _(
            "%(name)s is %(size)s bytes: a PDF copy may be %(max)s bytes at most.",
            name=name,
            size=size,
            max=max_size,
        )
    )


class NoPdfSource:
    """An export shipped alone: a PDF named in it cannot be found."""

    def __init__(self, _):
        self._ = _

    def get(self, name):
        raise ValueError(
            self._(
                "%(name)s: this export ships no PDF files (upload a ZIP of the export and "
                "its PDFs, or put them beside the export in the drop folder).",
                name=name,
            )
        )


class ZipPdfSource:
    """The PDFs of an uploaded ZIP, relative to the export inside it. Nothing
    is extracted to disk: entries are read by name, sizes checked first."""

    def __init__(self, archive, base, max_size, _):
        self.archive = archive
        self.base = base
        self.max_size = max_size
        self._ = _
        self.entries = {
            info.filename.replace("\\", "/"): info
            for info in archive.infolist()
            if not info.is_dir()
        }
        # exports made on Windows name "SI1.PDF" what the ZIP holds as
        # "SI1.pdf": matched without case when only one entry fits
        folded = {}
        for path in self.entries:
            folded.setdefault(path.casefold(), []).append(path)
        self.folded = {key: paths[0] for key, paths in folded.items() if len(paths) == 1}

    def get(self, name):
        _ = self._
        parts = relative_parts(name, _)
        path = posixpath.join(self.base, *parts) if self.base else posixpath.join(*parts)
        info = self.entries.get(path) or self.entries.get(self.folded.get(path.casefold()))
        if info is None:
            raise ValueError(_("%(name)s is not in the ZIP file.", name=name))
        if info.file_size > self.max_size:
            raise _too_big(name, info.file_size, self.max_size, _)

        def read():
            # never more than the limit, whatever the entry's header claims
            with self.archive.open(info) as handle:
                return handle.read(self.max_size + 1)

        data = read()
        check_pdf(name, data, self.max_size, _)
        file_name = posixpath.basename(info.filename.replace("\\", "/"))
        return DmsPdf(name, data, read=read, file_name=file_name)

    @property
    def pdf_count(self):
        return sum(1 for path in self.entries if path.lower().endswith(".pdf"))


class FolderPdfSource:
    """The PDFs beside an export in the drop folder (or in a subfolder of
    it); ``used`` lists those the export named, to be archived with it."""

    def __init__(self, folder, max_size, _):
        self.folder = os.path.realpath(folder)
        self.max_size = max_size
        self._ = _
        self.used = []

    def get(self, name):
        _ = self._
        parts = relative_parts(name, _)
        if len(parts) > 1 and parts[0].lower() in DROP_OWN_FOLDERS:
            raise ValueError(
                _(
                    "%(name)s is in the drop folder's %(folder)s/ folder, which holds "
                    "archived files: put the PDF beside the export.",
                    name=name,
                    folder=parts[0],
                )
            )
        path = os.path.realpath(os.path.join(self.folder, *parts))
        if not path.startswith(self.folder + os.sep):
            raise ValueError(_("%(name)s leads out of the drop folder.", name=name))
        if not os.path.isfile(path):
            raise ValueError(_("%(name)s is not in the drop folder.", name=name))
        size = os.path.getsize(path)
        if size > self.max_size:
            raise _too_big(name, size, self.max_size, _)

        def read():
            with open(path, "rb") as handle:
                return handle.read(self.max_size + 1)

        data = read()
        check_pdf(name, data, self.max_size, _)
        relative = os.path.relpath(path, self.folder)
        if relative not in self.used:
            self.used.append(relative)
        return DmsPdf(name, data, read=read)


class InlinePdfSource:
    """The connector API's PDFs, sent as base64 in the invoice dicts; they
    are registered under a name (``pdf_name``, else ``<number>.pdf``) that
    the row's ``pdf`` cell holds."""

    def __init__(self, max_size, _):
        self.max_size = max_size
        self._ = _
        self.encoded = {}

    def add(self, name, value):
        """Register ``value`` (base64) under ``name``, or under a name made
        unique when two rows send different files of the same name."""
        value = value if isinstance(value, str) else None  # refused in get()
        key = name
        number = 1
        while key in self.encoded and self.encoded[key] != value:
            number += 1
            stem, ext = posixpath.splitext(name)
            key = f"{stem} ({number}){ext}"
        self.encoded[key] = value
        return key

    def get(self, name):
        _ = self._
        value = self.encoded.get(name)
        if value is None:
            raise ValueError(_("%(name)s: send the PDF as a base64 text.", name=name))
        # base64 is 4 characters per 3 bytes: refused before decoding
        if len(value) > (self.max_size + 2) // 3 * 4 + 4:
            raise _too_big(name, len(value) * 3 // 4, self.max_size, _)
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(_("%(name)s: the PDF is not valid base64.", name=name)) from None
        check_pdf(name, data, self.max_size, _)
        return DmsPdf(name, data)


def open_zip(data, _, error_class):
    """(export name, export bytes, ZipFile, folder of the export inside the
    ZIP) of an uploaded ZIP: it must hold exactly one export file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise error_class(_("The ZIP file cannot be read (damaged or not a ZIP?).")) from None
    exports = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and info.filename.lower().endswith(EXPORT_EXTENSIONS)
        and not info.filename.startswith("__MACOSX/")
        and not posixpath.basename(info.filename).startswith(".")
    ]
    if len(exports) != 1:
        raise error_class(
            _(
                "The ZIP file must hold one export file (CSV, TXT, XLSX or XLS) and its "
                "PDFs; it holds %(count)s export files: %(names)s.",
                count=len(exports),
                names=", ".join(info.filename for info in exports) or "-",
            )
        )
    info = exports[0]
    with archive.open(info) as handle:
        export = handle.read()
    name = info.filename.replace("\\", "/")
    return posixpath.basename(name), export, archive, posixpath.dirname(name)


class AccountMove(models.Model):
    """The PDF copies the sources above found, planned and attached to the
    invoices as Odoo keeps an invoice's PDF (invoice_pdf_report_file), which
    Odoo serves for the invoice (portal download, e-mails) and
    dms_import_invoice_report.py serves for printing."""

    _inherit = "account.move"

    @api.model
    def _dms_plan_pdfs(self, items, column, company):
        """Plan the PDF copy of each row that ships one: a new invoice
        takes it; an imported invoice takes it when it has none or another
        one (by SHA-1, so the same PDF again changes nothing); a row whose
        number is an invoice made in Odoo is refused (its PDF is Odoo's)."""
        with_pdf = [i for i in items if not i.errors and i.values.get("pdf_file")]
        if not with_pdf:
            return
        made_in_odoo = {
            move.name
            for move in self.search_fetch(
                [
                    ("company_id", "=", company.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("dms_number", "=", False),
                    ("name", "in", [i.key for i in with_pdf if i.action == "create"]),
                ],
                ["name"],
            )
        }
        Attachment = self.env["ir.attachment"]
        records = self.browse([i.record.id for i in with_pdf if i.record])
        copies = {}
        if records:
            copies = {
                a.res_id: a.checksum
                for a in Attachment.search_fetch(
                    [
                        ("res_model", "=", self._name),
                        ("res_id", "in", records.ids),
                        ("res_field", "=", "invoice_pdf_report_file"),
                    ],
                    ["res_id", "checksum"],
                )
            }
        for item in with_pdf:
            pdf = item.values["pdf_file"]
            if item.action == "create":
                if item.key in made_in_odoo:
                    item.refuse(
                        column,
                        self.env._(
                            "invoice %(number)s was made in Odoo, not imported from the DMS: "
                            "its PDF is Odoo's own and is not replaced.",
                            number=item.key,
                        ),
                    )
                    continue
                item.vals["pdf"] = pdf
            elif copies.get(item.record.id) != pdf.checksum:
                item.vals["pdf"] = pdf
                item.action = "update"

    @api.model
    def _dms_attach_pdfs(self, items):
        """Attach the planned PDF copies (``item.vals["pdf"]``) to the
        invoices ``item.record``, as the ORM keeps invoice_pdf_report_file:
        ir.attachment rows with res_model / res_id / res_field, created in
        batches (one create for many invoices, bounded in bytes). A copy an
        invoice already has is replaced: the DMS corrected its document;
        the previous copy stays on the invoice as an ordinary attachment
        and a note says so."""
        if not items:
            return
        moves = self.browse([item.record.id for item in items])
        not_dms = moves.filtered(lambda move: not move.dms_number)
        if not_dms:
            raise UserError(
                self.env._(
                    "%(invoices)s were made in Odoo, not imported from the DMS: a PDF copy "
                    "from the DMS is not attached to them.",
                    invoices=", ".join(not_dms.mapped("display_name")),
                )
            )
        # the importer's own right to change these invoices, once for all;
        # then the attachments as the system (ir.attachment.create would
        # check each invoice again, with its own queries)
        moves.check_access("write")
        Attachment = self.env["ir.attachment"].sudo()
        field = "invoice_pdf_report_file"
        old = Attachment.search(
            [("res_model", "=", self._name), ("res_id", "in", moves.ids), ("res_field", "=", field)]
        )
        if old:
            today = fields.Date.context_today(self)
            for attachment in old:
                stem, dot, ext = attachment.name.rpartition(".")
                attachment.write(
                    {
                        "res_field": False,
                        "name": self.env._(
                            "%(name)s (replaced on %(date)s).%(ext)s",
                            name=stem if dot else attachment.name,
                            date=today,
                            ext=ext if dot else "pdf",
                        ),
                    }
                )
            replaced = self.browse(old.mapped("res_id"))
            for move in replaced:
                move.message_post(
                    body=self.env._(
                        "The DMS sent a corrected PDF copy of this invoice; the previous copy "
                        "is kept in the attachments."
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        batch, size = [], 0
        for item in items:
            pdf = item.vals["pdf"]
            batch.append(
                {
                    "name": pdf.file_name,
                    "raw": pdf.read(),
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": item.record.id,
                    "res_field": field,
                }
            )
            size += pdf.size
            if size >= PDF_BATCH_BYTES:
                Attachment.create(batch)
                batch, size = [], 0
        if batch:
            Attachment.create(batch)
        moves.invalidate_recordset(["invoice_pdf_report_id", field])
