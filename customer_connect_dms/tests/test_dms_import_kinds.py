from odoo.tests import tagged

from .common import DmsImportCase


@tagged("post_install", "-at_install")
class TestDmsImportContactsEquipment(DmsImportCase):
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

    def test_equipment_by_dms_key(self):
        text = (
            "dms_key,customer_number,make,model,serial_number,year,hours,warranty_end\n"
            "U-001,90001,Kubota,M5-111,KB123,2022,1200.5,31/12/2027\n"
            "U-002,90002,John Deere,Gator,JD9,2021,300,\n"
        )
        run = self._import("equipment", text)
        self.assertEqual(run.state, "done", run.message)
        Equipment = self.env["customer_connect.equipment"]
        tractor = Equipment.search([("dms_key", "=", "U-001")])
        self.assertEqual(
            (tractor.partner_id, tractor.make, tractor.hours), (self.farm, "Kubota", 1200.5)
        )
        self.assertEqual(str(tractor.warranty_end), "2027-12-31")
        again = self._import("equipment", text)
        self.assertEqual((again.count_unchanged, again.count_created), (2, 0))
        moved = self._import("equipment", text.replace("U-002,90002", "U-002,90001"))
        self.assertEqual(moved.count_updated, 1)
        self.assertEqual(Equipment.search([("dms_key", "=", "U-002")]).partner_id, self.farm)
        bad = self._import("equipment", text.replace("1200.5", "-3").replace("2021", "20x1"))
        self.assertEqual(bad.state, "failed")
        self.assertEqual([(r, c) for r, c, _m in self._refused(bad)], [(2, "hours"), (3, "year")])
        self.assertEqual(tractor.hours, 1200.5)

    def test_connector_api_records(self):
        run = self.importer._import_records(
            "customers", [{"number": "00501", "name": "Api Farm", "city": "Ayr"}]
        )
        self.assertEqual((run.state, run.source, run.count_created), ("done", "api", 1))
        self.assertTrue(self.env["res.partner"].search([("ref", "=", "00501")]).connect_dms_managed)
