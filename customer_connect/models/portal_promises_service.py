"""The promises area's portal service: the invoices a contact may promise,
the promise made (every value from the form checked), a page of promises.
The record itself is in models/portal_promises.py."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .connect_portal_input import parse_portal_amount, parse_portal_date, parse_portal_ids
from .portal_promises import PROMISE_MAX_DAYS_DEFAULT, PROMISE_PAGE

# an invoice the contact may promise: the customer's posted invoice with
# something still to pay
PROMISABLE_DOMAIN = [
    ("move_type", "=", "out_invoice"),
    ("state", "=", "posted"),
    ("payment_state", "in", ("not_paid", "partial")),
]


class CustomerConnectPromise(models.Model):
    _inherit = "customer_connect.promise"

    @api.model
    def _connect_max_days(self, company):
        """How far ahead a contact of ``company`` may promise (Settings)."""
        # sudo: the dealer company's setting, read for its own contact
        return company.sudo().connect_promise_max_days or PROMISE_MAX_DAYS_DEFAULT

    @api.model
    def _connect_promisable(self):
        """The current contact's customer's invoices it may promise in the
        current company (the switcher's): open, not in dispute, without an
        open promise; read as the contact (its rules apply)."""
        customer, company = self.env.user._connect_portal_scope("promises")
        moves = self.env["account.move"].search(
            [
                *PROMISABLE_DOMAIN,
                ("company_id", "=", company.id),
                ("commercial_partner_id", "=", customer.id),
                ("connect_in_dispute", "=", False),
            ],
            order="invoice_date_due, id",
        )
        promised = self._connect_promised_moves(moves)
        return moves - promised

    @api.model
    def _connect_promised_moves(self, moves):
        """Those of ``moves`` with an open promise."""
        if not moves:
            return moves
        # sudo: the moves were read by the caller; their open promises are
        # looked up whoever made them
        open_promises = self.sudo().search([("state", "=", "open"), ("move_ids", "in", moves.ids)])
        return moves & open_promises.move_ids.with_env(moves.env)

    @api.model
    def _connect_promise(self, invoice_ids, date_promised, amount, currency_id=None):
        """Promise, as the current portal contact, to pay ``amount`` of the
        invoices ``invoice_ids`` by ``date_promised`` (values as the form
        sent them). UserError with what is wrong when a value is not
        right; one open promise per invoice. Returns the promise."""
        _ = self.env._
        user = self.env.user
        customer, company = user._connect_portal_scope("promises")
        ids = parse_portal_ids(invoice_ids)
        if not ids:
            raise UserError(_("Choose the invoices you promise to pay."))
        # as the contact: its rules keep it to its customers' invoices, the
        # gate to those its level opens promises on
        moves = self.env["account.move"].search(
            [
                ("id", "in", ids),
                ("company_id", "=", company.id),
                ("commercial_partner_id", "=", customer.id),
            ]
        )
        if len(moves) != len(ids) or not moves._connect_opens_for("promises"):
            raise UserError(_("Some of the invoices chosen are not yours to promise here."))
        not_open = moves - moves.filtered_domain(PROMISABLE_DOMAIN)
        if not_open:
            raise UserError(
                _("%(names)s has nothing left to pay.", names=", ".join(not_open.mapped("name")))
            )
        disputed = moves.filtered("connect_in_dispute")
        if disputed:
            raise UserError(
                _(
                    "%(names)s is in dispute: it is not chased while the dispute is open.",
                    names=", ".join(disputed.mapped("name")),
                )
            )
        currency = moves.currency_id
        if len(currency) != 1:
            raise UserError(_("Promise invoices of one currency at a time."))
        if currency_id not in (None, "", False) and str(currency_id) != str(currency.id):
            raise UserError(
                _("The invoices chosen are in %(currency)s: promise in it.", currency=currency.name)
            )
        day = parse_portal_date(self.env, date_promised, _("the date"))
        today = fields.Date.context_today(self)
        max_days = self._connect_max_days(company)
        if day < today:
            raise UserError(_("The date is in the past: promise today or a later day."))
        if day > today + timedelta(days=max_days):
            raise UserError(
                _("Promise a date within %(days)s days of today.", days=max_days),
            )
        value = parse_portal_amount(self.env, amount, currency, _("The amount"))
        open_amount = sum(moves.mapped("amount_residual"))
        if currency.compare_amounts(value, open_amount) > 0:
            raise UserError(
                _(
                    "The amount is more than the %(open)s the invoices chosen still owe.",
                    open=currency.format(open_amount),
                )
            )
        # one open promise per invoice: the invoices' rows are locked until
        # this transaction ends, so a second promise made at the same moment
        # (another tab) waits, then finds this one below
        self.env.cr.execute(
            "SELECT id FROM account_move WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
            [tuple(moves.ids)],
        )
        promised = self._connect_promised_moves(moves)
        if promised:
            raise UserError(
                _(
                    "%(names)s already has a promise to pay: it is kept or broken first.",
                    names=", ".join(promised.mapped("name")),
                )
            )
        contact = user._connect_contact_of(customer)
        # the contact was checked above (its invoices, its level); a portal
        # login has no create right on the dealer's promises
        promise_sudo = (
            self.sudo()
            .with_company(company)
            .create(
                {
                    "company_id": company.id,
                    "partner_id": customer.id,
                    "contact_id": contact.id,
                    "move_ids": [fields.Command.set(moves.ids)],
                    "currency_id": currency.id,
                    "amount": value,
                    "amount_open": open_amount,
                    "date_promised": day,
                }
            )
        )
        for move in moves:
            # sudo: a portal contact cannot post on the invoice; checked above
            move.sudo().message_post(
                body=_(
                    "%(contact)s promises to pay %(amount)s by %(date)s (%(promise)s).",
                    contact=contact.name,
                    amount=currency.format(value),
                    date=day,
                    promise=promise_sudo.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.env["customer_connect.portal.event"].with_company(company)._record(
            "promise_made", moves, name=promise_sudo.name
        )
        return promise_sudo.with_env(self.env)

    @api.model
    def _connect_portal_page(self, filterby="open", offset=0, limit=PROMISE_PAGE):
        """One page of the current contact's promises in the current company
        (the record rules keep them to its customers): (promises, count)."""
        self.env.user._connect_require("promises")
        domain = [("company_id", "=", self.env.company.id)]
        if filterby == "open":
            domain.append(("state", "=", "open"))
        promises = self.search(domain, offset=offset, limit=limit)
        count = self.search_count(domain)
        promises.fetch(["name", "state", "date_promised", "amount", "currency_id", "move_ids"])
        return promises, count
