"""Every amount a browser sends to a pay route, ours and Odoo's.

Each amount field of each route is walked with what a careless or hostile
browser sends: no 500, no payment, nothing written, no ERROR in the log, the
page (or the payment form's error) saying why. Odoo's own routes take the
server's figure, or the dealer's part-payment rule (issue 18, points 1, 2)."""

import contextlib
import json
import logging

from odoo import Command
from odoo.tests import tagged
from odoo.tools import hmac

from .common import PayCase

# as typed in a form field, or sent as a JSON string
BAD_AMOUNTS = ("nan", "inf", "-0", "1e300", "0.001", "12,50", "£12.50")
# as a script sends JSON numbers (Python's json writes NaN and Infinity,
# which Odoo's JSON-RPC reads)
BAD_NUMBERS = (float("nan"), float("inf"), -0.0, 1e300, 0.001)


@tagged("post_install", "-at_install")
class TestAmountsOfEveryPayRoute(PayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # part payments on: the part amount fields are on the pages
        cls.company.connect_allow_partial_payment = True
        cls.invoice = cls._invoice(400.0)
        # Odoo's overdue invoices are those addressed to the contact itself
        cls.overdue = cls._invoice(120.0, partner=cls.farm_billing, days_ago=40, due_in=30)
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.farm.id,
                "company_id": cls.company.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.product_a.id, "price_unit": 300.0, "tax_id": []}
                    )
                ],
            }
        )
        cls.order.action_quotation_sent()
        cls.express = cls.Service._express_token(cls.farm_billing, cls.company)

    @contextlib.contextmanager
    def _no_error_logged(self):
        """Refusals are logged by odoo.http as WARNING (kept quiet here);
        anything at ERROR fails the test."""
        http_logger = logging.getLogger("odoo.http")
        level = http_logger.level
        http_logger.setLevel(logging.ERROR)
        try:
            with self.assertNoLogs("odoo", level="ERROR"):
                yield
        finally:
            http_logger.setLevel(level)

    def _json(self, url, params):
        response = self.url_open(
            url,
            json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
        )
        return response

    def _assert_json_refused(self, response, label):
        self.assertEqual(response.status_code, 200, label)
        body = response.json()
        self.assertIn("error", body, f"{label}: accepted")
        name = body["error"]["data"]["name"]
        self.assertIn(
            name,
            (
                "odoo.exceptions.UserError",
                "odoo.exceptions.ValidationError",
                "odoo.exceptions.AccessError",
            ),
            f"{label}: {name}: {body['error']['data']['message']}",
        )
        return body["error"]["data"]["message"]

    def _assert_page_refused(self, response, label, typed=None):
        self.assertLess(response.status_code, 500, label)
        if response.status_code == 200:
            self.assertNotIn('data-access-token="', response.text, f"{label}: a payment form")
            self.assertNotIn("o_payment_form", response.text, f"{label}: a payment form")
        if typed is not None:
            self.assertEqual(response.status_code, 200, label)
            self.assertIn("o_connect_pay_error", response.text, f"{label}: no message")
            # what was typed is on the page again (escaped as HTML)
            self.assertIn(f'value="{typed}"', response.text, f"{label}: the typed value lost")

    def _tx_params(self, amount, **extra):
        return {
            "amount": amount,
            "provider_id": self.provider.id,
            "payment_method_id": self.method.id,
            "token_id": None,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/anything",
            "is_validation": False,
            **extra,
        }

    def _counts(self):
        return (
            self.env["payment.transaction"].sudo().search_count([]),
            self.env["account.payment"].sudo().search_count([]),
        )

    def _post(self, url, data):
        return self.url_open(url, data={"csrf_token": self.csrf_token(), **data})

    def csrf_token(self):
        from odoo import http

        return http.Request.csrf_token(self)

    def test_every_amount_field_refuses_what_is_not_an_amount(self):
        inv = self.invoice.id
        before = self._counts()
        residual = self.invoice.amount_residual
        self.authenticate(self.user.login, self.password)
        own_quote = self._quote_of(self._pay_page(f"pay_{inv}=1"))
        express_quote = self._quote_of(
            self.url_open(f"/pay/express/{self.express}?pay_{inv}=1").text
        )
        currency = self.invoice.currency_id
        with self._no_error_logged():
            for value in BAD_AMOUNTS:
                # our pages: the amount on account and the part amount
                for page in ("/my/payments/pay", f"/pay/express/{self.express}"):
                    label = f"{page} on_account={value!r}"
                    response = self._post(page, {"on_account": value})
                    self._assert_page_refused(response, label, typed=value)
                    label = f"{page} part={value!r}"
                    response = self._post(
                        page, {f"pay_{inv}": "1", f"part_{inv}": value, "reason": "cash flow"}
                    )
                    self._assert_page_refused(response, label, typed=value)
                # Odoo's payment page, for the invoice, the order, a free amount
                for query in (
                    f"invoice_id={inv}&access_token={self.invoice._portal_ensure_token()}",
                    f"sale_order_id={self.order.id}&access_token={self.order._portal_ensure_token()}",
                    f"currency_id={currency.id}",
                ):
                    url = f"/payment/pay?amount={value}&{query}"
                    self._assert_page_refused(self.url_open(url), url)
            for value in BAD_AMOUNTS + BAD_NUMBERS:
                for url, params in (
                    ("/my/payments/transaction", {"access_token": own_quote}),
                    (f"/pay/express/{self.express}/transaction", {"access_token": express_quote}),
                    (
                        f"/invoice/transaction/{inv}",
                        {"access_token": self.invoice._portal_ensure_token()},
                    ),
                    ("/invoice/transaction/overdue", {"payment_reference": "OVERDUE"}),
                    (
                        f"/my/orders/{self.order.id}/transaction",
                        {"access_token": self.order._portal_ensure_token()},
                    ),
                    (
                        "/payment/transaction",
                        {
                            "currency_id": currency.id,
                            "partner_id": self.user.partner_id.id,
                            "access_token": self._free_token(value, currency),
                        },
                    ),
                ):
                    label = f"{url} amount={value!r}"
                    self._assert_json_refused(
                        self._json(url, self._tx_params(value, **params)), label
                    )
        self.assertEqual(self._counts(), before, "no transaction, no payment")
        self.invoice.invalidate_recordset(["amount_residual"])
        self.assertEqual(self.invoice.amount_residual, residual)

    def _free_token(self, value, currency):
        """The token Odoo's /payment/pay gives the signed-in contact's free
        payment of ``value`` (what a script replays to /payment/transaction)."""
        try:
            amount = float(value)
        except ValueError:
            amount = value
        values = f"{self.user.partner_id.id}|{amount}|{currency.id}"
        return hmac(self.env(su=True), "generate_access_token", values)

    def test_the_page_says_why(self):
        self.authenticate(self.user.login, self.password)
        for value, says in (
            ("12,50", "figures with a point"),
            ("£12.50", "figures with a point"),
            ("0.001", "at most 2 decimals"),
            ("-0", "above zero"),
            ("1e300", "figures with a point"),
            ("99999999", "Pay at most"),
        ):
            response = self._post("/my/payments/pay", {"on_account": value})
            self.assertIn(says, response.text, value)

    def test_amount_on_account_up_to_the_balance_and_the_margin(self):
        """Greenacres owes 520.00 (two invoices); the margin is the
        company's setting."""
        self.company.connect_on_account_margin = 1000.0
        self.authenticate(self.user.login, self.password)
        page = self._post("/my/payments/pay", {"on_account": "1520.00"}).text
        self.assertIn('data-access-token="', page, "the balance plus the margin is offered")
        page = self._post("/my/payments/pay", {"on_account": "1520.01"}).text
        self.assertNotIn('data-access-token="', page)
        self.assertIn("Pay at most", page)
        self.assertIn('value="1520.01"', page)


@tagged("post_install", "-at_install")
class TestOdooPayRoutesTakeTheServersFigure(PayCase):
    """Odoo's own Pay Now, overdue invoices, payment page and sale order
    transaction: the browser's amount is the server's, or the dealer's
    part-payment rule allows it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(400.0)

    def _pay_now(self, amount, invoice=None):
        invoice = invoice or self.invoice
        return self._rpc(
            f"/invoice/transaction/{invoice.id}",
            {
                "access_token": invoice._portal_ensure_token(),
                "amount": amount,
                "provider_id": self.provider.id,
                "payment_method_id": self.method.id,
                "token_id": None,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/anything",
                "is_validation": False,
            },
        )

    def test_pay_now_takes_the_invoice_amount_with_part_payments_off(self):
        self.assertFalse(self.company.connect_allow_partial_payment, "off by default")
        self.authenticate(self.user.login, self.password)
        with self.assertRaisesRegex(Exception, "paid in full here"), self._quiet():
            self._pay_now(40.0)
        self.assertFalse(self.invoice.transaction_ids, "40.00 of 400.00 refused")
        values = self._pay_now(400.0)
        tx = self._confirm(values["reference"])
        self.assertEqual(tx.amount, 400.0)
        self.assertTrue(self.invoice.currency_id.is_zero(self.invoice.amount_residual))

    def test_pay_now_part_amount_where_the_dealer_allows_it(self):
        self.company.connect_allow_partial_payment = True
        self.authenticate(self.user.login, self.password)
        with self.assertRaisesRegex(Exception, "Pay at most"), self._quiet():
            self._pay_now(400.01)
        tx = self._confirm(self._pay_now(40.0)["reference"])
        self.assertEqual(tx.amount, 40.0)
        self.assertAlmostEqual(self.invoice.amount_residual, 360.0)

    def test_overdue_invoices_take_their_sum(self):
        # Odoo's overdue invoices are those addressed to the contact itself
        overdue = self._invoice(
            120.0, partner=self.farm_billing, days_ago=40, due_in=30
        ) | self._invoice(80.0, partner=self.farm_billing, days_ago=50, due_in=30)
        self.authenticate(self.user.login, self.password)
        params = {
            "payment_reference": "OVERDUE",
            "provider_id": self.provider.id,
            "payment_method_id": self.method.id,
            "token_id": None,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/anything",
            "is_validation": False,
        }
        with self.assertRaisesRegex(Exception, "paid in full here"), self._quiet():
            self._rpc("/invoice/transaction/overdue", {**params, "amount": 20.0})
        self.assertFalse(overdue.transaction_ids)
        self._rpc("/invoice/transaction/overdue", {**params, "amount": 200.0})
        self.assertTrue(overdue.transaction_ids)

    def test_sale_order_takes_what_is_left_to_pay(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.farm.id,
                "company_id": self.company.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product_a.id, "price_unit": 300.0, "tax_id": []}
                    )
                ],
            }
        )
        order.action_quotation_sent()
        self.authenticate(self.user.login, self.password)
        params = {
            "access_token": order._portal_ensure_token(),
            "provider_id": self.provider.id,
            "payment_method_id": self.method.id,
            "token_id": None,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/anything",
            "is_validation": False,
        }
        with self.assertRaisesRegex(Exception, "paid in full here"), self._quiet():
            self._rpc(f"/my/orders/{order.id}/transaction", {**params, "amount": 30.0})
        self.assertFalse(order.transaction_ids)
        self._rpc(f"/my/orders/{order.id}/transaction", {**params, "amount": 300.0})
        self.assertTrue(order.transaction_ids)

    def test_payment_page_says_why_before_the_card_form(self):
        """/payment/pay with an invoice and an amount that is not its own
        (a payment link of another amount, replayed): refused with the
        reason, no payment form."""
        self.authenticate(self.user.login, self.password)
        values = f"{self.invoice.partner_id.id}|40.0|{self.invoice.currency_id.id}"
        token = hmac(self.env(su=True), "generate_access_token", values)
        with self._quiet():
            response = self.url_open(
                f"/payment/pay?amount=40.0&invoice_id={self.invoice.id}&access_token={token}"
            )
        self.assertLess(response.status_code, 500)
        self.assertNotIn("o_payment_form", response.text)
        self.assertIn("paid in full here", response.text)

    def test_a_stranger_learns_nothing_of_a_customer_from_the_limit(self):
        """Signed out, a free amount for a customer's partner id without its
        link's token: Odoo's 404, not the customer's on-account limit."""
        self.authenticate(None, None)
        with self._quiet():
            response = self.url_open(
                f"/payment/pay?amount=99999999&partner_id={self.farm.id}"
                f"&currency_id={self.invoice.currency_id.id}&access_token=forged"
            )
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("Pay at most", response.text)

    def test_customer_not_on_customer_connect_keeps_odoos_rule(self):
        """Odoo's own behaviour for a customer not on the portal (its token
        link): any well-formed amount, as Odoo's account_payment tests ask."""
        stranger = self.env["res.partner"].create(
            {"name": "Walk-in buyer", "email": "walkin@example.com", "company_id": self.company.id}
        )
        invoice = self._invoice(400.0, partner=stranger)
        self.assertEqual(stranger.connect_state, "not_invited")
        self.authenticate(None, None)
        self._pay_now(40.0, invoice)
        self.assertTrue(invoice.transaction_ids)

    @contextlib.contextmanager
    def _quiet(self):
        http_logger = logging.getLogger("odoo.http")
        level = http_logger.level
        http_logger.setLevel(logging.ERROR)
        try:
            yield
        finally:
            http_logger.setLevel(level)
