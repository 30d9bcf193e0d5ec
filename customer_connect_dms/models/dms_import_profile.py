from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .dms_import_targets import KINDS, TARGETS, normalize_column, target_selection

# every kind registered its targets before this file is imported (models/__init__.py)
assert KINDS, "the kinds' files are imported before dms_import_profile.py"
TARGET_SELECTION = target_selection()


class DmsImportProfile(models.Model):
    """How one DMS writes one kind of export: which column holds what, and
    the file's delimiter, encoding, date and decimal conventions. Three ship
    with the addon (Ibcos Gold-like, RIMSS-like, generic); the dealer edits
    them or makes their own."""

    _name = "customer_connect_dms.import.profile"
    _description = "DMS import mapping profile"
    _order = "kind, sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(KINDS, required=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to offer the profile in every company."
    )
    delimiter = fields.Selection(
        [("auto", "Detect"), (",", "Comma"), (";", "Semicolon"), ("tab", "Tab"), ("|", "Pipe")],
        default="auto",
        required=True,
        help="CSV files only.",
    )
    encoding = fields.Selection(
        [("auto", "Detect (UTF-8, else Latin-1)"), ("utf-8", "UTF-8"), ("latin-1", "Latin-1")],
        default="auto",
        required=True,
        help="CSV files only.",
    )
    date_format = fields.Selection(
        [
            ("auto", "Day first (31/12/2026, 2026-12-31, 31.12.2026)"),
            ("us", "Month first (12/31/2026, 2026-12-31)"),
        ],
        default="auto",
        required=True,
    )
    decimal_separator = fields.Selection(
        [(".", "Point (1,234.56)"), (",", "Comma (1.234,56)")], default=".", required=True
    )
    ignore_extra_columns = fields.Boolean(
        help="Columns of the file that this profile does not map are ignored "
        "instead of refusing the file."
    )
    line_ids = fields.One2many(
        "customer_connect_dms.import.profile.line", "profile_id", "Columns", copy=True
    )
    note = fields.Text(help="What the export looks like and how to make it in the DMS.")

    @api.constrains("line_ids", "kind")
    def _check_lines(self):
        for profile in self:
            allowed = {t[0] for t in TARGETS[profile.kind]}
            targets = profile.line_ids.mapped("target")
            wrong = set(targets) - allowed
            if wrong:
                raise ValidationError(
                    self.env._(
                        "Profile %(profile)s maps columns onto %(targets)s, which %(kind)s "
                        "imports do not have.",
                        profile=profile.name,
                        targets=", ".join(sorted(wrong)),
                        kind=dict(KINDS)[profile.kind],
                    )
                )
            twice = {t for t in targets if targets.count(t) > 1}
            if twice:
                raise ValidationError(
                    self.env._(
                        "Profile %(profile)s maps two columns onto %(targets)s.",
                        profile=profile.name,
                        targets=", ".join(sorted(twice)),
                    )
                )
            columns = [normalize_column(c) for c in profile.line_ids.mapped("column_name")]
            if len(columns) != len(set(columns)):
                raise ValidationError(
                    self.env._("Profile %(profile)s names a column twice.", profile=profile.name)
                )
            missing = [
                label
                for key, label, _t, required in TARGETS[profile.kind]
                if required and key not in targets
            ]
            if missing:
                raise ValidationError(
                    self.env._(
                        "Profile %(profile)s needs a column for: %(targets)s.",
                        profile=profile.name,
                        targets=", ".join(missing),
                    )
                )

    def _column_map(self):
        """{normalized column name: target} of this profile."""
        self.ensure_one()
        return {normalize_column(line.column_name): line.target for line in self.line_ids}


class DmsImportProfileLine(models.Model):
    _name = "customer_connect_dms.import.profile.line"
    _description = "DMS import mapping: one column"
    _order = "profile_id, sequence, id"

    profile_id = fields.Many2one(
        "customer_connect_dms.import.profile", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    column_name = fields.Char("DMS column", required=True)
    target = fields.Selection(TARGET_SELECTION, "Imported into", required=True)
