from urllib.parse import urlencode, urljoin

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, hash_sign, verify_hash_signed

INVITATION_TEMPLATE = "customer_connect.mail_template_connect_invitation"


class CustomerConnectInvitation(models.AbstractModel):
    """What inviting a customer's contact does, in one place: called by the
    Invite dialog, by bulk invitation batches (as the staff member who
    queued them) and by the demo dealer.

    The invitation link is auth_signup's signed token, with the time of the
    invitation in its signed payload: a re-invitation makes the earlier link
    stop working. The link exists only in the e-mail: it is handed to the
    rendering (``customer_connect.mail.sender``), never stored in a field.
    """

    _name = "customer_connect.invitation"
    _description = "Customer Connect invitations"

    # ------------------------------------------------------------------
    # Who can be invited
    # ------------------------------------------------------------------
    @api.model
    def _candidates(self, account):
        """Contacts of the customer ``account`` that can receive an
        invitation: those with one e-mail address, the billing contact(s)
        first, then the customer itself, then the other contacts by name."""
        account = account.commercial_partner_id
        people = (account | account.child_ids).filtered(
            lambda p: p.active and email_normalize(p.email or "")
        )
        return people.sorted(
            lambda p: (
                0 if p.type == "invoice" else 1 if p == account else 2,
                (p.name or "").lower(),
            )
        )

    @api.model
    def _employee_partners(self, contacts):
        """Those of ``contacts`` that are or were the partner of an internal
        user, archived users included: a signup link would set that
        employee's password (and reach their chats)."""
        # archived users count; users are the system's to read
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        internal = Users.search([("partner_id", "in", contacts.ids), ("share", "=", False)])
        return internal.partner_id

    @api.model
    def _email_conflicts(self, contacts, emails):
        """What forbids inviting each of ``contacts`` with its e-mail, found
        with two queries for the whole set (a bulk invitation checks a few
        hundred contacts at a time).

        A login of another dealer company with the same e-mail is shared
        (the company is added to it) only when its address was confirmed;
        a refusal never names another company's customer.

        :param emails: {contact: normalized e-mail}
        :return: {contact: (existing login to share, refusal message)}; at
            most one of the two is set.
        """
        _ = self.env._
        # sudo: a clash is checked against every login of the database, archived
        # and other companies' ones included (the caller may not read them)
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        wanted = sorted({emails[contact] for contact in contacts if emails.get(contact)})
        # logins of every company and archived ones count: a clash is a clash
        # even where the caller cannot see the other login. Logins keep the
        # case they were typed in; the e-mails are normalized (lower case).
        Users.flush_model(["login"])
        self.env.cr.execute(
            "SELECT lower(login), id FROM res_users WHERE lower(login) = ANY(%s)", [wanted]
        )
        user_by_email = {email: Users.browse(uid) for email, uid in self.env.cr.fetchall()}
        # sudo: pending invitations of every company are clashes too
        pending_by_email = (
            self.env["res.partner"]
            .sudo()
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
        for contact in contacts:
            email = emails.get(contact)
            if not email:
                continue
            company = contact._connect_company()
            account = contact.commercial_partner_id
            user = user_by_email.get(email, Users)
            if user.partner_id == contact:
                conflicts[contact] = (Users, False)
                continue
            if user:
                owner = user.partner_id.commercial_partner_id
                same_company = company in (user.company_ids | owner.company_id)
                refusal = False
                if not user.share:
                    refusal = _("%(email)s is the login of a dealership user.", email=email)
                elif owner != account and same_company:
                    refusal = _(
                        "%(email)s already signs in for customer %(customer)s.",
                        email=email,
                        customer=owner.display_name,
                    )
                elif not user.partner_id.connect_email_confirmed:
                    # a login typed at free sign-up proves nothing about who
                    # reads that mailbox: it is not handed another company
                    refusal = _(
                        "%(email)s already signs in elsewhere with an address that was never "
                        "confirmed; invite another address or ask the customer to confirm it.",
                        email=email,
                    )
                conflicts[contact] = (Users if refusal else user, refusal)
                continue
            other = pending_by_email.get(email, contacts.browse()).filtered(
                lambda p, a=account: p.commercial_partner_id != a
            )[:1]
            if not other:
                conflicts[contact] = (Users, False)
            elif other._connect_company() == company:
                conflicts[contact] = (
                    Users,
                    _(
                        "%(email)s is already invited for customer %(customer)s.",
                        email=email,
                        customer=other.commercial_partner_id.display_name,
                    ),
                )
            else:
                conflicts[contact] = (
                    Users,
                    _(
                        "%(email)s is already invited for another customer; it can be shared "
                        "once that invitation is completed.",
                        email=email,
                    ),
                )
        return conflicts

    # ------------------------------------------------------------------
    # Inviting
    # ------------------------------------------------------------------
    @api.model
    def _invite(self, contacts, raise_on_refusal=True, kind="invitation", template=None):
        """Invite ``contacts`` to Customer Connect as the current user.

        :param kind: the e-mail history's kind: ``invitation``, or
            ``invitation_reminder`` for the reminder job, which invites the
            pending contacts again (a new link, the earlier one dies) with
            ``template``; a staff invitation starts the reminders afresh.
        :return: {contact: (code, message)} with code in invited /
            company_added / refused; a refusal raises a UserError when
            ``raise_on_refusal`` (the one-contact dialog) is set.
        """
        _ = self.env._
        contacts._connect_check_staff_access()
        inviter = self.env.user
        results = {}
        # signup fields and users are the system's; the caller was checked above
        contacts_sudo = contacts.sudo()
        emails = {contact: email_normalize(contact.email or "") for contact in contacts_sudo}
        employees = self._employee_partners(contacts_sudo)
        conflicts = self._email_conflicts(
            contacts_sudo.filtered(
                lambda c: emails[c] and c.connect_login_state in ("not_invited", "invited")
            ),
            emails,
        )
        claimed = {}  # e-mail -> customer, within this call
        to_invite = contacts_sudo.browse()
        for contact in contacts_sudo:
            email = emails[contact]
            share_user, refusal = conflicts.get(contact, (self.env["res.users"], False))
            if contact in employees:
                refusal = _(
                    "%(name)s is or was a dealership user; manage their access in Settings.",
                    name=contact.display_name,
                )
            elif not email:
                refusal = _(
                    "%(name)s has no usable e-mail address (one address is needed).",
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
                results[contact] = self._share_login(contact, share_user, inviter)
                continue
            to_invite |= contact
            results[contact] = ("invited", _("Invitation sent to %(email)s.", email=email))
        self._mark_invited(to_invite, inviter)
        if kind == "invitation":
            # a staff invitation starts the reminders afresh
            to_invite.filtered(lambda c: c.connect_reminder_count or c.connect_last_reminder).write(
                {"connect_reminder_count": 0, "connect_last_reminder": False}
            )
        # one batch render per dealer company (each may brand its own template)
        for company, invited in to_invite.grouped(lambda c: c._connect_company()).items():
            self.env["customer_connect.mail.sender"]._send(
                template or company.connect_invitation_template_id or INVITATION_TEMPLATE,
                invited,
                kind,
                links=self._signup_links(invited),
            )
        return {contacts.browse(contact.id): result for contact, result in results.items()}

    @api.model
    def _stamp(self, contacts, inviter, state):
        """Who invited ``contacts`` and when, their new login state, and the
        default access level of those that have none: a few writes for the
        whole set."""
        if not contacts:
            return
        now = fields.Datetime.now()
        contacts.filtered(lambda c: not c.connect_first_invited).write(
            {"connect_first_invited": now}
        )
        Level = self.env["customer_connect.access.level"]
        for company, without_level in (
            contacts.filtered(lambda c: not c.connect_access_level_id)
            .grouped(lambda c: c._connect_company())
            .items()
        ):
            without_level.write({"connect_access_level_id": Level._default_for_company(company).id})
        contacts.write(
            {
                "connect_last_invited": now,
                "connect_invited_by_id": inviter.id,
                "connect_login_state": state,
            }
        )

    @api.model
    def _mark_invited(self, contacts, inviter):
        """``contacts`` are invited: stamped, and ready for auth_signup's
        signup with a link of this invitation."""
        if not contacts:
            return
        self._stamp(contacts, inviter, "invited")
        contacts.write({"signup_type": "signup"})

    @api.model
    def _share_login(self, contact, user, inviter):
        """``contact``'s e-mail already signs in, confirmed, at another dealer
        company: add this company to that login. The access level of this
        contact applies in this company."""
        company = contact._connect_company()
        user.write({"company_ids": [fields.Command.link(company.id)]})
        self._stamp(contact, inviter, "active" if user.active else "inactive")
        contact.write(
            {
                "connect_user_id": user.id,
                "connect_activated_on": fields.Datetime.now(),
                "connect_email_confirmed": True,
            }
        )
        # record rules read the logins' contacts and levels, cached per user
        self.env.registry.clear_cache()
        self.env["customer_connect.mail.sender"]._send(
            "customer_connect.mail_template_connect_company_added", contact, "company_added"
        )
        return (
            "company_added",
            self.env._(
                "%(email)s already had a login; %(company)s was added to it.",
                email=user.login,
                company=company.name,
            ),
        )

    # ------------------------------------------------------------------
    # The link
    # ------------------------------------------------------------------
    @api.model
    def _validity_hours(self):
        # sudo: a setting (ir.config_parameter is readable by the system only)
        hours = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_connect.invitation_validity_hours", "72")
        )
        # Settings refuse less than an hour; a parameter edited by hand may not
        return max(1, int(hours)) if str(hours).strip().isdigit() else 72

    @api.model
    def _invitation_stamp(self, partner):
        """What ties a link to the invitation it came with: the time of that
        invitation. Not a secret (the token's signature is), and a later
        invitation changes it."""
        # sudo: the contact of a signed link (a signed-out visitor); the token's
        # signature is the check, this stamp the second one
        invited = partner.sudo().connect_last_invited
        return int(invited.timestamp()) if invited else 0

    @api.model
    def _signup_token(self, partner):
        """auth_signup's signed token for ``partner``'s invitation, valid for
        the configured hours and only until the next invitation or log-in."""
        # the login date and signup type are the system's to read
        partner_sudo = partner.sudo()
        payload = [
            partner_sudo.id,
            partner_sudo._get_login_date(),
            partner_sudo.signup_type,
            self._invitation_stamp(partner_sudo),
        ]
        # the signature key is the database secret, read as the system
        return hash_sign(
            partner_sudo.env, "signup", payload, expiration_hours=self._validity_hours()
        )

    @api.model
    def _partner_from_token(self, token):
        """The invited contact a token of ours was made for, if it is still
        the contact's current invitation; None for any other token."""
        # sudo: the signing secret only; the signature is what is checked here
        payload = verify_hash_signed(self.env["res.partner"].sudo().env, "signup", token)
        if not payload or len(payload) != 4:
            return None
        partner_id, login_date, signup_type, stamp = payload
        # sudo: the contact named by a payload whose signature was checked above
        partner = self.env["res.partner"].sudo().browse(partner_id).exists()
        if (
            partner
            and login_date == partner._get_login_date()
            and signup_type == partner.signup_type
            and stamp == self._invitation_stamp(partner)
        ):
            return partner.with_env(self.env)
        return None

    @api.model
    def _signup_links(self, contacts):
        """{contact id: the "Complete My Account" link}: handed to the
        e-mail's rendering, never stored. The URL is auth_signup's own
        (/web/signup with db and token), with our token."""
        links = {}
        # sudo: the contacts being invited (_invite checked the staff's access);
        # the signup token is signed with the system's secret
        for contact_sudo in contacts.sudo():
            # no redirect: once signed up, the contact lands on its home
            # (res.users._connect_home_url, controllers/portal_home.py)
            query = {"db": self.env.cr.dbname, "token": self._signup_token(contact_sudo)}
            links[contact_sudo.id] = urljoin(
                contact_sudo.get_base_url(), f"/web/signup?{urlencode(query)}"
            )
        return links

    @api.model
    def _password_reset_links(self, partners):
        """{partner id: reset link} with auth_signup's own reset token."""
        return {
            partner_sudo.id: partner_sudo.with_context(
                signup_force_type_in_url="reset"
            )._get_signup_url_for_action(
                # a contact: no redirect, it lands on its home (as signing in)
                url="/odoo" if not partner_sudo.user_ids[:1].share else None
            )[partner_sudo.id]
            for partner_sudo in partners.sudo()
        }

    # ------------------------------------------------------------------
    # E-mails from the contact card
    # ------------------------------------------------------------------
    @api.model
    def _send_welcome(self, contacts):
        """The welcome e-mail: an invitation link when the contact has not
        activated yet, the portal address and login otherwise."""
        contacts._connect_check_staff_access()
        pending = contacts.filtered(lambda c: c.connect_login_state in ("not_invited", "invited"))
        if pending:
            self._invite(pending)
        self.env["customer_connect.mail.sender"]._send(
            "customer_connect.mail_template_connect_welcome", contacts - pending, "welcome"
        )

    @api.model
    def _send_password_reset(self, contacts):
        """A password reset link to the login of each of ``contacts``."""
        contacts._connect_check_staff_access()
        # logins and signup fields are the system's; the caller was checked
        for contact_sudo in contacts.sudo():
            user = contact_sudo.connect_user_id
            if not user or not user.active:
                raise UserError(
                    self.env._(
                        "%(name)s has no active login to reset.", name=contact_sudo.display_name
                    )
                )
            if not user.share:
                raise UserError(
                    self.env._(
                        "%(name)s is a dealership user; their password is reset in Settings.",
                        name=contact_sudo.display_name,
                    )
                )
            user.partner_id.signup_prepare(signup_type="reset")
            self.env["customer_connect.mail.sender"]._send(
                "customer_connect.mail_template_connect_password_reset",
                user.partner_id,
                "password_reset",
                log_partner=contact_sudo,
                links=self._password_reset_links(user.partner_id),
            )
