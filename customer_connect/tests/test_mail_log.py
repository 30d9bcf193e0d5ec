from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestMailLog(ConnectCase):
    def test_sent_failed_bounced(self):
        self.farm_billing.with_user(self.staff)._connect_invite()
        self.golf_keeper.with_user(self.staff)._connect_invite()
        sent = self.farm_billing.connect_mail_log_ids
        failed = self.golf_keeper.connect_mail_log_ids
        failed.mail_id.email_to = "not an address"
        (sent | failed).mail_id.send()
        self.assertEqual(sent.state, "sent")
        self.assertTrue(sent.sent_date)
        self.assertEqual(failed.state, "failed")
        self.assertTrue(failed.failure_reason)
        # the mail server's bounce, routed by Odoo's mail gateway
        self.assertTrue(sent.message_id)
        self.env["mail.thread"]._routing_handle_bounce(
            None,
            {
                "email_from": "MAILER-DAEMON@mail.example",
                "to": "bounce@northfield.example",
                "message_id": "<dsn-1@mail.example>",
                "bounced_email": "accounts@greenacres.example",
                "bounced_partner": self.farm_billing,
                "bounced_msg_ids": [sent.message_id],
                "bounced_message": self.env["mail.message"],
            },
        )
        self.assertEqual(sent.state, "bounced")
        self.assertIn("accounts@greenacres.example", sent.failure_reason)

    def test_contact_and_customer_history(self):
        user = self._activate(self.farm_billing)
        self.farm_billing.with_user(self.staff).action_connect_send_welcome()
        self.farm_billing.with_user(self.staff).action_connect_send_password_reset()
        kinds = set(self.farm_billing.connect_mail_log_ids.mapped("kind"))
        self.assertEqual(kinds, {"invitation", "welcome", "password_reset"})
        reset = self.farm_billing.connect_mail_log_ids.filtered(
            lambda log: log.kind == "password_reset"
        )
        self.assertIn("reset_password", str(reset.mail_id.body_html))
        self.assertTrue(user.partner_id.signup_type == "reset")
        action = self.farm.with_user(self.staff).action_connect_view_email_history()
        logs = self.env["customer_connect.mail.log"].with_user(self.staff).search(action["domain"])
        self.assertEqual(len(logs), 3)
        action = self.farm_fiona.with_user(self.staff).action_connect_view_email_history()
        self.assertFalse(self.env["customer_connect.mail.log"].search(action["domain"]))

    def test_send_account_summary(self):
        open_invoice = self.init_invoice("out_invoice", partner=self.farm, amounts=[400], post=True)
        paid = self.init_invoice("out_invoice", partner=self.farm, amounts=[50], post=True)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({})._create_payments()
        self.farm.with_user(self.staff).action_connect_send_account_summary()
        log = self.env["customer_connect.mail.log"].search([("kind", "=", "statement")])
        self.assertEqual(len(log.mail_id.attachment_ids), 1, "the statement PDF")
        self.assertEqual(log.partner_id, self.farm_billing, "sent to the billing contact")
        body = str(log.mail_id.body_html)
        self.assertIn(open_invoice.name, body)
        self.assertNotIn(paid.name, body)
        self.assertIn("Total outstanding", body)
        with self.assertRaisesRegex(UserError, "no billing contact"):
            self.barlow.with_user(self.staff).action_connect_send_account_summary()

    def test_account_summary_per_company_and_currency(self):
        """A customer shared by two dealer companies: each company's summary
        lists its own invoices, with a total per currency."""
        shared = self.env["res.partner"].create(
            {
                "name": "Highland Estates",
                "is_company": True,
                "child_ids": [
                    Command.create(
                        {
                            "name": "Estate office",
                            "type": "invoice",
                            "email": "office@highland.example",
                        }
                    )
                ],
            }
        )
        other = self.setup_other_company(name="Southfield Machinery")["company"]
        eur = self.setup_other_currency("EUR")
        north_usd = self.init_invoice("out_invoice", partner=shared, amounts=[400], post=True)
        north_eur = self.init_invoice(
            "out_invoice", partner=shared, amounts=[70], post=True, currency=eur
        )
        south = self.init_invoice(
            "out_invoice", partner=shared, amounts=[999], post=True, company=other
        )
        shared.with_user(self.staff).action_connect_send_account_summary()
        body = str(shared.child_ids.connect_mail_log_ids.mail_id.body_html)
        self.assertIn(north_usd.name, body)
        self.assertIn(north_eur.name, body)
        self.assertNotIn("999.00", body, "another dealer company's invoice")
        self.assertIn(south.name, north_usd.name, "same number, other company: not a proof")
        self.assertIn("Total outstanding (USD)", body)
        self.assertIn("Total outstanding (EUR)", body)

    def test_queued_mail_is_what_odoo_would_send(self):
        """The mail queued by _queue_mails is the one Odoo's send_mail_batch
        builds from the same template, layout included, less the chatter copy
        of the body."""
        template = self.env.ref("customer_connect.mail_template_connect_invitation")
        with freeze_time("2026-11-23 10:00:00"):
            self.farm_billing.with_user(self.staff)._connect_invite()
            ours = self.farm_billing.connect_mail_log_ids.mail_id
            # the same link handed to Odoo's rendering as ours got it
            links = self.env["customer_connect.invitation"]._signup_links(self.farm_billing)
            odoo = (
                template.sudo()
                .with_context(connect_links=links)
                .send_mail_batch(self.farm_billing.ids)
            )
        for field in ("subject", "email_from", "reply_to", "body_html", "model", "res_id"):
            self.assertEqual(ours[field], odoo[field], field)
        self.assertIn(self.company.name, ours.body_html, "in the company's e-mail layout")
        self.assertEqual(ours.state, "outgoing")
        self.assertEqual(ours.message_type, "email_outgoing")
        self.assertFalse(ours.body, "no chatter copy")
