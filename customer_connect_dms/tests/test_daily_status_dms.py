from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.customer_connect.tests.daily_status_window import DailyStatusWindowMixin

from .common import DmsImportCase


@tagged("post_install", "-at_install")
class TestDailyStatusDms(DailyStatusWindowMixin, DmsImportCase):
    """The daily status e-mail lists the day's imports and their errors."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Status = cls.env["customer_connect.daily.status"]
        cls.staff.partner_id.email = "sam.staff@northfield.example"
        cls.company.connect_daily_status_user_ids = [Command.set(cls.staff.ids)]

    def test_imports_of_the_day_and_their_errors(self):
        self.assertIn(
            "customer_connect_dms.import.run", self.Status._connect_daily_status_sources()
        )
        text = "number,name\n00201,Good Farm\n00202,\n"
        with freeze_time("2026-03-02 09:00:00"):
            self._import("customers", text, name="monday.csv", allow_partial=True)
            self._import("customers", text, name="dry.csv", dry_run=True)
        with freeze_time("2026-03-01 09:00:00"):
            self._import("customers", "number,name\n00301,Sunday Farm\n", name="sunday.csv")
        with freeze_time("2026-03-03 05:00:00"):
            self.Status._cron_send()
        log = self.env["customer_connect.mail.log"].search([("kind", "=", "daily_status")])
        self.assertEqual(len(log), 1)
        body = str(log.mail_id.body_html)
        self.assertIn("DMS imports", body)
        self.assertIn("monday.csv", body)
        self.assertIn("1 created, 0 updated, 0 unchanged, 1 refused", body)
        self.assertIn("row 3, name: name: Name is required.", body)
        self.assertNotIn("dry.csv", body, "a dry run imports nothing")
        self.assertNotIn("sunday.csv", body, "another day")
        self.assertEqual(self.company.connect_daily_status_last_day, date(2026, 3, 2))

    def test_failed_import_is_reported(self):
        with freeze_time("2026-03-02 09:00:00"):
            self._import("customers", "Account,Town\n00123,Ayr\n", self.gold_customers)
        start, end = self.Status._day_bounds(self.company, date(2026, 3, 2))
        section = self.env["customer_connect_dms.import.run"]._connect_daily_status_section(
            self.company, start, end
        )
        self.assertEqual(section["sequence"], 60)
        text = "\n".join(section["lines"])
        self.assertIn("Failed", text)
        self.assertIn("Missing column(s)", text)
        # nothing imported that day: nothing to say
        start, end = self.Status._day_bounds(self.company, date(2026, 3, 3))
        self.assertIsNone(
            self.env["customer_connect_dms.import.run"]._connect_daily_status_section(
                self.company, start, end
            )
        )

    def _import_at(self, at, n):
        with freeze_time(at):
            self._import(
                "customers", f"number,name\n0040{n},Window Farm {n}\n", name=f"window{n}.csv"
            )
        return f"window{n}.csv ("

    def test_imports_day_london(self):
        """An import finished just after the company's midnight is in that
        day's e-mail alone, one a second before in the day before's."""
        self.assertSectionCoversTheDay("Europe/London", self._import_at)

    def test_imports_day_chicago(self):
        self.assertSectionCoversTheDay("America/Chicago", self._import_at)
