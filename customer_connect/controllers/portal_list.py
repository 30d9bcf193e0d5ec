"""What every list page of the portal areas (Customer Activity, equipment,
Open Orders, Purchase History, Account History, disputes) reads the same
way: the page number, the sort order, the search box, the filters picked
from a list, and Odoo's pager. Each area's route calls ``PortalListParams``
instead of cleaning them itself, so a page number or a search typed into
the address bar is answered alike everywhere; the detail pages check the
record ids in their addresses with ``not_found_if_too_big``."""

import re

from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager

# a page number beyond this is no page (its offset would be a database
# error long before): the first page
MAX_PAGE = 100_000
# a search box's text, at most (longer is cut: it searches nothing more)
SEARCH_MAX = 100
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
# ids beyond PostgreSQL's integer are no record: a 404, not a database error
MAX_ID = 2**31 - 1


def not_found_if_too_big(*ids):
    """404 when one of the record ids typed into an address (``<int:...>``
    takes any size) is beyond PostgreSQL's integer: no record has it."""
    if any(int(i) > MAX_ID for i in ids):
        raise request.not_found()


class PortalListParams:
    """The cleaned parameters of one list page: ``page`` (1 unless a
    number from 1 to ``MAX_PAGE``), ``offset`` of its first row for a page
    of ``step`` rows, ``order`` ("asc" or "desc", else ``default_order``)
    and ``descending``, and ``search`` (without control characters,
    stripped, at most ``SEARCH_MAX`` characters)."""

    def __init__(self, page, step, order=None, default_order="desc", search=None):
        self.step = step
        self.page = int(page) if str(page).isdigit() and 0 < int(page) < MAX_PAGE else 1
        self.offset = (self.page - 1) * step
        self.order = order if order in ("asc", "desc") else default_order
        self.descending = self.order == "desc"
        # control characters search nothing, and a NUL is a database error
        self.search = CONTROL_RE.sub("", str(search or "")).strip()[:SEARCH_MAX]

    @staticmethod
    def choice(value, allowed, default):
        """``value`` when it is one of ``allowed`` (a filter, a sort
        column), else ``default``."""
        return value if isinstance(value, str) and value in allowed else default

    def pager(self, url, url_args, total):
        """Odoo's portal pager of this page over ``total`` rows, its links
        keeping ``url_args``."""
        return portal_pager(url=url, url_args=url_args, total=total, page=self.page, step=self.step)
