import secrets

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize

CONNECT_STATES = [
    ("not_invited", "Not invited"),
    ("invited", "Invited, pending activation"),
    ("active", "Active"),
    ("inactive", "Inactive"),
]
# Which login state speaks for a customer account with several contacts.
ACCOUNT_STATE_PRIORITY = {"active": 3, "invited": 2, "inactive": 1, "not_invited": 0}

# Portal state is changed by the methods below (as superuser, after they have
# checked the caller), never written directly by a user.
PROTECTED_FIELDS = {
    "connect_login_state",
    "connect_user_id",
    "connect_first_invited",
    "connect_last_invited",
    "connect_invited_by_id",
    "connect_activated_on",
    "connect_email_confirmed",
    "connect_last_login",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # -- one login: a contact, or a private customer who is their own contact
    connect_login_state = fields.Selection(
        CONNECT_STATES,
        string="Portal login state",
        default="not_invited",
        required=True,
        copy=False,
        index=True,
        readonly=True,
    )
    connect_user_id = fields.Many2one(
        "res.users",
        string="Portal login",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The login this contact signs in with. With one login spanning "
        "several dealer companies it may belong to another company's contact.",
    )
    connect_first_invited = fields.Datetime("Contact first invited", copy=False, readonly=True)
    connect_last_invited = fields.Datetime("Contact last invited", copy=False, readonly=True)
    connect_invited_by_id = fields.Many2one("res.users", "Invited by", copy=False, readonly=True)
    connect_activated_on = fields.Datetime("Activated on", copy=False, readonly=True)
    connect_email_confirmed = fields.Boolean("E-mail confirmed", copy=False, readonly=True)
    connect_last_login = fields.Datetime("Contact last log-in", copy=False, readonly=True)
    connect_access_level_id = fields.Many2one(
        "customer_connect.access.level",
        string="Access level",
        copy=False,
        # a level in use cannot go: its contacts would fall back to Odoo's
        # full portal rights
        ondelete="restrict",
        help="What this contact may see and do in the customer portal.",
    )

    # -- one customer account (commercial partner), what the dashboard lists
    connect_state = fields.Selection(
        CONNECT_STATES,
        string="Portal status",
        compute="_compute_connect_account",
        store=True,
        index=True,
    )
    connect_login_email = fields.Char(
        "Username / Email", compute="_compute_connect_account", store=True
    )
    connect_account_last_invited = fields.Datetime(
        "Last invited", compute="_compute_connect_account", store=True
    )
    connect_account_last_login = fields.Datetime(
        "Last log-in", compute="_compute_connect_account", store=True
    )
    connect_contact_count = fields.Integer("Contacts", compute="_compute_connect_contact_count")
    connect_contact_ids = fields.One2many("res.partner", "parent_id", "Contacts and their access")
    # -- profile (dealer staff and customers' contacts alike)
    connect_alt_phone = fields.Char("Alternate number")
    connect_pref_sms = fields.Boolean("Updates by SMS")
    connect_pref_phone = fields.Boolean("Updates by phone")
    connect_pref_email = fields.Boolean("Updates by e-mail", default=True)
    connect_pref_post = fields.Boolean("Updates by post")
    connect_signup_url = fields.Char(
        "Invitation / reset link",
        compute="_compute_connect_signup_url",
        groups="base.group_erp_manager",
        help="The link of the current invitation or password reset; read by the e-mails.",
    )
    connect_open_invoice_ids = fields.Many2many(
        "account.move",
        compute="_compute_connect_open_invoice_ids",
        groups="base.group_erp_manager",
        help="Open invoices and credit notes of the account, oldest due first; "
        "read by the account summary e-mail.",
    )
    connect_mail_log_ids = fields.One2many(
        "customer_connect.mail.log", "partner_id", string="E-mails sent to this contact"
    )

    @api.depends(
        "is_company",
        "parent_id",
        "email",
        "connect_login_state",
        "connect_last_invited",
        "connect_last_login",
        "child_ids.connect_login_state",
        "child_ids.connect_last_invited",
        "child_ids.connect_last_login",
        "child_ids.email",
    )
    def _compute_connect_account(self):
        for partner in self:
            logins = partner
            if not partner.parent_id:
                logins |= partner.child_ids
            logins = logins.filtered(lambda p: p.connect_login_state != "not_invited")
            main = max(
                logins,
                key=lambda p: (
                    ACCOUNT_STATE_PRIORITY[p.connect_login_state],
                    p.connect_last_login or fields.Datetime.from_string("1970-01-01"),
                    p.connect_last_invited or fields.Datetime.from_string("1970-01-01"),
                ),
                default=None,
            )
            partner.connect_state = main.connect_login_state if main else "not_invited"
            partner.connect_login_email = main.email if main else False
            partner.connect_account_last_invited = max(
                filter(None, logins.mapped("connect_last_invited")), default=False
            )
            partner.connect_account_last_login = max(
                filter(None, logins.mapped("connect_last_login")), default=False
            )

    def _compute_connect_contact_count(self):
        counts = dict(
            self._read_group(
                [("parent_id", "in", self.ids)],
                ["parent_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.connect_contact_count = counts.get(partner, 0)

    def init(self):
        result = super().init()
        # Each invitation looks for another contact already invited or active
        # with the same e-mail: a partial index keeps that check independent
        # of the number of contacts (10 ms -> 0.02 ms at 7,000 invited of
        # 400,000 partners, tests/bench/bench_bulk_invite.py).
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS res_partner_connect_email_pending_idx
                ON res_partner (email_normalized)
             WHERE connect_login_state IN ('invited', 'active')
            """
        )
        return result

    def _connect_check_protected(self, field_names):
        if not self.env.su and PROTECTED_FIELDS & set(field_names):
            raise AccessError(
                _("The portal state of a contact changes through Customer Connect's actions only.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        defaults = {
            key[len("default_") :]: value
            for key, value in self.env.context.items()
            if key.startswith("default_")
        }
        for vals in vals_list:
            # a new contact starts "not invited" (a login's partner gets the
            # fields' defaults passed in, hence the values are compared)
            self._connect_check_protected(
                name
                for name, value in {**defaults, **vals}.items()
                if value and not (name == "connect_login_state" and value == "not_invited")
            )
            if vals.get("connect_access_level_id"):
                self._connect_check_staff()
        return super().create(vals_list)

    def write(self, vals):
        self._connect_check_protected(vals)
        if "connect_access_level_id" in vals:
            self._connect_check_staff()
        # a login made in this very call has no cached rules yet (clearing
        # every cache of the registry per new login would slow Odoo's own
        # portal wizard down, and every worker with it)
        has_login = (
            "connect_access_level_id" in vals
            and not self.env.context.get("connect_new_login")
            and any(
                p.connect_access_level_id.id != vals["connect_access_level_id"]
                and (p.connect_user_id or p.user_ids)
                for p in self.sudo()
            )
        )
        result = super().write(vals)
        if has_login:
            # record rules read the level and are cached per user
            self.env.registry.clear_cache()
        return result

    # ------------------------------------------------------------------
    # Checks and helpers
    # ------------------------------------------------------------------
    def _connect_check_staff(self):
        if not self.env.su and not self.env.user.has_group("customer_connect.group_connect_user"):
            raise AccessError(_("Only Customer Connect users may manage customers' portal access."))

    def _connect_company(self):
        self.ensure_one()
        return self.company_id or self.commercial_partner_id.company_id or self.env.company

    def _connect_invite_candidates(self):
        """Contacts of this customer that can receive an invitation: those with
        an e-mail, the billing contact(s) first, then the customer itself, then
        the other contacts by name."""
        self.ensure_one()
        account = self.commercial_partner_id
        people = (account | account.child_ids).filtered(
            lambda p: p.active and email_normalize(p.email or "")
        )
        return people.sorted(
            lambda p: (
                0 if p.type == "invoice" else 1 if p == account else 2,
                (p.name or "").lower(),
            )
        )

    def _connect_email_conflicts(self, emails):
        """What forbids inviting each of these contacts with its e-mail, found
        with two queries for the whole set (a bulk invitation checks a few
        hundred contacts at a time).

        :param emails: {contact: normalized e-mail}
        :return: {contact: (existing login to share, refusal message)}; at
            most one of the two is set.
        """
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        wanted = sorted({emails[contact] for contact in self if emails.get(contact)})
        # logins of every company and archived ones count: a clash is a clash
        # even where the caller cannot see the other login. Logins keep the
        # case they were typed in; the e-mails are normalized (lower case).
        Users.flush_model(["login"])
        self.env.cr.execute(
            "SELECT lower(login), id FROM res_users WHERE lower(login) = ANY(%s)", [wanted]
        )
        user_by_email = {email: Users.browse(uid) for email, uid in self.env.cr.fetchall()}
        pending_by_email = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("email_normalized", "in", wanted),
                    ("connect_login_state", "in", ("invited", "active")),
                ]
            )
            .grouped("email_normalized")
        )
        conflicts = {}
        for contact in self:
            email = emails.get(contact)
            if not email:
                continue
            company = contact._connect_company()
            account = contact.commercial_partner_id
            user = user_by_email.get(email, Users)
            refusal = False
            if user.partner_id == contact:
                conflicts[contact] = (Users, False)
                continue
            if user:
                owner = user.partner_id.commercial_partner_id
                if not user.share:
                    refusal = _(
                        "%(email)s is the login of dealership user %(name)s.",
                        email=email,
                        name=user.name,
                    )
                elif owner != account and company in (user.company_ids | owner.company_id):
                    refusal = _(
                        "%(email)s already signs in for customer %(customer)s of %(company)s.",
                        email=email,
                        customer=owner.display_name,
                        company=company.name,
                    )
                conflicts[contact] = (Users if refusal else user, refusal)
                continue
            other = pending_by_email.get(email, self.browse()).filtered(
                lambda p, a=account, c=company: (
                    p.commercial_partner_id != a and p.company_id in (c, self.env["res.company"])
                )
            )[:1]
            if other:
                refusal = _(
                    "%(email)s is already invited for customer %(customer)s.",
                    email=email,
                    customer=other.commercial_partner_id.display_name,
                )
            conflicts[contact] = (Users, refusal)
        return conflicts

    # ------------------------------------------------------------------
    # Invitations
    # ------------------------------------------------------------------
    def _connect_invite(self, inviter=None, raise_on_refusal=True):
        """Invite these contacts to Customer Connect: the one place that decides
        what an invitation does, called by the Invite dialog and, a few
        hundred contacts at a time, by bulk invitation batches (as the staff
        member who queued them).

        A fresh signed link supersedes any earlier one (its nonce is part of
        the signed payload). An e-mail that already signs in for this customer
        at another dealer company gets this company added to that login.

        :return: {contact: (code, message)} with code in invited /
            company_added / refused; a refusal raises a UserError when
            ``raise_on_refusal`` (the one-contact dialog) is set.
        """
        self._connect_check_staff()
        # the caller must be allowed to change these contacts (record rules:
        # another dealer company's customers stay out of reach)
        self.check_access("write")
        inviter = inviter or self.env.user
        results = {}
        # signup fields and users are admin-only; the caller was checked above
        contacts = self.sudo()
        emails = {contact: email_normalize(contact.email or "") for contact in contacts}
        conflicts = contacts.filtered(
            lambda c: emails[c] and c.connect_login_state in ("not_invited", "invited")
        )._connect_email_conflicts(emails)
        claimed = {}  # e-mail -> customer, within this call
        to_invite = contacts.browse()
        for contact in contacts:
            email = emails[contact]
            share_user, refusal = conflicts.get(contact, (self.env["res.users"], False))
            if not email:
                refusal = _("%(name)s has no usable e-mail address.", name=contact.display_name)
            elif contact.user_ids.filtered(lambda u: not u.share):
                # a signup link would set the password of a dealership user
                refusal = _(
                    "%(name)s is a dealership user; manage their access in Settings.",
                    name=contact.display_name,
                )
            elif contact.connect_login_state == "active":
                refusal = _(
                    "%(name)s already has an active login; send a password reset instead.",
                    name=contact.display_name,
                )
            elif contact.connect_login_state == "inactive":
                refusal = _(
                    "%(name)s's portal access is inactive; re-activate it instead.",
                    name=contact.display_name,
                )
            elif claimed.get(email, contact.commercial_partner_id) != contact.commercial_partner_id:
                refusal = _(
                    "%(email)s is already invited for customer %(customer)s.",
                    email=email,
                    customer=claimed[email].display_name,
                )
            if refusal:
                if raise_on_refusal:
                    raise UserError(refusal)
                results[contact] = ("refused", refusal)
                continue
            claimed[email] = contact.commercial_partner_id
            if share_user:
                results[contact] = contact._connect_share_login(share_user, inviter)
                continue
            to_invite |= contact
            results[contact] = ("invited", _("Invitation sent to %(email)s.", email=email))
        to_invite._connect_mark_invited(inviter)
        # one batch render per dealer company (each may brand its own template)
        default_template = self.env.ref("customer_connect.mail_template_connect_invitation")
        for company, invited in to_invite.grouped(lambda c: c._connect_company()).items():
            self.env["customer_connect.mail.log"]._send(
                company.connect_invitation_template_id or default_template, invited, "invitation"
            )
        return {self.browse(contact.id): result for contact, result in results.items()}

    def _connect_default_access_level(self):
        self.ensure_one()
        return self.env["customer_connect.access.level"]._default_for_company(
            self._connect_company()
        )

    def _connect_stamp_invitation(self, inviter, state):
        """Who invited these contacts and when, their new login state, and
        the default access level of those that have none: a few writes for
        the whole set."""
        if not self:
            return
        now = fields.Datetime.now()
        self.filtered(lambda c: not c.connect_first_invited).write({"connect_first_invited": now})
        for company, contacts in (
            self.filtered(lambda c: not c.connect_access_level_id)
            .grouped(lambda c: c._connect_company())
            .items()
        ):
            level = self.env["customer_connect.access.level"]._default_for_company(company)
            contacts.write({"connect_access_level_id": level.id})
        self.write(
            {
                "connect_last_invited": now,
                "connect_invited_by_id": inviter.id,
                "connect_login_state": state,
            }
        )

    def _connect_mark_invited(self, inviter):
        """These contacts are invited, each with a fresh signup nonce: the
        link of an earlier invitation stops working."""
        if not self:
            return
        self._connect_stamp_invitation(inviter, "invited")
        # one UPDATE for every contact's own nonce (the ORM would write them
        # one record at a time); signup_type has no stored dependant
        self.flush_recordset(["signup_type"])
        self.env.cr.execute(
            """
            UPDATE res_partner p
               SET signup_type = v.nonce
              FROM unnest(%s::int[], %s::varchar[]) AS v(id, nonce)
             WHERE p.id = v.id
            """,
            [self.ids, ["connect-" + secrets.token_hex(8) for _id in self.ids]],
        )
        self.invalidate_recordset(["signup_type", "connect_signup_url"])

    def _connect_share_login(self, user, inviter):
        """This contact's e-mail already signs in for the same customer at
        another dealer company: add this company to that login."""
        self.ensure_one()
        company = self._connect_company()
        user.write({"company_ids": [fields.Command.link(company.id)]})
        self._connect_stamp_invitation(inviter, "active" if user.active else "inactive")
        self.write(
            {
                "connect_user_id": user.id,
                "connect_activated_on": fields.Datetime.now(),
                "connect_email_confirmed": user.partner_id.connect_email_confirmed,
            }
        )
        self.env["customer_connect.mail.log"]._send(
            "customer_connect.mail_template_connect_company_added", self, "company_added"
        )
        return (
            "company_added",
            _(
                "%(email)s already had a login; %(company)s was added to it.",
                email=user.login,
                company=company.name,
            ),
        )

    @api.depends("signup_type")
    def _compute_connect_signup_url(self):
        for partner in self:
            # signup_type is admin-only; this field itself is admin-only too
            signup_type = partner.sudo().signup_type or ""
            if not signup_type:
                partner.connect_signup_url = False
                continue
            forced = "reset" if signup_type == "reset" else "signup"
            redirect = "/odoo" if partner.user_ids and not partner.user_ids[0].share else "/my"
            partner.connect_signup_url = (
                partner.sudo()
                .with_context(signup_force_type_in_url=forced)
                ._get_signup_url_for_action(url=redirect)[partner.id]
            )

    def _generate_signup_token(self, expiration=None):
        if not expiration and (self.signup_type or "").startswith("connect-"):
            hours = (
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("customer_connect.invitation_validity_hours", "72")
            )
            # Settings refuse less than an hour; a parameter edited by hand may not
            expiration = max(1, int(hours)) if str(hours).strip().isdigit() else 72
        return super()._generate_signup_token(expiration=expiration)

    def action_connect_invite(self):
        """Open the Invite dialog of this customer account."""
        self.ensure_one()
        self._connect_check_staff()
        return {
            "type": "ir.actions.act_window",
            "name": _("Invite to Customer Connect"),
            "res_model": "customer_connect.invite.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_contact_id": self.id if self.parent_id else False,
            },
        }

    def action_connect_invite_bulk(self):
        """Invite many customer accounts in the background (server action)."""
        self._connect_check_staff()
        batch = self.env["customer_connect.invite.batch"]._create_for(self.commercial_partner_id)
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer_connect.invite.batch",
            "res_id": batch.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Activation, inactivation
    # ------------------------------------------------------------------
    def _connect_logins(self):
        """The contacts (logins) this record stands for: itself for a contact,
        the customer and all its contacts for an account."""
        logins = self.browse()
        for partner in self:
            logins |= partner if partner.parent_id else partner | partner.child_ids
        return logins

    def _connect_on_user_created(self, users):
        """A portal login now exists for these contacts (after "Complete My
        Account", or made by Odoo's own portal wizard)."""
        # called while the login is created (by signup, as the public user):
        # the portal state fields are protected, see PROTECTED_FIELDS
        for partner in self.sudo().with_context(connect_new_login=True):
            user = users.filtered(lambda u, p=partner: u.partner_id == p)[:1]
            company = partner._connect_company()
            if company not in user.company_ids:
                # the login must reach the dealer company its customer belongs to
                user.sudo().write(
                    {"company_ids": [fields.Command.link(company.id)], "company_id": company.id}
                )
            vals = {"connect_user_id": user.id}
            if partner.connect_login_state == "not_invited":
                vals["connect_login_state"] = "invited"
            if not partner.connect_access_level_id:
                vals["connect_access_level_id"] = partner._connect_default_access_level().id
            partner.write(vals)

    def _connect_on_login(self, when):
        """Called on each log-in of the login these contacts use."""
        # the user logging in writes its own protected portal state
        for partner in self.sudo():
            vals = {"connect_last_login": when}
            if partner.connect_login_state in ("invited", "not_invited"):
                vals.update(connect_login_state="active", connect_activated_on=when)
            partner.write(vals)

    def action_connect_inactivate(self):
        """Stop the portal access of these contacts (or of every contact of
        these customers) without touching the customers, their invoices or
        their history: the login is archived, which also ends its sessions."""
        self._connect_check_staff()
        logins = self._connect_logins().filtered(
            lambda p: p.connect_login_state in ("invited", "active")
        )
        # archiving users and writing protected fields; checked above
        for contact in logins.sudo():
            user = contact.connect_user_id
            if user and user.partner_id == contact:
                user.active = False
            elif user:
                # the login belongs to another dealer company's contact: only
                # this company's access goes
                company = contact._connect_company()
                if company in user.company_ids and len(user.company_ids) > 1:
                    user.write({"company_ids": [fields.Command.unlink(company.id)]})
            contact.write({"connect_login_state": "inactive", "signup_type": False})
        return True

    def action_connect_reactivate(self):
        """Give back the portal access taken by action_connect_inactivate."""
        self._connect_check_staff()
        for contact in (
            # un-archiving users and writing protected fields; checked above
            self._connect_logins().sudo().filtered(lambda p: p.connect_login_state == "inactive")
        ):
            user = contact.connect_user_id.with_context(active_test=False)
            if user and user.partner_id == contact:
                user.active = True
            elif user:
                user.write({"company_ids": [fields.Command.link(contact._connect_company().id)]})
            contact.write(
                {"connect_login_state": "active" if contact.connect_activated_on else "invited"}
            )
        return True

    # ------------------------------------------------------------------
    # E-mails from the contact card
    # ------------------------------------------------------------------
    def action_connect_send_welcome(self):
        """Send (again) the welcome e-mail: an invitation link when the contact
        has not activated yet, the portal address and login otherwise."""
        self._connect_check_staff()
        for contact in self:
            if contact.connect_login_state in ("not_invited", "invited"):
                contact._connect_invite()
            else:
                self.env["customer_connect.mail.log"]._send(
                    "customer_connect.mail_template_connect_welcome", contact, "welcome"
                )
        return True

    def action_connect_send_password_reset(self):
        """Send a password reset link to the login of these contacts."""
        self._connect_check_staff()
        # signup tokens are admin-only; checked above
        for contact in self.sudo():
            user = contact.connect_user_id
            if not user or not user.active:
                raise UserError(
                    _("%(name)s has no active login to reset.", name=contact.display_name)
                )
            user.partner_id.signup_prepare(signup_type="reset")
            self.env["customer_connect.mail.log"]._send(
                "customer_connect.mail_template_connect_password_reset",
                user.partner_id,
                "password_reset",
                log_partner=contact,
            )
        return True

    def _connect_summary_recipients(self):
        """Who gets the account summary: the billing contacts with an e-mail,
        or else the customer itself."""
        self.ensure_one()
        account = self.commercial_partner_id
        billing = account.child_ids.filtered(lambda c: c.type == "invoice" and c.email)
        return billing or account.filtered("email")

    def _compute_connect_open_invoice_ids(self):
        for partner in self:
            partner.connect_open_invoice_ids = self.env["account.move"].search(
                [
                    ("commercial_partner_id", "=", partner.commercial_partner_id.id),
                    # the summary speaks for the dealer company that sends it
                    ("company_id", "=", partner._connect_company().id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ],
                order="invoice_date_due, id",
            )

    def action_connect_send_account_summary(self):
        """Send the account summary (open invoices, what is due, how old) to
        the billing contacts of these customers."""
        self._connect_check_staff()
        for account in self.commercial_partner_id:
            recipients = account._connect_summary_recipients()
            if not recipients:
                raise UserError(
                    _("%(name)s has no billing contact with an e-mail.", name=account.display_name)
                )
            self.env["customer_connect.mail.log"]._send(
                "customer_connect.mail_template_connect_account_summary",
                recipients,
                "account_summary",
            )
        return True

    def action_connect_view_email_history(self):
        """E-mail history of this contact, or of every contact of this customer."""
        self._connect_check_staff()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_connect.action_connect_mail_log"
        )
        if self.parent_id:
            action["domain"] = [("partner_id", "in", self.ids)]
        else:
            action["domain"] = [("commercial_partner_id", "in", self.ids)]
        action["context"] = {}
        return action
