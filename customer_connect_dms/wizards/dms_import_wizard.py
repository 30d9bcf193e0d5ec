import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.dms_import_targets import KINDS


class DmsImportWizard(models.TransientModel):
    """Upload a DMS export, pick what it holds and its profile, dry-run or
    import it: the run log opens with the result."""

    _name = "customer_connect_dms.import.wizard"
    _description = "Import a DMS export"

    file = fields.Binary(
        required=True,
        help="The DMS export (CSV, XLSX or XLS), or a ZIP holding the export and the "
        "invoices' PDF copies that its PDF column names.",
    )
    file_name = fields.Char()
    kind = fields.Selection(KINDS, required=True, default="customers")
    profile_id = fields.Many2one(
        "customer_connect_dms.import.profile",
        required=True,
        domain="[('kind', '=', kind), ('company_id', 'in', [company_id, False])]",
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    allow_partial = fields.Boolean(
        "Import the valid rows",
        help="Refuse the wrong rows and import the others, instead of refusing the whole file.",
    )

    @api.onchange("kind")
    def _onchange_kind(self):
        if self.profile_id.kind != self.kind:
            self.profile_id = self.env["customer_connect_dms.import.profile"].search(
                [("kind", "=", self.kind), ("company_id", "in", [self.env.company.id, False])],
                limit=1,
            )

    background = fields.Boolean(
        "Run in the background",
        help="For big files: the import runs as a scheduled job, its progress shows in "
        "the import log; each chunk of rows is saved as it is done.",
    )

    def _run(self, dry_run):
        self.ensure_one()
        if self.profile_id.kind != self.kind:
            raise UserError(self.env._("Pick a profile made for this kind of file."))
        if self.background and not dry_run:
            run = self.env["customer_connect_dms.importer"]._queue_file(
                self.kind,
                self.profile_id,
                base64.b64decode(self.file or b""),
                self.file_name,
                allow_partial=self.allow_partial,
            )
            return run._action_open()
        run = self.env["customer_connect_dms.importer"]._import_file(
            self.kind,
            self.profile_id,
            base64.b64decode(self.file or b""),
            self.file_name,
            dry_run=dry_run,
            allow_partial=self.allow_partial,
        )
        return run._action_open()

    def action_dry_run(self):
        """Check the file and show what an import would do, writing nothing."""
        return self._run(dry_run=True)

    def action_import(self):
        """Import the file (all or nothing unless told to import the valid rows)."""
        return self._run(dry_run=False)
