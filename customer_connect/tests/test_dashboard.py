import ast

from odoo import Command, sql_db
from odoo.tests import new_test_user, tagged

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestDashboard(ConnectCase):
    def _dashboard_env(self, user):
        """The partner model and domain as the Customer Accounts action gives
        them to the web client (its context included)."""
        action = self.env.ref("customer_connect.action_connect_customer_accounts")
        Partner = self.env["res.partner"].with_user(user)
        return Partner.with_context(**ast.literal_eval(action.context)), ast.literal_eval(
            action.domain
        )

    def _dashboard(self, user):
        """What the Customer Accounts dashboard asks the server for its first
        page: the list, the total and the searchpanel counters."""
        Partner, domain = self._dashboard_env(user)
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
        # 8 since the company counter puts its groups in the companies' order
        # with a query of its own (7 when Odoo's read_group joined res_company
        # to every account instead)
        with self.assertQueryCount(8):
            self._dashboard(self.staff)

    def _two_dealer_companies(self):
        """A second dealer company ordered before the first one (lower
        sequence, higher id) with two customers, and a partner of it that is
        not shared (an employee's), visible from every company by Odoo's
        record rule."""
        south = self.env["res.company"].create({"name": "Southfield Machinery", "sequence": 0})
        self.assertGreater(south.id, self.company.id)
        self.company.sequence = 5
        self.env["res.partner"].create(
            [
                {
                    "name": f"South Farm {i}",
                    "is_company": True,
                    "customer_rank": 1,
                    "company_id": south.id,
                }
                for i in range(2)
            ]
        )
        clerk = new_test_user(
            self.env,
            "south_clerk",
            groups="base.group_user",
            company_id=south.id,
            company_ids=[Command.set(south.ids)],
        )
        clerk.partner_id.write({"customer_rank": 1, "company_id": south.id})
        self.assertFalse(clerk.partner_id.partner_share)
        return south

    def _panels(self, Partner, domain, **kwargs):
        """Both search panels of the dashboard, company_id also as a filter
        (select="multi") and with the options the web client may pass."""
        return [
            Partner.search_panel_select_range(
                "company_id", search_domain=domain, enable_counters=True, **kwargs
            ),
            Partner.search_panel_select_range(
                "company_id",
                search_domain=domain,
                enable_counters=True,
                hierarchize=False,
                **kwargs,
            ),
            Partner.search_panel_select_multi_range(
                "company_id", search_domain=domain, enable_counters=True, **kwargs
            ),
            Partner.search_panel_select_multi_range(
                "connect_state", search_domain=domain, enable_counters=True, **kwargs
            ),
        ]

    def test_company_counters_respect_record_rules(self):
        south = self._two_dealer_companies()
        # staff working in the first company only: south's customers are out
        # of reach, the employee's partner is not; the panel lists only the
        # companies the user may read (Odoo's rule on res.company)
        page, counters, companies = self._dashboard(self.staff)
        self.assertEqual(page["length"], 4)
        self.assertEqual(sum(v["__count"] for v in counters["values"]), 4)
        self.assertEqual(
            [(v["id"], v["__count"]) for v in companies["values"]], [(self.company.id, 3)]
        )
        Partner, domain = self._dashboard_env(self.staff)
        flat = Partner.search_panel_select_range(
            "company_id", search_domain=domain, enable_counters=True, hierarchize=False
        )
        self.assertEqual(
            [(v["id"], v["display_name"], v["__count"]) for v in flat["values"]],
            [(south.id, "Southfield Machinery", 1), (self.company.id, self.company.name, 3)],
            "in the companies' order (sequence, name), not their ids'",
        )
        # both companies allowed and ticked in the company switcher
        self.staff.company_ids |= south
        staff = self.staff.with_context(allowed_company_ids=(self.company | south).ids)
        Partner, domain = self._dashboard_env(staff)
        companies = Partner.search_panel_select_range(
            "company_id", search_domain=domain, enable_counters=True
        )
        self.assertEqual(
            [(v["id"], v["__count"]) for v in companies["values"]],
            [(south.id, 3), (self.company.id, 3)],
        )

    def test_counters_same_as_odoo(self):
        """The dashboard's counters are Odoo's own, whatever the options."""
        south = self._two_dealer_companies()
        self.farm_billing.with_user(self.staff)._connect_invite()
        self.staff.company_ids |= south
        for allowed in (self.company, self.company | south):
            staff = self.staff.with_context(allowed_company_ids=allowed.ids)
            Partner, domain = self._dashboard_env(staff)
            Odoo = Partner.with_context(connect_dashboard=False)
            for kwargs in (
                {},
                {"limit": 200},
                {"limit": 1},
                {"filter_domain": [("connect_state", "=", "invited")]},
                {"category_domain": [("company_id", "=", south.id)]},
            ):
                with self.subTest(companies=allowed.mapped("name"), **kwargs):
                    self.assertEqual(
                        self._panels(Partner, domain, **kwargs),
                        self._panels(Odoo, domain, **kwargs),
                    )
