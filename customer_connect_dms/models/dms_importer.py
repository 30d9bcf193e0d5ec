import base64
import json
import logging
import re
import time
from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

from .dms_bulk import normalize_email, read_plain
from .dms_import_profile import normalize_column
from .dms_import_targets import DATE_FORMATS, KINDS, TARGETS
from .dms_pdf import (
    PDF_MAX_SIZE,
    PDF_MAX_SIZE_PARAM,
    InlinePdfSource,
    NoPdfSource,
    ZipPdfSource,
    open_zip,
)
from .dms_reader import ERROR_COLUMN, DmsFileError, read_file
from .res_partner import NUMBER_HOLDERS

_logger = logging.getLogger(__name__)

CREATE_CHUNK = 1000
# rows written per background step (one commit each)
BACKGROUND_CHUNK = 2000
# a real run of a file with more rows than this (per kind) goes to the
# background whatever was asked: one transaction of 100,000 invoices (with
# their journal items, settlements and reconciliations) ran out of the
# server's memory (limit_memory_hard); 150,000 contacts fit in it, in 40 s
FOREGROUND_MAX_ROWS = {"invoices": 20000, "customers": 200000, "contacts": 200000}
FOREGROUND_MAX_ROWS_OTHER = 20000
AMOUNT_RE = re.compile(r"^\d+(\.\d+)?$")
IMPORT_CONTEXT = {
    # imports write thousands of records: no chatter message per record
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "connect_dms_import": True,
}


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
    upload, the drop folder, the connector API and background runs."""

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
        inside it (the drop folder, models/dms_pdf.py). Return the run log
        record."""
        self._check_import_rights(kind)
        run = self.env["customer_connect_dms.import.run"].create(
            {
                "kind": kind,
                "profile_id": profile.id,
                "source": source,
                "file": base64.b64encode(data or b""),
                "file_name": file_name,
                "dry_run": dry_run,
                "allow_partial": allow_partial,
            }
        )
        self._execute(run, pdf_source=pdf_source)
        return run

    @api.model
    def _import_records(self, kind, records, dry_run=False, source="api", allow_partial=False):
        """Import ``records`` (a list of dicts keyed by the kind's targets,
        e.g. ``{"number": "00123", "name": "..."}``): the connector API."""
        self._check_import_rights(kind)
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise UserError(self.env._("Send a list of records (JSON objects)."))
        pdf_source = None
        if kind == "invoices":
            records, pdf_source = self._inline_pdfs(records)
        header = []
        for record in records:
            header += [k for k in record if k not in header]
        rows = [
            (index, ["" if r.get(k) is None else str(r.get(k)) for k in header])
            for index, r in enumerate(records, 1)
        ]
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
        options = {"date_format": "auto", "decimal": "."}
        if pdf_source:
            # the "pdf" key holds the file: its cell names it in the source
            mapping["pdf"] = "pdf_file"
            options["pdf_source"] = pdf_source
        self._process(run, header, rows, mapping, options=options)
        return run

    def _inline_pdfs(self, records):
        """The connector's invoice dicts with their PDFs (``pdf``: base64,
        ``pdf_name``: its file name, else ``<number>.pdf``) taken out: the
        ``pdf`` cell names the file in an in-memory source. Returns the
        records and that source (None when no record sends a PDF)."""
        if not any("pdf" in record or "pdf_name" in record for record in records):
            return records, None
        source = InlinePdfSource(self._pdf_max_size(), self.env._)
        out = []
        for record in records:
            record = dict(record)
            name = record.pop("pdf_name", None)
            if record.get("pdf") not in (None, False, ""):
                name = str(name or f"{record.get('number') or 'invoice'}.pdf")
                record["pdf"] = source.add(name, record["pdf"])
            else:
                record["pdf"] = ""
            out.append(record)
        return out, source

    def _pdf_max_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PDF_MAX_SIZE_PARAM)
        return int(value) if value and value.isdigit() else PDF_MAX_SIZE

    def _check_import_rights(self, kind):
        if not self.env.user.has_group("customer_connect_dms.group_dms_number_manager"):
            raise AccessError(
                self.env._("Only service managers may import from the dealer management system.")
            )
        if kind not in dict(KINDS):
            raise UserError(self.env._("Unknown import kind %(kind)s.", kind=kind))

    @api.model
    def _read_run(self, run):
        """(header, rows, column map, options) of the run's file; raises
        DmsFileError when it cannot be read."""
        profile = run.profile_id
        data, file_name = base64.b64decode(run.file or b""), run.file_name
        pdf_source, zip_info = NoPdfSource(self.env._), {}
        if (file_name or "").lower().endswith(".zip"):
            # an export and its PDFs (models/dms_pdf.py): read in place, the
            # PDFs by the names the export gives, relative to it
            file_name, data, archive, base = open_zip(data, self.env._, DmsFileError)
            pdf_source = ZipPdfSource(archive, base, self._pdf_max_size(), self.env._)
            zip_info = {"zip": file_name, "pdf files": pdf_source.pdf_count}
        header, rows, info = read_file(
            data,
            file_name,
            self.env._,
            encoding=profile.encoding,
            delimiter=profile.delimiter,
        )
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
        foreground_max = FOREGROUND_MAX_ROWS.get(run.kind, FOREGROUND_MAX_ROWS_OTHER)
        if not run.dry_run and len(rows) > foreground_max:
            if pdf_source is not None and "pdf_file" in column_map.values():
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
        self._check_import_rights(kind)
        run = self.env["customer_connect_dms.import.run"].create(
            {
                "kind": kind,
                "profile_id": profile.id,
                "source": source,
                "file": base64.b64encode(data or b""),
                "file_name": file_name,
                "allow_partial": allow_partial,
                "state": "queued",
                "progress": 0.0,
            }
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
            header, rows, column_map, options = self._read_run(run)
        except DmsFileError as error:
            self._fail(run, str(error))
            return 0
        rows = self._owners_first(run.kind, header, rows, column_map)
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
            run._build_refused_file()
        return len(todo)

    def _fail(self, run, message):
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
        self._write_lines(run, items)
        run.write(
            {
                "state": state,
                "message": message,
                "count_rows": len(items),
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
            len(items),
            state,
            time.monotonic() - started,
        )
        return run

    def _write_lines(self, run, items):
        model = {
            "customers": "res.partner",
            "contacts": "res.partner",
            "invoices": "account.move",
            "equipment": "customer_connect.equipment",
        }[run.kind]
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
        for target, label, type_, required in TARGETS[kind]:
            if target not in columns:
                continue
            index, column = columns[target]
            text = cells[index]
            if not text:
                if required and not self._may_be_blank(kind, target, cells, columns):
                    item.refuse(column, _("%(label)s is required.", label=label))
                item.values[target] = False
                continue
            try:
                item.values[target] = self._parse_value(type_, text, options)
            except ValueError as error:
                item.refuse(column, str(error))
        first = TARGETS[kind][0][0]
        item.key = item.values.get(first) or ""
        return item

    def _may_be_blank(self, kind, target, cells, columns):
        """Whether required ``target`` may be blank on this row: the own
        number of a fleet location that shares its owner's."""
        if kind == "customers" and target == "number" and "parent_number" in columns:
            return bool(cells[columns["parent_number"][0]])
        return False

    def _parse_value(self, type_, text, options):
        _ = self.env._
        if type_ in ("text", "key"):
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
            for fmt in DATE_FORMATS[options.get("date_format") or "auto"]:
                try:
                    return datetime.strptime(text, fmt).date()
                except ValueError:
                    continue
            raise ValueError(
                _("%(value)s is not a date (e.g. 31/12/2026 or 2026-12-31).", value=text)
            )
        if type_ in ("amount", "hours"):
            cleaned = re.sub(r"[\s\u00a0£$€]", "", text)
            negative = cleaned.startswith(("-", "(")) or cleaned.endswith("-")
            cleaned = cleaned.strip("-()")
            thousands = "," if options.get("decimal", ".") == "." else "."
            cleaned = cleaned.replace(thousands, "").replace(",", ".")
            if not AMOUNT_RE.match(cleaned):
                raise ValueError(_("%(value)s is not a number.", value=text))
            if negative:
                raise ValueError(_("%(value)s is negative.", value=text))
            return float(cleaned)
        if type_ == "integer":
            if not text.isdigit():
                raise ValueError(_("%(value)s is not a whole number.", value=text))
            return int(text)
        raise ValueError(type_)

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

    # ------------------------------------------------------------------
    # customers
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # contacts
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # equipment
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # invoices: see account_move.py
    # ------------------------------------------------------------------

    def _plan_invoices(self, items, columns, company):
        self.env["account.move"]._dms_plan_invoices(self, items, columns, company)

    def _apply_invoices(self, items, company):
        self.env["account.move"]._dms_apply_invoices(self, items, company)
