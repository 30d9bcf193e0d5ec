from odoo import Command
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ConnectCase

STAFF_ACTIONS = (
    "action_connect_invite",
    "action_connect_invite_bulk",
    "action_connect_inactivate",
    "action_connect_reactivate",
    "action_connect_send_welcome",
    "action_connect_send_password_reset",
    "action_connect_send_account_summary",
    "action_connect_send_account_statement",
    "action_connect_view_email_history",
    "action_connect_view_portal_events",
)


@tagged("post_install", "-at_install")
class TestStaffGuard(ConnectCase, HttpCase):
    """Every staff action checks the records it is called on (role and
    record rules) before it does anything: staff of another dealer company
    are refused, over JSON-RPC as from a button."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls._activate(cls.farm_billing)
        cls.farm_fiona.with_user(cls.staff)._connect_invite()
        cls.south = cls.env["res.company"].create({"name": "Southfield Machinery"})
        cls.south_admin = new_test_user(
            cls.env,
            "south_admin",
            password="south_admin_pw1",
            groups="customer_connect.group_connect_admin",
            company_id=cls.south.id,
            company_ids=[Command.set(cls.south.ids)],
        )

    def test_each_action_refused_to_another_company_staff(self):
        self.authenticate("south_admin", "south_admin_pw1")
        logs_before = self.env["customer_connect.mail.log"].search_count([])
        for method in STAFF_ACTIONS:
            for record in (self.farm, self.farm_billing, self.farm_fiona):
                with (
                    self.subTest(method=method, record=record.name),
                    self.assertRaisesRegex(JsonRpcException, "AccessError"),
                    mute_logger("odoo.http"),
                ):
                    self.make_jsonrpc_request(
                        f"/web/dataset/call_kw/res.partner/{method}",
                        {
                            "model": "res.partner",
                            "method": method,
                            "args": [record.ids],
                            "kwargs": {},
                        },
                    )
        self.env.invalidate_all()
        self.assertEqual(self.env["customer_connect.mail.log"].search_count([]), logs_before)
        self.assertEqual(self.farm_billing.connect_login_state, "active")
        self.assertTrue(self.portal_user.active)
        self.assertFalse(self.env["customer_connect.invite.batch"].search([]))

    def test_each_action_refused_to_a_plain_employee(self):
        clerk = new_test_user(
            self.env,
            "clerk",
            groups="base.group_user,base.group_partner_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        for method in STAFF_ACTIONS:
            with self.subTest(method=method), self.assertRaises(Exception) as caught:
                getattr(self.farm.with_user(clerk), method)()
            self.assertEqual(type(caught.exception).__name__, "AccessError", method)
