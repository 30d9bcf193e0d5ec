from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestDealershipUsers(ConnectCase):
    def test_admin_invites_colleague(self):
        Wizard = self.env["customer_connect.staff.invite.wizard"].with_user(self.staff_admin)
        Wizard.create({"email": "douglas@northfield.example", "name": "Douglas"}).action_invite()
        user = self.env["res.users"].search([("login", "=", "douglas@northfield.example")])
        self.assertFalse(user.share)
        self.assertEqual(user.connect_role, "user")
        self.assertEqual(user.connect_staff_state, "pending")
        log = self.env["customer_connect.mail.log"].search(
            [("partner_id", "=", user.partner_id.id)]
        )
        self.assertEqual(log.kind, "staff_invitation")
        self.assertIn("/web/signup", str(log.mail_id.body_html))

    def test_plain_user_cannot_invite_staff(self):
        Wizard = self.env["customer_connect.staff.invite.wizard"].with_user(self.staff)
        with self.assertRaisesRegex(AccessError, "administrators"):
            Wizard.create({"email": "eve@northfield.example"}).action_invite()

    def test_seat_limit(self):
        used = self.env["res.users"]._connect_staff_count()
        self.env["ir.config_parameter"].sudo().set_param("customer_connect.staff_seat_limit", used)
        Wizard = self.env["customer_connect.staff.invite.wizard"].with_user(self.staff_admin)
        with self.assertRaisesRegex(AccessError, "account manager"):
            Wizard.create({"email": "one.too.many@northfield.example"}).action_invite()
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_connect.staff_seat_limit", used + 1
        )
        Wizard.create({"email": "fits@northfield.example"}).action_invite()

    def test_any_user_removes_another(self):
        colleague = self.env["res.users"].create(
            {
                "name": "Colleague",
                "login": "colleague",
                "groups_id": [(6, 0, [self.env.ref("customer_connect.group_connect_user").id])],
            }
        )
        colleague.with_user(self.staff).action_connect_remove_staff()
        self.assertFalse(colleague.active)
        with self.assertRaisesRegex(AccessError, "administrator"):
            self.staff_admin.with_user(self.staff).action_connect_remove_staff()
        self.staff_admin.with_user(self.staff_admin).read(["name"])
        with self.assertRaises(AccessError):
            self.staff.with_user(self.staff).action_connect_remove_staff()
        portal = self._activate(self.farm_billing)
        with self.assertRaises(AccessError):
            portal.with_user(self.staff).action_connect_remove_staff()

    def test_profile_self_service(self):
        fields = [
            "title",
            "street",
            "city",
            "zip",
            "phone",
            "connect_alt_phone",
            "connect_pref_sms",
            "connect_pref_post",
        ]
        self.staff.with_user(self.staff).write(
            {
                "street": "1 Harlaw Road",
                "city": "Inverurie",
                "zip": "AB51 4FR",
                "phone": "+44 1467 620001",
                "connect_alt_phone": "+44 7700 900123",
                "connect_pref_sms": True,
                "connect_pref_post": False,
            }
        )
        values = self.staff.with_user(self.staff).read(fields)[0]
        self.assertEqual(values["connect_alt_phone"], "+44 7700 900123")
        self.assertTrue(values["connect_pref_sms"])
        self.assertEqual(self.staff.partner_id.city, "Inverurie")
