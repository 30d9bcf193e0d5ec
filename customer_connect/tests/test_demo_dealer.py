from odoo import fields
from odoo.tests import tagged

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestDemoDealer(ConnectCase):
    def test_demo_generator(self):
        """The demo dealer has customers in every aging bucket, settled, part
        paid and discounted invoices, credit notes and one portal contact."""
        customers = (
            self.env["customer_connect.demo"]
            .with_company(self.company)
            ._generate_demo_dealer(customer_count=40, seed=3)
        )
        self.assertEqual(len(customers), 40)
        self.assertEqual(len(set(customers.mapped("ref"))), 40, "customer numbers are unique")
        self.assertTrue(all(customers.mapped("customer_rank")))
        self.assertTrue(customers.child_ids.filtered("email"), "contacts have e-mail addresses")
        moves = self.env["account.move"].search([("partner_id", "in", customers.ids)])
        invoices = moves.filtered(lambda m: m.move_type == "out_invoice")
        self.assertTrue(all(m.state == "posted" for m in moves))
        self.assertTrue(moves.filtered(lambda m: m.move_type == "out_refund"), "credit notes")
        states = set(invoices.mapped("payment_state"))
        self.assertTrue({"paid", "partial", "not_paid"} <= states | {"in_payment"}, states)
        self.assertTrue(invoices.invoice_payment_term_id.filtered("early_discount"))
        settled = invoices.filtered(lambda m: m.payment_state != "not_paid")
        self.assertTrue(
            all(len(m.matched_payment_ids) == 1 for m in settled), "one payment per paid invoice"
        )
        payments = self.env["account.payment"].search([("partner_id", "in", customers.ids)])
        # the farmhouse project's deposit (invoiced to the farm's billing
        # contact) is paid too: checked below with the project
        deposit = (
            self.env["sale.order"]
            .search([("client_order_ref", "=", "Farmhouse refit")])
            .invoice_ids
        )
        self.assertEqual(len(deposit), 1)
        self.assertEqual(deposit.payment_state, "paid")
        payments = payments.filtered(lambda p: not (p.reconciled_invoice_ids & deposit))
        self.assertEqual(len(payments), len(settled))
        self.assertTrue(all(p.state in ("in_process", "paid") for p in payments))
        # numbered in bulk as posting one by one numbers: in date order, no
        # gap, a sequence per journal and kind (INV, RINV, PBNK1)
        posted = moves | payments.move_id
        self.assertTrue(all(m.state == "posted" for m in posted))
        for numbered in posted.grouped(lambda m: (m.journal_id, m.sequence_prefix)).values():
            numbered = numbered.sorted("sequence_number")
            dates = numbered.mapped("date")
            self.assertEqual(dates, sorted(dates), "numbered in date order")
            first = numbered[0].sequence_number
            self.assertEqual(
                numbered.mapped("sequence_number"),
                list(range(first, first + len(numbered))),
                f"no gap in {numbered[0].sequence_prefix}",
            )
        self.assertEqual(
            {m.sequence_prefix[:4] for m in posted}, {"INV/", "RINV", "PBNK"}, "Odoo's prefixes"
        )
        # the portal customer's account shows a year: an invoice a month
        farm = customers[0]
        farm_dates = invoices.filtered(lambda m: m.partner_id == farm).mapped("invoice_date")
        self.assertGreaterEqual(len(farm_dates), 10)
        self.assertGreaterEqual((max(farm_dates) - min(farm_dates)).days, 300)
        today = fields.Date.today()
        ages = {(today - d).days // 30 for d in invoices.mapped("invoice_date")}
        self.assertTrue({0, 1, 2, 3} <= ages, f"aging buckets covered: {sorted(ages)}")
        portal = self.env["res.users"].search([("login", "=", "accounts@greenacres-farm.example")])
        self.assertTrue(portal.share)
        self.assertEqual(portal.partner_id.connect_login_state, "active")
        self.assertEqual(portal.partner_id.commercial_partner_id.connect_state, "active")
        states = customers.mapped("connect_state")
        self.assertEqual(states.count("active"), 1)
        self.assertGreaterEqual(states.count("invited"), 3, "pending invitations")
        invitations = self.env["customer_connect.mail.log"].search(
            [("commercial_partner_id", "in", customers.ids), ("kind", "=", "invitation")]
        )
        # the mail queue is for administrators
        queued = invitations.sudo().mail_id.filtered(lambda m: m.state == "outgoing")
        self.assertGreaterEqual(len(queued), 3, "invitation e-mails wait in the mail queue")
        self.assertGreater(states.count("not_invited"), 30)
        # open orders: Greenacres has each kind, the completed one is not open
        farm = portal.partner_id.commercial_partner_id
        orders = (
            self.env["sale.order"]
            .sudo()
            .search([("partner_id", "=", farm.id), ("client_order_ref", "!=", "Farmhouse refit")])
        )
        self.assertEqual(len(orders), 4)
        self.assertEqual(
            sorted((o.connect_to_deliver, o.connect_to_invoice) for o in orders),
            [(False, False), (False, True), (True, True), (True, True)],
        )
        # project status: the farmhouse's kitchen and garage, pictures, a
        # deposit paid, a proposal awaiting acceptance
        Status = self.env["customer_connect.portal.project.status"].with_user(portal)
        projects = Status.with_company(self.company)._projects()
        farmhouse = next(p["site"] for p in projects if p["site"].name == "Greenacres Farmhouse")
        project = Status.with_company(self.company)._project(farmhouse.id, "rooms")
        self.assertEqual([room for room, _items in project["groups"]], ["Garage", "Kitchen"])
        self.assertTrue(all(item["line"].product_id.image_128 for item in project["items"]))
        self.assertEqual(len(project["pending"]), 1)
        totals = project["totals"][project["accepted"].currency_id]
        self.assertAlmostEqual(totals["deposit"], round(totals["total"] * 0.3, 2))
