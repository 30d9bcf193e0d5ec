from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

SEARCH_MIN_CHARS = 3
SEARCH_LIMIT = 80


class DmsCustomerSearch(models.TransientModel):
    """Manual 002: find a customer by name, city, state, number or all of
    them (three characters at least); if none matches, New Customer."""

    _name = "customer_connect_dms.customer.search"
    _description = "Customer search"

    search_by = fields.Selection(
        [
            ("name", "Name"),
            ("city", "City"),
            ("state", "State"),
            ("number", "Number"),
            ("all", "All"),
        ],
        default="all",
        required=True,
    )
    search_text = fields.Char("Search")
    result_ids = fields.Many2many(
        "res.partner", compute="_compute_result_ids", string="Customers found"
    )
    result_message = fields.Char(compute="_compute_result_ids")

    @api.depends("search_by", "search_text")
    def _compute_result_ids(self):
        Partner = self.env["res.partner"]
        for wizard in self:
            text = (wizard.search_text or "").strip()
            if len(text) < SEARCH_MIN_CHARS:
                wizard.result_ids = Partner
                wizard.result_message = self.env._(
                    "Enter at least %(count)s characters.", count=SEARCH_MIN_CHARS
                )
                continue
            found = Partner._connect_dms_search(wizard.search_by, text, limit=SEARCH_LIMIT)
            wizard.result_ids = found
            wizard.result_message = (
                self.env._("No customer matches: create it with New Customer.")
                if not found
                else self.env._("%(count)s customers found.", count=len(found))
            )

    def action_new_customer(self):
        """Open New Customer, with the number or name searched for."""
        self.ensure_one()
        text = (self.search_text or "").strip()
        context = {}
        if self.search_by == "number":
            context["default_number"] = text
        elif self.search_by == "name":
            context["default_name"] = text
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer_connect_dms.customer.new",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }


class DmsCustomerNew(models.TransientModel):
    """Manual 002's New Customer: company name and customer number (as in
    the DMS) required, address and contact details optional."""

    _name = "customer_connect_dms.customer.new"
    _description = "New customer"

    name = fields.Char("Company name", required=True)
    number = fields.Char("Customer #", required=True, help="As it appears in your business system.")
    street = fields.Char()
    street2 = fields.Char()
    city = fields.Char()
    state_id = fields.Many2one("res.country.state", domain="[('country_id', '=?', country_id)]")
    zip = fields.Char("Postal code")
    country_id = fields.Many2one("res.country", default=lambda self: self.env.company.country_id)
    email = fields.Char("E-mail")
    phone = fields.Char()
    phone_extension = fields.Char("Extension")
    fax = fields.Char()

    def action_create(self):
        """Create the customer and open it; a number another customer holds
        is refused, naming that customer."""
        self.ensure_one()
        number = self.number.strip()
        holder = self.env["res.partner"]._connect_dms_number_holder(number, self.env.company)
        if holder:
            raise UserError(
                self.env._(
                    "Customer number %(number)s is already the number of %(customer)s.",
                    number=number,
                    customer=holder.display_name,
                )
            )
        phone = self.phone
        if phone and self.phone_extension:
            phone = f"{phone} ext. {self.phone_extension}"
        comment = self.env._("Fax: %(fax)s", fax=self.fax) if self.fax else False
        try:
            partner = self.env["res.partner"].create(
                {
                    "name": self.name,
                    "ref": number,
                    "is_company": True,
                    "customer_rank": 1,
                    "company_id": self.env.company.id,
                    "street": self.street,
                    "street2": self.street2,
                    "city": self.city,
                    "state_id": self.state_id.id,
                    "zip": self.zip,
                    "country_id": self.country_id.id,
                    "email": self.email,
                    "phone": phone,
                    "comment": comment,
                }
            )
        except ValidationError as error:
            raise UserError(str(error)) from None
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": partner.id,
            "view_mode": "form",
            "target": "current",
        }
