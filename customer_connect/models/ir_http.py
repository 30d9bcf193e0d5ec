from odoo import models
from odoo.http import request

# the session key holding the dealer company a portal login picked
PORTAL_COMPANY_SESSION_KEY = "connect_company_id"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        result = super()._pre_dispatch(rule, args)
        cls._connect_set_portal_company()
        return result

    @classmethod
    def _connect_set_portal_company(cls):
        """A portal login working for several dealer companies sees one at a
        time, the one picked in the portal's switcher: every page, count,
        document and JSON-RPC call of the request is about that company
        (Odoo's multi-company rules read ``allowed_company_ids``). Its access
        level there is held by the areas' rules either way."""
        user = request.env.user
        # one company (nearly every login), or a visitor: nothing to choose
        if len(user.sudo().company_ids) < 2 or not user._is_portal():
            return
        if request.env.context.get("allowed_company_ids"):
            return
        company = user._connect_portal_company(request.session.get(PORTAL_COMPANY_SESSION_KEY))
        if company:
            request.update_context(allowed_company_ids=company.ids)
