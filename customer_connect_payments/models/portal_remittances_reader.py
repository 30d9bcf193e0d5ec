"""Reading a remittance advice a customer sends: the lines (reference,
amount) of a CSV, an XLSX or a PDF's text, or of the portal's form. Every
byte and cell is someone else's: the file's type is read from its bytes,
its size and its number of lines are bounded, and each cell is checked for
its class (NUL, formula, length; amounts non-finite, negative, zero, huge,
or finer than the currency). A bad line is reported with its line number;
the caller writes nothing when any line is bad.

CSV and XLSX go through customer_connect's shared table reader
(``customer_connect/tools/table_reader.py``, which the DMS imports read
with). A PDF's text is read with poppler's ``pdftotext -layout``, run as
its own process with a time limit: it keeps each printed row on one line,
reference and amount side by side (pypdf, which Odoo carries, gives the
text in content-stream order, often a whole column after another, so a
reference could not be paired with its amount), and a hostile PDF that
would take the reader's time or memory is stopped with its process, not
inside the Odoo worker."""

import re
import shutil
import subprocess
from decimal import Decimal, InvalidOperation

from odoo.addons.customer_connect.tools.table_reader import (
    TableFileError,
    content_type,
    read_csv,
    read_xlsx,
)

FILE_MAX_BYTES = 2 * 1024 * 1024
LINES_MAX = 1000
REFERENCE_MAX = 64
PAYER_REFERENCE_MAX = 64
# no transfer of a billion is a customer's remittance: a typo or an attack
AMOUNT_MAX = Decimal(1000000000)
PDF_SECONDS = 20
# a spreadsheet runs a cell starting with one of these as a formula
FORMULA_STARTS = ("=", "+", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# header cells naming the two columns a remittance needs (lower case, no
# punctuation): the first column whose header is one of these
REFERENCE_HEADERS = (
    "reference",
    "ref",
    "invoice",
    "invoice number",
    "invoice no",
    "invoice ref",
    "invoice reference",
    "document",
    "document number",
    "your reference",
    "our reference",
    "number",
)
AMOUNT_HEADERS = (
    "amount",
    "amount paid",
    "paid",
    "payment",
    "payment amount",
    "paid amount",
    "value",
    "net paid",
    "total paid",
)
# a PDF row: a reference (no spaces, or words separated by single spaces),
# then anything, then an amount at the end of the row
PDF_ROW_RE = re.compile(
    r"^\s*(?P<reference>[A-Za-z0-9][\w/\-.#]*(?: [\w/\-.#]+)*)\s{2,}.*?"
    r"(?P<amount>-?[£$€]?\s?\d[\d,]*(?:\.\d+)?)\s*$"
)
PDF_SKIP_WORDS = ("total", "balance", "subtotal", "amount", "page ")
GROUPED_RE = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


class RemittanceFileError(Exception):
    """The file as a whole cannot be read (type, size, damage, no lines)."""


def _header_key(cell):
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", cell.lower()).split())


def clean_text(value, limit):
    """``value`` as stored text: no NUL, no other control character, spaces
    trimmed; (text, too_long)."""
    text = "".join(c for c in str(value or "") if c >= " " or c == "\t").strip()
    return text, len(text) > limit


def parse_amount(text, digits, _):
    """(Decimal, None) of the amount written ``text`` in a currency with
    ``digits`` decimals, or (None, why) when it is no amount we take."""
    raw = str(text or "").replace("\x00", "").strip()
    if not raw:
        return None, _("no amount")
    if raw.startswith(FORMULA_STARTS):
        return None, _("the amount %(text)s is a formula, not a number", text=raw[:30])
    number = raw.replace("£", "").replace("$", "").replace("€", "").strip()
    if number.startswith("(") and number.endswith(")"):
        number = "-" + number[1:-1]
    if "," in number:
        # commas group thousands (1,234.56); a decimal comma (120,00) or a
        # comma anywhere else is not ours to guess
        if not GROUPED_RE.match(number):
            return None, _("%(text)s: write amounts with a decimal point (1,234.56)", text=raw[:30])
        number = number.replace(",", "")
    try:
        amount = Decimal(number)
    except InvalidOperation:
        return None, _("%(text)s is not an amount", text=raw[:30])
    if not amount.is_finite():
        return None, _("%(text)s is not an amount", text=raw[:30])
    if amount < 0:
        return None, _("the amount %(text)s is negative", text=raw[:30])
    if amount == 0:
        return None, _("the amount is zero")
    if amount >= AMOUNT_MAX:
        return None, _("the amount %(text)s is too large", text=raw[:30])
    quantum = Decimal(1).scaleb(-digits)
    rounded = amount.quantize(quantum)
    # an XLSX float (2.675 stored as 2.67499999...) is its printed value
    if abs(rounded - amount) > Decimal("0.000001"):
        return None, _(
            "the amount %(text)s has more than %(digits)s decimals", text=raw[:30], digits=digits
        )
    return rounded, None


def check_reference(text, _):
    """(reference, None) or (None, why)."""
    reference, too_long = clean_text(text, REFERENCE_MAX)
    if not reference:
        return None, _("no reference")
    if too_long:
        return None, _("the reference is longer than %(count)s characters", count=REFERENCE_MAX)
    if reference.startswith(("=", "+", "@", "-")):
        return None, _("the reference %(text)s is a formula", text=reference[:30])
    return reference, None


def check_lines(raw_lines, digits, _):
    """Check ``raw_lines`` ([(line number, reference text, amount text)]):
    ([{"sequence", "reference", "amount"}], [(line number, why)])."""
    lines, errors = [], []
    if len(raw_lines) > LINES_MAX:
        raise RemittanceFileError(_("A remittance has at most %(count)s lines.", count=LINES_MAX))
    for number, reference_text, amount_text in raw_lines:
        reference, why = check_reference(reference_text, _)
        if why:
            errors.append((number, why))
            continue
        amount, why = parse_amount(amount_text, digits, _)
        if why:
            errors.append((number, why))
            continue
        lines.append({"sequence": number, "reference": reference, "amount": amount})
    return lines, errors


def _columns(header):
    keys = [_header_key(c) for c in header]
    reference = next((i for i, k in enumerate(keys) if k in REFERENCE_HEADERS), None)
    amount = next((i for i, k in enumerate(keys) if k in AMOUNT_HEADERS), None)
    return reference, amount


def _table_lines(rows, _):
    """[(line, reference text, amount text)] of a table's ``rows``
    ([(line, cells)]): the columns named by its header, else the first
    cell and the last."""
    rows = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise RemittanceFileError(_("The file holds no lines."))
    reference_col, amount_col = _columns(rows[0][1])
    if reference_col is not None and amount_col is not None:
        rows = rows[1:]
    else:
        reference_col, amount_col = 0, -1
        # a header we do not know (a first row with no amount) is skipped
        if rows and parse_amount(rows[0][1][-1], 2, _)[1]:
            rows = rows[1:]
    found = []
    for line, cells in rows:

        def cell(index, cells=cells):
            try:
                return cells[index]
            except IndexError:
                return ""

        if len(cells) < 2:
            found.append((line, cell(0), ""))
            continue
        found.append((line, cell(reference_col), cell(amount_col)))
    return found


def _pdf_lines(data, _):
    binary = shutil.which("pdftotext")
    if not binary:
        raise RemittanceFileError(
            _("PDF remittances cannot be read on this server: send a CSV or XLSX file.")
        )
    try:
        result = subprocess.run(
            [binary, "-layout", "-enc", "UTF-8", "-l", "50", "-", "-"],
            input=data,
            capture_output=True,
            timeout=PDF_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RemittanceFileError(
            _("This PDF takes too long to read: send a CSV or XLSX file.")
        ) from None
    if result.returncode != 0:
        raise RemittanceFileError(_("This PDF is damaged or cannot be read."))
    text = result.stdout.decode("utf-8", errors="replace")
    found = []
    for number, row in enumerate(text.splitlines(), 1):
        lowered = row.lower()
        if not row.strip() or any(word in lowered for word in PDF_SKIP_WORDS):
            continue
        match = PDF_ROW_RE.match(row)
        if match:
            found.append((number, match["reference"], match["amount"]))
    if not found:
        raise RemittanceFileError(
            _(
                "No line of this PDF reads as an invoice reference and an amount: "
                "send a CSV or XLSX file, or fill in the form."
            )
        )
    return found


def read_remittance_file(env, name, content, declared_type):
    """[(line, reference text, amount text)] of the uploaded file ``name``
    (its ``content`` bytes, the browser's ``declared_type``); raises
    RemittanceFileError (or the upload check's UserError) for a file that
    cannot be read."""
    _ = env._
    Upload = env["customer_connect.upload"]
    name = Upload._connect_clean_name(name)
    if not content:
        raise RemittanceFileError(_("%(name)s is empty.", name=name))
    if len(content) > FILE_MAX_BYTES:
        raise RemittanceFileError(
            _(
                "%(name)s is larger than %(size)s MB.",
                name=name,
                size=FILE_MAX_BYTES // (1024 * 1024),
            )
        )
    lowered = name.lower()
    if lowered.endswith((".csv", ".txt")) and content_type(content) == "csv":
        # a CSV in UTF-8 or Latin-1 (the upload check takes UTF-8 text
        # only); the shared reader refuses NUL bytes and mixed encodings
        try:
            rows, _info = read_csv(content, "auto", "auto", _)
        except TableFileError as error:
            raise RemittanceFileError(str(error)) from None
        return _table_lines(rows, _)
    # the bytes, the extension and the declared type agree, or the file is
    # refused with its name
    mimetype = Upload._connect_check(
        name, content, declared_type, ("text/plain", "application/pdf", XLSX_TYPE)
    )
    if mimetype == XLSX_TYPE:
        try:
            rows = read_xlsx(content, _)
        except TableFileError as error:
            raise RemittanceFileError(str(error)) from None
        if len(rows) > LINES_MAX + 50:
            raise RemittanceFileError(
                _("A remittance has at most %(count)s lines.", count=LINES_MAX)
            )
        return _table_lines(rows, _)
    if mimetype == "application/pdf":
        return _pdf_lines(content, _)
    raise RemittanceFileError(_("%(name)s is not a CSV, XLSX or PDF file.", name=name))
