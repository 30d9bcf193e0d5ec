"""Equipment imports: the columns, the plan (a machine by its DMS key) and
the writes."""

from odoo import models

from .dms_import_targets import register_kind

COLUMNS = [
    ("dms_key", "DMS key", "key", True),
    ("customer_number", "Customer number", "key", True),
    ("make", "Make", "text", False),
    ("model", "Model", "text", False),
    ("serial_number", "Serial number", "code", False),
    ("year", "Model year", "integer", False),
    ("hours", "Hours", "hours", False),
    ("hours_date", "Hours read on", "date", False),
    ("purchase_date", "Purchase date", "date", False),
    ("warranty_end", "Warranty ends", "date", False),
    ("next_service_date", "Next service due", "date", False),
    ("notes", "Notes", "long_text", False),
]
register_kind("equipment", "Equipment", COLUMNS, "customer_connect.equipment", foreground_max=20000)


class DmsImportEquipment(models.AbstractModel):
    _inherit = "customer_connect_dms.importer"

    def _plan_equipment(self, items, columns, company):
        self._refuse_duplicates(items, lambda i: i.key, columns["dms_key"][1])
        customers = self._customers_by_number(
            {i.values.get("customer_number") for i in items if i.values.get("customer_number")},
            company,
        )
        fields_of = {
            "make": "make",
            "model": "model_name",
            "serial_number": "serial_number",
            "year": "year",
            "hours": "hours",
            "hours_date": "hours_date",
            "purchase_date": "purchase_date",
            "warranty_end": "warranty_end",
            "next_service_date": "next_service_date",
            "notes": "notes",
        }
        machines = (
            self.env["customer_connect.equipment"]
            .with_context(active_test=False)
            .search_fetch(
                [
                    ("company_id", "=", company.id),
                    ("dms_key", "in", [i.key for i in items if i.key]),
                ],
                ["dms_key", "partner_id", *fields_of.values()],
            )
        )
        existing = {m.dms_key: m for m in machines}

        def vals_of(item):
            number = item.values["customer_number"]
            if number not in customers:
                item.refuse(
                    columns["customer_number"][1],
                    self.env._(
                        "No customer has number %(number)s: import the customers first.",
                        number=number,
                    ),
                )
                return {}
            vals = {f: item.values[t] or False for t, f in fields_of.items() if t in columns}
            if "year" in vals:
                vals["year"] = vals["year"] or 0
            if "hours" in vals:
                vals["hours"] = vals["hours"] or 0.0
            vals["partner_id"] = customers[number].id
            return vals

        self._upsert_plan(
            items,
            lambda i: existing.get(i.key),
            vals_of,
            lambda i: {"dms_key": i.key, "company_id": company.id},
        )

    def _apply_equipment(self, items, company):
        self._create_and_write("customer_connect.equipment", items)
