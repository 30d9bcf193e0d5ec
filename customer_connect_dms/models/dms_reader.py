"""Reading DMS export files: CSV (any delimiter, UTF-8 or Latin-1), XLSX and
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

# a column the refused-rows file adds: ignored when the file comes back
ERROR_COLUMN = "Import errors"
DELIMITERS = (",", ";", "\t", "|")
# UTF-8 read as Latin-1/Windows-1252: "Ã©" for "é", "Ã¼" for "ü"
MOJIBAKE_RE = re.compile("[\u00c2\u00c3][\u0080-\u00bf\u2018-\u203a\u0152-\u0178]")


class DmsFileError(Exception):
    """The file as a whole cannot be read; ``row`` is its line when known."""

    def __init__(self, message, row=None, column=None):
        super().__init__(message)
        self.row = row
        self.column = column


def _file_type(data, file_name):
    name = (file_name or "").lower()
    if data[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        return "xls"
    return "csv"


def read_file(data, file_name, _, encoding="auto", delimiter="auto"):
    """Return ``(header, rows, info)``: the header cells, ``[(line, cells)]``
    for every non-blank row after it and ``info`` (type, encoding,
    delimiter found). Raises DmsFileError for a file that cannot be read."""
    if not data or not data.strip():
        raise DmsFileError(_("The file is empty."))
    kind = _file_type(data, file_name)
    if kind == "xlsx":
        rows, info = _read_xlsx(data, _), {"type": "xlsx"}
    elif kind == "xls":
        rows, info = _read_xls(data, _), {"type": "xls"}
    else:
        rows, info = _read_csv(data, encoding, delimiter, _)
    rows = [(line, [c.strip() for c in cells]) for line, cells in rows]
    rows = [(line, cells) for line, cells in rows if any(cells)]
    if not rows:
        raise DmsFileError(_("The file is empty."))
    (_line, header), rows = rows[0], rows[1:]
    while header and not header[-1]:
        header.pop()
    return header, rows, info


def _decode(data, encoding, _):
    if b"\x00" in data[:4096]:
        raise DmsFileError(
            _("This is not a text file (CSV): export it from the DMS as CSV, XLSX or XLS.")
        )
    if encoding in ("auto", "utf-8"):
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as error:
            if encoding == "utf-8":
                line = data[: error.start].count(b"\n") + 1
                raise DmsFileError(
                    _(
                        "The file is not UTF-8 as its profile says: row %(row)s holds "
                        "byte 0x%(byte)02x. Export it as UTF-8 or set the profile's "
                        "encoding to Latin-1.",
                        row=line,
                        byte=data[error.start],
                    ),
                    row=line,
                ) from None
    # Windows-1252 is Latin-1 with printable 0x80-0x9f; bytes it leaves
    # undefined are read as Latin-1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if encoding == "auto":
        found = MOJIBAKE_RE.search(text)
        if found:
            line = text.count("\n", 0, found.start()) + 1
            raise DmsFileError(
                _(
                    "Row %(row)s mixes encodings: the file is neither UTF-8 nor Latin-1 "
                    "throughout (%(text)s). Export it again in one encoding.",
                    row=line,
                    text=found.group(0),
                ),
                row=line,
            )
    return text, "latin-1"


def _sniff_delimiter(text):
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, width = ",", 1
    for candidate in DELIMITERS:
        cells = next(csv.reader([first], delimiter=candidate), [])
        if len(cells) > width:
            best, width = candidate, len(cells)
    return best


def _read_csv(data, encoding, delimiter, _):
    text, used = _decode(data, encoding, _)
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
        raise DmsFileError(
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


def _read_xlsx(data, _):
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
        raise DmsFileError(
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
        raise DmsFileError(
            _("Legacy XLS files need the Python package xlrd on the server; export XLSX or CSV.")
        ) from None
    try:
        book = xlrd.open_workbook(file_contents=data)
        sheet = book.sheet_by_index(0)
    except Exception as error:  # noqa: BLE001 - xlrd raises many kinds on damaged files
        raise DmsFileError(
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
