from odoo import api, models
from odoo.exceptions import AccessError

# The fields that hand out an invoice's document (its PDF): reading them is
# "download and print" (the "documents" area), not merely seeing the invoice.
DOCUMENT_FIELDS = frozenset({"invoice_pdf_report_file", "invoice_pdf_report_id"})


class AccountMove(models.Model):
    """The activity and documents area, model side: who may reach an
    invoice in the portal, whichever way they come in."""

    _inherit = "account.move"

    def _connect_opens_for(self, area):
        """Whether the current user may reach these invoices in the portal
        area ``area`` ("activity" to see, "documents" to print and download).

        The one gate behind every way in that skips the record rules (token
        links, the portal chatter, Odoo's sudo-rendered PDFs):
        * dealer staff: yes (their rights and rules apply as usual);
        * a portal contact: where the level of the invoice's company grants it;
        * not signed in (a token link): only for customers that do not use
          Customer Connect; a customer on Customer Connect opens its
          documents by signing in, so that its contact's level applies.
        """
        user = self.env.user
        if self.env.su or user._is_internal():
            return True
        if user._is_public():
            # the customers' portal state is theirs, not the visitor's
            return all(
                move.commercial_partner_id.connect_state == "not_invited" for move in self.sudo()
            )
        denied = set(user._connect_denied_company_ids(area))
        if not self:
            return user._connect_grants(area)
        return not any(move.company_id.id in denied for move in self.sudo())

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        # the portal chatter: a token or a signed pid opens the thread with
        # sudo; the contact's level must still open the invoice
        thread = super()._get_thread_with_access(thread_id, mode, **kwargs)
        if thread and not thread.with_env(self.env)._connect_opens_for("activity"):
            return self.browse()
        return thread

    def check_field_access_rights(self, operation, field_names):
        asked = field_names
        field_names = super().check_field_access_rights(operation, field_names)
        if (
            operation == "read"
            and not self.env.su
            and DOCUMENT_FIELDS & set(field_names or ())
            and not self._connect_opens_for("documents")
        ):
            # JSON-RPC reads and /web/content both pass here for the invoice's
            # PDF: it is a document, "download and print" decides
            if asked:
                raise AccessError(
                    self.env._("Your access level does not include downloading documents.")
                )
            return [name for name in field_names if name not in DOCUMENT_FIELDS]
        return field_names
