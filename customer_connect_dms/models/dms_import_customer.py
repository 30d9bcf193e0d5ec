"""Customers imports (with fleets): the columns, how each row is planned
(create, update, unchanged, refused) and how the customers are written."""

from odoo import models

from .dms_import import DmsRow
from .dms_import_targets import normalize_column, register_kind

# the columns a customers export may have (``(target, label, type,
# required)``, dms_import_targets.py); 150,000 contacts fit in one
# transaction, in 40 s
COLUMNS = [
    ("number", "Customer number", "key", True),
    ("name", "Name", "name", True),
    ("street", "Street", "text", False),
    ("street2", "Street 2", "text", False),
    ("city", "City", "text", False),
    ("zip", "Postal code", "code", False),
    ("state", "State / county (code or name)", "text", False),
    ("country", "Country (code or name)", "text", False),
    ("email", "E-mail", "email", False),
    ("phone", "Phone", "phone", False),
    ("mobile", "Mobile", "phone", False),
    ("vat", "Tax ID", "code", False),
    # fleet customers: the number of the fleet owner this row is a
    # location of (the row's own number may then be empty: it shares the
    # owner's); see _plan_customers
    ("parent_number", "Parent (fleet owner) number", "key", False),
]
register_kind("customers", "Customers", COLUMNS, "res.partner", foreground_max=200000)


class DmsImportCustomer(models.AbstractModel):
    _inherit = "customer_connect_dms.importer"

    def _may_be_blank(self, kind, target, cells, columns):
        """The own number of a fleet location that shares its owner's."""
        if kind == "customers" and target == "number" and "parent_number" in columns:
            return bool(cells[columns["parent_number"][0]])
        return super()._may_be_blank(kind, target, cells, columns)

    def _rows_in_write_order(self, kind, header, rows, column_map):
        if kind != "customers":
            return super()._rows_in_write_order(kind, header, rows, column_map)
        return self._owners_first(kind, header, rows, column_map)

    # Fleet customers (manual 002): with a "parent number" column, a row
    # that names a parent number is a fleet location of the customer that
    # has that number (a row of the same file, before or after it, or a
    # customer already in Odoo). With a number of its own it is keyed by it
    # as any customer; with no number, or the parent's, it shares its
    # owner's number and is keyed by parent number and name (casefolded), so
    # that importing the same file again finds it. One level: an owner is
    # not a location. An empty parent number makes a location a customer of
    # its own again; without the column, partners stay where they are.

    def _owners_first(self, kind, header, rows, column_map):
        """``rows`` with the rows that name a parent number after the
        others: background runs write a file in chunks, each planned against
        what the earlier ones wrote, so a fleet owner goes in before its
        locations (row numbers are kept)."""
        if kind != "customers":
            return rows
        index = next(
            (
                i
                for i, name in enumerate(header)
                if column_map.get(normalize_column(name)) == "parent_number"
            ),
            None,
        )
        if index is None:
            return rows

        def located(row):
            return index < len(row[1]) and bool(row[1][index])

        return [r for r in rows if not located(r)] + [r for r in rows if located(r)]

    def _fleet_parent_number(self, item, columns):
        return ("parent_number" in columns and item.values.get("parent_number")) or ""

    def _fleet_shares(self, item, columns):
        """Whether the row is a location sharing its owner's number."""
        return bool(self._fleet_parent_number(item, columns)) and not item.values.get("number")

    def _plan_customers(self, items, columns, company):
        Partner = self.env["res.partner"].with_context(active_test=False)
        fleet = "parent_number" in columns
        for item in items:
            parent = self._fleet_parent_number(item, columns)
            if parent and item.values.get("number") == parent:
                item.values["number"] = False  # the parent's own number: shared
            if self._fleet_shares(item, columns):
                item.key = f"{parent} / {item.values.get('name') or ''}"
        own = [i for i in items if not self._fleet_shares(i, columns)]
        sharing = [i for i in items if self._fleet_shares(i, columns)]
        self._refuse_duplicates(own, lambda i: i.key, columns["number"][1])
        self._refuse_duplicates(
            sharing,
            lambda i: (i.values["parent_number"], (i.values.get("name") or "").casefold()),
            columns["name"][1],
        )
        numbers = {i.key for i in own if i.key}
        numbers |= {self._fleet_parent_number(i, columns) for i in items} - {""}
        existing = self._customers_by_number(numbers, company)
        fields_of = {
            "name": "name",
            "street": "street",
            "street2": "street2",
            "city": "city",
            "zip": "zip",
            "email": "email",
            "phone": "phone",
            "mobile": "mobile",
            "vat": "vat",
        }
        fetched = [*fields_of.values(), "state_id", "country_id", "connect_dms_managed"]
        if fleet:
            fetched += ["parent_id", "is_company", "type"]
        if existing:
            Partner.browse([p.id for p in existing.values()]).fetch(fetched)
        geo = self._geo_maps() if {"state", "country"} & set(columns) else ({}, {})
        parents = self._plan_fleet_parents(items, own, columns, existing) if fleet else {}
        shared_existing = {}
        owner_ids = [p.id for p in parents.values() if not isinstance(p, DmsRow)]
        if sharing and owner_ids:
            for location in Partner.search_fetch(
                [("parent_id", "in", owner_ids), ("is_company", "=", True), ("ref", "=", False)],
                fetched,
            ):
                key = (location.parent_id.id, (location.name or "").casefold())
                shared_existing.setdefault(key, location)

        def existing_of(item):
            if not self._fleet_shares(item, columns):
                return existing.get(item.key)
            parent = parents.get(item.line)
            if parent is None or isinstance(parent, DmsRow):
                return None
            return shared_existing.get((parent.id, (item.values.get("name") or "").casefold()))

        def vals_of(item):
            vals = {
                field: item.values[target] or False
                for target, field in fields_of.items()
                if target in columns
            }
            vals.update(self._customer_geo_vals(item, columns, company, geo))
            vals["connect_dms_managed"] = True
            if fleet:
                vals.update(self._fleet_vals(item, parents, existing))
            return vals

        self._upsert_plan(
            items,
            existing_of,
            vals_of,
            lambda i: {
                **({} if self._fleet_shares(i, columns) else {"ref": i.key}),
                "company_id": company.id,
                "is_company": True,
                "customer_rank": 1,
            },
        )
        # a location whose new owner's row is refused goes with it
        for item in items:
            parent = parents.get(item.line)
            if isinstance(parent, DmsRow) and parent.errors and not item.errors:
                item.refuse(
                    columns["parent_number"][1],
                    self.env._(
                        "The row of its fleet owner %(number)s (row %(row)s) is refused.",
                        number=parent.key,
                        row=parent.line,
                    ),
                )

    def _plan_fleet_parents(self, items, own, columns, existing):
        """{row number: the fleet owner of the row, a record or the row of a
        new owner in the file} for the rows that name a parent number; the
        rows whose parent cannot be are refused, naming the column."""
        _ = self.env._
        label = columns["parent_number"][1]
        in_file = {}
        for item in own:
            if item.key and not item.errors:
                in_file.setdefault(item.key, item)
        owners_with_locations = set()
        if existing:
            groups = (
                self.env["res.partner"]
                .with_context(active_test=False)
                ._read_group(
                    [
                        ("parent_id", "in", [p.id for p in existing.values()]),
                        ("is_company", "=", True),
                    ],
                    ["parent_id"],
                )
            )
            owners_with_locations = {parent.id for (parent,) in groups}
        parents = {}
        for item in items:
            number = self._fleet_parent_number(item, columns)
            if not number or item.errors:
                continue
            row = in_file.get(number)
            holder = existing.get(number)
            row_parent = row is not None and self._fleet_parent_number(row, columns)
            if row_parent and row_parent == item.values.get("number"):
                item.refuse(
                    label,
                    _(
                        "%(number)s would be its own parent: row %(row)s makes %(parent)s a "
                        "location of %(number)s.",
                        number=item.values["number"],
                        row=row.line,
                        parent=number,
                    ),
                )
            elif row_parent or (row is None and holder and holder.parent_id):
                item.refuse(
                    label,
                    _(
                        "%(parent)s is itself a location (of %(owner)s): a fleet has one level "
                        "of locations.",
                        parent=number,
                        owner=row_parent or holder.parent_id.ref or holder.parent_id.display_name,
                    ),
                )
            elif row is None and not holder:
                item.refuse(
                    label,
                    _("No customer has number %(number)s, in this file or in Odoo.", number=number),
                )
            elif (
                not self._fleet_shares(item, columns)
                and existing.get(item.key)
                and existing[item.key].id in owners_with_locations
            ):
                item.refuse(
                    label,
                    _(
                        "%(number)s has locations of its own: a fleet owner cannot be a "
                        "location (one level).",
                        number=item.key,
                    ),
                )
            else:
                parents[item.line] = holder or row
        return parents

    def _fleet_vals(self, item, parents, existing):
        """Where a row of a file with a parent number column goes."""
        parent = parents.get(item.line)
        if parent is not None:
            # a company under its owner, with its own address (Odoo copies
            # the parent's onto "contact" children); a new owner of the same
            # file is resolved when written
            return {
                "parent_id": parent if isinstance(parent, DmsRow) else parent.id,
                "is_company": True,
                "type": "other",
            }
        vals = {"parent_id": False}
        record = existing.get(item.key)
        if record and record.parent_id:
            vals["type"] = "contact"  # out of its fleet
        return vals

    def _customer_geo_vals(self, item, columns, company, geo):
        """country_id and state_id of a customer row (refused if unknown)."""
        countries, states = geo
        vals = {}
        country = False
        if "country" in columns and item.values["country"]:
            country = countries.get(item.values["country"].casefold())
            if not country:
                item.refuse(
                    columns["country"][1],
                    self.env._("%(value)s is not a known country.", value=item.values["country"]),
                )
            vals["country_id"] = country
        elif "country" in columns:
            vals["country_id"] = False
        if "state" in columns:
            state = False
            if item.values["state"]:
                country_ids = [country] if country else [company.country_id.id]
                state = next(
                    (
                        states[(c, item.values["state"].casefold())]
                        for c in country_ids
                        if (c, item.values["state"].casefold()) in states
                    ),
                    False,
                )
                if not state:
                    item.refuse(
                        columns["state"][1],
                        self.env._(
                            "%(value)s is not a known state or county.",
                            value=item.values["state"],
                        ),
                    )
            vals["state_id"] = state
        return vals

    def _geo_maps(self):
        countries = {}
        for country in self.env["res.country"].search_fetch([], ["code", "name"]):
            countries[country.code.casefold()] = country.id
            countries[country.name.casefold()] = country.id
        states = {}
        for state in self.env["res.country.state"].search_fetch([], ["code", "name", "country_id"]):
            states[(state.country_id.id, state.code.casefold())] = state.id
            states[(state.country_id.id, state.name.casefold())] = state.id
        return countries, states

    def _apply_customers(self, items, company):
        # owners (and every customer outside a fleet) first: a location of a
        # new owner of the same file then has its owner's id
        located, others = [], []
        for item in items:
            (located if item.vals.get("parent_id") else others).append(item)
        self._create_and_write("res.partner", others, bulk=True)
        if not located:
            return
        for item in located:
            if isinstance(item.vals["parent_id"], DmsRow):
                item.vals["parent_id"] = item.vals["parent_id"].record.id
        creates = [i for i in located if i.action == "create"]
        langs = {
            row["id"]: row["lang"]
            for row in self.env["res.partner"]
            .browse({i.vals["parent_id"] for i in creates})
            .read(["lang"])
        }
        for item in creates:
            # what res.partner.create does for a child, without its address
            # sync (a location keeps its own) and its copying of a first
            # child's address onto an owner without one (the DMS owns it)
            item.vals.setdefault("lang", langs[item.vals["parent_id"]])
            item.vals["company_name"] = False
        self._create_and_write("res.partner", located, bulk=True, _partners_skip_fields_sync=True)
