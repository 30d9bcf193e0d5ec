ODOO_PORTAL_RULES = {
    "account.account_invoice_rule_portal": "[('state', 'not in', ('cancel', 'draft')), "
    "('move_type', 'in', ('out_invoice', 'out_refund', 'in_invoice', 'in_refund')), "
    "('message_partner_ids','child_of',[user.commercial_partner_id.id])]",
    "account.account_invoice_line_rule_portal": "[('parent_state', 'not in', ('cancel', 'draft')), "
    "('move_id.move_type', 'in', ('out_invoice', 'out_refund', 'in_invoice', 'in_refund')), "
    "('move_id.message_partner_ids','child_of',[user.commercial_partner_id.id])]",
}


def uninstall_hook(env):
    """Give Odoo's portal invoice rules back their own domains."""
    for xmlid, domain in ODOO_PORTAL_RULES.items():
        rule = env.ref(xmlid, raise_if_not_found=False)
        if rule:
            rule.domain_force = domain
