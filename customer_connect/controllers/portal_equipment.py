"""Equipment: the customer's machines, their documents and hour readings.
Routes check the area and hand over to customer_connect.equipment
(models/connect_equipment.py); the record rules in
security/portal_equipment_security.xml hold the same line for JSON-RPC."""

from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.connect_equipment import EQUIPMENT_FILTERS, EQUIPMENT_PAGE, EQUIPMENT_SORTS
from ..models.ir_http import replica_readonly
from .portal_list import PortalListParams

REMINDER_PREFERENCE = "connect_pref_equipment_reminders"


class ConnectPortalEquipment(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "connect_equipment_count" in counters:
            values["connect_equipment_count"] = request.env[
                "customer_connect.equipment"
            ]._connect_portal_count()
        return values

    # -- profile: the reminders preference -------------------------------
    def _get_optional_fields(self):
        return super()._get_optional_fields() + [REMINDER_PREFERENCE]

    def on_account_update(self, values, partner):
        result = super().on_account_update(values, partner)
        if request.env.user._connect_grants("equipment"):
            # an unticked box is not posted: off
            values[REMINDER_PREFERENCE] = bool(values.get(REMINDER_PREFERENCE))
        else:
            # not shown to a contact without the equipment area: kept as is
            values.pop(REMINDER_PREFERENCE, None)
        return result

    # -- the list -----------------------------------------------------------
    @http.route(
        ["/my/equipment", "/my/equipment/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=replica_readonly,
    )
    def portal_my_equipment(
        self, page=1, filterby="all", search="", sortby="name", order="asc", **kw
    ):
        """The customer's machines: searched on make, model and serial
        number, filtered on warranty and service, sorted on every column."""
        request.env.user._connect_require("equipment")
        Equipment = request.env["customer_connect.equipment"]
        params = PortalListParams(
            page, EQUIPMENT_PAGE, order=order, default_order="asc", search=search
        )
        filterby = params.choice(filterby, EQUIPMENT_FILTERS, "all")
        sortby = params.choice(sortby, EQUIPMENT_SORTS, "name")
        machines, count, document_counts = Equipment._connect_portal_page(
            filterby, params.search, sortby, params.descending, offset=params.offset
        )
        url_args = {
            "filterby": filterby,
            "search": params.search,
            "sortby": sortby,
            "order": params.order,
        }
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_equipment",
                "machines": machines,
                "document_counts": document_counts,
                "filterby": filterby,
                "search": params.search,
                "sortby": sortby,
                "order": params.order,
                "url_args": url_args,
                "pager": params.pager("/my/equipment", url_args, count),
            }
        )
        return request.render("customer_connect.portal_my_equipment", values)

    # -- one machine ----------------------------------------------------------
    def _equipment_machine(self, equipment_id):
        """The machine when the contact may see it: 403 when it is not its
        customer's (or its level does not open equipment), 404 when there
        is no such machine."""
        try:
            return request.env["customer_connect.equipment"]._connect_portal_machine(equipment_id)
        except MissingError as error:
            raise request.not_found() from error

    def _equipment_page(self, machine, error=None, reading=None, saved=False):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "connect_equipment_detail",
                "machine": machine,
                "documents": machine._connect_documents_sudo(),
                "error": error,
                "reading": reading,
                "saved": saved,
            }
        )
        return request.render("customer_connect.portal_my_equipment_detail", values)

    @http.route(
        "/my/equipment/<int:equipment_id>",
        type="http",
        auth="user",
        website=True,
        readonly=replica_readonly,
    )
    def portal_my_equipment_detail(self, equipment_id, saved=None, **kw):
        machine = self._equipment_machine(equipment_id)
        return self._equipment_page(machine, saved=bool(saved))

    @http.route(
        "/my/equipment/<int:equipment_id>/hours",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_equipment_hours(self, equipment_id, hours=None, **kw):
        """The contact reports the hour meter (a form; CSRF-checked)."""
        machine = self._equipment_machine(equipment_id)
        try:
            machine._connect_report_hours(hours)
        except UserError as error:
            return self._equipment_page(machine, error=str(error), reading=hours)
        return request.redirect(f"/my/equipment/{machine.id}?{urlencode({'saved': 1})}")

    @http.route(
        "/my/equipment/<int:equipment_id>/documents/<int:attachment_id>",
        type="http",
        auth="user",
        website=True,
        readonly=replica_readonly,
    )
    def portal_my_equipment_document(self, equipment_id, attachment_id, **kw):
        """One document of the machine, downloaded: the machine's rules
        decide, then the file is served as the system."""
        machine = self._equipment_machine(equipment_id)
        try:
            document_sudo = machine._connect_portal_document(attachment_id)
        except MissingError as error:
            raise request.not_found() from error
        request.env["customer_connect.portal.event"]._record(
            "document_downloaded",
            machine,
            name=f"{document_sudo.name} ({machine.display_name})"[:250],
        )
        return document_sudo._to_http_stream().get_response(as_attachment=True)
