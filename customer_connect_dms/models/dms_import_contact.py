"""Contacts imports: the columns, the plan (a customer's contact by e-mail,
else by name) and the writes (with what Odoo copies from the customer)."""

from odoo import models

from .dms_bulk import read_plain
from .dms_import_targets import register_kind

COLUMNS = [
    ("customer_number", "Customer number", "key", True),
    ("name", "Name", "name", True),
    ("email", "E-mail", "email", False),
    ("phone", "Phone", "phone", False),
    ("mobile", "Mobile", "phone", False),
    ("function", "Job position", "text", False),
]
register_kind("contacts", "Contacts", COLUMNS, "res.partner", foreground_max=200000)


class DmsImportContact(models.AbstractModel):
    _inherit = "customer_connect_dms.importer"

    def _with_parent_sync(self, items):
        """What res.partner.create's per-record sync (``_fields_sync``: one
        write per new contact, 27 contacts a second measured here) would copy
        from each new contact's customer: its commercial fields, its address
        and its language, computed once per customer and put into the create
        values, so that the create runs with Odoo's ``_partners_skip_fields_sync``."""
        Partner = self.env["res.partner"]
        parents = Partner.browse({i.vals["parent_id"] for i in items if i.action == "create"})
        if not parents:
            return
        # stored fields only: a computed one with an inverse (product's
        # pricelist) runs a search per record when given, and is computed
        # from the commercial partner anyway
        names = [
            name
            for name in [*Partner._commercial_fields(), *Partner._address_fields(), "lang"]
            if Partner._fields[name].store
        ]
        # what parent._update_fields_values(names) gives, read for all the
        # parents at once (one call per parent took 22 s for 50,000)
        relational = {n for n in names if Partner._fields[n].type in ("one2many", "many2many")}
        if relational:
            synced = {
                parent.id: {k: v for k, v in parent._update_fields_values(names).items() if v}
                for parent in parents
            }
        else:
            synced = {
                parent_id: {k: v for k, v in row.items() if v and k != "id"}
                for parent_id, row in read_plain(parents, names).items()
            }
        for item in items:
            if item.action == "create":
                item.vals = {**synced[item.vals["parent_id"]], **item.vals}

    def _contact_key(self, item):
        email = item.values.get("email")
        return (
            (item.key, email) if email else (item.key, (item.values.get("name") or "").casefold())
        )

    def _plan_contacts(self, items, columns, company):
        self._refuse_duplicates(items, self._contact_key, columns.get("email", columns["name"])[1])
        customers = self._customers_by_number({i.key for i in items if i.key}, company)
        children = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search_fetch(
                [("parent_id", "in", [c.id for c in customers.values()])],
                [
                    "parent_id",
                    "name",
                    "email",
                    "email_normalized",
                    "phone",
                    "mobile",
                    "function",
                    "connect_dms_managed",
                ],
            )
        )
        by_email, by_name = {}, {}
        for child in children:
            if child.email_normalized:
                by_email.setdefault((child.parent_id.id, child.email_normalized), child)
            by_name.setdefault((child.parent_id.id, (child.name or "").casefold()), child)
        fields_of = {
            "name": "name",
            "email": "email",
            "phone": "phone",
            "mobile": "mobile",
            "function": "function",
        }

        def existing_of(item):
            customer = customers[item.key]
            email = item.values.get("email")
            if email:
                return by_email.get((customer.id, email))
            return by_name.get((customer.id, item.values["name"].casefold()))

        def vals_of(item):
            if item.key not in customers:
                item.refuse(
                    columns["customer_number"][1],
                    self.env._(
                        "No customer has number %(number)s: import the customers first.",
                        number=item.key,
                    ),
                )
                return {}
            vals = {f: item.values[t] or False for t, f in fields_of.items() if t in columns}
            vals["connect_dms_managed"] = True
            return vals

        self._upsert_plan(
            items,
            existing_of,
            vals_of,
            lambda i: {"parent_id": customers[i.key].id, "type": "contact"},
        )

    def _apply_contacts(self, items, company):
        self._with_parent_sync(items)
        for item in items:
            if item.action == "create":
                # what res.partner.create does to a contact's values
                item.vals["company_name"] = False
        self._create_and_write("res.partner", items, bulk=True, _partners_skip_fields_sync=True)
