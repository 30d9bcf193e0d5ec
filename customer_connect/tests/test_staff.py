from contextlib import closing

from psycopg2.errors import LockNotAvailable

from odoo import Command, sql_db
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..models.res_users import STAFF_SEATS_LOCK
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
        with self.assertRaisesRegex(UserError, "account manager"):
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
        with self.assertRaisesRegex(UserError, "yourself"):
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


@tagged("post_install", "-at_install")
class TestStaffRemovalScope(ConnectCase):
    """Customer Connect staff remove colleagues whose only powers are
    Customer Connect roles, in their own companies; nobody else."""

    def _colleague(self, login, groups="customer_connect.group_connect_user", **kw):
        return new_test_user(
            self.env,
            login,
            groups=groups,
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
            **kw,
        )

    def test_never_the_administrator_or_settings_users(self):
        admin = self.env.ref("base.user_admin")
        settings = self._colleague(
            "settings_admin", groups="customer_connect.group_connect_user,base.group_system"
        )
        billing = self._colleague(
            "billing", groups="customer_connect.group_connect_user,account.group_account_invoice"
        )
        # Odoo files "Mail Template Editor" (dynamic templates rendered for
        # every colleague) among its hidden technical groups: a power all
        # the same (review F7)
        accountant = self._colleague(
            "accountant",
            groups="customer_connect.group_connect_user,mail.group_mail_template_editor",
        )
        self.assertNotIn(
            self.env.ref("mail.group_mail_template_editor"),
            self.env.ref("base.group_user").trans_implied_ids,
            "this database restricts template editing",
        )
        root = self.env.ref("base.user_root").with_context(active_test=False)
        root.groups_id = [Command.link(self.env.ref("customer_connect.group_connect_user").id)]
        for user in (admin, root, settings, billing, accountant):
            active = user.active
            with self.assertRaises(AccessError, msg=user.login):
                user.with_user(self.staff_admin).action_connect_remove_staff()
            self.assertEqual(user.active, active, user.login)

    def test_technical_switches_do_not_block_removal(self):
        """The switches Odoo hands out by itself (several companies) are no
        power: such a colleague is removed like any other."""
        south = self.env["res.company"].create({"name": "Southfield Machinery"})
        both = (self.company | south).ids
        self.staff_admin.company_ids = [Command.set(both)]
        colleague = new_test_user(
            self.env,
            "two_sites",
            groups="customer_connect.group_connect_user",
            company_id=self.company.id,
            company_ids=[Command.set(both)],
        )
        self.assertTrue(colleague.has_group("base.group_multi_company"))
        colleague.with_user(self.staff_admin).action_connect_remove_staff()
        self.assertFalse(colleague.active)

    def test_not_staff_of_another_company(self):
        south = self.env["res.company"].create({"name": "Southfield Machinery"})
        south_staff = new_test_user(
            self.env,
            "south_staff",
            groups="customer_connect.group_connect_user",
            company_id=south.id,
            company_ids=[Command.set((south | self.company).ids)],
        )
        with self.assertRaisesRegex(AccessError, "companies you do not"):
            south_staff.with_user(self.staff_admin).action_connect_remove_staff()
        self.assertTrue(south_staff.active)

    def test_removed_pending_colleague_link_dies(self):
        Wizard = self.env["customer_connect.staff.invite.wizard"].with_user(self.staff_admin)
        Wizard.create({"email": "newbie@northfield.example"}).action_invite()
        user = self.env["res.users"].search([("login", "=", "newbie@northfield.example")])
        token = self._token_in(
            self.env["customer_connect.mail.log"].search([("partner_id", "=", user.partner_id.id)])
        )
        self.assertTrue(self.env["res.partner"]._signup_retrieve_info(token), "works before")
        user.with_user(self.staff).action_connect_remove_staff()
        self.assertFalse(user.active)
        self.assertFalse(self.env["res.partner"]._signup_retrieve_info(token), "dead after")

    def test_seat_limit_holds_with_two_admins_at_once(self):
        """The seat count is taken under a lock: a second invitation waits for
        the first to commit (here: another connection holds the lock, and the
        invitation cannot take it)."""
        used = self.env["res.users"]._connect_staff_count()
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_connect.staff_seat_limit", used + 1
        )
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other:
            other.execute("SELECT pg_advisory_xact_lock(%s)", [STAFF_SEATS_LOCK])
            self.env.cr.execute("SET LOCAL lock_timeout = '200ms'")
            Wizard = self.env["customer_connect.staff.invite.wizard"].with_user(self.staff_admin)
            with (
                self.assertRaises(LockNotAvailable),
                mute_logger("odoo.sql_db"),
                self.env.cr.savepoint(),
            ):
                Wizard.create({"email": "racer@northfield.example"}).action_invite()
            other.rollback()
