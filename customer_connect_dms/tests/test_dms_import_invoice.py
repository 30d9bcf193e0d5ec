from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import DmsImportCase

HEADER = (
    "number,customer_number,date,due_date,amount_total,amount_residual,"
    "discount_date,settlement_amount,description\n"
)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestDmsImportInvoices(DmsImportCase):
    def test_posted_invoice_as_in_the_dms(self):
        text = HEADER + (
            "SI100234,90001,15/02/2026,17/03/2026,1200.00,1200.00,10/03/2026,1176.00,Service\n"
            "SI100235,90001,16/02/2026,,300.00,100.00,,,Parts\n"
        )
        run = self._import("invoices", text)
        self.assertEqual(run.state, "done", run.message + str(self._refused(run)))
        Move = self.env["account.move"]
        service = Move.search([("dms_number", "=", "SI100234")])
        self.assertEqual(service.state, "posted")
        self.assertEqual((service.name, service.ref, service.payment_reference), ("SI100234",) * 3)
        self.assertEqual(service.journal_id.code, "DMS")
        self.assertEqual(service.amount_total, 1200.0)
        self.assertEqual(str(service.invoice_date_due), "2026-03-17")
        self.assertIn(self.farm, service.message_partner_ids)
        line = service.line_ids.filtered(lambda l: l.display_type == "payment_term")
        self.assertEqual(str(line.discount_date), "2026-03-10")
        self.assertEqual(line.discount_amount_currency, 1176.0)
        # the DMS says 100 of 300 are still due: Odoo shows the same
        parts = Move.search([("dms_number", "=", "SI100235")])
        self.assertEqual(parts.amount_residual, 100.0)
        self.assertEqual(parts.payment_state, "partial")
        # the same export again changes nothing
        again = self._import("invoices", text)
        self.assertEqual(
            (again.count_unchanged, again.count_created, again.count_updated), (2, 0, 0)
        )
        self.assertEqual(parts.amount_residual, 100.0)
        # a later export: SI100235 paid in full in the DMS
        later = self._import("invoices", text.replace("300.00,100.00", "300.00,0"))
        self.assertEqual(later.count_updated, 1, later.message)
        self.assertEqual(parts.payment_state, "paid")
        self.assertEqual(parts.amount_residual, 0.0)

    def test_same_journal_items_as_an_invoice_made_in_odoo(self):
        run = self._import(
            "invoices", HEADER + "SI9,90001,15/02/2026,17/03/2026,250.00,250.00,,,Hire\n"
        )
        imported = self.env["account.move"].search([("dms_number", "=", "SI9")])
        self.assertEqual(run.state, "done", run.message)
        by_hand = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.farm.id,
                "journal_id": imported.journal_id.id,
                "invoice_date": imported.invoice_date,
                "invoice_date_due": imported.invoice_date_due,
                "invoice_line_ids": [
                    Command.create({"name": "Hire", "price_unit": 250.0, "tax_ids": []})
                ],
            }
        )
        by_hand.action_post()

        def items(move):
            return sorted(
                (
                    l.display_type,
                    l.account_id.id,
                    l.balance,
                    l.amount_currency,
                    l.partner_id.id,
                    l.date_maturity,
                    l.tax_ids.ids,
                    l.price_subtotal,
                    l.price_total,
                )
                for l in move.line_ids
            )

        self.assertEqual(items(imported), items(by_hand))
        for name in (
            "amount_untaxed",
            "amount_tax",
            "amount_total",
            "amount_residual",
            "payment_state",
            "state",
            "commercial_partner_id",
        ):
            self.assertEqual(imported[name], by_hand[name], name)

    def test_changed_total_refused(self):
        text = HEADER + "SI1,90001,15/02/2026,,100.00,100.00,,,\n"
        self._import("invoices", text)
        run = self._import("invoices", text.replace("100.00,100.00", "120.00,120.00"))
        self.assertEqual(run.state, "failed")
        self.assertEqual(self._refused(run)[0][:2], (2, "amount_total"))

    def test_outstanding_more_than_odoo_is_a_portal_payment(self):
        text = HEADER + "SI2,90001,15/02/2026,,100.00,100.00,,,\n"
        self._import("invoices", text)
        self._import("invoices", text.replace("100.00,100.00", "100.00,40.00"))
        invoice = self.env["account.move"].search([("dms_number", "=", "SI2")])
        self.assertEqual(invoice.amount_residual, 40.0)
        # an older export (or a portal payment the DMS has not booked yet)
        run = self._import("invoices", text)
        self.assertEqual(run.count_unchanged, 1)
        self.assertEqual(invoice.amount_residual, 40.0)

    def test_bad_invoice_rows(self):
        text = HEADER + (
            "SI3,90001,15/02/2026,,100.00,150.00,,,\n"
            "SI4,90001,15/02/2026,,100.00,100.00,10/03/2026,,\n"
            "SI5,90001,15/02/2026,01/02/2026,100.00,100.00,,,\n"
            "SI6,55555,15/02/2026,,100.00,100.00,,,\n"
        )
        run = self._import("invoices", text)
        self.assertEqual(run.state, "failed")
        self.assertEqual(
            [(r, c) for r, c, _m in self._refused(run)],
            [
                (2, "amount_residual"),
                (3, "settlement_amount"),
                (4, "due_date"),
                (5, "customer_number"),
            ],
        )
        self.assertFalse(self.env["account.move"].search([("dms_number", "like", "SI")]))
