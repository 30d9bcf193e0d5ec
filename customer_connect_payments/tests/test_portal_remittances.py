"""Remittances: reading what a customer sends (form, CSV, XLSX, PDF, every
hostile cell), matching it to open invoices (by reference, then amount,
never guessed), the dealer's confirmation against a bank statement line
(Odoo's own reconciliation of the statement line's entry), and what the
contact then sees."""

import io
import subprocess

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PayCase


def xlsx_bytes(rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf_bytes(text):
    """A PDF of ``text`` in fixed columns (written by hand: one page, one
    Courier text object per line)."""
    lines = text.splitlines()
    stream = (
        "BT /F1 10 Tf 40 800 Td 12 TL "
        + " ".join("({}) '".format(line.replace("(", "[").replace(")", "]")) for line in lines)
        + " ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


class RemittanceCase(PayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inv_a = cls._invoice(120.0)
        cls.inv_b = cls._invoice(340.5)
        cls.inv_b.ref = "GA-PO-7781"
        cls.inv_c = cls._invoice(99.99)
        cls.inv_d = cls._invoice(55.0)
        cls.inv_e = cls._invoice(55.0)
        cls.golf_invoice = cls._invoice(77.0, partner=cls.golf)
        cls.Remittance = cls.env["customer_connect.remittance"]
        cls.today = fields.Date.to_string(fields.Date.today())

    def _send(self, amount, references=(), amounts=(), upload=None, user=None):
        return (
            self.Remittance.with_user(user or self.user)
            .with_company(self.company)
            ._connect_send(self.today, amount, "BACS 1234", references, amounts, upload)
        )

    def _kinds(self, remittance):
        return [(line.reference, line.match_kind, line.move_id) for line in remittance.line_ids]

    def _statement_line(self, amount, partner=None):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.company_data["default_journal_bank"].id,
                "date": fields.Date.today(),
                "payment_ref": "BACS GREENACRES",
                "amount": amount,
                "partner_id": partner.id if partner else False,
            }
        )


@tagged("post_install", "-at_install")
class TestRemittanceMatching(RemittanceCase):
    def test_by_reference_then_amount_never_guessed(self):
        lines = [
            # the invoice number written another way
            (self.inv_a.name.replace("/", " ").lower(), "120.00"),
            # the customer's own reference (its purchase order)
            ("ga po 7781", "340.50"),
            # no reference we know, one invoice of that amount
            ("their-ref-1", "99.99"),
            # two invoices of that amount
            ("their-ref-2", "55.00"),
            # nothing
            ("their-ref-3", "12.00"),
        ]
        remittance = self._send("627.49", *zip(*lines, strict=True))
        self.assertEqual(
            self._kinds(remittance),
            [
                (lines[0][0], "reference", self.inv_a),
                (lines[1][0], "reference", self.inv_b),
                ("their-ref-3" and "their-ref-1", "amount", self.inv_c),
                ("their-ref-2", "ambiguous", self.env["account.move"]),
                ("their-ref-3", "none", self.env["account.move"]),
            ],
        )
        self.assertIn("2 invoices of that amount", remittance.line_ids[3].match_note)
        self.assertIn("matches nothing", remittance.line_ids[4].match_note)
        self.assertEqual(remittance.state, "received")
        self.assertEqual(remittance.partner_id, self.farm)

    def test_another_customers_invoice_is_never_proposed(self):
        remittance = self._send("77.00", [self.golf_invoice.name], ["77.00"])
        self.assertEqual(remittance.line_ids.match_kind, "none")

    def test_one_invoice_twice_is_ambiguous(self):
        remittance = self._send("240.00", [self.inv_a.name, self.inv_a.name], ["120", "120"])
        self.assertEqual(remittance.line_ids.mapped("match_kind"), ["reference", "ambiguous"])

    def test_two_lines_of_one_amount_are_ambiguous(self):
        remittance = self._send("199.98", ["x1", "x2"], ["99.99", "99.99"])
        self.assertEqual(remittance.line_ids.mapped("match_kind"), ["ambiguous", "ambiguous"])


@tagged("post_install", "-at_install")
class TestRemittanceInput(RemittanceCase):
    def _refused(self, amount, references=(), amounts=(), upload=None):
        count = self.Remittance.search_count([])
        with self.assertRaises(UserError) as caught:
            self._send(amount, references, amounts, upload)
        self.assertEqual(self.Remittance.search_count([]), count, "nothing half-written")
        return str(caught.exception)

    def test_hostile_cells_are_reported_by_line(self):
        message = self._refused(
            "100",
            ["=HYPERLINK(1)", "ok-1", "ok-2", "ok-3", "ok-4", "ok\x00-5", "ok-6", "x" * 65, ""],
            ["10", "nan", "inf", "-5", "1e12", "10", "12.345", "10", "1,0"],
        )
        for expected in (
            "Line 1: the reference =HYPERLINK(1) is a formula",
            "Line 2: nan is not an amount",
            "Line 3: inf is not an amount",
            "Line 4: the amount -5 is negative",
            "Line 5: the amount 1e12 is too large",
            "Line 7: the amount 12.345 has more than 2 decimals",
            "Line 8: the reference is longer than 64 characters",
            "Line 9: no reference",
        ):
            self.assertIn(expected, message)
        # the NUL is dropped, the rest of that line is fine
        self.assertNotIn("Line 6", message)

    def test_transfer_fields(self):
        message = self._refused("=1+1", ["a"], ["1"])
        self.assertIn("Transfer total", message)
        with self.assertRaisesRegex(UserError, "future"):
            self.Remittance.with_user(self.user).with_company(self.company)._connect_send(
                "2999-01-01", "1", "", ["a"], ["1"]
            )
        with self.assertRaisesRegex(UserError, "date"):
            self.Remittance.with_user(self.user)._connect_send("31/02/2026", "1", "", ["a"], ["1"])
        self.assertIn(
            "lines come to 120.00 but the transfer is 121.00", self._refused("121", ["a"], ["120"])
        )

    def test_csv_latin1_and_header(self):
        content = f"Invoice No;Description;Amount paid\r\n{self.inv_a.name};Blades £;120,00\r\n"
        # a decimal comma is not ours to guess: refused with its line
        message = self._refused("120", upload=("advice.csv", content.encode("cp1252"), "text/csv"))
        self.assertIn("Line 2: 120,00: write amounts with a decimal point", message)
        content = (
            "Invoice No;Description;Amount paid\r\n"
            f"{self.inv_a.name};Blades £;120.00\r\n{self.inv_b.name};;340.50\r\n"
        )
        remittance = self._send(
            "460.50", upload=("advice.csv", content.encode("cp1252"), "text/csv")
        )
        self.assertEqual(remittance.line_ids.move_id, self.inv_a | self.inv_b)
        self.assertEqual(remittance.line_ids.mapped("sequence"), [2, 3])
        self.assertEqual(remittance.source, "file")

    def test_xlsx(self):
        data = xlsx_bytes(
            [["Reference", "Amount"], [self.inv_a.name, 120.0], ["GA-PO-7781", 340.5]]
        )
        remittance = self._send("460.50", upload=("advice.xlsx", data, None))
        self.assertEqual(remittance.line_ids.move_id, self.inv_a | self.inv_b)
        # a formula is never run: its cached value is read (none here, as
        # nothing computed it), and text that a spreadsheet would run is refused
        data = xlsx_bytes([["Reference", "Amount"], ["=1+1", 120.0], ["@SUM(A1)", 1.0]])
        message = self._refused("121", upload=("advice.xlsx", data, None))
        self.assertIn("Line 2: no reference", message)
        self.assertIn("Line 3: the reference @SUM(A1) is a formula", message)

    def test_pdf(self):
        text = "Remittance advice from Greenacres Farm\n\nInvoice            Date          Amount\n"
        text += f"{self.inv_a.name}      2026-11-01    120.00\n"
        text += (
            "GA-PO-7781         2026-11-02    £340.50\n\nTotal                            460.50\n"
        )
        data = pdf_bytes(text)
        # the test reads what pdftotext reads, as the product does
        self.assertIn(
            "GA-PO-7781",
            subprocess.run(
                ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
            ).stdout.decode(),
        )
        remittance = self._send("460.50", upload=("advice.pdf", data, "application/pdf"))
        self.assertEqual(remittance.line_ids.move_id, self.inv_a | self.inv_b)

    def test_hostile_files(self):
        for name, content, expected in (
            ("advice.csv", b"", "empty"),
            ("advice.csv", b"Reference,Amount\nA,1\x00\n", "not a text file"),
            ("advice.csv", b"x" * (2 * 1024 * 1024 + 1), "larger than"),
            ("advice.pdf", b"Reference,Amount\nA,1\n", "name does not end with"),
            ("advice.xlsx", b"%PDF-1.4 not a workbook", "name does not end"),
            ("advice.pdf", b"%PDF-1.4\n%%EOF", "PDF"),
            ("advice.xlsx", b"PK\x03\x04broken", "not a file we accept"),
            ("advice.csv", b"Reference,Amount\n" + b"A,1\n" * 1001, "at most 1000 lines"),
            ("advice.html", b"<html><script>alert(1)</script></html>", "not a file we accept"),
        ):
            with self.subTest(name=name, expected=expected), mute_logger("odoo.addons"):
                self.assertIn(expected, self._refused("1", upload=(name, content, None)))

    def test_file_and_lines_refused_together(self):
        message = self._refused(
            "1", ["a"], ["1"], upload=("a.csv", b"Reference,Amount\na,1\n", None)
        )
        self.assertIn("either a file or lines", message)


@tagged("post_install", "-at_install")
class TestRemittanceConfirm(RemittanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cashier = cls.env["res.users"].create(
            {
                "name": "Cashier",
                "login": "cc_cashier",
                "password": "cc_cashier",  # the staff tour signs in with it
                "email": "cashier@northfield.example",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("customer_connect.group_connect_user").id,
                            cls.env.ref("account.group_account_invoice").id,
                        ]
                    )
                ],
            }
        )

    def test_confirm_reconciles_the_statement_line(self):
        remittance = self._send(
            "560.50", [self.inv_a.name, "GA-PO-7781", "unknown"], ["120", "340.50", "100"]
        )
        st_line = self._statement_line(560.50)
        other = self._statement_line(560.50, partner=self.golf)
        as_cashier = remittance.with_user(self.cashier)
        self.assertEqual(as_cashier.proposed_statement_line_ids, st_line)
        self.assertNotIn(other, as_cashier.proposed_statement_line_ids)
        as_cashier.action_connect_confirm()
        self.assertEqual(remittance.state, "matched")
        self.assertEqual(remittance.statement_line_id, st_line)
        self.assertEqual(self.inv_a.payment_state, "paid")
        self.assertEqual(self.inv_b.payment_state, "paid")
        self.assertEqual(self.inv_c.payment_state, "not_paid")
        # the 100 that matched nothing stays on the bank line's suspense
        self.assertFalse(st_line.is_reconciled)
        _liquidity, suspense, other_lines = st_line._seek_for_lines()
        self.assertAlmostEqual(suspense.balance, -100.0)
        self.assertEqual(len(other_lines), 2)
        self.assertEqual(st_line.partner_id, self.farm)
        # the contact's timeline says so
        events = self.env["customer_connect.portal.event"].search(
            [("commercial_partner_id", "=", self.farm.id)]
        )
        self.assertIn("remittance_sent", events.mapped("kind"))
        self.assertIn("remittance_matched", events.mapped("kind"))
        with self.assertRaisesRegex(UserError, "already matched"):
            as_cashier.action_connect_confirm()

    def test_tour_staff_confirm_in_one_click(self):
        remittance = self._send("460.50", [self.inv_a.name, "GA-PO-7781"], ["120", "340.50"])
        st_line = self._statement_line(460.50)
        self.start_tour(
            f"/odoo/action-customer_connect_payments.action_connect_remittance/{remittance.id}",
            "customer_connect_remittance_confirm",
            login=self.cashier.login,
        )
        self.assertEqual(remittance.state, "matched")
        self.assertEqual(remittance.with_user(self.cashier).statement_line_id, st_line)
        self.assertEqual(self.inv_a.payment_state, "paid")
        self.assertEqual(self.inv_b.payment_state, "paid")

    def test_confirm_needs_both_rights(self):
        remittance = self._send("120", [self.inv_a.name], ["120"])
        self._statement_line(120.0)
        with self.assertRaisesRegex(AccessError, "Invoicing"):
            remittance.with_user(self.staff).action_connect_confirm()
        self.assertEqual(self.inv_a.payment_state, "not_paid")

    def test_confirm_refuses_more_than_the_bank_line(self):
        remittance = self._send("460.50", [self.inv_a.name, self.inv_b.name], ["120", "340.50"])
        remittance.with_user(self.cashier).statement_line_id = self._statement_line(400.0)
        with self.assertRaisesRegex(UserError, "more than the bank line"):
            remittance.with_user(self.cashier).action_connect_confirm()
        self.assertEqual(remittance.state, "received")

    def test_another_dealers_staff_see_nothing(self):
        remittance = self._send("120", [self.inv_a.name], ["120"])
        other = self.setup_other_company(name="Another dealer")["company"]
        stranger = self.env["res.users"].create(
            {
                "name": "Other dealer cashier",
                "login": "cc_other_cashier",
                "company_id": other.id,
                "company_ids": [Command.set(other.ids)],
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("customer_connect.group_connect_user").id,
                            self.env.ref("account.group_account_invoice").id,
                        ]
                    )
                ],
            }
        )
        self.assertFalse(self.Remittance.with_user(stranger).search([]))
        with self.assertRaises(AccessError):
            remittance.with_user(stranger).action_connect_confirm()

    def test_daily_status_section(self):
        self._send("120", [self.inv_a.name], ["120"])
        now = fields.Datetime.now()
        from datetime import timedelta

        section = self.Remittance._connect_daily_status_section(
            self.company, now - timedelta(days=1), now + timedelta(minutes=1)
        )
        self.assertIn("Waiting to be matched: 1", section["lines"][-1])
        self.assertIn("Greenacres", section["lines"][0])


@tagged("post_install", "-at_install")
class TestPortalRemittanceTour(RemittanceCase):
    """What the contact clicks: a CSV remittance uploaded, each line's
    match shown."""

    def test_tour_upload_a_remittance(self):
        self.assertTrue(self.inv_b.name.startswith("INV/"), "the tour looks for INV/")
        self.start_tour(
            "/my/remittances", "customer_connect_portal_remittance", login=self.user.login
        )
        remittance = self.Remittance.search([("partner_id", "=", self.farm.id)])
        self.assertEqual(remittance.source, "file")
        self.assertEqual(remittance.payer_reference, "BACS 5521")
        self.assertEqual(
            self._kinds(remittance),
            [
                ("GA-PO-7781", "reference", self.inv_b),
                ("THEIR-REF-1", "amount", self.inv_c),
                ("THEIR-REF-3", "none", self.env["account.move"]),
            ],
        )
