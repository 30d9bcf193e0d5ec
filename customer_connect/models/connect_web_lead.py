"""Web leads: the public Request Info form (manual 003, "Request Info"),
which files a CRM lead tagged "Web lead" for the dealer's staff.

Everything the form does is decided here; the controller
(controllers/web_leads.py) only hands over what was posted and renders the
answer. What a visitor posts is refused field by field (type, length,
characters, e-mail) before anything is written; what is accepted is stored
as plain text (the message as escaped HTML, ``plaintext2html``)."""

import binascii
import re
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize, email_split, hash_sign, plaintext2html, verify_hash_signed

# name of the hidden field people never see and bots fill
HONEYPOT = "company_website"
# the signed token of the embeddable form (no session cookie in a third-party
# iframe, so no Odoo CSRF token there): its scope and lifetime
FORM_TOKEN_SCOPE = "customer_connect.web_lead_form"
FORM_TOKEN_HOURS = 2
# the window of the rate limits
LIMIT_WINDOW = timedelta(hours=1)
DEFAULT_LIMIT_PER_ADDRESS = 5
DEFAULT_LIMIT_PER_EMAIL = 3
# what the browser may send for the whole form: 7 fields of at most 4,000
# characters, each up to 9 bytes once URL-encoded, fit well below; a bigger
# body is read this far only, and the form comes back with what was read
# (models/ir_http.py, _connect_cut_oversized_form)
MAX_BODY_BYTES = 64 * 1024
# a dealer's website origin as CSP frame-ancestors takes it: scheme, host
# (a leading "*." for its subdomains), optional port; nothing else reaches
# the header
ORIGIN_RE = re.compile(
    r"^https?://(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::\d{1,5})?$"
)
# control characters PostgreSQL or a reader would choke on (a NUL is refused
# by PostgreSQL itself: a server error if it reached the database);
# tabs and line breaks are kept where a field has several lines
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{4,30}(?:\s*(?:ext\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE)
CUSTOMER_NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]*$")


def _as_list(raw):
    return list(raw) if isinstance(raw, (list, tuple)) else [raw]


class CustomerConnectWebLeadPost(models.Model):
    """One accepted post of the Request Info form (a lead filed, or a bot
    caught by the honeypot): what the rate limits count. Kept two days."""

    _name = "customer_connect.web.lead.post"
    _description = "Request Info form post (rate limit)"
    _order = "id desc"
    _log_access = True

    remote_addr = fields.Char("Address", required=True, index=True, readonly=True)
    email_normalized = fields.Char("E-mail", index=True, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    lead_id = fields.Many2one("crm.lead", readonly=True, ondelete="set null")
    honeypot = fields.Boolean("Caught by the honeypot", readonly=True)

    @api.autovacuum
    def _gc_web_lead_posts(self):
        """Posts older than two days count for no limit any more."""
        old = self.search([("create_date", "<", fields.Datetime.now() - timedelta(days=2))])
        old.unlink()


class CustomerConnectWebLead(models.AbstractModel):
    """The Request Info form: its fields, their checks, the spam guards
    (CSRF or signed form token, honeypot, rate limits per address and per
    e-mail) and the lead it files."""

    _name = "customer_connect.web.lead"
    _description = "Customer Connect web leads (Request Info form)"

    # ------------------------------------------------------------------
    # The form
    # ------------------------------------------------------------------
    @api.model
    def _form_fields(self):
        """The form's fields, in order: name (the posted key, also the
        lead's field for most), label, required, longest value, several
        lines, the input's type and autocomplete hint."""
        _ = self.env._
        return [
            {"name": "contact_name", "label": _("Your name"), "required": True, "size": 100,
             "autocomplete": "name"},
            {"name": "partner_name", "label": _("Company or farm"), "required": False,
             "size": 120, "autocomplete": "organization"},
            {"name": "email_from", "label": _("E-mail"), "required": True, "size": 254,
             "type": "email", "autocomplete": "email"},
            {"name": "phone", "label": _("Phone"), "required": False, "size": 40,
             "type": "tel", "autocomplete": "tel"},
            {"name": "city", "label": _("Town or city"), "required": False, "size": 80,
             "autocomplete": "address-level2"},
            {"name": "customer_number", "label": _("Customer number, if you have one"),
             "required": False, "size": 20, "autocomplete": "off"},
            {"name": "message", "label": _("How can we help?"), "required": True,
             "size": 4000, "multiline": True},
        ]  # fmt: skip

    @api.model
    def _form_field_names(self):
        return [spec["name"] for spec in self._form_fields()]

    # ------------------------------------------------------------------
    # Checking what was posted
    # ------------------------------------------------------------------
    @api.model
    def _one_text(self, raw, spec):
        """(text, refusal) of one posted value: a single string, else a
        refusal saying why. An HTTP form gives a list of what was posted
        under the name (several values, or a file, are refused); a Python
        caller may pass the value itself."""
        _ = self.env._
        label = spec["label"]
        if isinstance(raw, (list, tuple)):
            if len(raw) > 1:
                return "", _("%(field)s was sent more than once.", field=label)
            raw = raw[0] if raw else ""
        if raw is None or raw is False:
            raw = ""
        if not isinstance(raw, str):
            if hasattr(raw, "filename") and hasattr(raw, "stream"):
                return "", _("%(field)s must be typed in, not a file.", field=label)
            return "", _("%(field)s must be text.", field=label)
        if "\ufffd" in raw:
            # what the decoder put in place of bytes that are not UTF-8
            return "", _("%(field)s is not valid text (UTF-8 expected).", field=label)
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
        if not spec.get("multiline"):
            text = " ".join(text.split())
        text = text.strip()
        if CONTROL_RE.search(text) or (not spec.get("multiline") and "\t" in text):
            return "", _("%(field)s contains characters that cannot be stored.", field=label)
        if len(text) > spec["size"]:
            # refused, not cut: the visitor sees what would be lost and
            # shortens it; a truncated message may say the opposite
            return text, _(
                "%(field)s is too long: at most %(size)s characters (%(length)s sent).",
                field=label,
                size=spec["size"],
                length=len(text),
            )
        if spec["required"] and not text:
            return text, _("%(field)s is required.", field=label)
        return text, None

    @api.model
    def _validate(self, raw):
        """Check a post of the form.

        :param raw: {field name: what was posted}, see ``_one_text``
        :return: (values, errors): the cleaned text of each field (what the
            form shows again), and {field name: message} of the refused ones
        """
        _ = self.env._
        values, errors = {}, {}
        for spec in self._form_fields():
            text, refusal = self._one_text(raw.get(spec["name"], ""), spec)
            values[spec["name"]] = text
            if refusal:
                errors[spec["name"]] = refusal
        email = values.get("email_from")
        if email and "email_from" not in errors:
            normalized = email_normalize(email)
            if len(email_split(email)) != 1 or not normalized:
                errors["email_from"] = _(
                    "E-mail: %(email)s is not one e-mail address (name@example.com).",
                    email=email,
                )
        phone = values.get("phone")
        if phone and "phone" not in errors and not PHONE_RE.match(phone):
            errors["phone"] = _("Phone: digits, spaces and + ( ) - . / only, e.g. +44 1234 567890.")
        number = values.get("customer_number")
        if number and "customer_number" not in errors and not CUSTOMER_NUMBER_RE.match(number):
            errors["customer_number"] = _(
                "Customer number: letters, digits, spaces and . / - only."
            )
        return values, errors

    # ------------------------------------------------------------------
    # Spam guards
    # ------------------------------------------------------------------
    @api.model
    def _limit(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(key, str(default))
        # Settings refuse less than 1; a parameter edited by hand may not
        return max(1, int(value)) if str(value).strip().isdigit() else default

    @api.model
    def _limits(self):
        """(posts per address, posts per e-mail) accepted in an hour."""
        return (
            self._limit("customer_connect.web_lead_limit_per_address", DEFAULT_LIMIT_PER_ADDRESS),
            self._limit("customer_connect.web_lead_limit_per_email", DEFAULT_LIMIT_PER_EMAIL),
        )

    @api.model
    def _limit_refusal(self, remote_addr, email=None):
        """The message refusing one more post from ``remote_addr`` (or for
        ``email``) in the last hour, or None when it is within the limits."""
        _ = self.env._
        per_address, per_email = self._limits()
        # the posts are the system's; a visitor is only counted
        Post = self.env["customer_connect.web.lead.post"].sudo()
        since = fields.Datetime.now() - LIMIT_WINDOW
        if Post.search_count([("remote_addr", "=", remote_addr), ("create_date", ">=", since)]) >= (
            per_address
        ):
            return _(
                "Too many requests from your address: at most %(limit)s an hour. "
                "Please try again later, or telephone us.",
                limit=per_address,
            )
        if (
            email
            and Post.search_count([("email_normalized", "=", email), ("create_date", ">=", since)])
            >= per_email
        ):
            return _(
                "Too many requests for this e-mail address: at most %(limit)s an hour. "
                "We will answer the ones we have.",
                limit=per_email,
            )
        return None

    @api.model
    def _form_token(self, remote_addr):
        """The signed token the embeddable form carries instead of Odoo's
        CSRF token (its session cookie is not sent in a third-party iframe):
        bound to the visitor's address, valid two hours, so a post must come
        from a form this server gave that address."""
        # the signature key is the database secret, read as the system
        return hash_sign(
            self.sudo().env, FORM_TOKEN_SCOPE, [remote_addr], expiration_hours=FORM_TOKEN_HOURS
        )

    @api.model
    def _check_form_token(self, token, remote_addr):
        """Whether ``token`` is a live form token of ``remote_addr``."""
        if not isinstance(token, str) or not token or len(token) > 512:
            return False
        try:
            # sudo: the signing secret only; the signature is what is checked here
            payload = verify_hash_signed(self.sudo().env, FORM_TOKEN_SCOPE, token)
        except (ValueError, TypeError, binascii.Error):
            # not one of ours at all (bad base64, version, JSON)
            return False
        return payload == [remote_addr]

    @api.model
    def _frame_origins(self):
        """The dealer's website origins allowed to embed the form (Settings),
        each checked again: only a valid origin reaches the header."""
        # sudo: a setting (ir.config_parameter is readable by the system only)
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_connect.web_lead_embed_origins", "")
        )
        return [origin for origin in re.split(r"[\s,]+", value or "") if ORIGIN_RE.match(origin)]

    @api.model
    def _check_origins(self, value):
        """Refuse a Settings value that is not a list of origins."""
        bad = [
            origin
            for origin in re.split(r"[\s,]+", value or "")
            if origin and not ORIGIN_RE.match(origin)
        ]
        if bad:
            raise ValidationError(
                self.env._(
                    "Not a website origin (https://www.example.com, no path): %(origins)s",
                    origins=", ".join(bad),
                )
            )

    @api.model
    def _frame_ancestors(self, embed):
        """The Content-Security-Policy of the form's page: the full page only
        in the portal's own frames (as Odoo's login page); the embeddable
        one also in the dealer's website origins."""
        if not embed:
            return "frame-ancestors 'self'"
        return " ".join(["frame-ancestors 'self'", *self._frame_origins()])

    # ------------------------------------------------------------------
    # Filing the lead
    # ------------------------------------------------------------------
    @api.model
    def _team(self, company):
        """The sales team web leads go to: the company's setting, else its
        first team (or one shared by all companies)."""
        # sudo: a company setting; the web form's visitor is the public user
        team = company.sudo().connect_web_lead_team_id
        if not team:
            # sudo: the public user cannot read sales teams; only the team is read
            team = (
                self.env["crm.team"]
                .sudo()
                .search([("company_id", "in", [company.id, False])], order="sequence, id", limit=1)
            )
        return team

    @api.model
    def _lead_values(self, values, company):
        """What the lead gets from the checked ``values``."""
        team = self._team(company)
        if team:
            lead_type = "lead" if team.use_leads else "opportunity"
        else:
            # as for an employee of the dealer: leads when CRM uses them
            uses_leads = (
                self.env.ref("crm.group_use_lead")
                in self.env.ref("base.group_user").sudo().trans_implied_ids
            )
            lead_type = "lead" if uses_leads else "opportunity"
        tag = self.env.ref("customer_connect.crm_tag_web_lead", raise_if_not_found=False)
        source = self.env.ref("customer_connect.utm_source_request_info", raise_if_not_found=False)
        medium = self.env.ref("utm.utm_medium_website", raise_if_not_found=False)
        who = values["partner_name"] or values["contact_name"]
        return {
            "name": self.env._("Request Info: %(who)s", who=who),
            "contact_name": values["contact_name"],
            "partner_name": values["partner_name"],
            "email_from": values["email_from"],
            "phone": values["phone"],
            "city": values["city"],
            "connect_customer_number": values["customer_number"],
            # plain text, escaped: what the visitor typed never becomes markup
            "description": plaintext2html(values["message"]),
            "connect_web_lead": True,
            "tag_ids": [Command.link(tag.id)] if tag else [],
            "source_id": source.id if source else False,
            "medium_id": medium.id if medium else False,
            "team_id": team.id or False,
            # not the visitor (the public user): the team assigns it
            "user_id": False,
            "company_id": company.id,
            "type": lead_type,
        }

    @api.model
    def _submit(self, raw, remote_addr, company):
        """One post of the Request Info form, from ``remote_addr`` (Odoo's
        ``proxy_mode`` makes it the visitor's behind a proxy) to the dealer
        ``company`` of the site.

        :return: a dict: ``state`` (filed, honeypot, invalid, limited),
            ``values`` (the checked text, to show again or thank for),
            ``errors`` ({field: message}, "" for the whole form) and ``lead``
        """
        result = {"state": "invalid", "values": {}, "errors": {}, "lead": self.env["crm.lead"]}
        # one post at a time per address: a flood of parallel posts cannot
        # all read the count before any is recorded (held to the commit)
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{FORM_TOKEN_SCOPE}:{remote_addr}"]
        )
        refusal = self._limit_refusal(remote_addr)
        values, errors = self._validate(raw)
        result["values"] = values
        if refusal:
            result.update(state="limited", errors={"": refusal})
            return result
        # sudo: the posts are the system's (see _limit_refusal)
        Post = self.env["customer_connect.web.lead.post"].sudo()
        trap = raw.get(HONEYPOT)
        if any(value not in (None, False, "") for value in _as_list(trap)):
            # a bot: nothing filed, and an answer like any other
            Post.create({"remote_addr": remote_addr, "company_id": company.id, "honeypot": True})
            result["state"] = "honeypot"
            return result
        if errors:
            result["errors"] = errors
            return result
        email = email_normalize(values["email_from"])
        refusal = self._limit_refusal(remote_addr, email)
        if refusal:
            result.update(state="limited", errors={"": refusal})
            return result
        # sudo: a visitor has no right on leads, and must never read one;
        # what is written was checked above, field by field. No follower:
        # the public user would follow every lead (as website_crm does)
        lead_sudo = (
            self.env["crm.lead"]
            .with_company(company)
            # sudo: the public visitor creates the lead, as website_crm does
            .sudo()
            .with_context(mail_create_nosubscribe=True)
            .create(self._lead_values(values, company))
        )
        Post.create(
            {
                "remote_addr": remote_addr,
                "email_normalized": email,
                "company_id": company.id,
                "lead_id": lead_sudo.id,
            }
        )
        result.update(state="filed", lead=lead_sudo)
        return result
