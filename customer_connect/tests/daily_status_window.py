"""One check for every section of the daily status e-mail: the section
covers exactly the dealer company's yesterday in its time zone, from its
midnight (included) to the next (excluded). Each area's test calls it with a
way to raise one of its events at a given moment; the areas of the other
addons (online payments, DMS imports) call it from their own tests."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

# a summer day (summer time in both zones) and the UTC moments of its
# midnights: what the company's day must be, worked out by hand
WINDOW_DAY = date(2026, 7, 15)
WINDOW_ZONES = {
    # BST, UTC+1: 15 July runs from 14 July 23:00 UTC to 15 July 23:00 UTC
    "Europe/London": (datetime(2026, 7, 14, 23, 0), datetime(2026, 7, 15, 23, 0)),
    # CDT, UTC-5: 15 July runs from 15 July 05:00 UTC to 16 July 05:00 UTC
    "America/Chicago": (datetime(2026, 7, 15, 5, 0), datetime(2026, 7, 16, 5, 0)),
}
SECOND = timedelta(seconds=1)


class DailyStatusWindowMixin:
    """For a ConnectCase whose ``company`` has ``staff`` among its daily
    status readers."""

    def assertSectionCoversTheDay(self, zone, raise_event):
        """Raise four events around ``WINDOW_DAY`` in ``zone``: a second
        before its first midnight, at it, a second before the next, at it;
        send the e-mails of the day before, the day and the day after as the
        morning job does, and check each event is in its own day's e-mail and
        in no other.

        :param raise_event: ``raise_event(at, n)`` makes the ``n``-th event
            at ``at`` (naive UTC) and returns a text its line in the e-mail
            holds (unique to that event)
        """
        Status = self.env["customer_connect.daily.status"]
        self.company.partner_id.tz = zone
        start, end = WINDOW_ZONES[zone]
        self.assertEqual(Status._day_bounds(self.company, WINDOW_DAY), (start, end))
        day_before, day_after = WINDOW_DAY - timedelta(days=1), WINDOW_DAY + timedelta(days=1)
        expected = {
            raise_event(start - SECOND, 1): day_before,  # 23:59:59 the evening before
            raise_event(start, 2): WINDOW_DAY,  # 00:00:00, just after midnight
            raise_event(end - SECOND, 3): WINDOW_DAY,  # 23:59:59 on the day
            raise_event(end, 4): day_after,  # 00:00:00 the next day
        }
        self.assertEqual(len(expected), 4, "each event needs its own text")
        bodies = {}
        Log = self.env["customer_connect.mail.log"]
        for day in (day_before, WINDOW_DAY, day_after):
            before = Log.search([("kind", "=", "daily_status")])
            # the morning job of the next day, 06:00 there
            with freeze_time(Status._day_bounds(self.company, day)[1] + timedelta(hours=6)):
                Status._cron_send()
            self.assertEqual(self.company.connect_daily_status_last_day, day)
            logs = Log.search([("kind", "=", "daily_status")]) - before
            bodies[day] = "".join(str(log.mail_id.body_html) for log in logs)
        for text, day in expected.items():
            for other_day, body in bodies.items():
                if other_day == day:
                    self.assertIn(text, body, f"{text} belongs to {day} in {zone}")
                else:
                    self.assertNotIn(text, body, f"{text} is not of {other_day} in {zone}")
