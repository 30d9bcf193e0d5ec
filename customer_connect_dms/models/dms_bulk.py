"""The SQL bulk path of DMS imports: new records written with COPY into a
staging table and one ``INSERT ... SELECT``, instead of the ORM's create.

The ORM's create spends about 3 ms a customer and 6 ms a contact here, in
per-record work that a file of identical rows does not need: ``default_get``
once per row (res.partner's reads the invoice report template with a query
per row), ``_fields_sync`` and one recomputation of each customer's portal
state per contact (profile of 2,000 customers and 6,000 contacts: 51 s, of
which default_get 12 s and recomputations 17 s). The bulk path keeps what the
ORM guarantees and drops only the repetition:

* the values a create would write: the model's defaults (computed once per
  set of given fields, since none of them depends on the row), the given
  values converted as ``_create`` converts them (company-dependent fields as
  jsonb, monetary amounts rounded), ``create_uid``/``write_uid`` and the
  transaction's time as ``create_date``/``write_date``;
* every stored computed field, computed by Odoo's own compute methods: the
  new records are marked ``modified(create=True)`` exactly as ``_create``
  marks them, so their computed fields and the fields of other records that
  depend on them (a customer's portal state on its contacts) are recomputed
  in batch at the next flush, with the same code as after an ORM create;
* the Python constraints (``_validate_fields``) and the company consistency
  check, on all new records at once;
* the caller's savepoint: a failure anywhere rolls the whole file back.

What a create would do besides and the imports switch off anyway (chatter
message, followers, tracking: ``IMPORT_CONTEXT``) is not done either.
``tests/test_dms_bulk_path.py`` imports the same rows through both paths and
compares every stored column.
"""

import datetime
import io
import itertools
import json
from collections import defaultdict

from psycopg2.extras import Json

from odoo import Command, api, models
from odoo.tools import SQL, float_repr

# above this many new records of one file, the importer writes them with the
# bulk path; below it, the ORM's create (as fast, for a few hundred rows, and
# what a dealer's small daily file has always gone through)
BULK_THRESHOLD = 500

MAGIC_COLUMNS = ("create_uid", "create_date", "write_uid", "write_date")


def _copy_text(value):
    """``value`` (as ``convert_to_column_insert`` returns it) in COPY's text
    format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, Json):
        value = json.dumps(value.adapted)
    elif isinstance(value, datetime.datetime | datetime.date):
        value = value.isoformat(" ") if isinstance(value, datetime.datetime) else value.isoformat()
    elif not isinstance(value, str):
        value = str(value)
    if "\x00" in value:
        # what psycopg2 says to the ORM's create (a ValueError the importer reports)
        raise ValueError("A string literal cannot contain NUL (0x00) characters.")
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _empty_x2many(field, value):
    """Whether ``value`` is an x2many default that adds nothing (create()
    writes no relation for it)."""
    if field.type not in ("one2many", "many2many"):
        return False
    return all(
        command[0] == Command.CLEAR or (command[0] == Command.SET and not command[2])
        for command in value or ()
    )


class DmsBulkWriter(models.AbstractModel):
    """Writes new records of a model in bulk (see the module's docstring)."""

    _name = "customer_connect_dms.bulk"
    _description = "DMS import: bulk writer for new records"

    @api.model
    def _use_bulk_path(self, count):
        """Whether ``count`` new records of one file go through the bulk path."""
        threshold = self.env.context.get("connect_dms_bulk_threshold", BULK_THRESHOLD)
        return threshold is not None and count > threshold

    @api.model
    def _bulk_create(self, Model, vals_list):
        """Insert ``vals_list`` (create values: stored fields, many2one as
        ids) as new records of ``Model`` and return them, computed fields
        and constraints as after ``Model.create(vals_list)``."""
        if not vals_list:
            return Model.browse()
        Model = Model.browse()
        Model.check_access("create")
        rows, inversed_list, protected_of = self._bulk_values(Model, vals_list)
        records = Model.browse(self._bulk_insert(Model, rows))
        self._bulk_cache_new(records, rows)
        by_protection = defaultdict(list)
        for record, vals in zip(records, vals_list, strict=True):
            by_protection[frozenset(vals)].append(record.id)
        protected = [
            (protected_of[keys], Model.browse(record_ids))
            for keys, record_ids in by_protection.items()
        ]
        with self.env.protecting(protected):
            records.modified(Model._fields, create=True)
            self._determine_inverses(records, inversed_list)
        records._validate_fields({name for stored in rows for name in stored})
        if Model._check_company_auto:
            records._check_company()
        # the record rules on what was created, as at the end of _create
        records.check_access("create")
        # computed now, in the import's environment (tracking off), as the
        # ORM's create computes most of them before it returns; a flush of
        # whoever commits later would track the computed fields in the chatter
        records.env.flush_all()
        return records

    def _bulk_values(self, Model, vals_list):
        """(stored values per record, values of fields with an inverse per
        record, {given names: computed fields they protect}), as
        create()'s _prepare_create_values and its split make them."""
        now = self.env.cr.now()
        uid = self.env.uid
        fields_ = Model._fields
        # fields a create always computes itself (precomputed readonly ones)
        # and the magic columns are never taken from the values
        dropped = {"id", "parent_path", *MAGIC_COLUMNS}
        dropped.update(n for n, f in fields_.items() if f.precompute and f.readonly)
        defaults_of = {}  # frozenset(given names) -> {name: default}
        protected_of = {}  # frozenset(given names) -> computed fields given
        rows = []
        inversed_list = []
        for vals in vals_list:
            keys = frozenset(vals)
            if keys not in defaults_of:
                completed = Model._add_missing_default_values(dict(vals))
                defaults_of[keys] = {
                    name: value
                    for name, value in completed.items()
                    if name not in vals
                    and name not in dropped
                    and not _empty_x2many(fields_[name], value)
                }
                protected = set()
                for name in (*vals, *defaults_of[keys]):
                    field = fields_[name]
                    if field.inherited or field.type in ("one2many", "many2many"):
                        raise ValueError(f"bulk path: {Model._name}.{name} is not supported")
                    if field.compute and (not field.readonly or field.precompute):
                        protected.update(self.pool.field_computed.get(field, [field]))
                protected_of[keys] = protected
            values = {**defaults_of[keys], **{k: v for k, v in vals.items() if k not in dropped}}
            # as create() splits them: columns, and fields written by their
            # inverse (a default of a non-stored field, say)
            stored = {k: v for k, v in values.items() if fields_[k].store}
            inversed_list.append({k: v for k, v in values.items() if fields_[k].inverse})
            if Model._log_access:
                stored.update(create_uid=uid, create_date=now, write_uid=uid, write_date=now)
            rows.append(stored)
        return rows, inversed_list, protected_of

    def _bulk_insert(self, Model, rows):
        """Write ``rows`` (stored values) into ``Model``'s table; their ids."""
        cr = self.env.cr
        fields_ = Model._fields
        columns = sorted({name for stored in rows for name in stored if fields_[name].column_type})
        converters = [self._column_converter(Model, fields_[name]) for name in columns]
        cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"{Model._table}_id_seq",
                len(rows),
            )
        )
        ids = [row[0] for row in cr.fetchall()]
        buffer = io.StringIO()
        for record_id, stored in zip(ids, rows, strict=True):
            buffer.write(str(record_id))
            for name, convert in zip(columns, converters, strict=True):
                buffer.write("\t")
                buffer.write(_copy_text(convert(stored[name], stored) if name in stored else None))
            buffer.write("\n")
        buffer.seek(0)
        self._copy_through_staging(Model._table, ["id", *columns], buffer)
        return ids

    def _bulk_cache_new(self, records, rows):
        """What _create puts in the cache of new records, without which each
        record would be read again (the resized images: a query per record),
        and the parents' one2many in cache (a customer's child_ids)."""
        cache = self.env.cache
        fields_ = records._fields
        by_keys = defaultdict(list)
        for record_id, stored in zip(records.ids, rows, strict=True):
            by_keys[frozenset(stored)].append(record_id)
        for keys, record_ids in by_keys.items():
            group = records.browse(record_ids)
            for field in fields_.values():
                if field.type in ("one2many", "many2many"):
                    value = ()
                elif (field.related and not field.column_type) or (
                    field.store and field.name not in keys and not field.compute
                ):
                    value = field.convert_to_cache(None, records)
                else:
                    continue
                cache.update(group, field, itertools.repeat(value, len(record_ids)))
        inverses = defaultdict(list)
        for record_id, stored in zip(records.ids, rows, strict=True):
            for name, value in stored.items():
                field = fields_[name]
                if field.type == "many2one" and value and self.pool.field_inverses[field]:
                    inverses[(field, value)].append(record_id)
        for (field, value), record_ids in inverses.items():
            field._update_inverses(
                records.browse(record_ids), field.convert_to_cache(value, records)
            )

    def _determine_inverses(self, records, inversed_list):
        """Run the inverses of the fields given (or defaulted) that have one,
        as create() does after its INSERT; create() runs a non-stored
        field's inverse record by record, here once per distinct value."""
        fields_ = records._fields
        by_inverse = defaultdict(set)
        for inversed in inversed_list:
            for name in inversed:
                by_inverse[fields_[name].inverse].add(fields_[name])
        for inverse_fields in by_inverse.values():
            names = {field.name for field in inverse_fields}
            groups = defaultdict(list)  # values -> record ids
            for record, inversed in zip(records, inversed_list, strict=True):
                vals = {name: inversed[name] for name in names if name in inversed}
                if vals:
                    groups[repr(sorted(vals.items()))].append((record.id, vals))
            for members in groups.values():
                batch = records.browse([record_id for record_id, _vals in members])
                for record, (_id, vals) in zip(batch, members, strict=True):
                    record._update_cache(vals)
                next(iter(inverse_fields)).determine_inverse(batch)

    def _column_converter(self, Model, field):
        """(value, row values) -> SQL parameter, as ``_create`` converts."""
        if field.type == "monetary":
            # Odoo's converter builds a new record per value to find the
            # currency: once per currency here
            currencies = {}
            currency_field = field.get_currency_field(Model)

            def convert(value, stored):
                currency_id = stored.get(currency_field)
                if currency_id not in currencies:
                    currencies[currency_id] = self.env["res.currency"].browse(currency_id)
                currency = currencies[currency_id]
                value = float(value or 0.0)
                if currency:
                    return float_repr(currency.round(value), currency.decimal_places)
                return value

            return convert
        if field.company_dependent:
            fallback = self.env["ir.default"]._get_model_defaults(Model._name).get(field.name)
            empty = field.convert_to_column(fallback, Model)
            company_id = self.env.company.id

            def convert(value, stored):
                value = field.convert_to_column(value, Model, stored)
                return None if value == empty else Json({company_id: value})

            return convert
        return lambda value, stored: field.convert_to_column_insert(value, Model, stored)

    def _copy_through_staging(self, table, columns, buffer):
        """COPY ``buffer`` (text format, ``columns`` in order) into a temporary
        copy of ``table``, then into ``table`` with one INSERT ... SELECT: the
        table's constraints and indexes see one statement, and a failure
        leaves nothing behind (the caller's savepoint)."""
        cr = self.env.cr
        staging = SQL.identifier(f"connect_dms_staging_{table}")
        cr.execute(SQL("DROP TABLE IF EXISTS %s", staging))
        cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE %s (LIKE %s INCLUDING DEFAULTS) ON COMMIT DROP",
                staging,
                SQL.identifier(table),
            )
        )
        column_list = SQL(", ").join(SQL.identifier(c) for c in columns)
        cr.copy_expert(SQL("COPY %s (%s) FROM STDIN", staging, column_list).code, buffer)
        cr.execute(
            SQL(
                "INSERT INTO %s (%s) SELECT %s FROM %s ORDER BY id",
                SQL.identifier(table),
                column_list,
                column_list,
                staging,
            )
        )
        cr.execute(SQL("DROP TABLE %s", staging))
