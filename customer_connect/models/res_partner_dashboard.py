from odoo import api, models
from odoo.osv import expression
from odoo.tools import sql

# Set in the context by the Customer Accounts action, so that what is tuned
# here for the dashboard stays out of the other partner views.
DASHBOARD_CONTEXT_KEY = "connect_dashboard"

# The action's domain (parent_id = False, customer_rank > 0) and the ORM's
# active test: PostgreSQL uses a partial index only for queries that imply
# its predicate.
ACCOUNT_PREDICATE = "active AND parent_id IS NULL AND customer_rank > 0"


# A file of its own rather than res_partner.py (being reshaped on another
# branch): the dashboard's indexes and search panel tuning do not touch the
# portal logic there, and the two then merge without conflict.
class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def init(self):
        result = super().init()
        # Each page of the dashboard counts the customer accounts three times
        # (total, per state, per company), each query filtered by the
        # multi-company record rule on partner_share and company_id. With every
        # column these queries read in a partial index, they are index-only
        # scans of the 100,000 accounts rather than heap reads among 400,000
        # partners: 2,495 -> 90 buffers; server CPU per query: total 38 -> 16
        # ms, per state 67 -> 20 ms, per company 50 -> 18 ms
        # (tests/bench/bench_dashboard.py). An earlier index on (company_id,
        # connect_state) without partner_share was left unused by PostgreSQL:
        # the rule needed the heap. The state leads one index so the per-state
        # count reads it in order; one index for both cost 7 to 9 ms more.
        # Each takes about 0.4 s to build on the bench's 400,000 partners.
        sql.create_index(
            self.env.cr,
            "res_partner_connect_account_state_idx",
            self._table,
            ["connect_state", "company_id", "partner_share"],
            where=ACCOUNT_PREDICATE,
        )
        sql.create_index(
            self.env.cr,
            "res_partner_connect_account_company_idx",
            self._table,
            ["company_id", "partner_share"],
            where=ACCOUNT_PREDICATE,
        )
        return result

    @api.model
    def _search_panel_domain_image(self, field_name, domain, set_count=False, limit=False):
        """Values of ``field_name`` among the records of ``domain``, exactly
        as Odoo's; in the Customer Accounts dashboard, the many2one values are
        counted per column value and ordered afterwards."""
        field = self._fields[field_name]
        if not self.env.context.get(DASHBOARD_CONTEXT_KEY) or field.type != "many2one":
            return super()._search_panel_domain_image(
                field_name, domain, set_count=set_count, limit=limit
            )
        # Odoo's read_group orders the groups by the comodel's order, joining
        # res_company to each of the 100,000 accounts before grouping: 37.5 ms
        # of server CPU, 20 ms without the join (bench_dashboard.py). The few
        # groups are put in that same order by one query on the comodel, and
        # the limit cut after it, as Odoo's SQL does.
        groups = self._read_group(
            expression.AND([domain, [(field_name, "!=", False)]]), [field_name], ["__count"]
        )
        counts = {value.id: count for value, count in groups}
        # sudo and archived ones too, as Odoo's join and its display names
        comodel = self.env[field.comodel_name].sudo().with_context(active_test=False)
        ordered = comodel.browse(counts).sorted()
        if limit:
            ordered = ordered[:limit]
        image = {}
        for value in ordered:
            image[value.id] = {"id": value.id, "display_name": value.display_name}
            if set_count:
                image[value.id]["__count"] = counts[value.id]
        return image
