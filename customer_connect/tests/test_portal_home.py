import re
from datetime import date

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import ConnectCase

# the tiles of /my for a contact with full access, in the order a customer
# needs them (views/portal_home_templates.xml); what the payments addon
# brings (Pay online, Payment history) is left out of the comparison
TILES = [
    "/my/activity",
    "/my/statement",
    "/my/history",
    "/my/purchases",
    "/my/open-orders",
    "/my/projects",
    "/my/equipment",
    "/my/security",
]
TILE_URL = re.compile(r'o_portal_index_card[^"]*">\s*<a href="([^"?]+)')


@tagged("post_install", "-at_install")
class TestPortalHome(ConnectCase, HttpCase):
    """Customer Activity is the contact's home; Odoo's tiles, one per thing
    to do, stay one click away; Odoo's Your Invoices works with an
    early-payment discount; the footer names the dealer; British English
    where the customer is British."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a British dealer, as the demo's: en_GB its default language too
        cls.env["res.lang"]._activate_lang("en_GB")
        cls.env["ir.default"].set("res.partner", "lang", "en_GB")
        cls.farm_billing.write({"lang": "en_GB", "country_id": False})
        cls.portal_user = cls._activate(cls.farm_billing)
        cls.early = cls.env["account.payment.term"].create(
            {
                "name": "2% 10 days, net 30",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})
                ],
            }
        )
        cls.discounted = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.farm.id,
                "invoice_date": fields.Date.today(),
                "invoice_payment_term_id": cls.early.id,
                "ref": "Blades inside their discount",
                "invoice_line_ids": [
                    Command.create({"name": "Blades", "price_unit": 100, "tax_ids": []})
                ],
            }
        )
        cls.discounted.action_post()
        cls.november = cls.init_invoice(
            "out_invoice",
            partner=cls.farm,
            amounts=[80],
            post=True,
            invoice_date=date(2026, 11, 23),
        )

    def test_signing_in_and_the_brand_link_lead_to_customer_activity(self):
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        for url in ("/", "/web", "/odoo"):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 303, url)
            self.assertTrue(response.headers["Location"].endswith("/my/activity"), url)
        home = self.url_open("/my/activity").text
        # "My Account" in the user menu: home; the breadcrumb's home: the tiles
        self.assertIn('class="dropdown-item ps-3" href="/my/activity"', home)
        self.assertIn('href="/my/home" class="o_connect_all_tiles', home)
        self.assertEqual(self.url_open("/my/home", allow_redirects=False).status_code, 200)

    def test_without_customer_activity_home_is_the_tiles(self):
        self._set_level(self.farm_billing, "status_only")
        self.assertEqual(self.portal_user._connect_home_url(), "/my")
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        response = self.url_open("/", allow_redirects=False)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        home = self.url_open("/my").text
        self.assertNotIn('href="/my/activity"', home, "a tile only for what the level grants")
        self.assertIn('href="/my/open-orders"', home)
        self.assertIn('class="dropdown-item ps-3" href="/my"', home)

    def test_one_tile_per_thing_in_order(self):
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        home = self.url_open("/my").text
        urls = [url for url in TILE_URL.findall(home) if url in TILES]
        self.assertEqual(urls, TILES)
        # Odoo's second tile for invoices and its orders are not offered
        self.assertNotIn("/my/invoices?filterby=invoices", home)
        self.assertNotIn('href="/my/orders"', home)
        # pictures that say what the tile is, not a currency (Odoo's "Our
        # Invoices", vendor bills, shows only to a supplier)
        client = home[home.index('id="portal_client_category"') :]
        client = client[: client.index('id="portal_vendor_category"')]
        self.assertNotIn("Bill.svg", client)
        self.assertNotIn("bag.svg", client)

    def test_odoo_your_invoices_with_an_early_discount(self):
        """Odoo 18 read the invoice's reconciliations to know whether its
        discount still holds, which a portal login may not (odoo/odoo#198101):
        403 on the list and the invoice page."""
        self.assertTrue(
            self.discounted._is_eligible_for_early_payment_discount(
                self.discounted.currency_id, fields.Date.today()
            ),
            "the invoice is inside its discount",
        )
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        response = self.url_open("/my/invoices")
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.assertIn(self.discounted.name, response.text)
        response = self.url_open(f"/my/invoices/{self.discounted.id}")
        self.assertEqual(response.status_code, 200, response.text[:300])
        # the discount is still told as Odoo tells it
        self.assertIn("early payment discount", response.text.lower())
        # and a stranger still gets nothing
        golf = self._activate(self.golf_keeper)
        self.authenticate(golf.login, self.PORTAL_PASSWORD)
        response = self.url_open(f"/my/invoices/{self.discounted.id}", allow_redirects=False)
        self.assertIn(response.status_code, (303, 403, 404))
        self.assertNotIn(self.discounted.ref, self.url_open("/my/invoices").text)

    def test_footer_names_the_dealer(self):
        self.company.write(
            {"phone": "+44 1467 620000", "city": "Inverurie", "street": "Harlaw Road"}
        )
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        page = self.url_open("/my/activity").text
        self.assertIn("o_connect_dealer_footer", page)
        self.assertIn("Harlaw Road, Inverurie", page)
        self.assertIn("+44 1467 620000", page)
        self.assertNotIn("Powered by", page)
        self.authenticate(None, None)
        self.assertNotIn("Powered by", self.url_open("/web/login").text)
        # the setting: Odoo's line again
        self.company.connect_portal_dealer_footer = False
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        page = self.url_open("/my/activity").text
        self.assertNotIn("o_connect_dealer_footer", page)
        self.assertIn("Powered by", page)

    def test_british_dates(self):
        """A British customer's pages give dates as 23/11/2026."""
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        page = self.url_open("/my/activity?status=all").text
        self.assertIn("23/11/2026", page)
        self.assertNotIn("11/23/2026", page)
        self.portal_user.lang = "en_US"  # the contact's, through its login
        self.opener.cookies.clear()  # the language the browser was last shown
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        page = self.url_open("/my/activity?status=all").text
        self.assertIn("11/23/2026", page, "each customer in its own language")

    def test_home_tour(self):
        """Signs in through the login form, lands on Customer Activity, opens
        Odoo's Your Invoices with an invoice inside its discount, saves the
        profile with a field wrong, then right."""
        self.farm_billing.write(
            {"phone": "+44 1224 000000", "street": "1 Farm Road", "city": "Inverurie"}
        )
        self.start_tour("/web/login", "customer_connect_portal_home")
        self.farm_billing.invalidate_recordset()
        self.assertEqual(self.farm_billing.phone, "01467 620 111")
        self.assertEqual(self.farm_billing.street, "Mains of Greenacres")
