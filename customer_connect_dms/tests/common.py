import base64
import json

from odoo.addons.customer_connect.tests.common import ConnectCase


def call_dms_api(case, method, *args):
    """``customer_connect_dms.api.<method>(*args)`` through JSON-RPC, as a
    connector calls it, in the HttpCase ``case``'s session."""
    response = case.url_open(
        "/web/dataset/call_kw",
        data=json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "model": "customer_connect_dms.api",
                    "method": method,
                    "args": list(args),
                    "kwargs": {},
                },
            }
        ),
        headers={"Content-Type": "application/json"},
    )
    return response.json()


class DmsImportCase(ConnectCase):
    """Customer Connect's dealer, and a service manager who imports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.importer = cls.env["customer_connect_dms.importer"]
        cls.gold_customers = cls.env.ref("customer_connect_dms.profile_gold_customers")
        cls.generic = {
            kind: cls.env.ref(f"customer_connect_dms.profile_generic_{kind}")
            for kind in ("customers", "contacts", "invoices", "equipment")
        }

    def _import(self, kind, text, profile=None, dry_run=False, name="export.csv", **kw):
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        return self.importer._import_file(
            kind, profile or self.generic[kind], data, name, dry_run=dry_run, **kw
        )

    def _refused(self, run):
        return [
            (line.row, line.column, line.message)
            for line in run.line_ids
            if line.action == "refused"
        ]

    def _refused_csv(self, run):
        return base64.b64decode(run.refused_file).decode("utf-8-sig")

    def _assert_same_rows(self, orm_rows, bulk_rows, label):
        """Rows written by the ORM and by the bulk path, column by column:
        the same columns, the same values (``label(row)`` names a row)."""
        self.assertEqual(len(orm_rows), len(bulk_rows))
        for orm_row, bulk_row in zip(orm_rows, bulk_rows, strict=True):
            self.assertEqual(set(bulk_row), set(orm_row))
            differences = {
                name: (bulk_row[name], orm_row[name])
                for name in bulk_row
                if bulk_row[name] != orm_row[name]
            }
            self.assertFalse(differences, label(orm_row))
