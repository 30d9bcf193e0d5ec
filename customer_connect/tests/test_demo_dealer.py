import random

from odoo import fields
from odoo.tests import new_test_user, tagged

from ..demo.connect_demo import PORTAL_CUSTOMER
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
        # invoices and credit notes (with customer_connect_payments, the demo's
        # remittance puts a bank statement line of Greenacres on the BNK1 journal)
        moves = self.env["account.move"].search(
            [
                ("partner_id", "in", customers.ids),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ]
        )
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

        # a dealer's set-up: British English, UK addresses, one Greenacres
        # Farm, a dispute raised from the portal and a web lead
        self.assertEqual(customers.mapped("name").count(PORTAL_CUSTOMER), 1)
        people = customers | customers.child_ids
        self.assertEqual(set(people.mapped("lang")), {"en_GB"})
        self.assertEqual(people.country_id, self.env.ref("base.uk"), "every address in the UK")
        self.assertTrue(all(p.street and p.city and p.zip for p in people), "whole addresses")
        self.assertEqual(self.company.partner_id.lang, "en_GB")
        self.assertEqual(self.env["ir.default"]._get("res.partner", "lang"), "en_GB")
        self.assertEqual(self.env["res.lang"]._lang_get("en_GB").date_format, "%d/%m/%Y")
        dispute = self.env["customer_connect.dispute"].search([("partner_id", "=", farm.id)])
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.contact_id, portal.partner_id, "raised by the portal contact")
        self.assertTrue(dispute.move_id.connect_in_dispute)
        lead = self.env["crm.lead"].search([("email_from", "=", "hamish@braeside-farm.example")])
        self.assertEqual(len(lead), 1)
        self.assertTrue(lead.connect_web_lead)
        self.assertEqual(lead.company_id, self.company)
        # a promise open and one broken, a plan asked, all by the portal contact
        promises = self.env["customer_connect.promise"].search([("partner_id", "=", farm.id)])
        self.assertEqual(
            sorted(promises.mapped("state")),
            ["broken", "open"],
            self.env["account.move"]
            .search([("commercial_partner_id", "=", farm.id)])
            .mapped(lambda m: (m.name, m.payment_state, m.connect_in_dispute)),
        )
        self.assertEqual(promises.contact_id, portal.partner_id)
        plan = self.env["customer_connect.plan"].search([("partner_id", "=", farm.id)])
        self.assertEqual(plan.state, "requested")
        self.assertEqual(len(plan.line_ids), 3)
        self.assertEqual(plan.contact_id, portal.partner_id)

    def test_one_greenacres_farm(self):
        """The name drawn for the 116th customer of the demo was Greenacres
        Farm again: the portal customer's name is never drawn."""
        Demo = self.env["customer_connect.demo"]
        for seed in (18, 3, 7):
            names = Demo._demo_customer_names(random.Random(seed), 150)
            self.assertEqual(len(names), 150)
            self.assertEqual(names[0], PORTAL_CUSTOMER)
            self.assertEqual(names.count(PORTAL_CUSTOMER), 1, seed)
            self.assertEqual(len(set(names)), 150)

    def test_staff_as_a_dealer_sets_them_up(self):
        """Web leads need Odoo's Sales rights; the daily status goes to the
        administrator; both in British English."""
        vals = {"company_id": self.company.id, "company_ids": [(6, 0, self.company.ids)]}
        admin = new_test_user(
            self.env, "demo_admin", groups="customer_connect.group_connect_admin", **vals
        )
        user = new_test_user(
            self.env, "demo_user", groups="customer_connect.group_connect_user", **vals
        )
        self.env["customer_connect.demo"]._demo_staff(admin.id, user.id)
        self.assertTrue(admin.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertTrue(user.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(user.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertIn(admin, self.company.connect_daily_status_user_ids)
        self.assertNotIn(user, self.company.connect_daily_status_user_ids)
        self.assertEqual({admin.lang, user.lang}, {"en_GB"})
        # what that gives: both read the Request Info form's leads
        lead = self.env["customer_connect.web.lead"]._submit(
            {
                "contact_name": "Hamish Duguid",
                "email_from": "hamish@braeside.example",
                "message": "A price for a compact tractor, please.",
            },
            "192.0.2.11",
            self.company,
        )["lead"]
        for staff in (admin, user):
            self.assertEqual(
                self.env["crm.lead"].with_user(staff).search([("id", "=", lead.id)]), lead
            )
