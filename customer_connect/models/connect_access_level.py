from odoo import api, fields, models
from odoo.exceptions import UserError

# Each room of the portal owns one flag on the access level. The area's name
# is what its controller, its record rules and its tests ask for
# (``res.users._connect_require(area)``,
# ``user._connect_denied_company_ids(area)``); the flag is what the dealer
# ticks. An addon that brings an area adds its flag to the model and its
# entry here (customer_connect_payments adds "payments": "can_pay").
PORTAL_AREAS = {
    "activity": "can_see_invoices",
    "documents": "can_download",
    "statements": "can_see_statements",
    "disputes": "can_dispute",
    "orders": "can_see_orders",
    "equipment": "can_see_equipment",
    "project_status": "can_see_project_status",
}

# The levels every dealer company starts with (created per company, also for
# companies created later). ``code`` keeps them recognisable after a dealer
# renames them; flags not named are off.
DEFAULT_LEVELS = [
    {
        "code": "full",
        "name": "Full access",
        "sequence": 1,
        "description": "Everything the portal offers.",
        "flags": set(PORTAL_AREAS),
    },
    {
        "code": "accounts_payable",
        "name": "Accounts payable",
        "sequence": 2,
        "description": "The customer's bookkeeper: invoices, statements, payments and disputes.",
        "flags": {"activity", "documents", "statements", "disputes"},
    },
    {
        "code": "status_only",
        "name": "Status only",
        "sequence": 3,
        "description": "Follows orders, equipment and projects; no money.",
        "flags": {"orders", "equipment", "project_status"},
    },
    {
        "code": "payments_only",
        "name": "Payments only",
        "sequence": 4,
        "description": "Sees the invoices to pay and pays them; no downloads or statements.",
        "flags": {"activity"},
    },
]


class CustomerConnectAccessLevel(models.Model):
    """What a customer's contact may see and do in the portal: one flag per
    portal area. Each dealer company has its own levels."""

    _name = "customer_connect.access.level"
    _description = "Customer Connect access level"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        copy=False,
        readonly=True,
        help="Identifies a level shipped with Customer Connect, whatever its name.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        # levels are one dealer's business: another dealer's administrator
        # must not change what this dealer's contacts see
        help="The dealer company whose contacts this level is for.",
    )
    description = fields.Text(translate=True)
    can_see_invoices = fields.Boolean("See invoices and documents", default=True)
    can_download = fields.Boolean("Download and print", default=True)
    can_see_statements = fields.Boolean("See statements")
    can_dispute = fields.Boolean("Raise disputes")
    can_see_orders = fields.Boolean("See orders")
    can_see_equipment = fields.Boolean("See equipment")
    can_see_project_status = fields.Boolean("See project status")
    contact_count = fields.Integer(compute="_compute_contact_count")

    _sql_constraints = (
        (
            "code_company_unique",
            "UNIQUE(code, company_id)",
            "A company has one level of each shipped kind.",
        ),
    )

    def _compute_contact_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("connect_access_level_id", "in", self.ids)],
                ["connect_access_level_id"],
                ["__count"],
            )
        )
        for level in self:
            level.contact_count = counts.get(level, 0)

    @api.model
    def _portal_areas(self):
        """{area: capability field} of the areas installed: the one list
        every check reads. Addons that bring an area extend it."""
        return dict(PORTAL_AREAS)

    def _grants(self, area):
        """Whether this level opens the portal area ``area``.

        An empty recordset is the level of a portal user that Customer Connect
        never configured (made by Odoo's own portal wizard, say): it keeps
        Odoo's standard portal rights, so it grants everything.
        """
        field_name = self._portal_areas()[area]
        if not self:
            return True
        self.ensure_one()
        return bool(self[field_name])

    @api.model
    def _default_levels_values(self):
        """The shipped levels as create values, flags included; an addon that
        brings an area says which shipped levels open it."""
        areas = self._portal_areas()
        return [
            {
                "code": level["code"],
                "name": level["name"],
                "sequence": level["sequence"],
                "description": level["description"],
                **{field: area in level["flags"] for area, field in areas.items()},
            }
            for level in DEFAULT_LEVELS
        ]

    @api.model
    def _open_areas_on_shipped_levels(self, areas):
        """Open ``areas`` on every company's shipped levels (recognised by
        their code, renamed or not) exactly where a new install opens them
        (``_default_levels_values``): what an addon's install on a
        database whose levels exist already, or the migration that brings
        a new area, calls, so an existing dealer's levels get the new area
        as a new dealer's do. Only opens: a level the dealer made, or an
        area a shipped level does not get, is left as it is."""
        fields_by_area = self._portal_areas()
        # levels are configuration, written by the install or the migration
        Level = self.sudo().with_context(active_test=False)
        for vals in self._default_levels_values():
            opened = {fields_by_area[area]: True for area in areas if vals[fields_by_area[area]]}
            if opened:
                Level.search([("code", "=", vals["code"])]).write(opened)

    @api.model
    def _create_company_defaults(self, companies):
        """Give each of ``companies`` the shipped levels it does not have yet."""
        # levels are configuration written by the system for a new company
        Level = self.sudo().with_context(active_test=False)
        existing = {
            (level.company_id.id, level.code)
            for level in Level.search([("company_id", "in", companies.ids), ("code", "!=", False)])
        }
        vals_list = [
            {**vals, "company_id": company.id}
            for company in companies
            for vals in self._default_levels_values()
            if (company.id, vals["code"]) not in existing
        ]
        return Level.create(vals_list)

    @api.model
    def _default_for_company(self, company):
        """The level new portal contacts of ``company`` get: the company's
        chosen default (Settings) when it is active, else Full access, else
        the company's first level."""
        # levels are company configuration; the caller may be the public
        # user completing an invitation
        Level = self.sudo()
        level = company.sudo().connect_default_access_level_id
        if not level.active or level.company_id != company:
            level = Level._level_by_code("full", company).filtered("active") or Level.search(
                [("company_id", "=", company.id)], limit=1
            )
        return level.with_env(self.env)

    @api.model
    def _level_by_code(self, code, company):
        """The shipped level ``code`` of ``company`` (it may have been renamed)."""
        return self.with_context(active_test=False).search(
            [("code", "=", code), ("company_id", "=", company.id)], limit=1
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        # a level in use cannot go: its contacts would fall back to Odoo's
        # full portal rights (the foreign key restricts it too)
        in_use = self.filtered("contact_count")
        if in_use:
            raise UserError(
                self.env._(
                    "%(levels)s is given to contacts; give them another level first.",
                    levels=", ".join(in_use.mapped("name")),
                )
            )

    def write(self, vals):
        if "company_id" in vals and self.filtered(
            lambda level: level.contact_count and level.company_id.id != vals["company_id"]
        ):
            raise UserError(
                self.env._("A level in use cannot move to another company: its contacts stay.")
            )
        res = super().write(vals)
        if set(vals) & (set(self._portal_areas().values()) | {"active"}):
            # record rules read the capabilities and are cached per user
            self.env.registry.clear_cache()
        return res
