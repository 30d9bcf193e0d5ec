import ast

from odoo import Command, sql_db
from odoo.tests import tagged

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestDashboard(ConnectCase):
    def _dashboard(self, user):
        """What the Customer Accounts dashboard asks the server for its first
        page: the list, the total and the searchpanel counters."""
        action = self.env.ref("customer_connect.action_connect_customer_accounts")
        domain = ast.literal_eval(action.domain)
        Partner = self.env["res.partner"].with_user(user)
        spec = {
            name: {}
            for name in (
                "ref",
                "name",
                "city",
                "company_id",
                "connect_state",
                "connect_login_email",
                "connect_account_last_invited",
                "connect_account_last_login",
            )
        }
        spec["company_id"] = {"fields": {"display_name": {}}}
        page = Partner.web_search_read(domain, spec, limit=80, order="ref, name")
        counters = Partner.search_panel_select_multi_range(
            "connect_state", search_domain=domain, enable_counters=True
        )
        companies = Partner.search_panel_select_range(
            "company_id", search_domain=domain, enable_counters=True
        )
        return page, counters, companies

    def _make_customers(self, count, prefix):
        self.env["res.partner"].create(
            [
                {
                    "name": f"{prefix} Farm {i}",
                    "is_company": True,
                    "customer_rank": 1,
                    "company_id": self.company.id,
                    "child_ids": [
                        Command.create({"name": "Office", "email": f"{prefix}{i}@x.example"})
                    ],
                }
                for i in range(count)
            ]
        )

    def test_counters_per_state_and_company(self):
        self.farm_billing.with_user(self.staff)._connect_invite()
        self._activate(self.golf_keeper)
        page, counters, companies = self._dashboard(self.staff)
        counts = {value["id"]: value["__count"] for value in counters["values"]}
        self.assertEqual(counts["invited"], 1)
        self.assertEqual(counts["active"], 1)
        self.assertEqual(counts["not_invited"], 1)
        self.assertEqual(page["length"], 3)
        self.assertEqual(
            {r["name"] for r in page["records"]},
            {"Greenacres Farm", "Loch Vale Golf Club", "Mr A. Barlow"},
        )
        company_counts = {v["id"]: v.get("__count") for v in companies["values"]}
        self.assertEqual(company_counts.get(self.company.id), 3)

    def test_query_count_does_not_grow_with_customers(self):
        self._dashboard(self.staff)  # warm caches
        self._make_customers(5, "small")
        self.env.invalidate_all()
        before = sql_db.sql_counter
        self._dashboard(self.staff)
        small = sql_db.sql_counter - before
        self._make_customers(60, "large")
        self.env.invalidate_all()
        before = sql_db.sql_counter
        self._dashboard(self.staff)
        large = sql_db.sql_counter - before
        self.assertEqual(small, large, "queries independent of the number of customers")
        self.env.invalidate_all()
        with self.assertQueryCount(7):
            self._dashboard(self.staff)
