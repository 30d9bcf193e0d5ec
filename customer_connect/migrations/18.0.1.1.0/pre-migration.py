"""18.0.1.1.0: access levels belong to a dealer company.

Before this version the shipped levels (and any a dealer added without a
company) were shared by every company, so one dealer's administrator changed
what every other dealer's contacts saw. Each company now gets its own copy of
each shared level, and each contact moves to its own company's copy. This
runs before the ORM makes ``company_id`` required."""


def migrate(cr, version):
    cr.execute("SELECT id FROM res_company ORDER BY id")
    companies = [row[0] for row in cr.fetchall()]
    cr.execute("SELECT id FROM customer_connect_access_level WHERE company_id IS NULL ORDER BY id")
    shared = [row[0] for row in cr.fetchall()]
    if not shared or not companies:
        return
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'customer_connect_access_level'
           AND column_name NOT IN ('id', 'company_id')
        """
    )
    columns = ", ".join(f'"{row[0]}"' for row in cr.fetchall())
    # column names come from the catalog just read, not from input
    for level in shared:
        cr.execute(
            "UPDATE customer_connect_access_level SET company_id = %s WHERE id = %s",
            [companies[0], level],
        )
        for company in companies[1:]:
            cr.execute(
                f"""
                INSERT INTO customer_connect_access_level ({columns}, company_id)
                SELECT {columns}, %s FROM customer_connect_access_level WHERE id = %s
                RETURNING id
                """,
                [company, level],
            )
            copy = cr.fetchone()[0]
            cr.execute(
                """
                UPDATE res_partner p
                   SET connect_access_level_id = %s
                  FROM res_partner account
                 WHERE account.id = COALESCE(p.commercial_partner_id, p.id)
                   AND p.connect_access_level_id = %s
                   AND COALESCE(p.company_id, account.company_id) = %s
                """,
                [copy, level, company],
            )
