"""Reading tables that come from outside (DMS exports, customers'
remittance advices): CSV (any delimiter, UTF-8 or Latin-1), XLSX and
legacy XLS, every cell as text (leading zeros kept), each row with its line
number in the file so that reports can name it.

Why not base_import's readers (``base_import.import._read_csv`` etc.): they
work on a transient record holding a copy of the file in the database; their
CSV encoding comes from chardet (a guess: Latin-1 exports come back as
Windows-1254 or ISO-8859-9) and their delimiter from "every row has the same
width", so one truncated row silently falls back to a comma; they drop blank
rows, so the row numbers no longer match the file; and their XLSX reader
loads the whole sheet in memory (no read-only mode). An import must name the
row and column of each fault, so it reads the file itself, with the same
libraries (csv, openpyxl, xlrd)."""

import csv
import datetime
import io
import re
import zipfile

DELIMITERS = (",", ";", "\t", "|")


class TableFileError(Exception):
    """The file as a whole cannot be read; ``row`` is its line when known."""

    def __init__(self, message, row=None, column=None):
        super().__init__(message)
        self.row = row
        self.column = column


# a cell longer than the longest any column takes (dms_import_targets.SHAPES)
# is refused with its row and column, not read as a damaged file: the csv
# module's own limit (131,072) would stop the whole file
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# what a file is, by its first bytes, when it is not an export
OTHER_MAGICS = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf", "7z"),
)
HTML_RE = re.compile(rb"^\s*<(!doctype html|html|table|\?xml)", re.IGNORECASE)


def _type_label(found, _):
    return {
        "csv": _("a CSV file"),
        "xlsx": _("an XLSX workbook"),
        "xls": _("an XLS workbook"),
        "zip": _("a ZIP archive"),
        "pdf": _("a PDF"),
        "png": _("a PNG image"),
        "jpeg": _("a JPEG image"),
        "gif": _("a GIF image"),
        "gzip": _("a GZIP archive"),
        "rar": _("a RAR archive"),
        "7z": _("a 7-Zip archive"),
        "html": _("a web page (HTML)"),
    }[found]


def content_type(data):
    """What ``data`` is by its content: xlsx, xls, csv (text), zip (another
    ZIP) or the name of something else (PDF, image, web page...)."""
    if data[:4] == b"PK\x03\x04":
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            return "xlsx"  # a cut-short workbook: its reader says so
        return "xlsx" if any(n.startswith("xl/") for n in names) else "zip"
    if data[:8] == OLE_MAGIC:
        return "xls"
    for magic, label in OTHER_MAGICS:
        if data.startswith(magic):
            return label
    if HTML_RE.match(data[:1024]):
        return "html"
    return "csv"


def _file_type(data, file_name, _):
    """The reader for ``data``: its content decides. A file whose name says
    another type (a CSV named .xls, a PDF named .csv) is refused saying what
    it is, rather than read as a damaged file of the type its name says."""
    name = (file_name or "").lower()
    named = next((t for t in ("xlsx", "xls", "csv") if name.endswith("." + t)), None)
    found = content_type(data)
    if found in ("xlsx", "xls", "csv") and (named in (None, found) or name.endswith(".txt")):
        return found
    raise TableFileError(
        _(
            "%(name)s holds %(found)s, not %(named)s: export it as CSV, "
            "XLSX or XLS and keep the name its type gives it.",
            name=file_name or _("The file"),
            found=_type_label(found, _),
            named=named.upper() if named else _("a table (CSV, XLSX or XLS)"),
        )
    )


def read_file(data, file_name, _, encoding="auto", delimiter="auto"):
    """Return ``(header, rows, info)``: the header cells, ``[(line, cells)]``
    for every non-blank row after it and ``info`` (type, encoding,
    delimiter found). Raises TableFileError for a file that cannot be read."""
    if not data or not data.strip():
        raise TableFileError(_("The file is empty."))
    kind = _file_type(data, file_name, _)
    if kind == "xlsx":
        rows, info = read_xlsx(data, _), {"type": "xlsx"}
    elif kind == "xls":
        rows, info = _read_xls(data, _), {"type": "xls"}
    else:
        rows, info = read_csv(data, encoding, delimiter, _)
    rows = [(line, [c.strip() for c in cells]) for line, cells in rows]
    rows = [(line, cells) for line, cells in rows if any(cells)]
    if not rows:
        raise TableFileError(_("The file is empty."))
    (_line, header), rows = rows[0], rows[1:]
    while header and not header[-1]:
        header.pop()
    return header, rows, info


def _decode(data, encoding, _, delimiter="auto"):
    if b"\x00" in data[:4096]:
        raise TableFileError(_("This is not a text file (CSV): export it as CSV, XLSX or XLS."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is not None and encoding in ("auto", "utf-8"):
        return text, "utf-8"
    lines = data.splitlines(keepends=True)
    if encoding == "auto":
        # UTF-8 rows and Latin-1 rows in one file: the rows that are not in
        # the file's main encoding are named, with their column, and shown
        # as their own encoding reads them (never as mojibake)
        utf8, latin = [], []
        for number, raw in enumerate(lines, 1):
            if raw.isascii():
                continue
            try:
                raw.decode("utf-8")
                utf8.append(number)
            except UnicodeDecodeError:
                latin.append(number)
        if utf8 and latin:
            odd = latin if len(utf8) >= len(latin) else utf8
            odd_encoding, main = ("Latin-1", "UTF-8") if odd is latin else ("UTF-8", "Latin-1")
            number = odd[0]
            line_text = _decode_line(lines[number - 1], odd_encoding)
            column, cell = _column_of_non_ascii(lines, number, line_text, delimiter)
            raise TableFileError(
                _(
                    "Row %(row)s%(column)s is in %(odd)s (%(text)s) while the rest of the file "
                    "is %(main)s%(more)s. Export the file again in one encoding (UTF-8).",
                    row=number,
                    column=_(", column %(name)s,", name=column) if column else "",
                    odd=odd_encoding,
                    text=cell,
                    main=main,
                    more=_(" (so are rows %(rows)s)", rows=", ".join(map(str, odd[1:6])))
                    if len(odd) > 1
                    else "",
                ),
                row=number,
                column=column,
            )
    elif encoding == "utf-8":
        bad = next(number for number, raw in enumerate(lines, 1) if not _is_utf8(raw))
        line_text = _decode_line(lines[bad - 1], "Latin-1")
        column, cell = _column_of_non_ascii(lines, bad, line_text, delimiter)
        raise TableFileError(
            _(
                "The file is not UTF-8 as its profile says: row %(row)s%(column)s is not "
                "(%(text)s). Export it as UTF-8 or set the profile's encoding to Latin-1.",
                row=bad,
                column=_(", column %(name)s,", name=column) if column else "",
                text=cell,
            ),
            row=bad,
            column=column,
        )
    return _decode_line(data, "Latin-1"), "latin-1"


def _is_utf8(raw):
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_line(raw, encoding):
    if encoding == "UTF-8":
        return raw.decode("utf-8-sig", errors="replace")
    # Windows-1252 is Latin-1 with printable 0x80-0x9f; bytes it leaves
    # undefined are read as Latin-1
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _column_of_non_ascii(lines, number, line_text, delimiter):
    """(header name, cell) of the first cell of ``line_text`` (line
    ``number``) holding a character outside ASCII."""
    header_text = _decode_line(lines[0], "UTF-8") if lines else ""
    if delimiter in (None, "", "auto"):
        delimiter = _sniff_delimiter(header_text)
    elif delimiter == "tab":
        delimiter = "\t"
    header = next(csv.reader([header_text.strip("\r\n")], delimiter=delimiter), [])
    cells = next(csv.reader([line_text.strip("\r\n")], delimiter=delimiter), [])
    for index, cell in enumerate(cells):
        if not cell.isascii():
            name = header[index].strip() if index < len(header) and number > 1 else ""
            return name, cell.strip()[:60]
    return "", line_text.strip()[:60]


def _sniff_delimiter(text):
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, width = ",", 1
    for candidate in DELIMITERS:
        cells = next(csv.reader([first], delimiter=candidate), [])
        if len(cells) > width:
            best, width = candidate, len(cells)
    return best


def read_csv(data, encoding, delimiter, _):
    text, used = _decode(data, encoding, _, delimiter)
    if delimiter in (None, "", "auto"):
        delimiter = _sniff_delimiter(text)
    elif delimiter == "tab":
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise TableFileError(
            _(
                "The file is cut short or damaged at row %(row)s: %(error)s",
                row=start,
                error=str(error),
            ),
            row=start,
        ) from None
    return rows, {"type": "csv", "encoding": used, "delimiter": delimiter}


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def read_xlsx(data, _):
    # openpyxl is a dependency of Odoo itself
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [
            (line, [_cell_text(v) for v in values])
            for line, values in enumerate(sheet.iter_rows(values_only=True), 1)
        ]
        book.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as error:
        raise TableFileError(
            _(
                "The XLSX file is damaged or cut short: %(error)s",
                error=str(error) or type(error).__name__,
            )
        ) from None
    return rows


def _read_xls(data, _):
    try:
        import xlrd
    except ImportError:
        raise TableFileError(
            _("Legacy XLS files need the Python package xlrd on the server; export XLSX or CSV.")
        ) from None
    try:
        book = xlrd.open_workbook(file_contents=data)
        sheet = book.sheet_by_index(0)
    except Exception as error:  # noqa: BLE001 - xlrd raises many kinds on damaged files
        raise TableFileError(
            _(
                "The XLS file is damaged or cut short: %(error)s",
                error=str(error) or type(error).__name__,
            )
        ) from None
    rows = []
    for index in range(sheet.nrows):
        cells = []
        for cell in sheet.row(index):
            if cell.ctype == xlrd.XL_CELL_DATE:
                value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                value = "#ERROR"
            else:
                value = cell.value
            cells.append(_cell_text(value))
        rows.append((index + 1, cells))
    return rows
