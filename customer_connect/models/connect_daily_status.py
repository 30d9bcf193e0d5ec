import logging
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import email_normalize, format_date

_logger = logging.getLogger(__name__)

DAILY_STATUS_TEMPLATE = "customer_connect.mail_template_connect_daily_status"
# lines a section shows at most; the rest is counted on one line
SECTION_MAX_LINES = 30


class CustomerConnectDailyStatus(models.AbstractModel):
    """The dealer's daily status e-mail: what happened in a dealer company
    yesterday (its day, in its time zone), in sections, e-mailed to the staff
    chosen in Settings, once per day; nothing is sent when no section has
    anything to say.

    Each section comes from a *source* model (``_connect_daily_status_sources``,
    which addons extend) implementing::

        @api.model
        def _connect_daily_status_section(self, company, date_from, date_to):
            # None (nothing to say) or
            return {"sequence": 20, "title": "...", "lines": ["...", ...]}

    ``date_from`` and ``date_to`` are the day's bounds as UTC datetimes (the
    database's), ``date_to`` excluded. Sources read as the system: the
    e-mail goes to staff of that company, chosen by its administrator.
    Lines are plain text; the template escapes them.
    """

    _name = "customer_connect.daily.status"
    _description = "Customer Connect daily status e-mail"

    @api.model
    def _connect_daily_status_sources(self):
        """Names of the models giving a section, each with its sequence:
        web leads (10, crm.lead), activations (20, res.partner), pending
        invitations (30, customer_connect.invitation), disputes (40,
        customer_connect.dispute), and, from their addons, payments (50) and
        DMS imports (60). Models not in the registry are skipped."""
        return [
            "crm.lead",
            "res.partner",
            "customer_connect.invitation",
            "customer_connect.dispute",
        ]

    # ------------------------------------------------------------------
    # The day
    # ------------------------------------------------------------------
    @api.model
    def _company_tz(self, company):
        """The dealer company's time zone: its partner's (Settings >
        Customer Connect > Daily status), else UTC."""
        # sudo: the dealer company's own time zone, a setting, nothing of a customer's
        tz = company.sudo().partner_id.tz
        return pytz.timezone(tz) if tz in pytz.all_timezones_set else pytz.utc

    @api.model
    def _company_yesterday(self, company, now=None):
        """The day before today in the company's time zone."""
        now = now or fields.Datetime.now()
        local_now = pytz.utc.localize(now).astimezone(self._company_tz(company))
        return local_now.date() - timedelta(days=1)

    @api.model
    def _day_bounds(self, company, day):
        """(start, end) of ``day`` in the company's time zone, as naive UTC
        datetimes (``end`` excluded)."""
        tz = self._company_tz(company)

        def utc(d):
            return (
                tz.localize(datetime.combine(d, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            )

        return utc(day), utc(day + timedelta(days=1))

    # ------------------------------------------------------------------
    # Sections and recipients
    # ------------------------------------------------------------------
    @api.model
    def _readable_sources(self, user):
        """The sources whose records ``user`` may read: a section tells
        only what its reader could open in Odoo (web leads, for one, need
        Sales rights, which a Customer Connect user need not have)."""
        return tuple(
            model_name
            for model_name in self._connect_daily_status_sources()
            if model_name in self.env
            and hasattr(self.env[model_name], "_connect_daily_status_section")
            # a service (the invitations) has no records of its own: what
            # it tells is the Customer Connect role's, which every reader has
            and (
                self.env[model_name]._abstract
                or self.env[model_name].with_user(user).has_access("read")
            )
        )

    @api.model
    def _sections(self, company, date_from, date_to, sources=None):
        """The sections with something to say, in their order, of
        ``sources`` (default: all of them)."""
        sections = []
        for model_name in self._connect_daily_status_sources():
            if model_name not in self.env or (sources is not None and model_name not in sources):
                continue  # its addon is not installed, or not for this reader
            Model = self.env[model_name]
            if not hasattr(Model, "_connect_daily_status_section"):
                continue
            # every source reads as the system, for this company only
            section = (
                Model.sudo()
                .with_company(company)
                ._connect_daily_status_section(company, date_from, date_to)
            )
            if section and section.get("lines"):
                sections.append(section)
        return sorted(sections, key=lambda s: s.get("sequence", 100))

    @api.model
    def _cap_lines(self, lines, limit=SECTION_MAX_LINES):
        """``lines`` cut to ``limit``, the rest counted on a last line."""
        lines = list(lines)
        if len(lines) <= limit:
            return lines
        rest = len(lines) - limit
        return [*lines[:limit], self.env._("… and %(count)s more.", count=rest)]

    @api.model
    def _recipients(self, company):
        """The staff chosen for ``company``'s daily status who still are
        Customer Connect users of it, with one e-mail address."""
        # sudo: the company's chosen recipients (a setting), each checked below
        users = company.sudo().connect_daily_status_user_ids
        return users.filtered(
            lambda u: (
                u.active
                and not u.share
                and company in u.company_ids
                and u.has_group("customer_connect.group_connect_user")
                and email_normalize(u.partner_id.email or "", strict=True)
            )
        )

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    @api.model
    def _send_company(self, company, day):
        """Send ``company``'s status of ``day`` to its chosen staff, one
        e-mail each, unless it was sent already; sections are written in
        each recipient's language. Returns the e-mail history rows (none
        when nothing was to be said or sent)."""
        # sudo: the daily status is the system's job (cron), over every area's data
        company = company.sudo()
        logs = self.env["customer_connect.mail.log"]
        if company.connect_daily_status_last_day and company.connect_daily_status_last_day >= day:
            return logs  # sent already (the job ran again)
        recipients = self._recipients(company)
        if not recipients:
            return logs
        date_from, date_to = self._day_bounds(company, day)
        template = self.env.ref(DAILY_STATUS_TEMPLATE)
        Sender = self.env["customer_connect.mail.sender"].with_company(company)
        for (lang, sources), users in recipients.grouped(
            lambda u: (u.partner_id.lang or "en_US", self._readable_sources(u))
        ).items():
            Status = self.with_context(lang=lang)
            sections = Status._sections(company, date_from, date_to, sources)
            if not sections:
                continue
            logs |= Sender._send(
                template.with_context(
                    connect_daily_status={
                        "company": company.name,
                        "email_from": company.email_formatted,
                        "day": format_date(Status.env, day, lang_code=lang),
                        "sections": [
                            {"title": s["title"], "lines": [str(line) for line in s["lines"]]}
                            for s in sections
                        ],
                    }
                ),
                users.partner_id,
                "daily_status",
            )
        company.connect_daily_status_last_day = day
        return logs

    @api.model
    def _cron_send(self):
        """Daily: each dealer company's status of its yesterday, once."""
        # sudo: the cron job, over every dealer company
        companies = (
            self.env["res.company"].sudo().search([("connect_daily_status_user_ids", "!=", False)])
        )
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    self._send_company(company, self._company_yesterday(company))
            except Exception:
                # one company's failure does not keep the others' e-mail;
                # its day is not recorded, so the next run tries again
                _logger.exception("Daily status of %s not sent", company.name)
