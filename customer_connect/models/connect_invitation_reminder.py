import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime

_logger = logging.getLogger(__name__)

REMINDER_TEMPLATE = "customer_connect.mail_template_connect_invitation_reminder"


class CustomerConnectInvitation(models.AbstractModel):
    """Automatic reminders of pending invitations, on the schedule each
    dealer company sets (Settings: days after the invitation, most
    reminders), and the pending invitations of the daily status e-mail.

    A reminder *is* an invitation again, through ``_invite``: a fresh link
    (the earlier one dies, the link's lifetime starts again), the same
    checks, sent as the staff member who invited the contact (as bulk
    invitations run as the one who queued them: their rights apply again,
    and a colleague removed since sends nothing). Reminders stop when the
    contact completes the account, is inactivated (which withdraws the
    invitation) or has had the most reminders; a staff (re-)invitation
    starts them afresh.
    """

    _inherit = "customer_connect.invitation"

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------
    @api.model
    def _reminder_gap(self, days, count):
        """Days between the last invitation or reminder and reminder number
        ``count + 1`` for the schedule ``days`` (e.g. [3, 7, 14]: 3, 4, 7,
        then 7 again)."""
        if count < len(days):
            return days[count] - (days[count - 1] if count else 0)
        return days[-1] - days[-2] if len(days) > 1 else days[-1]

    @api.model
    def _inviter_may_remind(self, inviter, company):
        """Whether reminders of ``inviter``'s invitations in ``company`` may
        go as them: still an active Customer Connect user of the company."""
        return bool(
            inviter
            and inviter.active
            and not inviter.share
            and company in inviter.company_ids
            and inviter.has_group("customer_connect.group_connect_user")
        )

    @api.model
    def _due_reminders(self, now=None):
        """The pending contacts whose next reminder is due (as the system:
        a job over every dealer company)."""
        now = now or fields.Datetime.now()
        schedules = {}
        # sudo: the reminder job (cron), over every dealer company
        for company in (
            self.env["res.company"].sudo().search([("connect_reminder_days", "!=", False)])
        ):
            days, most = company._connect_reminder_schedule()
            if days and most:
                schedules[company] = (days, most)
        if not schedules:
            return self.env["res.partner"]
        # sudo: the reminder job (cron), over every company's pending contacts
        contacts = (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("connect_login_state", "=", "invited"),
                    ("connect_last_invited", "!=", False),
                    # a login made by Odoo's Grant Portal Access: its own
                    # Re-invite, not our signup link, is what it waits for
                    ("connect_user_id", "=", False),
                    ("connect_reminder_count", "<", max(most for _d, most in schedules.values())),
                ],
                order="connect_last_invited, id",
            )
        )
        may_remind = {}
        due = contacts.browse()
        for contact in contacts:
            company = contact._connect_company()
            if company not in schedules:
                continue
            days, most = schedules[company]
            count = contact.connect_reminder_count
            if count >= most:
                continue
            last = max(filter(None, (contact.connect_last_invited, contact.connect_last_reminder)))
            if (now.date() - last.date()).days < self._reminder_gap(days, count):
                continue
            key = (contact.connect_invited_by_id, company)
            if key not in may_remind:
                may_remind[key] = self._inviter_may_remind(*key)
            if may_remind[key]:
                due |= contact
        return due

    @api.model
    def _cron_send_reminders(self, chunk=200):
        """Daily: remind the pending contacts whose reminder is due; one
        chunk per call (Odoo's cron commits and calls again while
        _notify_progress says work remains)."""
        due = self._due_reminders()
        batch = due[:chunk]
        for (inviter, company), contacts in batch.grouped(
            lambda c: (c.connect_invited_by_id, c._connect_company())
        ).items():
            self._send_reminders(contacts, inviter, company)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(due) - len(batch))

    @api.model
    def _send_reminders(self, contacts, inviter, company):
        """Invite ``contacts`` again as ``inviter``, with the reminder
        e-mail; each reminder is counted, sent or refused (a refusal, say an
        address now taken by another customer, uses the reminder up: the job
        does not retry it every day)."""
        now = fields.Datetime.now()
        Invitation = self.with_user(inviter).with_company(company)
        try:
            with self.env.cr.savepoint():
                results = Invitation._invite(
                    contacts.with_env(Invitation.env),
                    raise_on_refusal=False,
                    kind="invitation_reminder",
                    template=REMINDER_TEMPLATE,
                )
        except (AccessError, UserError) as error:
            # the inviter lost the right to these customers: nothing sent
            _logger.warning("Invitation reminders as %s not sent: %s", inviter.login, error)
            results = {}
        for contact, (code, message) in results.items():
            if code == "refused":
                _logger.info("Invitation reminder to %s refused: %s", contact.display_name, message)
        # the system counts the reminders on the contacts (protected fields);
        # a reminder sent is the invitation _invite just stamped (a moment
        # after ``now``): the daily status tells them apart by these times
        for contact_sudo in contacts.sudo():
            contact_sudo.write(
                {
                    "connect_reminder_count": contact_sudo.connect_reminder_count + 1,
                    "connect_last_reminder": max(now, contact_sudo.connect_last_invited or now),
                }
            )

    # ------------------------------------------------------------------
    # Daily status: pending invitations (section 30)
    # ------------------------------------------------------------------
    @api.model
    def _connect_daily_status_section(self, company, date_from, date_to):
        """Invitations and reminders sent in the day and still pending, and
        invitation links that expired in the day without being used; the
        number pending in all. Nothing when none of those happened."""
        _ = self.env._
        # sudo: the daily status job (cron), over the company's contacts (domain below)
        Partner = self.env["res.partner"].sudo()
        of_company = [
            "|",
            ("company_id", "=", company.id),
            "&",
            ("company_id", "=", False),
            ("commercial_partner_id.company_id", "=", company.id),
        ]
        pending = [*of_company, ("connect_login_state", "=", "invited")]
        validity = timedelta(hours=self._validity_hours())
        tz = self.env["customer_connect.daily.status"]._company_tz(company).zone
        sent = Partner.search(
            [
                *pending,
                ("connect_last_invited", ">=", date_from),
                ("connect_last_invited", "<", date_to),
            ],
            order="connect_last_invited, id",
        )
        expired = Partner.search(
            [
                *pending,
                ("connect_last_invited", ">=", date_from - validity),
                ("connect_last_invited", "<", date_to - validity),
            ],
            order="connect_last_invited, id",
        )
        if not sent and not expired:
            return None
        lines = [
            _(
                "%(name)s (%(customer)s, %(email)s): %(what)s %(when)s",
                name=contact.name,
                customer=contact.commercial_partner_id.name,
                email=contact.email,
                what=_("reminded")
                if contact.connect_last_reminder
                and contact.connect_last_reminder >= contact.connect_last_invited
                else _("invited"),
                when=format_datetime(
                    self.env, contact.connect_last_invited, tz=tz, dt_format="short"
                ),
            )
            for contact in sent
        ]
        lines += [
            _(
                "%(name)s (%(customer)s, %(email)s): the link expired unused",
                name=contact.name,
                customer=contact.commercial_partner_id.name,
                email=contact.email,
            )
            for contact in expired
        ]
        lines = self.env["customer_connect.daily.status"]._cap_lines(lines)
        lines.append(
            _(
                "%(count)s invitations pending activation in all.",
                count=Partner.search_count(pending),
            )
        )
        return {"sequence": 30, "title": _("Pending invitations"), "lines": lines}
