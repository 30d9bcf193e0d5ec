from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import ConnectCase
from .daily_status_window import DailyStatusWindowMixin


@tagged("post_install", "-at_install")
class TestDailyStatus(DailyStatusWindowMixin, ConnectCase):
    """The dealer's daily status e-mail: sections of the company's
    yesterday, to the chosen staff only, once a day, nothing when there is
    nothing to say."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Status = cls.env["customer_connect.daily.status"]
        cls.staff.partner_id.email = "sam.staff@northfield.example"
        cls.staff_admin.partner_id.email = "ada.admin@northfield.example"
        cls.company.connect_daily_status_user_ids = [Command.set(cls.staff.ids)]

    def _status_logs(self):
        return self.env["customer_connect.mail.log"].search([("kind", "=", "daily_status")])

    def _body(self, log):
        return str(log.mail_id.body_html)

    def test_sections_of_the_day(self):
        """Yesterday's activations and pending invitations, each in its
        section, in the chosen staff member's e-mail."""
        with freeze_time("2026-03-02 09:00:00"):
            self.farm_billing.with_user(self.staff)._connect_invite()
        with freeze_time("2026-03-02 15:30:00"):
            self._activate(self.golf_keeper)
        with freeze_time("2026-03-01 12:00:00"):
            # the day before: not in this e-mail
            self._activate(self.farm_fiona)
        with freeze_time("2026-03-03 05:00:00"):
            self.Status._cron_send()
        log = self._status_logs()
        self.assertEqual(len(log), 1)
        self.assertEqual(log.partner_id, self.staff.partner_id)
        self.assertEqual(log.recipient, self.staff.partner_id.email_formatted)
        body = self._body(log)
        self.assertIn("Activations", body)
        self.assertIn("Head Greenkeeper (Loch Vale Golf Club, greens@lochvale.example)", body)
        self.assertNotIn("Fiona Reid", body, "activated the day before")
        self.assertIn("Pending invitations", body)
        self.assertIn("Accounts Payable (Greenacres Farm, accounts@greenacres.example)", body)
        self.assertIn("1 invitations pending activation in all.", body)
        self.assertLess(body.index("Activations"), body.index("Pending invitations"))
        self.assertIn("daily status", log.subject)
        self.assertEqual(self.company.connect_daily_status_last_day, date(2026, 3, 2))

    def test_expired_link_is_reported(self):
        with freeze_time("2026-02-27 10:00:00"):
            self.farm_billing.with_user(self.staff)._connect_invite()
        with freeze_time("2026-03-01 05:00:00"):  # 28 Feb: nothing happened
            self.Status._cron_send()
        self.assertFalse(self._status_logs())
        with freeze_time("2026-03-03 05:00:00"):  # 2 Mar: 72 hours are over at 10:00
            self.Status._cron_send()
        body = self._body(self._status_logs())
        self.assertIn(
            "Accounts Payable (Greenacres Farm, accounts@greenacres.example): the link "
            "expired unused",
            body,
        )

    def test_nothing_to_say_nothing_sent(self):
        with freeze_time("2026-03-02 09:00:00"):
            self._activate(self.golf_keeper)
        with freeze_time("2026-03-04 05:00:00"):  # 3 March: a quiet day
            self.Status._cron_send()
        self.assertFalse(self._status_logs())
        self.assertFalse(self.env["mail.mail"].search([("subject", "ilike", "daily status")]))
        self.assertEqual(
            self.company.connect_daily_status_last_day,
            date(2026, 3, 3),
            "the quiet day is done: not looked at again",
        )

    def test_cron_twice_sends_once(self):
        with freeze_time("2026-03-02 09:00:00"):
            self._activate(self.golf_keeper)
        with freeze_time("2026-03-03 05:00:00"):
            self.Status._cron_send()
        with freeze_time("2026-03-03 17:00:00"):
            self.Status._cron_send()
        self.assertEqual(len(self._status_logs()), 1)
        with freeze_time("2026-03-03 11:00:00"):
            self._activate(self.farm_fiona)
        with freeze_time("2026-03-04 05:00:00"):
            self.Status._cron_send()
        logs = self._status_logs()
        self.assertEqual(len(logs), 2, "the next day has its own e-mail")
        self.assertIn("Fiona Reid", self._body(logs[0]))

    def test_only_chosen_staff(self):
        """Chosen staff who still are Customer Connect users of the company
        get one e-mail each; staff not chosen and a chosen employee without
        a Customer Connect role get none."""
        employee = new_test_user(
            self.env,
            "plain_employee",
            groups="base.group_user",
            email="plain@northfield.example",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        colleague = new_test_user(
            self.env,
            "cc_colleague",
            groups="customer_connect.group_connect_user",
            email="colleague@northfield.example",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.company.connect_daily_status_user_ids = [
            Command.set((self.staff | colleague | employee).ids)
        ]
        with freeze_time("2026-03-02 09:00:00"):
            self._activate(self.golf_keeper)
        with freeze_time("2026-03-03 05:00:00"):
            self.Status._cron_send()
        logs = self._status_logs()
        self.assertEqual(logs.partner_id, self.staff.partner_id | colleague.partner_id)
        self.assertEqual(len(logs), 2, "one e-mail per recipient")
        self.assertEqual(len(logs.mail_id), 2)
        for log in logs:
            self.assertEqual(log.mail_id.email_to, log.partner_id.email_formatted, "to them alone")

    def test_names_are_escaped(self):
        evil = self.env["res.partner"].create(
            {
                "name": "<b>Evil</b> & Co",
                "is_company": True,
                "company_id": self.company.id,
                "customer_rank": 1,
                "child_ids": [
                    Command.create({"name": "<script>alert(1)</script>", "email": "x@evil.example"})
                ],
            }
        )
        with freeze_time("2026-03-02 09:00:00"):
            self._activate(evil.child_ids)
        with freeze_time("2026-03-03 05:00:00"):
            self.Status._cron_send()
        body = self._body(self._status_logs())
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", body)
        self.assertIn("&lt;b&gt;Evil&lt;/b&gt; &amp; Co", body)
        self.assertNotIn("<script>", body)
        self.assertNotIn("<b>Evil", body)

    def test_company_day_in_its_time_zone(self):
        self.company.partner_id.tz = "America/New_York"
        self.assertEqual(
            self.Status._day_bounds(self.company, date(2026, 3, 2)),
            (datetime(2026, 3, 2, 5, 0), datetime(2026, 3, 3, 5, 0)),
        )
        # 22:00 on 2 March in New York: its yesterday is 1 March
        self.assertEqual(
            self.Status._company_yesterday(self.company, datetime(2026, 3, 3, 3, 0)),
            date(2026, 3, 1),
        )
        with freeze_time("2026-03-03 03:00:00"):  # 22:00 on 2 March in New York
            self._activate(self.golf_keeper)
        with freeze_time("2026-03-03 04:00:00"):  # 23:00 on 2 March: reports 1 March
            self.Status._cron_send()
        self.assertFalse(self._status_logs(), "activated on 2 March, New York time")
        with freeze_time("2026-03-03 06:00:00"):  # 01:00 on 3 March: reports 2 March
            self.Status._cron_send()
        self.assertIn("Head Greenkeeper", self._body(self._status_logs()))
        self.assertEqual(self.company.connect_daily_status_last_day, date(2026, 3, 2))

    def test_sources_of_other_addons(self):
        """Web leads and disputes come from their addons: their models are
        listed, and skipped while they are not installed."""
        sources = self.Status._connect_daily_status_sources()
        for name in (
            "crm.lead",
            "res.partner",
            "customer_connect.invitation",
            "customer_connect.dispute",
        ):
            self.assertIn(name, sources)
        with freeze_time("2026-03-02 09:00:00"):
            self._activate(self.golf_keeper)
        start, end = self.Status._day_bounds(self.company, date(2026, 3, 2))
        sections = self.Status._sections(self.company, start, end)
        self.assertEqual([s["sequence"] for s in sections], sorted(s["sequence"] for s in sections))
        self.assertIn(20, [s["sequence"] for s in sections])

    def test_web_leads_of_the_day(self):
        """A Request Info post of the day is in that day's e-mail, in the
        first section, what the visitor typed escaped; only for a reader with
        Sales rights (the visitor's details are the leads'), the rest of the
        e-mail for the others. (A lead's create date is the database
        transaction's: the day is today.)"""
        self.staff_admin.groups_id |= self.env.ref("sales_team.group_sale_salesman")
        self.company.connect_daily_status_user_ids = [
            Command.set((self.staff | self.staff_admin).ids)
        ]
        self._activate(self.golf_keeper)  # something for every reader
        result = self.env["customer_connect.web.lead"]._submit(
            {
                "contact_name": "Morag <b>Bold</b>",
                "partner_name": "Glen Farm",
                "email_from": "morag@glen.example",
                "message": "Price of a 6155R?",
            },
            "203.0.113.9",
            self.company,
        )
        self.assertEqual(result["state"], "filed", result["errors"])
        lead = result["lead"]
        day = self.Status._company_yesterday(self.company, now=lead.create_date) + timedelta(days=1)
        self.Status._send_company(self.company, day)
        logs = self._status_logs()
        sales_body = self._body(
            logs.filtered(lambda l: l.partner_id == self.staff_admin.partner_id)
        )
        self.assertIn("web lead", sales_body.lower())
        self.assertIn("Morag &lt;b&gt;Bold&lt;/b&gt;", sales_body)
        self.assertNotIn("<b>Bold</b>", sales_body)
        self.assertLess(sales_body.lower().index("web lead"), sales_body.index("Activations"))
        other_body = self._body(logs.filtered(lambda l: l.partner_id == self.staff.partner_id))
        self.assertIn("Activations", other_body)
        self.assertNotIn("Morag", other_body)
        self.assertNotIn("web lead", other_body.lower())

    # -- each section covers exactly the company's yesterday ---------------
    def _window_contact(self, n):
        return self.env["res.partner"].create(
            {
                "name": f"Window Contact {n}",
                "email": f"window{n}@lochvale.example",
                "parent_id": self.golf.id,
            }
        )

    def _activate_at(self, at, n):
        contact = self._window_contact(n)
        with freeze_time(at):
            self._activate(contact)
        return f"Window Contact {n} (Loch Vale Golf Club"

    def _invite_at(self, at, n):
        contact = self._window_contact(n)
        with freeze_time(at):
            contact.with_user(self.staff)._connect_invite()
        return f"Window Contact {n} (Loch Vale Golf Club"

    def _web_lead_at(self, at, n):
        result = self.env["customer_connect.web.lead"]._submit(
            {
                "contact_name": f"Window Visitor {n}",
                "email_from": f"visitor{n}@glen.example",
                "message": "Price of a 6155R?",
            },
            f"203.0.113.{n}",
            self.company,
        )
        self.assertEqual(result["state"], "filed", result["errors"])
        # a lead's create date is the database's clock, not freezegun's
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = %s", [at, result["lead"].id]
        )
        result["lead"].invalidate_recordset()
        return f"Window Visitor {n}"

    def test_activations_day_london(self):
        self.assertSectionCoversTheDay("Europe/London", self._activate_at)

    def test_activations_day_chicago(self):
        self.assertSectionCoversTheDay("America/Chicago", self._activate_at)

    def test_pending_invitations_day_london(self):
        self.assertSectionCoversTheDay("Europe/London", self._invite_at)

    def test_pending_invitations_day_chicago(self):
        self.assertSectionCoversTheDay("America/Chicago", self._invite_at)

    def test_web_leads_day_london(self):
        self.staff.groups_id |= self.env.ref("sales_team.group_sale_salesman")
        self.assertSectionCoversTheDay("Europe/London", self._web_lead_at)

    def test_web_leads_day_chicago(self):
        self.staff.groups_id |= self.env.ref("sales_team.group_sale_salesman")
        self.assertSectionCoversTheDay("America/Chicago", self._web_lead_at)
