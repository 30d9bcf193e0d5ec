"""What the benchmarks' part inside `odoo shell` shares: many invoices made
at once with SQL, copies of one the ORM posted (bench_autopay.py,
bench_reminders.py). Imported there from CC_BENCH_DIR (launcher.Bench.shell
sets it: a script fed to the shell on its standard input has no __file__)."""


def columns(cr, table, skip):
    """The columns of ``table`` but ``skip``."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s",
        [table],
    )
    return [name for (name,) in cr.fetchall() if name not in skip]


def copy_invoice(cr, move, customer_ids, tag, disputed=False):
    """The invoice ``move`` copied for each of ``customer_ids`` (its lines
    too), named ``<tag>/<n>``, in dispute or not, with SQL; committed."""
    # numbered apart from the journal's own sequence (prefix and number as
    # Odoo parses them from the name): the next invoice the ORM posts
    # continues INV/ and never takes a copy's name
    move_cols = columns(
        cr,
        "account_move",
        {"id", "name", "partner_id", "commercial_partner_id", "sequence_prefix", "sequence_number"},
    )
    line_cols = columns(cr, "account_move_line", {"id", "move_id", "partner_id", "move_name"})
    cr.execute(
        f"""
        CREATE TEMP TABLE bench_copy ON COMMIT DROP AS
        SELECT nextval('account_move_id_seq') AS new_id, c.id AS customer_id, c.ord
          FROM unnest(%s::int[]) WITH ORDINALITY AS c(id, ord);
        INSERT INTO account_move (id, name, partner_id, commercial_partner_id,
                                  sequence_prefix, sequence_number, {", ".join(move_cols)})
        SELECT b.new_id, %s || '/' || b.ord, b.customer_id, b.customer_id, %s || '/', b.ord,
               {", ".join("m." + c for c in move_cols)}
          FROM bench_copy b, account_move m WHERE m.id = %s;
        INSERT INTO account_move_line (move_id, partner_id, move_name, {", ".join(line_cols)})
        SELECT b.new_id, b.customer_id, %s || '/' || b.ord, {", ".join("l." + c for c in line_cols)}
          FROM bench_copy b, account_move_line l WHERE l.move_id = %s;
        UPDATE account_move SET connect_in_dispute = %s
         WHERE id IN (SELECT new_id FROM bench_copy);
        """,  # noqa: S608 - column names from the catalogue, values as parameters
        [customer_ids, tag, tag, move.id, tag, move.id, disputed],
    )
    cr.commit()
