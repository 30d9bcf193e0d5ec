import base64
import hashlib
import json
import logging
import re
import time
from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

from odoo.addons.customer_connect.tools.csv_cells import FORMULA_STARTS

from . import dms_import_targets as kinds
from .dms_bulk import normalize_email, read_plain
from .dms_import_invoice_pdf import (
    PDF_MAX_SIZE,
    PDF_MAX_SIZE_PARAM,
    NoPdfSource,
    ZipPdfSource,
    open_zip,
)
from .dms_import_targets import (
    AMOUNT_MAX,
    DATE_FORMATS,
    HOURS_MAX,
    KIND_GROUPS,
    KIND_MODELS,
    KINDS,
    SHAPES,
    TARGETS,
    YEAR_MAX,
    YEAR_MIN,
    normalize_column,
)
from .dms_reader import ERROR_COLUMN, DmsFileError, read_file
from .res_partner import NUMBER_HOLDERS

_logger = logging.getLogger(__name__)

CREATE_CHUNK = 1000
# rows written per background step (one commit each)
BACKGROUND_CHUNK = 2000
# the file of the background run this process works on, read and parsed
# once: each step read the whole file again (25 times for a 100,000-row
# file, about a twentieth of its import). One file at a time, dropped when
# its run ends: {(database, run id, the file's SHA-1, encoding, delimiter):
# (header, rows, info)}
_PARSED_BACKGROUND_FILE = {}
AMOUNT_RE = re.compile(r"^\d+(\.\d+)?$", re.ASCII)
YEAR_RE = re.compile(r"^\d{4}$", re.ASCII)
PHONE_RE = re.compile(r"^\+?[0-9(][0-9 ()./-]*(\s*(x|ext\.?)\s*[0-9]+)?$", re.ASCII | re.IGNORECASE)
# C0 controls but tab and line breaks, DEL, C1 controls, and the bidi
# controls that make a text read other than it is (Trojan Source); a tab
# inside a cell is kept (DMS names hold them; a leading one is stripped)
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CONTROL_OR_BREAK_RE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
IMPORT_CONTEXT = {
    # imports write thousands of records: no chatter message per record
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "connect_dms_import": True,
}


def shown(text, width=40):
    """``text`` as a message quotes it: a 200,000-character cell is not
    copied into the log, a control character is written as its code (a NUL
    cannot even be stored)."""
    text = text if len(text) <= width else text[: width - 1] + "…"
    return CONTROL_OR_BREAK_RE.sub(lambda found: f"<U+{ord(found.group(0)):04X}>", text)


class DmsRow:
    """One row of a file on its way in: its cells, what they mean, what
    the import would do with it and what is wrong with it."""

    __slots__ = ("action", "cells", "errors", "key", "line", "record", "vals", "values")

    def __init__(self, line, cells):
        self.line = line
        self.cells = cells
        self.values = {}
        self.errors = []  # [(column, message)]
        self.key = ""
        self.action = None
        self.record = None
        self.vals = {}

    def refuse(self, column, message):
        self.errors.append((column, message))


class DmsImporter(models.AbstractModel):
    """The import of DMS exports and connector calls: read, check every row,
    plan (create / update / unchanged / refused per row), then write the
    whole file in one savepoint. The same service serves the dealer's
    upload, the drop folder, the connector API and background runs.

    This file is the pipeline (entry points, rights, the run and its log,
    reading, checking cells, planning, writing, background steps) and knows
    no kind: each kind's file (``dms_import_<kind>.py``) registers its
    columns in ``dms_import_targets.py`` and adds ``_plan_<kind>`` and
    ``_apply_<kind>`` (and overrides the hooks below) to this model."""

    _name = "customer_connect_dms.importer"
    _description = "DMS import service"

    # ------------------------------------------------------------------
    # entry points
    # ------------------------------------------------------------------

    @api.model
    def _import_file(
        self,
        kind,
        profile,
        data,
        file_name,
        dry_run=False,
        source="manual",
        allow_partial=False,
        pdf_source=None,
    ):
        """Import ``data`` (bytes of a CSV, XLSX or XLS file, or of a ZIP
        holding one and the invoices' PDFs) as ``kind`` with ``profile``;
        ``pdf_source`` finds the PDFs an export names when they do not ship
        inside it (the drop folder, models/dms_import_invoice_pdf.py). Return the run log
        record."""
        run = self._new_file_run(
            kind, profile, data, file_name, source, allow_partial, dry_run=dry_run
        )
        self._execute(run, pdf_source=pdf_source)
        return run

    @api.model
    def _new_file_run(self, kind, profile, data, file_name, source, allow_partial, **values):
        """The run log record of a file's import, after the rights check that
        every entry point makes (``values``: the run's other fields)."""
        self._check_import_rights(kind)
        return self.env["customer_connect_dms.import.run"].create(
            {
                "kind": kind,
                "profile_id": profile.id,
                "source": source,
                "file": base64.b64encode(data or b""),
                "file_name": file_name,
                "allow_partial": allow_partial,
                **values,
            }
        )

    @api.model
    def _import_records(self, kind, records, dry_run=False, source="api", allow_partial=False):
        """Import ``records`` (a list of dicts keyed by the kind's targets,
        e.g. ``{"number": "00123", "name": "..."}``): the connector API."""
        self._check_import_rights(kind)
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise UserError(self.env._("Send a list of records (JSON objects)."))
        records, pdf_source = self._records_with_files(kind, records)
        header = []
        for record in records:
            header += [k for k in record if k not in header]
        # a value is text, a number or a boolean; a list or an object refuses
        # its record, naming the key (str() of it would import "{...}")
        wrong_type = {}
        rows = []
        for index, record in enumerate(records, 1):
            cells = []
            for key in header:
                value = record.get(key)
                if isinstance(value, (dict, list, tuple)):
                    wrong_type[(index, key)] = self.env._(
                        "a %(type)s, not a text or a number.",
                        type="list" if isinstance(value, (list, tuple)) else "JSON object",
                    )
                    value = None
                cells.append("" if value is None or value is False else str(value))
            rows.append((index, cells))
        run = self.env["customer_connect_dms.import.run"].create(
            {
                "kind": kind,
                "source": source,
                "file_name": f"{kind}.json",
                "dry_run": dry_run,
                "allow_partial": allow_partial,
            }
        )
        mapping = {normalize_column(k): k for k in header}
        options = {"date_format": "auto", "decimal": ".", "cell_errors": wrong_type}
        if pdf_source:
            # the "pdf" key holds the file: its cell names it in the source
            mapping["pdf"] = "pdf_file"
            options["pdf_source"] = pdf_source
        self._process(run, header, rows, mapping, options=options)
        return run

    def _pdf_max_size(self):
        # sudo: a setting (ir.config_parameter is readable by the system only)
        value = self.env["ir.config_parameter"].sudo().get_param(PDF_MAX_SIZE_PARAM)
        return int(value) if value and value.isdigit() else PDF_MAX_SIZE

    def _check_import_rights(self, kind):
        """The rights the README's "Connector API" set-up gives, checked
        before anything is read: a user short of them is told which, not
        stopped halfway by Odoo's AccessError on a journal entry."""
        if kind not in dict(KINDS):
            raise UserError(self.env._("Unknown import kind %(kind)s.", kind=kind))
        user = self.env.user
        if not user.has_group("customer_connect_dms.group_dms_number_manager") or not all(
            user.has_group(group) for group in KIND_GROUPS[kind]
        ):
            raise AccessError(self._rights_message())

    def _check_manager_rights(self):
        """A service manager: reads what customers paid (export_payments)."""
        if not self.env.user.has_group("customer_connect_dms.group_dms_number_manager"):
            raise AccessError(self._rights_message())

    def _rights_message(self):
        # the README's sentence (section "DMS link", "Connector API")
        return self.env._(
            "Importing from the DMS needs an internal user with Customer Connect's "
            '"Service manager: may change customer numbers" and, for invoices, '
            'Invoicing\'s "Billing" (or more), in the company imported into.'
        )

    @api.model
    def _read_run(self, run, keep=False):
        """(header, rows, column map, options) of the run's file; raises
        DmsFileError when it cannot be read. With ``keep`` (a background
        run's steps), the parsed file is kept for the next step in this
        process."""
        profile = run.profile_id
        data, file_name = base64.b64decode(run.file or b""), run.file_name
        pdf_source, zip_info = NoPdfSource(self.env._), {}
        if (file_name or "").lower().endswith(".zip"):
            # an export and its PDFs (models/dms_import_invoice_pdf.py): read in place, the
            # PDFs by the names the export gives, relative to it
            file_name, data, archive, base = open_zip(data, self.env._, DmsFileError)
            pdf_source = ZipPdfSource(archive, base, self._pdf_max_size(), self.env._)
            zip_info = {"zip": file_name, "pdf files": pdf_source.pdf_count}
        key = (
            self.env.cr.dbname,
            run.id,
            hashlib.sha1(data).hexdigest(),
            profile.encoding,
            profile.delimiter,
        )
        parsed = _PARSED_BACKGROUND_FILE.get(key) if keep else None
        if parsed is None:
            parsed = read_file(
                data,
                file_name,
                self.env._,
                encoding=profile.encoding,
                delimiter=profile.delimiter,
            )
            if keep:
                _PARSED_BACKGROUND_FILE.clear()
                _PARSED_BACKGROUND_FILE[key] = parsed
        header, rows, info = parsed
        run.file_info = ", ".join(
            f"{k}: {v!r}" if k == "delimiter" else f"{k}: {v}"
            for k, v in {**zip_info, **info}.items()
        )
        options = {
            "pdf_source": pdf_source,
            "date_format": profile.date_format,
            "decimal": profile.decimal_separator,
            "ignore_extra": profile.ignore_extra_columns,
            "labels": {line.target: line.column_name for line in profile.line_ids},
        }
        return header, rows, profile._column_map(), options

    @api.model
    def _execute(self, run, pdf_source=None):
        """Read the run's file and import it (or dry-run it); a real run of
        a big file is queued for the background job instead."""
        try:
            header, rows, column_map, options = self._read_run(run)
        except DmsFileError as error:
            return self._fail(run, str(error))
        if pdf_source is not None:
            options["pdf_source"] = pdf_source
        foreground_max = kinds.FOREGROUND_MAX_ROWS.get(run.kind, kinds.FOREGROUND_MAX_ROWS_OTHER)
        if not run.dry_run and len(rows) > foreground_max:
            pdf_targets = {t[0] for t in TARGETS[run.kind] if t[2] == "pdf"}
            # the file's columns, not all those its profile knows: an export
            # without a PDF column is queued like any big file
            file_targets = {column_map.get(normalize_column(name)) for name in header}
            if pdf_source is not None and pdf_targets & file_targets:
                # the background job reads the run's file again, not the
                # drop folder (its files are archived after this run)
                return self._fail(
                    run,
                    self.env._(
                        "%(rows)s rows naming PDF copies in the drop folder: too many to "
                        "import at once. Drop files of at most %(max)s rows, or a ZIP of the "
                        "export and its PDFs.",
                        rows=len(rows),
                        max=foreground_max,
                    ),
                )
            run.write(
                {
                    "state": "queued",
                    "progress": 0.0,
                    "message": self.env._(
                        "%(rows)s rows: imported in the background, a chunk at a time; the "
                        "progress shows here.",
                        rows=len(rows),
                    ),
                }
            )
            self.env.ref("customer_connect_dms.ir_cron_dms_background_imports")._trigger()
            return run
        self._process(run, header, rows, column_map, options)
        return run

    # ------------------------------------------------------------------
    # background runs
    # ------------------------------------------------------------------

    @api.model
    def _queue_file(self, kind, profile, data, file_name, allow_partial=False, source="manual"):
        """Queue the import of a (big) file: a cron job checks it whole,
        then writes it chunk by chunk, committing after each (progress on
        the run); the run log record is returned at once."""
        run = self._new_file_run(
            kind, profile, data, file_name, source, allow_partial, state="queued", progress=0.0
        )
        self.env.ref("customer_connect_dms.ir_cron_dms_background_imports")._trigger()
        return run

    @api.model
    def _cron_process_queued(self, chunk=BACKGROUND_CHUNK):
        """One step of the oldest queued or running import per call: Odoo's
        cron commits after the call and, told by _notify_progress that work
        remains, calls again at once. A restart halfway loses the chunk in
        progress only (its transaction); the next call plans it again
        against the database, and the upserts by DMS key find what earlier
        chunks wrote: no duplicates."""
        Run = self.env["customer_connect_dms.import.run"]
        run = Run._claim_next()
        done = 0
        if run:
            # as the service manager who queued it: their rights, their company
            user = run.user_id
            importer = self.with_user(user).with_company(run.company_id)
            done = importer._background_step(
                run.with_user(user).with_company(run.company_id), chunk
            )
        remaining = Run.search_count([("state", "in", ("queued", "running"))])
        self.env["ir.cron"]._connect_notify_progress(
            "customer_connect_dms.ir_cron_dms_background_imports", done=done, remaining=remaining
        )

    def _background_step(self, run, chunk):
        try:
            header, rows, column_map, options = self._read_run(run, keep=True)
        except DmsFileError as error:
            self._fail(run, str(error))
            return 0
        rows = self._rows_in_write_order(run.kind, header, rows, column_map)
        if run.state == "queued":
            # first step: the whole file is checked before anything is written
            run.header = json.dumps(header)
            items = self._plan_rows(run, header, rows, column_map, options)
            if isinstance(items, str):
                self._fail(run, items)
                return 0
            refused = [i for i in items if i.action == "refused"]
            if refused and not run.allow_partial:
                # refused whole, with the report of a plain run
                self._process(run, header, rows, column_map, options)
                return 0
            self._write_lines(run, refused)
            run.write(
                {
                    "state": "running",
                    "next_row": 0,
                    "count_rows": len(items),
                    "count_refused": len(refused),
                    "progress": 0.0,
                }
            )
            # the rows checked are this step's work: reported as none, Odoo's
            # cron runner would take the job for finished and leave the run
            # waiting for the job's next interval (an hour)
            return len(items)
        # the refused rows only (the log grows a line per row written: reading
        # all of it at each step made a big file's import quadratic)
        skip = set(
            self.env["customer_connect_dms.import.run.line"]
            .search_fetch([("run_id", "=", run.id), ("action", "=", "refused")], ["row"])
            .mapped("row")
        )
        # a big file in at most ~25 steps: each step reads the whole file again
        chunk = max(chunk, len(rows) // 25)
        todo = rows[run.next_row : run.next_row + chunk]
        part = [(line, cells) for line, cells in todo if line not in skip]
        items = self._plan_rows(run, header, part, column_map, options) if part else []
        if isinstance(items, str):
            self._fail(run, items)
            return 0
        counts = {
            a: sum(1 for i in items if i.action == a)
            for a in ("create", "update", "unchanged", "refused")
        }
        try:
            with self.env.cr.savepoint():
                getattr(self, f"_apply_{run.kind}")(
                    [i for i in items if i.action in ("create", "update")], run.company_id
                )
        except (UserError, ValidationError, AccessError, ValueError) as error:
            first = todo[0][0] if todo else 0
            self._fail(
                run,
                self.env._(
                    "Stopped at rows %(first)s-%(last)s: %(error)s. The rows before them were "
                    "imported; import the file again once fixed (it changes nothing twice).",
                    first=first,
                    last=todo[-1][0] if todo else first,
                    error=getattr(error, "args", [error])[0],
                ),
            )
            return 0
        self._write_lines(run, items)
        next_row = run.next_row + len(todo)
        vals = {
            "next_row": next_row,
            "count_created": run.count_created + counts["create"],
            "count_updated": run.count_updated + counts["update"],
            "count_unchanged": run.count_unchanged + counts["unchanged"],
            "count_refused": run.count_refused + counts["refused"],
            "progress": 100.0 * next_row / max(len(rows), 1),
        }
        if next_row >= len(rows):
            vals.update(
                {
                    "state": "done",
                    "done_date": fields.Datetime.now(),
                    "message": self.env._(
                        "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                        "%(refused)s refused.",
                        created=vals["count_created"],
                        updated=vals["count_updated"],
                        unchanged=vals["count_unchanged"],
                        refused=vals["count_refused"],
                    ),
                }
            )
        run.write(vals)
        if next_row >= len(rows):
            _PARSED_BACKGROUND_FILE.clear()
            run._build_refused_file()
        return len(todo)

    def _fail(self, run, message):
        _PARSED_BACKGROUND_FILE.clear()
        run.write({"state": "failed", "message": message, "done_date": fields.Datetime.now()})
        return run

    # ------------------------------------------------------------------
    # the pipeline
    # ------------------------------------------------------------------

    def _plan_rows(self, run, header, rows, column_map, options):
        """Parse, check and plan ``rows`` (nothing is written): the row
        objects, or a message saying why the file as a whole is refused."""
        problem = self._check_header(run.kind, header, column_map, options)
        if problem:
            return problem
        columns = {}  # target -> (index, column name)
        for index, name in enumerate(header):
            target = column_map.get(normalize_column(name))
            if target:
                columns[target] = (index, name)
        items = [
            self._parse_row(run.kind, header, line, cells, columns, options) for line, cells in rows
        ]
        if not items:
            return self.env._("The file has a header but no rows.")
        getattr(self, f"_plan_{run.kind}")(items, columns, run.company_id)
        for item in items:
            if item.errors:
                item.action = "refused"
        return items

    def _process(self, run, header, rows, column_map, options):
        started = time.monotonic()
        run.header = json.dumps(header)
        items = self._plan_rows(run, header, rows, column_map, options)
        if isinstance(items, str):
            return self._fail(run, items)
        company = run.company_id
        refused = [i for i in items if i.action == "refused"]
        counts = {
            action: sum(1 for i in items if i.action == action)
            for action in ("create", "update", "unchanged", "refused")
        }
        state = "dry_run" if run.dry_run else "done"
        message = ""
        if not run.dry_run:
            if refused and not run.allow_partial:
                state = "failed"
                message = self.env._(
                    "%(count)s of %(total)s rows are refused: nothing was imported. Fix them "
                    "(download the refused rows) or tick 'Import the valid rows'.",
                    count=len(refused),
                    total=len(items),
                )
            else:
                try:
                    with self.env.cr.savepoint():
                        getattr(self, f"_apply_{run.kind}")(
                            [i for i in items if i.action in ("create", "update")], company
                        )
                except (UserError, ValidationError, AccessError, ValueError) as error:
                    _logger.debug("DMS import %s refused", run.id, exc_info=True)
                    state = "failed"
                    message = self.env._(
                        "Nothing was imported: %(error)s", error=getattr(error, "args", [error])[0]
                    )
        if not message:
            message = (
                self.env._(
                    "%(created)s to create, %(updated)s to update, %(unchanged)s unchanged, "
                    "%(refused)s refused.",
                    created=counts["create"],
                    updated=counts["update"],
                    unchanged=counts["unchanged"],
                    refused=counts["refused"],
                )
                if run.dry_run
                else self.env._(
                    "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                    "%(refused)s refused.",
                    created=counts["create"],
                    updated=counts["update"],
                    unchanged=counts["unchanged"],
                    refused=counts["refused"],
                )
            )
        if state == "failed":
            # nothing was written: the log says so (no row "created", no
            # count of what would have been); the refused rows keep their
            # reasons, the rows that passed are not logged
            counts.update(create=0, update=0, unchanged=0)
            items = [i for i in items if i.action == "refused"]
            for item in items:
                item.record = None
        self._write_lines(run, items)
        run.write(
            {
                "state": state,
                "message": message,
                "count_rows": len(rows),
                "count_created": counts["create"],
                "count_updated": counts["update"],
                "count_unchanged": counts["unchanged"],
                "count_refused": counts["refused"],
                "progress": 100.0,
                "done_date": fields.Datetime.now(),
            }
        )
        run._build_refused_file()
        _logger.info(
            "DMS import %s (%s, %s rows): %s in %.1fs",
            run.id,
            run.kind,
            len(rows),
            state,
            time.monotonic() - started,
        )
        return run

    def _write_lines(self, run, items):
        model = KIND_MODELS[run.kind]
        vals_list = []
        for item in items:
            if item.action == "unchanged" and not item.errors:
                continue  # a re-import of 50,000 rows logs counts, not 50,000 lines
            vals_list.append(
                {
                    "run_id": run.id,
                    "row": item.line,
                    "key": item.key,
                    "action": item.action,
                    "column": ", ".join(dict.fromkeys(c for c, _m in item.errors if c)),
                    "message": "\n".join(
                        f"{column}: {message}" if column else message
                        for column, message in item.errors
                    ),
                    "res_model": model if item.record else False,
                    "res_id": item.record.id if item.record else False,
                    "values": json.dumps(item.cells) if item.action == "refused" else False,
                }
            )
        Line = self.env["customer_connect_dms.import.run.line"]
        Bulk = self.env["customer_connect_dms.bulk"]
        if Bulk._use_bulk_path(len(vals_list)):
            Bulk._bulk_create(Line, vals_list)
            return
        for start in range(0, len(vals_list), CREATE_CHUNK * 5):
            Line.create(vals_list[start : start + CREATE_CHUNK * 5])

    def _check_header(self, kind, header, column_map, options):
        """A message naming what is wrong with the columns, or None."""
        _ = self.env._
        normalized = [normalize_column(name) for name in header]
        if any(not name for name in normalized):
            blank = normalized.index("") + 1
            return _("Column %(index)s of the header has no name.", index=blank)
        twice = {h for h, n in zip(header, normalized, strict=True) if normalized.count(n) > 1}
        if twice:
            return _(
                "The header names these columns twice: %(columns)s.",
                columns=", ".join(sorted(twice)),
            )
        wanted = {target: column for column, target in column_map.items()}
        labels = {t[0]: t[1] for t in TARGETS[kind]}
        shown = options.get("labels") or {}
        missing = [
            f"{shown.get(target) or wanted.get(target, target)} ({labels[target]})"
            for target, _label, _type, required in TARGETS[kind]
            if required and wanted.get(target) not in normalized
        ]
        messages = []
        if missing:
            messages.append(_("Missing column(s): %(columns)s.", columns=", ".join(missing)))
        extra = [
            h
            for h, n in zip(header, normalized, strict=True)
            if n not in column_map and n != normalize_column(ERROR_COLUMN)
        ]
        if extra and not options.get("ignore_extra"):
            messages.append(
                _(
                    "Column(s) the profile does not know: %(columns)s. Map them in the "
                    "profile, or let it ignore other columns.",
                    columns=", ".join(extra),
                )
            )
        return " ".join(messages) or None

    def _parse_row(self, kind, header, line, cells, columns, options):
        _ = self.env._
        item = DmsRow(line, cells)
        if len(cells) < len(header):
            item.refuse(
                header[len(cells)],
                _(
                    "the row has %(count)s values, the header %(width)s columns: the row is "
                    "cut short (truncated file?).",
                    count=len(cells),
                    width=len(header),
                ),
            )
            return item
        if any(cells[len(header) :]):
            item.refuse(
                "",
                _("the row has values beyond the header's %(width)s columns.", width=len(header)),
            )
        cell_errors = options.get("cell_errors") or {}
        for target, label, type_, required in TARGETS[kind]:
            if target not in columns:
                continue
            index, column = columns[target]
            if (line, column) in cell_errors:
                item.refuse(column, cell_errors[(line, column)])
                item.values[target] = False
                continue
            text = cells[index]
            if not text:
                if required and not self._may_be_blank(kind, target, cells, columns):
                    item.refuse(column, _("%(label)s is required.", label=label))
                item.values[target] = False
                continue
            try:
                text = self._check_shape(type_, text)
                item.values[target] = self._parse_value(type_, text, options)
            except ValueError as error:
                item.refuse(column, str(error))
        first = TARGETS[kind][0][0]
        item.key = item.values.get(first) or ""
        return item

    def _check_shape(self, type_, text):
        """``text`` as a cell of ``type_`` may hold it (its length, its
        characters, no formula), else ValueError saying why; a leading
        apostrophe that protected a formula character in a refused-rows
        file (csv_cells) is taken off first."""
        _ = self.env._
        if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
            text = text[1:]
        longest, multiline, no_formula = SHAPES[type_]
        if len(text) > longest:
            raise ValueError(
                _(
                    "%(count)s characters (%(value)s): at most %(max)s fit here.",
                    count=len(text),
                    value=shown(text),
                    max=longest,
                )
            )
        bad = (CONTROL_RE if multiline else CONTROL_OR_BREAK_RE).search(text)
        if bad:
            raise ValueError(
                _(
                    "%(value)s holds a control character (U+%(code)04X)%(where)s.",
                    value=shown(text),
                    code=ord(bad.group(0)),
                    where="" if multiline else _(" or a line break"),
                )
            )
        if (
            no_formula
            and text.startswith(("=", "+", "@"))
            or (no_formula and text.startswith("-") and not (multiline and text[1:2] == " "))
        ):
            raise ValueError(
                _(
                    "%(value)s starts as a spreadsheet formula (= + - @): the DMS cell holds "
                    "a formula, not its value. Export the value.",
                    value=shown(text),
                )
            )
        return text

    def _may_be_blank(self, kind, target, cells, columns):
        """Whether required ``target`` may be blank on this row (a kind's
        file says when)."""
        return False

    def _rows_in_write_order(self, kind, header, rows, column_map):
        """``rows`` in the order background runs write them, chunk after
        chunk (a kind's file may put some first); row numbers are kept."""
        return rows

    def _records_with_files(self, kind, records):
        """The connector's ``records`` and the source of the files they
        ship inline (a kind's file takes them out), or None."""
        return records, None

    def _parse_value(self, type_, text, options):
        _ = self.env._
        if type_ in ("text", "key", "name", "code", "long_text"):
            return text
        if type_ == "phone":
            if not PHONE_RE.match(text):
                raise ValueError(
                    _(
                        "%(value)s is not a phone number (digits, spaces and + ( ) . / -, "
                        "an extension as x123).",
                        value=shown(text),
                    )
                )
            return text
        if type_ == "pdf":
            # checked now (exists, is a PDF, not too big): refused rows name
            # the column, dry runs show it
            return (options.get("pdf_source") or NoPdfSource(_)).get(text)
        if type_ == "email":
            email = normalize_email(text)
            if not email:
                raise ValueError(_("%(value)s is not an e-mail address.", value=text))
            return email
        if type_ == "date":
            return self._parse_date(text, options)
        if type_ in ("amount", "hours"):
            return self._parse_number(type_, text, options)
        if type_ == "integer":
            if not YEAR_RE.match(text) or not YEAR_MIN <= int(text) <= YEAR_MAX:
                raise ValueError(
                    _(
                        "%(value)s is not a year from %(min)s to %(max)s.",
                        value=shown(text),
                        min=YEAR_MIN,
                        max=YEAR_MAX,
                    )
                )
            return int(text)
        raise ValueError(type_)

    def _parse_date(self, text, options):
        _ = self.env._
        for fmt in DATE_FORMATS[options.get("date_format") or "auto"]:
            try:
                day = datetime.strptime(text, fmt).date()
            except ValueError:
                continue
            if not YEAR_MIN <= day.year <= YEAR_MAX:
                raise ValueError(
                    _(
                        "%(value)s is not a date a DMS means (years %(min)s to %(max)s).",
                        value=text,
                        min=YEAR_MIN,
                        max=YEAR_MAX,
                    )
                )
            return day
        raise ValueError(
            _("%(value)s is not a date (e.g. 31/12/2026 or 2026-12-31).", value=shown(text))
        )

    def _parse_number(self, type_, text, options):
        """An amount or hours: finite, not negative, at most AMOUNT_MAX
        (HOURS_MAX); a currency sign, spaces and thousands separators are
        dropped."""
        _ = self.env._
        cleaned = re.sub(r"[\s\u00a0£$€]", "", text)
        negative = cleaned.startswith(("-", "(")) or cleaned.endswith("-")
        cleaned = cleaned.strip("-()")
        thousands = "," if options.get("decimal", ".") == "." else "."
        cleaned = cleaned.replace(thousands, "").replace(",", ".")
        if not AMOUNT_RE.match(cleaned):
            raise ValueError(_("%(value)s is not a number.", value=shown(text)))
        if negative:
            raise ValueError(_("%(value)s is negative.", value=text))
        number = float(cleaned)
        highest = AMOUNT_MAX if type_ == "amount" else HOURS_MAX
        if number > highest:
            # the limit formatted first: babel's extraction evaluates the
            # arguments of _() and cannot read an f-string
            limit = f"{highest:,}"
            raise ValueError(_("%(value)s is more than %(max)s.", value=text, max=limit))
        return number

    # ------------------------------------------------------------------
    # helpers for the kinds
    # ------------------------------------------------------------------

    def _refuse_duplicates(self, items, key_of, label):
        seen = {}
        for item in items:
            if item.errors:
                continue
            key = key_of(item)
            if key in seen:
                item.refuse(
                    label,
                    self.env._(
                        "%(key)s is also on row %(row)s of the file.",
                        key=item.key,
                        row=seen[key],
                    ),
                )
            else:
                seen[key] = item.line

    def _customers_by_number(self, numbers, company):
        """{customer number: customer account or fleet location with its
        own number} in ``company``."""
        partners = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search(
                [
                    ("ref", "in", list(numbers)),
                    *NUMBER_HOLDERS,
                    ("company_id", "in", [company.id, False]),
                ]
            )
        )
        # the numbers from the cache after one fetch, not through each record
        # (50,000 customers: 2.5 s through the records)
        refs = read_plain(partners, ["ref"])
        return {refs[p.id]["ref"]: p for p in partners}

    def _diff(self, record, vals):
        """The part of ``vals`` that would change ``record``."""
        changes = {}
        for name, value in vals.items():
            field = record._fields[name]
            current = record[name]
            if field.type == "many2one":
                if current.id != (value or False) and (current.id or value):
                    changes[name] = value
            elif field.type == "float":
                digits = field.get_digits(record.env)
                precision = digits[1] if digits else 2
                if float_compare(current or 0.0, value or 0.0, precision_digits=precision):
                    changes[name] = value
            elif field.type in ("char", "text"):
                if (current or "") != (value or ""):
                    changes[name] = value
            elif current != value and (current or value):
                changes[name] = value
        return changes

    def _upsert_plan(self, items, existing_of, vals_of, create_extra):
        for item in items:
            if item.errors:
                continue
            vals = vals_of(item)
            if item.errors:
                continue
            record = existing_of(item)
            if record:
                item.record = record
                item.vals = self._diff(record, vals)
                item.action = "update" if item.vals else "unchanged"
            else:
                item.vals = {**vals, **create_extra(item)}
                item.action = "create"

    def _create_and_write(self, model, items, bulk=False, **create_context):
        Model = self.env[model].with_context(**IMPORT_CONTEXT, **create_context)
        creates = [i for i in items if i.action == "create"]
        Bulk = self.env["customer_connect_dms.bulk"]
        if bulk and Bulk._use_bulk_path(len(creates)):
            # many new records: COPY + INSERT ... SELECT (models/dms_bulk.py)
            records = Bulk._bulk_create(Model, [i.vals for i in creates])
            for item, record in zip(creates, records, strict=True):
                item.record = record
            creates = []
        for start in range(0, len(creates), CREATE_CHUNK):
            chunk = creates[start : start + CREATE_CHUNK]
            records = Model.create([i.vals for i in chunk])
            for item, record in zip(chunk, records, strict=True):
                item.record = record
        for item in items:
            if item.action == "update":
                # Odoo's own sync stays on for updates: a customer's new
                # address reaches its contacts
                item.record.with_context(**IMPORT_CONTEXT).write(item.vals)
