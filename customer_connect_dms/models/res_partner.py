from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# Fields the dealer management system owns on the customers and contacts it
# manages: Odoo's forms and the portal profile show them read-only and only
# an import (or the connector API) changes them.
DMS_CUSTOMER_FIELDS = (
    "name",
    "ref",
    "street",
    "street2",
    "city",
    "zip",
    "state_id",
    "country_id",
    "email",
    "phone",
    "mobile",
    "vat",
)
DMS_CONTACT_FIELDS = ("name", "email", "phone", "mobile", "function")

# Partners that hold a customer number: customer accounts (no parent) and
# fleet locations (a company under its fleet owner, Odoo's company-under-
# company structure). Contacts may carry their customer's number in ``ref``
# without holding it.
NUMBER_HOLDERS = ["|", ("parent_id", "=", False), ("is_company", "=", True)]


class ResPartner(models.Model):
    _inherit = "res.partner"

    connect_dms_managed = fields.Boolean(
        "Managed by the DMS",
        copy=False,
        help="The customer (or contact) comes from the dealer management system: its "
        "name, number, address and contact details change there and reach Odoo "
        "with the next import.",
    )
    # fleet customers (manual 002): an owner with several locations, each a
    # company under the owner with its own customer number or sharing the
    # owner's; a local customer is a customer account without locations
    connect_dms_number = fields.Char(
        "Customer #",
        compute="_compute_connect_dms_fleet",
        help="The customer number: the partner's own, or its fleet owner's for a location "
        "that shares it.",
    )
    connect_dms_fleet_role = fields.Selection(
        [("owner", "Fleet"), ("location", "Fleet location"), ("local", "Local")],
        "Fleet / Local",
        compute="_compute_connect_dms_fleet",
    )
    connect_dms_fleet_owner_id = fields.Many2one(
        "res.partner",
        "Fleet owner",
        compute="_compute_connect_dms_fleet",
        inverse="_inverse_connect_dms_fleet_owner",
        domain="[('is_company', '=', True), ('parent_id', '=', False), ('id', '!=', id)]",
        help="The fleet customer this location belongs to. Its contacts see the location's "
        "invoices in the portal; the location's contacts see the location's only.",
    )
    connect_dms_location_ids = fields.One2many(
        "res.partner",
        "parent_id",
        "Locations",
        domain=[("is_company", "=", True)],
        context={"active_test": False},
    )

    def _connect_dms_is_location(self):
        self.ensure_one()
        return bool(self.parent_id and self.is_company)

    def _connect_dms_holds_number(self):
        """Whether this partner holds its ``ref`` as a customer number."""
        self.ensure_one()
        return bool(self.ref and (not self.parent_id or self.is_company))

    @api.depends("ref", "parent_id", "parent_id.ref", "is_company", "child_ids.is_company")
    def _compute_connect_dms_fleet(self):
        for partner in self:
            location = partner._connect_dms_is_location()
            partner.connect_dms_fleet_owner_id = partner.parent_id if location else False
            if location:
                partner.connect_dms_number = partner.ref or partner.parent_id.ref
                partner.connect_dms_fleet_role = "location"
            elif partner.parent_id:
                partner.connect_dms_number = partner.ref
                partner.connect_dms_fleet_role = False
            else:
                partner.connect_dms_number = partner.ref
                partner.connect_dms_fleet_role = (
                    "owner" if partner.child_ids.filtered("is_company") else "local"
                )

    def _inverse_connect_dms_fleet_owner(self):
        for partner in self:
            owner = partner.connect_dms_fleet_owner_id
            if owner == (partner.parent_id if partner._connect_dms_is_location() else False):
                continue
            if owner:
                # a location is a company under its owner, with its own
                # address (an "other address": Odoo copies the parent's
                # address onto "contact" children)
                vals = {"parent_id": owner.id, "is_company": True}
                if partner.type == "contact":
                    vals["type"] = "other"
                partner.write(vals)
            else:
                partner.write({"parent_id": False, "type": "contact"})

    def _connect_dms_owned_fields(self):
        """The fields the DMS owns on this partner (none if it does not
        manage it)."""
        self.ensure_one()
        if not self.connect_dms_managed:
            return ()
        if self.parent_id and not self.is_company:
            return DMS_CONTACT_FIELDS
        return DMS_CUSTOMER_FIELDS

    @api.model
    def _connect_dms_number_holder(self, number, company):
        """The customer account or fleet location of ``company`` (or shared)
        that has customer number ``number``, archived ones included; the
        check runs as superuser because a number held by a customer the user
        cannot read is still taken."""
        # sudo: see the docstring (a number held by an unreadable customer is taken)
        return (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("ref", "=", number),
                    *NUMBER_HOLDERS,
                    ("company_id", "in", [company.id, False]),
                ],
                limit=1,
            )
            .sudo(False)
        )

    @api.model
    def _connect_dms_search(self, search_by, text, limit=80):
        """Customer accounts and fleet locations whose name, city, state,
        number or any of them (``search_by`` = name / city / state / number /
        all) contain ``text`` (manual 002), as the user reads them. A
        location that shares its owner's number is found by that number."""
        text = (text or "").strip()
        if len(text) < 3:
            raise UserError(_("Enter at least three characters to search."))
        clauses = {
            "name": [("name", "ilike", text)],
            "city": [("city", "ilike", text)],
            "state": ["|", ("state_id.name", "ilike", text), ("state_id.code", "=ilike", text)],
            "number": [
                "|",
                ("ref", "ilike", text),
                "&",
                ("ref", "=", False),
                ("parent_id.ref", "ilike", text),
            ],
        }
        if search_by == "all":
            domain = [
                "|",
                "|",
                "|",
                *clauses["name"],
                *clauses["city"],
                *clauses["state"],
                *clauses["number"],
            ]
        else:
            domain = clauses[search_by]
        return self.search(
            [
                *NUMBER_HOLDERS,
                ("company_id", "in", [self.env.company.id, False]),
                *domain,
            ],
            limit=limit,
            order="name, id",
        )

    def _connect_dms_portal_locked_fields(self):
        """Fields the portal profile of this partner shows read-only: what
        the DMS owns on it, and the address and tax ID of a contact whose
        customer the DMS manages (Odoo copies them from the customer)."""
        self.ensure_one()
        locked = set(self._connect_dms_owned_fields())
        commercial = self.commercial_partner_id
        if commercial != self and commercial.connect_dms_managed:
            locked |= {"street", "street2", "city", "zip", "state_id", "country_id", "vat"}
            locked.add("company_name")
        elif self.connect_dms_managed:
            locked.add("company_name")
        return locked

    def _dms_value_changes(self, name, value):
        current = self[name]
        if self._fields[name].type == "many2one":
            return current.id != (value or False)
        return (current or False) != (value or False)

    def _check_dms_owned_fields(self, vals):
        """Refuse a change, made outside an import, to a field the DMS owns."""
        if self.env.su:
            return
        # the import's context alone is no pass (a JSON-RPC caller sets any
        # context): only those who may import may write as an import
        if self.env.context.get("connect_dms_import") and self.env.user.has_group(
            "customer_connect_dms.group_dms_number_manager"
        ):
            return
        for partner in self.filtered("connect_dms_managed"):
            owned = [
                name
                for name in partner._connect_dms_owned_fields()
                if name in vals and partner._dms_value_changes(name, vals[name])
            ]
            if owned:
                raise UserError(
                    _(
                        "%(partner)s is managed by the dealer management system: change "
                        "%(fields)s there, the next import brings it here.",
                        partner=partner.display_name,
                        fields=", ".join(partner._fields[n].string for n in owned),
                    )
                )

    # The customer number as it is in the dealer management system lives in
    # Odoo's own (indexed) ``ref``: the dashboard, invoices and reports
    # already show it, and the DMS imports key customers on it.

    @api.constrains("ref", "company_id", "parent_id", "is_company")
    def _check_dms_customer_number_unique(self):
        """One holder per number and dealer company, among customer accounts
        and fleet locations (a location sharing its owner's number has no
        ``ref`` of its own)."""
        accounts = self.filtered(lambda p: p._connect_dms_holds_number())
        if not accounts:
            return
        clashes = self.with_context(active_test=False)._read_group(
            [
                ("ref", "in", accounts.mapped("ref")),
                *NUMBER_HOLDERS,
                ("company_id", "in", accounts.company_id.ids + [False]),
            ],
            ["ref", "company_id"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        if clashes:
            ref, company, _count = clashes[0]
            # sudo: a clashing number's holder may be a customer the user cannot read
            holder = (
                self.sudo()
                .with_context(active_test=False)
                .search(
                    [("ref", "=", ref), *NUMBER_HOLDERS, ("id", "not in", accounts.ids)],
                    limit=1,
                )
            )
            raise ValidationError(
                _(
                    "Customer number %(number)s is already used by %(holder)s (%(company)s).",
                    number=ref,
                    holder=holder.display_name or _("another customer"),
                    company=company.name or _("all companies"),
                )
            )

    def _connect_dms_filed(self, vals):
        """The numbered customers and locations of ``self`` whose parent
        ``vals`` changes."""
        if "parent_id" not in vals:
            return self.browse()
        return self.filtered(
            lambda p: (
                p._connect_dms_holds_number() and p.parent_id.id != (vals["parent_id"] or False)
            )
        )

    def write(self, vals):
        # numbered companies filed under a partner become its locations
        filed = (
            self._connect_dms_filed(vals).filtered(lambda p: vals.get("is_company", p.is_company))
            if vals.get("parent_id")
            else self.browse()
        )
        if filed and filed != self:
            # the numbered ones become locations (below): written apart
            return (self - filed).write(vals) and filed.write(vals)
        self._check_dms_owned_fields(vals)
        manager = self.env.su or self.env.user.has_group(
            "customer_connect_dms.group_dms_number_manager"
        )
        # a numbered customer filed under another partner, or a numbered
        # location moved to another owner or out of its fleet, changes the
        # DMS's structure (contacts may share a number and move freely)
        moved = self._connect_dms_filed(vals)
        if moved and not manager:
            raise AccessError(
                _(
                    "Only service managers may file a customer that has a customer "
                    "number (%(numbers)s) under another partner.",
                    numbers=", ".join(moved.mapped("ref")),
                )
            )
        if filed:
            # filed under a partner, a numbered company becomes a fleet
            # location of it: a company under it that keeps its number (no
            # new customer can take it) and its own address (Odoo copies the
            # parent's address onto "contact" children). A numbered person
            # filed under a partner becomes its contact, as in Odoo, and no
            # longer holds the number: a service manager's decision.
            vals = {"type": "other", **vals}
        if vals.get("is_company") is False and not manager:
            # a numbered location made a person would free its number
            demoted = self.filtered(lambda p: p._connect_dms_holds_number() and p.parent_id)
            if demoted:
                raise AccessError(
                    _(
                        "Only service managers may make a fleet location that has a customer "
                        "number (%(numbers)s) a contact.",
                        numbers=", ".join(demoted.mapped("ref")),
                    )
                )
        if "ref" in vals and not self.env.su:
            # whatever the partner is at this moment: a customer made a
            # contact for one write (parent_id set, then cleared) keeps its lock
            changed = self.filtered(lambda p: p.ref and p.ref != vals["ref"])
            if changed and not manager:
                raise AccessError(
                    _(
                        "Only service managers may change a customer number that is already "
                        "set (%(numbers)s): it links the customer to the dealer management system.",
                        numbers=", ".join(changed.mapped("ref")),
                    )
                )
        return super().write(vals)
