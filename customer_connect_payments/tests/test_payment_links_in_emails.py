"""The express pay link of statement and invoice e-mails: in the e-mail a
contact allowed to pay receives, working without signing in, and nowhere
else (not in the chatter, not for a level without payments)."""

import re
from urllib.parse import urlsplit

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import PayCase

LINK_RE = re.compile(r'href="(https?://[^"]*/pay/express/[^"]+)"')


@tagged("post_install", "-at_install")
class TestPaymentLinksInEmails(PayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(320.0)

    def _outgoing(self, partner):
        """The last mail queued for ``partner``: a notification (invoice)
        names its recipients, a mail of our sender (statement) its address."""
        return self.env["mail.mail"].sudo().search(
            [("recipient_ids", "in", partner.ids)], order="id desc", limit=1
        ) or self.env["mail.mail"].sudo().search(
            [("email_to", "ilike", partner.email)], order="id desc", limit=1
        )

    def _pay_link(self, mail):
        match = LINK_RE.search(mail.body_html or "")
        return match and match.group(1).replace("&amp;", "&")

    def _path(self, url):
        """The link's path and query, to open on the test server."""
        parts = urlsplit(url)
        return f"{parts.path}?{parts.query}" if parts.query else parts.path

    def _chatter_bodies(self, *records):
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    "|",
                    "&",
                    ("model", "=", "res.partner"),
                    ("res_id", "in", [r.id for r in records if r._name == "res.partner"]),
                    "&",
                    ("model", "=", "account.move"),
                    ("res_id", "in", [r.id for r in records if r._name == "account.move"]),
                ]
            )
        )
        return " ".join(str(m.body) for m in messages)

    def test_statement_email_carries_a_working_pay_link(self):
        self.env["customer_connect.statement"].with_user(self.staff)._send(self.farm)
        mail = self._outgoing(self.farm_billing)
        self.assertTrue(mail, "the statement was queued for the billing contact")
        url = self._pay_link(mail)
        self.assertTrue(url, "the statement e-mail carries the pay link")
        self.authenticate(None, None)
        page = self.url_open(self._path(url)).text
        self.assertIn(self.invoice.name, page, "the link opens the customer's open items")
        self.assertNotIn("/pay/express/", self._chatter_bodies(self.farm, self.farm_billing))

    def test_statement_pay_link_dies_with_its_contact(self):
        """The link is the billing contact's: inactivated by the dealer's
        staff, the contact's link no longer lists nor pays anything."""
        self.env["customer_connect.statement"].with_user(self.staff)._send(self.farm)
        path = self._path(self._pay_link(self._outgoing(self.farm_billing)))
        self.authenticate(None, None)
        self.assertIn(self.invoice.name, self.url_open(path).text)
        self.farm_billing.with_user(self.staff).action_connect_inactivate()
        response = self.url_open(path)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(self.invoice.name, response.text)

    def test_no_pay_link_for_a_level_without_payments(self):
        level = self._level("full")
        level.with_user(self.staff_admin).write({"can_pay": False})
        self.env["customer_connect.statement"].with_user(self.staff)._send(self.farm)
        mail = self._outgoing(self.farm_billing)
        self.assertTrue(mail)
        self.assertFalse(self._pay_link(mail))
        self.assertIn(self.invoice.name, mail.body_html, "the statement itself is sent")

    def _send_invoice(self, invoice):
        # Odoo sends an invoice e-mail at once (in tests, to no server): keep
        # the sent mail to read it
        self.env.ref("account.email_template_edi_invoice").auto_delete = False
        self.env["account.move.send"].with_context(
            active_model="account.move"
        )._generate_and_send_invoices(invoice, sending_methods=["email"])
        return self._outgoing(invoice.partner_id)

    def test_invoice_email_has_pay_now_with_the_invoice_ticked(self):
        mail = self._send_invoice(self.invoice)
        self.assertTrue(mail, "the invoice e-mail was queued")
        self.assertIn("o_connect_pay_button", mail.body_html)
        url = self._pay_link(mail)
        self.assertIn(f"pay_{self.invoice.id}=1", url)
        self.authenticate(None, None)
        page = self.url_open(self._path(url)).text
        self.assertIn("data-access-token", page, "the invoice's amount is offered at once")
        self.assertIn(self.invoice.name, page)
        # the invoice's chatter keeps the message, not the link
        self.assertNotIn("/pay/express/", self._chatter_bodies(self.invoice))

    def test_invoice_email_to_a_contact_without_payments_has_no_button(self):
        self._set_level(self.farm_billing, "full")
        self._level("full").with_user(self.staff_admin).write({"can_pay": False})
        invoice = self._invoice(75.0, partner=self.farm_billing)
        mail = self._send_invoice(invoice)
        self.assertTrue(mail)
        self.assertNotIn("o_connect_pay_button", mail.body_html)
        self.assertFalse(self._pay_link(mail))

    def test_disputed_invoice_email_has_no_button(self):
        self.env["customer_connect.dispute"].with_user(self.user).with_company(
            self.company
        )._connect_raise(
            self.invoice.id,
            self.env.ref("customer_connect.dispute_reason_other").id,
            "We never received these blades.",
        )
        self.assertTrue(self.invoice.connect_in_dispute)
        mail = self._send_invoice(self.invoice)
        self.assertNotIn("o_connect_pay_button", mail.body_html)

    def test_paid_invoice_email_has_no_button(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({})._create_payments()
        mail = self._send_invoice(self.invoice)
        self.assertNotIn("o_connect_pay_button", mail.body_html)


@tagged("post_install", "-at_install")
class TestOnlinePaymentsButton(PayCase):
    """The customer form's "Online payments" button: accounting staff see
    it, and it lists that customer's online payments, not payments booked
    in the office."""

    def test_button_lists_the_customers_online_payments(self):
        online, office = self._invoice(60.0), self._invoice(45.0)
        self.authenticate(self.user.login, self.password)
        values = self._start(self._quote_of(self._pay_page(f"pay_{online.id}=1")), 60.0)
        self._confirm(values["reference"])
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=office.ids
        ).create({})._create_payments()

        accountant = self.env["res.users"].create(
            {
                "name": "Accountant",
                "login": "cc_accountant",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [(6, 0, [self.env.ref("account.group_account_invoice").id])],
            }
        )
        arch = (
            self.env["res.partner"]
            .with_user(accountant)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        action = self.env.ref("customer_connect_payments.action_connect_online_payments")
        self.assertIn(f"{action.id}", arch, "the button is on the customer's form")
        plain = self.env["res.partner"].with_user(self.staff).get_views([(False, "form")])
        self.assertNotIn(f'name="{action.id}"', plain["views"]["form"]["arch"])

        domain = safe_eval(action.domain) + [("partner_id", "child_of", self.farm.id)]
        listed = self.env["account.payment"].with_user(accountant).search(domain)
        self.assertEqual(listed.reconciled_invoice_ids, online)
        self.assertTrue(office.payment_state in ("paid", "in_payment"))
