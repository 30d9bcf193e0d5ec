from datetime import timedelta

from odoo import Command, fields, http, sql_db
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import file_open, mute_logger

from .common import ConnectCase
from .daily_status_window import DailyStatusWindowMixin

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
REFUSED = (403, 404)


class DisputeCase(ConnectCase, HttpCase):
    """Greenacres' billing contact (full access) and Loch Vale's keeper have
    logins; Greenacres has an overdue invoice and a current one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.farm_user = cls._activate(cls.farm_billing)
        cls.golf_user = cls._activate(cls.golf_keeper)
        today = fields.Date.today()
        cls.overdue = cls.init_invoice(
            "out_invoice", partner=cls.farm, amounts=[250], invoice_date=today - timedelta(days=70)
        )
        cls.overdue.write(
            {
                "ref": "Blades for dispute",
                "invoice_payment_term_id": False,
                "invoice_date_due": today - timedelta(days=40),
            }
        )
        cls.overdue.action_post()
        cls.current = cls.init_invoice(
            "out_invoice", partner=cls.farm, amounts=[40], invoice_date=today, post=True
        )
        cls.golf_invoice = cls.init_invoice(
            "out_invoice", partner=cls.golf, amounts=[90], post=True
        )
        cls.reason = cls.env.ref("customer_connect.dispute_reason_price")
        cls.company.connect_dispute_user_id = cls.staff
        cls.accountant = new_test_user(
            cls.env,
            "cc_accountant",
            groups="customer_connect.group_connect_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _raise(self, user=None, invoice=None, message="The discount agreed was 10%.", **kw):
        Dispute = self.env["customer_connect.dispute"].with_user(user or self.farm_user)
        return Dispute.with_company(self.company)._connect_raise(
            (invoice or self.overdue).id, kw.pop("reason_id", self.reason.id), message, **kw
        )

    def _post_form(self, invoice, data, files=None):
        payload = {"csrf_token": http.Request.csrf_token(self), **data}
        return self.url_open(
            f"/my/invoices/{invoice.id}/dispute", data=payload, files=files, allow_redirects=False
        )


@tagged("post_install", "-at_install")
class TestPortalDisputes(DailyStatusWindowMixin, DisputeCase):
    # -- raising ---------------------------------------------------------
    def test_raise_from_the_portal(self):
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        page = self.url_open(f"/my/invoices/{self.overdue.id}").text
        self.assertIn(f"/my/invoices/{self.overdue.id}/dispute", page, "the invoice offers it")
        self.assertIn("Dispute this invoice", page)
        form = self.url_open(f"/my/invoices/{self.overdue.id}/dispute")
        self.assertEqual(form.status_code, 200)
        self.assertIn(self.reason.name, form.text)
        response = self._post_form(
            self.overdue,
            {"reason_id": self.reason.id, "message": "The discount agreed was 10%, not 5%."},
            files=[("attachments", ("quote.pdf", PDF, "application/pdf"))],
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        dispute = self.env["customer_connect.dispute"].search([("move_id", "=", self.overdue.id)])
        self.assertIn(f"/my/disputes/{dispute.id}", response.headers["Location"])
        self.assertEqual(dispute.state, "open")
        self.assertEqual(dispute.partner_id, self.farm)
        self.assertEqual(dispute.contact_id, self.farm_billing)
        self.assertEqual(dispute.company_id, self.company)
        self.assertEqual(dispute.user_id, self.staff, "the company's disputes handler")
        self.assertTrue(dispute.name.startswith("DSP/"))
        self.assertTrue(self.overdue.connect_in_dispute)
        self.assertFalse(self.current.connect_in_dispute)
        # the customer's words open the chatter, with the file, by the contact
        first = dispute.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(first.author_id, self.farm_billing)
        self.assertIn("not 5%", str(first.body))
        self.assertEqual(first.attachment_ids.name, "quote.pdf")
        self.assertEqual(first.attachment_ids.mimetype, "application/pdf")
        # both sides are told: the contact by e-mail (history), the dealer's
        # handler through the chatter (a follower, notified)
        logs = self.env["customer_connect.mail.log"].search(
            [("partner_id", "=", self.farm_billing.id), ("kind", "=", "dispute")]
        )
        self.assertEqual(len(logs), 1)
        self.assertIn(dispute.name, str(logs.mail_id.body_html))
        self.assertIn(self.staff.partner_id, dispute.message_partner_ids)
        self.assertTrue(
            self.env["mail.notification"].search(
                [
                    ("mail_message_id", "=", first.id),
                    ("res_partner_id", "=", self.staff.partner_id.id),
                ]
            ),
            "the assignee is notified of the customer's message",
        )
        events = self.env["customer_connect.portal.event"].search(
            [("commercial_partner_id", "=", self.farm.id), ("kind", "=", "dispute_raised")]
        )
        self.assertEqual(events.res_id, self.overdue.id)
        # "in dispute" everywhere the customer looks
        page = self.url_open(f"/my/disputes/{dispute.id}?raised=1").text
        self.assertIn("o_connect_dispute_raised", page)
        self.assertIn("quote.pdf", page)
        self.assertIn("o_portal_chatter", page)
        listed = self.url_open("/my/disputes").text
        self.assertIn(dispute.name, listed)
        self.assertIn(self.overdue.name, listed)
        self.assertIn("o_connect_in_dispute", self.url_open(f"/my/invoices/{self.overdue.id}").text)
        activity = self.url_open("/my/activity").text
        self.assertIn("o_connect_in_dispute", activity)
        # its file downloads from the dispute's page
        file = first.attachment_ids
        download = self.url_open(f"/my/disputes/{dispute.id}/files/{file.id}")
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, PDF)

    def test_refusals_say_why(self):
        def refused(expected, **kw):
            with self.assertRaises(UserError) as caught:
                self._raise(**kw)
            self.assertIn(expected, str(caught.exception))

        refused("Choose a reason", reason_id=False)
        refused("Choose a reason", reason_id="'; drop table")
        refused("Choose a reason", reason_id=10**12)
        other_company = self.setup_other_company(name="Another dealer")["company"]
        foreign_reason = self.env["customer_connect.dispute.reason"].create(
            {"name": "Their reason", "company_id": other_company.id}
        )
        refused("Choose a reason", reason_id=foreign_reason.id)
        refused("10 characters at least", message="bad")
        refused("10 characters at least", message="   \x00\x00   ")
        refused("under 4000 characters", message="x" * 4001)
        refused("at most 5 files", files=[(f"f{i}.pdf", PDF) for i in range(6)])
        refused("larger than 5 MB", files=[("big.pdf", PDF + b"0" * (5 * 1024 * 1024))])
        refused("is empty", files=[("empty.pdf", b"")])
        refused("not a file we accept", files=[("page.pdf", b"<html><script>alert(1)</script>")])
        refused("not a file we accept", files=[("x.exe", b"MZ\x90\x00\x03" + b"\x00" * 60)])
        refused("not a file we accept", files=[("drawing.svg", b"hello, plain text")])
        self.assertFalse(self.env["customer_connect.dispute"].search([]), "nothing was raised")
        # a NUL byte in the message is dropped, not a database error
        dispute = self._raise(message="Price \x00 not as agreed at all")
        self.assertEqual(dispute.message, "Price  not as agreed at all")
        # one open dispute per invoice
        refused("already in dispute")
        # over HTTP: the form again with the reason, never a server error
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        for data, files, expected in (
            ({"reason_id": "", "message": "Long enough message"}, None, "Choose a reason"),
            ({"reason_id": "abc", "message": "Long enough message"}, None, "Choose a reason"),
            ({"reason_id": self.reason.id, "message": "short"}, None, "10 characters"),
            (
                {"reason_id": self.reason.id, "message": "Long enough message"},
                [("attachments", ("evil.html", b"<html><script>x</script>", "text/html"))],
                "not a file we accept",
            ),
        ):
            response = self._post_form(self.current, data, files)
            self.assertEqual(response.status_code, 200, data)
            self.assertIn(expected, response.text)
            self.assertIn("o_connect_dispute_error", response.text)
        response = self._post_form(
            self.overdue, {"reason_id": self.reason.id, "message": "Long enough message"}
        )
        self.assertIn("o_connect_dispute_exists", response.text, "the open dispute is shown")
        for url in (
            "/my/invoices/99999999999/dispute",
            "/my/disputes/99999999999",
            f"/my/disputes/{dispute.id}/files/99999999999",
            "/my/invoices/0/dispute",
            "/my/disputes/0",
        ):
            with mute_logger("odoo.http"):
                self.assertEqual(self.url_open(url).status_code, 404, url)
        self.assertEqual(self.url_open("/my/disputes?filterby=x&page=abc").status_code, 200)
        # a credit note or a payment is no invoice to dispute
        credit = self.init_invoice("out_refund", partner=self.farm, amounts=[5], post=True)
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(f"/my/invoices/{credit.id}/dispute").status_code, 403)

    def test_file_content_name_and_declared_type_agree(self):
        """A text file named photo.png was taken as a dispute picture: the
        browser's declared type, the extension and the content must agree,
        or the form comes back naming the file, and nothing is raised."""
        with file_open("base/static/img/avatar_grey.png", "rb") as image:
            png = image.read()
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        data = {"reason_id": self.reason.id, "message": "The price is not the one agreed."}
        for upload, expected in (
            (
                ("photo.png", b"just some words, not a picture", "image/png"),
                "photo.png is a text file",
            ),
            (
                ("photo.png", png, "text/plain"),
                "photo.png was sent as text/plain but is a PNG file",
            ),
            (("notes.txt", png, "text/plain"), "notes.txt is a PNG file, but its name"),
            (("quote.pdf", png, "application/pdf"), "quote.pdf is a PNG file, but its name"),
            (("quote.png", PDF, "image/png"), "quote.png is a PDF file, but its name"),
            (("photo", png, "image/png"), "photo is a PNG file, but its name"),
            # RIFF is WebP to Odoo's guess, and a WAV file too
            (
                ("clip.webp", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40, "image/webp"),
                "clip.webp is not a file we accept",
            ),
            # text beyond the first kilobyte Odoo's guess reads
            (
                ("notes.txt", b"a" * 2000 + b"\x00\x01\x02", "text/plain"),
                "notes.txt is not a file we accept",
            ),
            (
                ("notes.txt", "caf\xe9 cr\xe8me ".encode("latin-1") * 10, "text/plain"),
                "notes.txt is not a file we accept",
            ),
        ):
            response = self._post_form(self.current, data, [("attachments", upload)])
            self.assertEqual(response.status_code, 200, upload[0])
            self.assertIn("o_connect_dispute_error", response.text)
            self.assertIn(expected, response.text)
        self.assertFalse(self.env["customer_connect.dispute"].search([]), "nothing was raised")
        # what agrees is taken; a browser that cannot name a type declares
        # none (octet-stream): the content and the name decide
        files = [
            ("attachments", ("photo.png", png, "image/png")),
            ("attachments", ("notes.txt", "caf\xe9 cr\xe8me\n".encode(), "text/plain")),
            ("attachments", ("SCAN.PDF", PDF, "application/octet-stream")),
        ]
        response = self._post_form(self.current, data, files)
        self.assertEqual(response.status_code, 303, response.text[:500])
        dispute = self.env["customer_connect.dispute"].search([("move_id", "=", self.current.id)])
        self.assertEqual(
            sorted(dispute.with_user(self.farm_user)._connect_files_sudo().mapped("mimetype")),
            ["application/pdf", "image/png", "text/plain"],
        )

    def test_reply_files_are_checked_too(self):
        dispute = self._raise()

        def upload(name, raw):
            # what Odoo's portal composer uploads before the message is posted
            return (
                self.env["ir.attachment"]
                .with_user(self.farm_user)
                .sudo()
                .create(
                    {"name": name, "raw": raw, "res_model": "mail.compose.message", "res_id": 0}
                )
            )

        evil = upload("photo.png", b"<html><script>alert(1)</script></html>")
        with self.assertRaisesRegex(UserError, "not a file we accept"):
            dispute.message_post(body="See the photo", attachment_ids=evil.ids)
        # a text file named as a picture: what it is and its name disagree
        text = upload("photo.png", b"just words, no picture")
        with self.assertRaisesRegex(UserError, "photo.png is a text file, but its name"):
            dispute.message_post(body="See the photo", attachment_ids=text.ids)
        good = upload("photo.pdf", PDF)
        message = dispute.message_post(body="See the file", attachment_ids=good.ids)
        self.assertEqual(message.sudo().attachment_ids, good)
        self.assertEqual(message.sudo().subtype_id, self.env.ref("mail.mt_comment"))
        with self.assertRaisesRegex(UserError, "under 4000"):
            dispute.message_post(body="x" * 9000)

    def test_another_customers_contact_reaches_nothing(self):
        dispute = self._raise(files=[("quote.pdf", PDF)])
        file = dispute.message_ids.attachment_ids
        dispute.with_user(self.staff).message_post(
            body="Internal: margin was thin", subtype_xmlid="mail.mt_note", message_type="comment"
        )
        self.authenticate(self.golf_user.login, self.PORTAL_PASSWORD)
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            for url in (
                f"/my/invoices/{self.overdue.id}/dispute",
                f"/my/disputes/{dispute.id}",
                f"/my/disputes/{dispute.id}/files/{file.id}",
            ):
                response = self.url_open(url)
                self.assertIn(response.status_code, REFUSED, url)
                self.assertNotIn("discount agreed", response.text)
            response = self._post_form(
                self.overdue, {"reason_id": self.reason.id, "message": "Not my invoice at all"}
            )
            self.assertIn(response.status_code, REFUSED)
        self.assertEqual(len(self.env["customer_connect.dispute"].search([])), 1)
        self.assertNotIn(dispute.name, self.url_open("/my/disputes?filterby=all").text)
        # the chatter: neither read nor answer, with or without a token
        token = dispute._portal_ensure_token()
        params = {"thread_model": dispute._name, "thread_id": dispute.id}
        fetched = self.make_jsonrpc_request("/mail/chatter_fetch", params)
        self.assertNotIn("discount agreed", str(fetched))
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            # a token opens nothing: the dispute's rules decide
            self.make_jsonrpc_request("/mail/chatter_fetch", {**params, "token": token})
        for extra in ({}, {"token": token}):
            with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
                self.make_jsonrpc_request(
                    "/mail/message/post",
                    {
                        **params,
                        **extra,
                        "post_data": {"body": "Golf was here", "message_type": "comment"},
                    },
                )
        self.assertFalse(self.env["mail.message"].search([("body", "ilike", "Golf was here")]))
        # and over JSON-RPC
        found = self.make_jsonrpc_request(
            "/web/dataset/call_kw/customer_connect.dispute/search_read",
            {
                "model": "customer_connect.dispute",
                "method": "search_read",
                "args": [[], ["name"]],
                "kwargs": {},
            },
        )
        self.assertFalse(found)
        for method, args in (
            ("read", [dispute.ids, ["name", "message"]]),
            ("message_post", [dispute.ids]),
            ("write", [dispute.ids, {"state": "resolved"}]),
            ("create", [{"move_id": self.overdue.id, "reason_id": self.reason.id}]),
        ):
            kwargs = {"body": "Golf RPC"} if method == "message_post" else {}
            with self.assertRaises(JsonRpcException, msg=method), mute_logger("odoo.http"):
                self.make_jsonrpc_request(
                    f"/web/dataset/call_kw/customer_connect.dispute/{method}",
                    {
                        "model": "customer_connect.dispute",
                        "method": method,
                        "args": args,
                        "kwargs": kwargs,
                    },
                )
        self.assertEqual(dispute.state, "open")
        # the other way round: the farm's contact reads and answers
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        fetched = self.make_jsonrpc_request("/mail/chatter_fetch", params)
        self.assertIn("discount agreed", str(fetched))
        self.assertNotIn("margin was thin", str(fetched), "internal notes stay the dealer's")
        self.make_jsonrpc_request(
            "/mail/message/post",
            {**params, "post_data": {"body": "Any news?", "message_type": "comment"}},
        )
        reply = self.env["mail.message"].search(
            [
                ("model", "=", dispute._name),
                ("res_id", "=", dispute.id),
                ("body", "ilike", "Any news"),
            ]
        )
        self.assertEqual(reply.author_id, self.farm_billing)
        self.assertIn(
            self.staff.partner_id,
            reply.notification_ids.res_partner_id,
            "the dealer is told",
        )

    def test_level_without_disputes_is_refused_everywhere(self):
        dispute = self._raise(files=[("quote.pdf", PDF)])
        file = dispute.message_ids.attachment_ids
        self._set_level(self.farm_billing, "payments_only")
        with self.assertRaises(AccessError):
            self._raise(invoice=self.current)
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            for url in (
                "/my/disputes",
                "/my/disputes/page/2",
                f"/my/invoices/{self.current.id}/dispute",
                f"/my/disputes/{dispute.id}",
                f"/my/disputes/{dispute.id}/files/{file.id}",
            ):
                self.assertEqual(self.url_open(url).status_code, 403, url)
            response = self._post_form(
                self.current, {"reason_id": self.reason.id, "message": "Long enough message"}
            )
            self.assertEqual(response.status_code, 403)
            params = {"thread_model": dispute._name, "thread_id": dispute.id}
            with self.assertRaises(JsonRpcException):
                self.make_jsonrpc_request(
                    "/mail/message/post",
                    {**params, "post_data": {"body": "Still there?", "message_type": "comment"}},
                )
        found = self.make_jsonrpc_request(
            "/web/dataset/call_kw/customer_connect.dispute/search_read",
            {
                "model": "customer_connect.dispute",
                "method": "search_read",
                "args": [[], ["name"]],
                "kwargs": {},
            },
        )
        self.assertFalse(found)
        page = self.url_open(f"/my/invoices/{self.current.id}").text
        self.assertNotIn("/dispute", page, "no way to raise one")
        self.assertNotIn('href="/my/disputes"', self.url_open("/my").text)

    # -- the dealer's side -------------------------------------------------
    def test_workflow_and_credit_note(self):
        dispute = self._raise().with_user(self.staff)
        self.assertEqual(dispute.user_id, self.staff)
        dispute.user_id = False
        dispute.action_review()
        self.assertEqual(dispute.state, "under_review")
        self.assertEqual(dispute.user_id, self.staff, "taken by whoever reviews it")
        with self.assertRaises(UserError):
            dispute.action_review()
        with self.assertRaisesRegex(UserError, "resolution note"):
            dispute.action_resolve()
        dispute.resolution_note = "We agree: 10% it is."
        # a credit note is an accounting document: invoicing rights needed
        with self.assertRaisesRegex(UserError, "invoicing rights"):
            dispute.action_resolve_credit()
        self.assertEqual(dispute.state, "under_review")
        # a portal contact or a plain employee does not work disputes
        with self.assertRaises(AccessError):
            dispute.with_user(self.farm_user).action_resolve()
        employee = new_test_user(self.env, "cc_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            dispute.with_user(employee).read(["name"])
        dispute.with_user(self.accountant).action_resolve_credit()
        credit = dispute.credit_note_id
        self.assertEqual(dispute.state, "resolved")
        self.assertTrue(dispute.date_closed)
        self.assertEqual(credit.move_type, "out_refund")
        self.assertEqual(credit.state, "posted")
        self.assertEqual(credit.reversed_entry_id, self.overdue)
        self.assertEqual(credit.amount_total, self.overdue.amount_total)
        self.assertEqual(credit.partner_id, self.farm)
        self.assertIn(dispute.name, credit.ref)
        self.assertIn(self.overdue.payment_state, ("reversed", "paid"))
        self.assertFalse(self.overdue.connect_in_dispute)
        with self.assertRaisesRegex(UserError, "closed already"):
            dispute.action_reject()
        logs = self.env["customer_connect.mail.log"].search(
            [("partner_id", "=", self.farm_billing.id), ("kind", "=", "dispute")]
        )
        self.assertEqual(len(logs), 2, "raised, then resolved")
        self.assertIn(credit.name, str(logs.mail_id.mapped("body_html")))
        kinds = (
            self.env["customer_connect.portal.event"]
            .search([("commercial_partner_id", "=", self.farm.id)])
            .mapped("kind")
        )
        self.assertIn("dispute_resolved", kinds)
        # the contact reads the answer and the credit note on its page
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        page = self.url_open(f"/my/disputes/{dispute.id}").text
        self.assertIn("10% it is", page)
        self.assertIn(credit.sudo().name, page)
        # closed: the invoice can be disputed again
        second = self._raise(invoice=self.overdue, message="Another problem this time")
        self.assertEqual(second.state, "open")

    def test_reject(self):
        dispute = self._raise().with_user(self.staff)
        dispute.resolution_note = "The price list of March applies."
        mails_before = self.env["mail.mail"].sudo().search([])
        dispute.action_reject()
        self.assertEqual(dispute.state, "rejected")
        # the contact (a follower) is e-mailed once: the dispute e-mail, not
        # also a chatter notification; the note is in the conversation
        new_mails = self.env["mail.mail"].sudo().search([]) - mails_before
        self.assertEqual(len(new_mails), 1, new_mails.mapped("subject"))
        self.assertIn(
            "The price list of March applies.",
            dispute.sudo().message_ids.filtered(lambda m: m.message_type == "comment")[:1].body,
        )
        self.assertFalse(dispute.credit_note_id)
        self.assertFalse(self.overdue.connect_in_dispute)
        self.assertIn(
            "dispute_rejected",
            self.env["customer_connect.portal.event"]
            .search([("commercial_partner_id", "=", self.farm.id)])
            .mapped("kind"),
        )

    def test_staff_queue_and_invoice_flag(self):
        dispute = self._raise()
        Dispute = self.env["customer_connect.dispute"].with_user(self.staff)
        # a Customer Connect user works the queue without accounting rights:
        # the views load and the form reads the invoice's name and amounts
        views = Dispute.get_views(
            [(False, "list"), (False, "kanban"), (False, "form"), (False, "search")]
        )
        self.assertEqual(set(views["views"]), {"list", "kanban", "form", "search"})
        values = Dispute.browse(dispute.id).web_read(
            {
                "move_id": {"fields": {"display_name": {}}},
                "amount_residual": {},
                "reason_id": {"fields": {"display_name": {}}},
                "message": {},
            }
        )[0]
        self.assertIn(self.overdue.name, values["move_id"]["display_name"])
        self.assertEqual(values["amount_residual"], self.overdue.amount_residual)
        # accountants see "in dispute" on the invoice form and list
        form = self.env["account.move"].with_user(self.accountant).get_views([(False, "form")])
        self.assertIn("o_connect_in_dispute", form["views"]["form"]["arch"])
        self.assertEqual(Dispute.search([("user_id", "=", self.staff.id)]), dispute)
        Move = self.env["account.move"].with_user(self.accountant)
        self.assertEqual(
            Move.search([("connect_in_dispute", "=", True)]),
            self.overdue.with_user(self.accountant),
        )
        # staff of another dealer company see nothing of it
        south = self.setup_other_company(name="Southfield")["company"]
        south_staff = new_test_user(
            self.env,
            "cc_south",
            groups="customer_connect.group_connect_user",
            company_id=south.id,
            company_ids=[Command.set(south.ids)],
        )
        self.assertFalse(self.env["customer_connect.dispute"].with_user(south_staff).search([]))

    # -- left out of overdue figures and reminders ---------------------
    def test_held_out_of_collections_while_open(self):
        Hold = self.env["customer_connect.collection.hold"]
        invoices = self.overdue | self.current
        today = fields.Date.context_today(self.env.user)
        self.assertEqual(Hold._holds(invoices, today), {})
        dispute = self._raise().with_user(self.staff)
        self.assertEqual(Hold._holds(invoices, today), {self.overdue.id: "dispute"})
        self.assertEqual(Hold._hold_reasons()["dispute"], "in dispute")
        dispute.resolution_note = "The price list of March applies."
        dispute.action_reject()
        self.assertEqual(Hold._holds(invoices, today), {})

    def test_left_out_of_overdue_figures(self):
        Activity = self.env["customer_connect.portal.activity"].with_user(self.farm_user)
        totals = Activity.with_company(self.company)._totals()
        currency = self.overdue.currency_id
        self.assertEqual(totals[currency]["overdue"], self.overdue.amount_residual)
        self._raise()
        totals = Activity.with_company(self.company)._totals()
        self.assertEqual(totals[currency]["overdue"], 0.0)
        self.assertEqual(totals[currency]["in_dispute"], self.overdue.amount_residual)
        self.assertEqual(
            totals[currency]["outstanding"],
            self.overdue.amount_residual + self.current.amount_residual,
            "still owed, in the total",
        )
        # the statement: not aged, shown apart, in the balance
        Statement = self.env["report.partner_statement.outstanding_statement"]
        data = self.env["customer_connect.statement"]._report_data(self.farm, self.company)
        values = Statement._get_report_values(self.farm.ids, data)
        buckets = next(iter(values["data"][self.farm.id]["currencies"].values()))["buckets"]
        aged = sum(
            buckets[key]
            for key in ("current", "b_1_30", "b_30_60", "b_60_90", "b_90_120", "b_over_120")
        )
        self.assertAlmostEqual(aged, self.current.amount_residual)
        self.assertAlmostEqual(buckets["connect_in_dispute"], self.overdue.amount_residual)
        self.assertAlmostEqual(
            buckets["balance"], self.overdue.amount_residual + self.current.amount_residual
        )
        pdf = self.env["customer_connect.statement"]._render_pdf(self.farm, self.company)
        self.assertIn(b"o_connect_statement_in_dispute", pdf)
        # Odoo's own "overdue" of the portal (home counter, pay all overdue)
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["overdue_invoice_count", "connect_dispute_count"]}
        )
        self.assertEqual(counters["overdue_invoice_count"], 0)
        self.assertEqual(counters["connect_dispute_count"], 1)
        # the statement e-mail (the monthly send) marks it
        logs = self.env["customer_connect.statement"]._send(self.farm)
        self.assertIn("in dispute", str(logs.mail_id.body_html))

    # -- the daily status ----------------------------------------------
    def test_daily_status_section(self):
        Dispute = self.env["customer_connect.dispute"]
        # today's bounds, as the daily status e-mail hands them (UTC datetimes)
        today = self.env["customer_connect.daily.status"]._day_bounds(
            self.company, fields.Date.today()
        )
        self.assertIsNone(Dispute._connect_daily_status_section(self.company, *today))
        dispute = self._raise()
        section = Dispute._connect_daily_status_section(self.company, *today)
        self.assertEqual(section["sequence"], 40)
        self.assertEqual(section["title"], "Disputes")
        self.assertEqual(len(section["lines"]), 1)
        self.assertIn(dispute.name, section["lines"][0])
        self.assertIn("Raised", section["lines"][0])
        # three weeks later it is still open: ageing (14 days by default)
        self.env.cr.execute(
            "UPDATE customer_connect_dispute SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=21), dispute.id],
        )
        dispute.invalidate_recordset()
        section = Dispute._connect_daily_status_section(self.company, *today)
        self.assertEqual(len(section["lines"]), 1)
        self.assertIn("Open for 21 days", section["lines"][0])
        self.assertIn(self.staff.name, section["lines"][0])
        other = self.setup_other_company(name="Quiet dealer")["company"]
        self.assertIsNone(Dispute._connect_daily_status_section(other, *today))

    # -- the hot page ------------------------------------------------------
    def test_list_query_count_does_not_grow(self):
        Dispute = self.env["customer_connect.dispute"].with_user(self.farm_user)

        def count_queries():
            Dispute.with_company(self.company)._connect_portal_page("all")
            self.env.invalidate_all()
            before = sql_db.sql_counter
            disputes, _count = Dispute.with_company(self.company)._connect_portal_page("all")
            self.env["ir.qweb"].with_user(self.farm_user)._render(
                "customer_connect.portal_dispute_state", {"dispute": disputes[:1]}
            )
            # what the list shows of each row
            shown = [
                (
                    dispute.name,
                    dispute.move_id.name,
                    dispute.move_id.amount_total,
                    dispute.reason_id.name,
                    dispute.move_id.currency_id.name,
                    dispute.create_date,
                )
                for dispute in disputes
            ]
            self.assertEqual(len(shown), len(disputes))
            return sql_db.sql_counter - before

        self._raise()
        count_queries()  # the first render compiles the templates
        few = count_queries()
        for _n in range(6):
            invoice = self.init_invoice("out_invoice", partner=self.farm, amounts=[10], post=True)
            self._raise(invoice=invoice)
        self.env.flush_all()
        self.assertEqual(count_queries(), few)
        self.authenticate(self.farm_user.login, self.PORTAL_PASSWORD)
        self.assertEqual(
            self.url_open("/my/disputes?filterby=all").text.count("o_connect_dispute_row"), 7
        )

    # -- the daily status: exactly the company's yesterday -------------------
    def _dispute_at(self, at, n):
        invoice = self.init_invoice("out_invoice", partner=self.farm, amounts=[10 * n], post=True)
        dispute = self._raise(invoice=invoice)
        # a dispute's create date is the database's clock, not freezegun's
        self.env.cr.execute(
            "UPDATE customer_connect_dispute SET create_date = %s WHERE id = %s", [at, dispute.id]
        )
        dispute.invalidate_recordset()
        return f"Raised: {dispute.name},"

    def test_daily_status_day_london(self):
        """A dispute raised just after midnight is in that day's e-mail
        alone (it was in yesterday's and today's: the section ran to the end
        of the day after)."""
        self.staff.partner_id.email = "sam.staff@northfield.example"
        self.company.connect_daily_status_user_ids = [Command.set(self.staff.ids)]
        self.assertSectionCoversTheDay("Europe/London", self._dispute_at)

    def test_daily_status_day_chicago(self):
        self.staff.partner_id.email = "sam.staff@northfield.example"
        self.company.connect_daily_status_user_ids = [Command.set(self.staff.ids)]
        self.assertSectionCoversTheDay("America/Chicago", self._dispute_at)


@tagged("post_install", "-at_install")
class TestPortalDisputeTour(DisputeCase):
    def test_tour_raise_a_dispute(self):
        self.start_tour(
            "/my/activity", "customer_connect_portal_dispute", login=self.farm_user.login
        )
        dispute = self.env["customer_connect.dispute"].search([("move_id", "=", self.overdue.id)])
        self.assertEqual(dispute.state, "open")
        self.assertEqual(dispute.reason_id, self.reason)
        self.assertIn("agreed 10%", dispute.message)
