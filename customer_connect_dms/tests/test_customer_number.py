from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCustomerNumber(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.customer = cls.env["res.partner"].create(
            {"name": "Greenacres Farm", "ref": "10001", "company_id": cls.company.id}
        )
        cls.clerk = new_test_user(
            cls.env, "clerk", groups="base.group_user,customer_connect.group_connect_user"
        )
        cls.manager = new_test_user(
            cls.env,
            "svcmgr",
            groups="base.group_user,customer_connect_dms.group_dms_number_manager",
        )

    def test_number_unique_per_company(self):
        with self.assertRaisesRegex(ValidationError, "10001"):
            self.env["res.partner"].create(
                {"name": "Copy Farm", "ref": "10001", "company_id": self.company.id}
            )
        # a contact may carry the customer's number without clashing
        self.env["res.partner"].create(
            {"name": "Jo", "ref": "10001", "parent_id": self.customer.id}
        )

    def test_only_service_managers_change_a_set_number(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.clerk).write({"ref": "20002"})
        self.customer.with_user(self.manager).write({"ref": "20002"})
        self.assertEqual(self.customer.ref, "20002")
        # setting a first number is everyone's job
        blank = self.env["res.partner"].create({"name": "New Customer"})
        blank.with_user(self.clerk).write({"ref": "30003"})
        self.assertEqual(blank.ref, "30003")

    def test_lock_not_bypassed_through_parent(self):
        """Making the customer a contact for one write does not unlock its
        number."""
        holder = self.env["res.partner"].create(
            {"name": "Holding Co", "company_id": self.company.id}
        )
        Customer = self.customer.with_user(self.clerk)
        with self.assertRaises(AccessError):
            Customer.write({"ref": "66666", "parent_id": holder.id})
        self.assertEqual(self.customer.ref, "10001")

    def test_number_not_freed_by_making_the_customer_a_contact(self):
        """Review F9: filing a numbered customer under another partner would
        free its number for a new customer, and the next DMS import would
        land on that one. Only service managers move a numbered customer."""
        holder = self.env["res.partner"].create(
            {"name": "Holding Co", "company_id": self.company.id}
        )
        with self.assertRaisesRegex(AccessError, "10001"):
            self.customer.with_user(self.clerk).write({"parent_id": holder.id})
        self.assertFalse(self.customer.parent_id)
        # assertRaises, not assertRaisesRegex: it rolls the refused create back
        with self.assertRaises(ValidationError) as refused:
            self.env["res.partner"].with_user(self.clerk).create(
                {"name": "Impostor Farm", "ref": "10001", "company_id": self.company.id}
            )
        self.assertIn("10001", str(refused.exception))
        # a service manager files it under its fleet owner
        self.customer.with_user(self.manager).write({"parent_id": holder.id})
        self.assertEqual(self.customer.parent_id, holder)
