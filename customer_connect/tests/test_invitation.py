from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestInvitation(ConnectCase):
    def test_candidates_billing_contact_first(self):
        candidates = self.farm._connect_invite_candidates()
        self.assertEqual(candidates[0], self.farm_billing)
        self.assertEqual(candidates[1], self.farm)
        self.assertNotIn("Yard (no e-mail)", candidates.mapped("name"))
        wizard = (
            self.env["customer_connect.invite.wizard"]
            .with_user(self.staff)
            .with_context(default_partner_id=self.farm.id)
            .create({})
        )
        self.assertEqual(wizard.contact_id, self.farm_billing)

    def test_invite_then_complete_account(self):
        contact = self.farm_billing
        result = contact.with_user(self.staff)._connect_invite()
        self.assertEqual(result[contact][0], "invited")
        self.assertEqual(contact.connect_login_state, "invited")
        self.assertEqual(contact.connect_invited_by_id, self.staff)
        self.assertTrue(contact.connect_first_invited)
        self.assertEqual(self.farm.connect_state, "invited")
        self.assertEqual(self.farm.connect_login_email, contact.email)
        self.assertEqual(
            contact.connect_access_level_id, self.env.ref("customer_connect.access_level_full")
        )
        log = contact.connect_mail_log_ids
        self.assertEqual(
            (log.kind, log.state, log.recipient),
            ("invitation", "queued", '"Accounts Payable" <accounts@greenacres.example>'),
        )
        self.assertIn("Complete My Account", str(log.mail_id.body_html))
        self.assertEqual(log.mail_id.state, "outgoing", "handed to Odoo's mail queue")

        token = self._signup_token(contact)
        self.assertTrue(self.env["res.partner"]._signup_retrieve_info(token))
        self.env["res.users"].sudo().signup(
            {"login": contact.email, "password": "Pw-123456789"}, token
        )
        user = contact.user_ids
        self.assertTrue(user.share, "a portal login")
        self.assertEqual(contact.connect_user_id, user)
        self.assertTrue(contact.connect_email_confirmed)
        self.assertFalse(self.env["res.partner"]._signup_retrieve_info(token), "a link works once")
        user._update_last_login()
        self.assertEqual(contact.connect_login_state, "active")
        self.assertTrue(contact.connect_activated_on)
        self.assertTrue(contact.connect_last_login)
        self.assertEqual(self.farm.connect_state, "active")
        self.assertEqual(self.farm.connect_account_last_login, contact.connect_last_login)

    def test_reinvite_supersedes_old_link(self):
        contact = self.farm_billing
        with freeze_time(fields.Datetime.now() - timedelta(hours=2)):
            contact.with_user(self.staff)._connect_invite()
        first = self._signup_token(contact)
        first_invited = contact.connect_first_invited
        contact.with_user(self.staff)._connect_invite()
        second = self.env["customer_connect.mail.log"].search(
            [("partner_id", "=", contact.id)], order="id desc", limit=1
        )
        from urllib.parse import unquote

        from .common import TOKEN_RE

        second_token = unquote(TOKEN_RE.search(str(second.mail_id.body_html)).group(1))
        self.assertNotEqual(first, second_token)
        self.assertFalse(self.env["res.partner"]._signup_retrieve_info(first), "superseded")
        self.assertTrue(self.env["res.partner"]._signup_retrieve_info(second_token))
        self.assertEqual(contact.connect_first_invited, first_invited)
        self.assertGreater(contact.connect_last_invited, first_invited)
        with self.assertRaises(UserError):
            self.env["res.users"].sudo().signup(
                {"login": contact.email, "password": "x" * 12}, first
            )

    def test_link_expires_after_configured_hours(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_connect.invitation_validity_hours", 24
        )
        contact = self.farm_billing
        contact.with_user(self.staff)._connect_invite()
        token = self._signup_token(contact)
        with freeze_time(fields.Datetime.now() + timedelta(hours=23)):
            self.assertTrue(self.env["res.partner"]._signup_retrieve_info(token))
        with freeze_time(fields.Datetime.now() + timedelta(hours=25)):
            self.assertFalse(self.env["res.partner"]._signup_retrieve_info(token), "expired")

    def test_refusals(self):
        # no e-mail anywhere on the customer
        with self.assertRaisesRegex(UserError, "no usable e-mail"):
            self.barlow.with_user(self.staff)._connect_invite()
        wizard = (
            self.env["customer_connect.invite.wizard"]
            .with_user(self.staff)
            .with_context(default_partner_id=self.barlow.id)
            .create({})
        )
        self.assertFalse(wizard.has_candidates)
        with self.assertRaisesRegex(UserError, "no usable e-mail"):
            wizard.action_invite()
        # an e-mail another customer of the same company signs in with
        self._activate(self.farm_billing)
        self.golf_keeper.email = "accounts@greenacres.example"
        with self.assertRaisesRegex(UserError, "already signs in for customer Greenacres Farm"):
            self.golf_keeper.with_user(self.staff)._connect_invite()
        # an e-mail with a pending invitation for another customer
        self.farm_fiona.with_user(self.staff)._connect_invite()
        self.golf_keeper.email = "fiona@greenacres.example"
        with self.assertRaisesRegex(UserError, "already invited for customer Greenacres Farm"):
            self.golf_keeper.with_user(self.staff)._connect_invite()
        # a dealership user's login
        self.golf_keeper.email = self.staff.login + "@example.com"
        self.staff.login = self.golf_keeper.email
        with self.assertRaisesRegex(UserError, "dealership user"):
            self.golf_keeper.with_user(self.staff)._connect_invite()
        # already active
        with self.assertRaisesRegex(UserError, "already has an active login"):
            self.farm_billing.with_user(self.staff)._connect_invite()

    def test_only_staff_invite(self):
        clerk = new_test_user(self.env, "clerk", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.farm_billing.with_user(clerk)._connect_invite()

    def test_login_spanning_two_dealer_companies(self):
        user = self._activate(self.farm_billing)
        south = self.env["res.company"].create({"name": "Southfield Machinery"})
        self.staff.company_ids |= south
        south_farm = self.env["res.partner"].create(
            {
                "name": "Greenacres Farm (South)",
                "is_company": True,
                "company_id": south.id,
                "customer_rank": 1,
                "child_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Accounts",
                            "email": "accounts@greenacres.example",
                            "type": "invoice",
                            "company_id": south.id,
                        },
                    )
                ],
            }
        )
        contact = south_farm.child_ids
        code, message = contact.with_user(self.staff)._connect_invite()[contact]
        self.assertEqual(code, "company_added", message)
        self.assertIn(south, user.company_ids)
        self.assertEqual(
            self.env["res.users"].search_count([("login", "=", user.login)]), 1, "no second account"
        )
        self.assertEqual(contact.connect_user_id, user)
        self.assertEqual(south_farm.connect_state, "active")
        self.assertEqual(contact.connect_mail_log_ids.kind, "company_added")

    def test_inactivate_and_reactivate(self):
        user = self._activate(self.farm_billing)
        invoice = self.init_invoice("out_invoice", partner=self.farm, amounts=[100], post=True)
        self.farm.with_user(self.staff).action_connect_inactivate()
        self.assertFalse(user.active, "the login can no longer sign in")
        self.assertEqual(self.farm_billing.connect_login_state, "inactive")
        self.assertEqual(self.farm.connect_state, "inactive")
        self.assertTrue(self.farm.active, "the customer itself is untouched")
        self.assertEqual(invoice.state, "posted")
        self.farm.with_user(self.staff).action_connect_reactivate()
        self.assertTrue(user.active)
        self.assertEqual(self.farm_billing.connect_login_state, "active")
        self.assertEqual(self.farm.connect_state, "active")

    def test_portal_user_cannot_write_its_own_state_or_level(self):
        user = self._activate(self.farm_billing)
        partner = self.farm_billing.with_user(user)
        for vals in (
            {"connect_access_level_id": self.env.ref("customer_connect.access_level_full").id},
            {"connect_login_state": "active"},
        ):
            with self.assertRaises(AccessError):
                partner.write(vals)
        # nor can dealer staff write the state around the invitation flow
        with self.assertRaises(AccessError):
            self.farm_fiona.with_user(self.staff).write({"connect_login_state": "active"})

    def test_invitation_template_per_company(self):
        standard = self.env.ref("customer_connect.mail_template_connect_invitation")
        branded = standard.copy({"subject": "Northfield: your online account is ready"})
        self.company.connect_invitation_template_id = branded
        self.farm_billing.with_user(self.staff)._connect_invite()
        log = self.farm_billing.connect_mail_log_ids
        self.assertEqual(log.subject, "Northfield: your online account is ready")
        self.assertIn("Complete My Account", str(log.mail_id.body_html))

    def test_second_contact_invited_while_first_active(self):
        """One active login and a second contact invited, never logged in:
        the account stays Active and its dates aggregate."""
        self._activate(self.farm_billing)
        self.farm_fiona.with_user(self.staff)._connect_invite()
        self.farm.invalidate_recordset()
        self.assertEqual(self.farm.connect_state, "active")
        self.assertEqual(self.farm.connect_account_last_login, self.farm_billing.connect_last_login)
        self.assertEqual(
            self.farm.connect_account_last_invited, self.farm_fiona.connect_last_invited
        )
