from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize

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


# Two administrators inviting at once must not both take the last seat: the
# count is taken under this transaction-level advisory lock (a row lock on the
# group would also block Odoo's own writes to the group).
STAFF_SEATS_LOCK = 0x43435354  # "CCST"

# Groups a removable dealership user may hold beside the Customer Connect
# roles and what every employee has: switches that change how screens look,
# not what one may do.
TECHNICAL_SWITCHES = (
    "base.group_multi_company",
    "base.group_multi_currency",
    "base.group_allow_export",
    "uom.group_uom",
    "product.group_product_variant",
)


class ResUsers(models.Model):
    _inherit = "res.users"

    connect_alt_phone = fields.Char(related="partner_id.connect_alt_phone", readonly=False)
    connect_pref_sms = fields.Boolean(related="partner_id.connect_pref_sms", readonly=False)
    connect_pref_phone = fields.Boolean(related="partner_id.connect_pref_phone", readonly=False)
    connect_pref_email = fields.Boolean(related="partner_id.connect_pref_email", readonly=False)
    connect_pref_post = fields.Boolean(related="partner_id.connect_pref_post", readonly=False)
    # the contacts of other dealer companies that stand for this login
    # (_connect_contacts); read as the system only
    connect_partner_ids = fields.One2many(
        "res.partner",
        "connect_user_id",
        string="Contacts on this login",
        readonly=True,
        groups="base.group_system",
    )
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

    # ------------------------------------------------------------------
    # Portal areas: the one place each area's capability is decided
    # ------------------------------------------------------------------
    def _connect_contacts(self):
        """The customers' contacts this portal login stands for: its own
        partner, and the contacts of other dealer companies sharing it."""
        self.ensure_one()
        # sudo: a login may stand for contacts of companies it cannot read
        user = self.sudo()
        # the inverse field, not a search: the ORM keeps it in its cache for
        # the request (updated when a contact's login is written, dropped
        # when a savepoint rolls back), and the gate, the record rules and
        # the page's tiles ask for it several times a request (eight
        # searches on Customer Activity before)
        return user.partner_id | user.connect_partner_ids

    def _connect_customer_ids(self):
        """Ids of the customers (commercial partners) this portal login
        stands for, in every dealer company; what the record rules of the
        areas' own models (and ours on invoices) read; the level rules
        narrow it per company."""
        self.ensure_one()
        return self._connect_contacts().commercial_partner_id.ids

    def _connect_levels_by_customer(self):
        """{(dealer company or no company, customer): access levels} of this
        portal login: one customer's contacts on one login all apply, the
        most restrictive wins (see _connect_level_grants)."""
        Level = self.env["customer_connect.access.level"]
        levels = {}
        for contact in self._connect_contacts():
            customer = contact.commercial_partner_id
            key = (contact.company_id or customer.company_id, customer)
            levels[key] = levels.get(key, Level) | contact.connect_access_level_id
        return levels

    def _connect_levels_by_company(self, contacts=None):
        """{dealer company: access levels} of this portal login: the levels
        of its contacts in each company (each company's levels apply in that
        company; several contacts of one company: the most restrictive)."""
        self.ensure_one()
        Level = self.env["customer_connect.access.level"]
        levels = {}
        for contact in self._connect_contacts() if contacts is None else contacts:
            company = contact._connect_company()
            levels[company] = levels.get(company, Level) | contact.connect_access_level_id
        return levels

    @staticmethod
    def _connect_level_grants(levels, area):
        """Whether every one of ``levels`` opens ``area`` (no level at all is
        a login Customer Connect never configured: Odoo's portal rights)."""
        return all(level._grants(area) for level in levels)

    def _connect_customer_grants(self, company, customer, area):
        """Whether this login opens ``area`` on ``customer``'s documents of
        dealer company ``company``: it must be one of that customer's
        contacts, and their level must open the area. What a token or a
        sudo-rendered page is held to for a customer on Customer Connect."""
        self.ensure_one()
        levels = self._connect_levels_by_customer()
        found = levels.get((company, customer))
        if found is None:
            found = levels.get((company.browse(), customer))
        if found is None:
            # a contact kept to another of the dealer's companies than the
            # document's: its levels for that customer, all of them
            same_customer = [lv for (_c, cust), lv in levels.items() if cust == customer]
            if not same_customer:
                return False
            found = self.env["customer_connect.access.level"].union(*same_customer)
        return self._connect_level_grants(found, area)

    def _connect_opens_documents(self, area, companies_customers):
        """Whether this user may reach, in the portal area ``area``, documents
        of these ``(dealer company, customer)`` pairs whichever way they come
        in (token links, sudo-rendered pages): the one gate behind
        ``account.move._connect_opens_for`` and
        ``sale.order._connect_opens_for``.

        * dealer staff: yes (their rights and rules apply as usual);
        * a document of a customer on Customer Connect: only for a login
          that is one of that customer's contacts, where that contact's level
          (the most restrictive of them, if several) grants the area; not
          signed in, never: the contact signs in so that its level applies;
        * a document of a customer not on Customer Connect: Odoo's own portal
          (a token, or the record rules), with the signed-in contact's level
          in the document's company.
        No pair at all: whether the area is open to this user anywhere.
        """
        self.ensure_one()
        if self._is_internal():
            return True
        if not companies_customers:
            return self._connect_grants(area)
        public = self._is_public()
        denied = set() if public else set(self._connect_denied_company_ids(area))
        for company, customer in dict.fromkeys(companies_customers):
            # the customers' portal state is theirs, not the visitor's
            if customer.sudo().connect_state == "not_invited":
                if company.id in denied:
                    return False
            elif public or not self._connect_customer_grants(company, customer, area):
                return False
        return True

    def _connect_denied_company_ids(self, area, *other_areas):
        """Ids of the dealer companies in which this user's access level does
        not open the portal area ``area`` (nor any of ``other_areas``: the
        companies where none of them opens, for records that several areas
        read, as sale orders are read by orders and project status); what
        the areas' record rules read (every JSON-RPC read goes through
        them). Dealer staff and portal logins that Customer Connect never
        configured are denied nothing."""
        self.ensure_one()
        if not self._is_portal():
            return []
        areas = (area, *other_areas)
        return [
            company.id
            for company, levels in self._connect_levels_by_company().items()
            if not any(self._connect_level_grants(levels, name) for name in areas)
        ]

    def _connect_grants(self, area, levels_by_company=None):
        """Whether this user may open the portal area ``area`` (a key of
        customer_connect.access.level._portal_areas()) in the current
        company (the one picked in the portal's switcher), or, outside the
        companies it works in, in at least one of them; the record rules
        then keep each record to the companies whose level grants it.
        ``levels_by_company``: ``_connect_levels_by_company()`` when the
        caller has read it already."""
        self.ensure_one()
        if not self._is_portal():
            return True
        if levels_by_company is None:
            levels_by_company = self._connect_levels_by_company()
        # the company the page is about (the portal's switcher) decides
        if self.env.company in levels_by_company:
            return self._connect_level_grants(levels_by_company[self.env.company], area)
        return any(
            self._connect_level_grants(levels, area) for levels in levels_by_company.values()
        )

    # ------------------------------------------------------------------
    # Several dealer companies: which company and which customer a page is
    # about (portal_companies: the switcher, ir.http: the request's company)
    # ------------------------------------------------------------------
    def _connect_portal_companies(self):
        """The dealer companies this portal login works in: those of its
        contacts (a contact of no company works in all of the login's)."""
        self.ensure_one()
        # a portal login cannot read companies (nor its own company_ids):
        # read as the system, for this login's own contacts only
        companies = self.env["res.company"]
        for contact in self._connect_contacts():
            owner = contact.company_id or contact.commercial_partner_id.company_id
            # sudo: see above (a portal login cannot read companies)
            companies |= owner.sudo() if owner else self.sudo().company_ids
        return companies & self.sudo().company_ids

    def _connect_portal_company(self, wanted_id=None):
        """The company the login's portal pages are about: ``wanted_id`` (the
        one picked in the switcher) when the login works there, else its
        main company."""
        self.ensure_one()
        companies = self._connect_portal_companies()
        for company in companies:
            if company.id == wanted_id:
                return company
        # sudo: the login's own company (a portal login cannot read it)
        return self.sudo().company_id if self.sudo().company_id in companies else companies[:1]

    def _connect_customer(self, company=None, contacts=None):
        """The customer (commercial partner) this login stands for in
        ``company`` (default: the current one): its contact at that company,
        else a contact of no company, else its own partner's."""
        self.ensure_one()
        company = company or self.env.company
        contacts = self._connect_contacts() if contacts is None else contacts
        for contact in contacts:
            if (contact.company_id or contact.commercial_partner_id.company_id) == company:
                return contact.commercial_partner_id.with_env(self.env)
        for contact in contacts:
            if not (contact.company_id or contact.commercial_partner_id.company_id):
                return contact.commercial_partner_id.with_env(self.env)
        return self.commercial_partner_id

    def _connect_contact_of(self, customer):
        """The contact this login stands for at ``customer`` (a commercial
        partner): a login shared between dealer companies has one contact
        per customer; its own partner when none is that customer's. What a
        dispute, promise, plan, remittance or timeline event is "by"."""
        self.ensure_one()
        return next(
            (c for c in self._connect_contacts() if c.commercial_partner_id == customer),
            self.partner_id,
        )

    def _connect_portal_scope(self, area):
        """(customer, company) of the current portal page of area ``area``:
        the current company (the switcher's), refused when the login's
        level there does not open the area (``_connect_require``)."""
        self.ensure_one()
        company = self.env.company
        if not self._is_portal():
            self._connect_require(area)
            return self.commercial_partner_id, company
        # one read of the login's contacts for the check and the customer
        contacts = self._connect_contacts()
        self._connect_require(area, levels_by_company=self._connect_levels_by_company(contacts))
        return self._connect_customer(company, contacts), company

    def _connect_may_pay(self):
        """Whether this user may pay online from the portal in the current
        company: the payments area, which customer_connect_payments brings
        (``can_pay``). Without that addon nobody pays from the portal, so
        pages of other areas show no amounts to pay."""
        self.ensure_one()
        areas = self.env["customer_connect.access.level"]._portal_areas()
        return "payments" in areas and self._connect_grants("payments")

    def _connect_home_url(self):
        """Where this login's portal starts: Customer Activity (manual 000
        §3.2) when its level shows invoices, otherwise Odoo's tiles (/my),
        which list what its level grants. Signing in, the portal's brand
        link, "My Account" and the profile's Cancel lead here
        (controllers/portal_home.py, views/portal_home_templates.xml)."""
        self.ensure_one()
        if self._is_portal() and self._connect_grants("activity"):
            return "/my/activity"
        return "/my"

    def _connect_require(self, area, documents=None, levels_by_company=None):
        """Refuse (403 on a route, an error over RPC) when this user may not
        open the portal area ``area``. Every route of an area calls it.

        :param documents: the records the request is about (invoices, sale
            orders: what has ``_connect_opens_for``), reached perhaps by a
            token link: refused too when one of them does not open to this
            user in ``area`` (a signed-out visitor's included)
        :param levels_by_company: as ``_connect_grants``
        """
        if not self._connect_grants(area, levels_by_company):
            raise AccessError(
                self.env._("Your access level does not include this part of the portal.")
            )
        if documents and not documents._connect_opens_for(area):
            raise AccessError(self.env._("This document does not open here."))

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
        for user in self:
            self.env["customer_connect.portal.event"]._record("login", user=user)
        return result

    @api.model
    def signup(self, values, token=None):
        # only our invitation's link proves the address: it was e-mailed to
        # the contact alone (Odoo's tokens may come from anywhere: review F8)
        invited = (
            self.env["customer_connect.invitation"]._partner_from_token(token) if token else None
        )
        asked_login = values.get("login")  # Odoo pops it for an existing login
        # the address the link went to (a new login rewrites it)
        invited_email = email_normalize(invited.sudo().email or "") if invited else False
        result = super().signup(values, token=token)
        if invited:
            # sudo: the contact of the invitation link checked above
            invited_sudo = invited.sudo()
            login = email_normalize(asked_login or result[0] or "")
            if login and login == invited_email:
                # following the link proves the address works, for the
                # address it was sent to; protected field, token checked
                invited_sudo.connect_email_confirmed = True
        return result

    # ------------------------------------------------------------------
    # Dealership users (dealer staff with a Customer Connect role)
    # ------------------------------------------------------------------
    @api.model
    def _connect_staff_seat_limit(self):
        return int(
            # sudo: a setting (ir.config_parameter is readable by the system only)
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
        a set-your-password invitation."""
        _ = self.env._
        if not self.env.user.has_group("customer_connect.group_connect_admin"):
            raise AccessError(
                _("Only Customer Connect administrators can invite dealership users.")
            )
        group_user = self.env.ref("customer_connect.group_connect_user")
        limit = self._connect_staff_seat_limit()
        if limit:
            # two administrators inviting at once: the second waits for the
            # first to commit, then counts the seats again
            self.env.cr.execute("SELECT pg_advisory_xact_lock(%s)", [STAFF_SEATS_LOCK])
            if self._connect_staff_count() >= limit:
                raise UserError(
                    _(
                        "All %(limit)s dealership user seats are taken. To add more users, "
                        "please contact your account manager.",
                        limit=limit,
                    )
                )
        group = self.env.ref(
            "customer_connect.group_connect_admin"
            if role == "admin"
            else group_user.get_external_id()[group_user.id]
        )
        # a login is unique database-wide, archived ones included
        existing = self.sudo().with_context(active_test=False).search([("login", "=ilike", email)])
        if existing:
            raise UserError(_("%(email)s already has a login.", email=email))
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
        self.env["customer_connect.mail.sender"]._send(
            "customer_connect.mail_template_connect_staff_invitation",
            user.partner_id,
            "staff_invitation",
            links={
                user.partner_id.id: user.partner_id._get_signup_url_for_action(url="/odoo")[
                    user.partner_id.id
                ]
            },
        )
        return user

    def _connect_removable_groups(self):
        """The groups a dealership user removable by Customer Connect staff
        may hold: the Customer Connect roles, what they imply, and what every
        employee has. Anyone with more has powers that Settings manages."""
        # sudo: the list of groups, to tell which a removable user may hold
        roles = (
            self.env["res.groups"]
            .sudo()
            .search(
                [
                    (
                        "category_id",
                        "=",
                        self.env.ref("customer_connect.module_category_customer_connect").id,
                    )
                ]
            )
        )
        employee = self.env.ref("base.group_user")
        # technical switches Odoo hands out by itself (a user of several
        # companies gets "Multi Companies"); settings' switches are implied
        # by every employee already. Not Odoo's whole hidden category: it
        # holds powers too ("Show Full Accounting Features").
        switches = self.env["res.groups"].sudo()
        for xmlid in TECHNICAL_SWITCHES:
            switches |= self.env.ref(xmlid, raise_if_not_found=False) or switches
        admin_powers = self.env.ref("base.group_system") | self.env.ref("base.group_erp_manager")
        return (
            roles | roles.trans_implied_ids | employee | employee.trans_implied_ids | switches
        ) - admin_powers

    def action_connect_remove_staff(self):
        """Remove dealership users: any Customer Connect user may do it, for
        colleagues of their own companies whose only powers are Customer
        Connect roles. The login is archived, its history stays, and a
        pending invitation's link dies."""
        _ = self.env._
        if not self.env.user.has_group("customer_connect.group_connect_user"):
            raise AccessError(_("Only Customer Connect users can remove dealership users."))
        group = self.env.ref("customer_connect.group_connect_user")
        admin = self.env.ref("customer_connect.group_connect_admin")
        removable_groups = self._connect_removable_groups()
        caller = self.env.user
        # sudo: the caller was checked above; each user is checked below
        for user_sudo in self.sudo().with_context(active_test=False):
            if user_sudo.share or group not in user_sudo.groups_id:
                raise AccessError(_("Only dealership users can be removed here."))
            if user_sudo == caller:
                raise UserError(_("You cannot remove yourself."))
            if user_sudo.company_ids - caller.company_ids:
                raise AccessError(
                    _(
                        "%(name)s also works for companies you do not; remove them in Settings.",
                        name=user_sudo.name,
                    )
                )
            if (
                user_sudo.id == SUPERUSER_ID
                or user_sudo == self.env.ref("base.user_admin", raise_if_not_found=False)
                or user_sudo.has_group("base.group_system")
                or user_sudo.has_group("base.group_erp_manager")
                or user_sudo.groups_id - removable_groups
            ):
                raise AccessError(
                    _(
                        "%(name)s has rights beyond Customer Connect; remove them in Settings.",
                        name=user_sudo.name,
                    )
                )
            if admin in user_sudo.groups_id and admin not in caller.groups_id:
                raise AccessError(
                    _("Only Customer Connect administrators can remove an administrator.")
                )
        # archiving users needs Settings rights; checked above, user by user
        removed = self.sudo()
        removed.partner_id.signup_cancel()
        removed.active = False
        return True
