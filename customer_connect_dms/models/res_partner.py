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


class ResPartner(models.Model):
    _inherit = "res.partner"

    connect_dms_managed = fields.Boolean(
        "Managed by the DMS",
        copy=False,
        help="The customer (or contact) comes from the dealer management system: its "
        "name, number, address and contact details change there and reach Odoo "
        "with the next import.",
    )

    def _connect_dms_owned_fields(self):
        """The fields the DMS owns on this partner (none if it does not
        manage it)."""
        self.ensure_one()
        if not self.connect_dms_managed:
            return ()
        return DMS_CONTACT_FIELDS if self.parent_id else DMS_CUSTOMER_FIELDS

    @api.model
    def _connect_dms_number_holder(self, number, company):
        """The customer account of ``company`` (or shared) that has customer
        number ``number``, archived ones included; the check runs as
        superuser because a number held by a customer the user cannot read
        is still taken."""
        return (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("ref", "=", number),
                    ("parent_id", "=", False),
                    ("company_id", "in", [company.id, False]),
                ],
                limit=1,
            )
            .sudo(False)
        )

    @api.model
    def _connect_dms_search(self, search_by, text, limit=80):
        """Customer accounts whose name, city, state, number or any of them
        (``search_by`` = name / city / state / number / all) contain
        ``text`` (manual 002), as the user reads them."""
        text = (text or "").strip()
        if len(text) < 3:
            raise UserError(_("Enter at least three characters to search."))
        clauses = {
            "name": [("name", "ilike", text)],
            "city": [("city", "ilike", text)],
            "state": ["|", ("state_id.name", "ilike", text), ("state_id.code", "=ilike", text)],
            "number": [("ref", "ilike", text)],
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
                ("parent_id", "=", False),
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

    @api.constrains("ref", "company_id", "parent_id")
    def _check_dms_customer_number_unique(self):
        accounts = self.filtered(lambda p: p.ref and not p.parent_id)
        if not accounts:
            return
        clashes = self.with_context(active_test=False)._read_group(
            [
                ("ref", "in", accounts.mapped("ref")),
                ("parent_id", "=", False),
                ("company_id", "in", accounts.company_id.ids + [False]),
            ],
            ["ref", "company_id"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        if clashes:
            ref, company, _count = clashes[0]
            holder = (
                self.sudo()
                .with_context(active_test=False)
                .search(
                    [("ref", "=", ref), ("parent_id", "=", False), ("id", "not in", accounts.ids)],
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

    def write(self, vals):
        self._check_dms_owned_fields(vals)
        if vals.get("parent_id") and not self.env.su:
            # a numbered customer filed under another partner no longer holds
            # its number (contacts may share one): a new customer could take
            # it and the next DMS import would land there
            moved = self.filtered(lambda p: p.ref and not p.parent_id)
            if moved and not self.env.user.has_group(
                "customer_connect_dms.group_dms_number_manager"
            ):
                raise AccessError(
                    _(
                        "Only service managers may file a customer that has a customer "
                        "number (%(numbers)s) under another partner.",
                        numbers=", ".join(moved.mapped("ref")),
                    )
                )
        if "ref" in vals and not self.env.su:
            # whatever the partner is at this moment: a customer made a
            # contact for one write (parent_id set, then cleared) keeps its lock
            changed = self.filtered(lambda p: p.ref and p.ref != vals["ref"])
            if changed and not self.env.user.has_group(
                "customer_connect_dms.group_dms_number_manager"
            ):
                raise AccessError(
                    _(
                        "Only service managers may change a customer number that is already "
                        "set (%(numbers)s): it links the customer to the dealer management system.",
                        numbers=", ".join(changed.mapped("ref")),
                    )
                )
        return super().write(vals)
