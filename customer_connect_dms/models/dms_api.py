import logging
import os
import shutil

from odoo import api, models, modules

from .dms_import_invoice_pdf import FolderPdfSource
from .dms_import_targets import KINDS

_logger = logging.getLogger(__name__)

DROP_FOLDER_PARAM = "customer_connect_dms.drop_folder"
DROP_PROFILE_PARAM = "customer_connect_dms.drop_profile_%s"
# a ZIP holds an export and its PDF copies, as uploaded (models/dms_import_invoice_pdf.py)
DROP_EXTENSIONS = (".csv", ".txt", ".xlsx", ".xls", ".zip")


class DmsApi(models.AbstractModel):
    """The connector API: JSON-RPC methods a DMS connector calls (as a
    service manager's login or API key) to upsert records by their DMS keys,
    idempotently. Each call is one run in the import log, all or nothing
    unless ``allow_partial``.

    Records are dicts keyed by the targets of the kind (see
    dms_import_targets.py: customers ``number``, ``name``, ``street`` ...,
    ``parent_number`` for a fleet location (``number`` empty: it shares
    its owner's);
    contacts ``customer_number``, ``name``, ``email`` ...; invoices
    ``number``, ``customer_number``, ``date``, ``amount_total``,
    ``amount_residual`` ...; equipment ``dms_key``, ``customer_number`` ...);
    dates as ``YYYY-MM-DD`` or ``DD/MM/YYYY``, amounts as numbers."""

    _name = "customer_connect_dms.api"
    _description = "DMS connector API"

    @api.model
    def upsert_customers(self, records, dry_run=False, allow_partial=False):
        """Create or update customers by customer number; see _upsert."""
        return self._upsert("customers", records, dry_run, allow_partial)

    @api.model
    def upsert_contacts(self, records, dry_run=False, allow_partial=False):
        """Create or update contacts by (customer number, e-mail or name)."""
        return self._upsert("contacts", records, dry_run, allow_partial)

    @api.model
    def upsert_invoices(self, records, dry_run=False, allow_partial=False):
        """Create posted invoices by DMS number, settle what the DMS reports paid.
        An invoice's PDF copy comes as ``pdf`` (base64; ``%PDF-``, 10 MB at
        most) with an optional ``pdf_name`` (else ``<number>.pdf``); it
        becomes the invoice's PDF in Odoo and the portal, the same PDF again
        changes nothing, another replaces it."""
        return self._upsert("invoices", records, dry_run, allow_partial)

    @api.model
    def upsert_equipment(self, records, dry_run=False, allow_partial=False):
        """Create or update machines by DMS key."""
        return self._upsert("equipment", records, dry_run, allow_partial)

    @api.model
    def _upsert(self, kind, records, dry_run, allow_partial):
        """Import ``records`` and answer with the run's outcome: ``{"run_id",
        "state", "created", "updated", "unchanged", "refused", "message",
        "errors": [{"row", "key", "column", "message"}]}`` (row = position
        in the list, from 1)."""
        run = self.env["customer_connect_dms.importer"]._import_records(
            kind, records, dry_run=dry_run, allow_partial=allow_partial
        )
        return run._summary()

    @api.model
    def export_payments(self, date_from=False):
        """Payments made in Odoo (the portal, the back office) on imported
        invoices, for the DMS to book: ``[{"invoice_number",
        "customer_number", "date", "amount", "payment", "reference"}]``, one
        per payment and invoice, from ``date_from`` (YYYY-MM-DD) on. What
        the DMS itself reported paid (the DMS settlements journal) is left
        out."""
        self.env["customer_connect_dms.importer"]._check_manager_rights()
        return [row for _id, row in self._payment_rows(self.env.company, date_from=date_from)]

    # ------------------------------------------------------------------
    # drop folder
    # ------------------------------------------------------------------

    @api.model
    def _drop_folder_profile(self, kind):
        # sudo: a setting (ir.config_parameter is readable by the system only)
        param = self.env["ir.config_parameter"].sudo().get_param(DROP_PROFILE_PARAM % kind)
        Profile = self.env["customer_connect_dms.import.profile"]
        profile = Profile.browse(int(param)).exists() if param and param.isdigit() else Profile
        return profile or Profile.search(
            [("kind", "=", kind), ("company_id", "in", [self.env.company.id, False])], limit=1
        )

    @api.model
    def _cron_import_drop_folder(self):
        """Import the files of the drop folder (config parameter
        customer_connect_dms.drop_folder), oldest first: the file name starts
        with its kind (customers, contacts, invoices, equipment); the profile
        is customer_connect_dms.drop_profile_<kind> (an id) or the kind's
        first. Each file ends in done/ or failed/ beside the log of its run.
        An invoices export's PDF copies lie beside it (or in a subfolder it
        names, e.g. ``pdf/SI1.pdf``); those it names go to done/ or failed/
        with it, keeping their place relative to it. A ZIP (``invoices-....zip``)
        holds an export and its PDFs, as the upload wizard takes it."""
        # sudo: a setting (ir.config_parameter is readable by the system only)
        folder = self.env["ir.config_parameter"].sudo().get_param(DROP_FOLDER_PARAM)
        if not folder or not os.path.isdir(folder):
            return
        names = sorted(
            (n for n in os.listdir(folder) if n.lower().endswith(DROP_EXTENSIONS)),
            key=lambda n: os.path.getmtime(os.path.join(folder, n)),
        )
        for name in names:
            path = os.path.join(folder, name)
            kind = next((k for k, _label in KINDS if name.lower().startswith(k)), None)
            run = None
            importer = self.env["customer_connect_dms.importer"]
            pdfs = FolderPdfSource(folder, importer._pdf_max_size(), self.env._)
            if kind:
                with open(path, "rb") as handle:
                    data = handle.read()
                run = importer._import_file(
                    kind,
                    self._drop_folder_profile(kind),
                    data,
                    name,
                    source="folder",
                    # a ZIP ships its own PDFs
                    pdf_source=None if name.lower().endswith(".zip") else pdfs,
                )
                # a big file is queued for the background job, its content
                # kept on the run: the export has reached Odoo
                ok = run.state in ("done", "queued")
            else:
                _logger.warning("DMS drop folder: %s does not start with a kind, set aside", name)
                ok = False
            # the run (and what it wrote) is committed before the file moves:
            # a crash in between imports the file again, which changes
            # nothing (imports are idempotent), never loses it
            if not modules.module.current_test:  # a test's transaction cannot commit
                self.env.cr.commit()  # pylint: disable=invalid-commit
            target = os.path.join(folder, "done" if ok else "failed")
            for relative in [name, *pdfs.used]:
                self._drop_folder_archive(folder, relative, target, run)
        self._export_payments_to_drop_folder(folder)

    @api.model
    def _drop_folder_archive(self, folder, relative, target, run):
        """Move ``relative`` (a path in ``folder``) to the same place under
        ``target``; a name already there gets the run's id."""
        destination = os.path.join(target, relative)
        if os.path.exists(destination):
            stem, ext = os.path.splitext(destination)
            destination = f"{stem}-{run.id if run else 'x'}{ext}"
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        source = os.path.join(folder, relative)
        if os.path.isfile(source):
            shutil.move(source, destination)
