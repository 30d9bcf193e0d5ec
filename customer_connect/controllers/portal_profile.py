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
        values["connect_titles"] = request.env["res.partner.title"].sudo().search([])
        return values

    def details_form_validate(self, data, partner_creation=False):
        error, error_message = super().details_form_validate(data, partner_creation)
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
