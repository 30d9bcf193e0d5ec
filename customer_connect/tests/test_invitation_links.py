from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestInvitationLinks(ConnectCase):
    """No signup or reset link, token or nonce is readable by anyone but the
    person it is e-mailed to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a plain employee: no Customer Connect role, no Settings; reads the
        # invoices (so that the account summary renders) in both companies
        # (so that the administrator's renders)
        cls.clerk = new_test_user(
            cls.env,
            "clerk",
            groups="base.group_user,account.group_account_readonly",
            company_id=cls.company.id,
            company_ids=[(6, 0, (cls.company | cls.env.ref("base.main_company")).ids)],
        )
        cls.admin_partner = cls.env.ref("base.user_admin").partner_id

    def _our_templates(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", "customer_connect"), ("model", "=", "mail.template")]
        )
        return self.env["mail.template"].browse(data.mapped("res_id"))

    def _compose(self, template, partner):
        """The mail composer on ``partner`` with ``template``, as the clerk."""
        return (
            self.env["mail.compose.message"]
            .with_user(self.clerk)
            .with_context(
                default_model="res.partner",
                default_res_ids=partner.ids,
                default_composition_mode="comment",
                default_template_id=template.id,
            )
            .create({})
        )

    def _assert_no_link(self, text, where):
        text = str(text or "")
        for secret in ("token=", "/web/signup", "/web/reset_password", "connect-"):
            self.assertNotIn(secret, text, where)

    def test_no_template_renders_a_link_for_a_plain_employee(self):
        # a pending reset of the administrator (the public "reset password"
        # form does this) and a pending invitation of a customer's contact
        self.admin_partner.sudo().signup_prepare(signup_type="reset")
        self.farm_billing.with_user(self.staff)._connect_invite()
        templates = self._our_templates()
        self.assertEqual(len(templates), 12, "every template of ours is checked")
        for partner in (self.farm_billing, self.admin_partner):
            for template in templates:
                where = f"{template.name} on {partner.name}"
                composer = self._compose(template, partner)
                self.assertIn("<p>", str(composer.body), f"rendered: {where}")
                self._assert_no_link(composer.body, f"composer: {where}")
                preview = (
                    self.env["mail.template.preview"]
                    .with_user(self.clerk)
                    .create(
                        {
                            "mail_template_id": template.id,
                            "resource_ref": f"res.partner,{partner.id}",
                        }
                    )
                )
                self._assert_no_link(preview.body_html, f"preview: {where}")
        # the invitation really carries its link: only in the queued e-mail
        self.assertIn("/web/signup", str(self.farm_billing.connect_mail_log_ids.mail_id.body_html))

    def test_no_field_holds_a_link_or_nonce(self):
        self.farm_billing.with_user(self.staff)._connect_invite()
        self.assertNotIn("connect_signup_url", self.env["res.partner"]._fields)
        # Odoo's own signup type, no secret of ours in it
        self.assertEqual(self.farm_billing.sudo().signup_type, "signup")
        values = self.farm_billing.sudo().read()[0]
        self._assert_no_link(values, "every field of the invited contact, as the system")

    def test_odoo_token_does_not_open_a_pending_invitation(self):
        """Only the latest invitation's link opens the account, not a token
        made another way for the same contact."""
        self.farm_billing.with_user(self.staff)._connect_invite()
        odoo_token = self.farm_billing.sudo()._generate_signup_token()
        self.assertFalse(self.env["res.partner"]._signup_retrieve_info(odoo_token))
        ours = self._signup_token(self.farm_billing)
        self.assertTrue(self.env["res.partner"]._signup_retrieve_info(ours))

    def test_archived_employee_partner_is_never_invited(self):
        """A partner manager points an ex-employee's partner at their own
        address: no invitation (it would set that employee's password)."""
        former = new_test_user(self.env, "former", groups="base.group_user")
        former.active = False
        former.partner_id.write(
            {"parent_id": self.golf.id, "email": "attacker@elsewhere.example", "active": True}
        )
        with self.assertRaisesRegex(UserError, "was a dealership user"):
            former.partner_id.with_user(self.staff)._connect_invite()
        self.assertFalse(former.partner_id.sudo().signup_type)
        self.assertFalse(former.partner_id.connect_mail_log_ids)
        # nor by bulk invitation: the refusal is recorded, nothing sent
        results = former.partner_id.with_user(self.staff)._connect_invite(raise_on_refusal=False)
        self.assertEqual(results[former.partner_id][0], "refused")

    def test_several_addresses_are_refused_by_every_email(self):
        user = self._activate(self.farm_billing)
        self.farm_billing.email = "accounts@greenacres.example, spy@elsewhere.example"
        for action in (
            "action_connect_send_welcome",
            "action_connect_send_password_reset",
        ):
            with self.assertRaisesRegex(UserError, "one valid e-mail address"):
                getattr(self.farm_billing.with_user(self.staff), action)()
        with self.assertRaisesRegex(UserError, "one valid e-mail address"):
            self.farm.with_user(self.staff).action_connect_send_account_summary()
        self.assertEqual(set(self.farm_billing.connect_mail_log_ids.mapped("kind")), {"invitation"})
        self.assertTrue(user.active)
        # and an invitation to such an address is refused, not sent
        self.farm_fiona.email = "fiona@greenacres.example; other@elsewhere.example"
        with self.assertRaisesRegex(UserError, "no usable e-mail"):
            self.farm_fiona.with_user(self.staff)._connect_invite()

    def test_template_with_attachment_keeps_the_link_out_of_the_chatter(self):
        """A dealer adds a brochure to the invitation template: the e-mail
        carries the brochure, and the link stays in the queued e-mail alone
        (Odoo's send_mail_batch would copy the body into a chatter message)."""
        template = self.env.ref("customer_connect.mail_template_connect_invitation")
        brochure = self.env["ir.attachment"].create(
            {
                "name": "brochure.pdf",
                "raw": b"%PDF-1.4 brochure",
                "res_model": "mail.template",
                "res_id": template.id,
            }
        )
        template.attachment_ids = brochure
        self.farm_billing.with_user(self.staff)._connect_invite()
        mail = self.farm_billing.connect_mail_log_ids.mail_id
        self.assertIn("/web/signup", str(mail.body_html))
        self.assertIn(brochure, mail.attachment_ids)
        self.assertEqual(mail.email_to, self.farm_billing.email_formatted)
        self.assertFalse(mail.recipient_ids)
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", "res.partner"), ("res_id", "=", self.farm_billing.id)])
        )
        for message in messages:
            self._assert_no_link(message.body, f"chatter message {message.id}")

    def test_only_our_link_to_its_address_confirms_the_email(self):
        """Review F8: a confirmed address lets a login be shared with another
        dealer company; only the e-mailed invitation, completed with the
        address it went to, confirms it."""
        Users = self.env["res.users"].sudo()
        # a token made by Odoo (not e-mailed by us) for a contact never invited
        self.golf_keeper.sudo().signup_prepare(signup_type="signup")
        odoo_token = self.golf_keeper.sudo()._generate_signup_token()
        Users.signup({"login": self.golf_keeper.email, "password": "Pw-0123456789"}, odoo_token)
        self.assertTrue(self.golf_keeper.user_ids)
        self.assertFalse(self.golf_keeper.connect_email_confirmed)
        # our invitation, completed with another login than its address
        self.farm_fiona.with_user(self.staff)._connect_invite()
        token = self._signup_token(self.farm_fiona)
        Users.signup({"login": "someone@elsewhere.example", "password": "Pw-0123456789"}, token)
        self.assertFalse(self.farm_fiona.connect_email_confirmed)
        # and as meant: confirmed
        self._activate(self.farm_billing)
        self.assertTrue(self.farm_billing.connect_email_confirmed)

    def test_odoo_token_never_opens_an_ex_employee_partner(self):
        """An archived employee's partner: a token made for it (Odoo's reset
        form, a partner manager) never creates a login on it."""
        former = new_test_user(self.env, "former2", groups="base.group_user")
        former.active = False
        former.partner_id.sudo().signup_prepare(signup_type="signup")
        token = former.partner_id.sudo()._generate_signup_token()
        self.assertFalse(self.env["res.partner"]._signup_retrieve_info(token))
        with self.assertRaisesRegex(UserError, "not valid"):
            self.env["res.users"].sudo().signup(
                {"login": "former2-again@elsewhere.example", "password": "Pw-0123456789"}, token
            )
        self.assertFalse(former.partner_id.with_context(active_test=False).user_ids - former)
