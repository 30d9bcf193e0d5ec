from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize

# written by the system only (the mail gateway's bounce, the mail queue, a
# change of address, the reminder job), never by a user
BOUNCE_PROTECTED_FIELDS = {
    "connect_email_failing",
    "connect_email_failing_since",
    "connect_email_failing_log_id",
    "connect_reminder_count",
    "connect_last_reminder",
}


# A file of its own, as res_partner_dashboard.py: the contact's way from
# invitation to activation (reminders, a failing address, the day's
# activations for the daily status e-mail) adds state that the portal logic
# in res_partner.py does not read.
class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    connect_email_failing = fields.Boolean(
        "E-mail failing",
        copy=False,
        readonly=True,
        help="An invitation or statement e-mailed to this address bounced. Cleared when "
        "the address changes or a later e-mail to it is accepted.",
    )
    connect_email_failing_since = fields.Datetime("E-mail failing since", copy=False, readonly=True)
    connect_email_failing_log_id = fields.Many2one(
        "customer_connect.mail.log",
        "Bounced e-mail",
        copy=False,
        readonly=True,
        ondelete="set null",
    )
    # the dashboard filters on it: stored on the account, as connect_state
    connect_account_email_failing = fields.Boolean(
        "Account e-mail failing",
        compute="_compute_connect_account_email_failing",
        store=True,
        index="btree_not_null",
        help="One of this customer's addresses (its own or a contact's) is failing.",
    )
    connect_suggested_contact_id = fields.Many2one(
        "res.partner",
        "Invite instead",
        compute="_compute_connect_suggested_contact_id",
        help="Another contact of this customer with an e-mail address that is not failing "
        "and no portal login: invite them instead.",
    )
    connect_reminder_count = fields.Integer("Invitation reminders sent", copy=False, readonly=True)
    connect_last_reminder = fields.Datetime("Last invitation reminder", copy=False, readonly=True)

    @api.depends("connect_email_failing", "child_ids.connect_email_failing", "parent_id")
    def _compute_connect_account_email_failing(self):
        for partner in self:
            failing = partner.connect_email_failing
            if not partner.parent_id:
                failing = failing or any(partner.child_ids.mapped("connect_email_failing"))
            partner.connect_account_email_failing = failing

    @api.depends("connect_account_email_failing")
    def _compute_connect_suggested_contact_id(self):
        for partner in self:
            account = partner.commercial_partner_id
            partner.connect_suggested_contact_id = (
                account._connect_suggested_contact()
                if account.connect_account_email_failing
                else False
            )

    def _connect_check_protected(self, field_names):
        field_names = set(field_names)
        if not self.env.su and BOUNCE_PROTECTED_FIELDS & field_names:
            raise AccessError(
                self.env._(
                    "The portal state of a contact changes through Customer Connect's actions only."
                )
            )
        return super()._connect_check_protected(field_names)

    def write(self, vals):
        changed = self.browse()
        if "email" in vals:
            new = email_normalize(vals["email"] or "")
            changed = self.filtered(
                lambda p: p.connect_email_failing and email_normalize(p.email or "") != new
            )
        result = super().write(vals)
        if changed:
            # a corrected address is not known to fail (the system clears
            # the protected mail state)
            changed.sudo()._connect_clear_email_failing()
        return result

    def _connect_clear_email_failing(self, sent_logs=None):
        """These contacts' addresses are not failing any more: their address
        changed, or (with ``sent_logs``) an e-mail to that same address,
        queued after the one that bounced, was accepted by the mail server."""
        # no sudo() here: both callers (write on an address change, the mail
        # queue's cron in _update_from_mails) hand the contacts over as the
        # system already, as the protected mail state needs
        failing = self.filtered("connect_email_failing")
        if sent_logs is not None:
            failing = failing.filtered(
                lambda p: any(
                    log.partner_id == p
                    and log.id > p.connect_email_failing_log_id.id
                    and email_normalize(log.recipient or "") == email_normalize(p.email or "")
                    for log in sent_logs
                )
            )
        failing.write(
            {
                "connect_email_failing": False,
                "connect_email_failing_since": False,
                "connect_email_failing_log_id": False,
            }
        )

    def _connect_suggested_contact(self):
        """The contact of this customer to invite instead of one whose
        address fails: the first of the invitation's candidates (billing
        contacts first, then the customer, then the others by name) that is
        not failing, was never invited and has no login."""
        self.ensure_one()
        Invitation = self.env["customer_connect.invitation"]
        candidates = Invitation._candidates(self.commercial_partner_id).filtered(
            lambda p: (
                not p.connect_email_failing
                and p.connect_login_state == "not_invited"
                # logins are the system's to read: a contact with one (portal or
                # internal, archived too) is no one to invite
                and not p.sudo().with_context(active_test=False).user_ids
            )
        )
        return candidates[:1]

    def action_connect_invite_suggested(self):
        """Open the Invite dialog for the contact proposed instead of the
        failing address (see _connect_suggested_contact)."""
        self.ensure_one()
        account = self.commercial_partner_id
        account._connect_check_staff_access()
        contact = account._connect_suggested_contact()
        if not contact:
            raise UserError(
                self.env._(
                    "%(name)s has no other contact with a working e-mail address to invite; "
                    "correct the failing address or add a contact.",
                    name=account.display_name,
                )
            )
        action = account.action_connect_invite()
        action["context"] = {**action["context"], "default_contact_id": contact.id}
        return action

    # ------------------------------------------------------------------
    # Daily status: the day's activations (section 20)
    # ------------------------------------------------------------------
    @api.model
    def _connect_daily_status_section(self, company, date_from, date_to):
        """Contacts of ``company``'s customers who completed their account
        in the day, with how long after their first invitation."""
        _ = self.env._
        # sudo: the daily status job (cron), the company's contacts (domain below)
        activated = self.sudo().search(
            [
                "|",
                ("company_id", "=", company.id),
                "&",
                ("company_id", "=", False),
                ("commercial_partner_id.company_id", "=", company.id),
                ("connect_activated_on", ">=", date_from),
                ("connect_activated_on", "<", date_to),
            ],
            order="connect_activated_on, id",
        )
        if not activated:
            return None
        lines = []
        for contact in activated:
            invited = contact.connect_first_invited
            hours = (
                (contact.connect_activated_on - invited).total_seconds() / 3600 if invited else None
            )
            hours_text = f"{hours:.0f}" if hours is not None else ""
            lines.append(
                _(
                    "%(name)s (%(customer)s, %(email)s), %(hours)s hours after the invitation",
                    name=contact.name,
                    customer=contact.commercial_partner_id.name,
                    email=contact.email,
                    hours=hours_text,
                )
                if hours is not None
                else _(
                    "%(name)s (%(customer)s, %(email)s)",
                    name=contact.name,
                    customer=contact.commercial_partner_id.name,
                    email=contact.email,
                )
            )
        return {
            "sequence": 20,
            "title": _("Activations"),
            "lines": self.env["customer_connect.daily.status"]._cap_lines(lines),
        }
