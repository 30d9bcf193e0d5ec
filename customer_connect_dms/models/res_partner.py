from odoo import _, api, models
from odoo.exceptions import AccessError, ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

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
            raise ValidationError(
                _(
                    "Customer number %(number)s is already used by another customer "
                    "of %(company)s.",
                    number=ref,
                    company=company.name or _("all companies"),
                )
            )

    def write(self, vals):
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
