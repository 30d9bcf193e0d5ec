from urllib.parse import urlencode

from odoo.tests import HttpCase, tagged

from ..controllers.portal_list import PortalListParams
from .common import ConnectCase

# every list page of the portal areas, each reading its parameters through
# controllers/portal_list.py
LIST_PAGES = (
    "/my/activity",
    "/my/equipment",
    "/my/open-orders",
    "/my/purchases",
    "/my/history",
    "/my/disputes",
)
# what may be typed into the address bar of any of them
HOSTILE = {
    "order": "sideways",
    "sortby": "id;drop table res_partner",
    "filterby": "everything",
    "status": "x",
    "doc_type": "x",
    "order_filter": "x",
    "search": "blade\x00\x1b[31m" + "z" * 5000,
    "date_from": "2026-13-45",
    "date_to": "\x00",
}


@tagged("post_install", "-at_install")
class TestPortalListParams(ConnectCase, HttpCase):
    """The portal's list pages share their page, order, filter, search and
    pager code: whatever is typed into the address bar gives a page (the
    first, the defaults), never a server error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.farm_user = cls._activate(cls.farm_billing)

    def test_params_cleaned(self):
        for page, expected in (
            (1, 1),
            ("3", 3),
            ("abc", 1),
            ("0", 1),
            ("-2", 1),
            ("1e3", 1),
            (10**20, 1),
            (None, 1),
        ):
            params = PortalListParams(page, 20)
            self.assertEqual((params.page, params.offset), (expected, (expected - 1) * 20), page)
        self.assertEqual(PortalListParams(1, 20, order="asc").descending, False)
        self.assertEqual(PortalListParams(1, 20, order="bogus").order, "desc")
        self.assertEqual(PortalListParams(1, 20, order="bogus", default_order="asc").order, "asc")
        self.assertEqual(
            PortalListParams(1, 20, search="  a\x00b\x1f c " + "x" * 200).search[:4], "ab c"
        )
        self.assertEqual(len(PortalListParams(1, 20, search="x" * 200).search), 100)
        self.assertEqual(PortalListParams.choice("open", ("open", "all"), "all"), "open")
        self.assertEqual(PortalListParams.choice(["open"], ("open", "all"), "all"), "all")

    def test_every_list_page_answers_hostile_parameters(self):
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        for url in LIST_PAGES:
            for page in ("abc", "0", "-1", "99999999999999999999"):
                response = self.url_open(f"{url}?{urlencode({**HOSTILE, 'page': page})}")
                self.assertEqual(response.status_code, 200, f"{url} page={page}")
            response = self.url_open(f"{url}/page/99999999999999")
            self.assertEqual(response.status_code, 200, f"{url}/page/99999999999999")

    def test_every_detail_page_answers_an_id_beyond_any_record(self):
        """A record id typed into an address beyond PostgreSQL's integer (the
        route takes any size) is no record: refused (404, 403; 405 or 400
        for a form's or a JSON address; Odoo's own pages we extend send to
        /my), never a server error nor a page. Every ``<int:...>`` route of ours under
        /my, found in the routing map, so a new one is checked too."""
        huge, seen = "99999999999", []
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        for rule in self.env["ir.http"].routing_map().iter_rules():
            route = rule.rule
            if (
                not route.startswith("/my/")
                or "<int:" not in route.replace("<int:page>", "")
                or not rule.endpoint.__module__.startswith("odoo.addons.customer_connect")
            ):
                continue
            url = route
            while "<" in url:
                url = url[: url.index("<")] + huge + url[url.index(">") + 1 :]
            if url in seen:
                continue
            seen.append(url)
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, (303, 400, 403, 404, 405), url)
        self.assertIn(f"/my/plans/{huge}", seen)
        self.assertIn(f"/my/equipment/{huge}", seen)
