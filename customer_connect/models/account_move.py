import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import pdf, sql

from .portal_disputes import OPEN_STATES

_logger = logging.getLogger(__name__)

# The fields that hand out an invoice's document (its PDF): reading them is
# "download and print" (the "documents" area), not merely seeing the invoice.
DOCUMENT_FIELDS = frozenset({"invoice_pdf_report_file", "invoice_pdf_report_id"})


class AccountMove(models.Model):
    """The activity and documents area, model side: who may reach an
    invoice in the portal, whichever way they come in."""

    _inherit = "account.move"

    # -- disputes: an invoice with an open dispute is "in dispute", a stored
    # flag that the portal, the statements, express pay and the backend
    # filter on (models/portal_disputes.py)
    connect_dispute_ids = fields.One2many(
        "customer_connect.dispute",
        "move_id",
        string="Disputes",
        readonly=True,
        # accountants without a Customer Connect role have no right on disputes
        groups="customer_connect.group_connect_user",
    )
    connect_in_dispute = fields.Boolean(
        "In dispute",
        compute="_compute_connect_in_dispute",
        store=True,
        index="btree_not_null",
        copy=False,
        help="A customer disputes this invoice: left out of overdue figures, "
        "reminders and express pay until the dispute is closed.",
    )

    # -- the invoice as a document: Odoo's last refusal to make its e-invoice
    connect_e_invoice_refusal = fields.Char(
        "E-invoice refused for",
        copy=False,
        readonly=True,
        help="Set when Odoo refused to make this invoice's e-invoicing document "
        "as a customer downloaded it (its checks of the company's or the "
        "customer's data failed): what those checks read then. While it is "
        "unchanged (the invoice, its customer, the company, its bank "
        "accounts), downloads serve the invoice as it stands without asking "
        "Odoo again.",
    )

    def _auto_init(self):
        # created empty: no invoice is in dispute when the addon arrives, and
        # computing the flag for every existing move would read them all
        if not sql.column_exists(self.env.cr, "account_move", "connect_in_dispute"):
            sql.create_column(self.env.cr, "account_move", "connect_in_dispute", "boolean")
        return super()._auto_init()

    @api.depends("connect_dispute_ids.state")
    def _compute_connect_in_dispute(self):
        for move in self:
            # read as the system: the flag is the same for every reader
            move.connect_in_dispute = any(
                state in OPEN_STATES for state in move.sudo().connect_dispute_ids.mapped("state")
            )

    def action_connect_view_disputes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_connect.action_connect_dispute"
        )
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {}
        return action

    def _connect_opens_for(self, area):
        """Whether the current user may reach these invoices in the portal
        area ``area`` ("activity" to see, "documents" to print and download).

        The one gate behind every way in that skips the record rules (token
        links, the portal chatter, Odoo's sudo-rendered PDFs):
        * dealer staff: yes (their rights and rules apply as usual);
        * an invoice of a customer on Customer Connect: only for a login
          that is one of that customer's contacts, where that contact's
          level (the most restrictive of them, if several) grants the area;
          not signed in, never: the contact signs in so that its level
          applies;
        * an invoice of a customer not on Customer Connect: Odoo's own
          portal (a token, or the record rules), with the signed-in
          contact's level in the invoice's company.
        """
        if self.env.su:
            return True
        # the invoices' companies and customers are read as the system: the
        # gate itself decides what the visitor may reach
        return self.env.user._connect_opens_documents(
            area, [(move.company_id, move.commercial_partner_id) for move in self.sudo()]
        )

    # -- the invoice as a document: its legal PDF
    def _connect_legal_pdf_moves(self):
        """The posted customer invoices and credit notes among these that have
        no legal PDF yet (``invoice_pdf_report_id``)."""
        return self.filtered(
            lambda move: (
                move.state == "posted"
                and move.is_sale_document(include_receipts=True)
                and not move.invoice_pdf_report_id
            )
        )

    def _connect_ensure_legal_pdfs(self):
        """Give each posted customer invoice or credit note among these its
        legal PDF, made as Odoo's Send makes it (account.move.send: the
        invoice's report, its e-invoicing documents, kept on the invoice as
        ``invoice_pdf_report_file``), and return their attachments in order.

        Made when the customer first needs it (print, download, several as
        one, e-mail), not when the invoice is posted: a rendering costs about
        a second, DMS imports post thousands of invoices the customer may
        never open, and until the customer looks the dealer may still reset
        the invoice to draft and correct it (Odoo then drops the PDF). Once
        made, it is kept and never rendered again, as Odoo does once an
        invoice is sent; a PDF copy shipped by the DMS is already the legal
        one. Odoo marks the invoice as sent ("sent or PDF generated")."""
        # the caller's right to read them; the PDF is written as the system
        # (portal users cannot create attachments on invoices)
        self.check_access("read")
        todo = self.sudo()._connect_legal_pdf_moves()
        if todo:
            # two first downloads at once make one PDF: the second waits for
            # the first, then finds its PDF
            self.env.cr.execute(
                "SELECT id FROM account_move WHERE id IN %s ORDER BY id FOR UPDATE",
                [tuple(todo.ids)],
            )
            todo.invalidate_recordset(["invoice_pdf_report_id", "invoice_pdf_report_file"])
            todo = todo._connect_legal_pdf_moves()
        for company, moves in todo.grouped("company_id").items():
            # sudo: Odoo's send wizard writes the PDF attachment (check_access above)
            self.env["account.move.send"].sudo().with_company(company)._generate_and_send_invoices(
                moves, sending_methods=["manual"], allow_fallback_pdf=False
            )
        # sudo: the PDF attachment, read after check_access above
        return self.sudo().invoice_pdf_report_id

    def _connect_try_legal_pdf(self):
        """``_connect_ensure_legal_pdfs`` for one invoice a customer opens,
        which never fails the request: when Odoo refuses to make the
        invoice's e-invoicing document (its checks of the dealer's data: a
        bank account, one tax per line... for UBL / Peppol), the invoice
        keeps no legal PDF (one kept without its e-invoice would stop Odoo's
        Send from ever making it) and the caller renders it as it stands,
        as Odoo's portal does for an invoice never sent. Found by the load
        test: the demo dealer's untaxed invoices to British customers (UBL
        BIS 3 suggested) answered every download with a 400.

        The refusal is kept on the invoice (``connect_e_invoice_refusal``):
        later downloads serve the invoice as it stands at once, until
        something Odoo's checks read changes (a dealer who adds the missing
        bank account gets the legal PDF on the next download). The load
        test's demo dealer paid Odoo's refused attempt on every download."""
        self.ensure_one()
        # sudo: the refusal kept on the invoice, read for the caller that may
        # download it
        setup_key = self._connect_e_invoice_setup_key()
        if self.sudo().connect_e_invoice_refusal == setup_key:
            # refused before and nothing its checks read has changed since:
            # asking again would cost every download the e-invoice's making
            # (Odoo builds its XML before refusing) and a warning
            return
        try:
            with self.env.cr.savepoint():
                self._connect_ensure_legal_pdfs()
        except UserError as error:
            _logger.warning(
                "Invoice %s downloaded without a legal PDF (rendered as it stands): %s",
                self.id,
                error,
            )
            # kept in SQL, not by write(): a write would move the invoice's
            # write_date, which is part of the key (and would run the posted
            # invoice's write checks for a note of ours)
            self.env.cr.execute(
                "UPDATE account_move SET connect_e_invoice_refusal = %s WHERE id = %s",
                [setup_key, self.id],
            )
            self.invalidate_recordset(["connect_e_invoice_refusal"])

    def _connect_e_invoice_setup_key(self):
        """What Odoo's e-invoice checks of this invoice read, as one string
        that changes when any of it is written: the invoice (its lines, bank
        account, customer), its customer (e-invoicing format, Peppol
        address, VAT number), the company (e-invoicing settings), the
        company's partner (VAT number, address) and its bank accounts (one
        added or removed too)."""
        self.ensure_one()
        # read as the system: the company's partner and bank accounts are
        # not the customer's to read, and only their ids and dates are kept
        move = self.sudo()
        company_partner = move.company_id.partner_id
        records = (
            move,
            move.partner_id,
            move.commercial_partner_id,
            move.company_id,
            company_partner,
            *company_partner.bank_ids,
        )
        return " ".join(
            f"{record._name},{record.id},{record.write_date and record.write_date.isoformat()}"
            for record in records
        )

    def _connect_documents_pdf(self):
        """These invoices and credit notes as one PDF ("Download selected as
        one PDF"): each one's legal PDF, in order, made first where missing;
        a document without one (not posted) is rendered. The caller has
        checked that the user may download them."""
        self.check_access("read")
        # read, then the kept PDFs read, as the system: a portal user cannot
        # read an invoice's attachments (the documents gate was checked by
        # the caller, the record rules just above)
        moves = self.sudo()
        try:
            with self.env.cr.savepoint():
                self._connect_ensure_legal_pdfs()
        except Exception:
            # several documents in one rendering can fail where one does not
            # (an unpatched wkhtmltopdf exits 1 on several): one at a time,
            # and a document whose legal PDF cannot be made (an e-invoicing
            # error, say) is rendered as it stands below
            _logger.warning("Legal PDFs of %s in one rendering failed", moves.ids, exc_info=True)
            for move in self:
                try:
                    with self.env.cr.savepoint():
                        move._connect_ensure_legal_pdfs()
                except Exception:
                    _logger.warning("Legal PDF of %s failed", move.id, exc_info=True)
        streams = []
        for move in moves:
            if move.invoice_pdf_report_id:
                streams.append(move.invoice_pdf_report_id.raw)
            else:
                streams.append(
                    # sudo: rendered as the system, as the legal PDFs above (checked by the caller)
                    self.env["ir.actions.report"]
                    .sudo()
                    .with_company(move.company_id)
                    ._render_qweb_pdf("account.account_invoices", move.ids)[0]
                )
        if len(streams) == 1:
            return streams[0]
        if not all(stream.startswith(b"%PDF") for stream in streams):
            # under test Odoo's reports are HTML (no wkhtmltopdf run)
            return b"\n".join(streams)
        return pdf.merge_pdf(streams)

    def _is_eligible_for_early_payment_discount(self, currency, reference_date):
        # Odoo 18 reads the payment term lines' reconciliations
        # (account.partial.reconcile) here, which no portal rule grants: Odoo's
        # "Your Invoices" and an invoice's portal page answered 403 for a
        # customer with an invoice inside its early-payment discount. Fixed
        # upstream the same way (odoo/odoo#198101, sudo on those lines); done
        # here too so that it holds on an Odoo 18 without that fix.
        if self.env.su or self.env.user._is_internal():
            return super()._is_eligible_for_early_payment_discount(currency, reference_date)
        self.check_access("read")
        # sudo: the visitor may read the invoice (checked above); whether its
        # terms are already matched is what the portal shows as the discount
        return super(AccountMove, self.sudo())._is_eligible_for_early_payment_discount(
            currency, reference_date
        )

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


def _invoices_of_attachments(env, attachments_sudo):
    """The invoices whose documents ``attachments_sudo`` are: attached to the
    invoice itself, or to one of its chatter messages."""
    moves = env["account.move"]
    for attachment in attachments_sudo:
        if attachment.res_model == "account.move" and attachment.res_id:
            moves |= moves.browse(attachment.res_id)
        elif attachment.res_model == "mail.message" and attachment.res_id:
            # which record a chatter file belongs to, whatever the caller reads
            message = env["mail.message"].sudo().browse(attachment.res_id)
            if message.model == "account.move" and message.res_id:
                moves |= moves.browse(message.res_id)
    return moves


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def validate_access(self, access_token):
        # A portal user reaches an attachment only with its token (Odoo's
        # portal chatter hands them out): an invoice's files are documents,
        # "download and print" decides, as on the invoice's PDF field.
        attachment_sudo = super().validate_access(access_token)
        user = self.env.user
        if not self.env.su and not user._is_internal():
            moves = _invoices_of_attachments(self.env, attachment_sudo).exists()
            if moves and not moves.with_env(self.env)._connect_opens_for("documents"):
                raise AccessError(
                    self.env._("Your access level does not include downloading documents.")
                )
        return attachment_sudo


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _portal_message_format(self, properties_names, options=None):
        # The portal chatter lists an invoice's files with their access
        # tokens: not for a contact whose level does not include documents.
        values_list = super()._portal_message_format(properties_names, options=options)
        # a token link formats the messages as the system: the visitor's
        # own level decides all the same
        if self.env.user._is_internal():
            return values_list
        closed = {}
        for values, message in zip(values_list, self, strict=True):
            if message.model != "account.move" or not values.get("attachment_ids"):
                continue
            if message.res_id not in closed:
                move = self.env["account.move"].sudo(False).browse(message.res_id)
                closed[message.res_id] = not move._connect_opens_for("documents")
            if closed[message.res_id]:
                values["attachment_ids"] = []
        return values_list
