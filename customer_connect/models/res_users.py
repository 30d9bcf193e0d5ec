from odoo import _, api, fields, models
from odoo.exceptions import AccessError

PROFILE_FIELDS = [
    "title",
    "street",
    "street2",
    "city",
    "zip",
    "state_id",
    "country_id",
    "phone",
    "mobile",
    "connect_alt_phone",
    "connect_pref_sms",
    "connect_pref_phone",
    "connect_pref_email",
    "connect_pref_post",
]


class ResUsers(models.Model):
    _inherit = "res.users"

    connect_alt_phone = fields.Char(related="partner_id.connect_alt_phone", readonly=False)
    connect_pref_sms = fields.Boolean(related="partner_id.connect_pref_sms", readonly=False)
    connect_pref_phone = fields.Boolean(related="partner_id.connect_pref_phone", readonly=False)
    connect_pref_email = fields.Boolean(related="partner_id.connect_pref_email", readonly=False)
    connect_pref_post = fields.Boolean(related="partner_id.connect_pref_post", readonly=False)
    connect_role = fields.Selection(
        [("admin", "Administrator"), ("user", "User")],
        string="Customer Connect role",
        compute="_compute_connect_role",
    )
    connect_staff_state = fields.Selection(
        [("pending", "Pending"), ("active", "Active")],
        string="Customer Connect status",
        compute="_compute_connect_staff_state",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + PROFILE_FIELDS

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + PROFILE_FIELDS

    @api.depends("groups_id")
    def _compute_connect_role(self):
        admin = self.env.ref("customer_connect.group_connect_admin")
        user = self.env.ref("customer_connect.group_connect_user")
        for record in self:
            groups = record.groups_id
            record.connect_role = (
                "admin" if admin in groups else "user" if user in groups else False
            )

    @api.depends("login_date")
    def _compute_connect_staff_state(self):
        for record in self:
            record.connect_staff_state = "active" if record.login_date else "pending"

    def _connect_grants(self, capability):
        """Whether this user may use ``capability`` (a name of the access
        level's CAPABILITY_FIELDS) in the portal. Dealer staff are not
        limited by access levels; a portal contact has its level's rights,
        and one that Customer Connect never configured keeps Odoo's."""
        self.ensure_one()
        if not self._is_portal():
            return True
        return self.partner_id.connect_access_level_id.grants(capability)

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        portal_users = users.filtered("share")
        if portal_users:
            portal_users.partner_id._connect_on_user_created(portal_users)
        return users

    def _update_last_login(self):
        result = super()._update_last_login()
        # a login may stand for contacts of other dealer companies it cannot read
        contacts = self.env["res.partner"].sudo().search([("connect_user_id", "in", self.ids)])
        contacts._connect_on_login(fields.Datetime.now())
        return result

    @api.model
    def signup(self, values, token=None):
        partner = (
            self.env["res.partner"]._signup_retrieve_partner(token, raise_exception=True)
            if token
            else None
        )
        result = super().signup(values, token=token)
        if partner:
            # following the link from the invitation proves the address works
            partner.sudo().connect_email_confirmed = True  # protected field; token checked
        return result

    # ------------------------------------------------------------------
    # Dealership users (dealer staff with a Customer Connect role)
    # ------------------------------------------------------------------
    @api.model
    def _connect_staff_seat_limit(self):
        return int(
            self.env["ir.config_parameter"].sudo().get_param("customer_connect.staff_seat_limit", 0)
        )

    @api.model
    def _connect_staff_count(self):
        # seats count every colleague, including those in companies not selected
        return self.sudo().search_count(
            [
                ("share", "=", False),
                ("groups_id", "in", self.env.ref("customer_connect.group_connect_user").ids),
            ]
        )

    @api.model
    def _connect_invite_staff(self, email, name=None, role="user"):
        """Invite a colleague to Customer Connect by e-mail: a Customer
        Connect administrator only, within the seat limit. The new user gets
        Odoo's own set-your-password invitation."""
        if not self.env.user.has_group("customer_connect.group_connect_admin"):
            raise AccessError(
                _("Only Customer Connect administrators can invite dealership users.")
            )
        limit = self._connect_staff_seat_limit()
        if limit and self._connect_staff_count() >= limit:
            raise AccessError(
                _(
                    "All %(limit)s dealership user seats are taken. To add more users, "
                    "please contact your account manager.",
                    limit=limit,
                )
            )
        group = self.env.ref(
            "customer_connect.group_connect_admin"
            if role == "admin"
            else "customer_connect.group_connect_user"
        )
        # a login is unique database-wide, archived ones included
        existing = self.sudo().with_context(active_test=False).search([("login", "=ilike", email)])
        if existing:
            raise AccessError(_("%(email)s already has a login.", email=email))
        # creating users needs Settings rights a Customer Connect administrator
        # does not have; the checks above are the ones that matter here
        user = (
            self.sudo()
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": name or email.split("@")[0],
                    "login": email,
                    "email": email,
                    "company_id": self.env.company.id,
                    "company_ids": [fields.Command.set(self.env.user.company_ids.ids)],
                    "groups_id": [fields.Command.set([group.id])],
                }
            )
        )
        user.partner_id.signup_prepare(signup_type="signup")
        self.env["customer_connect.mail.log"]._send(
            "customer_connect.mail_template_connect_staff_invitation",
            user.partner_id,
            "staff_invitation",
        )
        return user

    def action_connect_remove_staff(self):
        """Remove dealership users: any Customer Connect user may do it. The
        login is archived, its history stays."""
        if not self.env.user.has_group("customer_connect.group_connect_user"):
            raise AccessError(_("Only Customer Connect users can remove dealership users."))
        group = self.env.ref("customer_connect.group_connect_user")
        if self.filtered(lambda u: u.share or group not in u.groups_id):
            raise AccessError(_("Only dealership users can be removed here."))
        if self.env.user in self:
            raise AccessError(_("You cannot remove yourself."))
        admin = self.env.ref("customer_connect.group_connect_admin")
        if admin not in self.env.user.groups_id and self.filtered(lambda u: admin in u.groups_id):
            raise AccessError(
                _("Only Customer Connect administrators can remove an administrator.")
            )
        # archiving users needs Settings rights; checked above
        self.sudo().active = False
        return True
