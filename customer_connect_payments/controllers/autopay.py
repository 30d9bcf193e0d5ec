"""Autopay: a contact whose level sets up autopay (and makes payments) turns
it on for its customer in the picked dealer company, with one of its saved
payment methods, a maximum per charge and when to charge; turns it off;
sees what will be charged next. Routes check the area and hand over to
customer_connect.autopay (models/connect_autopay.py)."""

from odoo.exceptions import AccessError, UserError
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal

FORM_FIELDS = ("token_id", "max_amount", "timing")


class ConnectAutopayPortal(CustomerPortal):
    def _autopay_page(self, customer, company, error=None, typed=None, saved=None):
        Autopay = request.env["customer_connect.autopay"]
        user = request.env.user
        autopay = Autopay._of(customer, company)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_autopay",
                "autopay": autopay,
                "next_charge": autopay._next_charge() if autopay else None,
                "tokens": Autopay._usable_tokens(user.partner_id, company),
                "may_pay": user._connect_grants("payments"),
                "timings": Autopay._fields["timing"]._description_selection(request.env),
                "error": error,
                "saved": saved,
                # what was typed, shown again when the page says why not
                "typed": typed
                or {
                    "token_id": str(autopay.token_id.id or ""),
                    "max_amount": f"{autopay.max_amount:.2f}" if autopay.max_amount else "",
                    "timing": autopay.timing or "due",
                },
            }
        )
        return request.render("customer_connect_payments.portal_my_autopay", values)

    @route("/my/autopay", type="http", auth="user", website=True, methods=["GET"])
    def connect_autopay(self, **kw):
        """The customer's autopay in the picked company, and its form."""
        customer, company = request.env.user._connect_portal_scope("autopay")
        return self._autopay_page(customer, company, saved=kw.get("saved"))

    @route("/my/autopay", type="http", auth="user", website=True, methods=["POST"])
    def connect_autopay_save(self, **kw):
        """Turn autopay on (or change it) with the form's values."""
        customer, company = request.env.user._connect_portal_scope("autopay")
        typed = {key: kw[key][:100] if isinstance(kw.get(key), str) else "" for key in FORM_FIELDS}
        try:
            request.env["customer_connect.autopay"]._turn_on(
                customer,
                company,
                request.env.user,
                kw.get("token_id"),
                kw.get("max_amount"),
                kw.get("timing"),
            )
        except (UserError, AccessError) as error:
            return self._autopay_page(customer, company, error=error.args[0], typed=typed)
        return request.redirect("/my/autopay?saved=on")

    @route("/my/autopay/off", type="http", auth="user", website=True, methods=["POST"])
    def connect_autopay_off(self, **kw):
        """Turn autopay off."""
        customer, company = request.env.user._connect_portal_scope("autopay")
        request.env["customer_connect.autopay"]._of(customer, company)._turn_off(
            request.env._("Turned off by %(name)s", name=request.env.user.partner_id.name),
            user=request.env.user,
        )
        return request.redirect("/my/autopay?saved=off")
