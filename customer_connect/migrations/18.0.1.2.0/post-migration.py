"""18.0.1.2.0: the statement e-mail carries the contact's pay link.

Our e-mail templates are ``noupdate`` (the dealer edits them), so an upgrade
does not rewrite the statement's body: the pay link paragraph is added to
each language's body that lacks it, before its last closing tag, leaving the
dealer's wording as it is.
"""

import json

from odoo import SUPERUSER_ID, api

PAY_LINK = """
    <t t-set="pay_url" t-value="ctx.get('connect_links', {}).get(object.id)"/>
    <p t-if="object.connect_open_invoice_ids and pay_url" style="margin: 16px 0;">
        <a t-att-href="pay_url"
           style="background-color: #875A7B; padding: 8px 16px; color: #fff;
                  text-decoration: none; border-radius: 3px;">Pay online</a>
        <br/><small>This link opens your open items for payment without signing in;
        please do not forward it.</small>
    </p>
"""


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("customer_connect.mail_template_connect_statement", False)
    if not template:
        return
    cr.execute("SELECT body_html FROM mail_template WHERE id = %s", [template.id])
    bodies = cr.fetchone()[0] or {}
    changed = {}
    for lang, body in bodies.items():
        if body and "connect_links" not in body and "</div>" in body:
            head, _sep, tail = body.rpartition("</div>")
            changed[lang] = f"{head}{PAY_LINK}</div>{tail}"
    if changed:
        cr.execute(
            "UPDATE mail_template SET body_html = body_html || %s::jsonb WHERE id = %s",
            [json.dumps(changed), template.id],
        )
        template.invalidate_recordset(["body_html"])
