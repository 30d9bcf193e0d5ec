"""Profile (manual 000 §3.3): Odoo's /my/account with what the dealer
management systems' profile adds: title, mobile and alternate number,
contact preferences (SMS, phone, e-mail, post) and a photo. The customer
number, owned by the dealer's systems, shows read-only. The password is
changed on Odoo's /my/security."""

import base64

from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools.image import image_process

from odoo.addons.portal.controllers.portal import CustomerPortal

PROFILE_FIELDS = ["title", "mobile", "connect_alt_phone"]
PREFERENCE_FIELDS = [
    "connect_pref_sms",
    "connect_pref_phone",
    "connect_pref_email",
    "connect_pref_post",
]
PHOTO_FIELD = "connect_photo"
# a portrait, not an archive: larger uploads are refused with a message
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = ("image/png", "image/jpeg")


class ConnectPortalProfile(CustomerPortal):
    def _get_optional_fields(self):
        return super()._get_optional_fields() + PROFILE_FIELDS + PREFERENCE_FIELDS + [PHOTO_FIELD]

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        # sudo: titles are shared reference data (Mr, Ms, ...), nothing of a customer's
        values["connect_titles"] = request.env["res.partner.title"].sudo().search([])
        return values

    def _connect_field_messages(self):
        """The message of each field Odoo's form checks, said as the form
        names the field (Odoo gives one "Some required fields are empty.")."""
        _ = request.env._
        return {
            "name": _("Enter your name."),
            "phone": _("Enter your phone number."),
            "email": _("Enter your e-mail address."),
            "street": _("Enter your street."),
            "city": _("Enter your town or city."),
            "country_id": _("Choose your country from the list."),
            "state_id": _("Choose your county or state from the list."),
        }

    def _connect_clean_choice(self, data, name, model):
        """A list's value as posted, kept only when it names a record of the
        list: Odoo's form and its checks do int() on it (a 500 on
        "False", "abc" or a number beyond PostgreSQL's integer)."""
        value = data.get(name)
        if not value or value == "False":
            # "False": Odoo's own stand-in for a read-only country left empty
            data[name] = ""
            return True
        text = str(value).strip()
        if (
            text.isdigit()
            and int(text) < 2**31
            # sudo: countries and states are public reference data (Odoo's
            # own form lists them the same way)
            and request.env[model].sudo().browse(int(text)).exists()
        ):
            data[name] = text
            return True
        data[name] = ""
        return False

    def details_form_validate(self, data, partner_creation=False):
        for name in self._get_mandatory_fields():
            if isinstance(data.get(name), str) and not data[name].strip():
                data[name] = ""  # spaces are not a street (Odoo takes them)
        bad_choices = [
            name
            for name, model in (("country_id", "res.country"), ("state_id", "res.country.state"))
            if not self._connect_clean_choice(data, name, model)
        ]
        error, error_message = super().details_form_validate(data, partner_creation)
        partner = request.env.user.partner_id
        if data.get("vat") and data["vat"] != partner.vat and not partner.can_edit_vat():
            # Odoo says so but leaves error empty, and would save the number
            error["vat"] = "error"
        if error.get("country_id") == "missing" and not partner.can_edit_vat():
            # Odoo shows the country read-only to a contact of a customer that
            # has invoices: one the dealer left empty cannot be chosen, so it
            # cannot be required (Odoo would ask for what it does not let in)
            del error["country_id"]
        messages = self._connect_field_messages()
        for name in bad_choices:
            error[name] = "error"
        missing = [name for name, kind in error.items() if kind == "missing"]
        if missing or bad_choices:
            generic = request.env._("Some required fields are empty.")
            error_message[:] = [message for message in error_message if message != generic]
            error_message[:0] = [
                messages.get(name, generic) for name in [*missing, *bad_choices] if name in messages
            ]
        if "common" in error:
            # Odoo's text is not translatable and reads as a programmer's
            unknown = [
                key
                for key in data
                if key not in self._get_mandatory_fields() + self._get_optional_fields()
            ]
            error_message[:] = [
                message for message in error_message if not message.startswith("Unknown field")
            ]
            error_message.append(
                request.env._(
                    "This form cannot change %(fields)s: nothing was saved.",
                    fields=", ".join(unknown),
                )
            )
        photo = data.get(PHOTO_FIELD)
        if photo and hasattr(photo, "read"):
            content = photo.read()
            if len(content) > PHOTO_MAX_BYTES:
                error[PHOTO_FIELD] = "error"
                error_message.append(request.env._("The photo must be 5 MB at most."))
            elif content:
                Upload = request.env["customer_connect.upload"]
                try:
                    # its content, name and declared type agree (the one
                    # check of every upload), then it opens as an image
                    # (decompression bombs refused)
                    Upload._connect_check(
                        Upload._connect_clean_name(photo.filename),
                        content,
                        photo.mimetype,
                        PHOTO_TYPES,
                    )
                    image_process(content, verify_resolution=True)
                    data[PHOTO_FIELD] = content
                except UserError as refusal:
                    error[PHOTO_FIELD] = "error"
                    error_message.append(str(refusal))
                except (OSError, ValueError, UserWarning):
                    error[PHOTO_FIELD] = "error"
                    error_message.append(request.env._("The photo must be a PNG or JPEG image."))
            else:
                data.pop(PHOTO_FIELD)
        elif PHOTO_FIELD in data:
            data.pop(PHOTO_FIELD)
        title = data.get("title")
        if title and not (
            str(title).isdigit()
            # sudo: titles are shared reference data; only whether the id exists is read
            and request.env["res.partner.title"].sudo().browse(int(title)).exists()
        ):
            error["title"] = "error"
            error_message.append(request.env._("Choose a title from the list."))
        return error, error_message

    def on_account_update(self, values, partner):
        result = super().on_account_update(values, partner)
        # unticked boxes are not posted: every preference gets a value
        for name in PREFERENCE_FIELDS:
            values[name] = bool(values.get(name))
        values["title"] = int(values["title"]) if values.get("title") else False
        photo = values.pop(PHOTO_FIELD, None)
        if photo:
            values["image_1920"] = base64.b64encode(photo)
        return result
