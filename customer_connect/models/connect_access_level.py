from odoo import api, fields, models

# One capability per area of the portal; the roadmap's later screens
# (statements, payments, disputes, orders, equipment, project status) read
# the same flags, so a level defined today governs them when they land.
CAPABILITY_FIELDS = (
    "can_see_invoices",
    "can_download",
    "can_see_statements",
    "can_pay",
    "can_dispute",
    "can_see_orders",
    "can_see_equipment",
    "can_see_project_status",
)


class CustomerConnectAccessLevel(models.Model):
    _name = "customer_connect.access.level"
    _description = "Customer Connect access level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to offer the level in every dealer company."
    )
    description = fields.Text(translate=True)
    can_see_invoices = fields.Boolean("See invoices and documents", default=True)
    can_download = fields.Boolean("Download and print", default=True)
    can_see_statements = fields.Boolean("See statements")
    can_pay = fields.Boolean("Make payments")
    can_dispute = fields.Boolean("Raise disputes")
    can_see_orders = fields.Boolean("See orders")
    can_see_equipment = fields.Boolean("See equipment")
    can_see_project_status = fields.Boolean("See project status")
    contact_count = fields.Integer(compute="_compute_contact_count")

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

    def grants(self, capability):
        """Whether this level grants ``capability`` (a name of CAPABILITY_FIELDS).

        An empty recordset is the level of a portal user that Customer Connect
        never configured (made by Odoo's own portal wizard, say): it keeps
        Odoo's standard portal rights, so it grants everything.
        """
        assert capability in CAPABILITY_FIELDS, capability
        if not self:
            return True
        self.ensure_one()
        return bool(self[capability])

    @api.model
    def _default_for_company(self, company):
        """The level new portal contacts of ``company`` get: the one chosen in
        Settings when it is offered in that company, else the company's
        first level, else Full access."""
        offered = [("company_id", "in", (company.id, False))]
        level_id = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_connect.default_access_level_id")
        )
        # levels are shared configuration; the caller may not read them all
        Level = self.sudo()
        level = Level.browse(int(level_id)).exists() if level_id else Level
        if level and not level.filtered_domain(offered + [("active", "=", True)]):
            level = Level
        return (
            level
            or Level.search(offered, limit=1)
            or self.env.ref("customer_connect.access_level_full", raise_if_not_found=False)
            or Level
        ).with_env(self.env)

    def write(self, vals):
        res = super().write(vals)
        if set(vals) & (set(CAPABILITY_FIELDS) | {"active"}):
            # record rules read the capabilities and are cached per user
            self.env.registry.clear_cache()
        return res
