"""The kinds of record an import brings in, and the shapes of their cells.

Each kind lives in its own file (``dms_import_customer.py``,
``dms_import_contact.py``, ``dms_import_invoice.py``,
``dms_import_equipment.py``) and registers itself here with
:func:`register_kind`: its columns (``(target, label, type, required)``;
the first target is its key inside the file), the model its rows become,
the groups an importer needs besides the service manager's, and the most
rows a real run writes in the foreground. The pipeline
(``dms_import.py``) reads these tables and knows no kind.

The kinds' files are imported (models/__init__.py) before the models whose
selections list kinds and targets (profile, run, wizard)."""

import re

# [(kind, label)] in the order the kinds' files register them
KINDS = []
# kind -> [(target, label, type, required)]
TARGETS = {}
# kind -> the model its rows become (the run log's links)
KIND_MODELS = {}
# kind -> groups an importer needs besides the service manager's
KIND_GROUPS = {}
# a real run of a file with more rows than this (per kind) goes to the
# background whatever was asked (the kinds' files say why their figure)
FOREGROUND_MAX_ROWS = {}
FOREGROUND_MAX_ROWS_OTHER = 20000


def register_kind(kind, label, targets, model, foreground_max, groups=()):
    """Declare a kind of import (called once by the kind's file)."""
    KINDS.append((kind, label))
    TARGETS[kind] = targets
    KIND_MODELS[kind] = model
    KIND_GROUPS[kind] = tuple(groups)
    FOREGROUND_MAX_ROWS[kind] = foreground_max


def target_selection():
    """Every target of every registered kind, once: (target, label)."""
    selection = []
    for targets in TARGETS.values():
        for target in targets:
            if target[0] not in [key for key, _label in selection]:
                selection.append((target[0], target[1]))
    return selection


def normalize_column(name):
    """Column names compare without case, outer spaces or doubled spaces."""
    return re.sub(r"\s+", " ", (name or "").strip()).casefold()


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
