"""What an import can fill, per kind: the profile maps DMS columns onto these
targets. ``(target, label, type, required)``; the first target of a kind is
its key inside the file."""

KINDS = [
    ("customers", "Customers"),
    ("contacts", "Contacts"),
    ("invoices", "Open invoices"),
    ("equipment", "Equipment"),
]

TARGETS = {
    "customers": [
        ("number", "Customer number", "key", True),
        ("name", "Name", "text", True),
        ("street", "Street", "text", False),
        ("street2", "Street 2", "text", False),
        ("city", "City", "text", False),
        ("zip", "Postal code", "text", False),
        ("state", "State / county (code or name)", "text", False),
        ("country", "Country (code or name)", "text", False),
        ("email", "E-mail", "email", False),
        ("phone", "Phone", "text", False),
        ("mobile", "Mobile", "text", False),
        ("vat", "Tax ID", "text", False),
        # fleet customers: the number of the fleet owner this row is a
        # location of (the row's own number may then be empty: it shares the
        # owner's); see _plan_customers
        ("parent_number", "Parent (fleet owner) number", "text", False),
    ],
    "contacts": [
        ("customer_number", "Customer number", "key", True),
        ("name", "Name", "text", True),
        ("email", "E-mail", "email", False),
        ("phone", "Phone", "text", False),
        ("mobile", "Mobile", "text", False),
        ("function", "Job position", "text", False),
    ],
    "invoices": [
        ("number", "Invoice number", "key", True),
        ("customer_number", "Customer number", "text", True),
        ("date", "Invoice date", "date", True),
        ("due_date", "Due date", "date", False),
        ("amount_total", "Total", "amount", True),
        ("amount_residual", "Outstanding", "amount", False),
        ("discount_date", "Discount date", "date", False),
        ("settlement_amount", "Settlement amount", "amount", False),
        ("description", "Description", "text", False),
        # the file name of the invoice's PDF copy, shipped with the export
        # (models/dms_pdf.py)
        ("pdf_file", "PDF copy (file name)", "pdf", False),
    ],
    "equipment": [
        ("dms_key", "DMS key", "key", True),
        ("customer_number", "Customer number", "text", True),
        ("make", "Make", "text", False),
        ("model", "Model", "text", False),
        ("serial_number", "Serial number", "text", False),
        ("year", "Model year", "integer", False),
        ("hours", "Hours", "hours", False),
        ("hours_date", "Hours read on", "date", False),
        ("purchase_date", "Purchase date", "date", False),
        ("warranty_end", "Warranty ends", "date", False),
        ("next_service_date", "Next service due", "date", False),
        ("notes", "Notes", "text", False),
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
