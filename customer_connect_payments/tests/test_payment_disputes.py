from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PayCase


@tagged("post_install", "-at_install")
class TestPaymentDisputes(PayCase):
    """An invoice in dispute is not offered nor paid by express pay; a
    signed-in contact sees it marked on its pay page and may still pay it
    deliberately (the dispute stays open until the dealer closes it)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.disputed = cls._invoice(300.0, days_ago=60, due_in=30)
        cls.other = cls._invoice(120.0)
        cls.dispute = (
            cls.env["customer_connect.dispute"]
            .with_user(cls.user)
            .with_company(cls.company)
            ._connect_raise(
                cls.disputed.id,
                cls.env.ref("customer_connect.dispute_reason_faulty").id,
                "The blades were bent on arrival",
            )
        )

    def test_express_pay_leaves_disputed_invoices_out(self):
        self.assertTrue(self.disputed.connect_in_dispute)
        items = self.Service._open_items(self.farm, self.company)
        self.assertNotIn(self.disputed, items)
        self.assertIn(self.other, items)
        with self.assertRaisesRegex(UserError, "in dispute"):
            self.Service._quote(self.farm, self.company, [self.disputed.id])
        token = self.Service._express_token(self.farm, self.company)
        page = self.url_open(f"/pay/express/{token}").text
        self.assertIn(self.other.name, page)
        self.assertNotIn(self.disputed.name, page)
        # asked for anyway: refused with the reason, nothing to pay
        page = self.url_open(f"/pay/express/{token}?pay_{self.disputed.id}=1").text
        self.assertIn("in dispute", page)
        self.assertNotIn("data-access-token", page)
        # a quote made for the signed-in page is no express quote either
        quote = self.Service._quote(
            self.farm, self.company, [self.disputed.id], include_disputed=True
        )
        with self.assertRaisesRegex(UserError, "in dispute"):
            self.Service._quote_from_token(
                self.Service._quote_token(quote), self.farm, self.company
            )
        # the home page's "to pay" count leaves it out
        self.authenticate(self.user.login, self.password)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["connect_payment_count"]}
        )
        self.assertEqual(counters["connect_payment_count"], 1)

    def test_signed_in_contact_may_pay_it_deliberately(self):
        self.authenticate(self.user.login, self.password)
        page = self._pay_page("")
        self.assertIn(self.disputed.name, page)
        self.assertIn("o_connect_in_dispute", page)
        page = self._pay_page(f"pay_{self.disputed.id}=1")
        values = self._start(self._quote_of(page), 300.0)
        self._confirm(values["reference"])
        self.assertTrue(self.disputed.currency_id.is_zero(self.disputed.amount_residual))
        self.assertEqual(self.dispute.state, "open", "paying does not close the dispute")
