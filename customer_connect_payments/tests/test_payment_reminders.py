"""Payment reminders: the schedule, who receives them, what is left out
(held, paid, "no reminders"), each invoice and step once (also with the job
on two servers at once: two cursors over committed data), the daily status."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import format_date

from odoo.addons.customer_connect.tests import test_portal_isolation

from .common import PayCase

TODAY = "2026-03-10"


@tagged("post_install", "-at_install")
class TestPaymentReminders(PayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.connect_payment_reminder_days = "-3, 7, 21, 45"
        cls.Service = cls.env["customer_connect.payment.reminder.service"]
        cls.Log = cls.env["customer_connect.mail.log"]

    def _invoice_due(self, days_from_today, amount=100, partner=None):
        today = fields.Date.to_date(TODAY)
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.farm).id,
                "invoice_date": today - timedelta(days=40),
                "invoice_date_due": today + timedelta(days=days_from_today),
                "invoice_line_ids": [
                    Command.create({"name": "Blades", "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        # a posted invoice's due date follows its terms: set it as the test means
        move.line_ids.filtered(lambda line: line.display_type == "payment_term").date_maturity = (
            today + timedelta(days=days_from_today)
        )
        self.assertEqual(move.invoice_date_due, today + timedelta(days=days_from_today))
        return move

    def _run(self):
        with freeze_time(TODAY):
            claimed = self.Service._cron_send_payment_reminders()
        return claimed

    def _reminder_mails(self, contact=None):
        return self.Log.search(
            [
                ("kind", "=", "payment_reminder"),
                ("partner_id", "=", (contact or self.farm_billing).id),
            ]
        )

    def test_each_invoice_reaches_each_step_once_with_the_pay_link(self):
        overdue = self._invoice_due(-7, 250)
        soon = self._invoice_due(3, 80)
        self._invoice_due(10)  # no step today
        self._run()
        logs = self._reminder_mails()
        # one e-mail per step: 7 days overdue, and due in 3 days
        self.assertEqual(len(logs), 2)
        bodies = logs.mail_id.mapped("body_html")
        overdue_body = next(body for body in bodies if overdue.name in body)
        self.assertIn("7 days overdue", overdue_body)
        self.assertNotIn(soon.name, overdue_body)
        self.assertIn("/pay/express/", overdue_body)
        self.assertIn(f"pay_{overdue.id}=1", overdue_body)
        soon_body = next(body for body in bodies if soon.name in body)
        self.assertIn("fall due in 3 days", soon_body)
        # the timeline says so, once per e-mail
        events = self.env["customer_connect.portal.event"].search(
            [("kind", "=", "payment_reminder"), ("commercial_partner_id", "=", self.farm.id)]
        )
        self.assertEqual(len(events), 2)
        # the same day again, and the next day: nothing more
        self._run()
        self.company.connect_payment_reminder_planned_on = False
        with freeze_time("2026-03-11"):
            self.Service._cron_send_payment_reminders()
        self.assertEqual(len(self._reminder_mails()), 2)

    def test_an_invoice_in_dispute_is_left_out_until_the_dispute_ends(self):
        disputed = self._invoice_due(-7)
        dispute = (
            self.env["customer_connect.dispute"]
            .with_user(self.user)
            .with_company(self.company)
            ._connect_raise(
                disputed.id,
                self.env.ref("customer_connect.dispute_reason_other").id,
                "These blades were never delivered",
            )
        )
        self._run()
        self.assertFalse(self._reminder_mails())
        line = self.env["customer_connect.payment.reminder.line"].search(
            [("move_id", "=", disputed.id)]
        )
        self.assertEqual((line.state, line.hold_reason), ("held", "dispute"))
        # the status says why
        section = self.Service._connect_daily_status_section(
            self.company, fields.Datetime.now() - timedelta(hours=1), fields.Datetime.now()
        )
        self.assertIn("Left out, in dispute: 1 invoices", section["lines"])
        # the dispute resolved: the next day's run sends the step it reached
        dispute.sudo().state = "resolved"
        disputed.invalidate_recordset()
        self.assertFalse(disputed.connect_in_dispute)
        self.company.connect_payment_reminder_planned_on = False
        with freeze_time("2026-03-11"):
            self.Service._cron_send_payment_reminders()
        self.assertEqual(len(self._reminder_mails()), 1)

    def test_a_hold_of_another_area_is_asked_too(self):
        """The job asks customer_connect.collection.hold, whatever holds the
        invoice (promise, plan, autopay in their rooms): a hold of a
        test-only reason here."""
        held = self._invoice_due(-7)
        Hold = type(self.env["customer_connect.collection.hold"])
        original = Hold._holds

        def holds(hold_self, moves, on_date):
            return {**original(hold_self, moves, on_date), held.id: "test_promise"}

        self.patch(Hold, "_holds", holds)
        self._run()
        self.assertFalse(self._reminder_mails())
        line = self.env["customer_connect.payment.reminder.line"].search(
            [("move_id", "=", held.id)]
        )
        self.assertEqual(line.hold_reason, "test_promise")

    def test_promised_and_planned_invoices_are_left_out(self):
        """The real holds of the cash areas, not a stand-in: an invoice with
        an open promise and one whose plan staff accepted get no reminder
        while a third, as overdue, does; their lines say why."""
        promised, planned, chased = (self._invoice_due(-7, amount=1500) for _i in range(3))
        # as the portal's promise and ask write them (checked there)
        self.env["customer_connect.promise"].sudo().create(
            {
                "company_id": self.company.id,
                "partner_id": self.farm.id,
                "contact_id": self.farm_billing.id,
                "move_ids": [Command.set(promised.ids)],
                "currency_id": promised.currency_id.id,
                "amount": promised.amount_residual,
                "date_promised": fields.Date.to_date(TODAY) + timedelta(days=5),
            }
        )
        self.company.connect_plan_min_amount = 1000
        today = fields.Date.context_today(self.env["customer_connect.plan"])
        half = planned.currency_id.round(planned.amount_residual / 2)
        plan = (
            self.env["customer_connect.plan"]
            .sudo()
            .create(
                {
                    "company_id": self.company.id,
                    "partner_id": self.farm.id,
                    "contact_id": self.farm_billing.id,
                    "move_id": planned.id,
                    "amount": planned.amount_residual,
                    "line_ids": [
                        Command.create({"date_due": today + timedelta(days=30), "amount": half}),
                        Command.create(
                            {
                                "date_due": today + timedelta(days=60),
                                "amount": planned.amount_residual - half,
                            }
                        ),
                    ],
                }
            )
        )
        accountant = new_test_user(
            self.env,
            "cc_remind_accountant",
            groups="customer_connect.group_connect_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        plan.with_user(accountant).action_accept()
        self.assertEqual(plan.state, "accepted")
        self._run()
        mails = self._reminder_mails()
        self.assertEqual(len(mails), 1)
        Line = self.env["customer_connect.payment.reminder.line"]
        self.assertEqual(Line.search([("move_id", "=", promised.id)]).hold_reason, "promise")
        # the accepted plan moved the invoice's due dates to its instalments:
        # not overdue any more, and held until an instalment falls due
        self.assertFalse(Line.search([("move_id", "=", planned.id)]))
        first = today + timedelta(days=30)
        Hold = self.env["customer_connect.collection.hold"]
        self.assertEqual(Hold._holds(planned, first - timedelta(days=3)), {planned.id: "plan"})
        self.assertEqual(Hold._holds(planned, first), {}, "chased on the instalment's day")
        chased_line = Line.search([("move_id", "=", chased.id)])
        self.assertEqual((chased_line.state, chased_line.hold_reason), ("sent", False))

    def test_a_missed_instalment_is_chased_as_it_falls_due(self):
        """An invoice paid in instalments is reminded of its earliest unpaid
        one, step by step from that instalment's due date (not the last
        one's), and again from the next one's once it is paid."""
        today = fields.Date.to_date(TODAY)
        move = self._invoice_due(20, amount=900)
        # as Odoo's terms or an accepted plan leave it: three receivable lines
        first, second = today - timedelta(days=7), today + timedelta(days=23)
        move.button_draft()
        move.invoice_payment_term_id = self.env["account.payment.term"].create(
            {
                "name": "Three parts",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 30, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 40, "nb_days": 60}),
                ],
            }
        )
        move.invoice_date = first
        move.action_post()
        receivable = move.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(sorted(receivable.mapped("date_maturity"))[:2], [first, second])
        self._run()
        line = self.env["customer_connect.payment.reminder.line"].search(
            [("move_id", "=", move.id)]
        )
        self.assertEqual((line.step, line.date_due, line.state), (7, first, "sent"))
        self.assertIn(format_date(self.env, first), self._reminder_mails().mail_id.body_html or "")

    def test_who_is_reminded(self):
        self._invoice_due(-7)
        # a level without reminders: nothing; without payments: no pay link
        level = self._level("full")
        level.with_user(self.staff_admin).can_receive_reminders = False
        self._run()
        self.assertFalse(self._reminder_mails())
        reminder = self.env["customer_connect.payment.reminder"].search(
            [("partner_id", "=", self.farm.id)]
        )
        self.assertEqual(reminder.state, "no_recipient")
        # a later step, with a level that reminds but does not pay
        level.with_user(self.staff_admin).write({"can_receive_reminders": True, "can_pay": False})
        late = self._invoice_due(-21)
        self.company.connect_payment_reminder_planned_on = False
        self._run()
        log = self._reminder_mails()
        self.assertEqual(len(log), 1)
        self.assertIn(late.name, log.mail_id.body_html)
        self.assertNotIn("/pay/express/", log.mail_id.body_html)
        # another customer's contact never gets Greenacres' invoices
        self.assertFalse(self._reminder_mails(self.golf_keeper))

    def test_no_reminders_for_this_customer_and_old_steps_not_flooded(self):
        self._invoice_due(-7)
        self._invoice_due(-100)  # its last step (45) passed long ago
        self.farm.connect_no_reminders = True
        self._run()
        self.assertFalse(self._reminder_mails())
        self.farm.connect_no_reminders = False
        self.company.connect_payment_reminder_planned_on = False
        self._run()
        logs = self._reminder_mails()
        self.assertEqual(len(logs), 1)
        self.assertEqual(
            self.env["customer_connect.payment.reminder"].search([]).mapped("invoice_count"), [1]
        )

    def test_a_paid_invoice_is_not_reminded(self):
        move = self._invoice_due(-7)
        with freeze_time(TODAY):
            self.Service._plan_companies(fields.Date.to_date(TODAY))
        # paid between the plan and the send
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({})._create_payments()
        self._run()
        self.assertFalse(self._reminder_mails())
        line = self.env["customer_connect.payment.reminder.line"].search(
            [("move_id", "=", move.id)]
        )
        self.assertEqual(line.state, "paid")

    def test_schedule_refuses_what_is_not_days(self):
        for text in ("7, x, -400000, 1e9", "nan", "7; inf", "3.5", "=1+2", "1" * 400):
            with self.assertRaisesRegex(ValidationError, "Payment reminders:") as caught:
                self.company.connect_payment_reminder_days = text
            self.env.invalidate_all()
        with self.assertRaises(ValidationError) as caught:
            self.company.connect_payment_reminder_days = "7, x, -400000, 1e9"
        self.assertIn('"x", "-400000", "1e9"', str(caught.exception))
        self.env.invalidate_all()
        self.company.connect_payment_reminder_days = " 45;-3 ,7 "
        self.assertEqual(self.company._connect_payment_reminder_steps(), [-3, 7, 45])
        # through Settings too
        with self.assertRaisesRegex(ValidationError, '"x"'):
            self.env["res.config.settings"].create(
                {"connect_payment_reminder_days": "7, x"}
            ).execute()


@tagged("post_install", "-at_install")
class TestPaymentRemindersTwoServers(TransactionCase):
    """The job on two servers at once (two cursors over committed data):
    each invoice and step is e-mailed once."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            level = env["customer_connect.access.level"]._level_by_code("full", company)
            self.assertTrue(level.can_receive_reminders)
            today = fields.Date.context_today(env["res.partner"])
            self.ids = {"company": company.id, "days": company.connect_payment_reminder_days}
            company.connect_payment_reminder_days = "7"
            company.connect_payment_reminder_planned_on = False
            customers = env["res.partner"].create(
                [{"name": f"Race Farm {n}", "is_company": True} for n in range(3)]
            )
            env["res.partner"].create(
                [
                    {
                        "name": f"Race billing {n}",
                        "parent_id": customer.id,
                        "type": "invoice",
                        "email": f"race-billing-{n}@race-farm.example",
                        "connect_access_level_id": level.id,
                    }
                    for n, customer in enumerate(customers)
                ]
            )
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": customer.id,
                        "company_id": company.id,
                        "invoice_date": today - timedelta(days=30),
                        "invoice_date_due": today - timedelta(days=7),
                        "invoice_line_ids": [
                            Command.create({"name": "Race", "price_unit": 10, "tax_ids": []})
                        ],
                    }
                    for customer in customers
                ]
            )
            moves.action_post()
            moves.line_ids.filtered(lambda line: line.display_type == "payment_term").write(
                {"date_maturity": today - timedelta(days=7)}
            )
            self.ids.update(customers=customers.ids, moves=moves.ids)
        self.addCleanup(self._remove_committed)

    def _remove_committed(self):
        with self.registry.cursor() as cr:
            customers, moves = tuple(self.ids["customers"]), tuple(self.ids["moves"])
            cr.execute(
                """
                DELETE FROM mail_message WHERE id IN (
                    SELECT mail.mail_message_id FROM mail_mail mail
                      JOIN customer_connect_mail_log log ON log.mail_id = mail.id
                     WHERE log.commercial_partner_id IN %s)
                """,
                [customers],
            )
            cr.execute(
                "DELETE FROM customer_connect_payment_reminder WHERE partner_id IN %s", [customers]
            )
            cr.execute(
                "DELETE FROM customer_connect_payment_reminder_line WHERE move_id IN %s", [moves]
            )
            cr.execute("DELETE FROM account_move WHERE id IN %s", [moves])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["res.partner"].browse(customers).child_ids.unlink()
            env["res.partner"].browse(customers).unlink()
            company = env["res.company"].browse(self.ids["company"])
            company.connect_payment_reminder_days = self.ids["days"]
            company.connect_payment_reminder_planned_on = False

    def _job(self, cr, chunk=500):
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["customer_connect.payment.reminder.service"]._cron_send_payment_reminders(
            chunk=chunk
        )

    def _sent(self):
        with self.registry.cursor() as cr:
            cr.execute(
                """
                SELECT l.commercial_partner_id, count(*)
                  FROM customer_connect_mail_log l
                 WHERE l.kind = 'payment_reminder' AND l.commercial_partner_id IN %s
                 GROUP BY 1
                """,
                [tuple(self.ids["customers"])],
            )
            return dict(cr.fetchall())

    def test_two_servers_plan_and_send_once(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            sent_a = self._job(cr_a)
            # the second server, while the first has not committed: the
            # company is being planned, nothing it may send
            sent_b = self._job(cr_b)
            self.assertEqual(len(sent_a), 3)
            self.assertFalse(sent_b)
            cr_b.commit()
            cr_a.commit()
        with self.registry.cursor() as cr_c:
            self.assertFalse(self._job(cr_c))
        self.assertEqual(self._sent(), dict.fromkeys(self.ids["customers"], 1))

    def test_two_servers_share_the_queue(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Service = env["customer_connect.payment.reminder.service"]
            Service._plan_companies(fields.Date.context_today(Service))
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            sent_a = self._job(cr_a, chunk=2)
            sent_b = self._job(cr_b, chunk=2)
            self.assertEqual(len(sent_a), 2)
            self.assertEqual(len(sent_b), 1, "the one the first server did not hold")
            self.assertFalse(set(sent_a.ids) & set(sent_b.ids))
            cr_a.commit()
            cr_b.commit()
        with self.registry.cursor() as cr_c:
            self.assertFalse(self._job(cr_c))
        self.assertEqual(self._sent(), dict.fromkeys(self.ids["customers"], 1))


# the reminders area's line of the capability matrix: it has no page of its
# own (the reminder is an e-mail); a contact reads its customer's reminders
# over JSON-RPC exactly when its level receives them
REMINDERS_MATRIX_PAGES = {}
REMINDERS_MATRIX_RPC = {"customer_connect.payment.reminder": "reminders"}


@tagged("post_install", "-at_install")
class TestRemindersCapabilityMatrix(test_portal_isolation.TestCapabilityMatrix):
    """The reminders area's line of customer_connect's capability matrix."""

    matrix_pages = REMINDERS_MATRIX_PAGES
    matrix_rpc = REMINDERS_MATRIX_RPC

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # sudo: reminders are made by the job, never by a user
        cls.env["customer_connect.payment.reminder"].sudo().create(
            {
                "company_id": cls.company.id,
                "partner_id": cls.farm.id,
                "step": 7,
                "date": fields.Date.today(),
                "state": "sent",
            }
        )
