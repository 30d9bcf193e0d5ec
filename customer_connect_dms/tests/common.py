import base64

from odoo.addons.customer_connect.tests.common import ConnectCase


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
