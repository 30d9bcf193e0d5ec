"""What a portal form's dates and amounts are checked against, for the areas
whose forms take them (promises to pay, instalment plans): a value from
outside is a string of any shape; these functions return the value or raise
a UserError that says which field is wrong and why, never a 500."""

import math
import re
from datetime import date

from odoo.exceptions import UserError

# an ISO date as the browser's date input sends it, nothing else
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
# a plain decimal number: digits, one point, at most a leading minus (so
# that "-5" is refused as negative rather than as garbage); no exponent, no
# thousands separator, no formula
_DECIMAL = re.compile(r"^-?\d{1,15}(\.\d{1,6})?\Z")


def parse_portal_date(env, value, label):
    """The date ``value`` (YYYY-MM-DD) of the field ``label``."""
    text = str(value or "").strip()
    if not text:
        raise UserError(env._("Give %(field)s.", field=label))
    if not _ISO_DATE.match(text):
        raise UserError(env._("%(field)s is not a date.", field=label))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(env._("%(field)s is not a date.", field=label)) from None


def parse_portal_amount(env, value, currency, label):
    """The amount ``value`` of the field ``label`` in ``currency``: a
    finite, positive number with no more decimals than the currency has."""
    text = str(value or "").strip()
    if not text:
        raise UserError(env._("Give %(field)s.", field=label))
    if not _DECIMAL.match(text):
        raise UserError(env._("%(field)s is not an amount.", field=label))
    amount = float(text)
    if not math.isfinite(amount):
        raise UserError(env._("%(field)s is not an amount.", field=label))
    if amount <= 0:
        raise UserError(env._("%(field)s must be more than zero.", field=label))
    if currency.round(amount) != amount:
        raise UserError(
            env._(
                "%(field)s has more decimals than %(currency)s has.",
                field=label,
                currency=currency.name,
            )
        )
    return amount


def parse_portal_ids(value, limit=100):
    """Record ids from a form (a list, or a comma-separated string):
    positive integers within PostgreSQL's range, at most ``limit``; anything
    else is dropped (an id that is not one finds no record)."""
    if isinstance(value, str):
        value = value.split(",")
    ids = []
    for item in value or ():
        text = str(item).strip()
        if text.isdigit() and 0 < int(text) < 2**31:
            ids.append(int(text))
    return list(dict.fromkeys(ids))[:limit]
