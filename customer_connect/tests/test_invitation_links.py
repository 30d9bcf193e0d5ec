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
        self.assertEqual(len(templates), 7, "every template of ours is checked")
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
