"""18.0.1.3.0: invoices exports may ship a PDF copy of each invoice.

The shipped mapping profiles are ``noupdate`` (the dealer edits them), so an
upgrade does not add their new PDF column: it is added to each shipped
invoices profile that maps nothing onto ``pdf_file`` yet, under a column
name the profile does not use already.
"""

from odoo import SUPERUSER_ID, api

PDF_COLUMNS = {
    "customer_connect_dms.profile_gold_invoices": "PDF",
    "customer_connect_dms.profile_rimss_invoices": "Invoice PDF",
    "customer_connect_dms.profile_generic_invoices": "pdf_file",
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, column in PDF_COLUMNS.items():
        profile = env.ref(xmlid, raise_if_not_found=False)
        if not profile or "pdf_file" in profile.line_ids.mapped("target"):
            continue
        used = {name.casefold() for name in profile.line_ids.mapped("column_name")}
        if column.casefold() in used:
            continue
        profile.write(
            {
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "sequence": max(profile.line_ids.mapped("sequence") or [0]) + 1,
                            "column_name": column,
                            "target": "pdf_file",
                        },
                    )
                ]
            }
        )
