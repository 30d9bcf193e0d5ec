"""Project status (manual 003): the customer's projects, one project's
proposals, rooms / locations, items and all details, and an item's image,
all behind the project status area (``res.users._connect_require
("project_status")``). The logic, the access checks and the sorting live in
customer_connect.portal.project.status (models/portal_project_status.py);
the record rules of security/portal_project_status_security.xml hold the
same line for JSON-RPC."""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.ir_http import replica_readonly
from ..models.portal_project_status import PROJECT_VIEWS

# the visitor's choice of images on or off, kept for the session
SESSION_IMAGES = "connect_project_images"


class ConnectPortalProjectStatus(CustomerPortal):
    def _connect_project_images(self, images=None):
        """Whether item images show: ``images`` ("1" / "0") when the visitor
        just switched them (kept in the session), else the visitor's last
        choice, else the dealer company's default (Settings)."""
        if images in ("0", "1"):
            request.session[SESSION_IMAGES] = images == "1"
        if SESSION_IMAGES in request.session:
            return bool(request.session[SESSION_IMAGES])
        return request.env.company.connect_project_show_images

    @http.route("/my/projects", type="http", auth="user", website=True, readonly=replica_readonly)
    def portal_my_projects(self, **kw):
        """The customer's projects: its proposals by delivery address."""
        request.env.user._connect_require("project_status")
        Status = request.env["customer_connect.portal.project.status"]
        values = self._prepare_portal_layout_values()
        values.update(page_name="connect_projects", projects=Status._projects())
        return request.render("customer_connect.portal_my_projects", values)

    @http.route(
        "/my/projects/<int:site_id>",
        type="http",
        auth="user",
        website=True,
        readonly=replica_readonly,
    )
    def portal_my_project(self, site_id, view=None, images=None, **kw):
        """One project in one of the four views, images on or off."""
        request.env.user._connect_require("project_status")
        Status = request.env["customer_connect.portal.project.status"]
        try:
            project = Status._project(site_id, view if view in PROJECT_VIEWS else "proposals")
        except MissingError:
            raise NotFound() from None
        if view is None and images is None:
            # opened from the list, not a switch of view or images
            request.env["customer_connect.portal.event"]._record(
                "project_viewed", project["accepted"] or project["pending"]
            )
        values = self._prepare_portal_layout_values()
        values.update(
            project,
            page_name="connect_project",
            show_images=self._connect_project_images(images),
            project_views=[
                ("proposals", request.env._("Proposals")),
                ("rooms", request.env._("Rooms/Locations")),
                ("items", request.env._("Items")),
                ("details", request.env._("All Details")),
            ],
        )
        return request.render("customer_connect.portal_my_project", values)

    @http.route(
        "/my/projects/image/<int:line_id>", type="http", auth="user", readonly=replica_readonly
    )
    def portal_my_project_image(self, line_id, **kw):
        """An item's product image (portal users cannot read products):
        only for an item of one of the visitor's accepted proposals."""
        request.env.user._connect_require("project_status")
        try:
            product_sudo = request.env["customer_connect.portal.project.status"]._item_product(
                line_id
            )
        except MissingError:
            raise NotFound() from None
        stream = request.env["ir.binary"]._get_image_stream_from(product_sudo, "image_128")
        return stream.get_response()
