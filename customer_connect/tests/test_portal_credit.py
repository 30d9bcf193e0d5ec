from odoo import Command, http, sql_db
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from . import test_portal_isolation
from .common import ConnectCase

REFUSED = (403, 404)


def money(amount):
    """An amount as the portal's monetary widget writes its figures."""
    return f"{amount:,.2f}"


class CreditCase(ConnectCase):
    """Northfield shows credit; Greenacres has a limit of 12,345, an open
    invoice and a confirmed order not invoiced yet; Loch Vale a limit of
    97,531 and an invoice of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"account_use_credit_limit": True, "connect_portal_show_credit": True})
        cls.farm.with_company(cls.company).credit_limit = 12345.0
        cls.golf.with_company(cls.company).credit_limit = 97531.0
        cls.farm_invoice = cls.init_invoice(
            "out_invoice", partner=cls.farm, amounts=[250], post=True
        )
        cls.golf_invoice = cls.init_invoice(
            "out_invoice", partner=cls.golf, amounts=[90], post=True
        )
        cls.farm_order = cls.env["sale.order"].create(
            {
                "partner_id": cls.farm.id,
                "company_id": cls.company.id,
                "order_line": [
                    Command.create({"product_id": cls.product_a.id, "product_uom_qty": 2})
                ],
            }
        )
        cls.farm_order.action_confirm()

    def _expected(self, limit=12345.0):
        receivable = self.farm_invoice.amount_total
        to_invoice = self.farm_order.amount_to_invoice
        return receivable, to_invoice, receivable + to_invoice, limit - receivable - to_invoice


@tagged("post_install", "-at_install")
class TestPortalCredit(CreditCase, HttpCase):
    """Greenacres' billing contact (full access) sees its credit; Loch
    Vale's keeper its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.farm_user = cls._activate(cls.farm_billing)
        cls.golf_user = cls._activate(cls.golf_keeper)

    # -- the figures: Odoo's own ------------------------------------------
    def test_figures_are_what_odoo_counts(self):
        receivable, to_invoice, used, left = self._expected()
        self.assertGreater(receivable, 0)
        self.assertGreater(to_invoice, 0)
        figures = self.farm_billing._connect_credit_figures(self.company)
        self.assertEqual(figures["currency"], self.company.currency_id)
        self.assertAlmostEqual(figures["limit"], 12345.0)
        self.assertAlmostEqual(figures["receivable"], receivable)
        self.assertAlmostEqual(figures["to_invoice"], to_invoice)
        self.assertAlmostEqual(figures["used"], used)
        self.assertAlmostEqual(figures["left"], left)
        self.assertEqual(figures["over"], 0.0)
        # Odoo's own warning on a new quotation agrees: one that takes the
        # customer past what is left is warned of, one within it is not
        Order = self.env["sale.order"].with_company(self.company)
        line = {"product_id": self.product_a.id, "price_unit": 1.0, "tax_id": False}
        within = Order.create(
            {
                "partner_id": self.farm.id,
                "order_line": [Command.create({**line, "product_uom_qty": left - 1})],
            }
        )
        past = Order.create(
            {
                "partner_id": self.farm.id,
                "order_line": [Command.create({**line, "product_uom_qty": left + 1})],
            }
        )
        self.assertFalse(within.partner_credit_warning)
        self.assertTrue(past.partner_credit_warning)
        # a payment lowers what is used; an order invoiced moves from one
        # line to the other
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.farm_invoice.ids
        ).create({"amount": 100.0})._create_payments()
        self.assertAlmostEqual(
            self.farm._connect_credit_figures(self.company)["receivable"], receivable - 100.0
        )

    def test_over_the_limit_and_no_limit(self):
        _receivable, _to_invoice, used, _left = self._expected()
        self.farm.with_company(self.company).credit_limit = 100.0
        figures = self.farm._connect_credit_figures(self.company)
        self.assertEqual(figures["left"], 0.0, "never a negative amount left")
        self.assertAlmostEqual(figures["over"], used - 100.0)
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        page = self.url_open("/my/activity").text
        self.assertIn("o_connect_credit_card", page)
        self.assertIn("over the limit by", page)
        self.assertIn(money(used - 100.0), page)
        self.assertNotIn(f"-{money(used - 100.0)}", page)
        # no limit: no card, and the page says so without a figure
        self.farm.with_company(self.company).credit_limit = 0.0
        self.assertIsNone(self.farm._connect_credit_figures(self.company))
        self.assertNotIn("o_connect_credit_card", self.url_open("/my/activity").text)
        self.assertNotIn("o_connect_credit_card", self.url_open("/my").text)
        page = self.url_open("/my/credit")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_connect_credit_none", page.text)
        self.assertNotIn(money(used), page.text)

    # -- the contact ---------------------------------------------------------
    def test_contact_sees_limit_used_and_left(self):
        receivable, to_invoice, used, left = self._expected()
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        for url in ("/my/activity", "/my"):
            page = self.url_open(url).text
            self.assertIn("o_connect_credit_card", page, url)
            for amount in (12345.0, used, left):
                self.assertIn(money(amount), page, url)
            self.assertNotIn(money(97531.0), page, url)
        page = self.url_open("/my/credit")
        self.assertEqual(page.status_code, 200)
        for amount in (12345.0, receivable, to_invoice, used, left):
            self.assertIn(money(amount), page.text)
        self.assertIn('href="/my/open-orders"', page.text)
        self.assertNotIn(money(97531.0), page.text)

    def test_another_customer_figures_never_show(self):
        _receivable, _to_invoice, used, left = self._expected()
        self.authenticate(self.golf_user.login, self.PORTAL_PASSWORD)
        golf_used = self.golf_invoice.amount_total
        for url in ("/my/activity", "/my", "/my/credit"):
            page = self.url_open(url).text
            self.assertIn(money(97531.0), page, url)
            self.assertIn(money(97531.0 - golf_used), page, url)
            for amount in (12345.0, used, left):
                self.assertNotIn(money(amount), page, url)
        # the figures are not readable over JSON-RPC, Odoo's nor ours, nor
        # the portal service's methods
        for field in ("credit_limit", "credit", "connect_credit_left"):
            with self.assertRaises(JsonRpcException, msg=field), mute_logger("odoo.http"):
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw/res.partner/read",
                    {
                        "model": "res.partner",
                        "method": "read",
                        "args": [self.farm.ids, [field]],
                        "kwargs": {},
                    },
                )
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/customer_connect.portal.credit/_connect_card",
                {
                    "model": "customer_connect.portal.credit",
                    "method": "_connect_card",
                    "args": [],
                    "kwargs": {},
                },
            )

    def test_level_without_credit_and_dealer_switch_off(self):
        _receivable, _to_invoice, used, left = self._expected()
        # a level like Full access but without credit
        no_credit = self._level("full").copy(
            {"name": "Full, no credit", "code": False, "can_see_credit": False}
        )
        self._set_level(self.farm_billing, no_credit)
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        for url in ("/my/activity", "/my"):
            page = self.url_open(url)
            self.assertEqual(page.status_code, 200, url)
            self.assertNotIn("o_connect_credit_card", page.text, url)
            for amount in (12345.0, used, left):
                self.assertNotIn(money(amount), page.text, url)
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open("/my/credit").status_code, 403)
        # the level shows credit, the dealer does not: nothing, and no page
        self._set_level(self.farm_billing, "full")
        for switches in (
            {"connect_portal_show_credit": False},
            # Odoo's credit limit off: its limits and orders do not count
            {"connect_portal_show_credit": True, "account_use_credit_limit": False},
        ):
            self.company.write(switches)
            for url in ("/my/activity", "/my"):
                self.assertNotIn("o_connect_credit_card", self.url_open(url).text, switches)
            with mute_logger("odoo.http"):
                self.assertEqual(self.url_open("/my/credit").status_code, 404, switches)
        self.company.write({"account_use_credit_limit": True})
        self.assertIn(money(left), self.url_open("/my/activity").text)

    def test_each_dealer_company_its_own_figures(self):
        """A login shared with a second dealer company: the company picked
        in the switcher decides whose credit, with its limit, its invoices
        and its currency."""
        _receivable, _to_invoice, used, left = self._expected()
        south, south_farm, _contact = self._share_login_with_second_company()
        south.write({"account_use_credit_limit": True, "connect_portal_show_credit": True})
        south_farm.with_company(south).credit_limit = 5000.0
        south_invoice = self.init_invoice(
            "out_invoice", partner=south_farm, amounts=[120], company=south
        )
        south_invoice.with_company(south).action_post()
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        self.assertIn(money(left), self.url_open("/my/activity").text)
        self.url_open(
            "/my/company",
            data={"company_id": south.id, "csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        page = self.url_open("/my/credit").text
        self.assertIn(money(5000.0), page)
        self.assertIn(money(5000.0 - south_invoice.amount_total), page)
        for amount in (12345.0, used, left):
            self.assertNotIn(money(amount), page)
        # one customer shared by two dealer companies: each its own limit
        # and its own receivable
        shared = self.env["res.partner"].create({"name": "Shared Estates", "is_company": True})
        shared.with_company(self.company).credit_limit = 1000.0
        shared.with_company(south).credit_limit = 2000.0
        self.init_invoice("out_invoice", partner=shared, amounts=[10], post=True)
        north = shared._connect_credit_figures(self.company)
        far = shared._connect_credit_figures(south)
        self.assertEqual((north["limit"], far["limit"]), (1000.0, 2000.0))
        self.assertGreater(north["receivable"], 0)
        self.assertEqual(far["receivable"], 0)

    # -- the dealer's staff -------------------------------------------------
    def test_staff_see_what_the_contact_sees(self):
        _receivable, _to_invoice, used, left = self._expected()
        farm = self.farm.with_user(self.staff).with_company(self.company)
        self.assertTrue(farm.connect_credit_shown)
        self.assertAlmostEqual(farm.connect_credit_limit, 12345.0)
        self.assertAlmostEqual(farm.connect_credit_used, used)
        self.assertAlmostEqual(farm.connect_credit_left, left)
        # the switch off: the form says the portal shows nothing
        self.company.connect_portal_show_credit = False
        farm.invalidate_recordset()
        self.assertFalse(farm.connect_credit_shown)

    def test_another_dealers_staff_see_nothing(self):
        south = self.setup_other_company(name="Stranger Dealer")["company"]
        south.write({"account_use_credit_limit": True, "connect_portal_show_credit": True})
        south_staff = new_test_user(
            self.env,
            "cc_credit_stranger",
            groups="customer_connect.group_connect_user",
            company_id=south.id,
            company_ids=[Command.set(south.ids)],
        )
        # Greenacres is Northfield's customer: not even readable
        with self.assertRaises(AccessError):
            self.farm.with_user(south_staff).with_company(south).read(["connect_credit_limit"])
        # on the portal's pages a dealer's staff is nobody's contact
        self.authenticate("cc_credit_stranger", "cc_credit_stranger")
        with mute_logger("odoo.http"):
            response = self.url_open("/my/credit")
        self.assertIn(response.status_code, REFUSED)
        self.assertNotIn(money(12345.0), self.url_open("/my").text)

    def test_settings_switch(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="connect_portal_show_credit"', arch)
        self.env["res.config.settings"].with_company(self.company).create(
            {"connect_portal_show_credit": False}
        )
        self.assertFalse(self.company.connect_portal_show_credit)

    def test_demo_dealer_shows_credit(self):
        self.company.write({"account_use_credit_limit": False, "connect_portal_show_credit": False})
        self.env["customer_connect.demo"]._demo_credit(self.farm, self.company)
        self.assertTrue(self.company._connect_shows_credit())
        figures = self.farm._connect_credit_figures(self.company)
        self.assertEqual(figures["limit"] % 5000, 0)
        self.assertGreaterEqual(figures["left"], 10000.0)
        self.assertGreater(figures["used"], 0)

    # -- cost ------------------------------------------------------------------
    def test_query_count_does_not_grow(self):
        Credit = self.env["customer_connect.portal.credit"].with_user(self.farm_user)

        def count_queries():
            # once to warm the registry caches (rules, rights), then counted
            Credit.with_company(self.company)._connect_card()
            self.env.invalidate_all()
            before = sql_db.sql_counter
            card = Credit.with_company(self.company)._connect_card()
            self.assertTrue(card)
            return sql_db.sql_counter - before

        few = count_queries()
        for _n in range(5):
            self.init_invoice("out_invoice", partner=self.farm, amounts=[10], post=True)
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.farm.id,
                    "order_line": [Command.create({"product_id": self.product_a.id})],
                }
            )
            order.action_confirm()
        self.env.flush_all()
        self.assertEqual(count_queries(), few)
        # 16 measured: the login's contacts and levels, the company's switches,
        # Odoo's receivable and its orders not invoiced (one search, one read)
        self.assertLessEqual(few, 18)


# the credit area's line of the capability matrix: its page
CREDIT_MATRIX_PAGES = {"/my/credit": "credit"}
CREDIT_MATRIX_RPC = {}


@tagged("post_install", "-at_install")
class TestCreditCapabilityMatrix(test_portal_isolation.TestCapabilityMatrix):
    """The credit area's line of the capability matrix: each shipped level
    reaches the credit page, and has the card on its home, exactly when it
    shows credit."""

    matrix_pages = CREDIT_MATRIX_PAGES
    matrix_rpc = CREDIT_MATRIX_RPC
    # Odoo 18's loader runs only the methods a class defines itself unless
    # told otherwise: the matrix's own tests must run with these lines
    allow_inherited_tests_method = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"account_use_credit_limit": True, "connect_portal_show_credit": True})
        cls.farm.with_company(cls.company).credit_limit = 12345.0

    def test_the_card_follows_the_level(self):
        levels = self.env["customer_connect.access.level"].search(
            [("company_id", "=", self.company.id)]
        )
        for level in levels:
            self._set_level(self.farm_billing, level)
            self.authenticate(self.user.login, self.PORTAL_PASSWORD)
            home = self.url_open(self.user._connect_home_url()).text
            self.assertEqual("o_connect_credit_card" in home, level._grants("credit"), level.name)
        shown = levels.filtered("can_see_credit").mapped("code")
        self.assertEqual(set(shown), {"full", "accounts_payable", "payments_only"})
