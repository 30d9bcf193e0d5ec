"""The remittances area's portal service: what a contact's sending and reads
go through (the transfer's fields checked, the lines of the form or of a
file read and checked, the matches proposed, the remittance written at
once or not at all; a page of remittances, one remittance)."""

import datetime
from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import MissingError, UserError

from .portal_remittances import REMITTANCE_PAGE
from .portal_remittances_reader import (
    FILE_MAX_BYTES,
    PAYER_REFERENCE_MAX,
    RemittanceFileError,
    check_lines,
    clean_text,
    parse_amount,
    read_remittance_file,
)

# how many bad lines one error message lists
ERRORS_SHOWN = 20


class CustomerConnectRemittance(models.Model):
    _inherit = "customer_connect.remittance"

    @api.model
    def _connect_check_transfer(self, transfer_date, transfer_amount, payer_reference, currency):
        """(date, amount, payer reference) of the bank transfer as typed;
        a list of what is wrong when any is."""
        _ = self.env._
        errors = []
        date = None
        try:
            date = fields.Date.to_date(str(transfer_date or "").strip()[:10] or None)
        except ValueError:
            date = None
        today = fields.Date.context_today(self)
        if not date:
            errors.append(_("Give the date of the bank transfer (YYYY-MM-DD)."))
        elif date > today + datetime.timedelta(days=1):
            errors.append(_("The transfer's date is in the future."))
        elif date < today - datetime.timedelta(days=366 * 2):
            errors.append(_("The transfer is more than two years old: call the dealer."))
        amount, why = parse_amount(transfer_amount, currency.decimal_places, _)
        if why:
            errors.append(_("Transfer total: %(why)s.", why=why))
        reference, too_long = clean_text(payer_reference, PAYER_REFERENCE_MAX)
        if too_long:
            errors.append(
                _(
                    "The bank reference is longer than %(count)s characters.",
                    count=PAYER_REFERENCE_MAX,
                )
            )
        elif reference.startswith(("=", "+", "-", "@")):
            errors.append(_("The bank reference looks like a spreadsheet formula."))
        return date, amount, reference, errors

    @api.model
    def _connect_send(
        self,
        transfer_date,
        transfer_amount,
        payer_reference="",
        references=(),
        amounts=(),
        upload=None,
    ):
        """Send a remittance advice as the current portal contact, in the
        company picked in the portal: the bank transfer (date, total, the
        payer's bank reference) and its lines, typed (``references`` and
        ``amounts``, in order) or in ``upload`` (a werkzeug FileStorage, or
        (name, bytes, declared type)). Raises UserError listing every bad
        field and line; writes nothing then. Returns the remittance (as the
        contact)."""
        _ = self.env._
        customer, company = self.env.user._connect_portal_scope("remittances")
        currency = company.currency_id
        date, amount, payer_reference, errors = self._connect_check_transfer(
            transfer_date, transfer_amount, payer_reference, currency
        )
        typed = [
            (index + 1, str(ref or ""), str(amt or ""))
            for index, (ref, amt) in enumerate(zip(references, amounts, strict=False))
            if str(ref or "").strip() or str(amt or "").strip()
        ]
        file_name = None
        raw_lines = typed
        if upload:
            if isinstance(upload, tuple):
                file_name, content, declared_type = (*upload, None)[:3]
            else:
                file_name, declared_type = upload.filename, upload.mimetype
                # one byte more than allowed tells "too large" without
                # reading a huge upload into memory
                content = upload.stream.read(FILE_MAX_BYTES + 1)
            file_name = self.env["customer_connect.upload"]._connect_clean_name(file_name)
            if typed:
                errors.append(_("Send either a file or lines typed in the form, not both."))
                raw_lines = []
            else:
                try:
                    raw_lines = read_remittance_file(self.env, file_name, content, declared_type)
                except RemittanceFileError as error:
                    errors.append(str(error))
                    raw_lines = []
        elif not typed:
            errors.append(_("Give at least one line: the invoice's reference and the amount."))
        lines = []
        if raw_lines:
            try:
                lines, bad = check_lines(raw_lines, currency.decimal_places, _)
            except RemittanceFileError as error:
                errors.append(str(error))
                bad = []
            errors.extend(
                _("Line %(line)s: %(why)s.", line=n, why=why) for n, why in bad[:ERRORS_SHOWN]
            )
            if len(bad) > ERRORS_SHOWN:
                errors.append(_("... and %(count)s more bad lines.", count=len(bad) - ERRORS_SHOWN))
            if lines and not bad and amount is not None:
                total = sum((line["amount"] for line in lines), Decimal(0))
                if total != amount:
                    errors.append(
                        _(
                            "The lines come to %(lines)s but the transfer is %(total)s: "
                            "check the amounts.",
                            lines=total,
                            total=amount,
                        )
                    )
        if errors:
            raise UserError("\n".join(errors))
        proposals = self.env["customer_connect.remittance.matching"]._propose(
            customer, company, currency, lines
        )
        user = self.env.user
        contact = user._connect_contact_of(customer)
        values = {
            "company_id": company.id,
            "partner_id": customer.id,
            "contact_id": contact.id,
            "user_id": user.id,
            "currency_id": currency.id,
            "transfer_date": date,
            "transfer_amount": float(amount),
            "payer_reference": payer_reference,
            "source": "file" if upload else "form",
            "file_name": file_name,
            "line_ids": [
                Command.create(
                    {
                        "sequence": line["sequence"],
                        "reference": line["reference"],
                        "amount": float(line["amount"]),
                        **proposal,
                    }
                )
                for line, proposal in zip(lines, proposals, strict=True)
            ],
        }
        # the contact was checked above (its level in the picked company,
        # its customer); a portal login has no create right on the dealer's
        # records, and the lines' invoices are its customer's own
        remittance_sudo = self.sudo().with_company(company).create(values)
        if upload:
            # the file as sent, checked above, kept on the remittance for staff
            self.env["ir.attachment"].sudo().create(
                {
                    "name": file_name,
                    "raw": content,
                    "res_model": self._name,
                    "res_id": remittance_sudo.id,
                }
            )
        remittance_sudo.message_post(
            body=_("Remittance advice sent by %(contact)s.", contact=contact.name),
            author_id=contact.id,
            subtype_xmlid="mail.mt_note",
        )
        self.env["customer_connect.portal.event"].with_company(company)._record(
            "remittance_sent", remittance_sudo.with_env(self.env)
        )
        return remittance_sudo.with_env(self.env)

    # ------------------------------------------------------------------
    # The portal pages
    # ------------------------------------------------------------------
    @api.model
    def _connect_portal_page(self, offset=0, limit=REMITTANCE_PAGE):
        """One page of the current contact's remittances in the picked
        company (the record rules keep them to its customers): (remittances,
        count)."""
        self.env.user._connect_require("remittances")
        domain = [("company_id", "=", self.env.company.id)]
        remittances = self.search(domain, offset=offset, limit=limit)
        count = self.search_count(domain)
        remittances.fetch(["name", "state", "transfer_date", "transfer_amount", "currency_id"])
        return remittances, count

    @api.model
    def _connect_portal_remittance(self, remittance_id):
        """The remittance ``remittance_id`` when the current contact may see
        it; MissingError (404) or AccessError (403) otherwise."""
        self.env.user._connect_require("remittances")
        remittance = self.browse(int(remittance_id)).exists()
        if not remittance:
            raise MissingError(self.env._("This remittance does not exist."))
        remittance.check_access("read")
        return remittance
