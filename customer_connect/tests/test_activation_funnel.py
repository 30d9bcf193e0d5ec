from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import ConnectCase


class FunnelCase(ConnectCase):
    @classmethod
    def _customer(cls, name, email, company=None):
        company = company or cls.company
        account = cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "company_id": company.id,
                "customer_rank": 1,
                "child_ids": [
                    Command.create(
                        {"name": f"{name} office", "email": email, "company_id": company.id}
                    )
                ],
            }
        )
        return account, account.child_ids

    def _invite_at(self, contact, when, staff=None):
        staff = staff or self.staff
        with freeze_time(when):
            code, message = contact.with_user(staff)._connect_invite()[contact]
        self.assertEqual(code, "invited", message)

    def _complete_at(self, contact, when, token=None):
        """The contact completes the account with its e-mailed link and
        logs in, at ``when``."""
        with freeze_time(when):
            token = token or self._signup_token(contact)
            self.env["res.users"].sudo().signup(
                {"login": contact.email, "password": self.PORTAL_PASSWORD}, token
            )
            contact.with_context(active_test=False).user_ids._update_last_login()
        self.assertEqual(contact.connect_login_state, "active")

    def _payment(self, account, when, company=None):
        company = company or self.company
        journal = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        payment = (
            self.env["account.payment"]
            .with_company(company)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": account.id,
                    "amount": 100.0,
                    "journal_id": journal.id,
                }
            )
        )
        payment.action_post()
        if "connect_online" in payment._fields:
            # customer_connect_payments counts the payments made in the portal
            payment.sudo().connect_online = True
        payment.flush_recordset()
        # when Odoo recorded it: the database's clock, not freezegun's
        self.env.cr.execute(
            "UPDATE account_payment SET create_date = %s WHERE id = %s", [when, payment.id]
        )
        payment.invalidate_recordset()
        return payment


@tagged("post_install", "-at_install")
class TestActivationFunnel(FunnelCase):
    """Invited, activated, first payment per dealer company and ISO week of
    the customer account's first invitation, with hours per step."""

    def _rows(self, company=None):
        self.env.flush_all()
        Funnel = (
            self.env["customer_connect.activation.funnel"]
            .with_user(self.staff)
            .with_context(allowed_company_ids=self.staff.company_ids.ids)
        )
        return {
            row.week: row
            for row in Funnel.search([("company_id", "=", (company or self.company).id)])
        }

    def test_counts_and_hours_per_week(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_connect.invitation_validity_hours", "200"
        )
        _hill, hill_office = self._customer("Hill Top", "office@hilltop.example")
        _moor, moor_office = self._customer("Moor End", "office@moorend.example")
        # week 10 of 2026 (Monday 2 March)
        self._invite_at(self.farm_billing, "2026-03-02 10:00:00")
        self._complete_at(self.farm_billing, "2026-03-03 10:00:00")  # 24 hours
        self._invite_at(self.golf_keeper, "2026-03-04 12:00:00")
        self._complete_at(self.golf_keeper, "2026-03-05 00:00:00")  # 12 hours
        self._invite_at(hill_office, "2026-03-06 08:00:00")
        self._complete_at(hill_office, "2026-03-08 20:00:00")  # 60 hours
        # a second contact of Greenacres, invited later: still the account
        # of week 10 (its first invitation)
        self._invite_at(self.farm_fiona, "2026-03-10 09:00:00")
        # week 11: invited, never activated
        self._invite_at(moor_office, "2026-03-11 09:00:00")
        # payments: Greenacres 48 hours after activation; Loch Vale paid
        # before its activation (not a step of the funnel), Hill Top never
        self._payment(self.farm, "2026-03-05 10:00:00")
        self._payment(self.farm, "2026-03-06 10:00:00")
        self._payment(self.golf, "2026-03-04 18:00:00")
        rows = self._rows()
        self.assertEqual(set(rows), {"2026-W10", "2026-W11"})
        w10, w11 = rows["2026-W10"], rows["2026-W11"]
        self.assertEqual(w10.week_start, date(2026, 3, 2))
        self.assertEqual((w10.invited_count, w10.activated_count, w10.paid_count), (3, 3, 1))
        self.assertAlmostEqual(w10.hours_to_activate_median, 24.0)
        self.assertAlmostEqual(w10.hours_to_activate_avg, 32.0)
        self.assertAlmostEqual(w10.hours_to_pay_median, 48.0)
        self.assertAlmostEqual(w10.hours_to_pay_avg, 48.0)
        self.assertAlmostEqual(w10.activation_rate, 100.0)
        self.assertEqual((w11.invited_count, w11.activated_count, w11.paid_count), (1, 0, 0))
        self.assertFalse(w11.hours_to_activate_median)
        # the pivot's totals are sums of the counts
        groups = (
            self.env["customer_connect.activation.funnel"]
            .with_user(self.staff)
            ._read_group(
                [("company_id", "=", self.company.id)],
                [],
                ["invited_count:sum", "activated_count:sum", "paid_count:sum"],
            )
        )
        self.assertEqual(groups, [(4, 3, 1)])

    def test_per_company(self):
        south = self.setup_other_company(name="Southfield Machinery")["company"]
        self.staff.company_ids |= south
        staff = self.staff.with_context(allowed_company_ids=(self.company | south).ids)
        _account, contact = self._customer("South Farm", "office@southfarm.example", south)
        self._invite_at(self.golf_keeper, "2026-03-04 12:00:00")
        self._invite_at(contact, "2026-03-04 12:00:00", staff=staff)
        self._complete_at(contact, "2026-03-04 18:00:00")
        north = self._rows()["2026-W10"]
        south_row = self._rows(south)["2026-W10"]
        self.assertEqual((north.invited_count, north.activated_count), (1, 0))
        self.assertEqual((south_row.invited_count, south_row.activated_count), (1, 1))
        self.assertAlmostEqual(south_row.hours_to_activate_median, 6.0)
        # staff of the north company alone do not see the south's row
        self.staff.company_ids -= south
        self.env.flush_all()
        Funnel = self.env["customer_connect.activation.funnel"].with_user(self.staff)
        self.assertEqual(Funnel.search([]).company_id, self.company)

    def test_plain_employee_sees_no_funnel(self):
        from odoo.tests import new_test_user

        employee = new_test_user(self.env, "plain_funnel", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["customer_connect.activation.funnel"].with_user(employee).search([])


@tagged("post_install", "-at_install")
class TestInvitationReminders(FunnelCase):
    """Pending invitations are reminded on the company's schedule, with a
    fresh link, as the inviter; never beyond the most reminders, and never
    once the contact activated or was inactivated."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"connect_reminder_days": "3,7,14", "connect_reminder_max": 3})
        cls.Invitation = cls.env["customer_connect.invitation"]

    def _reminders(self, contact):
        return self.env["customer_connect.mail.log"].search(
            [("partner_id", "=", contact.id), ("kind", "=", "invitation_reminder")],
            order="id",
        )

    def _run(self, when):
        with freeze_time(when):
            self.Invitation._cron_send_reminders()

    def test_daily_status_says_reminded(self):
        """A reminder is told as such in the day's pending invitations, even
        though the clock moves while the reminder e-mail is rendered."""
        self._invite_at(self.farm_billing, "2026-03-02 09:00:00")
        # every reading of the clock a second later: the reminder e-mail
        # is stamped after the job started
        with freeze_time("2026-03-05 06:00:00", auto_tick_seconds=1):
            self.Invitation._cron_send_reminders()
        self.assertEqual(len(self._reminders(self.farm_billing)), 1)
        Status = self.env["customer_connect.daily.status"]
        start, end = Status._day_bounds(self.company, date(2026, 3, 5))
        section = self.Invitation._connect_daily_status_section(self.company, start, end)
        line = next(line for line in section["lines"] if "Accounts Payable" in line)
        self.assertIn("reminded", line)

    def test_reminders_on_schedule_up_to_the_max(self):
        self._invite_at(self.farm_billing, "2026-03-02 09:00:00")
        first_token = self._signup_token(self.farm_billing)
        for day, expected in (
            ("2026-03-03", 0),
            ("2026-03-04", 0),
            ("2026-03-05", 1),  # 3 days after the invitation
            ("2026-03-06", 1),
            ("2026-03-08", 1),
            ("2026-03-09", 2),  # 7 days after it
            ("2026-03-15", 2),
            ("2026-03-16", 3),  # 14 days after it
            ("2026-03-23", 3),  # the most: 3
            ("2026-04-30", 3),
        ):
            self._run(f"{day} 06:00:00")
            self.assertEqual(len(self._reminders(self.farm_billing)), expected, day)
        self.assertEqual(self.farm_billing.connect_reminder_count, 3)
        self.assertEqual(str(self.farm_billing.connect_last_reminder), "2026-03-16 06:00:00")
        reminders = self._reminders(self.farm_billing)
        self.assertEqual(reminders.author_id, self.staff, "sent as the inviter")
        self.assertIn("Reminder", reminders[0].subject)
        # each reminder is a fresh invitation: only the last link opens the account
        tokens = [self._token_in(log) for log in reminders]
        self.assertEqual(len(set(tokens + [first_token])), 4)
        with freeze_time("2026-03-16 07:00:00"):
            for token in [first_token, *tokens[:-1]]:
                self.assertIsNone(self.Invitation._partner_from_token(token))
            self.assertEqual(self.Invitation._partner_from_token(tokens[-1]), self.farm_billing)

    def test_reminder_link_completes_the_account_and_reminders_stop(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_connect.invitation_validity_hours", "24"
        )
        self._invite_at(self.farm_billing, "2026-03-02 09:00:00")
        self._run("2026-03-05 06:00:00")
        # the invitation's link expired after 24 hours; the reminder's works
        token = self._token_in(self._reminders(self.farm_billing))
        self._complete_at(self.farm_billing, "2026-03-05 08:00:00", token=token)
        self._run("2026-03-09 06:00:00")
        self._run("2026-03-16 06:00:00")
        self.assertEqual(len(self._reminders(self.farm_billing)), 1, "active: no more reminders")

    def test_no_reminder_once_activated_or_inactivated(self):
        self._invite_at(self.farm_billing, "2026-03-02 09:00:00")
        self._complete_at(self.farm_billing, "2026-03-03 09:00:00")
        self._invite_at(self.golf_keeper, "2026-03-02 09:00:00")
        with freeze_time("2026-03-03 10:00:00"):
            self.golf.with_user(self.staff).action_connect_inactivate()
        self._run("2026-03-05 06:00:00")
        self._run("2026-03-20 06:00:00")
        self.assertFalse(self._reminders(self.farm_billing))
        self.assertFalse(self._reminders(self.golf_keeper))
        # re-invited by staff after the max: a new series of reminders
        self._invite_at(self.farm_fiona, "2026-03-02 09:00:00")
        for day in ("2026-03-05", "2026-03-09", "2026-03-16", "2026-03-23"):
            self._run(f"{day} 06:00:00")
        self.assertEqual(self.farm_fiona.connect_reminder_count, 3)
        self._invite_at(self.farm_fiona, "2026-03-24 09:00:00")
        self.assertEqual(self.farm_fiona.connect_reminder_count, 0)
        self._run("2026-03-27 06:00:00")
        self.assertEqual(len(self._reminders(self.farm_fiona)), 4)

    def test_no_schedule_no_reminders(self):
        self.company.connect_reminder_days = False
        self._invite_at(self.farm_billing, "2026-03-02 09:00:00")
        self._run("2026-03-20 06:00:00")
        self.assertFalse(self._reminders(self.farm_billing))

    def test_inviter_removed_sends_nothing(self):
        self._invite_at(self.farm_billing, "2026-03-02 09:00:00")
        self.staff.groups_id -= self.env.ref("customer_connect.group_connect_user")
        self.assertFalse(self.Invitation._due_reminders())
        self._run("2026-03-05 06:00:00")
        self.assertFalse(self._reminders(self.farm_billing))
        self.assertEqual(self.farm_billing.connect_reminder_count, 0)

    def test_schedule_setting(self):
        self.assertEqual(self.company._connect_reminder_schedule(), ([3, 7, 14], 3))
        self.assertEqual(
            [self.Invitation._reminder_gap([3, 7, 14], n) for n in range(5)], [3, 4, 7, 7, 7]
        )
        with self.assertRaises(ValidationError):
            self.company.connect_reminder_days = "3, soon"
        with self.assertRaises(ValidationError):
            self.company.connect_reminder_days = "0"
        # the counters are the system's
        with self.assertRaises(AccessError):
            self.farm_billing.with_user(self.staff).write({"connect_reminder_count": 9})


@tagged("post_install", "-at_install")
class TestActivationFunnelTour(FunnelCase, HttpCase):
    def test_tour_week_without_activation_shows_no_hours(self):
        """A week with no activation shows no median (it showed 0.0 hours)."""
        # week 10 of 2026: one account, activated after 24 hours, never paid
        self._invite_at(self.farm_billing, "2026-03-02 10:00:00")
        self._complete_at(self.farm_billing, "2026-03-03 10:00:00")
        # week 11: invited, never activated
        self._invite_at(self.golf_keeper, "2026-03-11 09:00:00")
        self.env.flush_all()
        self.start_tour(
            "/odoo/action-customer_connect.action_connect_activation_funnel",
            "customer_connect_activation_funnel",
            login=self.staff.login,
        )
