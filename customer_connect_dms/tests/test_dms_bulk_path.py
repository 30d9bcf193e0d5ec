import base64
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.customer_connect_dms.models.dms_bulk import read_plain

from .common import DmsImportCase

# path forced per import: the ORM's create, or COPY + INSERT ... SELECT
ORM = {"connect_dms_bulk_threshold": None}
BULK = {"connect_dms_bulk_threshold": 0}
BULK_ROWS = 5

CUSTOMERS = (
    "number,name,street,street2,city,zip,state,country,email,phone,mobile,vat\n"
    "{p}01,Hill Top Farm,1 Hill Road,,Ayr,KA7 1AA,,GB,Office@HillTop.example,01292 000000,,\n"
    "{p}02,Glen Estates,The Lodge,Back Lane,Perth,PH1 1AA,,GB,,,07700 900123,GB123456789\n"
    "{p}03,Prairie Co-op,5 Main St,,Ames,50010,IA,US,coop@prairie.example,+1 515 555 0100,,\n"
    '{p}04,"Tab\tand \\ backslash",,,,,,,,,,\n'
    "{p}05,Caf\u00e9 M\u00fchle,Dorfstr. 1,,G\u00f6ttingen,37073,,DE,info@muehle.example,,,\n"
)
CONTACTS = (
    "customer_number,name,email,phone,mobile,function\n"
    "{p}01,Anne Hill,anne@hilltop.example,01292 000001,,Accounts\n"
    "{p}01,Bob Hill,,,07700 900001,\n"
    "{p}02,Glen Office,office@glen.example,,,\n"
    "{p}03,Pat Prairie,pat@prairie.example,515 555 0101,,Buyer\n"
    "{p}05,Jonas M\u00fchle,jonas@muehle.example,,,\n"
)


class DmsBulkCase(DmsImportCase):
    """Imports forced through one path or the other, and the stored rows
    they leave, comparable."""

    def _run(self, kind, text, prefix, context, **kw):
        importer = self.importer.with_context(**context)
        data = text.replace("{p}", prefix).encode("utf-8")
        return importer._import_file(kind, self.generic[kind], data, "export.csv", **kw)

    def _table_rows(self, table, ids):
        """Every column of ``ids`` in ``table``, as stored."""
        self.env.flush_all()
        self.env.cr.execute(f'SELECT * FROM "{table}" WHERE id = ANY(%s) ORDER BY id', [list(ids)])
        names = [d.name for d in self.env.cr.description]
        return [dict(zip(names, row, strict=True)) for row in self.env.cr.fetchall()]

    def _comparable(self, table, records, same_set=(), skip=()):
        """Rows of ``records`` with what must differ between two imports
        (ids, times, the run prefix) replaced by something that does not."""
        position = {record.id: index for index, record in enumerate(records)}
        rows = []
        for row in self._table_rows(table, records.ids):
            row = dict(row)
            for name in ("id", "create_date", "write_date", *skip):
                row.pop(name)
            # defaults of "now" (calendar's last notification ack on every
            # partner, say) differ by the second between the two imports
            now = datetime.now()
            for name, value in row.items():
                if isinstance(value, datetime) and abs(now - value) < timedelta(minutes=10):
                    row[name] = "about now"
            for name in same_set:
                row[name] = ("own", position[row[name]]) if row[name] in position else row[name]
            rows.append(row)
        rows.sort(key=lambda r: repr(sorted(r.items(), key=lambda kv: kv[0])))
        return rows

    def _partners(self, prefix):
        Partner = self.env["res.partner"].with_context(active_test=False)
        customers = Partner.search([("ref", "=like", f"{prefix}%")], order="ref")
        contacts = Partner.search([("parent_id", "in", customers.ids)], order="parent_id, name")
        return customers, contacts

    def _import_both(self, prefix):
        runs = []
        for kind, text in (("customers", CUSTOMERS), ("contacts", CONTACTS)):
            run = self._run(kind, text, prefix, ORM if prefix == "ORM" else BULK)
            self.assertEqual(run.state, "done", run.message)
            runs.append(run)
        return runs


@tagged("post_install", "-at_install")
class TestDmsBulkPath(DmsBulkCase):
    """The bulk path writes what the ORM's create writes: the same rows
    imported through both, every column compared."""

    def test_same_columns_as_the_orm(self):
        orm_runs = self._import_both("ORM")
        bulk_runs = self._import_both("BLK")
        orm_customers, orm_contacts = self._partners("ORM")
        bulk_customers, bulk_contacts = self._partners("BLK")
        self.assertEqual((len(orm_customers), len(orm_contacts)), (5, 5))
        self.assertEqual((len(bulk_customers), len(bulk_contacts)), (5, 5))
        # every column of res_partner, the computed ones (complete_name,
        # commercial_partner_id, email_normalized, phone_sanitized, peppol,
        # the portal state) and the company-dependent jsonb ones included
        orm_all, bulk_all = orm_customers + orm_contacts, bulk_customers + bulk_contacts
        links = ("commercial_partner_id", "parent_id")
        # write_uid: the contacts' import recomputes their customer's portal
        # state; the ORM path leaves it to the next flush (of any user), the
        # bulk path flushes it in the import (its user)
        orm_rows = self._comparable("res_partner", orm_all, links, skip=["write_uid"])
        bulk_rows = self._comparable("res_partner", bulk_all, links, skip=["write_uid"])
        for row in orm_rows + bulk_rows:
            row["ref"] = (row["ref"] or "")[3:]
        self._assert_same_rows(
            orm_rows, bulk_rows, lambda row: f"bulk path vs ORM, row {row['name']}"
        )
        # what the ORM reads back, through the fields (cache invalidated)
        self.env.invalidate_all()
        hill = bulk_customers[0]
        self.assertEqual(hill.email_normalized, "office@hilltop.example")
        self.assertEqual(hill.commercial_partner_id, hill)
        anne = bulk_contacts.filtered(lambda c: c.name == "Anne Hill")
        self.assertEqual(anne.complete_name, "Hill Top Farm, Anne Hill")
        self.assertEqual(anne.commercial_partner_id, hill)
        self.assertEqual((anne.street, anne.city), ("1 Hill Road", "Ayr"))
        self.assertEqual(hill.child_ids, bulk_contacts.filtered(lambda c: c.parent_id == hill))
        self.assertEqual(
            hill.property_account_receivable_id, orm_customers[0].property_account_receivable_id
        )

        # the same followers and messages (none: imports log no chatter)
        def chatter(partners):
            domain = [("res_id", "in", partners.ids)]
            followers = self.env["mail.followers"].search(
                [("res_model", "=", "res.partner"), *domain]
            )
            messages = self.env["mail.message"].search([("model", "=", "res.partner"), *domain])
            position = {p.id: i for i, p in enumerate(partners)}
            return sorted(
                [("follower", position[f.res_id], f.partner_id.id) for f in followers]
                + [
                    (
                        "message",
                        position[m.res_id],
                        m.message_type,
                        str(m.body)[:80],
                        m.subtype_id.name,
                        m.tracking_value_ids.field_id.mapped("name"),
                    )
                    for m in messages
                ]
            )

        self.assertEqual(chatter(bulk_all), chatter(orm_all))
        # the run logs: the same lines, pointing at the new records
        for orm_run, bulk_run in zip(orm_runs, bulk_runs, strict=True):
            self.assertEqual(
                [(l.row, l.action, l.res_model) for l in bulk_run.line_ids],
                [(l.row, l.action, l.res_model) for l in orm_run.line_ids],
            )
            self.assertLessEqual(set(bulk_run.line_ids.mapped("res_id")), set(bulk_all.ids))
        # re-importing either file through the other path changes nothing
        again = self._run("customers", CUSTOMERS, "BLK", ORM)
        self.assertEqual((again.count_created, again.count_unchanged), (0, 5))
        again = self._run("contacts", CONTACTS, "ORM", BULK)
        self.assertEqual((again.count_created, again.count_unchanged), (0, 5))

    def test_cache_and_plain_reads_hold_what_the_database_holds(self):
        # the bulk path puts the values it writes in the new records' cache
        # (as _create does) and reads parents from the cache (read_plain):
        # both must be what the ORM reads back from the database
        self._import_both("BLK")
        customers, contacts = self._partners("BLK")
        partners = customers + contacts
        cache = self.env.cache
        fields_ = [f for f in partners._fields.values() if f.store and f.column_type]
        cached = {
            (record.id, field.name): field.convert_to_read(record[field.name], record)
            for record in partners
            for field in fields_
            if cache.contains(record, field)
        }
        # most of the written columns came from the cache, not a fetch
        self.assertGreater(len(cached), len(partners) * 20)
        self.env.invalidate_all()
        for (record_id, name), value in cached.items():
            record = partners.browse(record_id)
            stored = record._fields[name].convert_to_read(record[name], record)
            self.assertEqual(value, stored, f"{record.name}: {name}")
        names = [
            n
            for n in [
                *partners._commercial_fields(),
                *partners._address_fields(),
                "lang",
                "name",
                "ref",
                "commercial_partner_id",
                "user_id",
                "is_company",
                "credit_limit",
                "create_date",
            ]
            if partners._fields[n].store
        ]
        expected = {row["id"]: row for row in partners.read(names, load=None)}
        self.env.invalidate_all()
        self.assertEqual(read_plain(partners, names), expected)

    def test_query_count_does_not_grow_with_rows(self):
        def import_customers(prefix, count):
            rows = "".join(f"{prefix}{i:04d},Farm {i},Ayr\n" for i in range(count))
            run = self._run("customers", "number,name,city\n" + rows, prefix, BULK)
            self.assertEqual(run.count_created, count, run.message)

        # warm the caches (defaults, registry) once
        import_customers("W", 3)
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        import_customers("S", 10)
        self.env.flush_all()
        small = self.env.cr.sql_log_count - start
        start = self.env.cr.sql_log_count
        import_customers("L", 60)
        self.env.flush_all()
        large = self.env.cr.sql_log_count - start
        self.assertEqual(large, small)

    def test_bad_row_writes_nothing(self):
        text = CUSTOMERS + "{p}06,,Nowhere,,,,,,,,,\n"
        run = self._run("customers", text, "BAD", BULK)
        self.assertEqual(run.state, "failed")
        self.assertEqual(
            [(line.row, line.column) for line in run.line_ids if line.action == "refused"],
            [(7, "name")],
        )
        self.assertFalse(self._partners("BAD")[0])

    def test_failure_inside_the_bulk_write_writes_nothing(self):
        # a NUL character is refused by the importer's checks (its row and
        # column named); the writer still refuses one that reaches it, as
        # the ORM's create refuses it, and the import's savepoint then
        # leaves nothing: the values written straight through the writer
        vals = [
            {"ref": f"NUL{i}", "name": f"Farm {i}", "is_company": True, "customer_rank": 1}
            for i in range(BULK_ROWS)
        ]
        vals[-1]["name"] = "Farm\x00"
        Partner = self.env["res.partner"].with_context(**BULK)
        with self.assertRaisesRegex(ValueError, "NUL"), self.env.cr.savepoint():
            self.env["customer_connect_dms.bulk"]._bulk_create(Partner, vals)
        self.assertFalse(self._partners("NUL")[0])
        # through the importer: refused before anything is written
        records = [{"number": f"NUL{i}", "name": f"Farm {i}"} for i in range(5)]
        records[-1]["name"] = "Farm\x00"
        run = self.importer.with_context(**BULK)._import_records("customers", records)
        self.assertEqual(run.state, "failed")
        self.assertEqual(
            [(line.row, line.column) for line in run.line_ids], [(5, "name")], run.message
        )
        self.assertFalse(self._partners("NUL")[0])


INVOICES = (
    "number,customer_number,date,due_date,amount_total,amount_residual,"
    "discount_date,settlement_amount,description\n"
    "{p}1,90001,15/02/2026,17/03/2026,1200.00,1200.00,10/03/2026,1176.00,Service\n"
    "{p}2,90001,16/02/2026,,300.00,100.00,,,Parts\n"
    "{p}3,90002,01/01/2026,31/01/2026,99.99,99.99,,,\n"
    "{p}4,90002,28/02/2026,30/03/2026,45.10,0.10,,,Hire \\ tab\n"
)
# what must differ between two imports of the same invoices under other numbers
MOVE_SKIP = ["write_uid", "access_token"]
LINE_SKIP = ["write_uid"]


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestDmsBulkInvoices(DmsBulkCase):
    """Invoices: the same rows through create + _post and through the bulk
    path give the same moves, journal items, settlements, reconciliation,
    followers and customer rank."""

    def _invoices(self, prefix, context):
        run = self._run("invoices", INVOICES, prefix, context)
        self.assertEqual(run.state, "done", run.message)
        moves = self.env["account.move"].search(
            [("dms_number", "=like", f"{prefix}%")], order="dms_number"
        )
        self.assertEqual(len(moves), 4)
        return run, moves

    def _move_rows(self, moves, prefix):
        rows = self._comparable("account_move", moves, ["reversed_entry_id"], skip=MOVE_SKIP)
        for row in rows:
            for name in ("name", "dms_number", "ref", "payment_reference", "sequence_prefix"):
                if isinstance(row[name], str):
                    row[name] = row[name].replace(prefix, "#")
        return rows

    def _line_rows(self, moves, prefix):
        lines = moves.line_ids.sorted(lambda l: (l.move_id.dms_number or "", l.display_type))
        # move_id: the move's position among ``moves`` (below), not among the
        # lines (a move id equal to a line id read as "own line")
        rows = self._comparable("account_move_line", lines, [], skip=LINE_SKIP)
        position = {move.id: index for index, move in enumerate(moves)}
        for row in rows:
            row["move_id"] = position.get(row["move_id"], row["move_id"])
            # "P<partial id>" / the full reconciliation's number: kinds compared
            if row["matching_number"]:
                row["matching_number"] = row["matching_number"][0] == "P"
            row["full_reconcile_id"] = bool(row["full_reconcile_id"])
            for name in ("name", "move_name", "ref"):
                if isinstance(row[name], str):
                    row[name] = row[name].replace(prefix, "#")
        return rows

    def _entry_rows(self, entries, prefix):
        """The settlement entries and their lines, every column, but their
        numbers (the second import numbers on from the first)."""
        skip = [*MOVE_SKIP, "name", "sequence_number", "made_sequence_gap"]
        rows = self._comparable("account_move", entries, ["reversed_entry_id"], skip=skip)
        lines = entries.line_ids.sorted(lambda l: (l.move_id.ref, l.debit))
        position = {entry.id: index for index, entry in enumerate(entries)}
        for row in self._comparable("account_move_line", lines, [], skip=[*LINE_SKIP, "move_name"]):
            row["move_id"] = position[row["move_id"]]
            row["matching_number"] = bool(row["matching_number"])
            row["full_reconcile_id"] = bool(row["full_reconcile_id"])
            rows.append(row)
        for row in rows:
            for name in ("name", "ref"):
                if isinstance(row.get(name), str):
                    row[name] = row[name].replace(prefix, "#")
        return rows

    def _settlements(self, moves, prefix):
        """The settlement entries of ``moves`` and how they are reconciled."""
        receivables = moves.line_ids.filtered(lambda l: l.display_type == "payment_term")
        partials = receivables.matched_credit_ids
        entries = partials.credit_move_id.move_id
        return entries, [
            (
                p.debit_move_id.move_id.dms_number.replace(prefix, "#"),
                p.amount,
                p.debit_amount_currency,
                p.credit_amount_currency,
                bool(p.full_reconcile_id),
            )
            for p in partials.sorted(lambda p: p.debit_move_id.move_id.dms_number)
        ]

    def test_same_invoices_as_create_and_post(self):
        # what a move takes from its customer, journal and company (fiscal
        # position, invoice terms) differs between the two customers
        golf = self.env["res.partner"].search([("ref", "=", "90002")])
        golf.property_account_position_id = self.env["account.fiscal.position"].create(
            {"name": "Export", "company_id": self.env.company.id}
        )
        self.env["ir.config_parameter"].set_param("account.use_invoice_terms", True)
        self.env.company.invoice_terms = "Payment within 30 days."
        rank_before = self.farm.customer_rank
        _orm_run, orm_moves = self._invoices("ORM", ORM)
        rank_after_orm = self.farm.customer_rank
        _bulk_run, bulk_moves = self._invoices("BLK", BULK)
        self.assertEqual(self.farm.customer_rank - rank_after_orm, rank_after_orm - rank_before)
        orm_rows, bulk_rows = self._move_rows(orm_moves, "ORM"), self._move_rows(bulk_moves, "BLK")
        self._assert_same_rows(orm_rows, bulk_rows, lambda row: f"move {row['name']}")
        orm_lines, bulk_lines = (
            self._line_rows(orm_moves, "ORM"),
            self._line_rows(bulk_moves, "BLK"),
        )
        self._assert_same_rows(orm_lines, bulk_lines, lambda row: f"line {row['name']}")
        # settled in the DMS: the same entries, reconciled the same way
        orm_entries, orm_partials = self._settlements(orm_moves, "ORM")
        bulk_entries, bulk_partials = self._settlements(bulk_moves, "BLK")
        self.assertEqual(len(orm_partials), 2)
        self.assertEqual(bulk_partials, orm_partials)
        self.assertEqual(len(bulk_entries), len(orm_entries))
        orm_entries = orm_entries.sorted("ref")
        bulk_entries = bulk_entries.sorted("ref")
        orm_rows = self._entry_rows(orm_entries, "ORM")
        bulk_rows = self._entry_rows(bulk_entries, "BLK")
        self._assert_same_rows(
            orm_rows, bulk_rows, lambda row: f"settlement entry {row.get('ref')}"
        )
        # numbered on from the ORM's, in the journal's sequence
        self.assertEqual(
            bulk_entries.mapped("sequence_number"),
            [max(orm_entries.mapped("sequence_number")) + n for n in (1, 2)],
        )
        self.assertEqual(
            set(bulk_entries.mapped("sequence_prefix")), set(orm_entries.mapped("sequence_prefix"))
        )
        self.assertEqual(
            [(m.invoice_user_id, bool(m.fiscal_position_id)) for m in bulk_moves],
            [(self.env.user, False)] * 2 + [(self.env.user, True)] * 2,
        )
        self.assertIn("30 days", bulk_moves[0].narration)
        # Odoo's own computations give back what the bulk path stored
        self.env.invalidate_all()
        for move in bulk_moves:
            stored = (move.amount_total, move.amount_residual, move.payment_state)
            move._compute_amount()
            move._compute_payment_state()
            self.assertEqual((move.amount_total, move.amount_residual, move.payment_state), stored)
        with bulk_moves._check_balanced({"records": bulk_moves}):
            pass
        # the customer follows its invoices (what shows them in its portal)
        for move in bulk_moves:
            self.assertIn(move.partner_id, move.message_partner_ids)
        # numbered as in the DMS, the journal's sequence fields follow
        self.assertEqual(bulk_moves.mapped("name"), [f"BLK{i}" for i in range(1, 5)])
        # the same file again changes nothing
        again = self._run("invoices", INVOICES, "BLK", BULK)
        self.assertEqual((again.count_created, again.count_unchanged), (0, 4))

    def test_settlements_matched_as_odoo_matches_them(self):
        """Many part settlements are matched in SQL (not by Odoo's
        reconciliation plan): the partials, journal items, settlement entries
        and invoices are the same, column by column, as Odoo's plan leaves
        them; an invoice paid in full still gets Odoo's full
        reconciliation."""
        text = (
            INVOICES.splitlines()[0] + "\n"
            "{p}1,90001,16/02/2026,,300.00,100.00,,,Parts\n"
            "{p}2,90002,28/02/2026,30/03/2026,45.10,0.10,,,Hire\n"
            "{p}3,90001,16/02/2026,,80.00,0.00,,,Paid in full\n"
            "{p}4,90002,01/01/2026,31/01/2026,99.99,99.99,,,\n"
            "{p}5,90001,20/02/2026,,1000.00,999.99,,,Deposit\n"
        )
        found = {}
        for prefix, context in (("ORM", ORM), ("BLK", BULK)):
            run = self._run("invoices", text, prefix, context)
            self.assertEqual(run.state, "done", run.message)
            moves = self.env["account.move"].search(
                [("dms_number", "=like", f"{prefix}%")], order="dms_number"
            )
            receivables = moves.line_ids.filtered(lambda l: l.display_type == "payment_term")
            partials = receivables.matched_credit_ids.sorted(
                lambda p: p.debit_move_id.move_id.dms_number
            )
            entries = partials.credit_move_id.move_id.sorted("ref")
            partial_rows = [
                {
                    **self._comparable(
                        "account_partial_reconcile",
                        partial,
                        skip=["debit_move_id", "credit_move_id", "full_reconcile_id"],
                    )[0],
                    "between": (
                        partial.debit_move_id.move_id.dms_number.replace(prefix, "#"),
                        partial.credit_move_id.move_id.ref.replace(prefix, "#"),
                        bool(partial.full_reconcile_id),
                    ),
                }
                for partial in partials
            ]
            found[prefix] = {
                "moves": self._move_rows(moves, prefix),
                "lines": self._line_rows(moves, prefix),
                "entries": self._entry_rows(entries, prefix),
                "partials": partial_rows,
                "states": moves.mapped("payment_state"),
            }
        self.assertEqual(
            found["BLK"]["states"], ["partial", "partial", "paid", "not_paid", "partial"]
        )
        self.assertEqual(len(found["BLK"]["partials"]), 4)
        for what in ("moves", "lines", "entries", "partials", "states"):
            if what == "states":
                self.assertEqual(found["BLK"][what], found["ORM"][what])
                continue
            self._assert_same_rows(
                found["ORM"][what], found["BLK"][what], lambda row, w=what: f"{w} {row}"
            )

    def test_bad_invoice_row_writes_nothing(self):
        text = INVOICES + "{p}5,90001,15/02/2026,,-5.00,,,,\n"
        run = self._run("invoices", text, "BAD", BULK)
        self.assertEqual(run.state, "failed")
        self.assertFalse(self.env["account.move"].search([("dms_number", "=like", "BAD%")]))

    def test_company_check_finds_the_one_odd_record(self):
        """The bulk path checks companies once per distinct company and value
        of each field: one entry among many whose journal belongs to another
        company is still refused, as create() refuses it."""
        other = self.env["res.company"].create({"name": "Other Dealer"})
        foreign = self.env["account.journal"].create(
            {"name": "Other misc", "code": "OTHM", "type": "general", "company_id": other.id}
        )
        own = self.env["account.journal"].search(
            [("company_id", "=", self.env.company.id), ("type", "=", "general")], limit=1
        )
        Bulk = self.env["customer_connect_dms.bulk"]
        Move = self.env["account.move"]

        def entry(journal, number):
            return {
                "move_type": "entry",
                "journal_id": journal.id,
                "company_id": self.env.company.id,
                "currency_id": self.env.company.currency_id.id,
                "date": "2026-02-15",
                "name": f"CHK/{number}",
                **Bulk._bulk_move_amounts("entry", 0.0),
            }

        vals_list = [entry(own, n) for n in range(20)]
        vals_list.insert(13, entry(foreign, 99))
        with (
            self.assertRaisesRegex(UserError, "Incompatible companies") as caught,
            self.env.cr.savepoint(),
        ):
            Bulk._bulk_create(Move, vals_list)
        self.assertIn("Other misc", str(caught.exception))
        self.assertFalse(Move.search([("name", "=like", "CHK/%")]))
        # the same entries without the odd one are written
        del vals_list[13]
        self.assertEqual(len(Bulk._bulk_create(Move, vals_list)), 20)

    def _chatter_of(self, moves):
        """The chatter messages and tracking values written on ``moves``
        once the transaction's tracking is written (at commit in a
        server: the precommit hooks)."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        messages = self.env["mail.message"].search(
            [("model", "=", "account.move"), ("res_id", "in", moves.ids)]
        )
        return messages, messages.tracking_value_ids

    def test_settled_invoices_get_no_chatter_message(self):
        """Settling what the DMS reports paid writes no chatter message or
        tracking value on the invoice (its payment state changes in the
        reconciliation): an import of thousands of part-paid invoices
        through the wizard, with no tracking_disable in the dealer's
        context, wrote one message per settled invoice (half its time)."""
        Bulk = self.env["customer_connect_dms.bulk"]
        count = 501  # above the bulk path's threshold: the path a big file takes
        self.assertTrue(Bulk._use_bulk_path(count))
        rows = "".join(
            f"CHAT{i:04d},{'90001' if i % 2 else '90002'},15/02/2026,,300.00,"
            f"{'100.00' if i % 3 == 0 else '300.00'},,,\n"
            for i in range(count)
        )
        header = INVOICES.splitlines()[0] + "\n"
        # the dealer's context: the test case's has tracking_disable (Odoo's
        # DISABLED_MAIL_CONTEXT), the web client's and the cron's have not
        dealer = self.env(context={"lang": "en_US"})
        wizard = dealer["customer_connect_dms.import.wizard"].create(
            {
                "file": base64.b64encode((header + rows).encode()),
                "file_name": "invoices.csv",
                "kind": "invoices",
                "profile_id": self.generic["invoices"].id,
            }
        )
        action = wizard.action_import()
        run = self.env["customer_connect_dms.import.run"].browse(action["res_id"])
        self.assertEqual((run.state, run.count_created), ("done", count), run.message)
        moves = self.env["account.move"].search([("dms_number", "=like", "CHAT%")])
        settled = moves.filtered(lambda m: m.payment_state == "partial")
        self.assertEqual(len(settled), 167)
        messages, tracking = self._chatter_of(moves)
        self.assertFalse(messages)
        self.assertFalse(tracking)
        # the ORM's path (a small file) settles under the same context
        small_run = (
            self.importer.with_env(dealer)
            .with_context(**ORM)
            ._import_file(
                "invoices",
                self.generic["invoices"],
                INVOICES.replace("{p}", "ORM").encode(),
                "x.csv",
            )
        )
        self.assertEqual(small_run.state, "done", small_run.message)
        small = self.env["account.move"].search([("dms_number", "=like", "ORM%")])
        self.assertEqual(len(small.filtered(lambda m: m.payment_state == "partial")), 2)
        messages, tracking = self._chatter_of(small)
        self.assertFalse(messages)
        self.assertFalse(tracking)

    def test_tax_country_still_checked_in_imports(self):
        """The bulk path skips Odoo's tax country check only for moves
        without taxes: a line taxed in another country is still refused."""
        foreign = self.env.ref("base.be")
        self.assertNotEqual(self.env.company.account_fiscal_country_id, foreign)
        group = self.env["account.tax.group"].create({"name": "BE", "country_id": foreign.id})
        tax = self.env["account.tax"].create(
            {
                "name": "Foreign 21%",
                "amount": 21.0,
                "country_id": foreign.id,
                "tax_group_id": group.id,
            }
        )
        Move = self.env["account.move"].with_context(connect_dms_bulk_post=True)
        with self.assertRaisesRegex(ValidationError, "incompatible with your fiscal country"):
            Move.create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.farm.id,
                    "invoice_date": "2026-02-15",
                    "invoice_line_ids": [
                        Command.create({"name": "Parts", "price_unit": 10.0, "tax_ids": tax.ids})
                    ],
                }
            )
