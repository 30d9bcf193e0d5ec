import base64
import csv
import io
import json

from odoo import api, fields, models

from odoo.addons.customer_connect.tools.csv_cells import csv_safe_row

from .dms_import_targets import KINDS
from .dms_reader import ERROR_COLUMN

# refused rows a run shows in the daily status e-mail
ERRORS_PER_RUN = 5

ACTIONS = [
    ("create", "Created"),
    ("update", "Updated"),
    ("unchanged", "Unchanged"),
    ("refused", "Refused"),
]


class DmsImportRun(models.Model):
    """One import of one file (or one connector call): what was asked, by
    whom, and what became of every row. Dry runs are logged too."""

    _name = "customer_connect_dms.import.run"
    _description = "DMS import run"
    _order = "id desc"

    name = fields.Char(required=True, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    kind = fields.Selection(KINDS, required=True)
    profile_id = fields.Many2one("customer_connect_dms.import.profile", ondelete="set null")
    source = fields.Selection(
        [("manual", "Upload"), ("folder", "Drop folder"), ("api", "Connector API")],
        default="manual",
        required=True,
    )
    file = fields.Binary(attachment=True)
    file_name = fields.Char()
    user_id = fields.Many2one("res.users", "Run by", default=lambda self: self.env.user)
    dry_run = fields.Boolean()
    allow_partial = fields.Boolean(
        "Import the valid rows",
        help="Import the rows that pass and refuse the others, instead of refusing "
        "the whole file when one row is wrong.",
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("dry_run", "Dry run"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="running",
        required=True,
        index=True,
    )
    message = fields.Text("Result")
    file_info = fields.Char("File read as")
    count_rows = fields.Integer("Rows in the file")
    count_created = fields.Integer("Created")
    count_updated = fields.Integer("Updated")
    count_unchanged = fields.Integer("Unchanged")
    count_refused = fields.Integer("Refused")
    progress = fields.Float(help="Percentage of the rows done (background runs).")
    done_date = fields.Datetime("Finished on")
    next_row = fields.Integer(
        help="Background runs: rows of the file (after the header) already written."
    )
    header = fields.Text(help="The file's header (JSON), for the refused-rows file.")
    line_ids = fields.One2many("customer_connect_dms.import.run.line", "run_id", "Rows")
    refused_file = fields.Binary("Refused rows", attachment=True)
    refused_file_name = fields.Char()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env._(
                    "%(kind)s import", kind=dict(KINDS).get(vals.get("kind"), "")
                )
        return super().create(vals_list)

    def _build_refused_file(self):
        """The refused rows as a CSV in the file's own columns (so that it
        imports again once fixed) plus an "Import errors" column, which
        imports ignore."""
        Line = self.env["customer_connect_dms.import.run.line"]
        for run in self:
            # searched, not filtered: a run of 150,000 rows has as many lines
            refused = Line.search(
                [("run_id", "=", run.id), ("action", "=", "refused"), ("values", "!=", False)]
            )
            if not refused:
                run.write({"refused_file": False, "refused_file_name": False})
                continue
            header = json.loads(run.header or "[]")
            out = io.StringIO()
            writer = csv.writer(out, delimiter=";")
            # the DMS's cells go back to the dealer's spreadsheet: shown, never run
            writer.writerow(csv_safe_row([*header, ERROR_COLUMN]))
            for line in refused.sorted("row"):
                cells = json.loads(line.values)
                cells += [""] * (len(header) - len(cells))
                writer.writerow(csv_safe_row([*cells, line.message or ""]))
            stem = (run.file_name or run.kind).rsplit(".", 1)[0]
            run.write(
                {
                    "refused_file": base64.b64encode(out.getvalue().encode("utf-8-sig")),
                    "refused_file_name": f"{stem}-refused.csv",
                }
            )

    @api.model
    def _claim_next(self):
        """The oldest queued or running background run, locked for this
        transaction; one another worker holds is skipped (two cron workers
        never write the same run)."""
        self.flush_model(["state"])
        self.env.cr.execute(
            """
            SELECT id FROM customer_connect_dms_import_run
             WHERE state IN ('queued', 'running')
             ORDER BY id
             LIMIT 1
               FOR UPDATE SKIP LOCKED
            """
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0] if row else [])

    def _summary(self):
        """The run as the connector API answers it."""
        self.ensure_one()
        return {
            "run_id": self.id,
            "state": self.state,
            "created": self.count_created,
            "updated": self.count_updated,
            "unchanged": self.count_unchanged,
            "refused": self.count_refused,
            "message": self.message,
            "errors": [
                {"row": line.row, "key": line.key, "column": line.column, "message": line.message}
                for line in self.line_ids
                if line.action == "refused"
            ],
        }

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_import_now(self):
        """Import for real the file this dry run checked."""
        self.ensure_one()
        run = self.env["customer_connect_dms.importer"]._import_file(
            self.kind,
            self.profile_id,
            base64.b64decode(self.file or b""),
            self.file_name,
            allow_partial=self.allow_partial,
        )
        return run._action_open()

    def action_download_refused(self):
        """Download the refused rows to fix them and import them again."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/refused_file/"
            f"{self.refused_file_name}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Daily status e-mail: the day's imports and their errors (section 60)
    # ------------------------------------------------------------------
    @api.model
    def _connect_daily_status_section(self, company, date_from, date_to):
        """The imports of ``company`` that finished in the day (dry runs
        left out), with their counts and their first refused rows."""
        _ = self.env._
        # sudo: the daily status job (cron), the company's runs (domain below)
        runs = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("dry_run", "=", False),
                ("state", "in", ("done", "failed")),
                ("done_date", ">=", date_from),
                ("done_date", "<", date_to),
            ],
            order="done_date, id",
        )
        if not runs:
            return None
        sources = dict(self._fields["source"]._description_selection(self.env))
        states = dict(self._fields["state"]._description_selection(self.env))
        lines = []
        for run in runs:
            lines.append(
                _(
                    "%(name)s, %(file)s (%(origin)s, %(user)s): %(state)s; %(created)s created, "
                    "%(updated)s updated, %(unchanged)s unchanged, %(refused)s refused",
                    name=run.name,
                    file=run.file_name or "-",
                    origin=sources.get(run.source, run.source),
                    user=run.user_id.name or "-",
                    state=states.get(run.state, run.state),
                    created=run.count_created,
                    updated=run.count_updated,
                    unchanged=run.count_unchanged,
                    refused=run.count_refused,
                )
            )
            if run.state == "failed" and run.message:
                lines.append("    " + run.message.splitlines()[0][:300])
            refused = run.line_ids.filtered(lambda line: line.action == "refused")
            for line in refused[:ERRORS_PER_RUN]:
                lines.append(
                    "    "
                    + _(
                        "row %(row)s, %(column)s: %(message)s",
                        row=line.row,
                        column=line.column or "-",
                        message=line.message or "",
                    )
                )
            if len(refused) > ERRORS_PER_RUN:
                lines.append(
                    "    "
                    + _(
                        "… and %(count)s more refused rows (see the import's log).",
                        count=len(refused) - ERRORS_PER_RUN,
                    )
                )
        return {
            "sequence": 60,
            "title": _("DMS imports"),
            "lines": self.env["customer_connect.daily.status"]._cap_lines(lines, limit=60),
        }


class DmsImportRunLine(models.Model):
    _name = "customer_connect_dms.import.run.line"
    _description = "DMS import run: one row"
    _order = "run_id, row, id"

    run_id = fields.Many2one(
        "customer_connect_dms.import.run", required=True, ondelete="cascade", index=True
    )
    row = fields.Integer(help="Line of the file (the header is line 1).")
    key = fields.Char("Number / key")
    action = fields.Selection(ACTIONS, required=True)
    column = fields.Char()
    message = fields.Text()
    res_model = fields.Char()
    res_id = fields.Many2oneReference(model_field="res_model")
    values = fields.Text(help="The row's cells (JSON), kept for refused rows.")
