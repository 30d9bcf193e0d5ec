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

For the models an import writes by the ten thousand (customers and
contacts, DMS invoices, their journal items and settlement entries), the
stored computed fields that Odoo's machinery computes at ~1 ms a record and
field are filled in the rows instead, in plain Python, by
``_bulk_computed_<table>``, only for the shapes it knows (an invoice in the
company's currency without taxes or products, say; anything else is left to
Odoo's computes), and the inverses those values make pointless are skipped.
The column-by-column test covers each of them.

What a create would do besides and the imports switch off anyway (chatter
message, followers, tracking: ``IMPORT_CONTEXT``) is not done either.
``tests/test_dms_bulk_path.py`` imports the same rows through both paths and
compares every stored column.
"""

import datetime
import io
import itertools
import json
import re
from collections import defaultdict

from psycopg2.extras import Json

from odoo import Command, api, models
from odoo.tools import SQL, email_normalize, float_repr

# above this many new records of one file, the importer writes them with the
# bulk path; below it, the ORM's create (as fast, for a few hundred rows, and
# what a dealer's small daily file has always gone through)
BULK_THRESHOLD = 500

# new rows above which the table is analyzed again in the transaction
ANALYZE_ROWS = 5000

# per table, the columns analyzed after the INSERT (default: all): the keys
# and the columns that tell customers from contacts, which the import's next
# queries filter on (constraints, record rules, the next file's lookups).
# res_partner has about a hundred columns: analyzing them all took twice as
# long; the others keep their statistics until autovacuum analyzes the
# table after the commit (their distribution does not change with an import)
ANALYZE_COLUMNS = {
    # the run's log: read by run (the refused rows, a background run's next step)
    "customer_connect_dms_import_run_line": ("id", "run_id", "action"),
    "res_partner": (
        "id",
        "parent_id",
        "commercial_partner_id",
        "company_id",
        "ref",
        "active",
        "is_company",
        "type",
        "customer_rank",
        "supplier_rank",
        "partner_share",
        "user_id",
        "email_normalized",
        "connect_state",
        "connect_login_state",
    ),
}

# records whose constraints are checked together (the ORM's create batch)
VALIDATE_BATCH = 1000
# per model, when all the new records are checked at once: res.partner's
# cycle check (_has_cycle) scans the table once per batch (hash join), so
# 150 batches of 150,000 contacts scanned it 150 times, 0.1 to 0.3 s each;
# once for all: 0.4 s for 30,000 contacts, 1.3 s for 120,000, with
# statistics that count the new rows (_bulk_insert, _bulk_stale_statistics)
VALIDATE_AT_ONCE = frozenset({"res.partner"})

MAGIC_COLUMNS = ("create_uid", "create_date", "write_uid", "write_date")


# an address email_normalize() returns unchanged (lower-case ASCII dot-atom
# local part, lower-case domain): 10 times cheaper to recognise than to parse
PLAIN_EMAIL = re.compile(r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@[a-z0-9-]+(?:\.[a-z0-9-]+)+")


def normalize_email(text, strict=True):
    """``tools.email_normalize(text, strict)``, with plain addresses as they are."""
    if text and PLAIN_EMAIL.fullmatch(text):
        return text
    return email_normalize(text, strict=strict)


# field types whose cache value is what read(load=None) returns (None for False)
PLAIN_TYPES = frozenset(
    ("char", "text", "selection", "boolean", "integer", "float", "monetary", "many2one", "date")
)


def read_plain(records, names):
    """``{id: {name: value}}`` of ``records``, the values ``read(names,
    load=None)`` gives (many2one as ids, False when empty), taken from the
    cache after one fetch: read() converts each value through its record
    (1.5 s for 10,000 customers and 17 fields). Fields of other types, or
    computed fields still to compute, go through the record."""
    records.fetch(names)
    cache = records.env.cache
    tocompute = records.env.transaction.tocompute
    result = {record_id: {"id": record_id} for record_id in records._ids}
    for name in names:
        field = records._fields[name]
        values = None
        pending = tocompute.get(field) if field.compute else None
        if (
            field.type in PLAIN_TYPES
            and not getattr(field, "translate", False)
            and not (pending and any(record_id in pending for record_id in records._ids))
        ):
            values = cache.get_until_miss(records, field)
        if values is not None and len(values) == len(records._ids):
            empty = {"float": 0.0, "monetary": 0.0, "integer": 0}.get(field.type, False)
            for record_id, value in zip(records._ids, values, strict=True):
                result[record_id][name] = empty if value is None else value
            continue
        for record in records:
            result[record.id][name] = field.convert_to_read(
                record[name], record, use_display_name=False
            )
    return result


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
        rows, inversed_list, protected_of, constants_of = self._bulk_values(Model, vals_list)
        ids = self._bulk_ids(Model, len(rows))
        # stored computed fields this module computes itself, row by row, in
        # plain Python (Odoo's field machinery costs ~1 ms a record and
        # field); the test compares them with what Odoo's computes give
        provider = getattr(self, f"_bulk_computed_{Model._table}", None)
        filled, unchanged_elsewhere, inverses_done = (
            provider(Model, rows, ids) if provider else ((), (), ())
        )
        # per row: the names whose value is the same for every row given the
        # same fields (defaults, users, time), minus what the provider set
        constants_of = {keys: (keys, names - set(filled)) for keys, names in constants_of.items()}
        self._bulk_insert(Model, rows, ids, [constants_of[frozenset(vals)] for vals in vals_list])
        records = Model.browse(ids)
        self._bulk_cache_new(records, rows)
        self._bulk_cache_given(records, rows, vals_list, protected_of, filled, constants_of)
        by_protection = defaultdict(list)
        for record, vals in zip(records, vals_list, strict=True):
            by_protection[frozenset(vals)].append(record.id)
        filled_fields = {Model._fields[name] for name in filled}
        # stored related fields of a field no row gives (the resized images
        # of no image): empty, as the cache already says
        given = set().union(*rows)
        filled_fields.update(
            field
            for field in Model._fields.values()
            if field.store
            and field.related
            and "." not in field.related
            and field.related not in given
            and not Model._fields[field.related].compute
        )
        protected = [
            (protected_of[keys] | filled_fields, Model.browse(record_ids))
            for keys, record_ids in by_protection.items()
        ]
        with self.env.protecting(protected):
            records.modified(Model._fields, create=True)
            # precomputed fields not given: create() computes them before its
            # INSERT (_add_precomputed_values), here after it
            for fields_protected, group in protected:
                for field in Model._fields.values():
                    if field.store and field.precompute and field not in fields_protected:
                        self.env.add_to_compute(field, group)
            self._determine_inverses(records, inversed_list, inverses_done)
        # other records' fields the provider knows the new ones leave as they are
        new_ids = set(ids)
        for model_name, name in unchanged_elsewhere:
            field = self.env[model_name]._fields[name]
            marked = self.env.transaction.tocompute.get(field) or ()
            others = [record_id for record_id in marked if record_id not in new_ids]
            if others:
                self.env.remove_to_compute(field, self.env[model_name].browse(others))
        # constraints in batches of the ORM's size: some grow faster than the
        # batch when the planner's statistics are stale (res.partner's cycle
        # check: 30 s for 15,000 contacts at once); res.partner's at once
        # (VALIDATE_AT_ONCE) above ANALYZE_ROWS, where _bulk_insert analyzed
        # the table or found its statistics still right
        names = set().union(*rows)
        batch = VALIDATE_BATCH
        if Model._name in VALIDATE_AT_ONCE and len(rows) > ANALYZE_ROWS:
            batch = len(ids)
        for start in range(0, len(ids), batch):
            records[start : start + batch]._validate_fields(names)
        if Model._check_company_auto:
            self._bulk_check_company(records)
        # the record rules on what was created, as at the end of _create
        records.check_access("create")
        # computed now, in the import's environment (tracking off), as the
        # ORM's create computes most of them before it returns; a flush of
        # whoever commits later would track the computed fields in the chatter
        records.env.flush_all()
        return records

    def _bulk_check_company(self, records):
        """``records._check_company()``, field by field on one record per
        distinct company and value of the field (the same pair, the same
        answer; checking every record took longer than the rest of the
        write), the distinct pairs found by the database."""
        fields_ = records._fields
        names = [n for n, f in fields_.items() if f.relational and f.check_company]
        company = fields_.get("company_id")
        if not names:
            return
        if not (company and company.store and company.type == "many2one"):
            records._check_company()
            return
        records.flush_recordset()
        cr = self.env.cr
        for name in names:
            field = fields_[name]
            if company.related == f"{name}.company_id":
                continue  # the record's company is that record's (a line's move)
            if field.store and field.type == "many2one" and not field.company_dependent:
                cr.execute(
                    SQL(
                        "SELECT DISTINCT ON (company_id, %s) id FROM %s "
                        "WHERE id = ANY(%s) AND %s IS NOT NULL",
                        SQL.identifier(name),
                        SQL.identifier(records._table),
                        records.ids,
                        SQL.identifier(name),
                    )
                )
                to_check = records.browse([row[0] for row in cr.fetchall()])
            elif field.store and field.type == "many2many":
                cr.execute(
                    SQL(
                        "SELECT DISTINCT %s FROM %s WHERE %s = ANY(%s)",
                        SQL.identifier(field.column1),
                        SQL.identifier(field.relation),
                        SQL.identifier(field.column1),
                        records.ids,
                    )
                )
                to_check = records.browse([row[0] for row in cr.fetchall()])
            else:
                to_check = records  # company-dependent, one2many, not stored
            if to_check:
                to_check._check_company([name])

    def _bulk_values(self, Model, vals_list):
        """(stored values per record, values of fields with an inverse per
        record, {given names: computed fields they protect}, {given names:
        names whose value all those records share}), as create()'s
        _prepare_create_values and its split make them."""
        now = self.env.cr.now()
        uid = self.env.uid
        fields_ = Model._fields
        # fields a create always computes itself (precomputed readonly ones)
        # and the magic columns are never taken from the values
        dropped = {"id", "parent_path", *MAGIC_COLUMNS}
        dropped.update(n for n, f in fields_.items() if f.precompute and f.readonly)
        defaults_of = {}  # frozenset(given names) -> {name: default}
        protected_of = {}  # frozenset(given names) -> computed fields given
        blanks_of = {}  # frozenset(given names) -> {precomputed field: False}
        base_of = {}  # frozenset(given names) -> the stored values all rows share
        given_of = {}  # frozenset(given names) -> given names written as columns
        inverse_of = {}  # frozenset(given names) -> names written by an inverse
        magic = (
            {"create_uid": uid, "create_date": now, "write_uid": uid, "write_date": now}
            if Model._log_access
            else {}
        )
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
                    # an empty x2many given (no taxes) still protects its
                    # computation; one that adds relations is not supported
                    value = vals.get(name, defaults_of[keys].get(name))
                    if field.inherited or (
                        field.type in ("one2many", "many2many") and not _empty_x2many(field, value)
                    ):
                        raise ValueError(f"bulk path: {Model._name}.{name} is not supported")
                    if field.compute and (not field.readonly or field.precompute):
                        protected.update(self.pool.field_computed.get(field, [field]))
                protected_of[keys] = protected
                # a precomputed field starts from its empty value (a new
                # record's), which stays when its compute assigns nothing
                blanks_of[keys] = {
                    name: False
                    for name, field in fields_.items()
                    if field.precompute
                    and field.column_type
                    and field.store
                    and name not in defaults_of[keys]
                    and (name not in vals or name in dropped)
                }
                # as create() splits them: columns (the part every row of
                # these fields shares first), and fields written by their
                # inverse (a default of a non-stored field, say)
                defaults = defaults_of[keys]
                base_of[keys] = {
                    **blanks_of[keys],
                    **{k: v for k, v in defaults.items() if fields_[k].store},
                    **magic,
                }
                given_of[keys] = [k for k in vals if k not in dropped and fields_[k].store]
                inverse_of[keys] = [
                    k
                    for k in dict.fromkeys((*defaults, *vals))
                    if k not in dropped and fields_[k].inverse
                ]
            given = given_of[keys]
            if len(given) == len(vals):
                stored = {**base_of[keys], **vals}
            else:
                stored = {**base_of[keys], **{k: vals[k] for k in given}}
            rows.append(stored)
            inverse = inverse_of[keys]
            inversed_list.append(
                {k: vals[k] if k in vals else defaults_of[keys][k] for k in inverse}
                if inverse
                else {}
            )
        constants_of = {
            keys: {*defaults, *blanks_of[keys], *MAGIC_COLUMNS}
            for keys, defaults in defaults_of.items()
        }
        return rows, inversed_list, protected_of, constants_of

    def _bulk_ids(self, Model, count):
        """``count`` new ids of ``Model``, from its table's sequence."""
        self.env.cr.execute(
            SQL("SELECT nextval(%s) FROM generate_series(1, %s)", f"{Model._table}_id_seq", count)
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _bulk_insert(self, Model, rows, ids, constants):
        """Write ``rows`` (stored values) into ``Model``'s table as ``ids``;
        ``constants[i]``: (key, names) where row i shares the value of
        ``names`` with every row of the same key (converted once for all)."""
        fields_ = Model._fields
        columns = sorted(name for name in set().union(*rows) if fields_[name].column_type)
        lines = self._bulk_copy_lines(Model, columns, rows, ids, constants)
        buffer = io.StringIO("\n".join(lines) + "\n")
        self._copy_through_staging(Model._table, ["id", *columns], buffer)
        if len(rows) > ANALYZE_ROWS and self._bulk_stale_statistics(Model._table, len(rows)):
            # the planner's statistics still describe the table without these
            # rows (autovacuum cannot see them before the commit): Odoo's
            # next queries on it (the partner cycle check, the reconciliation)
            # took minutes instead of milliseconds on 150,000 new rows.
            # ANALYZE in the transaction counts its own new rows (its lock
            # only keeps another ANALYZE of the table waiting until the commit)
            analyzed = SQL.identifier(Model._table)
            if Model._table in ANALYZE_COLUMNS:
                analyzed = SQL(
                    "%s (%s)",
                    analyzed,
                    SQL(", ").join(SQL.identifier(c) for c in ANALYZE_COLUMNS[Model._table]),
                )
            self.env.cr.execute(SQL("ANALYZE %s", analyzed))

    def _bulk_stale_statistics(self, table, count):
        """Whether ``count`` new rows leave the planner's statistics of
        ``table`` stale: more than a tenth of the rows they count
        (autovacuum's own rule, autovacuum_analyze_scale_factor). Below it,
        they still describe the table (10,000 customers into 250,000), and
        the ANALYZE (0.5 to 1 s, whatever the file) is left to autovacuum."""
        self.env.cr.execute(SQL("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", table))
        counted = self.env.cr.fetchone()[0]
        return count > 0.1 * max(counted, 0)

    def _bulk_copy_lines(self, Model, columns, rows, ids, constants):
        """The lines of COPY's text format: ``ids`` then ``columns`` of
        ``rows`` (see _bulk_insert for ``constants``)."""
        fields_ = Model._fields
        converters = [self._column_converter(Model, fields_[name]) for name in columns]
        # other cells repeat too (parents, countries): each distinct value of a
        # column is converted once, unless it needs the row (an amount's currency)
        memos = [
            None if fields_[name].type == "monetary" or fields_[name].company_dependent else {}
            for name in columns
        ]

        def cell(index, stored):
            name = columns[index]
            if name not in stored:
                return "\\N"
            value = stored[name]
            memo = memos[index]
            if memo is None:
                return _copy_text(converters[index](value, stored))
            key = (value.__class__, value)
            try:
                text = memo.get(key)
            except TypeError:  # a value that cannot be a key (a dict)
                return _copy_text(converters[index](value, stored))
            if text is None:
                text = memo[key] = _copy_text(converters[index](value, stored))
            return text

        # column by column, without a call per cell (a third of the write):
        # a column constant for a key is converted once for its rows
        keys = [key for key, _constant in constants]
        constant_of, first_of = {}, {}
        for stored, (key, constant) in zip(rows, constants, strict=True):
            if key not in constant_of:
                constant_of[key], first_of[key] = constant, stored
        table = [[str(record_id) for record_id in ids]]
        for index, name in enumerate(columns):
            fixed = {
                key: cell(index, first_of[key])
                for key, constant in constant_of.items()
                if name in constant
            }
            if len(fixed) == len(constant_of):
                table.append([fixed[key] for key in keys])
                continue
            converter, memo = converters[index], memos[index]
            cells = []
            append = cells.append
            for stored, key in zip(rows, keys, strict=True):
                if fixed and key in fixed:
                    append(fixed[key])
                elif name not in stored:
                    append("\\N")
                elif memo is None:
                    append(_copy_text(converter(stored[name], stored)))
                else:
                    value = stored[name]
                    try:
                        text = memo.get((value.__class__, value))
                    except TypeError:  # a value that cannot be a key (a dict)
                        append(_copy_text(converter(value, stored)))
                        continue
                    if text is None:
                        text = memo[(value.__class__, value)] = _copy_text(converter(value, stored))
                    append(text)
            table.append(cells)
        return ["\t".join(cells) for cells in zip(*table, strict=True)]

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
        # the one2many of the records the new ones point to (a customer's
        # child_ids) are read again when next needed
        targets = defaultdict(set)
        for name in set().union(*rows):
            field = fields_[name]
            if field.type == "many2one" and self.pool.field_inverses[field]:
                targets[field].update(stored.get(name) for stored in rows)
                targets[field].discard(None)
                targets[field].discard(False)
        targets = {field: values for field, values in targets.items() if values}
        for field, values in targets.items():
            comodel = self.env[field.comodel_name]
            names = [inverse.name for inverse in self.pool.field_inverses[field]]
            comodel.browse(values).invalidate_recordset(names, flush=False)

    def _bulk_cache_given(self, records, rows, vals_list, protected_of, filled, constants_of):
        """The values written, in the cache of the new records, as _create
        puts them there. Without them, the first read of any field of the
        new records (modified()'s triggers follow parent_id to the
        customers) fetched every column of every new record back into the
        cache: 150,000 contacts, 150 queries and 15 million cache values,
        12 to 28 s in modified() (0.1 s for 30,000: it grows faster than
        the rows). Computed fields left to Odoo are not cached: they are
        computed at the flush."""
        cache = self.env.cache
        fields_ = records._fields
        filled = set(filled)
        groups = defaultdict(list)  # frozenset(given names) -> row indexes
        for index, vals in enumerate(vals_list):
            groups[frozenset(vals)].append(index)
        for keys, indexes in groups.items():
            group_rows = [rows[index] for index in indexes]
            group = records.browse([records._ids[index] for index in indexes])
            # the values all the rows of the group share: converted once
            constant = constants_of[keys][1]
            for name in set().union(*group_rows):
                field = fields_[name]
                if not field.column_type or (
                    field.compute and name not in filled and field not in protected_of[keys]
                ):
                    continue
                if name in constant and field.type != "monetary":
                    value = self._cache_values(field, group[:1], [group_rows[0][name]])[0]
                    cache.update(group, field, itertools.repeat(value, len(group)))
                    continue
                try:
                    column = [stored[name] for stored in group_rows]
                    subset = group
                except KeyError:  # not in every row of the group
                    pairs = [
                        (record_id, stored[name])
                        for record_id, stored in zip(group._ids, group_rows, strict=True)
                        if name in stored
                    ]
                    subset = records.browse([record_id for record_id, _value in pairs])
                    column = [value for _record_id, value in pairs]
                rounded = field.type == "monetary" and self._rounded_amounts(
                    field, records, subset, column, group_rows
                )
                if rounded:
                    cache.update(subset, field, rounded)
                    continue
                cache.update(subset, field, self._cache_values(field, subset, column))

    def _rounded_amounts(self, field, records, subset, column, group_rows):
        """The amounts ``column`` of ``subset`` rounded in their currency,
        as Monetary.convert_to_cache rounds them, with the currency taken
        from each row (the field's convert_to_cache reads it from the
        record: a query per record whose currency is not cached yet); None
        when a row lacks its currency (converted by the field then)."""
        currency_field = field.get_currency_field(records)
        if len(subset) != len(group_rows) or any(
            currency_field not in stored for stored in group_rows
        ):
            return None
        currencies = {}
        rounded = []
        for value, stored in zip(column, group_rows, strict=True):
            value = float(value or 0.0)
            currency_id = stored[currency_field]
            if value and currency_id:
                if currency_id not in currencies:
                    currencies[currency_id] = self.env["res.currency"].browse(currency_id)
                value = currencies[currency_id].round(value)
            rounded.append(value)
        return rounded

    def _cache_values(self, field, group, values):
        """``values`` (as written) of ``field`` in its cache format, for the
        records ``group``."""
        plain = not field.company_dependent and not getattr(field, "translate", False)
        if plain and field.type == "many2one":
            values = [value or None for value in values]
        elif plain and field.type in ("char", "text") and not getattr(field, "size", None):
            values = [None if v is None or v is False else str(v) for v in values]
        elif plain and field.type == "boolean":
            values = [bool(value) for value in values]
        elif field.type == "monetary":
            # rounded in the currency the record's row gives
            values = [
                field.convert_to_cache(value, record)
                for record, value in zip(group, values, strict=True)
            ]
        else:
            # converted once per distinct value (defaults, times, ranks)
            first, memo, converted = group[:1], {}, []
            for value in values:
                try:
                    key = (value.__class__, value)
                    if key not in memo:
                        memo[key] = field.convert_to_cache(value, first)
                    converted.append(memo[key])
                except TypeError:  # not hashable (a dict)
                    converted.append(field.convert_to_cache(value, first))
            values = converted
        return values

    # ------------------------------------------------------------------
    # stored computed fields computed here (per model: _bulk_computed_<table>)
    # ------------------------------------------------------------------

    def _determine_inverses(self, records, inversed_list, inverses_done=()):
        """Run the inverses of the fields given (or defaulted) that have one,
        as create() does after its INSERT: one call for all the records when
        the fields are stored, else (create() goes record by record) one
        call per distinct value. ``inverses_done``: fields whose inverse the
        provider of computed fields made unnecessary (what it would write is
        already in the rows)."""
        fields_ = records._fields
        by_inverse = defaultdict(set)
        for inversed in inversed_list:
            for name in inversed:
                if name not in inverses_done:
                    by_inverse[fields_[name].inverse].add(fields_[name])
        for inverse_fields in by_inverse.values():
            names = {field.name for field in inverse_fields}
            batched = all(field.store or field.company_dependent for field in inverse_fields)
            groups = defaultdict(list)  # values (or one batch) -> [(id, values)]
            for record, inversed in zip(records, inversed_list, strict=True):
                vals = {name: inversed[name] for name in names if name in inversed}
                if vals:
                    key = None if batched else repr(sorted(vals.items()))
                    groups[key].append((record.id, vals))
            for members in groups.values():
                batch = records.browse([record_id for record_id, _vals in members])
                for record, (_id, vals) in zip(batch, members, strict=True):
                    record._update_cache(vals)
                next(iter(inverse_fields)).determine_inverse(batch)

    def _column_converter(self, Model, field):
        """(value, row values) -> SQL parameter, as ``_create`` converts."""
        # the plain types, converted as their convert_to_column does
        # without its per-value overhead (a third of the write)
        if (
            field.type in ("char", "text")
            and not (getattr(field, "translate", False) or getattr(field, "size", None))
            and not field.company_dependent
        ):
            return lambda value, stored: None if value is None or value is False else str(value)
        if field.type == "many2one" and not field.company_dependent:
            return lambda value, stored: value or None
        if field.type == "boolean" and not field.company_dependent:
            return lambda value, stored: bool(value)
        if field.type == "integer" and not field.company_dependent:
            return lambda value, stored: int(value or 0)
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

    # ------------------------------------------------------------------
    # journal entries: what the DMS import writes (one currency, the
    # company's; no taxes, no products, no payment terms)
    # ------------------------------------------------------------------

    # account.move's amounts, by move type family, from the total (what
    # _compute_amount gives a move whose only lines are one untaxed revenue
    # line and one receivable line, or a balanced entry without taxes)
    MOVE_AMOUNTS = (
        "amount_untaxed",
        "amount_tax",
        "amount_total",
        "amount_residual",
        "amount_untaxed_signed",
        "amount_untaxed_in_currency_signed",
        "amount_tax_signed",
        "amount_total_signed",
        "amount_residual_signed",
        "amount_total_in_currency_signed",
    )

    # fields of a move that Odoo computes from its partner, journal, company,
    # currency and type only (fiscal position, shipping address, bank,
    # salesperson, team, terms...): computed by Odoo on one new record per
    # distinct set of those, not on every move and then written back with
    # an UPDATE of every new row
    MOVE_PARTNER_FIELDS = (
        "fiscal_position_id",
        "partner_shipping_id",
        "partner_bank_id",
        "invoice_user_id",
        "team_id",
        "narration",
        "preferred_payment_method_line_id",
        "invoice_payment_term_id",
    )
    MOVE_PARTNER_KEY = ("move_type", "partner_id", "journal_id", "company_id", "currency_id")
