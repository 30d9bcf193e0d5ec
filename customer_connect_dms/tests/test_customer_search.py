from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import DmsImportCase


@tagged("post_install", "-at_install")
class TestCustomerSearch(DmsImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.farm.write({"city": "Inverurie", "state_id": cls.env.ref("base.state_us_5").id})
        cls.golf.write({"city": "Lochvale"})

    def _find(self, search_by, text):
        return self.env["res.partner"].with_user(self.staff)._connect_dms_search(search_by, text)

    def test_search_by_each_field(self):
        self.assertEqual(self._find("name", "greenac"), self.farm)
        self.assertEqual(self._find("city", "lochv"), self.golf)
        self.assertEqual(self._find("state", "Californ"), self.farm)
        self.assertEqual(self._find("number", "9000"), self.farm | self.golf | self.barlow)
        self.assertEqual(self._find("all", "inveru"), self.farm)
        # contacts are not customers
        self.assertNotIn(self.farm_fiona, self._find("all", "fiona"))
        with self.assertRaises(UserError):
            self._find("name", "gr")

    def test_search_wizard_needs_three_characters(self):
        wizard = Form(self.env["customer_connect_dms.customer.search"].with_user(self.staff))
        wizard.search_text = "lo"
        self.assertFalse(wizard.result_ids)
        self.assertIn("at least 3", wizard.result_message)
        wizard.search_text = "loch"
        self.assertEqual(wizard.result_ids[:], self.golf)

    def test_new_customer_number_required_and_unique(self):
        New = self.env["customer_connect_dms.customer.new"].with_user(self.staff)
        form = Form(New)
        form.name = "Brand New Farm"
        with self.assertRaises(AssertionError):  # required: the form does not save
            form.save()
        form.number = "90002"
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "Loch Vale Golf Club"):
            wizard.action_create()
        wizard.number = " 77001 "
        action = wizard.action_create()
        partner = self.env["res.partner"].browse(action["res_id"])
        self.assertEqual(
            (partner.ref, partner.name, partner.company_id),
            ("77001", "Brand New Farm", self.company),
        )

    def test_constraint_names_the_holder(self):
        with self.assertRaisesRegex(Exception, "Greenacres Farm"):
            self.env["res.partner"].create(
                {"name": "Copy", "ref": "90001", "company_id": self.company.id}
            )
