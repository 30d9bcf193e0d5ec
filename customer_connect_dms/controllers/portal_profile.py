"""The portal profile of a DMS-managed customer: what the DMS owns shows
read-only (disabled inputs, so the browser does not post them) and is never
written from the form, whatever is posted; a change comes from the next
import."""

from odoo.http import request

from odoo.addons.customer_connect.controllers.portal_profile import ConnectPortalProfile

# portal form input -> partner field
FORM_FIELDS = {
    "name": "name",
    "email": "email",
    "phone": "phone",
    "street": "street",
    "street2": "street2",
    "city": "city",
    "zipcode": "zip",
    "state_id": "state_id",
    "country_id": "country_id",
    "vat": "vat",
    "company_name": "company_name",
    "mobile": "mobile",
}


class ConnectPortalProfileDms(ConnectPortalProfile):
    def _connect_dms_locked_inputs(self, partner):
        locked = set(partner._connect_dms_portal_locked_fields())
        return {name for name, field in FORM_FIELDS.items() if field in locked}

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["connect_dms_locked"] = self._connect_dms_locked_inputs(request.env.user.partner_id)
        return values

    def details_form_validate(self, data, partner_creation=False):
        partner = request.env.user.partner_id
        if not partner_creation:
            # disabled inputs are not posted: the current values stand in for
            # them, so that Odoo's required-field checks pass
            for name in self._connect_dms_locked_inputs(partner):
                field = FORM_FIELDS[name]
                value = partner[field]
                if field in ("state_id", "country_id"):
                    value = str(value.id) if value else ""
                data[name] = value or ""
        return super().details_form_validate(data, partner_creation)

    def on_account_update(self, values, partner):
        result = super().on_account_update(values, partner)
        # Odoo writes the profile as superuser: what the DMS owns is dropped
        # here, whatever the browser posted
        for name in self._connect_dms_locked_inputs(partner):
            values.pop(FORM_FIELDS[name], None)
            values.pop(name, None)
        return result
