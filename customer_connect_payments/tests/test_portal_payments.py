import base64
import io
import re

import qrcode

from odoo import Command
from odoo.tests import JsonRpcException, tagged
from odoo.tools import mute_logger

from odoo.addons.customer_connect_payments.models.connect_payment_service import EXPRESS_SCOPE

from .common import PayCase


@tagged("post_install", "-at_install")
class TestPortalPayments(PayCase):
    """Choose invoices, pay the amount the server computes, see them settled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.discounted = cls._invoice(1000.0, term=cls.epd_term)  # 2% within 10 days
        cls.plain = cls._invoice(250.0, days_ago=40, due_in=30)  # overdue, no discount
        cls.credit = cls._invoice(50.0, move_type="out_refund")
        cls.golf_invoice = cls._invoice(90.0, partner=cls.golf)

    def test_amount_computed_from_the_selection(self):
        customer, company = self.Service.with_user(self.user)._scope()
        quote = self.Service._quote(
            customer, company, [self.discounted.id, self.plain.id, self.credit.id]
        )
        # settlement of the discounted one, outstanding of the other, credit deducted
        self.assertAlmostEqual(quote["amount"], 980.0 + 250.0 - 50.0)
        by_move = {line["move"]: line for line in quote["lines"]}
        self.assertAlmostEqual(by_move[self.discounted]["discount"], 20.0)
        self.assertAlmostEqual(by_move[self.credit]["amount"], -50.0)

    def test_pay_two_invoices_posted_and_reconciled_with_discount(self):
        self.authenticate(self.user.login, self.password)
        activity = self.url_open("/my/activity").text
        for invoice in self.discounted | self.plain:
            self.assertRegex(activity, rf'o_connect_reference">\s*{re.escape(invoice.name)}\s*<')
        page = self._pay_page(f"pay_{self.discounted.id}=1&pay_{self.plain.id}=1")
        self.assertIn("1,230.00", page)
        values = self._start(self._quote_of(page), 1230.0)
        tx = self._confirm(values["reference"])
        payment = tx.payment_id
        self.assertIn(payment.state, ("in_process", "paid"))
        self.assertAlmostEqual(payment.amount, 1230.0)
        self.assertEqual(tx.invoice_ids, self.discounted | self.plain)
        for invoice in self.discounted | self.plain:
            self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual), invoice.name)
        self.assertEqual(payment.reconciled_invoice_ids, self.discounted | self.plain)
        # the discount is booked as Odoo's payment register books it: on the
        # early-payment discount account of the company
        discount_account = self.company.account_journal_early_pay_discount_loss_account_id
        discount_lines = payment.move_id.line_ids.filtered(
            lambda l: l.account_id == discount_account
        )
        self.assertAlmostEqual(sum(discount_lines.mapped("balance")), 20.0)
        self.assertTrue(payment.connect_online)
        # the receipt, in the e-mail history, with its PDF
        log = self.env["customer_connect.mail.log"].search(
            [("partner_id", "=", self.farm_billing.id), ("kind", "=", "payment_receipt")]
        )
        self.assertEqual(len(log), 1)
        self.assertTrue(log.mail_id.attachment_ids, "the receipt is attached")
        self.assertIn(tx.reference, str(log.mail_id.body_html))
        # the dealer's timeline
        event = self.env["customer_connect.portal.event"].search(
            [("commercial_partner_id", "=", self.farm.id), ("kind", "=", "payment")]
        )
        self.assertEqual(event.res_id, payment.id)
        self.assertEqual(event.partner_id, self.farm_billing)
        # the activity list shows the new outstanding at once
        activity = self.url_open("/my/activity").text
        # a row's reference cell holds spaces (the disputes area rewrites it)
        for invoice in self.discounted | self.plain:
            self.assertNotRegex(activity, rf'o_connect_reference">\s*{re.escape(invoice.name)}\s*<')
        # and the payment history lists it
        history = self.url_open("/my/payments").text
        self.assertIn(tx.reference, history)
        self.assertIn("Paid", history)

    def test_same_notification_twice_pays_once(self):
        self.authenticate(self.user.login, self.password)
        page = self._pay_page(f"pay_{self.plain.id}=1")
        values = self._start(self._quote_of(page), 250.0)
        tx = self._confirm(values["reference"])
        payment = tx.payment_id
        tx.is_post_processed = False  # as the cron finds it after the status page
        with mute_logger("odoo.addons.payment.models.payment_transaction"):
            again = self._confirm(values["reference"])
        self.assertEqual(again.payment_id, payment)
        self.assertEqual(
            self.env["account.payment"].search_count([("payment_transaction_id", "=", tx.id)]), 1
        )
        self.assertEqual(
            self.env["customer_connect.mail.log"].search_count(
                [("partner_id", "=", self.farm_billing.id), ("kind", "=", "payment_receipt")]
            ),
            1,
        )

    def test_amount_not_the_servers_is_refused(self):
        self.authenticate(self.user.login, self.password)
        token = self._quote_of(self._pay_page(f"pay_{self.plain.id}=1"))
        with self.assertRaisesRegex(JsonRpcException, "does not match"), mute_logger("odoo.http"):
            self._start(token, 1.0)
        # a quote edited in the browser is not the server's either
        forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        with self.assertRaisesRegex(JsonRpcException, "not valid"), mute_logger("odoo.http"):
            self._start(forged, 250.0)
        self.assertFalse(
            self.env["payment.transaction"].search([("connect_customer_id", "=", self.farm.id)])
        )

    def test_other_customers_invoices_refused(self):
        self.authenticate(self.user.login, self.password)
        page = self._pay_page(f"pay_{self.golf_invoice.id}=1")
        self.assertIn("Only your own open invoices", page)
        self.assertNotIn("data-access-token", page)
        # a quote made for Loch Vale does not pay from Greenacres' login
        golf_quote = self.Service._quote(self.golf, self.company, [self.golf_invoice.id])
        with self.assertRaisesRegex(JsonRpcException, "not valid"), mute_logger("odoo.http"):
            self._start(self.Service._quote_token(golf_quote), 90.0)
        self.assertFalse(self.golf_invoice.transaction_ids)

    def test_two_tabs_one_payment_one_refusal(self):
        self.authenticate(self.user.login, self.password)
        query = f"pay_{self.plain.id}=1&pay_{self.discounted.id}=1"
        first_tab = self._quote_of(self._pay_page(query))
        second_tab = self._quote_of(self._pay_page(query))
        values = self._start(first_tab, 1230.0)
        with (
            self.assertRaisesRegex(JsonRpcException, "already under way"),
            mute_logger("odoo.http"),
        ):
            self._start(second_tab, 1230.0)
        self._confirm(values["reference"])
        # once paid, the second tab's page is out of date
        with self.assertRaisesRegex(JsonRpcException, "already paid"), mute_logger("odoo.http"):
            self._start(second_tab, 1230.0)
        self.assertEqual(
            self.env["account.payment"].search_count([("partner_id", "=", self.farm.id)]), 1
        )

    def test_paid_not_yet_booked_one_payment(self):
        """The provider confirmed the payment but Odoo has not booked it yet
        (its post-processing runs when the status page polls, or by the cron
        a minute later): the invoice still looks open, and a second payment
        of it is refused (found by tests/cluster/check_cluster.py: one
        invoice paid three times before the first payment was booked)."""
        self.authenticate(self.user.login, self.password)
        query = f"pay_{self.plain.id}=1"
        first_tab = self._quote_of(self._pay_page(query))
        second_tab = self._quote_of(self._pay_page(query))
        values = self._start(first_tab, 250.0)
        Tx = self.env["payment.transaction"].sudo()
        Tx._handle_notification_data(
            "demo",
            {
                "reference": values["reference"],
                "simulated_state": "done",
                "payment_details": "4242",
            },
        )
        tx = Tx.search([("reference", "=", values["reference"])])
        self.assertEqual((tx.state, tx.is_post_processed), ("done", False))
        with (
            self.assertRaisesRegex(JsonRpcException, "already under way"),
            mute_logger("odoo.http"),
        ):
            self._start(second_tab, 250.0)
        tx._post_process()
        self.assertIn(self.plain.payment_state, ("paid", "in_payment"))
        self.assertEqual(len(self.plain.transaction_ids), 1)

    def test_on_account_oldest_first(self):
        older = self._invoice(100.0, days_ago=60, due_in=0)
        self.authenticate(self.user.login, self.password)
        page = self._pay_page("on_account=180")
        values = self._start(self._quote_of(page), 180.0)
        tx = self._confirm(values["reference"])
        # the oldest due (100) first, then the plain one (due 10 days ago) in part
        self.assertTrue(older.currency_id.is_zero(older.amount_residual))
        self.assertAlmostEqual(self.plain.amount_residual, 170.0)
        self.assertAlmostEqual(self.discounted.amount_residual, 1000.0)
        self.assertEqual(tx.connect_kind, "on_account")
        self.assertEqual(tx.invoice_ids, older | self.plain)

    def test_one_tile_to_pay(self):
        """Pay online is the tile to pay (shown with nothing due: an amount
        on account); Odoo's "Invoices to pay" is not offered beside it."""
        self.authenticate(self.user.login, self.password)
        home = self.url_open("/my").text
        self.assertIn('href="/my/payments/pay"', home)
        self.assertNotIn("/my/invoices?filterby=overdue_invoices", home)
        self.assertNotIn("Bill.svg", home[: home.index('id="portal_vendor_category"')])

    def test_without_payments_no_button_and_403(self):
        level = self._level("full")
        level.with_user(self.staff_admin).write({"can_pay": False})
        self.authenticate(self.user.login, self.password)
        activity = self.url_open("/my/activity").text
        self.assertIn(self.plain.name, activity)
        self.assertNotIn("o_connect_pay_selected", activity)
        self.assertNotIn("/my/payments/pay", self.url_open("/my").text)
        for url in ("/my/payments", "/my/payments/pay", f"/my/payments/pay?pay_{self.plain.id}=1"):
            self.assertEqual(self.url_open(url).status_code, 403, url)
        level.with_user(self.staff_admin).write({"can_pay": True})
        token = self._quote_of(self._pay_page(f"pay_{self.plain.id}=1"))
        level.with_user(self.staff_admin).write({"can_pay": False})
        with self.assertRaisesRegex(JsonRpcException, "AccessError"), mute_logger("odoo.http"):
            self._start(token, 250.0)
        # Odoo's own invoice page offers no Pay Now either
        page = self.url_open(f"/my/invoices/{self.plain.id}").text
        self.assertIn(self.plain.name, page)
        self.assertNotIn('id="o_payment_form"', page)
        self.assertNotIn("Pay Now", page)

    def test_with_payments_the_button_shows(self):
        self.authenticate(self.user.login, self.password)
        self.assertIn("o_connect_pay_selected", self.url_open("/my/activity").text)
        # payments_only: no downloads, but the Pay button and the ticks
        self._set_level(self.farm_billing, "payments_only")
        activity = self.url_open("/my/activity").text
        self.assertIn("o_connect_pay_selected", activity)
        self.assertNotIn("o_connect_download_selected", activity)


@tagged("post_install", "-at_install")
class TestExpressPay(PayCase):
    """The express link: this customer's open items, no sign-in, nothing else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(400.0)
        cls.invoice.ref = "Greenacres baler twine"
        cls.golf_invoice = cls._invoice(90.0, partner=cls.golf)

    def _link(self, **kw):
        return self.Service._express_token(self.farm, self.company, **kw)

    def test_express_link_pays_without_signing_in(self):
        token = self._link()
        page = self.url_open(f"/pay/express/{token}").text
        self.assertIn(self.invoice.name, page)
        self.assertNotIn(self.golf_invoice.name, page)
        # nothing else of the account: no portal menu, no documents
        self.assertNotIn("/my/activity", page)
        self.assertNotIn("Greenacres baler twine", page)
        response = self.url_open(f"/pay/express/{token}?pay_{self.invoice.id}=1")
        values = self._start(
            self._quote_of(response.text), 400.0, route=f"/pay/express/{token}/transaction"
        )
        tx = self._confirm(values["reference"])
        self.assertTrue(self.invoice.currency_id.is_zero(self.invoice.amount_residual))
        self.assertEqual(tx.partner_id, self.farm)
        self.assertFalse(tx.connect_user_id)
        event = self.env["customer_connect.portal.event"].search(
            [("commercial_partner_id", "=", self.farm.id), ("kind", "=", "payment")]
        )
        self.assertIn("express", event.name)
        # the receipt goes to the billing contact
        log = self.env["customer_connect.mail.log"].search([("kind", "=", "payment_receipt")])
        self.assertEqual(log.partner_id, self.farm_billing)

    def test_forged_expired_or_other_links_refused(self):
        self.assertEqual(self.url_open("/pay/express/not-a-token").status_code, 404)
        expired = self.Service._express_token(self.farm, self.company, days=-1)
        self.assertEqual(self.url_open(f"/pay/express/{expired}").status_code, 404)
        token = self._link()
        tampered = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
        self.assertEqual(self.url_open(f"/pay/express/{tampered}").status_code, 404)
        # the link is Greenacres': Loch Vale's invoice cannot be chosen through it
        page = self.url_open(f"/pay/express/{token}?pay_{self.golf_invoice.id}=1").text
        self.assertIn("Only your own open invoices", page)

    def test_saved_methods_not_through_the_link(self):
        token = self._link()
        quote = self.Service._quote(self.farm, self.company, [self.invoice.id])
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._start(
                self.Service._quote_token(quote),
                400.0,
                route=f"/pay/express/{token}/transaction",
                flow="token",
                token_id=1,
            )

    def test_statement_qr_opens_the_pay_page_behind_sign_in(self):
        """The QR code printed on a statement grants nothing by itself (paper
        lasts for months): it opens the portal's pay page, where whoever
        scans it signs in and their own level decides."""
        url = self.farm._connect_pay_url(400.0, self.invoice.currency_id)
        self.assertTrue(url.endswith("/my/payments/pay"), url)
        self.assertNotIn("/pay/express/", url)
        path = url.split("//", 1)[1].split("/", 1)[1]
        response = self.url_open(f"/{path}", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        self.authenticate(self.user.login, self.password)
        self.assertIn(self.invoice.name, self.url_open(f"/{path}").text)
        self._set_level(self.farm_billing, "status_only")
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(f"/{path}").status_code, 403)
        # the printed statement's QR code is that address (the same code
        # drawn from it), not a bearer link
        qr = self.env["statement.common"]._connect_pay_qr(
            self.farm_billing, 400.0, self.invoice.currency_id
        )
        stream = io.BytesIO()
        qrcode.make(url, box_size=4, border=2).save(stream, format="PNG")
        self.assertEqual(
            qr, "data:image/png;base64," + base64.b64encode(stream.getvalue()).decode()
        )


@tagged("post_install", "-at_install")
class TestExpressLinkDiesWithItsRecipient(PayCase):
    """The "Pay online" link e-mailed to a contact is bound to that contact:
    it stops listing and paying the moment the contact's portal access goes
    (inactivated, login archived or revoked, level without payments,
    contact archived or moved to another customer)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(400.0)

    def _assert_dead(self, token, quote, why):
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(f"/pay/express/{token}").status_code, 404, why)
            with self.assertRaises(JsonRpcException, msg=why):
                self._start(quote, 400.0, route=f"/pay/express/{token}/transaction")
        self.assertFalse(self.invoice.transaction_ids, why)

    def _link_and_quote(self):
        token = self.Service._express_token(self.farm_billing, self.company)
        page = self.url_open(f"/pay/express/{token}?pay_{self.invoice.id}=1").text
        self.assertIn(self.invoice.name, page, "the link works while its contact may pay")
        return token, self._quote_of(page)

    def test_dies_when_staff_inactivate_the_contact(self):
        token, quote = self._link_and_quote()
        self.farm_billing.with_user(self.staff).action_connect_inactivate()
        self._assert_dead(token, quote, "inactivated")
        # given back, the link works again (it is the contact's access)
        self.farm_billing.with_user(self.staff).action_connect_reactivate()
        self.assertEqual(self.url_open(f"/pay/express/{token}").status_code, 200)

    def test_link_to_the_customers_address_dies_with_the_account(self):
        """An invoice addressed to the customer itself carries a link bound
        to the customer's own address: it dies when staff inactivate the
        account (its only login here)."""
        token = self.Service._express_token(self.farm, self.company)
        page = self.url_open(f"/pay/express/{token}?pay_{self.invoice.id}=1").text
        quote = self._quote_of(page)
        self.farm_billing.with_user(self.staff).action_connect_inactivate()
        self.assertEqual(self.farm.connect_state, "inactive")
        self._assert_dead(token, quote, "the customer's account inactivated")

    def test_dies_when_the_login_is_archived(self):
        token, quote = self._link_and_quote()
        self.user.active = False
        self._assert_dead(token, quote, "login archived")

    def test_dies_when_odoo_revokes_the_portal_access(self):
        token, quote = self._link_and_quote()
        wizard = self.env["portal.wizard"].create(
            {"partner_ids": [Command.set(self.farm_billing.ids)]}
        )
        wizard.user_ids.filtered(lambda w: w.partner_id == self.farm_billing).action_revoke_access()
        self._assert_dead(token, quote, "revoked in Odoo's portal wizard")

    def test_dies_with_a_level_without_payments(self):
        token, quote = self._link_and_quote()
        self._set_level(self.farm_billing, "status_only")
        self._assert_dead(token, quote, "level without payments")

    def test_dies_when_the_contact_leaves_or_is_archived(self):
        token, quote = self._link_and_quote()
        fiona_token = self.Service._express_token(self.farm_fiona, self.company)
        self.assertEqual(self.url_open(f"/pay/express/{fiona_token}").status_code, 200)
        self.farm_billing.parent_id = self.golf
        self._assert_dead(token, quote, "contact moved to another customer")
        # a contact without a login (Odoo refuses to archive one with a login)
        self.farm_fiona.active = False
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(f"/pay/express/{fiona_token}").status_code, 404)

    def test_a_link_bound_to_nobody_is_refused(self):
        """A link signed before links were bound to a person."""
        from datetime import timedelta

        from odoo.tools import hash_sign

        token = hash_sign(
            self.env(su=True),
            EXPRESS_SCOPE,
            {"customer": self.farm.id, "company": self.company.id},
            expiration=timedelta(days=30),
        )
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(f"/pay/express/{token}").status_code, 404)


@tagged("post_install", "-at_install")
class TestPaymentOptions(PayCase):
    """Card surcharge, part payments, saved methods."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(500.0)
        cls.income = cls.company_data["default_account_revenue"]

    def test_surcharge_shown_and_booked_on_its_own_line(self):
        self.provider.write(
            {"connect_surcharge_percent": 3.0, "connect_surcharge_account_id": self.income.id}
        )
        self.authenticate(self.user.login, self.password)
        page = self._pay_page(f"pay_{self.invoice.id}=1")
        self.assertIn("o_connect_surcharge", page)
        self.assertIn("515.00", page)
        values = self._start(self._quote_of(page), 500.0)
        tx = self._confirm(values["reference"])
        self.assertAlmostEqual(tx.amount, 515.0)
        payment = tx.payment_id
        self.assertAlmostEqual(payment.amount, 515.0)
        surcharge = payment.move_id.line_ids.filtered(lambda l: l.account_id == self.income)
        self.assertAlmostEqual(surcharge.balance, -15.0)
        self.assertTrue(self.invoice.currency_id.is_zero(self.invoice.amount_residual))

    def test_part_payment_where_the_dealer_allows_it(self):
        self.authenticate(self.user.login, self.password)
        query = f"pay_{self.invoice.id}=1&part_{self.invoice.id}=200&reason=Blades+missing"
        page = self._pay_page(query)
        self.assertIn("Invoices are paid in full here", page)
        self.company.connect_allow_partial_payment = True
        self.assertIn(
            "Tell us why", self._pay_page(f"pay_{self.invoice.id}=1&part_{self.invoice.id}=200")
        )
        page = self._pay_page(query)
        values = self._start(self._quote_of(page), 200.0)
        tx = self._confirm(values["reference"])
        self.assertAlmostEqual(self.invoice.amount_residual, 300.0)
        self.assertEqual(tx.payment_id.connect_reason, "Blades missing")

    def test_saved_method_pays_again(self):
        self.authenticate(self.user.login, self.password)
        values = self._start(
            self._quote_of(self._pay_page(f"pay_{self.invoice.id}=1")),
            500.0,
            tokenization_requested=True,
        )
        tx = self._confirm(values["reference"])
        token = tx.token_id
        self.assertTrue(token, "the method is kept when asked")
        self.assertEqual(token.partner_id, self.farm_billing)
        second = self._invoice(75.0)
        page = self._pay_page(f"pay_{second.id}=1")
        self.assertIn("4242", page, "the saved method is offered")
        values = self._start(
            self._quote_of(page), 75.0, flow="token", token_id=token.id, payment_method_id=None
        )
        tx2 = (
            self.env["payment.transaction"].sudo().search([("reference", "=", values["reference"])])
        )
        tx2._post_process()
        self.assertEqual(tx2.state, "done")
        self.assertTrue(second.currency_id.is_zero(second.amount_residual))


@tagged("post_install", "-at_install")
class TestAchPayments(PayCase):
    """Bank debit (ACH) is offered wherever the dealer's provider offers
    Odoo's ``ach_direct_debit`` method, in the USD it debits in, and pays
    the same way as a card."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ach = cls.env.ref("payment.payment_method_ach_direct_debit")
        # Odoo activates a method once a provider has it
        cls.provider.payment_method_ids = [Command.link(cls.ach.id)]
        cls.ach.active = True
        cls.invoice = cls._invoice(180.0)

    def test_ach_offered_and_pays(self):
        self.authenticate(self.user.login, self.password)
        page = self._pay_page(f"pay_{self.invoice.id}=1")
        self.assertIn(f'data-payment-method-code="{self.ach.code}"', page)
        values = self._start(self._quote_of(page), 180.0, payment_method_id=self.ach.id)
        tx = self._confirm(values["reference"])
        self.assertEqual(tx.payment_method_id, self.ach)
        self.assertTrue(self.invoice.currency_id.is_zero(self.invoice.amount_residual))
        self.assertEqual(tx.payment_id.reconciled_invoice_ids, self.invoice)

    def test_ach_not_offered_when_the_provider_has_not_it(self):
        self.provider.payment_method_ids -= self.ach
        self.authenticate(self.user.login, self.password)
        page = self._pay_page(f"pay_{self.invoice.id}=1")
        self.assertNotIn(f'data-payment-method-code="{self.ach.code}"', page)
