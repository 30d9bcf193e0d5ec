import re
import subprocess

from odoo import Command, sql_db
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

TOKEN_RE = re.compile(r"/web/signup\?[^\"']*token=([A-Za-z0-9_\-=%.]+)")


def pdf_text(pdf):
    """The text of a PDF as a reader would copy it (poppler's pdftotext, in
    reading order), whitespace collapsed to single spaces."""
    assert pdf.startswith(b"%PDF"), pdf[:200]
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


class ConnectCase(AccountTestInvoicingCommon):
    """A dealer company with dealer staff and two customers with contacts."""

    @classmethod
    def get_default_groups(cls):
        # Odoo's common test case trims the test user's groups; ours run the
        # set-up as a Customer Connect administrator
        return super().get_default_groups() | cls.env.ref("customer_connect.group_connect_admin")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.email = "accounts@northfield.example"
        Partner = cls.env["res.partner"]
        user_vals = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.staff = new_test_user(
            cls.env, "cc_staff", groups="customer_connect.group_connect_user", **user_vals
        )
        cls.staff_admin = new_test_user(
            cls.env, "cc_admin", groups="customer_connect.group_connect_admin", **user_vals
        )
        cls.farm = Partner.create(
            {
                "name": "Greenacres Farm",
                "is_company": True,
                "ref": "90001",
                "company_id": cls.company.id,
                "customer_rank": 1,
                "email": "office@greenacres.example",
                "child_ids": [
                    Command.create({"name": "Fiona Reid", "email": "fiona@greenacres.example"}),
                    Command.create(
                        {
                            "name": "Accounts Payable",
                            "type": "invoice",
                            "email": "accounts@greenacres.example",
                        }
                    ),
                    Command.create({"name": "Yard (no e-mail)"}),
                ],
            }
        )
        cls.farm_billing = cls.farm.child_ids.filtered(lambda c: c.type == "invoice")
        cls.farm_fiona = cls.farm.child_ids.filtered(lambda c: c.name == "Fiona Reid")
        cls.golf = Partner.create(
            {
                "name": "Loch Vale Golf Club",
                "is_company": True,
                "ref": "90002",
                "company_id": cls.company.id,
                "customer_rank": 1,
                "child_ids": [
                    Command.create({"name": "Head Greenkeeper", "email": "greens@lochvale.example"})
                ],
            }
        )
        cls.golf_keeper = cls.golf.child_ids
        cls.barlow = Partner.create(
            {
                "name": "Mr A. Barlow",
                "ref": "90003",
                "company_id": cls.company.id,
                "customer_rank": 1,
            }
        )

    PORTAL_PASSWORD = "Greenacres-2026"

    @classmethod
    def _level(cls, code, company=None):
        """The shipped level ``code`` (full, accounts_payable, status_only,
        payments_only) of ``company`` (the test's dealer company)."""
        return cls.env["customer_connect.access.level"]._level_by_code(code, company or cls.company)

    def _set_level(self, contact, level):
        """Give ``contact`` the access level ``level`` (a record or the code of
        a shipped level of the contact's company), as dealer staff do."""
        if isinstance(level, str):
            level = self._level(level, contact._connect_company())
        contact.with_user(self.staff).connect_access_level_id = level

    @classmethod
    def _signup_token(cls, contact):
        """The token of the invitation link really queued for ``contact``."""
        log = cls.env["customer_connect.mail.log"].search(
            [("partner_id", "=", contact.id), ("kind", "=", "invitation")], limit=1
        )
        match = TOKEN_RE.search(str(log.mail_id.body_html))
        assert match, "no invitation link in the queued e-mail"
        from urllib.parse import unquote

        return unquote(match.group(1))

    @classmethod
    def _token_in(cls, log):
        """The signup or reset token of the link in the e-mail of ``log``."""
        from urllib.parse import unquote

        match = TOKEN_RE.search(str(log.mail_id.body_html))
        assert match, "no signup link in the queued e-mail"
        return unquote(match.group(1))

    def _strangers(self):
        """Users who must be refused the dealer's staff actions: a customer's
        portal login, a plain employee, and Customer Connect staff of
        another dealer company."""
        portal = self._activate(self.golf_keeper)
        employee = new_test_user(
            self.env,
            "cc_plain_employee",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        south = self.setup_other_company(name="Stranger Dealer")["company"]
        south_staff = new_test_user(
            self.env,
            "cc_stranger_staff",
            groups="customer_connect.group_connect_user,sales_team.group_sale_salesman",
            company_id=south.id,
            company_ids=[Command.set(south.ids)],
        )
        return portal | employee | south_staff

    @classmethod
    def _share_login_with_second_company(cls, name="Southfield Machinery"):
        """A second dealer company whose customer "Greenacres Farm (South)"
        has a billing contact with Greenacres' billing address: invited, the
        existing login is shared. Returns (company, customer, contact)."""
        south = cls.setup_other_company(name=name)["company"]
        cls.staff.company_ids |= south
        south_farm = cls.env["res.partner"].create(
            {
                "name": "Greenacres Farm (South)",
                "is_company": True,
                "company_id": south.id,
                "customer_rank": 1,
                "child_ids": [
                    Command.create(
                        {
                            "name": "Accounts",
                            "email": cls.farm_billing.email,
                            "type": "invoice",
                            "company_id": south.id,
                        }
                    )
                ],
            }
        )
        contact = south_farm.child_ids
        staff = cls.staff.with_context(allowed_company_ids=(cls.company | south).ids)
        code, message = contact.with_user(staff)._connect_invite()[contact]
        assert code == "company_added", message
        return south, south_farm, contact

    @classmethod
    def _activate(cls, contact, password=PORTAL_PASSWORD):
        """Invite, complete the account with the e-mailed link, log in once."""
        contact.with_user(cls.staff)._connect_invite()
        token = cls._signup_token(contact)
        cls.env["res.users"].sudo().signup({"login": contact.email, "password": password}, token)
        user = contact.with_context(active_test=False).user_ids
        user._update_last_login()
        # sudo: the test's own user may not read logins of the test company
        return user.sudo()

    def _page_queries(self, url):
        """(queries, text) of one GET of the portal page ``url`` (in an
        HttpCase, signed in), after a first GET warms the caches: what the
        hot pages' "does not grow with rows" tests compare."""
        self.url_open(url)
        self.env.invalidate_all()
        before = sql_db.sql_counter
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return sql_db.sql_counter - before, response.text
