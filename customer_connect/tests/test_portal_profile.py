from odoo import http
from odoo.tests import HttpCase, tagged
from odoo.tools.misc import file_open

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestPortalProfile(ConnectCase, HttpCase):
    """The contact's profile: title, phones, contact preferences, photo; the
    customer number shows read-only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls._activate(cls.farm_billing)
        cls.farm_billing.write(
            {
                "connect_pref_email": True,
                "connect_pref_post": True,
                "country_id": cls.env.ref("base.uk").id,
            }
        )

    def _post(self, files=None, **values):
        data = {
            "name": "Accounts Payable",
            "email": "accounts@greenacres.example",
            "phone": "+44 1224 000000",
            "street": "1 Farm Road",
            "city": "Inverurie",
            "country_id": str(self.env.ref("base.uk").id),
            "csrf_token": http.Request.csrf_token(self),
            **values,
        }
        return self.url_open("/my/account", data=data, files=files, allow_redirects=False)

    def test_page_shows_the_profile(self):
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        response = self.url_open("/my/account")
        self.assertEqual(response.status_code, 200)
        for name in ("connect_alt_phone", "connect_pref_sms", "connect_photo", "mobile", "title"):
            self.assertIn(f'name="{name}"', response.text)
        self.assertIn("90001", response.text, "the customer number, read-only")
        self.assertIn('enctype="multipart/form-data"', response.text)

    def test_save_profile(self):
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        with file_open("base/static/img/avatar_grey.png", "rb") as image:
            photo = image.read()
        title = self.env.ref("base.res_partner_title_mister")
        response = self._post(
            files={"connect_photo": ("me.png", photo, "image/png")},
            title=str(title.id),
            mobile="+44 7700 900001",
            connect_alt_phone="+44 7700 900002",
            connect_pref_sms="1",
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        contact = self.farm_billing
        contact.invalidate_recordset()
        self.assertEqual(contact.title, title)
        self.assertEqual(contact.mobile, "+44 7700 900001")
        self.assertEqual(contact.connect_alt_phone, "+44 7700 900002")
        self.assertTrue(contact.connect_pref_sms)
        self.assertFalse(contact.connect_pref_email, "unticked: off")
        self.assertFalse(contact.connect_pref_post)
        self.assertTrue(contact.image_1920)

    def test_bad_input_says_which_and_saves_nothing(self):
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        response = self._post(
            files={"connect_photo": ("me.png", b"not an image at all", "image/png")},
            mobile="+44 7700 900009",
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("me.png is not a file we accept", response.text)
        self.farm_billing.invalidate_recordset()
        self.assertNotEqual(self.farm_billing.mobile, "+44 7700 900009")
        # the customer number is not the contact's to change
        response = self._post(ref="99999")
        self.assertIn("This form cannot change ref: nothing was saved.", response.text)
        self.assertEqual(self.farm.ref, "90001")
        # nor the portal state
        response = self._post(connect_login_state="inactive")
        self.assertIn("This form cannot change connect_login_state", response.text)
        self.assertEqual(self.farm_billing.connect_login_state, "active")
        self.assertTrue(self.farm_billing.active)

    def test_photo_name_type_and_content_agree(self):
        """A picture named or declared as something else is refused with
        its name, and nothing of the form is saved."""
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        with file_open("base/static/img/avatar_grey.png", "rb") as image:
            png = image.read()
        for upload, expected in (
            (("me.png", png, "text/plain"), "me.png was sent as text/plain but is a PNG file"),
            (("me.txt", png, "image/png"), "me.txt is a PNG file, but its name"),
            (("me.jpg", png, "image/jpeg"), "me.jpg is a PNG file, but its name"),
            (("me.png", b"GIF89a" + b"\x00" * 40, "image/png"), "me.png is not a file we accept"),
        ):
            response = self._post(files={"connect_photo": upload}, mobile="+44 7700 900009")
            self.assertEqual(response.status_code, 200, upload[0])
            self.assertIn(expected, response.text)
            self.farm_billing.invalidate_recordset()
            self.assertNotEqual(self.farm_billing.mobile, "+44 7700 900009")
            self.assertFalse(self.farm_billing.image_1920)
        # a browser that cannot name the type declares none: the content
        # and the name decide
        response = self._post(
            files={"connect_photo": ("me.PNG", png, "application/octet-stream")},
            mobile="+44 7700 900009",
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.farm_billing.invalidate_recordset()
        self.assertTrue(self.farm_billing.image_1920)

    def test_profile_tour(self):
        self.farm_billing.write(
            {"phone": "+44 1224 000000", "street": "1 Farm Road", "city": "Inverurie"}
        )
        self.start_tour(
            "/my/account", "customer_connect_portal_profile", login=self.portal_user.login
        )
        contact = self.farm_billing
        self.assertEqual(contact.title, self.env.ref("base.res_partner_title_doctor"))
        self.assertEqual(contact.mobile, "07700 900123")
        self.assertEqual(contact.connect_alt_phone, "01382 555 010")
        self.assertTrue(contact.connect_pref_sms)
        self.assertFalse(contact.connect_pref_post)
        self.assertTrue(contact.connect_pref_email, "left as it was")
        self.assertTrue(contact.image_128)
        self.assertEqual(self.farm.ref, "90001", "the customer number did not move")

    def _assert_refused(self, response, message, typed):
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.assertIn(message, response.text)
        self.assertIn(typed, response.text, "what was typed is kept")
        self.farm_billing.invalidate_recordset()
        self.assertNotEqual(self.farm_billing.street, "7 Mill Lane", "nothing saved")

    def test_contact_without_country_saves(self):
        """A contact's country is read-only in Odoo's form (its customer has
        invoices): one left empty is not posted, Odoo puts "False" in its
        place and its template did int('False'), a 500 on every Save."""
        self.farm_billing.country_id = False
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        page = self.url_open("/my/account")
        self.assertEqual(page.status_code, 200)
        response = self._post(street="7 Mill Lane", country_id=None)
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.farm_billing.invalidate_recordset()
        self.assertEqual(self.farm_billing.street, "7 Mill Lane")
        # and with a field wrong: the page again, not a 500
        response = self._post(street="7 Mill Lane", phone="", country_id=None, city="Elgin Town")
        self.farm_billing.street = "1 Farm Road"
        self._assert_refused(response, "Enter your phone number.", "Elgin Town")

    def test_each_wrong_field_gets_its_message(self):
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        cases = [
            ({"phone": ""}, "Enter your phone number."),
            ({"city": "  "}, "Enter your town or city."),
            ({"email": "not an address"}, "Invalid Email"),
            ({"state_id": "abc"}, "Choose your county or state from the list."),
            ({"state_id": "99999999999999"}, "Choose your county or state from the list."),
            ({"unheard_of": "x"}, "This form cannot change unheard_of"),
            ({"vat": "GB123456789"}, "Changing VAT number is not allowed"),
        ]
        for values, message in cases:
            with self.subTest(values=values):
                response = self._post(
                    street="7 Mill Lane", mobile="07700 900555", connect_pref_sms="1", **values
                )
                self._assert_refused(response, message, "07700 900555")
                self.assertIn('id="connect_pref_sms" checked', response.text, "ticked, kept")
                self.assertNotIn("Some required fields are empty.", response.text)
