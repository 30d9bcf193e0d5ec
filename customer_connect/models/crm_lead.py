from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, email_split, html2plaintext

# lines of web leads in the daily status e-mail before "and N more"
DAILY_STATUS_LINES = 20


class CrmLead(models.Model):
    _inherit = "crm.lead"

    connect_web_lead = fields.Boolean(
        "Web lead",
        readonly=True,
        copy=False,
        index=True,
        help="Filed by the public Request Info form of Customer Connect.",
    )
    connect_customer_number = fields.Char(
        "Customer number given",
        readonly=True,
        copy=False,
        help="The customer number the visitor typed in the Request Info form: a claim, "
        "not checked. Converting never attaches the lead to a customer by it.",
    )
    connect_customer_id = fields.Many2one(
        "res.partner",
        "Customer Connect customer",
        copy=False,
        index="btree_not_null",
        domain="[('parent_id', '=', False), ('company_id', 'in', [company_id, False])]",
        help="The customer the lead's contact joins when converted and invited; empty to "
        "find it by the lead's e-mail or create it from the lead.",
    )
    connect_contact_id = fields.Many2one(
        "res.partner",
        "Invited contact",
        readonly=True,
        copy=False,
        help="The contact this lead was converted into and invited to Customer Connect.",
    )

    # ------------------------------------------------------------------
    # Convert and invite
    # ------------------------------------------------------------------
    def _connect_lead_email(self):
        """The lead's one normalized e-mail address, or a refusal."""
        self.ensure_one()
        email = email_normalize(self.email_from or "")
        if not email or len(email_split(self.email_from)) != 1:
            raise UserError(
                self.env._(
                    "%(lead)s has no usable e-mail address (one address is needed) to invite.",
                    lead=self.display_name,
                )
            )
        return email

    def _connect_find_customer(self, email, company):
        """(contact, customer) the lead becomes: the customer staff chose on
        the lead (and its contact with the lead's e-mail), else the customer
        of the company's contacts with that e-mail, else nothing (created).
        What the visitor typed (company name, customer number) never picks
        an existing customer: anyone can type them."""
        _ = self.env._
        Partner = self.env["res.partner"]
        if self.connect_customer_id:
            customer = self.connect_customer_id.commercial_partner_id
            contact = (customer | customer.child_ids).filtered(
                lambda p: p.email_normalized == email
            )[:1]
            return contact, customer
        # as the staff member: their record rules limit what matches
        found = Partner.search(
            [("email_normalized", "=", email), ("company_id", "in", [company.id, False])]
        )
        customers = found.commercial_partner_id
        if len(customers) > 1:
            raise UserError(
                _(
                    "Contacts of several customers have the e-mail %(email)s: choose the "
                    "lead's Customer Connect customer (Request Info tab), then convert.",
                    email=email,
                )
            )
        if found:
            return found.sorted(lambda p: (p == customers, p.id))[:1], customers
        if self.connect_customer_number:
            # the number is not matched: it only stops a duplicate customer
            numbered = Partner.search(
                [
                    ("ref", "=", self.connect_customer_number),
                    ("parent_id", "=", False),
                    ("company_id", "in", [company.id, False]),
                ],
                limit=1,
            )
            if numbered:
                raise UserError(
                    _(
                        "The visitor gave customer number %(number)s, which is %(customer)s. "
                        "If the visitor works there, choose %(customer)s as the lead's Customer "
                        "Connect customer (Request Info tab) and convert; otherwise clear the "
                        "number.",
                        number=self.connect_customer_number,
                        customer=numbered.display_name,
                    )
                )
        return Partner, Partner

    def _connect_create_customer(self, customer, email, company):
        """The contact (and, for a company name without customer, the
        customer) made from the lead, as the staff member (their rights on
        contacts apply). A lead without company name is a private customer,
        their own contact."""
        Partner = self.env["res.partner"].with_company(company)
        if not customer and self.partner_name:
            customer = Partner.create(
                {
                    "name": self.partner_name,
                    "is_company": True,
                    "company_id": company.id,
                    "city": self.city,
                    "customer_rank": 1,
                }
            )
        values = {
            "name": self.contact_name or self.partner_name or email,
            "email": email,
            "phone": self.phone,
            "company_id": company.id,
        }
        if customer:
            values["parent_id"] = customer.id
        else:
            values.update({"city": self.city, "customer_rank": 1})
        contact = Partner.create(values)
        return contact, customer or contact

    def _connect_convert_and_invite(self):
        """Make the lead's customer and contact (or find them), invite the
        contact to Customer Connect with the invitation service, and link
        the lead to them (crm's conversion into an opportunity of that
        contact). One transaction: a refusal leaves nothing behind.

        :return: the invitation service's message
        """
        self.ensure_one()
        _ = self.env._
        self.env["res.partner"]._connect_check_staff()
        self.check_access("write")
        if self.connect_contact_id:
            raise UserError(
                _(
                    "%(lead)s was already converted into %(customer)s.",
                    lead=self.display_name,
                    customer=self.connect_customer_id.display_name,
                )
            )
        email = self._connect_lead_email()
        # logins of every company and archived ones count; users are the
        # system's to read. Logins keep the case they were typed in.
        self.env["res.users"].flush_model(["login"])
        self.env.cr.execute("SELECT 1 FROM res_users WHERE lower(login) = %s LIMIT 1", [email])
        if self.env.cr.fetchone():
            raise UserError(
                _(
                    "%(email)s already signs in (a portal or dealership login): nothing to "
                    "invite. Find its customer in Customer Accounts.",
                    email=email,
                )
            )
        company = self.company_id or self.env.company
        contact, customer = self._connect_find_customer(email, company)
        if contact and contact.connect_login_state != "not_invited":
            raise UserError(
                _(
                    "%(contact)s (%(email)s) was already invited to Customer Connect; "
                    "re-invite from the customer if needed.",
                    contact=contact.display_name,
                    email=email,
                )
            )
        if not contact:
            contact, customer = self._connect_create_customer(customer, email, company)
        _code, message = contact._connect_invite()[contact]
        if self.type == "lead":
            # crm's own conversion: an opportunity of the new contact
            self.convert_opportunity(contact)
        elif self.partner_id != contact:
            self.partner_id = contact
        self.write({"connect_customer_id": customer.id, "connect_contact_id": contact.id})
        self.message_post(
            body=_(
                "Converted into customer %(customer)s; %(contact)s invited to Customer Connect.",
                customer=customer.display_name,
                contact=contact.display_name,
            )
        )
        return message

    def action_connect_convert_invite(self):
        """Convert and invite (button of the lead, dealer staff)."""
        self.ensure_one()
        message = self._connect_convert_and_invite()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Customer Connect"),
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # Daily status e-mail
    # ------------------------------------------------------------------
    @api.model
    def _connect_daily_status_section(self, company, date_from, date_to):
        """The "new web leads" section of the dealer's daily status e-mail
        (manual 003: the e-mail tells the dealer of new web leads).

        :param company: the dealer company (leads of that company only)
        :param date_from: first day (a date, from midnight) or moment (a
            datetime, UTC, included)
        :param date_to: last day (a date, to the end of that day) or moment
            (a datetime, UTC, excluded)
        :return: None without new web leads in the period, else
            {"sequence": 10, "title": str, "lines": [str, ...]}; the lines
            are plain text (what visitors typed: render them escaped, t-out)

        Read with the caller's rights (the daily job runs as the system).
        """
        _ = self.env._
        # a datetime is a date too: test it first
        start = (
            date_from if isinstance(date_from, datetime) else datetime.combine(date_from, time())
        )
        end = date_to if isinstance(date_to, datetime) else datetime.combine(date_to, time())
        if not isinstance(date_to, datetime):
            end += timedelta(days=1)
        domain = [
            ("connect_web_lead", "=", True),
            ("company_id", "=", company.id),
            ("create_date", ">=", start),
            ("create_date", "<", end),
        ]
        count = self.search_count(domain)
        if not count:
            return None
        leads = self.search_fetch(
            domain,
            ["contact_name", "partner_name", "email_from", "phone", "description"],
            order="create_date, id",
            limit=DAILY_STATUS_LINES,
        )
        lines = []
        for lead in leads:
            who = lead.contact_name or lead.email_from or ""
            if lead.partner_name:
                who = f"{who} ({lead.partner_name})"
            contact = ", ".join(filter(None, [lead.email_from, lead.phone]))
            message = " ".join(html2plaintext(lead.description or "").split())
            if len(message) > 100:
                message = message[:99] + "…"
            lines.append(
                _(
                    "%(who)s, %(contact)s: %(message)s",
                    who=who,
                    contact=contact,
                    message=message,
                )
            )
        if count > len(leads):
            lines.append(_("and %(count)s more", count=count - len(leads)))
        return {
            "sequence": 10,
            "title": _("New web leads: %(count)s", count=count),
            "lines": lines,
        }
