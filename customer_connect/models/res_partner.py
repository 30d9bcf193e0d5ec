from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import verify_hash_signed

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
    connect_open_invoice_ids = fields.Many2many(
        "account.move",
        compute="_compute_connect_open_invoice_ids",
        groups="base.group_erp_manager",
        help="Open invoices and credit notes of the account, oldest due first; "
        "read by the account summary e-mail.",
    )
    connect_statement_monthly = fields.Boolean(
        "Monthly statement by e-mail",
        help="Send this customer's statement of account to its billing contacts each month.",
    )
    connect_statement_last_sent = fields.Date("Last monthly statement", copy=False, readonly=True)
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
                self.env._(
                    "The portal state of a contact changes through Customer Connect's actions only."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        # what the ORM will write: the values and the context's defaults
        defaults = {
            key[len("default_") :]: value
            for key, value in self.env.context.items()
            if key.startswith("default_")
        }
        for vals in vals_list:
            values = {**defaults, **vals}
            # a new contact starts "not invited" (a login's partner gets the
            # fields' defaults passed in, hence the values are compared)
            self._connect_check_protected(
                name
                for name, value in values.items()
                if value and not (name == "connect_login_state" and value == "not_invited")
            )
            if values.get("connect_access_level_id"):
                self._connect_check_staff()
        return super().create(vals_list)

    def write(self, vals):
        self._connect_check_protected(vals)
        if "connect_access_level_id" in vals:
            self._connect_check_staff_access()
        # a login made in this very call has no cached rules yet (clearing
        # every cache of the registry per new login would slow Odoo's own
        # portal wizard down, and every worker with it)
        has_login = (
            "connect_access_level_id" in vals
            and not self.env.context.get("connect_new_login")
            and any(
                p.connect_access_level_id.id != vals["connect_access_level_id"]
                and (p.connect_user_id or p.user_ids)
                # sudo: whether these contacts have logins (the caller may write them)
                for p in self.sudo()
            )
        )
        result = super().write(vals)
        if has_login:
            # record rules read the level and are cached per user
            self.env.registry.clear_cache()
        return result

    @api.constrains("connect_access_level_id", "company_id", "parent_id")
    def _check_connect_access_level_company(self):
        for contact in self.filtered("connect_access_level_id"):
            if contact.connect_access_level_id.company_id != contact._connect_company():
                raise ValidationError(
                    self.env._(
                        "%(name)s belongs to %(company)s: give them one of that company's "
                        "access levels.",
                        name=contact.display_name,
                        company=contact._connect_company().name,
                    )
                )

    # ------------------------------------------------------------------
    # Checks and helpers
    # ------------------------------------------------------------------
    def _connect_check_staff(self):
        """Only Customer Connect staff manage customers' portal access."""
        if not self.env.su and not self.env.user.has_group("customer_connect.group_connect_user"):
            raise AccessError(
                self.env._("Only Customer Connect users may manage customers' portal access.")
            )

    def _connect_check_staff_access(self, operation="write"):
        """The guard of every staff action on these contacts or customers,
        before any sudo(): a Customer Connect role, and the right to change
        (or read) these very records (record rules: another dealer company's
        customers stay out of reach). A contact without a company of its own
        belongs to its customer's company: the customer is checked too."""
        self._connect_check_staff()
        (self | self.commercial_partner_id).check_access(operation)

    def _connect_company(self):
        self.ensure_one()
        return self.company_id or self.commercial_partner_id.company_id or self.env.company

    def _connect_invite_candidates(self):
        """Contacts of this customer that can receive an invitation."""
        self.ensure_one()
        return self.env["customer_connect.invitation"]._candidates(self)

    def _connect_invite(self, raise_on_refusal=True):
        """Invite these contacts (see customer_connect.invitation._invite)."""
        return self.env["customer_connect.invitation"]._invite(
            self, raise_on_refusal=raise_on_refusal
        )

    def _connect_default_access_level(self):
        self.ensure_one()
        return self.env["customer_connect.access.level"]._default_for_company(
            self._connect_company()
        )

    def _connect_check_link_reader(self):
        """Signup and reset links of other people's accounts are for the
        system and Settings administrators only: Odoo lets any employee
        with contact rights get one (its set-password template through the
        composer, signup_get_auth_param over JSON-RPC), which hands over a
        customer's account (security review, finding F1/F2)."""
        if not self.env.su and not self.env.user.has_group("base.group_erp_manager"):
            raise AccessError(self.env._("Only administrators may obtain sign-up links."))

    def _get_signup_url(self):
        self._connect_check_link_reader()
        return super()._get_signup_url()

    def signup_get_auth_param(self):
        self._connect_check_link_reader()
        return super().signup_get_auth_param()

    @api.model
    def _get_partner_from_token(self, token):
        # sudo: the signing secret only; the signature is what is checked here
        payload = verify_hash_signed(self.sudo().env, "signup", token)
        if payload and len(payload) == 4:
            # a Customer Connect invitation link (see customer_connect.invitation)
            return self.env["customer_connect.invitation"]._partner_from_token(token)
        partner = super()._get_partner_from_token(token)
        if not partner or partner.sudo().user_ids:
            # sudo: the contact of a signed token; a signed-out visitor cannot read it
            return partner
        if partner.sudo().connect_login_state == "invited":
            # an invited contact opens its account with its latest
            # invitation's link only, not with a token made another way
            return None
        if self.env["customer_connect.invitation"]._employee_partners(partner):
            # an ex-employee's partner: a new login on it would read that
            # employee's chats (security review, finding F8)
            return None
        return partner

    def action_connect_invite(self):
        """Open the Invite dialog of this customer account."""
        self.ensure_one()
        self._connect_check_staff_access()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invite to Customer Connect"),
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
        batch = self.env["customer_connect.invite.batch"]._create_for(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer_connect.invite.batch",
            "res_id": batch.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Portal state: activation, inactivation
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
        for partner_sudo in self.sudo().with_context(connect_new_login=True):
            user = users.filtered(lambda u, p=partner_sudo: u.partner_id == p)[:1]
            company = partner_sudo._connect_company()
            if company not in user.company_ids:
                # the login must reach the dealer company its customer belongs to
                user.sudo().write(
                    {"company_ids": [fields.Command.link(company.id)], "company_id": company.id}
                )
            vals = {"connect_user_id": user.id}
            if partner_sudo.connect_login_state == "not_invited":
                vals["connect_login_state"] = "invited"
            if not partner_sudo.connect_access_level_id:
                vals["connect_access_level_id"] = partner_sudo._connect_default_access_level().id
            partner_sudo.write(vals)

    def _connect_on_login(self, when):
        """Called on each log-in of the login these contacts use."""
        # the user logging in writes its own protected portal state
        for partner_sudo in self.sudo():
            vals = {"connect_last_login": when}
            if partner_sudo.connect_login_state in ("invited", "not_invited"):
                vals.update(connect_login_state="active", connect_activated_on=when)
            partner_sudo.write(vals)

    # -- Odoo's own portal wizard (Grant / Revoke Portal Access, Re-invite),
    # used after the install: called as the system once the wizard has
    # checked its caller (portal/wizard/portal_wizard.py)
    def _connect_on_portal_granted(self, user, inviter):
        """Odoo's Grant Portal Access gave these contacts ``user``: invited,
        pending activation (or active again, for a login that signed in
        before a Revoke), stamped as an invitation by ``inviter``."""
        now = fields.Datetime.now()
        for contact in self.with_context(connect_new_login=True):
            vals = {
                "connect_user_id": user.id,
                "connect_last_invited": now,
                "connect_invited_by_id": inviter.id if inviter._is_internal() else False,
            }
            if not contact.connect_first_invited:
                vals["connect_first_invited"] = now
            if contact.connect_login_state in ("not_invited", "inactive"):
                signed_in = contact.connect_activated_on or user.login_date
                vals["connect_login_state"] = "active" if signed_in else "invited"
                if signed_in and not contact.connect_activated_on:
                    vals["connect_activated_on"] = user.login_date
            if not contact.connect_access_level_id:
                vals["connect_access_level_id"] = contact._connect_default_access_level().id
            contact.write(vals)
        # record rules read the logins' contacts, cached per user
        self.env.registry.clear_cache()

    def _connect_on_portal_revoked(self):
        """Odoo's Revoke Portal Access archived the login of these contacts:
        inactive, as Customer Connect's own Inactivate leaves them (history,
        dates and level kept; Re-activate or Odoo's Grant gives it back)."""
        self.filtered(lambda c: c.connect_login_state in ("invited", "active")).write(
            {"connect_login_state": "inactive"}
        )
        self.env.registry.clear_cache()

    def _connect_on_portal_reinvited(self, inviter):
        """Odoo's Re-invite sent its welcome e-mail again: a contact still
        pending activation was invited again, now."""
        pending = self.filtered(lambda c: c.connect_login_state == "invited")
        pending.write(
            {
                "connect_last_invited": fields.Datetime.now(),
                "connect_invited_by_id": inviter.id if inviter._is_internal() else False,
            }
        )

    def _connect_inactivate(self):
        """Stop the portal access of these contacts (or of every contact of
        these customers) without touching the customers, their invoices or
        their history: the login is archived, which also ends its sessions,
        and a pending invitation's link dies."""
        self._connect_check_staff_access()
        logins = self._connect_logins().filtered(
            lambda p: p.connect_login_state in ("invited", "active")
        )
        # archiving users and writing protected fields; checked above
        for contact_sudo in logins.sudo():
            user = contact_sudo.connect_user_id
            if user and user.partner_id == contact_sudo:
                user.active = False
            elif user:
                # the login belongs to another dealer company's contact: only
                # this company's access goes
                company = contact_sudo._connect_company()
                if company in user.company_ids and len(user.company_ids) > 1:
                    user.write({"company_ids": [fields.Command.unlink(company.id)]})
            contact_sudo.write({"connect_login_state": "inactive", "signup_type": False})
        # record rules read the logins' contacts, cached per user
        self.env.registry.clear_cache()

    def _connect_reactivate(self):
        """Give back the portal access taken by _connect_inactivate."""
        self._connect_check_staff_access()
        for contact_sudo in (
            # un-archiving users and writing protected fields; checked above
            self._connect_logins().sudo().filtered(lambda p: p.connect_login_state == "inactive")
        ):
            user = contact_sudo.connect_user_id.with_context(active_test=False)
            if user and user.partner_id == contact_sudo:
                user.active = True
                if not user._is_portal():
                    # revoked with Odoo's wizard, which moves the login to
                    # the public group: back in the portal
                    portal = self.env.ref("base.group_portal")
                    public = self.env.ref("base.group_public")
                    user.groups_id = [
                        fields.Command.unlink(public.id),
                        fields.Command.link(portal.id),
                    ]
            elif user:
                user.write(
                    {"company_ids": [fields.Command.link(contact_sudo._connect_company().id)]}
                )
            contact_sudo.write(
                {
                    "connect_login_state": "active"
                    if contact_sudo.connect_activated_on
                    else "invited"
                }
            )
        self.env.registry.clear_cache()

    def action_connect_inactivate(self):
        """Inactivate portal access (button)."""
        self._connect_inactivate()
        return True

    def action_connect_reactivate(self):
        """Re-activate portal access (button)."""
        self._connect_reactivate()
        return True

    # ------------------------------------------------------------------
    # E-mails from the contact card
    # ------------------------------------------------------------------
    def action_connect_send_welcome(self):
        """Send (again) the welcome e-mail."""
        self.env["customer_connect.invitation"]._send_welcome(self)
        return True

    def action_connect_send_password_reset(self):
        """Send a password reset link to the login of these contacts."""
        self.env["customer_connect.invitation"]._send_password_reset(self)
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

    def action_connect_send_account_statement(self):
        """Send Account Statement: the statement of account (PDF) with the
        open items listed in the e-mail, to the billing contacts."""
        self.env["customer_connect.statement"]._send(self)
        return True

    def action_connect_send_account_summary(self):
        """The account summary is a statement now (kept for saved actions)."""
        return self.action_connect_send_account_statement()

    def _connect_pay_url(self, amount=None, currency=None):
        """Where a statement's QR code leads this customer to pay; the
        customer's activity list until a payment addon offers a pay page."""
        self.ensure_one()
        return f"{self.get_base_url()}/my/activity"

    def _connect_email_pay_url(self, company, invoices=None):
        """The pay link that e-mails to this contact carry (statements,
        invoices), or False: none until a payment addon offers a pay page
        that opens without signing in."""
        return False

    def action_connect_view_portal_events(self):
        """What this contact, or every contact of this customer, did in the
        portal, newest first."""
        self._connect_check_staff_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_connect.action_connect_portal_event"
        )
        field = "partner_id" if self.parent_id else "commercial_partner_id"
        action["domain"] = [(field, "in", self.ids)]
        action["context"] = {}
        return action

    def action_connect_view_email_history(self):
        """E-mail history of this contact, or of every contact of this customer."""
        self._connect_check_staff_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_connect.action_connect_mail_log"
        )
        if self.parent_id:
            action["domain"] = [("partner_id", "in", self.ids)]
        else:
            action["domain"] = [("commercial_partner_id", "in", self.ids)]
        action["context"] = {}
        return action
