import importlib.util

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_path

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
        cls.status_only = cls._level("status_only")
        cls.full = cls._level("full")

    def _set_level(self, level):
        self.farm_billing.with_user(self.staff).connect_access_level_id = level

    def test_default_levels_shipped(self):
        names = (
            self.env["customer_connect.access.level"]
            .search([("company_id", "=", self.company.id)])
            .mapped("name")
        )
        for name in ("Full access", "Accounts payable", "Status only", "Payments only"):
            self.assertIn(name, names)
        self.assertTrue(self.status_only._grants("equipment"))
        self.assertFalse(self.status_only._grants("activity"))
        self.assertTrue(
            self.env["customer_connect.access.level"]._grants("activity"),
            "no level: Odoo's rights",
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

    def test_project_status_capability(self):
        """Project status is its own flag: Full access and Status only open
        it, Accounts payable and Payments only do not; sale orders, read by
        orders and project status, are denied only where neither opens."""
        levels = {
            code: self._level(code)
            for code in ("full", "accounts_payable", "status_only", "payments_only")
        }
        self.assertEqual(
            {code for code, level in levels.items() if level._grants("project_status")},
            {"full", "status_only"},
        )
        user = self.portal_user.with_company(self.company)
        for code, level in levels.items():
            self._set_level(level)
            self.assertEqual(
                user._connect_grants("project_status"), level._grants("project_status"), code
            )
        projects_only = self.env["customer_connect.access.level"].create(
            {"name": "Projects only", "company_id": self.company.id, "can_see_project_status": True}
        )
        self._set_level(projects_only)
        self.assertEqual(user._connect_denied_company_ids("orders"), self.company.ids)
        self.assertEqual(user._connect_denied_company_ids("orders", "project_status"), [])
        self._set_level(levels["accounts_payable"])
        self.assertEqual(
            user._connect_denied_company_ids("orders", "project_status"), self.company.ids
        )

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
        with self.assertRaisesRegex(UserError, "given to contacts"):
            self.status_only.with_user(self.staff_admin).unlink()
        self.assertEqual(self.farm_billing.connect_access_level_id, self.status_only)

    def test_default_level_honours_company(self):
        Level = self.env["customer_connect.access.level"]
        south = self.env["res.company"].create({"name": "Southfield Machinery"})
        north_only = Level.create(
            {"name": "North only", "company_id": self.company.id, "sequence": 1}
        )
        self.company.connect_default_access_level_id = north_only
        self.assertEqual(Level._default_for_company(self.company), north_only)
        # the south has its own levels and its own default: Full access
        self.assertEqual(Level._default_for_company(south), self._level("full", south))
        self.assertNotEqual(self._level("full", south), self._level("full"))


@tagged("post_install", "-at_install")
class TestAccessLevelsPerCompany(ConnectCase):
    """Each dealer company has its own levels: one dealer's administrator
    cannot change what another dealer's contacts see."""

    def test_new_company_gets_its_own_levels(self):
        south = self.env["res.company"].create({"name": "Southfield Machinery"})
        Level = self.env["customer_connect.access.level"]
        codes = set(Level.search([("company_id", "=", south.id)]).mapped("code"))
        self.assertEqual(codes, {"full", "accounts_payable", "status_only", "payments_only"})
        self.assertFalse(Level.search([("company_id", "=", False)]), "no shared level")

    def test_other_company_admin_cannot_touch_our_levels(self):
        south = self.env["res.company"].create({"name": "Southfield Machinery"})
        south_admin = new_test_user(
            self.env,
            "south_admin",
            groups="customer_connect.group_connect_admin",
            company_id=south.id,
            company_ids=[Command.set(south.ids)],
        )
        ours = self._level("status_only")
        with self.assertRaises(AccessError):
            ours.with_user(south_admin).write({"can_see_invoices": True})
        with self.assertRaises(AccessError):
            ours.with_user(south_admin).read(["name"])
        self.assertFalse(ours.can_see_invoices)
        # their own, they may
        self._level("status_only", south).with_user(south_admin).write({"can_see_invoices": True})

    def test_contact_gets_a_level_of_its_own_company(self):
        south = self.env["res.company"].create({"name": "Southfield Machinery"})
        with self.assertRaisesRegex(ValidationError, "that company's access levels"):
            self.farm_billing.with_user(self.staff).connect_access_level_id = self._level(
                "full", south
            )

    def test_default_key_cannot_skip_the_staff_check(self):
        clerk = new_test_user(
            self.env, "clerk", groups="base.group_user,base.group_partner_manager"
        )
        Partner = self.env["res.partner"].with_user(clerk)
        with self.assertRaises(AccessError):
            Partner.with_context(default_connect_access_level_id=self._level("full").id).create(
                {"name": "Sneaky", "parent_id": self.golf.id}
            )


@tagged("post_install", "-at_install")
class TestAccessLevelsNewAreas(ConnectCase):
    """A version that brings an area opens it on an existing dealer's
    shipped levels where a new install opens it, and nowhere else."""

    def _migrate(self, addon, version):
        path = file_path(f"{addon}/migrations/{version}/post-migration.py")
        spec = importlib.util.spec_from_file_location(f"{addon}_{version}_post", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, version)
        return module.NEW_AREAS

    def _check_opened_as_on_a_new_install(self, addon, version, areas):
        Level = self.env["customer_connect.access.level"].with_context(active_test=False)
        fields_by_area = Level._portal_areas()
        shipped = Level.search([("company_id", "=", self.company.id), ("code", "!=", False)])
        own = Level.create({"name": "Yard foreman", "company_id": self.company.id})
        # as an upgraded database has them: the new columns empty everywhere
        new_fields = [fields_by_area[area] for area in areas]
        (shipped | own).write(dict.fromkeys(new_fields, False))
        self.assertEqual(set(self._migrate(addon, version)), set(areas))
        expected = {vals["code"]: vals for vals in Level._default_levels_values()}
        for level in shipped:
            for field in new_fields:
                self.assertEqual(level[field], expected[level.code][field], (level.code, field))
        for field in new_fields:
            self.assertTrue(any(shipped.mapped(field)), f"some shipped level opens {field}")
        self.assertFalse(any(own[field] for field in new_fields), "a level the dealer made")
        return shipped

    def test_promises_plans_and_credit_open_on_existing_levels_as_on_a_new_install(self):
        shipped = self._check_opened_as_on_a_new_install(
            "customer_connect", "18.0.1.4.0", ("promises", "plans", "credit")
        )
        self.assertTrue(shipped.filtered(lambda level: level.code == "full").can_request_plan)
        self.assertFalse(shipped.filtered(lambda level: level.code == "status_only").can_promise)

    def test_the_payments_areas_open_on_existing_levels_as_on_a_new_install(self):
        """customer_connect_payments' own migration, when it is installed
        (each addon installs on its own)."""
        if "customer_connect_payments" not in self.env.registry._init_modules:
            self.skipTest("customer_connect_payments is not installed")
        self._check_opened_as_on_a_new_install(
            "customer_connect_payments", "18.0.1.3.0", ("reminders", "remittances", "autopay")
        )
