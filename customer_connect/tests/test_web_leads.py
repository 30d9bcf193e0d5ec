"""Web leads: the public Request Info form (manual 003), its spam guards and
hostile input, Convert and Invite, and the daily status section."""

import json
import re
from datetime import timedelta
from urllib.parse import urlencode

import requests

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ConnectCase

GOOD = {
    "contact_name": "Jane Hill",
    "partner_name": "Hill Top Farm",
    "email_from": "jane@hilltop.example",
    "phone": "+44 1292 555 123",
    "city": "Ayr",
    "customer_number": "",
    "message": "Do you service Kubota M7 tractors?\nWe have two.",
}
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_TOKEN_RE = re.compile(r'name="form_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestWebLeads(ConnectCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the site's dealer company is the public user's
        # (sudo: the test's own user is no Settings administrator)
        cls.env.ref("base.public_user").sudo().write(
            {"company_ids": [Command.link(cls.company.id)], "company_id": cls.company.id}
        )
        cls.team = (
            cls.env["crm.team"]
            .sudo()
            .create({"name": "Web enquiries", "company_id": cls.company.id, "use_leads": True})
        )
        cls.company.sudo().connect_web_lead_team_id = cls.team
        cls.params = cls.env["ir.config_parameter"].sudo()
        # generous limits; the flood test sets its own
        cls.params.set_param("customer_connect.web_lead_limit_per_address", "100")
        cls.params.set_param("customer_connect.web_lead_limit_per_email", "100")
        cls.tag = cls.env.ref("customer_connect.crm_tag_web_lead")
        user_vals = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.sales_staff = new_test_user(
            cls.env,
            "cc_sales",
            groups="customer_connect.group_connect_user,sales_team.group_sale_salesman",
            **user_vals,
        )

    # -- helpers ---------------------------------------------------------
    def _leads(self):
        # the test's own user has no CRM rights
        return (
            self.env["crm.lead"]
            .sudo()
            .with_context(active_test=False)
            .search([("connect_web_lead", "=", True)])
        )

    def _csrf(self):
        page = self.url_open("/request-info")
        self.assertEqual(page.status_code, 200)
        return CSRF_RE.search(page.text).group(1)

    def _post(self, data=None, files=None, url="/request-info", **changes):
        payload = {**GOOD, **changes} if data is None else data
        if isinstance(payload, dict):
            payload = {"csrf_token": self._csrf(), **payload}
        return self.url_open(url, data=payload, files=files, allow_redirects=False)

    def _assert_refused(self, response, *messages, status=400):
        """A 4xx page saying why, never a server error, nothing filed."""
        self.assertEqual(response.status_code, status, response.text[:500])
        for message in messages:
            self.assertIn(message, response.text)

    def _error_of(self, response, field):
        match = re.search(rf'data-field="{field}"[^>]*>([^<]*)<', response.text)
        return match and match.group(1)

    def _file(self, company=None, **changes):
        """A lead filed by the form's service, as the public user."""
        public = self.env.ref("base.public_user")
        result = (
            self.env["customer_connect.web.lead"]
            .with_user(public)
            ._submit({**GOOD, **changes}, "192.0.2.10", company or self.company)
        )
        self.assertEqual(result["state"], "filed", result["errors"])
        return self.env["crm.lead"].sudo().browse(result["lead"].id)

    # -- filing ------------------------------------------------------------
    def test_good_post_files_one_tagged_lead(self):
        response = self._post(customer_number="90001")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you, Jane Hill", response.text)
        lead = self._leads()
        self.assertEqual(len(lead), 1)
        self.assertRecordValues(
            lead,
            [
                {
                    "contact_name": "Jane Hill",
                    "partner_name": "Hill Top Farm",
                    "email_from": "jane@hilltop.example",
                    "phone": "+44 1292 555 123",
                    "city": "Ayr",
                    "connect_customer_number": "90001",
                    "team_id": self.team.id,
                    "company_id": self.company.id,
                    "user_id": False,
                    "type": "lead",
                    "partner_id": False,
                    "source_id": self.env.ref("customer_connect.utm_source_request_info").id,
                    "medium_id": self.env.ref("utm.utm_medium_website").id,
                }
            ],
        )
        self.assertEqual(lead.tag_ids, self.tag)
        self.assertIn("Kubota M7 tractors?<br>We have two.", str(lead.description))
        # the visitor (public user) follows nothing
        public = self.env.ref("base.public_user").partner_id
        self.assertNotIn(public, lead.message_partner_ids)

    def test_missing_and_invalid_email_say_which_field(self):
        response = self._post(email_from="")
        self._assert_refused(response, "Please correct the fields marked below.")
        self.assertEqual(self._error_of(response, "email_from"), "E-mail is required.")
        # what the visitor typed is kept
        self.assertIn('value="Jane Hill"', response.text)
        self.assertIn("Do you service Kubota M7 tractors?", response.text)
        for bad in ("jane at hilltop", "jane@hilltop.example, bob@hilltop.example"):
            response = self._post(email_from=bad)
            self._assert_refused(response)
            self.assertIn("is not one e-mail address", self._error_of(response, "email_from"))
            self.assertIsNone(self._error_of(response, "contact_name"))
        response = self._post(contact_name="  ", message="", phone="call me")
        self._assert_refused(response)
        self.assertEqual(self._error_of(response, "contact_name"), "Your name is required.")
        self.assertEqual(self._error_of(response, "message"), "How can we help? is required.")
        self.assertIn("Phone: digits", self._error_of(response, "phone"))
        self.assertFalse(self._leads())

    def test_very_long_values_are_refused_not_cut(self):
        response = self._post(contact_name="J" * 5000)
        self._assert_refused(response)
        self.assertEqual(
            self._error_of(response, "contact_name"),
            "Your name is too long: at most 100 characters (5000 sent).",
        )
        response = self._post(message="m" * 4001)
        self._assert_refused(response)
        self.assertIn("at most 4000 characters", self._error_of(response, "message"))
        self.assertFalse(self._leads())

    def test_a_post_over_the_limit_gets_the_form_back(self):
        """A message of 100 kB got a bare "413 Request Entity Too Large"
        and the visitor lost the form: any size over the limit comes back
        to the form, with the field's message and what fits of what was
        typed; nothing is filed."""
        for url, size, letter in (
            ("/request-info", 100_000, "m"),
            ("/request-info", 3_000_000, "m"),
            # six bytes a letter once URL-encoded: cut at a whole letter
            ("/request-info", 40_000, "\u00e9"),
            ("/request-info/embed", 100_000, "m"),
        ):
            if url.endswith("/embed"):
                token = FORM_TOKEN_RE.search(self.url_open(url).text).group(1)
                data = {"form_token": token, **GOOD, "message": letter * size}
                response = self.url_open(url, data=data, allow_redirects=False)
            else:
                response = self._post(url=url, message=letter * size)
            self._assert_refused(response, "longer than this form takes (64 KB)", status=413)
            self.assertIn("o_connect_web_lead_form", response.text, "the form, not a bare 413")
            self.assertIn(
                "How can we help? is too long: at most 4000 characters",
                self._error_of(response, "message"),
            )
            # the fields before the message are all there, the message's first part too
            self.assertIn('value="Jane Hill"', response.text)
            self.assertIn('value="jane@hilltop.example"', response.text)
            self.assertIn('value="Ayr"', response.text)
            self.assertIn(letter * 4000, response.text)
            self.assertNotIn("not valid text", response.text, "no letter cut in two")
        # sent as multipart (no browser sends this form so): the form, its
        # message on top, nothing read of the files
        response = self.url_open(
            "/request-info",
            data={"csrf_token": self._csrf(), **GOOD},
            files={"message": ("message.txt", b"m" * 100_000, "text/plain")},
            allow_redirects=False,
        )
        self._assert_refused(response, "longer than this form takes (64 KB)", status=413)
        self.assertFalse(self._leads())
        # the server still answers (the rest of the big body was dropped)
        self.assertEqual(self.url_open("/request-info").status_code, 200)

    def test_html_and_script_are_stored_and_shown_escaped(self):
        name = '<script>alert("name")</script>Jane'
        message = "<b>bold</b> <script>alert(1)</script> & <img src=x onerror=alert(2)>"
        response = self._post(contact_name=name, message=message, partner_name="<i>Hill</i>")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertNotIn("<script>alert", page)
        self.assertNotIn("<img src=x", page)
        self.assertNotIn("<b>bold", page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)
        self.assertIn("&lt;img src=x onerror=alert(2)&gt;", page)
        lead = self._leads()
        # plain text fields keep the text; the HTML field holds it escaped
        self.assertEqual(lead.contact_name, name)
        description = str(lead.description)
        self.assertNotIn("<script", description)
        self.assertNotIn("<img", description)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", description)
        self.assertIn("&amp;", description)
        # what the backend's form gets for the notes (rendered as HTML there)
        # and the lead's chatter hold no markup of the visitor's
        backend = lead.with_user(self.sales_staff).web_read(
            {"description": {}, "contact_name": {}, "name": {}}
        )[0]
        self.assertNotIn("<script", backend["description"])
        for body in lead.message_ids.mapped("body"):
            self.assertNotIn("<script", str(body))
        # the daily status lines are plain text (the e-mail escapes them)
        section = (
            self.env["crm.lead"]
            .sudo()
            ._connect_daily_status_section(self.company, fields.Date.today(), fields.Date.today())
        )
        self.assertIn('<script>alert("name")</script>Jane (<i>Hill</i>)', section["lines"][0])

    def test_wrong_types_give_a_4xx_page_with_a_message(self):
        # a field sent twice
        data = [("csrf_token", self._csrf()), *GOOD.items(), ("contact_name", "Bob")]
        response = self._post(data)
        self._assert_refused(response)
        self.assertEqual(
            self._error_of(response, "contact_name"), "Your name was sent more than once."
        )
        # a file for a text field
        response = self._post(
            {k: v for k, v in GOOD.items() if k != "message"},
            files={"message": ("question.txt", b"Do you sell mowers?", "text/plain")},
        )
        self._assert_refused(response)
        self.assertEqual(
            self._error_of(response, "message"), "How can we help? must be typed in, not a file."
        )
        # bytes that are not UTF-8
        body = (
            urlencode({**GOOD, "contact_name": "JANE", "csrf_token": self._csrf()})
            .encode()
            .replace(b"JANE", b"J%FF%FEane")
        )
        response = self.url_open(
            "/request-info",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False,
        )
        self._assert_refused(response)
        self.assertEqual(
            self._error_of(response, "contact_name"),
            "Your name is not valid text (UTF-8 expected).",
        )
        # a NUL (PostgreSQL would refuse it: a server error if it got there)
        response = self._post(city="Ayr\x00")
        self._assert_refused(response)
        self.assertIn("cannot be stored", self._error_of(response, "city"))
        # a JSON body: no form, so no CSRF token, even with a token in the
        # query string
        for url in ("/request-info", f"/request-info?csrf_token={self._csrf()}"):
            response = self.url_open(
                url,
                data=json.dumps({**GOOD, "contact_name": 42, "csrf_token": self._csrf()}),
                headers={"Content-Type": "application/json"},
                allow_redirects=False,
            )
            self._assert_refused(response, "This form has expired")
        # the embeddable form: no token in a JSON body
        response = self.url_open(
            "/request-info/embed",
            data=json.dumps(GOOD),
            headers={"Content-Type": "application/json"},
            allow_redirects=False,
        )
        self._assert_refused(response, "This form has expired")
        # numbers, lists and objects for strings (a Python or JSON caller)
        _values, errors = self.env["customer_connect.web.lead"]._validate(
            {**GOOD, "contact_name": 42, "email_from": ["a@x.example", "b@x.example"],
             "message": {"text": "hi"}, "phone": None}
        )  # fmt: skip
        self.assertEqual(errors["contact_name"], "Your name must be text.")
        self.assertEqual(errors["email_from"], "E-mail was sent more than once.")
        self.assertEqual(errors["message"], "How can we help? must be text.")
        self.assertNotIn("phone", errors)
        self.assertFalse(self._leads())

    def test_missing_or_bad_csrf_token_is_refused(self):
        # the portal's form: Odoo's token, of this session
        other_session = CSRF_RE.search(
            requests.Session().get(f"{self.base_url()}/request-info", timeout=12).text
        ).group(1)
        for token in (None, "0123456789abcdef0123456789abcdef01234567o9999999999", other_session):
            data = dict(GOOD)
            if token:
                data["csrf_token"] = token
            response = self.url_open("/request-info", data=data, allow_redirects=False)
            self._assert_refused(response, "This form has expired")
            self.assertIn('value="Jane Hill"', response.text)
        # the embeddable form: its signed token, of this address only
        Service = self.env["customer_connect.web.lead"]
        for token in (None, "not-a-token", Service._form_token("198.51.100.7")):
            data = dict(GOOD)
            if token:
                data["form_token"] = token
            response = self.url_open("/request-info/embed", data=data, allow_redirects=False)
            self._assert_refused(response, "This form has expired")
            self.assertIn('value="Jane Hill"', response.text)
        self.assertFalse(self._leads())
        page = self.url_open("/request-info/embed").text
        data = {**GOOD, "form_token": FORM_TOKEN_RE.search(page).group(1)}
        response = self.url_open("/request-info/embed", data=data, allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you, Jane Hill", response.text)
        self.assertEqual(len(self._leads()), 1)

    def test_honeypot_files_nothing_and_looks_normal(self):
        response = self._post(company_website="http://cheap-pills.example")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you, Jane Hill", response.text)
        self.assertFalse(self._leads())
        post = self.env["customer_connect.web.lead.post"].sudo().search([("honeypot", "=", True)])
        self.assertEqual(len(post), 1, "the bot's post counts for the limit")

    def test_a_flood_from_one_address_is_stopped(self):
        self.params.set_param("customer_connect.web_lead_limit_per_address", "3")
        for n in range(3):
            response = self._post(email_from=f"visitor{n}@flood.example")
            self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._leads()), 3)
        for n in range(3, 6):
            response = self._post(email_from=f"visitor{n}@flood.example")
            self._assert_refused(
                response, "Too many requests from your address: at most 3 an hour.", status=429
            )
        self.assertEqual(len(self._leads()), 3)
        # an hour later, one more
        self.env.cr.execute(
            "UPDATE customer_connect_web_lead_post "
            "SET create_date = create_date - interval '61 min'"
        )
        self.env["customer_connect.web.lead.post"].invalidate_model()
        self.assertEqual(self._post(email_from="later@flood.example").status_code, 200)
        self.assertEqual(len(self._leads()), 4)

    def test_a_flood_for_one_email_is_stopped(self):
        self.params.set_param("customer_connect.web_lead_limit_per_email", "2")
        for _n in range(2):
            self.assertEqual(self._post(email_from="JANE@hilltop.example").status_code, 200)
        response = self._post()
        self._assert_refused(
            response, "Too many requests for this e-mail address: at most 2 an hour.", status=429
        )
        self.assertEqual(len(self._leads()), 2)

    def test_public_and_portal_users_never_read_leads(self):
        self._post()
        lead = self._leads()
        self.assertTrue(lead)
        # signed out: JSON-RPC needs a login
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/crm.lead/search_read",
                {"model": "crm.lead", "method": "search_read", "args": [[]], "kwargs": {}},
            )
        user = self._activate(self.farm_billing)
        self.authenticate(user.login, self.PORTAL_PASSWORD)
        for model, method, args in (
            ("crm.lead", "search_read", [[], ["name", "email_from"]]),
            ("crm.lead", "read", [lead.ids, ["name"]]),
            ("customer_connect.web.lead.post", "search_read", [[], ["remote_addr"]]),
        ):
            with (
                self.assertRaises(JsonRpcException, msg=f"{model}.{method}"),
                mute_logger("odoo.http"),
            ):
                self.make_jsonrpc_request(
                    f"/web/dataset/call_kw/{model}/{method}",
                    {"model": model, "method": method, "args": args, "kwargs": {}},
                )
        public = self.env.ref("base.public_user")
        with self.assertRaises(AccessError):
            lead.with_user(public).read(["name"])

    # -- pages -------------------------------------------------------------
    def test_login_page_and_frame_policy(self):
        login = self.url_open("/web/login")
        self.assertIn('href="/request-info"', login.text)
        page = self.url_open("/request-info")
        self.assertEqual(page.headers["X-Frame-Options"], "SAMEORIGIN")
        self.assertEqual(page.headers["Content-Security-Policy"], "frame-ancestors 'self'")
        self.assertIn(self.company.name, page.text)
        embed = self.url_open("/request-info/embed")
        self.assertEqual(embed.headers["Content-Security-Policy"], "frame-ancestors 'self'")
        self.assertNotIn("X-Frame-Options", embed.headers)
        self.assertNotIn('name="csrf_token"', embed.text)
        # Settings take origins only
        Settings = self.env["res.config.settings"].sudo()
        settings = Settings.create({"connect_web_lead_embed_origins": "https://www.example.com"})
        settings.execute()
        self.assertEqual(
            self.url_open("/request-info/embed").headers["Content-Security-Policy"],
            "frame-ancestors 'self' https://www.example.com",
        )
        with self.assertRaises(ValidationError):
            Settings.create({"connect_web_lead_embed_origins": "https://x.example/; script-src *"})
        with self.assertRaises(ValidationError):
            Settings.create({"connect_web_lead_limit_per_address": 0})
        # the dealer's website may frame it; what is not an origin never
        # reaches the header (a parameter set by hand)
        self.params.set_param(
            "customer_connect.web_lead_embed_origins",
            "https://www.northfield.example, https://*.northfield.example:8443 "
            "https://evil.example/x;script-src",
        )
        embed = self.url_open("/request-info/embed")
        self.assertEqual(
            embed.headers["Content-Security-Policy"],
            "frame-ancestors 'self' https://www.northfield.example "
            "https://*.northfield.example:8443",
        )

    # -- Convert and Invite -------------------------------------------------
    def test_convert_and_invite_in_one_step(self):
        lead = self._file()
        # the button is on the lead's form for Customer Connect staff
        arch = (
            self.env["crm.lead"]
            .with_user(self.sales_staff)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="action_connect_convert_invite"', arch)
        lead.with_user(self.sales_staff).action_connect_convert_invite()
        customer = lead.connect_customer_id
        contact = lead.partner_id
        self.assertEqual(lead.connect_contact_id, contact)
        self.assertRecordValues(
            customer, [{"name": "Hill Top Farm", "is_company": True, "company_id": self.company.id}]
        )
        self.assertRecordValues(
            contact,
            [
                {
                    "name": "Jane Hill",
                    "email": "jane@hilltop.example",
                    "parent_id": customer.id,
                    "connect_login_state": "invited",
                }
            ],
        )
        self.assertEqual(lead.type, "opportunity")
        log = self.env["customer_connect.mail.log"].search(
            [("partner_id", "=", contact.id), ("kind", "=", "invitation")]
        )
        self.assertEqual(len(log), 1, "the invitation e-mail is in the e-mail history")
        self.assertEqual(contact.connect_invited_by_id, self.sales_staff)
        # twice: refused
        with self.assertRaisesRegex(UserError, "already converted into Hill Top Farm"):
            lead.with_user(self.sales_staff).action_connect_convert_invite()
        # another lead of the same person: already invited
        again = self._file(partner_name="Hill Top Farm Ltd")
        with self.assertRaisesRegex(UserError, "was already invited"):
            again.with_user(self.sales_staff).action_connect_convert_invite()
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("email_normalized", "=", "jane@hilltop.example")]
            ),
            1,
            "no duplicate contact",
        )

    def test_convert_private_customer_and_refusals(self):
        # no company name: a private customer, their own contact
        lead = self._file(partner_name="", email_from="sam@croft.example", contact_name="Sam Croft")
        lead.with_user(self.sales_staff).action_connect_convert_invite()
        self.assertEqual(lead.connect_customer_id, lead.partner_id)
        self.assertFalse(lead.partner_id.parent_id)
        self.assertEqual(lead.partner_id.connect_login_state, "invited")
        # no e-mail
        lead = self._file(email_from="nobody@none.example")
        lead.email_from = False
        with self.assertRaisesRegex(UserError, "no usable e-mail address"):
            lead.with_user(self.sales_staff).action_connect_convert_invite()
        # already a portal login
        user = self._activate(self.farm_billing)
        lead = self._file(email_from=user.login)
        with self.assertRaisesRegex(UserError, "already signs in"):
            lead.with_user(self.sales_staff).action_connect_convert_invite()
        self.assertFalse(lead.connect_customer_id)
        # a customer number is a claim: never matched on its own...
        lead = self._file(email_from="new@greenacres.example", customer_number="90001")
        with self.assertRaisesRegex(UserError, "customer number 90001, which is Greenacres Farm"):
            lead.with_user(self.sales_staff).action_connect_convert_invite()
        # ... staff choose the customer, the contact is added to it
        lead.connect_customer_id = self.farm
        lead.with_user(self.sales_staff).action_connect_convert_invite()
        self.assertEqual(lead.connect_customer_id, self.farm)
        self.assertEqual(lead.partner_id.parent_id, self.farm)
        self.assertEqual(lead.partner_id.email, "new@greenacres.example")
        # an uninvited contact with the lead's e-mail is the one invited
        lead = self._file(email_from="FIONA@greenacres.example", partner_name="")
        lead.with_user(self.sales_staff).action_connect_convert_invite()
        self.assertEqual(lead.partner_id, self.farm_fiona)
        self.assertEqual(self.farm_fiona.connect_login_state, "invited")
        # a salesman without a Customer Connect role cannot
        salesman = new_test_user(
            self.env,
            "sales_only",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        lead = self._file(email_from="other@else.example")
        with self.assertRaises(AccessError):
            lead.with_user(salesman).action_connect_convert_invite()
        # nor can a portal login, a plain employee or another dealer's staff
        for user in self._strangers():
            with self.assertRaises(AccessError, msg=user.login):
                lead.with_user(user).action_connect_convert_invite()
        self.assertFalse(lead.connect_customer_id)
        arch = (
            self.env["crm.lead"]
            .with_user(salesman)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("action_connect_convert_invite", arch)

    # -- daily status ---------------------------------------------------------
    def test_daily_status_section(self):
        # as the daily job: the system
        Lead = self.env["crm.lead"].sudo()
        today = fields.Date.today()
        self.assertIsNone(Lead._connect_daily_status_section(self.company, today, today))
        self._file()
        self._file(contact_name="Sam Croft", partner_name="", email_from="sam@croft.example",
                   phone="", message="A quote for a ride-on mower, please. " * 5)  # fmt: skip
        other = self.setup_other_company(name="Another dealer")["company"]
        self._file(company=other, email_from="x@other.example")
        section = Lead._connect_daily_status_section(self.company, today, today)
        self.assertEqual(section["sequence"], 10)
        self.assertEqual(section["title"], "New web leads: 2")
        self.assertEqual(
            section["lines"][0],
            "Jane Hill (Hill Top Farm), jane@hilltop.example, +44 1292 555 123: "
            "Do you service Kubota M7 tractors? We have two.",
        )
        self.assertTrue(section["lines"][1].startswith("Sam Croft, sam@croft.example: A quote"))
        self.assertLessEqual(len(section["lines"][1]), 150)
        yesterday = today - timedelta(days=1)
        self.assertIsNone(Lead._connect_daily_status_section(self.company, yesterday, yesterday))

    # -- the browser ----------------------------------------------------------
    def test_web_lead_tour(self):
        self.start_tour("/web/login", "customer_connect_web_lead")
        lead = self._leads()
        self.assertEqual(len(lead), 1)
        self.assertRecordValues(
            lead,
            [
                {
                    "contact_name": "Tour Visitor",
                    "email_from": "tour.visitor@example.com",
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertIn("mower", str(lead.description))
