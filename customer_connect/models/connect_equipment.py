import logging
import math
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import MissingError, UserError, ValidationError
from odoo.tools import email_normalize, float_compare, format_date
from odoo.tools.misc import formatLang

_logger = logging.getLogger(__name__)

# Portal list: sortable columns (the ORM order each one sorts on, never input)
EQUIPMENT_SORTS = {
    "name": ("make", "model_name"),
    "serial": ("serial_number",),
    "year": ("year",),
    "hours": ("hours",),
    "warranty": ("warranty_end",),
    "service": ("next_service_date",),
}
EQUIPMENT_FILTERS = ("all", "warranty", "service_soon", "service_overdue")
EQUIPMENT_PAGE = 20
# "Service due soon" in the portal and in the dealer's filter: within a month
SERVICE_SOON_DAYS = 30
# Reminders: how many days ahead when the dealer has not said (Settings)
DEFAULT_WARRANTY_REMINDER_DAYS = 30
DEFAULT_SERVICE_REMINDER_DAYS = 14
# A meter reading above this is a typing error, not a machine
MAX_HOURS = 1_000_000


class CustomerConnectEquipment(models.Model):
    """A machine a customer owns, as the dealer management system knows it:
    make, model, serial number, hours, warranty and service dates, and its
    documents (manuals, service reports: the files attached to it).

    Dealer staff keep it; the customer's contacts whose level opens the
    equipment area see their own customer's machines in the portal, report
    hours readings and get warranty and service reminders."""

    _name = "customer_connect.equipment"
    _description = "Customer Connect equipment"
    _inherit = "mail.thread"
    _order = "partner_id, make, model_name, id"
    _check_company_auto = True
    _rec_names_search = ("name", "serial_number", "dms_key")

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        help="The customer account that owns the machine (a contact given "
        "here is replaced by its company).",
    )
    company_id = fields.Many2one(
        "res.company",
        "Dealer company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    make = fields.Char(tracking=True)
    model_name = fields.Char("Model", tracking=True)
    serial_number = fields.Char(index="btree_not_null", tracking=True, copy=False)
    year = fields.Integer(help="Model year")
    hours = fields.Float(
        digits=(16, 1), tracking=True, help="The latest reading of the hour meter."
    )
    hours_date = fields.Date("Hours read on", tracking=True)
    purchase_date = fields.Date()
    warranty_end = fields.Date("Warranty ends", index="btree_not_null", tracking=True)
    next_service_date = fields.Date("Next service due", index="btree_not_null", tracking=True)
    notes = fields.Text(help="Shown to the customer in the portal.")
    active = fields.Boolean(default=True)
    dms_key = fields.Char(
        "DMS key",
        copy=False,
        index="btree_not_null",
        help="The machine's key in the dealer management system: imports "
        "update the machine that has it.",
    )
    warranty_reminded_for = fields.Date(
        "Warranty reminder sent for",
        copy=False,
        readonly=True,
        help="The warranty end date the customer was last reminded of.",
    )
    service_reminded_for = fields.Date(
        "Service reminder sent for",
        copy=False,
        readonly=True,
        help="The service due date the customer was last reminded of.",
    )
    warranty_state = fields.Selection(
        [("none", "No warranty"), ("active", "Under warranty"), ("expired", "Expired")],
        compute="_compute_states",
    )
    service_state = fields.Selection(
        [
            ("none", "Not planned"),
            ("planned", "Planned"),
            ("soon", "Due soon"),
            ("overdue", "Overdue"),
        ],
        compute="_compute_states",
    )
    document_count = fields.Integer("Documents", compute="_compute_document_count")

    _sql_constraints = (
        (
            "dms_key_company_unique",
            "UNIQUE(company_id, dms_key)",
            "Each machine of a company has its own DMS key.",
        ),
    )

    @api.depends("make", "model_name", "serial_number")
    def _compute_name(self):
        for machine in self:
            label = " ".join(filter(None, [machine.make, machine.model_name]))
            if machine.serial_number:
                label = self.env._(
                    "%(label)s (S/N %(serial)s)", label=label or "-", serial=machine.serial_number
                )
            machine.name = label or self.env._("Machine")

    @api.depends("warranty_end", "next_service_date")
    def _compute_states(self):
        today = fields.Date.context_today(self)
        for machine in self:
            if not machine.warranty_end:
                machine.warranty_state = "none"
            else:
                machine.warranty_state = "active" if machine.warranty_end >= today else "expired"
            due = machine.next_service_date
            if not due:
                machine.service_state = "none"
            elif due < today:
                machine.service_state = "overdue"
            elif due <= today + timedelta(days=SERVICE_SOON_DAYS):
                machine.service_state = "soon"
            else:
                machine.service_state = "planned"

    def _compute_document_count(self):
        counts = self._connect_document_counts()
        for machine in self:
            machine.document_count = counts.get(machine.id, 0)

    # ------------------------------------------------------------------
    # Keys and constraints
    # ------------------------------------------------------------------
    @api.model
    def _clean_vals(self, vals):
        """Keys and serial numbers without stray spaces (an empty one is no
        key); a contact given as the owner stands for its customer."""
        vals = dict(vals)
        for name in ("dms_key", "serial_number"):
            if name in vals:
                vals[name] = (vals[name] or "").strip() or False
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._clean_vals(vals) for vals in vals_list]
        for vals in vals_list:
            if vals.get("dms_key"):
                company_id = vals.get("company_id") or self.env.company.id
                self._check_dms_key_free(vals["dms_key"], company_id)
        return super().create(vals_list)

    def write(self, vals):
        vals = self._clean_vals(vals)
        if vals.get("dms_key") or (vals.get("company_id") and any(self.mapped("dms_key"))):
            for machine in self:
                key = vals.get("dms_key", machine.dms_key)
                if key:
                    company_id = vals.get("company_id") or machine.company_id.id
                    self._check_dms_key_free(key, company_id, machine)
        return super().write(vals)

    @api.model
    def _check_dms_key_free(self, key, company_id, machine=None):
        """Refuse, naming the machine that has it, a DMS key already given
        in the company (archived machines keep theirs: an import finds them
        again). Checked before writing: the SQL constraint holds the line
        for two imports at once, with a less helpful message."""
        domain = [("company_id", "=", company_id), ("dms_key", "=", key)]
        if machine:
            domain.append(("id", "!=", machine.id))
        # a machine of a customer the user cannot read still holds its key
        holder = self.sudo().with_context(active_test=False).search(domain, limit=1)
        if holder:
            raise ValidationError(
                self.env._(
                    "DMS key %(key)s is already the key of %(machine)s (%(customer)s).",
                    key=key,
                    machine=holder.display_name,
                    customer=holder.partner_id.display_name,
                )
            )

    @api.constrains("serial_number", "company_id", "active")
    def _check_serial_number_unique(self):
        for machine in self.filtered(lambda m: m.serial_number and m.active):
            # serial numbers compare without case: "ab123" is "AB123"
            serial = machine.serial_number.replace("\\", "\\\\")
            serial = serial.replace("%", "\\%").replace("_", "\\_")
            # sudo: a machine of a customer the user cannot read still holds it
            holder = self.sudo().search(
                [
                    ("company_id", "=", machine.company_id.id),
                    ("serial_number", "=ilike", serial),
                    ("id", "!=", machine.id),
                ],
                limit=1,
            )
            if holder:
                raise ValidationError(
                    self.env._(
                        "Serial number %(serial)s is already used by %(machine)s of "
                        "%(customer)s. Archive that machine first if it changed hands.",
                        serial=machine.serial_number,
                        machine=holder.display_name,
                        customer=holder.partner_id.display_name,
                    )
                )

    @api.constrains("hours", "year")
    def _check_numbers(self):
        for machine in self:
            if machine.hours < 0 or machine.hours > MAX_HOURS:
                raise ValidationError(
                    self.env._(
                        "The hours of %(machine)s must be between 0 and 1,000,000.",
                        machine=machine.display_name,
                    )
                )
            if machine.year and not 1900 <= machine.year <= 2200:
                raise ValidationError(
                    self.env._("%(year)s is not a model year.", year=machine.year)
                )

    # ------------------------------------------------------------------
    # Documents: the files attached to the machine
    # ------------------------------------------------------------------
    def _connect_internal_attachment_ids(self):
        """Ids of the files posted on internal notes of these machines: they
        stay the dealer's, whatever the record's readers."""
        if not self:
            return []
        self.env["mail.message"].flush_model(["model", "res_id", "is_internal", "subtype_id"])
        self.env["mail.message.subtype"].flush_model(["internal"])
        # the message-to-file link has no ORM path from the file's side
        self.env.cr.execute(
            """
            SELECT rel.attachment_id
              FROM message_attachment_rel rel
              JOIN mail_message m ON m.id = rel.message_id
              LEFT JOIN mail_message_subtype s ON s.id = m.subtype_id
             WHERE m.model = %s AND m.res_id = ANY(%s)
               AND (m.is_internal OR COALESCE(s.internal, FALSE))
            """,
            [self._name, list(self.ids)],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _connect_documents_domain(self):
        """The machines' documents: the files attached to them (by the
        dealer, in the chatter), not those of internal notes."""
        return [
            ("res_model", "=", self._name),
            ("res_id", "in", self.ids),
            ("res_field", "=", False),
            ("type", "=", "binary"),
            ("id", "not in", self._connect_internal_attachment_ids()),
        ]

    def _connect_document_counts(self):
        """{machine id: number of documents}, in two queries for any number."""
        if not self.ids:
            return {}
        # files are read by their machine's rules (checked by the callers)
        groups = (
            self.env["ir.attachment"]
            .sudo()
            ._read_group(self._connect_documents_domain(), ["res_id"], ["__count"])
        )
        return dict(groups)

    def _connect_documents_sudo(self):
        """The documents of this machine, as the system: the caller checked
        that the current user may read the machine."""
        self.ensure_one()
        self.check_access("read")
        # sudo: the machine's documents, after check_access above (a portal login
        # cannot search attachments)
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(self._connect_documents_domain(), order="create_date desc, id desc")
        )

    # ------------------------------------------------------------------
    # Portal: the contact's machines (record rules hold the line: its own
    # customers' machines, in companies whose level opens equipment)
    # ------------------------------------------------------------------
    @api.model
    def _connect_portal_domain(self, filterby="all", search=""):
        """The portal list's filter and search, as a domain; the record rules
        add whose machines they are."""
        today = fields.Date.context_today(self)
        domain = []
        if filterby == "warranty":
            domain.append(("warranty_end", ">=", today))
        elif filterby == "service_soon":
            domain += [
                ("next_service_date", ">=", today),
                ("next_service_date", "<=", today + timedelta(days=SERVICE_SOON_DAYS)),
            ]
        elif filterby == "service_overdue":
            domain.append(("next_service_date", "<", today))
        if search:
            domain += [
                "|",
                "|",
                ("make", "ilike", search),
                ("model_name", "ilike", search),
                ("serial_number", "ilike", search),
            ]
        return domain

    @api.model
    def _connect_portal_page(
        self,
        filterby="all",
        search="",
        sort="name",
        descending=False,
        offset=0,
        limit=EQUIPMENT_PAGE,
    ):
        """One page of the current contact's machines: (machines, count of
        all matching, {machine id: number of documents}); a fixed number of
        queries whatever the number of machines."""
        self.env.user._connect_require("equipment")
        domain = self._connect_portal_domain(filterby, search)
        direction = "desc nulls last" if descending else "asc nulls last"
        # the order is made of this module's constants only
        order = ", ".join(
            f"{name} {direction}" for name in (*EQUIPMENT_SORTS.get(sort, ("make",)), "id")
        )
        machines = self.search(domain, order=order, offset=offset, limit=limit)
        count = self.search_count(domain)
        machines.fetch(
            [
                "name",
                "make",
                "model_name",
                "serial_number",
                "year",
                "hours",
                "hours_date",
                "warranty_end",
                "next_service_date",
            ]
        )
        return machines, count, machines._connect_document_counts()

    @api.model
    def _connect_portal_count(self):
        """How many machines the current contact sees (the portal home)."""
        if not self.env.user._connect_grants("equipment"):
            return 0
        return self.search_count([])

    @api.model
    def _connect_portal_machine(self, equipment_id):
        """The machine ``equipment_id`` when the current contact may see it;
        MissingError (404) or AccessError (403) otherwise."""
        self.env.user._connect_require("equipment")
        machine = self.browse(int(equipment_id)).exists()
        if not machine:
            raise MissingError(self.env._("This machine does not exist."))
        machine.check_access("read")
        return machine

    def _connect_portal_document(self, attachment_id):
        """The document ``attachment_id`` of this machine, as the system, for
        a contact who may see the machine; MissingError when the file is not
        one of this machine's documents (another machine's, an internal
        note's, or no file at all)."""
        self.ensure_one()
        self.env.user._connect_require("equipment")
        self.check_access("read")
        # the machine's rules were checked just above: its documents follow
        document_sudo = (
            self.env["ir.attachment"]
            .sudo()
            .search(self._connect_documents_domain() + [("id", "=", int(attachment_id))])
        )
        if not document_sudo:
            raise MissingError(self.env._("This document does not exist."))
        return document_sudo

    @api.model
    def _connect_parse_hours(self, text):
        """A meter reading typed by a person: 1250, 1250.5, 1,250.5 or 1250,5."""
        text = str(text or "").strip().replace(" ", "")
        if text.count(",") == 1 and "." not in text and len(text.split(",")[1]) != 3:
            text = text.replace(",", ".")  # a decimal comma
        else:
            text = text.replace(",", "")  # thousands separators
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or not math.isfinite(value) or not 0 <= value <= MAX_HOURS:
            raise UserError(self.env._("Enter the hours as a number, for example 1250 or 1250.5."))
        return round(value, 1)

    def _connect_report_hours(self, text):
        """The current portal contact reports this machine's hour meter: a
        number not lower than the last reading. Recorded on the machine, in
        its chatter (in the contact's name) and in the dealer's timeline."""
        self.ensure_one()
        user = self.env.user
        user._connect_require("equipment")
        self.check_access("read")
        hours = self._connect_parse_hours(text)
        if float_compare(hours, self.hours, precision_digits=1) < 0:
            raise UserError(
                self.env._(
                    "The last reading of %(machine)s is %(last)s hours (%(date)s): a new reading "
                    "cannot be lower. If the meter was replaced, please tell us.",
                    machine=self.display_name,
                    last=formatLang(self.env, self.hours, digits=1),
                    date=format_date(self.env, self.hours_date) if self.hours_date else "-",
                )
            )
        today = fields.Date.context_today(self)
        previous = self.hours
        # the contact may read the machine (checked above) but not write it:
        # only its reading goes in, through this method
        machine_sudo = self.sudo().with_context(mail_notrack=True)
        machine_sudo.write({"hours": hours, "hours_date": today})
        machine_sudo.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Hours reading reported in the portal: %(hours)s h (previously %(previous)s h).",
                hours=formatLang(self.env, hours, digits=1),
                previous=formatLang(self.env, previous, digits=1),
            ),
            author_id=user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.env["customer_connect.portal.event"]._record("equipment_hours", self)
        return hours

    # ------------------------------------------------------------------
    # Warranty and service reminders
    # ------------------------------------------------------------------
    @api.model
    def _connect_reminder_days(self):
        """(warranty, service): how many days ahead the customers are
        reminded (Settings)."""
        # sudo: a setting (ir.config_parameter is readable by the system only)
        params = self.env["ir.config_parameter"].sudo()

        def days(key, default):
            try:
                return max(int(params.get_param(key, default)), 0)
            except (TypeError, ValueError):
                return default

        return (
            days(
                "customer_connect.equipment_warranty_reminder_days", DEFAULT_WARRANTY_REMINDER_DAYS
            ),
            days("customer_connect.equipment_service_reminder_days", DEFAULT_SERVICE_REMINDER_DAYS),
        )

    @api.model
    def _connect_due_reminders_sql(self):
        """The machines with a reminder to send: a warranty ending or a
        service falling due within the days set, for a date not reminded
        of yet (whatever was sent for an earlier date)."""
        return """
            SELECT id, partner_id, company_id,
                   COALESCE(warranty_end BETWEEN %(today)s AND %(warranty_limit)s
                            AND warranty_reminded_for IS DISTINCT FROM warranty_end, FALSE)
                       AS warranty_due,
                   COALESCE(next_service_date BETWEEN %(today)s AND %(service_limit)s
                            AND service_reminded_for IS DISTINCT FROM next_service_date, FALSE)
                       AS service_due
              FROM customer_connect_equipment
             WHERE active
               AND (warranty_end BETWEEN %(today)s AND %(warranty_limit)s
                    OR next_service_date BETWEEN %(today)s AND %(service_limit)s)
        """

    @api.model
    def _cron_send_reminders(self, chunk=100):
        """Daily: remind the customers' contacts of warranties ending and
        services falling due, once per machine and date; ``chunk`` customers
        per call (Odoo's cron commits and calls again while
        _notify_progress says work remains)."""
        today = fields.Date.context_today(self)
        warranty_days, service_days = self._connect_reminder_days()
        params = {
            "today": today,
            "warranty_limit": today + timedelta(days=warranty_days),
            "service_limit": today + timedelta(days=service_days),
            "chunk": chunk,
        }
        self.flush_model()
        due_sql = self._connect_due_reminders_sql()
        self.env.cr.execute(
            f"""
            WITH due AS ({due_sql})
            SELECT id, partner_id, company_id, warranty_due, service_due
              FROM due
             WHERE (warranty_due OR service_due)
               AND partner_id IN (
                   SELECT DISTINCT partner_id FROM due
                    WHERE warranty_due OR service_due
                    ORDER BY partner_id LIMIT %(chunk)s
               )
             ORDER BY partner_id, id
            """,
            params,
        )
        groups = defaultdict(lambda: {"warranty": [], "service": []})
        for machine_id, partner_id, company_id, warranty_due, service_due in self.env.cr.fetchall():
            group = groups[(company_id, partner_id)]
            if warranty_due:
                group["warranty"].append(machine_id)
            if service_due:
                group["service"].append(machine_id)
        # a cron job: the system reads every dealer company's machines
        Machine = self.sudo()
        for (company_id, partner_id), due in groups.items():
            warranty = Machine.browse(due["warranty"])
            service = Machine.browse(due["service"])
            try:
                with self.env.cr.savepoint():
                    Machine._connect_send_reminders(
                        self.env["res.company"].browse(company_id),
                        # sudo: the cron job's customer (see Machine above)
                        self.env["res.partner"].sudo().browse(partner_id),
                        warranty,
                        service,
                    )
            except UserError as error:
                # nothing sent; the dates are marked all the same, or the
                # job would try again and again in this very run
                _logger.warning("Equipment reminders of partner %s not sent: %s", partner_id, error)
            for machine in warranty:
                machine.warranty_reminded_for = machine.warranty_end
            for machine in service:
                machine.service_reminded_for = machine.next_service_date
        self.flush_model()
        self.env.cr.execute(
            f"""
            WITH due AS ({due_sql})
            SELECT COUNT(DISTINCT partner_id) FROM due WHERE warranty_due OR service_due
            """,
            params,
        )
        remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=len(groups), remaining=remaining)

    @api.model
    def _connect_reminder_recipients(self, company, customer):
        """Who is reminded of ``customer``'s machines of dealer ``company``:
        its contacts with an active portal login whose level opens equipment
        there, who want the reminders and have one e-mail address."""
        # sudo: a cron job, over every dealer company's contacts (filtered below)
        contacts = (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", customer.id),
                    ("connect_login_state", "=", "active"),
                    ("connect_pref_equipment_reminders", "=", True),
                    ("email", "!=", False),
                ]
            )
        )
        recipients = contacts.browse()
        for contact in contacts:
            login = (contact.connect_user_id or contact.user_ids)[:1]
            if (
                login.active
                and login._is_portal()
                and company in login.company_ids
                and email_normalize(contact.email, strict=True)
                and login._connect_customer_grants(company, customer, "equipment")
            ):
                recipients |= contact
        return recipients

    @api.model
    def _connect_send_reminders(self, company, customer, warranty, service):
        """E-mail ``customer``'s contacts (see _connect_reminder_recipients)
        one reminder listing the ``warranty`` machines whose warranty ends
        soon and the ``service`` machines due for a service; noted on each
        machine."""
        recipients = self._connect_reminder_recipients(company, customer)
        if not recipients:
            return self.env["customer_connect.mail.log"]
        template = self.env.ref("customer_connect.mail_template_connect_equipment_reminder")
        logs = self.env["customer_connect.mail.sender"]._send(
            template.with_context(
                connect_equipment_warranty_ids=warranty.ids,
                connect_equipment_service_ids=service.ids,
            ),
            recipients,
            "equipment_reminder",
        )
        names = ", ".join(recipients.mapped("name"))
        for machine in warranty:
            machine.message_post(
                body=self.env._(
                    "Warranty reminder (ends %(date)s) sent to %(names)s.",
                    date=format_date(self.env, machine.warranty_end),
                    names=names,
                ),
                subtype_xmlid="mail.mt_note",
            )
        for machine in service:
            machine.message_post(
                body=self.env._(
                    "Service reminder (due %(date)s) sent to %(names)s.",
                    date=format_date(self.env, machine.next_service_date),
                    names=names,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return logs
