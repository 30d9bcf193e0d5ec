import base64
import json

from odoo import Command, http
from odoo.exceptions import AccessDenied
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestPortalActivity(ConnectCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.password = cls.PORTAL_PASSWORD
        cls.portal_user = cls._activate(cls.farm_billing)
        cls.farm_invoice = cls.init_invoice(
            "out_invoice", partner=cls.farm, amounts=[250], post=True
        )
        cls.golf_invoice = cls.init_invoice(
            "out_invoice", partner=cls.golf, amounts=[90], post=True
        )

    def _give(self, code):
        self._set_level(self.farm_billing, code)

    def test_full_access_sees_own_invoices_only(self):
        self.authenticate(self.portal_user.login, self.password)
        response = self.url_open("/my/invoices")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.farm_invoice.name, response.text)
        self.assertNotIn(self.golf_invoice.name, response.text)
        response = self.url_open(f"/my/invoices/{self.farm_invoice.id}")
        self.assertEqual(response.status_code, 200)
        response = self.url_open(f"/my/invoices/{self.farm_invoice.id}?report_type=pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        # another customer's invoice: Odoo's answer (a redirect to /my, which
        # its own TestPortalInvoice asserts) and nothing of the invoice
        for url in (
            f"/my/invoices/{self.golf_invoice.id}",
            f"/my/invoices/{self.golf_invoice.id}?report_type=pdf&download=true",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 303, url)
            self.assertTrue(response.headers["Location"].endswith("/my"), url)
            self.assertNotIn(self.golf_invoice.name, response.text)
            self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")
        # the generic report route: 403, the record rules speak
        response = self.url_open(f"/report/pdf/account.report_invoice/{self.golf_invoice.id}")
        self.assertEqual(response.status_code, 403)

    def test_status_only_gets_403(self):
        self._give("status_only")
        self.authenticate(self.portal_user.login, self.password)
        for url in (
            "/my/invoices",
            f"/my/invoices/{self.farm_invoice.id}",
            f"/my/invoices/{self.farm_invoice.id}?report_type=pdf",
            f"/report/pdf/account.report_invoice/{self.farm_invoice.id}",
        ):
            self.assertEqual(self.url_open(url).status_code, 403, url)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["invoice_count"]})
        self.assertNotIn("invoice_count", counters)

    def test_payments_only_cannot_download(self):
        self._give("payments_only")
        self.authenticate(self.portal_user.login, self.password)
        self.assertEqual(self.url_open(f"/my/invoices/{self.farm_invoice.id}").status_code, 200)
        for url in (
            f"/my/invoices/{self.farm_invoice.id}?report_type=pdf",
            f"/my/invoices/{self.farm_invoice.id}?report_type=pdf&download=true",
            # Odoo's generic report routes print whatever the rules let one read
            f"/report/pdf/account.report_invoice/{self.farm_invoice.id}",
            f"/report/pdf/account.report_invoice_with_payments/{self.farm_invoice.id}",
        ):
            self.assertEqual(self.url_open(url).status_code, 403, url)
        pdf_url = f"/report/pdf/account.report_invoice/{self.farm_invoice.id}"
        with self.assertLogs("odoo.addons.web.controllers.report", "WARNING"):
            response = self.url_open(
                "/report/download",
                data={
                    "data": json.dumps([pdf_url, "qweb-pdf"]),
                    "csrf_token": http.Request.csrf_token(self),
                },
            )
        # Odoo's download route answers any failure with its error JSON
        self.assertIn("AccessError", response.text)
        self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")
        self.assertNotIn(b"%PDF", response.content[:10])
        # with "download and print" the same routes work
        self._give("full")
        self.assertEqual(self.url_open(pdf_url).headers["Content-Type"], "application/pdf")

    def test_json_rpc_cannot_read_past_the_level(self):
        self._give("status_only")
        self.authenticate(self.portal_user.login, self.password)
        found = self.make_jsonrpc_request(
            "/web/dataset/call_kw/account.move/search_read",
            {
                "model": "account.move",
                "method": "search_read",
                "args": [[]],
                "kwargs": {"fields": ["name"]},
            },
        )
        self.assertEqual(found, [])
        for model, method, args in (
            ("account.move", "read", [[self.farm_invoice.id], ["name"]]),
            (
                "res.partner",
                "write",
                [
                    [self.farm_billing.id],
                    {"connect_access_level_id": self._level("full").id},
                ],
            ),
            ("res.partner", "write", [[self.farm_billing.id], {"connect_login_state": "active"}]),
            (
                "res.users",
                "write",
                [
                    [self.portal_user.id],
                    {"groups_id": [Command.link(self.env.ref("base.group_user").id)]},
                ],
            ),
        ):
            with (
                self.assertRaises(JsonRpcException, msg=f"{model}.{method}"),
                self.assertLogs("odoo.http", "WARNING"),
            ):
                self.make_jsonrpc_request(
                    f"/web/dataset/call_kw/{model}/{method}",
                    {"model": model, "method": method, "args": args, "kwargs": {}},
                )
        self.assertEqual(self.farm_billing.connect_access_level_id.name, "Status only")

    def test_inactive_login_cannot_sign_in_and_sessions_end(self):
        self.authenticate(self.portal_user.login, self.password)
        self.assertEqual(self.url_open("/my", allow_redirects=False).status_code, 200)
        self.farm.with_user(self.staff).action_connect_inactivate()
        response = self.url_open("/my", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303), "the open session ended")
        self.assertIn("/web/login", response.headers.get("Location", ""))
        with self.assertRaises(AccessDenied):
            self.authenticate(self.portal_user.login, self.password)

    # -- whichever way in ------------------------------------------------
    def _with_pdf(self, invoice):
        invoice.sudo().invoice_pdf_report_file = base64.b64encode(b"%PDF-1.4 the invoice")
        return invoice

    def test_token_link_while_logged_out(self):
        """A customer on Customer Connect opens its documents by signing in
        (its contact's level then applies); a token link leads to the sign-in
        page. A customer not on Customer Connect keeps Odoo's token links."""
        url = (
            f"/my/invoices/{self.farm_invoice.id}"
            f"?access_token={self.farm_invoice._portal_ensure_token()}"
        )
        for query in ("", "&report_type=pdf", "&report_type=pdf&download=true"):
            response = self.url_open(url + query, allow_redirects=False)
            self.assertEqual(response.status_code, 303, query)
            self.assertIn("/web/login?redirect=", response.headers["Location"], query)
            self.assertNotIn(self.farm_invoice.name, response.text)
        golf_url = (
            f"/my/invoices/{self.golf_invoice.id}"
            f"?access_token={self.golf_invoice._portal_ensure_token()}"
        )
        response = self.url_open(golf_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.golf_invoice.name, response.text)

    def test_token_does_not_widen_a_signed_in_level(self):
        self._give("status_only")
        self.authenticate(self.portal_user.login, self.password)
        url = (
            f"/my/invoices/{self.farm_invoice.id}"
            f"?access_token={self.farm_invoice._portal_ensure_token()}"
        )
        self.assertEqual(self.url_open(url).status_code, 403)

    def test_pdf_field_follows_download_and_print(self):
        self._with_pdf(self.farm_invoice)
        self._give("payments_only")
        self.authenticate(self.portal_user.login, self.password)
        content_url = f"/web/content/account.move/{self.farm_invoice.id}/invoice_pdf_report_file"
        response = self.url_open(content_url)
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"%PDF", response.content[:10])
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/account.move/read",
                {
                    "model": "account.move",
                    "method": "read",
                    "args": [[self.farm_invoice.id], ["invoice_pdf_report_file"]],
                    "kwargs": {},
                },
            )
        # reading the invoice itself, without its document, still works
        found = self.make_jsonrpc_request(
            "/web/dataset/call_kw/account.move/read",
            {
                "model": "account.move",
                "method": "read",
                "args": [[self.farm_invoice.id], ["name"]],
                "kwargs": {},
            },
        )
        self.assertEqual(found[0]["name"], self.farm_invoice.name)
        self._give("full")
        response = self.url_open(content_url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"%PDF-1.4 the invoice")

    def test_chatter_post_follows_the_level(self):
        token = self.farm_invoice._portal_ensure_token()
        self._give("status_only")
        self.authenticate(self.portal_user.login, self.password)
        params = {
            "thread_model": "account.move",
            "thread_id": self.farm_invoice.id,
            "post_data": {"body": "Please call me", "message_type": "comment"},
            "token": token,
        }
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request("/mail/message/post", params)
        self.assertNotIn("Please call me", str(self.farm_invoice.message_ids.mapped("body")))
        # logged out with the token: the customer is on Customer Connect
        self.logout()
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request("/mail/message/post", params)
        # with a level that opens invoices, the contact writes to the dealer
        self._give("full")
        self.authenticate(self.portal_user.login, self.password)
        self.make_jsonrpc_request("/mail/message/post", params)
        self.assertIn("Please call me", str(self.farm_invoice.message_ids.mapped("body")))

    def test_odoo_portal_rules_are_odoos(self):
        """Ours are separate global rules (AND-ed); Odoo's keep their domain."""
        rule = self.env.ref("account.account_invoice_rule_portal")
        self.assertIn("message_partner_ids", rule.domain_force)
        self.assertNotIn("connect", rule.domain_force)
        ours = self.env.ref("customer_connect.rule_portal_activity_account_move")
        self.assertFalse(ours.groups, "a global rule")

    # -- review F4-F6: logins that are not this customer's, shared logins,
    # -- chatter files --------------------------------------------------
    def test_token_of_another_customer_is_refused_to_a_signed_in_login(self):
        """Golf's contact (full level) holds a token link to an invoice of
        Greenacres, whose contacts are on Customer Connect: only Greenacres'
        contacts, at their level, open it."""
        golf_user = self._activate(self.golf_keeper)
        self._give("payments_only")
        self.authenticate(golf_user.login, self.password)
        token = self.farm_invoice._portal_ensure_token()
        for query in ("", "&report_type=pdf", "&report_type=pdf&download=true"):
            url = f"/my/invoices/{self.farm_invoice.id}?access_token={token}{query}"
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (303, 403), query)
            self.assertNotIn(self.farm_invoice.name, response.text, query)
            self.assertNotIn(b"%PDF", response.content[:10], query)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/mail/chatter_fetch",
                {"thread_model": "account.move", "thread_id": self.farm_invoice.id, "token": token},
            )

    def _south_with_shared_login(self, south_code):
        """Greenacres' login also stands for its contact at a second dealer
        company, Southfield, with the level ``south_code`` there; returns
        Southfield's invoice to that customer."""
        south, south_farm, contact = self._share_login_with_second_company()
        staff = self.staff.with_context(allowed_company_ids=(self.company | south).ids)
        contact.with_user(staff).connect_access_level_id = self._level(south_code, south)
        return self.init_invoice(
            "out_invoice", partner=south_farm, amounts=[120], post=True, company=south
        )

    def test_shared_login_prints_only_where_its_level_allows(self):
        """Full access at Northfield, payments only at Southfield: the
        Southfield invoice opens but does not print or download."""
        south_invoice = self._south_with_shared_login("payments_only")
        self.authenticate(self.portal_user.login, self.password)
        # working in Southfield (the portal's company switcher)
        self.url_open(
            "/my/company",
            data={
                "company_id": south_invoice.company_id.id,
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        response = self.url_open(f"/my/invoices/{south_invoice.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn(south_invoice.name, response.text)
        for query in ("?report_type=pdf", "?report_type=pdf&download=true"):
            response = self.url_open(f"/my/invoices/{south_invoice.id}{query}")
            self.assertEqual(response.status_code, 403, query)
            self.assertNotIn(b"%PDF", response.content[:10], query)
        response = self.url_open(f"/report/pdf/account.report_invoice/{south_invoice.id}")
        self.assertNotIn(b"%PDF", response.content[:10])

    def test_two_contacts_on_one_login_the_most_restrictive_level_applies(self):
        """A second contact of the same customer and company points at the
        same login (with one of them Payments only): whichever was set last,
        the login does not print."""
        second = self.farm_fiona
        second.sudo().connect_user_id = self.portal_user
        self._set_level(second, "payments_only")
        self._give("full")
        user = self.portal_user
        self.assertIn(self.company.id, user._connect_denied_company_ids("documents"))
        self.assertFalse(self.farm_invoice.with_user(user)._connect_opens_for("documents"))
        self._set_level(second, "full")
        self._give("payments_only")
        self.assertIn(self.company.id, user._connect_denied_company_ids("documents"))
        self._set_level(self.farm_billing, "full")
        self.assertEqual(user._connect_denied_company_ids("documents"), [])
        self.assertTrue(self.farm_invoice.with_user(user)._connect_opens_for("documents"))

    def test_chatter_files_follow_download_and_print(self):
        """The invoice's chatter carries its PDF: a Payments-only contact
        sees the conversation but neither the file nor its token."""
        self.farm_invoice.message_post(
            body="Your invoice",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=[("invoice.pdf", b"%PDF-1.4 chatter copy")],
        )
        attachment = self.farm_invoice.message_ids.attachment_ids[:1]
        self.assertTrue(attachment)
        token = self.farm_invoice._portal_ensure_token()
        self._give("payments_only")
        self.authenticate(self.portal_user.login, self.password)
        for params in ({}, {"token": token}):
            fetched = self.make_jsonrpc_request(
                "/mail/chatter_fetch",
                {"thread_model": "account.move", "thread_id": self.farm_invoice.id, **params},
            )
            messages = fetched["data"]["mail.message"]
            self.assertIn("Your invoice", str([m["body"] for m in messages]))
            self.assertNotIn("invoice.pdf", json.dumps(messages), params)
        attachment.sudo().generate_access_token()
        file_token = attachment.sudo().access_token
        response = self.url_open(f"/web/content/{attachment.id}?access_token={file_token}")
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"%PDF", response.content[:10])
        # with "download and print", the chatter hands the file out
        self._give("full")
        fetched = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {"thread_model": "account.move", "thread_id": self.farm_invoice.id},
        )
        self.assertIn("invoice.pdf", json.dumps(fetched["data"]["mail.message"]))
        response = self.url_open(f"/web/content/{attachment.id}?access_token={file_token}")
        self.assertEqual(response.content, b"%PDF-1.4 chatter copy")
