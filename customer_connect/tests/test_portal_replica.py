"""The read replica: the portal's read-only pages are declared so (Odoo 18
serves them from ``db_replica_host``), and what they record on the timeline
is written without writing in the request's read-only transaction.

Odoo's HttpCase serves a readonly route on a READ ONLY transaction (its test
cursor runs ``SET TRANSACTION READ ONLY``): a write there fails, Odoo logs
"retrying with a read/write cursor" and serves the page again on the
primary. The tests below fail on that warning. The real hot standby is
exercised by tests/replica/run_replica_check.sh."""

import time
from datetime import date

from odoo import Command, http
from odoo.tests import HttpCase, tagged

from ..models.ir_http import (
    LAST_WRITE_SESSION_KEY,
    REPLICA_GRACE_SECONDS,
    replica_readonly,
    replica_serves,
)
from .common import ConnectCase

# the portal's read-only pages: served by the replica
READONLY_ROUTES = (
    "/my/activity",
    "/my/activity/page/<int:page>",
    "/my/history",
    "/my/history/page/<int:page>",
    "/my/history/csv",
    "/my/purchases",
    "/my/purchases/page/<int:page>",
    "/my/open-orders",
    "/my/open-orders/page/<int:page>",
    "/my/equipment",
    "/my/equipment/page/<int:page>",
    "/my/equipment/<int:equipment_id>",
    "/my/equipment/<int:equipment_id>/documents/<int:attachment_id>",
    "/my/statement",
    "/my/projects",
    "/my/projects/<int:site_id>",
    "/my/projects/image/<int:line_id>",
    # credit shown
    "/my/credit",
)
# pages that write, or follow a write (a payment's, a form's): the primary
PRIMARY_ROUTES = (
    # its first view makes the order's portal token
    "/my/open-orders/<int:order_id>",
    "/my/equipment/<int:equipment_id>/hours",
    "/my/activity/documents",
    "/my/invoices/<int:invoice_id>/dispute",
)


@tagged("post_install", "-at_install")
class TestPortalReplica(ConnectCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls._activate(cls.farm_billing)
        cls.invoice = cls.init_invoice("out_invoice", partner=cls.farm, amounts=[250])
        cls.invoice.action_post()
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.farm.id,
                "company_id": cls.company.id,
                "order_line": [Command.create({"product_id": cls.product_a.id})],
            }
        )
        cls.order.action_confirm()
        cls.machine = cls.env["customer_connect.equipment"].create(
            {
                "partner_id": cls.farm.id,
                "company_id": cls.company.id,
                "make": "John Deere",
                "model_name": "6155R",
                "serial_number": "GA-REPLICA",
                "hours": 1000,
            }
        )
        cls.manual = cls.env["ir.attachment"].create(
            {
                "name": "manual.pdf",
                "raw": b"%PDF-1.4 manual",
                "res_model": cls.machine._name,
                "res_id": cls.machine.id,
            }
        )

    def _routing(self):
        return {
            rule.rule: rule.endpoint.routing
            for rule in self.env["ir.http"].routing_map().iter_rules()
        }

    def test_read_only_pages_are_declared_readonly(self):
        routing = self._routing()
        for route in READONLY_ROUTES:
            self.assertIs(routing[route]["readonly"], replica_readonly, route)
        for route in PRIMARY_ROUTES:
            self.assertFalse(routing[route]["readonly"], route)

    def test_pages_record_events_without_writing_in_the_request(self):
        Event = self.env["customer_connect.portal.event"]
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        before = Event.search([("partner_id", "=", self.farm_billing.id)])
        pages = [
            "/my/activity",
            "/my/history",
            "/my/purchases",
            "/my/open-orders",
            f"/my/open-orders/{self.order.id}",
            "/my/equipment",
            f"/my/equipment/{self.machine.id}",
            f"/my/equipment/{self.machine.id}/documents/{self.manual.id}",
            "/my/statement",
            "/my/projects",
            f"/my/projects/{self.farm.id}",
            f"/my/history/csv?date_from=2020-01-01&date_to={date.today()}",
        ]
        # no "retrying with a read/write cursor": nothing was written on the
        # read-only transaction
        with self.assertNoLogs("odoo.http", level="WARNING"):
            for page in pages:
                response = self.url_open(page)
                self.assertEqual(response.status_code, 200, page)
        events = Event.search([("partner_id", "=", self.farm_billing.id)]) - before
        self.assertEqual(
            sorted(events.mapped("kind")),
            sorted(
                [
                    "order_viewed",
                    "document_downloaded",
                    "project_viewed",
                    "account_history_downloaded",
                ]
            ),
        )
        viewed = events.filtered(lambda e: e.kind == "order_viewed")
        self.assertEqual((viewed.res_model, viewed.res_id), ("sale.order", self.order.id))
        self.assertEqual(viewed.commercial_partner_id, self.farm)

    def test_a_session_that_wrote_reads_the_primary(self):
        """A payment, a form: the session's next pages come from the
        primary for REPLICA_GRACE_SECONDS (a lagging replica would show the
        invoice just paid as open)."""
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)
        self.url_open("/my/activity")
        session = http.root.session_store.get(self.session.sid)
        self.assertNotIn(LAST_WRITE_SESSION_KEY, session, "a GET changes nothing")
        self.assertTrue(replica_serves(session))
        response = self.url_open(
            f"/my/equipment/{self.machine.id}/hours",
            data={"hours": "1100", "csrf_token": http.Request.csrf_token(self)},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.machine.hours, 1100)
        session = http.root.session_store.get(self.session.sid)
        wrote_at = session[LAST_WRITE_SESSION_KEY]
        self.assertAlmostEqual(wrote_at, time.time(), delta=60)
        self.assertFalse(replica_serves(session, now=wrote_at + 1))
        self.assertTrue(replica_serves(session, now=wrote_at + REPLICA_GRACE_SECONDS + 1))
