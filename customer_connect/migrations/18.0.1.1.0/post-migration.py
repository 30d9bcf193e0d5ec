"""18.0.1.1.0: no readable secrets, Odoo's portal rules back, levels coded.

* Our e-mail templates are ``noupdate``: their bodies read the removed field
  ``connect_signup_url`` (a working signup or reset link that any employee
  could render through the composer). They now read the link the sending
  method hands to the rendering only.
* Earlier versions rewrote Odoo's portal rules on invoices; ours are now
  separate global rules, so Odoo's get their own domains back.
* The shipped levels get their ``code`` (from their XML ids), every company
  the shipped levels it lacks, and each company its default level.
"""

from odoo import SUPERUSER_ID, api

NEW_LINK = "ctx.get('connect_links', {}).get(object.id)"
TEMPLATES = (
    "mail_template_connect_invitation",
    "mail_template_connect_password_reset",
    "mail_template_connect_staff_invitation",
)
ODOO_PORTAL_RULES = {
    "account_invoice_rule_portal": "[('state', 'not in', ('cancel', 'draft')), "
    "('move_type', 'in', ('out_invoice', 'out_refund', 'in_invoice', 'in_refund')), "
    "('message_partner_ids','child_of',[user.commercial_partner_id.id])]",
    "account_invoice_line_rule_portal": "[('parent_state', 'not in', ('cancel', 'draft')), "
    "('move_id.move_type', 'in', ('out_invoice', 'out_refund', 'in_invoice', 'in_refund')), "
    "('move_id.message_partner_ids','child_of',[user.commercial_partner_id.id])]",
}
LEVEL_CODES = {
    "access_level_full": "full",
    "access_level_accounts_payable": "accounts_payable",
    "access_level_status_only": "status_only",
    "access_level_payments_only": "payments_only",
}


def migrate(cr, version):
    cr.execute(
        """
        UPDATE mail_template t
           SET body_html = replace(t.body_html::text, 'object.connect_signup_url', %s)::jsonb
          FROM ir_model_data d
         WHERE d.model = 'mail.template' AND d.module = 'customer_connect'
           AND d.name IN %s AND d.res_id = t.id
        """,
        [NEW_LINK, TEMPLATES],
    )
    for name, domain in ODOO_PORTAL_RULES.items():
        cr.execute(
            """
            UPDATE ir_rule r SET domain_force = %s
              FROM ir_model_data d
             WHERE d.model = 'ir.rule' AND d.module = 'account' AND d.name = %s
               AND d.res_id = r.id
            """,
            [domain, name],
        )
    for name, code in LEVEL_CODES.items():
        cr.execute(
            """
            UPDATE customer_connect_access_level l SET code = %s
              FROM ir_model_data d
             WHERE d.model = 'customer_connect.access.level' AND d.module = 'customer_connect'
               AND d.name = %s AND d.res_id = l.id
            """,
            [code, name],
        )
        # the copies made for the other companies by the pre-migration
        cr.execute(
            """
            UPDATE customer_connect_access_level copy SET code = %s
              FROM customer_connect_access_level origin, ir_model_data d
             WHERE d.model = 'customer_connect.access.level' AND d.module = 'customer_connect'
               AND d.name = %s AND d.res_id = origin.id
               AND copy.id != origin.id AND copy.code IS NULL
               AND copy.name = origin.name AND copy.sequence = origin.sequence
            """,
            [code, name],
        )
    # the levels are now made per company in code, not data: keep the records
    cr.execute(
        "DELETE FROM ir_model_data WHERE module = 'customer_connect' "
        "AND model = 'customer_connect.access.level'"
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    companies = env["res.company"].with_context(active_test=False).search([])
    Level = env["customer_connect.access.level"]
    Level._create_company_defaults(companies)
    default = env["ir.config_parameter"].get_param("customer_connect.default_access_level_id")
    chosen = Level.browse(int(default)).exists() if default and default.isdigit() else Level
    for company in companies:
        if chosen.code:
            company.connect_default_access_level_id = Level._level_by_code(chosen.code, company)
        elif chosen.company_id == company:
            company.connect_default_access_level_id = chosen
    # a noupdate rule: levels are no longer shared across companies
    cr.execute(
        """
        UPDATE ir_rule r SET domain_force = %s
          FROM ir_model_data d
         WHERE d.model = 'ir.rule' AND d.module = 'customer_connect'
           AND d.name = 'rule_connect_access_level_company' AND d.res_id = r.id
        """,
        ["[('company_id', 'in', company_ids)]"],
    )
