from odoo import api, fields, models
from odoo.exceptions import AccessError


class CustomerConnectExistingLogins(models.AbstractModel):
    """Portal logins that Odoo made before Customer Connect was installed (its
    Grant Portal Access, its free sign-up): installing on a dealer's running
    Odoo reads what Odoo already knows about them, so that a dealer with 800
    customers on Odoo's portal does not see 800 "Not invited" on day one.

    Called by the install hook and by the upgrade to 18.0.1.3.0; idempotent:
    a contact Customer Connect already follows (its ``connect_user_id`` is
    set, or its state is not "not invited") is left as it is."""

    _name = "customer_connect.existing.logins"
    _description = "Customer Connect: portal logins made by Odoo before the install"

    @api.model
    def _adopt(self):
        """Give each contact with a portal login that Customer Connect does
        not follow yet its state, dates and access level:

        * a login that signed in at least once (``login_date``): active, its
          first and last log-in the oldest and newest of ``res.users.log``
          (Odoo's autovacuum keeps only the latest row per login, so the
          first log-in may be the last one Odoo kept);
        * a login that never signed in: invited, pending activation, invited
          when the login was made, by whoever made it (Odoo's wizard makes
          the login when access is granted);
        * an archived login that signed in once (Odoo's Revoke Portal
          Access): inactive. An archived login that never signed in is left
          "not invited" (the public user is one);
        * the access level: the company's default (Settings), Full access
          unless the dealer chose another, so that nothing a contact sees
          in Odoo's portal today disappears with the install.

        :return: the contacts given a state
        """
        # the whole database's logins, read and written as the system: this
        # runs at install or upgrade, by the administrator installing
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        public_users = Users.browse(self.env.ref("base.public_user").id)
        users = Users.search([("share", "=", True), ("id", "not in", public_users.ids)])
        # partners of internal users (also archived ones) are never a customer's contact
        internal_partners = Users.search([("share", "=", False)]).partner_id
        followed = Partner.search(
            ["|", ("connect_user_id", "!=", False), ("connect_login_state", "!=", "not_invited")]
        )
        candidates = users.filtered(
            lambda u: (
                u.partner_id
                and u.partner_id not in internal_partners
                and u.partner_id not in followed
                and (u.active and u._is_portal() or not u.active and u.login_date)
            )
        )
        if not candidates:
            return Partner
        self.env["res.users.log"].flush_model()
        self.env.cr.execute(
            """
            SELECT create_uid, min(create_date), max(create_date)
              FROM res_users_log
             WHERE create_uid = ANY(%s)
             GROUP BY create_uid
            """,
            [candidates.ids],
        )
        logins = {uid: (first, last) for uid, first, last in self.env.cr.fetchall()}
        Level = self.env["customer_connect.access.level"]
        adopted = Partner
        # writes of protected portal state: see res.partner PROTECTED_FIELDS;
        # one registry cache clear at the end, not one per contact
        for user in candidates.with_context(connect_new_login=True):
            contact = user.partner_id
            first, last = logins.get(user.id, (None, None))
            last = max(filter(None, (last, user.login_date)), default=None)
            first = first or last
            if not user.active:
                state = "inactive"
            elif last:
                state = "active"
            else:
                state = "invited"
            inviter = user.create_uid if user.create_uid and not user.create_uid.share else False
            vals = {
                "connect_user_id": user.id,
                "connect_login_state": state,
                "connect_first_invited": user.create_date,
                "connect_last_invited": user.create_date,
                "connect_invited_by_id": inviter.id if inviter else False,
                "connect_activated_on": first,
                "connect_last_login": last,
            }
            if not contact.connect_access_level_id:
                vals["connect_access_level_id"] = Level._default_for_company(
                    contact._connect_company()
                ).id
                # the dealer picks the company's default in Settings after
                # the install: _apply_default_level can then move these
                vals["connect_access_level_from_install"] = True
            contact.with_context(connect_level_from_install=True).write(vals)
            adopted |= contact
        # record rules read the logins' contacts and levels, cached per user
        self.env.registry.clear_cache()
        return adopted

    @api.model
    def _revoked_on_uninstall(self):
        """Before Customer Connect goes: the logins it inactivated (archived,
        still in the portal group) become what Odoo's Revoke Portal Access
        leaves (archived, in the public group), so that Odoo's own Grant
        Portal Access gives them back after the uninstall (on an archived
        portal login it refuses: "already has the portal access")."""
        # run by the administrator uninstalling; logins are the system's
        portal = self.env.ref("base.group_portal")
        public = self.env.ref("base.group_public")
        # sudo: as above, the uninstall's clean-up covers every company's logins
        contacts = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("connect_login_state", "=", "inactive"), ("connect_user_id", "!=", False)])
        )
        users = contacts.connect_user_id.with_context(active_test=False).filtered(
            lambda u: not u.active and portal in u.groups_id
        )
        users.write(
            {"groups_id": [fields.Command.unlink(portal.id), fields.Command.link(public.id)]}
        )
        return users

    @api.model
    def _level_from_install_domain(self, company, level):
        """Contacts of ``company`` whose access level the install gave (the
        company's default then) and nobody changed since, on another level
        than ``level``."""
        return [
            ("connect_access_level_from_install", "=", True),
            ("connect_access_level_id.company_id", "=", company.id),
            ("connect_access_level_id", "!=", level.id),
        ]

    @api.model
    def _apply_default_level(self, company):
        """Give ``company``'s default access level (Settings) to the contacts
        whose level the install gave and nobody changed since: the install
        runs before the dealer can pick a default, so the logins Odoo made
        before get Full access; the dealer picks the default afterwards and
        applies it to them with this. Contacts invited since, or whose level
        staff chose, keep theirs. Customer Connect administrators of
        ``company`` only.

        :return: the contacts given the default level
        """
        user = self.env.user
        if not self.env.su and (
            not user.has_group("customer_connect.group_connect_admin")
            or company not in user.company_ids
        ):
            raise AccessError(
                self.env._(
                    "Only Customer Connect administrators of %(company)s apply its default "
                    "access level to existing logins.",
                    company=company.name,
                )
            )
        level = self.env["customer_connect.access.level"]._default_for_company(company)
        # sudo: checked above (an administrator of the company); the
        # contacts may belong to customers of the company the administrator's
        # record rules hide (another allowed company active in the session)
        contacts = (
            self.env["res.partner"].sudo().search(self._level_from_install_domain(company, level))
        )
        contacts.with_context(connect_level_from_install=True).write(
            {"connect_access_level_id": level.id}
        )
        return contacts.sudo(False)


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    connect_access_level_from_install = fields.Boolean(
        "Access level from the install",
        copy=False,
        readonly=True,
        help="The contact's login existed before Customer Connect was installed and its access "
        "level is the one the install gave, unchanged since: Settings can give it the "
        "company's new default.",
    )

    def write(self, vals):
        if "connect_access_level_from_install" in vals and not self.env.su:
            raise AccessError(
                self.env._(
                    "The portal state of a contact changes through Customer Connect's actions only."
                )
            )
        if "connect_access_level_id" in vals and not self.env.context.get(
            "connect_level_from_install"
        ):
            # a level chosen for the contact: no longer the install's
            vals = {**vals, "connect_access_level_from_install": False}
        return super().write(vals)
