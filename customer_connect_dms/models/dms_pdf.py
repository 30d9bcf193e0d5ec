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

PDF_MAGIC = b"%PDF-"
PDF_MAX_SIZE = 10 * 1024 * 1024
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
