"""Cells of every CSV the product writes (the portal's account history, the
DMS import's refused rows, the payments export of the drop folder).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some, a tab or carriage return before one) as a formula: a customer's
payment memo or a DMS cell like ``=HYPERLINK(...)`` would run on the
dealer's machine when the file is opened (OWASP "CSV injection"). Such a
text cell is written with a leading apostrophe, which spreadsheets show as
text and hide; numbers are written as they are (a negative amount is a
number, not a formula)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value):
    """``value`` as a CSV cell a spreadsheet shows and never runs: text
    starting with a formula character gets a leading apostrophe; numbers,
    None and False pass (None and False as empty)."""
    if value is None or value is False:
        return ""
    if isinstance(value, (int, float)):
        return value
    value = str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_safe_row(cells):
    """Every cell of ``cells`` through :func:`csv_safe_cell`."""
    return [csv_safe_cell(cell) for cell in cells]
