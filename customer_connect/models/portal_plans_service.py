"""The instalment plans area's portal service: the invoice a contact may
ask a plan for, the plan asked (every value from the form checked), a page
of plans, one plan. The record and the dealer's side are in
models/portal_plans.py."""

from dateutil.relativedelta import relativedelta
from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError

from .connect_portal_input import parse_portal_amount, parse_portal_date
from .portal_plans import LIVE_STATES, NOTE_MAX, PLAN_PAGE


class CustomerConnectPlan(models.Model):
    _inherit = "customer_connect.plan"

    @api.model
    def _connect_portal_invoice(self, invoice_id):
        """The invoice ``invoice_id`` when the current contact may ask a
        plan for it: MissingError (404) when there is none, AccessError
        (403) when it is not its customer's or its level does not open
        plans there."""
        self.env.user._connect_require("plans")
        move = self.env["account.move"].browse(int(invoice_id)).exists()
        if not move:
            raise MissingError(self.env._("This invoice does not exist."))
        # the contact's own rules first, then the area's gate for the
        # invoice's company and customer (a login shared between dealers)
        move.check_access("read")
        if not move._connect_opens_for("plans") or move.move_type != "out_invoice":
            raise AccessError(self.env._("This invoice cannot be paid in instalments here."))
        return move

    @api.model
    def _connect_first_proposal(self, move, today):
        """The schedule the ask form opens with for ``move`` (checked by
        the caller): up to three monthly instalments of what it owes, the
        last taking the cents the split leaves; [(date, amount)]."""
        _min_amount, max_count, _days = self._connect_limits(move.company_id)
        count = min(3, max_count)
        # sudo: the invoice's amounts, checked by the caller
        move_sudo = move.sudo()
        currency = move_sudo.currency_id
        part = currency.round(move_sudo.amount_residual / count)
        return [
            (
                today + relativedelta(months=number + 1),
                part
                if number < count - 1
                else currency.round(move_sudo.amount_residual - part * (count - 1)),
            )
            for number in range(count)
        ]

    @api.model
    def _connect_live_plan(self, move):
        """The plan asked or accepted for ``move``, if any (as the caller)."""
        return self.search([("move_id", "=", move.id), ("state", "in", LIVE_STATES)], limit=1)

    @api.model
    def _connect_ask(self, invoice_id, dates, amounts, note=""):
        """Ask, as the current portal contact, to pay the invoice
        ``invoice_id`` in instalments: ``dates`` and ``amounts`` are the
        form's rows (strings; a row with neither is left out). UserError
        saying what is wrong; one plan asked or accepted per invoice.
        Returns the plan."""
        _ = self.env._
        move = self._connect_portal_invoice(invoice_id)
        self._connect_check_invoice(move)
        currency = move.currency_id
        schedule = []
        for number, (day, amount) in enumerate(zip(dates or [], amounts or [], strict=False), 1):
            if not str(day or "").strip() and not str(amount or "").strip():
                continue
            schedule.append(
                (
                    parse_portal_date(
                        self.env, day, _("the date of instalment %(number)s", number=number)
                    ),
                    parse_portal_amount(
                        self.env,
                        amount,
                        currency,
                        _("The amount of instalment %(number)s", number=number),
                    ),
                )
            )
        # sudo: the invoice's amounts, checked above
        self._connect_check_instalments(schedule, move.sudo(), fields.Date.context_today(self))
        note = str(note or "").replace("\x00", "").strip()
        if len(note) > NOTE_MAX:
            raise UserError(_("Keep the note under %(count)s characters.", count=NOTE_MAX))
        # sudo: a contact may not see another contact's plan; one per invoice
        if self.sudo()._connect_live_plan(move):
            raise UserError(_("%(name)s has a plan asked or accepted already.", name=move.name))
        user = self.env.user
        customer = move.commercial_partner_id
        contact = user._connect_contact_of(customer)
        company = move.company_id
        try:
            with self.env.cr.savepoint():
                # the contact was checked above (its invoice, its level); a
                # portal login has no create right on the dealer's plans
                plan_sudo = (
                    self.sudo()
                    .with_company(company)
                    .create(
                        {
                            "company_id": company.id,
                            "partner_id": customer.id,
                            "contact_id": contact.id,
                            "move_id": move.id,
                            # sudo: the invoice's amount, checked above
                            "amount": move.sudo().amount_residual,
                            "customer_note": note,
                            "line_ids": [
                                Command.create({"date_due": day, "amount": amount})
                                for day, amount in schedule
                            ],
                        }
                    )
                )
        except pg_errors.UniqueViolation:  # the unique index: asked twice at once
            raise UserError(
                _("%(name)s has a plan asked or accepted already.", name=move.name)
            ) from None
        plan_sudo.asked_schedule = plan_sudo._connect_schedule_text()
        plan_sudo.message_post(
            body=_(
                "%(contact)s asks to pay in %(count)s instalments: %(schedule)s",
                contact=contact.name,
                count=len(schedule),
                schedule=plan_sudo.asked_schedule,
            )
            + (f"\n{note}" if note else ""),
            author_id=contact.id,
            subtype_xmlid="mail.mt_note",
        )
        # sudo: a portal contact cannot post on the invoice; checked as above
        move.sudo().message_post(
            body=_(
                "%(contact)s asks to pay this invoice in instalments (%(plan)s).",
                contact=contact.name,
                plan=plan_sudo.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.env["customer_connect.portal.event"].with_company(company)._record(
            "plan_asked", move, name=plan_sudo.name
        )
        return plan_sudo.with_env(self.env)

    @api.model
    def _connect_portal_page(self, offset=0, limit=PLAN_PAGE):
        """One page of the current contact's plans in the current company
        (the record rules keep them to its customers): (plans, count)."""
        self.env.user._connect_require("plans")
        domain = [("company_id", "=", self.env.company.id)]
        plans = self.search(domain, offset=offset, limit=limit)
        count = self.search_count(domain)
        plans.fetch(["name", "state", "create_date", "move_id", "amount"])
        plans.move_id.fetch(["name", "currency_id"])
        return plans, count

    @api.model
    def _connect_portal_plan(self, plan_id):
        """The plan ``plan_id`` when the current contact may see it;
        MissingError (404) or AccessError (403) otherwise."""
        self.env.user._connect_require("plans")
        plan = self.browse(int(plan_id)).exists()
        if not plan:
            raise MissingError(self.env._("This plan does not exist."))
        plan.check_access("read")
        return plan
