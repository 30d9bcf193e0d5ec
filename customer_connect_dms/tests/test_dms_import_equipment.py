from odoo.tests import tagged

from .common import DmsImportCase


@tagged("post_install", "-at_install")
class TestDmsImportEquipment(DmsImportCase):
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
