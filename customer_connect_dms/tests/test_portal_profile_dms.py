from odoo import http
from odoo.tests import HttpCase, tagged

from .common import DmsImportCase


@tagged("post_install", "-at_install")
class TestPortalProfileDms(DmsImportCase, HttpCase):
    """A contact of a DMS-managed customer sees what the DMS owns read-only
    in the portal profile, and a crafted post does not change it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls._activate(cls.farm_fiona)
        cls.env["customer_connect_dms.importer"]._import_file(
            "customers",
            cls.generic["customers"],
            b"number,name,street,city,country\n90001,Greenacres Farm,1 Farm Road,Inverurie,GB\n",
            "c.csv",
        )
        cls.env["customer_connect_dms.importer"]._import_file(
            "contacts",
            cls.generic["contacts"],
            b"customer_number,name,email,phone\n90001,Fiona Reid,fiona@greenacres.example,0100\n",
            "p.csv",
        )

    def test_managed_fields_disabled_and_not_written(self):
        self.assertTrue(self.farm_fiona.connect_dms_managed)
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        page = self.url_open("/my/account").text
        self.assertIn("o_connect_dms_locked_note", page)
        for name in ("name", "email", "phone", "street", "city", "zipcode"):
            self.assertRegex(page, rf'<input[^>]*name="{name}"[^>]*disabled', name)
        self.assertNotRegex(page, r'<input[^>]*name="connect_alt_phone"[^>]*disabled')
        response = self.url_open(
            "/my/account",
            data={
                # a crafted post: disabled inputs are not sent by a browser
                "name": "Someone Else",
                "street": "9 Other Road",
                "connect_alt_phone": "+44 7700 900002",
                "csrf_token": http.Request.csrf_token(self),
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303, response.text[:800])
        self.farm_fiona.invalidate_recordset()
        self.assertEqual(self.farm_fiona.name, "Fiona Reid")
        self.assertEqual(self.farm_fiona.phone, "0100")
        self.assertEqual(self.farm.street, "1 Farm Road")
        self.assertEqual(self.farm_fiona.connect_alt_phone, "+44 7700 900002")

    def test_unmanaged_contact_edits_as_before(self):
        user = self._activate(self.golf_keeper)
        self.authenticate(user.login, self.PORTAL_PASSWORD)
        page = self.url_open("/my/account").text
        self.assertNotIn("o_connect_dms_locked_note", page)
        self.assertNotRegex(page, r'<input[^>]*name="name"[^>]*disabled')
