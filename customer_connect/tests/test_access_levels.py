from psycopg2.errors import ForeignKeyViolation

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestAccessLevels(ConnectCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls._activate(cls.farm_billing)
        cls.farm_invoice = cls.init_invoice(
            "out_invoice", partner=cls.farm, amounts=[250], post=True
        )
        cls.golf_invoice = cls.init_invoice(
            "out_invoice", partner=cls.golf, amounts=[90], post=True
        )
        cls.status_only = cls.env.ref("customer_connect.access_level_status_only")
        cls.full = cls.env.ref("customer_connect.access_level_full")

    def _set_level(self, level):
        self.farm_billing.with_user(self.staff).connect_access_level_id = level

    def test_default_levels_shipped(self):
        names = self.env["customer_connect.access.level"].search([]).mapped("name")
        for name in ("Full access", "Accounts payable", "Status only", "Payments only"):
            self.assertIn(name, names)
        self.assertTrue(self.status_only.grants("can_see_equipment"))
        self.assertFalse(self.status_only.grants("can_see_invoices"))
        self.assertTrue(
            self.env["customer_connect.access.level"].grants("can_pay"), "no level: Odoo's rights"
        )

    def test_record_rules_follow_the_level(self):
        Move = self.env["account.move"].with_user(self.portal_user)
        self.assertEqual(Move.search([("move_type", "=", "out_invoice")]), self.farm_invoice)
        with self.assertRaises(AccessError):
            self.golf_invoice.with_user(self.portal_user).read(["name"])
        self._set_level(self.status_only)
        self.assertFalse(Move.search([]), "no invoice at all for a Status only contact")
        with self.assertRaises(AccessError):
            self.farm_invoice.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.farm_invoice.line_ids.with_user(self.portal_user).read(["name"])
        self._set_level(self.full)
        self.assertEqual(Move.search([("move_type", "=", "out_invoice")]), self.farm_invoice)

    def test_level_changes_by_staff_only(self):
        with self.assertRaises(AccessError):
            self.farm_billing.with_user(self.portal_user).write(
                {"connect_access_level_id": self.full.id}
            )
        # levels themselves are defined by administrators
        with self.assertRaises(AccessError):
            self.status_only.with_user(self.staff).write({"can_see_invoices": True})
        self.status_only.with_user(self.staff_admin).write({"can_dispute": True})

    def test_level_in_use_cannot_be_deleted(self):
        """Deleting a level would give its contacts Odoo's full portal rights."""
        self._set_level(self.status_only)
        with self.assertRaises(ForeignKeyViolation), mute_logger("odoo.sql_db"):
            self.status_only.with_user(self.staff_admin).unlink()
        self.assertEqual(self.farm_billing.connect_access_level_id, self.status_only)

    def test_default_level_honours_company(self):
        Level = self.env["customer_connect.access.level"]
        south = self.env["res.company"].create({"name": "Southfield Machinery"})
        south_level = Level.create({"name": "South default", "company_id": south.id, "sequence": 0})
        north_only = Level.create(
            {"name": "North only", "company_id": self.company.id, "sequence": 1}
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_connect.default_access_level_id", north_only.id
        )
        self.assertEqual(Level._default_for_company(self.company), north_only)
        # the chosen level is not offered in the south: the south's first one
        self.assertEqual(Level._default_for_company(south), south_level)
