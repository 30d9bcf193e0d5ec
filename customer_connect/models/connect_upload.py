from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.mimetypes import get_extension, guess_mimetype

# every kind of file a customer may upload somewhere in the portal: its
# name for people, the extensions its name may end with, and the types a
# browser declares for it (the first is the one we store)
UPLOAD_KINDS = {
    "application/pdf": ("PDF", (".pdf",), ("application/pdf", "application/x-pdf")),
    "image/png": ("PNG", (".png",), ("image/png", "image/x-png")),
    "image/jpeg": (
        "JPEG",
        (".jpg", ".jpeg", ".jpe", ".jfif"),
        ("image/jpeg", "image/pjpeg", "image/jpg"),
    ),
    "image/gif": ("GIF", (".gif",), ("image/gif",)),
    "image/webp": ("WebP", (".webp",), ("image/webp",)),
    "text/plain": (
        "text",
        (".txt", ".text", ".log", ".csv"),
        # Windows declares a .csv as Excel's: the content still must be text
        ("text/plain", "text/csv", "application/csv", "application/vnd.ms-excel"),
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "Word",
        (".docx",),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "Excel",
        (".xlsx",),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
    ),
}
# what a browser declares for a file it cannot name: it says nothing, so it
# cannot disagree (the content and the extension still must)
UNDECLARED_TYPES = ("", "application/octet-stream", "binary/octet-stream", "application/unknown")
# files a browser may show inline and run (an HTML or SVG file carries
# script): never stored, whatever their content says
REFUSED_EXTENSIONS = (".html", ".htm", ".svg", ".xhtml", ".js", ".xml")
# a text file is text all through: no control character but tab and line ends
TEXT_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r", "\f"} | {"\x7f"}


class CustomerConnectUpload(models.AbstractModel):
    """The one check of a file a customer uploads (dispute files, replies
    on a dispute, the profile photo): what its content is, read from its
    bytes, must be one of the kinds the upload takes, and the name's
    extension and the type the browser declared must both agree with it. A
    text file named ``photo.png`` is refused with its name, as is a picture
    named ``notes.txt`` or sent as ``text/plain``."""

    _name = "customer_connect.upload"
    _description = "Customer Connect upload check"

    @api.model
    def _connect_clean_name(self, name):
        """The file name as we store and show it: no NUL, no path, at most
        120 characters (the end kept: it holds the extension)."""
        name = str(name or "").replace("\x00", "").strip().replace("/", "_").replace("\\", "_")
        return name[-120:] or "file"

    @api.model
    def _connect_content_type(self, content):
        """The type of ``content`` read from its bytes, stricter than Odoo's
        guess where that guess is loose (a RIFF file is not always WebP; a
        text file is text beyond its first kilobyte)."""
        mimetype = guess_mimetype(content, default="application/octet-stream")
        if mimetype == "image/webp" and content[8:12] != b"WEBP":
            return "application/octet-stream"  # a WAV or AVI file
        if mimetype == "text/plain":
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                return "application/octet-stream"
            if any(char in TEXT_CONTROL for char in text):
                return "application/octet-stream"
        return mimetype

    @api.model
    def _connect_check(self, name, content, declared_type=None, accepted=tuple(UPLOAD_KINDS)):
        """The stored type of the file ``name`` holding ``content``, sent
        with the browser's ``declared_type`` (None when none was sent, as
        for files already stored), of one of the ``accepted`` types; a
        ``UserError`` naming the file when the three do not agree."""
        _ = self.env._
        accepted_names = ", ".join(sorted({UPLOAD_KINDS[t][0] for t in accepted}))
        not_accepted = _(
            "%(name)s is not a file we accept: send %(types)s files.",
            name=name,
            types=accepted_names,
        )
        extension = get_extension(name)
        if extension in REFUSED_EXTENSIONS:
            raise UserError(not_accepted)
        mimetype = self._connect_content_type(content)
        if mimetype not in accepted:
            raise UserError(not_accepted)
        kind, extensions, declared_types = UPLOAD_KINDS[mimetype]
        if extension not in extensions:
            raise UserError(
                _(
                    "%(name)s is a %(kind)s file, but its name does not end with %(extensions)s: "
                    "send it under its own name.",
                    name=name,
                    kind=kind,
                    extensions=" or ".join(extensions),
                )
            )
        declared = (declared_type or "").split(";")[0].strip().lower()
        if declared_type is not None and declared not in (*declared_types, *UNDECLARED_TYPES):
            raise UserError(
                _(
                    "%(name)s was sent as %(declared)s but is a %(kind)s file: "
                    "send the file itself, not a renamed one.",
                    name=name,
                    declared=declared[:60],
                    kind=kind,
                )
            )
        return mimetype
