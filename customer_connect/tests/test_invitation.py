from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
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
        self.assertEqual(contact.connect_access_level_id, self._level("full"))
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
        # as from the company switcher with both dealer companies ticked
        staff = self.staff.with_context(allowed_company_ids=(self.company | south).ids)
        code, message = contact.with_user(staff)._connect_invite()[contact]
        self.assertEqual(code, "company_added", message)
        self.assertIn(south, user.company_ids)
        self.assertEqual(
            self.env["res.users"].search_count([("login", "=", user.login)]), 1, "no second account"
        )
        self.assertEqual(contact.connect_user_id, user)
        self.assertEqual(south_farm.connect_state, "active")
        self.assertEqual(contact.connect_mail_log_ids.kind, "company_added")
        # each company's level applies in that company
        self.assertEqual(contact.connect_access_level_id, self._level("full", south))
        self.assertEqual(user._connect_denied_company_ids("activity"), [])
        contact.with_user(staff).connect_access_level_id = self._level("status_only", south)
        self.assertEqual(user._connect_denied_company_ids("activity"), [south.id])
        self.assertEqual(user._connect_denied_company_ids("equipment"), [])

    def test_unconfirmed_login_is_not_shared(self):
        """A login someone typed at free sign-up (no e-mailed link followed)
        is never handed another company's customer; the refusal names no
        customer of the other company."""
        self.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", "b2c")
        self.env["res.users"].sudo().signup(
            {"login": "typed@greenacres.example", "name": "Squatter", "password": "Pw-123456789"}
        )
        south = self.env["res.company"].create({"name": "Southfield Machinery"})
        self.staff.company_ids |= south
        south_farm = self.env["res.partner"].create(
            {
                "name": "Greenacres Farm (South)",
                "is_company": True,
                "company_id": south.id,
                "customer_rank": 1,
                "child_ids": [
                    Command.create(
                        {
                            "name": "Accounts",
                            "email": "typed@greenacres.example",
                            "company_id": south.id,
                        }
                    )
                ],
            }
        )
        staff = self.staff.with_context(allowed_company_ids=(self.company | south).ids)
        contact = south_farm.child_ids
        code, message = contact.with_user(staff)._connect_invite(raise_on_refusal=False)[contact]
        self.assertEqual(code, "refused")
        self.assertIn("never confirmed", message)
        self.assertNotIn("Squatter", message)
        squatter = self.env["res.users"].search([("login", "=", "typed@greenacres.example")])
        self.assertNotIn(south, squatter.company_ids)

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
            {"connect_access_level_id": self._level("full").id},
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

    def test_customer_of_a_company_the_staff_cannot_reach(self):
        south = self.env["res.company"].create({"name": "Southfield Machinery"})
        south_customer = self.env["res.partner"].create(
            {"name": "South Quarry", "email": "ops@southquarry.example", "company_id": south.id}
        )
        with self.assertRaises(AccessError):
            south_customer.with_user(self.staff)._connect_invite()
        with self.assertRaises(AccessError):
            self.env["customer_connect.invite.batch"].with_user(self.staff)._create_for(
                south_customer
            )
        self.assertEqual(south_customer.connect_login_state, "not_invited")

    def test_contact_of_a_dealership_user_is_refused(self):
        """A signup link on an employee's partner would set that employee's
        password: never sent."""
        colleague = new_test_user(self.env, "colleague", groups="base.group_user")
        colleague.partner_id.write({"parent_id": self.golf.id, "email": "colleague@dealer.example"})
        with self.assertRaisesRegex(UserError, "was a dealership user"):
            colleague.partner_id.with_user(self.staff)._connect_invite()
        self.assertFalse(colleague.partner_id.sudo().signup_type)

    def test_same_email_for_two_customers_in_one_call(self):
        self.golf_keeper.email = "ACCOUNTS@greenacres.example"
        results = (
            (self.farm_billing | self.golf_keeper)
            .with_user(self.staff)
            ._connect_invite(raise_on_refusal=False)
        )
        self.assertEqual(results[self.farm_billing][0], "invited")
        self.assertEqual(results[self.golf_keeper][0], "refused")
        self.assertIn("already invited for customer Greenacres Farm", results[self.golf_keeper][1])
        self.assertEqual(self.golf_keeper.connect_login_state, "not_invited")

    def test_login_lookup_is_not_a_pattern(self):
        """'_' and '%' in an e-mail are characters, not wildcards: a login
        a_b@… does not block axb@…"""
        self._activate(self.farm_billing)
        self.farm_billing.connect_user_id.sudo().login = "a_b@greenacres.example"
        self.golf_keeper.email = "axb@greenacres.example"
        code, message = self.golf_keeper.with_user(self.staff)._connect_invite()[self.golf_keeper]
        self.assertEqual(code, "invited", message)
        # and the same e-mail typed in another case is the same login
        self.farm_fiona.email = "A_B@GreenAcres.example"
        self.golf.child_ids = [(0, 0, {"name": "Pro shop", "email": "A_B@greenacres.example"})]
        with self.assertRaisesRegex(UserError, "already signs in for customer Greenacres Farm"):
            self.golf.child_ids.filtered(lambda c: c.name == "Pro shop").with_user(
                self.staff
            )._connect_invite()

    def test_protected_fields_on_create(self):
        Partner = self.env["res.partner"].with_user(self.staff)
        with self.assertRaises(AccessError):
            Partner.create({"name": "Sneaky", "connect_login_state": "active"})
        with self.assertRaises(AccessError):
            Partner.with_context(default_connect_user_id=self.staff.id).create({"name": "Sneaky"})
        self.assertTrue(Partner.create({"name": "Honest"}))

    def test_validity_of_at_least_one_hour(self):
        with self.assertRaisesRegex(ValidationError, "at least one hour"):
            self.env["res.config.settings"].create({"connect_invitation_validity_hours": 0})
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_connect.invitation_validity_hours", "0"
        )
        self.farm_billing.with_user(self.staff)._connect_invite()
        token = self._signup_token(self.farm_billing)
        with freeze_time(fields.Datetime.now() + timedelta(minutes=50)):
            self.assertTrue(self.env["res.partner"]._signup_retrieve_info(token))

    def test_invitation_goes_to_the_contact_only(self):
        """An edited template cannot send the link to anybody else."""
        template = self.env.ref("customer_connect.mail_template_connect_invitation")
        template.write({"email_to": "someone@else.example", "email_cc": "spy@else.example"})
        self.farm_billing.with_user(self.staff)._connect_invite()
        mail = self.farm_billing.connect_mail_log_ids.mail_id
        self.assertEqual(mail.email_to, self.farm_billing.email_formatted)
        self.assertFalse(mail.email_cc)
        self.assertFalse(mail.recipient_ids)
