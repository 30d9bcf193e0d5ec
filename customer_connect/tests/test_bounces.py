from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ConnectCase

# A delivery status notification as a mail server returns it (RFC 3464),
# shaped as Odoo's own gateway tests' MAIL_BOUNCE: the bounced e-mail's
# headers in the message/rfc822 part, the failed address in Final-Recipient.
DSN = """Return-Path: <>
Delivered-To: bounce@northfield.example
Date: Mon, 23 Nov 2026 10:41:06 +0000
From: MAILER-DAEMON@mail.northfield.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: bounce@northfield.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="DSN-BOUNDARY"
Message-Id: <{dsn_id}@mail.northfield.example>

This is a MIME-encapsulated message.

--DSN-BOUNDARY
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{email}>: host mx.example said: 550 No such person at this address.

--DSN-BOUNDARY
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.northfield.example
Arrival-Date: Mon, 23 Nov 2026 10:40:24 +0000

Final-Recipient: rfc822; {email}
Original-Recipient: rfc822;{email}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 No such person at this address.

--DSN-BOUNDARY
Content-Description: Undelivered Message
Content-Type: message/rfc822

From: accounts@northfield.example
To: {email}
Subject: {subject}
Message-Id: {message_id}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

(the original message)

--DSN-BOUNDARY--
"""


@tagged("post_install", "-at_install")
class TestBounces(ConnectCase):
    """A bounced invitation or statement, returned through Odoo's mail
    gateway, marks the contact's address as failing on the dashboard and
    proposes another contact of the customer to invite."""

    _dsn_count = 0

    def _send_queued(self, logs):
        logs.mail_id.send()
        self.assertEqual(set(logs.mapped("state")), {"sent"})
        self.assertTrue(all(logs.mapped("message_id")))

    def _bounce(self, log, email=None):
        """The mail server's bounce of the e-mail of ``log``, processed by
        Odoo's incoming mail gateway."""
        TestBounces._dsn_count += 1
        raw = DSN.format(
            dsn_id=f"dsn-{self._dsn_count}-{log.id}",
            email=email or log.partner_id.email,
            subject=log.subject,
            message_id=log.message_id,
        )
        return self.env["mail.thread"].message_process(None, raw)

    def _invitation_log(self, contact):
        return self.env["customer_connect.mail.log"].search(
            [("partner_id", "=", contact.id), ("kind", "=", "invitation")], limit=1
        )

    def _dashboard(self, domain):
        return (
            self.env["res.partner"]
            .with_user(self.staff)
            .with_context(connect_dashboard=True)
            .search([("parent_id", "=", False), ("customer_rank", ">", 0), *domain])
        )

    def test_bounced_invitation_marks_the_address_and_proposes_another(self):
        self.farm_billing.with_user(self.staff)._connect_invite()
        log = self._invitation_log(self.farm_billing)
        self._send_queued(log)
        self.assertFalse(self.farm_billing.connect_email_failing)
        self._bounce(log)
        self.assertEqual(log.state, "bounced")
        self.assertIn("accounts@greenacres.example", log.failure_reason)
        self.assertTrue(self.farm_billing.connect_email_failing)
        self.assertEqual(self.farm_billing.connect_email_failing_log_id, log)
        self.assertFalse(self.farm_fiona.connect_email_failing)
        self.assertTrue(self.farm.connect_account_email_failing)
        # the dashboard's filter "E-mail failing"
        self.assertEqual(self._dashboard([("connect_account_email_failing", "=", True)]), self.farm)
        # the proposal: the first candidate (the customer's own address)
        # that is not failing, never invited and has no login
        farm = self.farm.with_user(self.staff)
        self.assertEqual(farm.connect_suggested_contact_id, self.farm)
        action = farm.action_connect_invite_suggested()
        self.assertEqual(action["res_model"], "customer_connect.invite.wizard")
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.staff)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.contact_id, self.farm, "one click: the proposed contact")
        wizard.action_invite()
        self.assertEqual(self.farm.connect_login_state, "invited")
        # the customer itself is invited now: the next proposal is Fiona
        self.farm.invalidate_recordset(["connect_suggested_contact_id"])
        self.assertEqual(farm.connect_suggested_contact_id, self.farm_fiona)

    def test_bounced_statement_and_no_one_left(self):
        self.init_invoice("out_invoice", partner=self.farm, amounts=[400], post=True)
        self.farm.with_user(self.staff).action_connect_send_account_statement()
        log = self.env["customer_connect.mail.log"].search([("kind", "=", "statement")])
        self.assertEqual(log.partner_id, self.farm_billing)
        self._send_queued(log)
        self._bounce(log)
        self.assertTrue(self.farm_billing.connect_email_failing)
        self.assertTrue(self.farm.connect_account_email_failing)
        # Greenacres' other addresses fail too: nobody left to propose
        self.farm.sudo().connect_email_failing = True
        self.farm_fiona.sudo().connect_email_failing = True
        farm = self.farm.with_user(self.staff)
        self.assertFalse(farm.connect_suggested_contact_id)
        with self.assertRaisesRegex(UserError, "no other contact"):
            farm.action_connect_invite_suggested()

    def test_cleared_when_the_address_changes(self):
        self.farm_billing.with_user(self.staff)._connect_invite()
        log = self._invitation_log(self.farm_billing)
        self._send_queued(log)
        self._bounce(log)
        self.assertTrue(self.farm.connect_account_email_failing)
        self.farm_billing.with_user(self.staff).email = "payables@greenacres.example"
        self.assertFalse(self.farm_billing.connect_email_failing)
        self.assertFalse(self.farm.connect_account_email_failing)
        self.assertFalse(self._dashboard([("connect_account_email_failing", "=", True)]))

    def test_cleared_when_a_later_mail_is_delivered(self):
        self.farm_billing.with_user(self.staff)._connect_invite()
        first = self._invitation_log(self.farm_billing)
        self._send_queued(first)
        self._bounce(first)
        self.assertTrue(self.farm_billing.connect_email_failing)
        # the staff re-invite the same address: accepted by the mail server
        self.farm_billing.with_user(self.staff)._connect_invite()
        second = self._invitation_log(self.farm_billing)
        self.assertNotEqual(first, second)
        self._send_queued(second)
        self.assertFalse(self.farm_billing.connect_email_failing)
        # and it bounces too: failing again
        self._bounce(second)
        self.assertTrue(self.farm_billing.connect_email_failing)
        self.assertEqual(self.farm_billing.connect_email_failing_log_id, second)

    def test_address_changed_before_the_bounce_is_not_marked(self):
        self.farm_billing.with_user(self.staff)._connect_invite()
        log = self._invitation_log(self.farm_billing)
        self._send_queued(log)
        self.farm_billing.with_user(self.staff).email = "payables@greenacres.example"
        self._bounce(log, email="accounts@greenacres.example")
        self.assertEqual(log.state, "bounced")
        self.assertFalse(self.farm_billing.connect_email_failing)

    def test_failing_state_is_the_systems(self):
        with self.assertRaises(AccessError):
            self.farm_billing.with_user(self.staff).write({"connect_email_failing": True})

    def test_strangers_cannot_invite_the_suggested_contact(self):
        strangers = self._strangers()
        Log = self.env["customer_connect.mail.log"]
        invitations = Log.search_count([("kind", "=", "invitation")])
        for user in strangers:
            with self.assertRaises(AccessError, msg=user.login):
                self.farm.with_user(user).action_connect_invite_suggested()
        self.assertEqual(Log.search_count([("kind", "=", "invitation")]), invitations)
