from odoo.tests import tagged

from .common import DmsImportCase


@tagged("post_install", "-at_install")
class TestDmsImportContacts(DmsImportCase):
    def test_contacts_upsert_by_email_or_name(self):
        text = (
            "customer_number,name,email,phone\n"
            "90001,Fiona Reid,FIONA@greenacres.example,01234\n"
            "90001,New Person,new@greenacres.example,\n"
            "90002,Night Watch,,555\n"
            "99999,Nobody,nobody@x.example,\n"
        )
        run = self._import("contacts", text, allow_partial=True)
        self.assertEqual(run.state, "done", run.message)
        self.assertEqual((run.count_created, run.count_updated, run.count_refused), (2, 1, 1))
        self.assertEqual(self.farm_fiona.phone, "01234")
        self.assertTrue(self.farm_fiona.connect_dms_managed)
        self.assertEqual(
            self._refused(run),
            [
                (
                    5,
                    "customer_number",
                    "customer_number: No customer has number 99999: import the customers first.",
                )
            ],
        )
        new = self.farm.child_ids.filtered(lambda c: c.email == "new@greenacres.example")
        self.assertEqual(new.name, "New Person")
        again = self._import("contacts", text, allow_partial=True)
        self.assertEqual(
            (again.count_created, again.count_updated, again.count_unchanged), (0, 0, 3)
        )
        # a contact without e-mail is found again by its name
        self.assertEqual(len(self.golf.child_ids.filtered(lambda c: c.name == "Night Watch")), 1)

    def test_duplicate_contact_in_file(self):
        text = "customer_number,name,email\n90001,A,a@x.example\n90001,B,A@X.example\n"
        run = self._import("contacts", text)
        self.assertEqual(run.state, "failed")
        self.assertEqual(self._refused(run)[0][:2], (3, "email"))
