from odoo import http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestPortalCompanies(ConnectCase, HttpCase):
    """A login working with two dealer companies picks one: every page is
    about that company's customer, under that company's level."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.password = cls.PORTAL_PASSWORD
        cls.portal_user = cls._activate(cls.farm_billing)
        cls.south, cls.south_farm, cls.south_contact = cls._share_login_with_second_company()
        cls.north_invoice = cls.init_invoice("out_invoice", partner=cls.farm, amounts=[250])
        cls.north_invoice.ref = "Northfield mower blades"
        cls.south_invoice = cls.init_invoice(
            "out_invoice", partner=cls.south_farm, amounts=[120], company=cls.south
        )
        cls.south_invoice.ref = "Southfield baler twine"
        cls.north_invoice.action_post()
        cls.south_invoice.with_company(cls.south).action_post()

    def _switch(self, company):
        return self.url_open(
            "/my/company",
            data={
                "company_id": company.id,
                "redirect": "/my/activity/page/2",
                "csrf_token": http.Request.csrf_token(self),
            },
            allow_redirects=False,
        )

    def test_pages_follow_the_picked_company(self):
        self.authenticate(self.portal_user.login, self.password)
        page = self.url_open("/my/activity").text
        self.assertIn(self.north_invoice.ref, page)
        self.assertNotIn(self.south_invoice.ref, page)
        self.assertIn("o_connect_company_switcher", page)
        response = self._switch(self.south)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my/activity"))
        page = self.url_open("/my/activity").text
        self.assertIn(self.south_invoice.ref, page)
        self.assertNotIn(self.north_invoice.ref, page)
        # Odoo's own invoice list and the invoice itself, in the company picked
        page = self.url_open("/my/invoices").text
        self.assertIn(f"/my/invoices/{self.south_invoice.id}?", page)
        self.assertNotIn(f"/my/invoices/{self.north_invoice.id}?", page)
        response = self.url_open(f"/my/invoices/{self.south_invoice.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.south_invoice.name, response.text)
        # JSON-RPC too
        found = self.make_jsonrpc_request(
            "/web/dataset/call_kw/account.move/search_read",
            {
                "model": "account.move",
                "method": "search_read",
                "args": [[], ["name"]],
                "kwargs": {},
            },
        )
        self.assertEqual([row["name"] for row in found], [self.south_invoice.name])
        # and back
        self._switch(self.company)
        page = self.url_open("/my/activity").text
        self.assertIn(self.north_invoice.ref, page)
        self.assertNotIn(self.south_invoice.ref, page)

    def test_the_picked_company_level_applies(self):
        self.south_contact.with_user(
            self.staff.with_context(allowed_company_ids=(self.company | self.south).ids)
        ).connect_access_level_id = self._level("status_only", self.south)
        self.authenticate(self.portal_user.login, self.password)
        self.assertEqual(self.url_open("/my/activity").status_code, 200)
        self._switch(self.south)
        self.assertEqual(self.url_open("/my/activity").status_code, 403)
        self.assertEqual(self.url_open("/my/invoices").status_code, 403)
        self._switch(self.company)
        self.assertEqual(self.url_open("/my/activity").status_code, 200)

    def test_cannot_pick_a_company_it_does_not_work_with(self):
        other = self.setup_other_company(name="Eastfield Tractors")["company"]
        self.authenticate(self.portal_user.login, self.password)
        with mute_logger("odoo.http"):
            for company_id in (other.id, "x", ""):
                response = self.url_open(
                    "/my/company",
                    data={"company_id": company_id, "csrf_token": http.Request.csrf_token(self)},
                    allow_redirects=False,
                )
                self.assertEqual(response.status_code, 403, company_id)
        # still the main company's pages, nothing of the others
        page = self.url_open("/my/activity").text
        self.assertIn(self.north_invoice.ref, page)
        # a login of one company has no switcher and no choice
        golf_user = self._activate(self.golf_keeper)
        self.authenticate(golf_user.login, self.password)
        self.assertNotIn("o_connect_company_switcher", self.url_open("/my").text)
        with mute_logger("odoo.http"):
            self.assertEqual(self._switch(self.south).status_code, 403)

    def test_redirect_stays_on_the_portal(self):
        self.authenticate(self.portal_user.login, self.password)
        for target, expected in (
            ("https://evil.example/my/activity", "/my"),
            ("/web/login", "/my"),
            ("/my/invoices/42?report_type=pdf", "/my/invoices"),
        ):
            response = self.url_open(
                "/my/company",
                data={
                    "company_id": self.south.id,
                    "redirect": target,
                    "csrf_token": http.Request.csrf_token(self),
                },
                allow_redirects=False,
            )
            location = response.headers["Location"]
            self.assertTrue(location.endswith(expected), (target, location))
            self.assertNotIn("evil", location)

    def test_company_switch_tour(self):
        self.start_tour(
            "/my/activity", "customer_connect_company_switch", login=self.portal_user.login
        )


@tagged("post_install", "-at_install")
class TestPortalBranding(ConnectCase, HttpCase):
    """The portal carries the dealer company's name, logo and colours."""

    def test_name_logo_and_colours(self):
        user = self._activate(self.farm_billing)
        self.company.write({"primary_color": "#0a5c36", "secondary_color": "#c8a200"})
        self.authenticate(user.login, self.PORTAL_PASSWORD)
        page = self.url_open("/my").text
        self.assertIn(f"/logo.png?company={self.company.id}", page)
        brand = f'o_connect_brand_name ms-2 align-middle fw-semibold">{self.company.name}'
        self.assertIn(brand, page)
        self.assertIn("--bs-btn-bg: #0a5c36", page)
        self.assertIn("--bs-btn-hover-bg: #c8a200", page)
        # a colour that is not one never reaches the page's style
        self.company.write({"primary_color": "red;}body{display:none"})
        page = self.url_open("/my").text
        self.assertNotIn("display:none", page)
        self.assertNotIn("--bs-btn-bg", page)
