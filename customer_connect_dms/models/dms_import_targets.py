"""What an import can fill, per kind: the profile maps DMS columns onto these
targets. ``(target, label, type, required)``; the first target of a kind is
its key inside the file. The type says the cell's shape (SHAPES below and
the importer's ``_parse_value``): a cell outside it refuses its row, naming
the column."""

KINDS = [
    ("customers", "Customers"),
    ("contacts", "Contacts"),
    ("invoices", "Open invoices"),
    ("equipment", "Equipment"),
]

TARGETS = {
    "customers": [
        ("number", "Customer number", "key", True),
        ("name", "Name", "name", True),
        ("street", "Street", "text", False),
        ("street2", "Street 2", "text", False),
        ("city", "City", "text", False),
        ("zip", "Postal code", "code", False),
        ("state", "State / county (code or name)", "text", False),
        ("country", "Country (code or name)", "text", False),
        ("email", "E-mail", "email", False),
        ("phone", "Phone", "phone", False),
        ("mobile", "Mobile", "phone", False),
        ("vat", "Tax ID", "code", False),
        # fleet customers: the number of the fleet owner this row is a
        # location of (the row's own number may then be empty: it shares the
        # owner's); see _plan_customers
        ("parent_number", "Parent (fleet owner) number", "key", False),
    ],
    "contacts": [
        ("customer_number", "Customer number", "key", True),
        ("name", "Name", "name", True),
        ("email", "E-mail", "email", False),
        ("phone", "Phone", "phone", False),
        ("mobile", "Mobile", "phone", False),
        ("function", "Job position", "text", False),
    ],
    "invoices": [
        ("number", "Invoice number", "key", True),
        ("customer_number", "Customer number", "key", True),
        ("date", "Invoice date", "date", True),
        ("due_date", "Due date", "date", False),
        ("amount_total", "Total", "amount", True),
        ("amount_residual", "Outstanding", "amount", False),
        ("discount_date", "Discount date", "date", False),
        ("settlement_amount", "Settlement amount", "amount", False),
        ("description", "Description", "long_text", False),
        # the file name of the invoice's PDF copy, shipped with the export
        # (models/dms_pdf.py)
        ("pdf_file", "PDF copy (file name)", "pdf", False),
    ],
    "equipment": [
        ("dms_key", "DMS key", "key", True),
        ("customer_number", "Customer number", "key", True),
        ("make", "Make", "text", False),
        ("model", "Model", "text", False),
        ("serial_number", "Serial number", "code", False),
        ("year", "Model year", "integer", False),
        ("hours", "Hours", "hours", False),
        ("hours_date", "Hours read on", "date", False),
        ("purchase_date", "Purchase date", "date", False),
        ("warranty_end", "Warranty ends", "date", False),
        ("next_service_date", "Next service due", "date", False),
        ("notes", "Notes", "long_text", False),
    ],
}

TARGET_SELECTION = []
for _targets in TARGETS.values():
    for _target in _targets:
        if _target[0] not in [key for key, _label in TARGET_SELECTION]:
            TARGET_SELECTION.append((_target[0], _target[1]))

DATE_FORMATS = {
    # day first: what the UK and European DMS export
    "auto": ("%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y", "%Y-%m-%d %H:%M:%S"),
    # month first: US exports (RIMSS)
    "us": ("%m/%d/%Y", "%Y-%m-%d", "%m-%d-%Y", "%m/%d/%y", "%Y-%m-%d %H:%M:%S"),
}

# per type: (longest cell in characters, may hold line breaks, refused when
# it starts as a spreadsheet formula). A DMS cell longer than any real value
# of its kind is a fault of the export (or a file built to flood the
# database), and a name, number or address starting with = + - @ is a
# formula (or the remains of one), not what the DMS holds: the row is
# refused, naming the column, rather than shown to customers or written back
# to the dealer's spreadsheet. Phones may start with + (their shape is
# checked instead); descriptions and notes may start with "- " (a list).
SHAPES = {
    "key": (64, False, True),
    "name": (256, False, True),
    "text": (256, False, True),
    "code": (64, False, True),
    "long_text": (4000, True, True),
    "email": (254, False, True),
    "phone": (40, False, False),
    "date": (32, False, False),
    "amount": (32, False, False),
    "hours": (32, False, False),
    "integer": (8, False, False),
    "pdf": (255, False, False),
}
# the largest amount an invoice may carry (a dealer's invoice of a billion
# is a fault of the export: a unit or decimal mark lost), and hours on a
# machine's meter
AMOUNT_MAX = 1_000_000_000
HOURS_MAX = 1_000_000
# dates and model years a DMS can mean
YEAR_MIN, YEAR_MAX = 1900, 2100
