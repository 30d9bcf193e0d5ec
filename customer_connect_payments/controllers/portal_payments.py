"""Payments: every route through which a portal contact pays or keeps a
payment method asks for the payments area first (``res.users._connect_require``
or ``_connect_portal_scope``); Odoo's routes then do the work. Our own pages
(choose and pay several invoices or an amount on account, the payment
history, the express pay link) hand everything that counts to
``customer_connect.payment.service``. Not signed in, a payment link the dealer
sent (``/payment/pay`` with its token) and an express link still work; an
invoice's token link of a customer on Customer Connect does not (its contact
signs in, see ``account.move._connect_opens_for``)."""

import logging

import psycopg2
from werkzeug.exceptions import Forbidden, NotFound

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request, route

from odoo.addons.account_payment.controllers.payment import PaymentPortal
from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing
from odoo.addons.sale.controllers.portal import PaymentPortal as SalePaymentPortal


def _require_payments(invoice_id=None, order_id=None):
    """The payments area's gate (``res.users._connect_require``) for this
    request and the invoice or sale order it pays: the signed-in contact's
    level, or, for a visitor with an invoice's (or a sale order's) token,
    the document of a customer that does not use Customer Connect."""
    documents = []
    for model, document_id in (("account.move", invoice_id), ("sale.order", order_id)):
        document_id = PaymentPortal._cast_as_int(document_id)
        if document_id:
            documents.append(request.env[model].browse(document_id))
    request.env.user._connect_require("payments")
    for document in documents:
        request.env.user._connect_require("payments", document)


def _selection(kw):
    """(invoice ids, {invoice id: part amount}, amount on account, reason)
    from a pay form: ``pay_<id>`` (or the activity list's ``doc_<id>``)
    ticks, ``part_<id>`` amounts, ``on_account``, ``reason``. Amounts stay
    as typed: the payment service reads them (``_parse_amount``)."""
    ids, partial = [], {}
    for key, value in kw.items():
        prefix, _sep, tail = key.partition("_")
        if prefix in ("pay", "doc") and tail.isdigit():
            ids.append(int(tail))
        elif prefix == "part" and tail.isdigit() and (value or "").strip():
            partial[int(tail)] = value
    on_account = kw.get("on_account") or ""
    on_account = on_account.strip() if isinstance(on_account, str) else on_account
    return ids[:1000], {k: v for k, v in partial.items() if k in ids}, on_account, kw.get("reason")


def _document_ids(values, field):
    """The ids a transaction's create values set on ``field`` (Odoo's
    routes pass ``[Command.set(ids)]``)."""
    ids = []
    for command in values.get(field) or ():
        if command[0] == 6:
            ids = list(command[2])
        elif command[0] == 4:
            ids.append(command[1])
    return ids


class ConnectPaymentPortal(PaymentPortal):
    # -- Odoo's routes, behind the payments area ---------------------------
    @route()
    def invoice_transaction(self, invoice_id, access_token, **kwargs):
        _require_payments(invoice_id)
        return super().invoice_transaction(invoice_id, access_token, **kwargs)

    @route()
    def overdue_invoices_transaction(self, payment_reference, **kwargs):
        _require_payments()
        # Odoo's route reads the first currency of none (an IndexError, a
        # 500) when nothing of the contact's own is overdue
        if not request.env.user._is_public() and not request.env["account.move"].search_count(
            self._get_overdue_invoices_domain(), limit=1
        ):
            raise UserError(request.env._("Nothing of yours is overdue."))
        return super().overdue_invoices_transaction(payment_reference, **kwargs)

    @route()
    def payment_pay(self, *args, amount=None, invoice_id=None, access_token=None, **kwargs):
        _require_payments(invoice_id, kwargs.get("sale_order_id"))
        self._connect_check_pay_page_amount(amount, invoice_id, kwargs)
        return super().payment_pay(
            *args, amount=amount, invoice_id=invoice_id, access_token=access_token, **kwargs
        )

    @route()
    def payment_transaction(self, *args, amount=None, **kwargs):
        _require_payments()
        if amount is not None and not kwargs.get("is_validation"):
            # Odoo casts it with float(): "abc" would be a 500, "nan" a payment
            currency = request.env["res.currency"].browse(
                self._cast_as_int(kwargs.get("currency_id")) or request.env.company.currency_id.id
            )
            amount = request.env["customer_connect.payment.service"]._parse_amount(
                amount, currency.exists() or request.env.company.currency_id
            )
        return super().payment_transaction(*args, amount=amount, **kwargs)

    def _create_transaction(self, *args, amount=None, custom_create_values=None, **kwargs):
        """Every transaction of Odoo's pay routes (invoice, overdue invoices,
        payment link, sale order) is created here, after Odoo checked the
        access to its documents: the amount the browser sent is checked
        against the server's figures (ours come with their own, already
        computed by the quote)."""
        values = custom_create_values or {}
        if not kwargs.get("is_validation") and not values.get("connect_kind"):
            Service = request.env["customer_connect.payment.service"]
            currency = request.env["res.currency"].browse(kwargs.get("currency_id")).exists()
            invoice_ids = _document_ids(values, "invoice_ids")
            order_ids = _document_ids(values, "sale_order_ids")
            # as the system: Odoo's route checked the access to these
            # documents (token or record rules) before creating their
            # transaction; their amounts are read to check the browser's
            invoices = request.env["account.move"].sudo().browse(invoice_ids)
            orders = request.env["sale.order"].sudo().browse(order_ids)
            payer = request.env["res.partner"].sudo().browse(kwargs.get("partner_id"))
            amount = Service._odoo_route_amount(
                amount,
                currency or (invoices or orders).currency_id[:1] or request.env.company.currency_id,
                payer,
                invoices=invoices,
                orders=orders,
            )
        return super()._create_transaction(
            *args, amount=amount, custom_create_values=custom_create_values, **kwargs
        )

    def _connect_check_pay_page_amount(self, amount, invoice_id, kwargs):
        """Odoo's payment page (/payment/pay) for an invoice, an order or a
        free amount: the amount checked as the transaction will check it,
        so that the page says why before the card form."""
        if amount is None or kwargs.get("is_validation"):
            return
        Service = request.env["customer_connect.payment.service"]
        invoice_id = self._cast_as_int(invoice_id)
        order_id = self._cast_as_int(kwargs.get("sale_order_id"))
        # as the system after _require_payments: the documents' amounts and
        # currency only; Odoo checks the link's token against them next
        invoices = request.env["account.move"].sudo().browse(invoice_id or []).exists()
        orders = request.env["sale.order"].sudo().browse(order_id or []).exists()
        documents = invoices or orders
        user = request.env.user
        if documents:
            payer = documents.partner_id[:1]
        elif not user._is_public():
            payer = user.partner_id
        else:
            # a dealer's link for a free amount: its partner is not checked
            # yet (Odoo checks the link's token next), so nothing of it is
            # read here (the on-account limit would tell its balance); the
            # transaction applies it, after the token
            payer = request.env["res.partner"]
        currency_id = self._cast_as_int(kwargs.get("currency_id"))
        currency = (
            documents.currency_id[:1]
            or request.env["res.currency"].browse(currency_id or []).exists()
            or request.env.company.currency_id
        )
        Service._odoo_route_amount(amount, currency, payer, invoices=invoices, orders=orders)

    @route()
    def payment_method(self, **kwargs):
        _require_payments()
        return super().payment_method(**kwargs)

    @route()
    def archive_token(self, token_id):
        _require_payments()
        return super().archive_token(token_id)

    # -- Our pages: choose, pay, history --------------------------------------
    @route("/my/payments", type="http", auth="user", website=True)
    def connect_payment_history(self, **kw):
        """The customer's online payments in this company, newest first."""
        customer, company = request.env["customer_connect.payment.service"]._scope()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_payments",
                "transactions": request.env["customer_connect.payment.service"]._history(
                    customer, company
                ),
            }
        )
        return request.render("customer_connect_payments.portal_my_payments", values)

    @route("/my/payments/pay", type="http", auth="user", website=True, methods=["GET", "POST"])
    def connect_payment_pay(self, **kw):
        """Choose what to pay (the customer's open items), then the amount
        computed here and the dealer's payment providers."""
        Service = request.env["customer_connect.payment.service"]
        customer, company = Service._scope()
        user = request.env.user
        return self._connect_render_pay(
            customer,
            company,
            kw,
            partner=user.partner_id,
            transaction_route="/my/payments/transaction",
            landing_route="/my/payments",
            page_url="/my/payments/pay",
            logged_in=True,
        )

    @route("/my/payments/transaction", type="json", auth="user")
    def connect_payment_transaction(self, access_token=None, amount=None, **kwargs):
        Service = request.env["customer_connect.payment.service"]
        customer, company = Service._scope()
        # signed in, a contact may pay an invoice in dispute deliberately
        quote = Service._quote_from_token(access_token, customer, company, include_disputed=True)
        return self._connect_transaction(
            quote,
            amount,
            request.env.user.partner_id,
            "/my/payments",
            kwargs,
            user=request.env.user,
        )

    # -- Express pay link: no sign-in, this customer's open items only --------
    @route(
        "/pay/express/<string:token>",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def connect_express_pay(self, token, paid=None, **kw):
        Service = request.env["customer_connect.payment.service"]
        try:
            customer, company = Service._express_scope(token)
        except AccessError:
            raise NotFound() from None
        if paid:
            return request.render(
                "customer_connect_payments.express_paid",
                {"customer_name": customer.name, "company": company},
            )
        return self._connect_render_pay(
            customer,
            company,
            kw,
            partner=customer,
            transaction_route=f"/pay/express/{token}/transaction",
            landing_route=f"/pay/express/{token}?paid=1",
            page_url=f"/pay/express/{token}",
            logged_in=False,
        )

    @route("/pay/express/<string:token>/transaction", type="json", auth="public")
    def connect_express_transaction(self, token, access_token=None, amount=None, **kwargs):
        Service = request.env["customer_connect.payment.service"]
        try:
            customer, company = Service._express_scope(token)
        except AccessError:
            raise NotFound() from None
        if kwargs.get("flow") == "token" or kwargs.get("token_id"):
            # saved methods are the signed-in contacts' own
            raise Forbidden()
        kwargs["tokenization_requested"] = False
        quote = Service._quote_from_token(access_token, customer, company)
        return self._connect_transaction(
            quote, amount, customer, f"/pay/express/{token}?paid=1", kwargs
        )

    # -- shared by the portal and the express link ----------------------------
    def _connect_render_pay(
        self, customer, company, kw, partner, transaction_route, landing_route, page_url, logged_in
    ):
        Service = request.env["customer_connect.payment.service"]
        ids, partial, on_account, reason = _selection(kw)
        # invoices in dispute: listed (marked, never ticked for the contact)
        # on the signed-in pay page, left out of express pay
        items = Service._open_items(customer, company, include_disputed=logged_in)
        values = self._prepare_portal_layout_values() if logged_in else {}
        values.update(
            {
                "page_name": "connect_pay",
                "customer": customer,
                "company": company,
                "res_company": company,
                "items": items,
                "dues": {move.id: Service._item_due(move, Service._today())[0] for move in items},
                "allows_partial": Service._allows_partial(company),
                "page_url": page_url,
                "logged_in": logged_in,
                "error": None,
                "quote": None,
                # what was typed, shown again when the page says why not
                "typed": {
                    key: value[:100]
                    for key, value in kw.items()
                    if isinstance(value, str)
                    and key.partition("_")[0] in ("pay", "doc", "part", "on", "reason")
                },
            }
        )
        if request.httprequest.method == "POST" or ids or on_account:
            try:
                quote = Service._quote(
                    customer,
                    company,
                    ids,
                    partial,
                    on_account,
                    reason,
                    include_disputed=logged_in,
                )
            except UserError as error:
                values["error"] = error.args[0]
                return request.render("customer_connect_payments.portal_pay", values)
            values.update(
                self._connect_payment_form_values(
                    quote, partner, transaction_route, landing_route, logged_in
                )
            )
        return request.render("customer_connect_payments.portal_pay", values)

    def _connect_payment_form_values(
        self, quote, partner, transaction_route, landing_route, logged_in
    ):
        Service = request.env["customer_connect.payment.service"]
        company, currency = quote["company"], quote["currency"]
        # sudo: as Odoo's payment portal does, for the quote's customer checked
        # by the caller (_scope or the express link)
        providers_sudo = (
            request.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                company.id, partner.id, quote["amount"], currency_id=currency.id
            )
        )
        # sudo: as above
        methods_sudo = (
            request.env["payment.method"]
            .sudo()
            ._get_compatible_payment_methods(
                providers_sudo.ids, partner.id, currency_id=currency.id
            )
        )
        # sudo: as above; saved tokens for a signed-in contact only
        tokens_sudo = (
            request.env["payment.token"]
            .sudo()
            ._get_available_tokens(providers_sudo.ids, partner.id)
            if logged_in
            else request.env["payment.token"]
        )
        show_tokenize = (
            self._compute_show_tokenize_input_mapping(providers_sudo)
            if logged_in
            else dict.fromkeys(providers_sudo.ids, False)
        )
        return {
            "quote": quote,
            "surcharges": [
                (provider, Service._surcharge(provider, quote["amount"], currency))
                for provider in providers_sudo
                if provider.connect_surcharge_percent
            ],
            "reference_prefix": None,
            "amount": quote["amount"],
            "currency": currency,
            "partner_id": partner.id,
            "providers_sudo": providers_sudo,
            "payment_methods_sudo": methods_sudo,
            "tokens_sudo": tokens_sudo,
            "show_tokenize_input_mapping": show_tokenize,
            "transaction_route": transaction_route,
            "landing_route": landing_route,
            "access_token": Service._quote_token(quote),
        }

    def _connect_transaction(self, quote, amount, partner, landing_route, kwargs, user=None):
        """Create the transaction paying ``quote`` (amount and invoices from
        the server; the browser only picks the provider) and return its
        processing values."""
        Service = request.env["customer_connect.payment.service"]
        self._validate_transaction_kwargs(kwargs)
        flow = kwargs.get("flow")
        # the provider is read as the system only to check it against the
        # quote's company; who may use the token (its partner) is checked by
        # Odoo's _create_transaction, which this hands over to
        if flow == "token":
            token_sudo = (
                request.env["payment.token"].sudo().browse(int(kwargs.get("token_id") or 0))
            )
            provider_sudo = token_sudo.provider_id
        else:
            # sudo: as above, the provider against the quote's company
            provider_sudo = (
                request.env["payment.provider"].sudo().browse(int(kwargs.get("provider_id") or 0))
            )
        if (
            not provider_sudo.exists()
            or provider_sudo.company_id != quote["company"]
            or provider_sudo.state == "disabled"
        ):
            raise ValidationError(request.env._("This payment method is not offered here."))
        charge, create_values = Service._transaction_values(quote, amount, provider_sudo, user=user)
        prefix = None
        if quote["on_account"] or len(quote["lines"]) > 3:
            prefix = f"{quote['customer'].ref or quote['customer'].id}-ONLINE"
        tx_sudo = self._create_transaction(
            provider_id=provider_sudo.id,
            payment_method_id=kwargs.get("payment_method_id"),
            token_id=kwargs.get("token_id"),
            amount=charge,
            currency_id=quote["currency"].id,
            partner_id=partner.id,
            flow=flow,
            tokenization_requested=kwargs.get("tokenization_requested"),
            landing_route=landing_route,
            reference_prefix=prefix,
            custom_create_values=create_values,
        )
        return tx_sudo._get_processing_values()


class ConnectPortalAccountPayments(PortalAccount):
    @route()
    def portal_my_overdue_invoices(self, access_token=None, **kw):
        _require_payments()
        return super().portal_my_overdue_invoices(access_token=access_token, **kw)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "connect_payment_count" in counters:
            user = request.env.user
            if user._is_portal() and user._connect_grants("payments"):
                customer, company = request.env["customer_connect.payment.service"]._scope()
                values["connect_payment_count"] = len(
                    request.env["customer_connect.payment.service"]._open_items(customer, company)
                )
            else:
                values["connect_payment_count"] = 0
        return values


class ConnectSaleOrderPayments(SalePaymentPortal):
    """Customer Connect depends on ``sale`` (the orders area): paying a sale
    order online (a quotation's prepayment) is a payment like any other."""

    @route()
    def portal_order_transaction(self, order_id, access_token, **kwargs):
        _require_payments(order_id=order_id)
        return super().portal_order_transaction(order_id, access_token, **kwargs)


class PostProcessingElsewhere(Exception):
    """The status page's "retry" answer, on which Odoo's page polls again
    (payment/static/src/js/post_processing.js): the transaction is being
    post-processed by another transaction right now. Logged at INFO (Odoo
    logs an exception with a ``loglevel`` at that level), not as an error."""

    loglevel = logging.INFO

    def __init__(self):
        super().__init__("retry")


class ConnectPaymentPostProcessing(PaymentPostProcessing):
    @route()
    def poll_status(self, **kwargs):
        """The status page finishing a transaction the cron may be finishing
        at the same moment: the transaction's row is locked first, outside
        Odoo's handler (which turns a failure into an ERROR line and a
        "retry" for the page): a serialization failure goes to Odoo's
        request retry, logged at INFO, which finds the transaction done.
        A row locked by a post-processing under way (the cron, the other
        server's status page) is not waited for: the page is told to poll
        again (3 s later). Waiting held a worker for the other one's whole
        receipt PDF and e-mail: a poll took 66 s in the two-server load test
        (issue 19)."""
        tx_sudo = self._get_monitored_transaction()
        if tx_sudo and not tx_sudo.is_post_processed:
            try:
                tx_sudo._connect_lock_for_post_processing(wait=False)
            except psycopg2.errors.LockNotAvailable:
                raise PostProcessingElsewhere() from None
        return super().poll_status(**kwargs)
