from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from ..hooks import post_init_hook, uninstall_hook
from .common import ConnectCase


class ExistingLoginsCase(ConnectCase):
    """A dealer's Odoo with portal logins made before Customer Connect was
    installed. Our addons are installed in the test database already, so
    the logins are made as Odoo made them (its portal wizard's way: a share
    user from the portal template), then the portal state our hooks gave
    them is wiped in SQL, as it was before the install; the install hook is
    then called as Odoo calls it. tests/existing/run_install_check.sh does
    the same on a real database installed afterwards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.back_office = new_test_user(
            cls.env,
            "cc_back_office",
            groups="base.group_user,base.group_partner_manager,base.group_erp_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.settings_admin = new_test_user(
            cls.env,
            "cc_settings_admin",
            groups="base.group_system,customer_connect.group_connect_admin",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _odoo_portal_login(self, contact, logins=(), active=True):
        """A portal login of ``contact`` as it was before the install: made
        by Odoo (a share user), signed in at ``logins`` (res.users.log rows,
        what Odoo keeps), archived and moved to the public group when not
        ``active`` (Odoo's Revoke Portal Access); no trace of Customer
        Connect on the contact."""
        user = (
            self.env["res.users"]
            .sudo()
            .with_context(no_reset_password=True)
            ._create_user_from_template(
                {
                    "login": contact.email,
                    "email": contact.email,
                    "partner_id": contact.id,
                    "company_id": self.company.id,
                    "company_ids": [Command.set(self.company.ids)],
                }
            )
        )
        if not active:
            user.write(
                {
                    "active": False,
                    "groups_id": [
                        Command.unlink(self.env.ref("base.group_portal").id),
                        Command.link(self.env.ref("base.group_public").id),
                    ],
                }
            )
        for when in logins:
            self.env.cr.execute(
                "INSERT INTO res_users_log (create_uid, create_date, write_uid, write_date) "
                "VALUES (%s, %s, %s, %s)",
                [user.id, when, user.id, when],
            )
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE res_partner
               SET connect_user_id = NULL, connect_login_state = 'not_invited',
                   connect_access_level_id = NULL, connect_first_invited = NULL,
                   connect_last_invited = NULL, connect_invited_by_id = NULL,
                   connect_activated_on = NULL, connect_last_login = NULL
             WHERE id = %s
            """,
            [contact.id],
        )
        self.env.invalidate_all()
        # what the dashboard reads (a stored compute) as it was before the install
        self.env.add_to_compute(self.env["res.partner"]._fields["connect_state"], contact.parent_id)
        self.env.flush_all()
        self.assertEqual(contact.connect_login_state, "not_invited")
        return user.sudo()

    def _portal_wizard(self, contact):
        wizard = (
            self.env["portal.wizard"]
            .with_user(self.back_office)
            .with_context(active_model="res.partner", active_ids=contact.ids)
            .create({})
        )
        return wizard.user_ids.filtered(lambda line: line.partner_id == contact)


@tagged("post_install", "-at_install")
class TestExistingLogins(ExistingLoginsCase):
    """Install, Odoo's wizard afterwards, the default level, uninstall."""

    def test_install_reads_what_odoo_knows(self):
        signed_in = self._odoo_portal_login(
            self.farm_billing, logins=[datetime(2026, 3, 1, 9), datetime(2026, 11, 20, 17)]
        )
        never = self._odoo_portal_login(self.golf_keeper)
        revoked = self._odoo_portal_login(
            self.farm_fiona, logins=[datetime(2026, 5, 4, 8)], active=False
        )
        self.assertEqual(self.farm.connect_state, "not_invited", "the issue's day one")

        post_init_hook(self.env)

        full = self._level("full")
        self.assertRecordValues(
            self.farm_billing | self.golf_keeper | self.farm_fiona,
            [
                {
                    "connect_login_state": "active",
                    "connect_user_id": signed_in.id,
                    "connect_activated_on": datetime(2026, 3, 1, 9),
                    "connect_last_login": datetime(2026, 11, 20, 17),
                    "connect_access_level_id": full.id,
                },
                {
                    "connect_login_state": "invited",
                    "connect_user_id": never.id,
                    "connect_activated_on": False,
                    "connect_last_login": False,
                    "connect_access_level_id": full.id,
                },
                {
                    "connect_login_state": "inactive",
                    "connect_user_id": revoked.id,
                    "connect_activated_on": datetime(2026, 5, 4, 8),
                    "connect_last_login": datetime(2026, 5, 4, 8),
                    "connect_access_level_id": full.id,
                },
            ],
        )
        self.assertEqual(self.golf_keeper.connect_first_invited, never.create_date)
        self.assertEqual(self.golf_keeper.connect_invited_by_id, never.create_uid)
        # the dashboard's states and counters
        self.assertEqual(self.farm.connect_state, "active")
        self.assertEqual(self.farm.connect_login_email, self.farm_billing.email)
        self.assertEqual(self.golf.connect_state, "invited")
        self.assertEqual(self.barlow.connect_state, "not_invited")
        counters = (
            self.env["res.partner"]
            .with_user(self.staff)
            .search_panel_select_multi_range(
                "connect_state",
                search_domain=[("id", "in", (self.farm | self.golf | self.barlow).ids)],
                enable_counters=True,
            )
        )
        counts = {value["id"]: value["__count"] for value in counters["values"]}
        self.assertEqual(
            (counts["active"], counts["invited"], counts["not_invited"]), (1, 1, 1), counts
        )
        # the invited one becomes active at its first sign-in
        never._update_last_login()
        self.assertEqual(self.golf_keeper.connect_login_state, "active")
        self.assertTrue(self.golf_keeper.connect_activated_on)

    def test_default_level_is_the_company_setting(self):
        self.company.connect_default_access_level_id = self._level("accounts_payable")
        self._odoo_portal_login(self.golf_keeper)
        post_init_hook(self.env)
        self.assertEqual(self.golf_keeper.connect_access_level_id, self._level("accounts_payable"))

    def test_install_method_is_idempotent_and_leaves_others_alone(self):
        self._odoo_portal_login(self.farm_billing, logins=[datetime(2026, 3, 1, 9)])
        public = self.env.ref("base.public_user").sudo()
        post_init_hook(self.env)
        # staff change what was read; a later upgrade (same method) keeps it
        self.farm_billing.with_user(self.staff)._connect_inactivate()
        self._set_level(self.farm_billing, "status_only")
        self.env["customer_connect.existing.logins"]._adopt()
        self.assertEqual(self.farm_billing.connect_login_state, "inactive")
        self.assertEqual(self.farm_billing.connect_access_level_id, self._level("status_only"))
        # the public user and employees are no customer's contacts
        self.assertEqual(public.partner_id.connect_login_state, "not_invited")
        self.assertEqual(self.staff.partner_id.connect_login_state, "not_invited")

    def test_bulk_invitation_and_reminders_skip_existing_logins(self):
        self._odoo_portal_login(self.golf_keeper)
        post_init_hook(self.env)
        batch = (
            self.env["customer_connect.invite.batch"]
            .with_user(self.staff)
            ._create_for(self.golf | self.barlow)
        )
        self.barlow.email = "barlow@example.com"
        self.env["customer_connect.invite.batch"]._cron_process()
        lines = batch.sudo().line_ids.grouped("partner_id")
        self.assertEqual(lines[self.golf].result, "refused")
        self.assertIn("already has a portal login", lines[self.golf].message)
        self.assertEqual(lines[self.barlow].result, "invited")
        self.assertFalse(
            self.env["customer_connect.mail.log"].search([("partner_id", "=", self.golf_keeper.id)])
        )
        # reminders: the invited contact with Odoo's login is never due
        self.company.connect_reminder_days = "1"
        Reminder = self.env["customer_connect.invitation"]
        with self.env.cr.savepoint():
            self.env.cr.execute(
                "UPDATE res_partner SET connect_last_invited = now() - interval '30 days' "
                "WHERE id IN %s",
                [tuple((self.golf_keeper | self.barlow).ids)],
            )
            self.env.invalidate_all()
            due = Reminder._due_reminders()
        self.assertNotIn(self.golf_keeper, due)
        self.assertIn(self.barlow, due)

    def test_odoo_wizard_after_install_keeps_state_and_history(self):
        Log = self.env["customer_connect.mail.log"]
        # Grant: invited, stamped, its welcome e-mail in the history
        line = self._portal_wizard(self.golf_keeper)
        line.action_grant_access()
        user = self.golf_keeper.with_context(active_test=False).user_ids
        self.assertRecordValues(
            self.golf_keeper,
            [
                {
                    "connect_login_state": "invited",
                    "connect_user_id": user.id,
                    "connect_invited_by_id": self.back_office.id,
                    "connect_access_level_id": self._level("full").id,
                }
            ],
        )
        self.assertTrue(self.golf_keeper.connect_last_invited)
        logs = Log.search([("partner_id", "=", self.golf_keeper.id)])
        self.assertEqual(logs.mapped("kind"), ["invitation"])
        self.assertEqual(logs.state, "sent", "Odoo sends it at once")
        self.assertIn(self.golf_keeper.email, logs.recipient)
        self.assertEqual(logs.author_id, self.back_office)
        # Re-invite: invited again, a second history row
        first_invited = self.golf_keeper.connect_last_invited
        self.env.cr.execute(
            "UPDATE res_partner SET connect_last_invited = %s WHERE id = %s",
            [datetime(2026, 1, 1), self.golf_keeper.id],
        )
        self.env.invalidate_all()
        self._portal_wizard(self.golf_keeper).action_invite_again()
        self.assertGreaterEqual(self.golf_keeper.connect_last_invited, first_invited)
        self.assertEqual(len(Log.search([("partner_id", "=", self.golf_keeper.id)])), 2)
        # signed in, then Revoke: inactive, the login archived
        user._update_last_login()
        self.assertEqual(self.golf_keeper.connect_login_state, "active")
        self._portal_wizard(self.golf_keeper).action_revoke_access()
        self.assertEqual(self.golf_keeper.connect_login_state, "inactive")
        self.assertFalse(user.active)
        self.assertEqual(self.golf.connect_state, "inactive")
        # Grant again: active again (it signed in before), same login
        self._portal_wizard(self.golf_keeper).action_grant_access()
        self.assertEqual(self.golf_keeper.connect_login_state, "active")
        self.assertTrue(user.active)
        self.assertEqual(len(Log.search([("partner_id", "=", self.golf_keeper.id)])), 3)

    def test_reactivate_a_login_revoked_with_odoo(self):
        self._portal_wizard(self.golf_keeper).action_grant_access()
        user = self.golf_keeper.with_context(active_test=False).user_ids
        user._update_last_login()
        self._portal_wizard(self.golf_keeper).action_revoke_access()
        self.golf_keeper.with_user(self.staff)._connect_reactivate()
        self.assertTrue(user.active)
        self.assertTrue(user._is_portal(), "back in the portal group, out of the public one")
        self.assertEqual(self.golf_keeper.connect_login_state, "active")

    def test_uninstall_hook_hands_inactive_logins_to_odoo_wizard(self):
        user = self._activate(self.golf_keeper)
        self.golf_keeper.with_user(self.staff)._connect_inactivate()
        self.assertTrue(user._is_portal(), "our inactivation archives, in the portal group")
        uninstall_hook(self.env)
        self.assertFalse(user.active)
        self.assertFalse(user._is_portal())
        # Odoo's wizard sees a revoked login and grants it again
        line = self._portal_wizard(self.golf_keeper)
        self.assertFalse(line.is_portal)
        line.action_grant_access()
        self.assertTrue(user.active)
        self.assertTrue(user._is_portal())

    def test_odoo_wizard_on_logins_from_before_the_install(self):
        """Odoo's Re-invite and Revoke on the logins the install adopted (not
        made after it): our states, dates and e-mail history follow."""
        Log = self.env["customer_connect.mail.log"]
        signed_in = self._odoo_portal_login(self.farm_billing, logins=[datetime(2026, 3, 1, 9)])
        never = self._odoo_portal_login(self.golf_keeper)
        post_init_hook(self.env)
        self.assertFalse(
            Log.search([("partner_id", "in", (self.farm_billing | self.golf_keeper).ids)])
        )
        # Re-invite the one that never signed in: still invited, stamped, one history row
        self.env.cr.execute(
            "UPDATE res_partner SET connect_last_invited = %s WHERE id = %s",
            [datetime(2026, 1, 1), self.golf_keeper.id],
        )
        self.env.invalidate_all()
        self._portal_wizard(self.golf_keeper).action_invite_again()
        self.assertEqual(self.golf_keeper.connect_login_state, "invited")
        self.assertEqual(self.golf_keeper.connect_user_id, never)
        self.assertGreater(self.golf_keeper.connect_last_invited, datetime(2026, 1, 1))
        self.assertEqual(self.golf_keeper.connect_first_invited, never.create_date, "kept")
        logs = Log.search([("partner_id", "=", self.golf_keeper.id)])
        self.assertEqual(logs.mapped("kind"), ["invitation"])
        self.assertEqual(logs.author_id, self.back_office)
        self.assertIn(self.golf_keeper.email, logs.recipient)
        # Revoke the one that signed in: inactive, its login archived, no e-mail
        self._portal_wizard(self.farm_billing).action_revoke_access()
        self.assertEqual(self.farm_billing.connect_login_state, "inactive")
        self.assertFalse(signed_in.active)
        self.assertEqual(self.farm.connect_state, "inactive")
        self.assertFalse(Log.search([("partner_id", "=", self.farm_billing.id)]))
        self.assertEqual(
            self.farm_billing.connect_activated_on, datetime(2026, 3, 1, 9), "its history kept"
        )
        # Grant again: active (it signed in before), the same login, Odoo's e-mail recorded
        self._portal_wizard(self.farm_billing).action_grant_access()
        self.assertEqual(self.farm_billing.connect_login_state, "active")
        self.assertTrue(signed_in.active)
        self.assertEqual(self.farm_billing.connect_user_id, signed_in)
        self.assertEqual(
            Log.search([("partner_id", "=", self.farm_billing.id)]).mapped("kind"), ["invitation"]
        )
        self.assertEqual(self.farm_billing.connect_access_level_id, self._level("full"))

    # -- the company's default level, picked in Settings after the install
    def test_settings_apply_the_new_default_to_logins_from_install(self):
        self._odoo_portal_login(self.farm_billing, logins=[datetime(2026, 3, 1, 9)])
        self._odoo_portal_login(self.golf_keeper)
        self._odoo_portal_login(self.farm_fiona, logins=[datetime(2026, 5, 4, 8)])
        post_init_hook(self.env)
        full, payable = self._level("full"), self._level("accounts_payable")
        # staff chose Fiona's level; a contact invited after the install
        self._set_level(self.farm_fiona, "status_only")
        later = self.env["res.partner"].create(
            {"name": "Clubhouse", "parent_id": self.golf.id, "email": "club@lochvale.example"}
        )
        later.with_user(self.staff)._connect_invite()
        self.assertEqual(later.connect_access_level_id, full)
        Settings = self.env["res.config.settings"].with_user(self.settings_admin)
        self.assertEqual(Settings.create({}).connect_level_from_install_count, 0)
        # the dealer picks Accounts Payable: two contacts are on the previous default
        settings = Settings.create({"connect_default_access_level_id": payable.id})
        self.assertEqual(settings.connect_level_from_install_count, 2)
        self.assertEqual(self.company.connect_default_access_level_id, payable, "saved first")
        settings.action_connect_apply_default_level()
        self.assertEqual((self.farm_billing | self.golf_keeper).connect_access_level_id, payable)
        self.assertEqual(self.farm_fiona.connect_access_level_id, self._level("status_only"))
        self.assertEqual(later.connect_access_level_id, full, "invited after: its own level")
        self.assertEqual(Settings.create({}).connect_level_from_install_count, 0)
        # the dealer changes their mind: still the install's contacts, not the others
        settings = Settings.create({"connect_default_access_level_id": full.id})
        self.assertEqual(settings.connect_level_from_install_count, 2)
        settings.action_connect_apply_default_level()
        self.assertEqual((self.farm_billing | self.golf_keeper).connect_access_level_id, full)
        self.assertEqual(self.farm_fiona.connect_access_level_id, self._level("status_only"))
        # a level staff choose afterwards is theirs
        self._set_level(self.golf_keeper, "payments_only")
        self.company.connect_default_access_level_id = payable
        applied = self.env["customer_connect.existing.logins"]._apply_default_level(self.company)
        self.assertEqual(applied, self.farm_billing)
        self.assertEqual(self.golf_keeper.connect_access_level_id, self._level("payments_only"))

    def test_only_customer_connect_administrators_apply_it(self):
        self._odoo_portal_login(self.golf_keeper)
        post_init_hook(self.env)
        self.company.connect_default_access_level_id = self._level("accounts_payable")
        Logins = self.env["customer_connect.existing.logins"]
        with self.assertRaisesRegex(AccessError, "Only Customer Connect administrators"):
            Logins.with_user(self.staff)._apply_default_level(self.company)
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.staff).create(
                {}
            ).action_connect_apply_default_level()
        # an administrator of another dealer company
        other = self.env["res.company"].create({"name": "Other Dealer"})
        other_admin = new_test_user(
            self.env,
            "cc_other_admin",
            groups="customer_connect.group_connect_admin",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        with self.assertRaisesRegex(AccessError, "Only Customer Connect administrators"):
            Logins.with_user(other_admin)._apply_default_level(self.company)
        # nor can staff mark a contact as the install's
        with self.assertRaises(AccessError):
            self.farm_fiona.with_user(self.staff).connect_access_level_from_install = True
        self.assertEqual(self.golf_keeper.connect_access_level_id, self._level("full"))
        Logins.with_user(self.staff_admin)._apply_default_level(self.company)
        self.assertEqual(self.golf_keeper.connect_access_level_id, self._level("accounts_payable"))


@tagged("post_install", "-at_install")
class TestDefaultLevelFromInstallTour(ExistingLoginsCase, HttpCase):
    def test_tour_settings_apply_the_new_default(self):
        """The dealer picks the company's default level in Settings after the
        install and applies it to the contacts still on the install's."""
        self._odoo_portal_login(self.farm_billing, logins=[datetime(2026, 3, 1, 9)])
        self._odoo_portal_login(self.golf_keeper)
        self._odoo_portal_login(self.farm_fiona)
        post_init_hook(self.env)
        self._set_level(self.farm_fiona, "status_only")
        self.env.flush_all()
        self.start_tour(
            "/odoo/settings#customer_connect",
            "customer_connect_default_level_from_install",
            login=self.settings_admin.login,
        )
        self.env.invalidate_all()
        payable = self._level("accounts_payable")
        self.assertEqual(self.company.connect_default_access_level_id, payable)
        self.assertEqual((self.farm_billing | self.golf_keeper).connect_access_level_id, payable)
        self.assertEqual(self.farm_fiona.connect_access_level_id, self._level("status_only"))
