from lxml import etree

from odoo import models


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        # Odoo compiles a mail template's body anew for each record it renders
        # (a template given as an etree has no cache key): a bulk invitation
        # of 2,000 contacts compiled the same body 2,000 times, a fifth of
        # the job (tests/bench/bench_bulk_invite.py). Customer Connect's sends
        # ask, by context, for the compiled body to be reused within the
        # transaction; the key holds everything compilation depends on,
        # including the restricted-rendering check made while compiling.
        if not self.env.context.get("connect_reuse_compiled_qweb") or not isinstance(
            template, etree._Element
        ):
            return super()._compile(template)
        key = (
            etree.tostring(template),
            self.env.context.get("raise_on_forbidden_code_for_model"),
            tuple(self.env.context.get(k) for k in self._get_template_cache_keys()),
        )
        compiled = self.env.cr.cache.setdefault("customer_connect.compiled_qweb", {})
        if key not in compiled:
            compiled[key] = super()._compile(template)
        return compiled[key]
