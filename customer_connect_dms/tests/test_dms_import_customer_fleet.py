from contextlib import contextmanager

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import DmsImportCase
from .test_dms_bulk_path import BULK, ORM, DmsBulkCase

HEADER = "number,name,city,parent_number\n"


class FleetCase(DmsImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.clerk = new_test_user(
            cls.env,
            "fleet_clerk",
            groups="base.group_user,base.group_partner_manager,customer_connect.group_connect_user",
        )
        cls.manager = new_test_user(
            cls.env,
            "fleet_svcmgr",
            groups="base.group_user,base.group_partner_manager,"
            "customer_connect_dms.group_dms_number_manager",
        )
        company = {"company_id": cls.company.id, "customer_rank": 1}
        # Greenacres Farm (90001, ConnectCase) is a fleet: a yard with its
        # own number and a shed sharing the farm's
        cls.yard = Partner.create(
            {
                "name": "Greenacres North Yard",
                "is_company": True,
                "type": "other",
                "parent_id": cls.farm.id,
                "ref": "90011",
                "city": "Ayr",
                **company,
            }
        )
        cls.shed = Partner.create(
            {
                "name": "Greenacres Shed",
                "is_company": True,
                "type": "other",
                "parent_id": cls.farm.id,
                "city": "Troon",
                **company,
            }
        )

    @contextmanager
    def _refused_with(self, exception, text):
        """assertRaises (which rolls the savepoint back) and the message."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    def _partner(self, number):
        return self.env["res.partner"]._connect_dms_number_holder(number, self.company)

    def _refused_at(self, run):
        return [(row, column) for row, column, _message in self._refused(run)]


@tagged("post_install", "-at_install")
class TestDmsFleet(FleetCase):
    """Fleet customers (manual 002): locations under their fleet owner, with
    a number of their own or sharing the owner's."""

    # ------------------------------------------------------------------
    # the model
    # ------------------------------------------------------------------

    def test_numbers_unique_across_owners_and_locations(self):
        Partner = self.env["res.partner"]
        with self._refused_with(ValidationError, "90011 is already used by Greenacres North"):
            Partner.create({"name": "Copy", "ref": "90011", "company_id": self.company.id})
        with self._refused_with(ValidationError, "90001 is already used by Greenacres Farm"):
            Partner.create(
                {
                    "name": "Golf Annexe",
                    "is_company": True,
                    "parent_id": self.golf.id,
                    "ref": "90001",
                    "company_id": self.company.id,
                }
            )
        # the shed shares the farm's number and holds none itself
        self.assertFalse(self.shed.ref)
        self.assertEqual(self.shed.connect_dms_number, "90001")
        self.assertEqual(self.yard.connect_dms_number, "90011")
        self.assertEqual(self._partner("90011"), self.yard)
        self.assertEqual(self._partner("90001"), self.farm)
        # a contact may still carry its customer's number
        Partner.create({"name": "Yard Foreman", "ref": "90011", "parent_id": self.yard.id})
        # fleet / local
        self.assertEqual(self.farm.connect_dms_fleet_role, "owner")
        self.assertEqual(self.yard.connect_dms_fleet_role, "location")
        self.assertEqual(self.yard.connect_dms_fleet_owner_id, self.farm)
        self.assertEqual(self.golf.connect_dms_fleet_role, "local")
        self.assertEqual(self.farm.connect_dms_location_ids, self.yard | self.shed)
        # Odoo's structure: each location is its own commercial entity
        self.assertEqual(self.yard.commercial_partner_id, self.yard)
        self.assertEqual(self.yard.display_name, "Greenacres North Yard")

    def test_search_finds_locations(self):
        Partner = self.env["res.partner"]
        self.assertEqual(Partner._connect_dms_search("number", "90011"), self.yard)
        # the owner's number finds the owner and the location sharing it
        self.assertEqual(Partner._connect_dms_search("number", "90001"), self.farm | self.shed)
        self.assertEqual(Partner._connect_dms_search("city", "Troon"), self.shed)
        # contacts are not customers
        found = Partner._connect_dms_search("name", "Greenacres")
        self.assertEqual(found, self.farm | self.yard | self.shed)
        # manual 002's search: the number shown, and Fleet / Local
        wizard = self.env["customer_connect_dms.customer.search"].create(
            {"search_by": "number", "search_text": "90001"}
        )
        self.assertEqual(
            [(p.connect_dms_number, p.connect_dms_fleet_role) for p in wizard.result_ids],
            [("90001", "owner"), ("90001", "location")],
        )
        wizard.search_text = "90002"
        self.assertEqual(wizard.result_ids.connect_dms_fleet_role, "local")

    def test_a_clerk_cannot_free_a_number(self):
        yard = self.yard.with_user(self.clerk)
        with self._refused_with(AccessError, "90011"):
            yard.write({"parent_id": self.golf.id})
        with self._refused_with(AccessError, "90011"):
            yard.write({"parent_id": False})
        with self._refused_with(AccessError, "90011"):
            yard.write({"is_company": False})
        with self._refused_with(AccessError, "90011"):
            yard.connect_dms_fleet_owner_id = self.golf
        self.assertEqual((self.yard.parent_id, self.yard.is_company), (self.farm, True))
        with self._refused_with(ValidationError, "90011"):
            self.env["res.partner"].with_user(self.clerk).create(
                {"name": "Impostor", "ref": "90011", "company_id": self.company.id}
            )
        # a location without a number of its own frees nothing: anyone files it
        self.shed.with_user(self.clerk).connect_dms_fleet_owner_id = self.golf
        self.assertEqual(self.shed.parent_id, self.golf)
        self.assertEqual(self.shed.connect_dms_number, "90002")

    def test_a_service_manager_makes_a_location(self):
        # the golf club (90002) filed under the farm: a location keeping its
        # number and its own address
        self.golf.write({"street": "Clubhouse", "city": "Girvan"})
        self.farm.write({"street": "Farm Road", "city": "Ayr"})
        self.golf.with_user(self.manager).write({"parent_id": self.farm.id})
        self.assertEqual(
            (self.golf.is_company, self.golf.type, self.golf.ref, self.golf.city),
            (True, "other", "90002", "Girvan"),
        )
        self.assertEqual(self.golf.connect_dms_fleet_role, "location")
        self.assertEqual(self._partner("90002"), self.golf)
        self.golf.with_user(self.manager).connect_dms_fleet_owner_id = False
        # Mr Barlow (90003, a person in Odoo) made a location in the form
        self.barlow.write({"street": "Barlow Cottage", "city": "Irvine"})
        self.barlow.with_user(self.manager).connect_dms_fleet_owner_id = self.farm
        self.assertEqual(
            (self.barlow.is_company, self.barlow.type, self.barlow.ref, self.barlow.city),
            (True, "other", "90003", "Irvine"),
        )
        self.assertEqual(self.barlow.connect_dms_fleet_role, "location")
        self.assertEqual(self._partner("90003"), self.barlow)
        with self._refused_with(ValidationError, "90003"):
            self.env["res.partner"].create(
                {"name": "Impostor", "ref": "90003", "company_id": self.company.id}
            )
        # and moves a location to another owner, then out of its fleet
        self.yard.with_user(self.manager).connect_dms_fleet_owner_id = self.golf
        self.assertEqual(self.yard.parent_id, self.golf)
        self.yard.with_user(self.manager).connect_dms_fleet_owner_id = False
        self.assertFalse(self.yard.parent_id)
        self.assertEqual(self.yard.connect_dms_fleet_role, "local")
        self.assertEqual(self._partner("90011"), self.yard)
        # a clerk files a company without a number as a location
        depot = self.env["res.partner"].create(
            {"name": "Depot", "is_company": True, "city": "Largs"}
        )
        depot.with_user(self.clerk).connect_dms_fleet_owner_id = self.golf
        self.assertEqual((depot.parent_id, depot.type, depot.city), (self.golf, "other", "Largs"))

    def test_partner_form(self):
        with Form(self.farm) as form:
            self.assertEqual(len(form.connect_dms_location_ids), 2)
            self.assertEqual(form.connect_dms_fleet_role, "owner")
        # a company made a location in the form keeps its own address
        Partner = self.env["res.partner"].with_user(self.manager)
        with Form(Partner.with_context(default_is_company=True)) as form:
            form.name = "Greenacres Hill Field"
            form.city = "Maybole"
            form.connect_dms_fleet_owner_id = self.farm
        field = form.save()
        self.assertEqual((field.parent_id, field.type, field.city), (self.farm, "other", "Maybole"))
        self.assertEqual(field.connect_dms_number, "90001")

    def test_connector_api(self):
        records = [
            {"parent_number": "A1", "name": "Api Yard", "city": "Ayr"},
            {"number": "A1", "name": "Api Owner"},
            {"number": "A2", "name": "Api Field", "parent_number": "A1"},
        ]
        Api = self.env["customer_connect_dms.api"]
        answer = Api.upsert_customers(records)
        self.assertEqual(answer["state"], "done", answer)
        owner = self._partner("A1")
        self.assertEqual(owner.connect_dms_location_ids.mapped("name"), ["Api Field", "Api Yard"])
        again = Api.upsert_customers(records)
        self.assertEqual((again["created"], again["unchanged"]), (0, 3), again)

    def test_portal_through_odoos_rules(self):
        """A contact of the fleet owner sees its locations' invoices; a
        contact of a location sees its location's only (Odoo's portal rule:
        followers child_of the user's commercial partner)."""
        yard_contact = self.env["res.partner"].create(
            {"name": "Yvonne Yard", "email": "yvonne@yard.example", "parent_id": self.yard.id}
        )
        invoices = {
            partner: self.init_invoice("out_invoice", partner=partner, amounts=[100.0], post=True)
            for partner in (self.farm, self.yard, self.shed)
        }
        every = self.env["account.move"].union(*invoices.values())
        fiona = self._activate(self.farm_fiona)
        yvonne = self._activate(yard_contact)
        Move = self.env["account.move"]
        self.assertEqual(Move.with_user(fiona).search([("id", "in", every.ids)]), every)
        self.assertEqual(
            Move.with_user(yvonne).search([("id", "in", every.ids)]), invoices[self.yard]
        )
        invoices[self.yard].with_user(fiona).check_access("read")
        with self.assertRaises(AccessError):
            invoices[self.shed].with_user(yvonne).check_access("read")
        with self.assertRaises(AccessError):
            invoices[self.farm].with_user(yvonne).check_access("read")
        # the golf club's contacts see none of the fleet's
        keeper = self._activate(self.golf_keeper)
        self.assertFalse(Move.with_user(keeper).search([("id", "in", every.ids)]))

    # ------------------------------------------------------------------
    # the import
    # ------------------------------------------------------------------

    def test_import_owner_after_its_locations(self):
        text = HEADER + (
            "F201,Fleet Hire North,Ayr,F200\n"
            ",Fleet Hire South,Troon,F200\n"
            "F200,Fleet Hire Depot,Irvine,F200\n"
            "F200,Fleet Hire Ltd,Perth,\n"
        )
        dry = self._import("customers", text, dry_run=True)
        self.assertEqual(dry.state, "dry_run", dry.message)
        self.assertEqual((dry.count_created, dry.count_refused), (4, 0))
        self.assertEqual(
            dry.line_ids.sorted("row").mapped("key"),
            ["F201", "F200 / Fleet Hire South", "F200 / Fleet Hire Depot", "F200"],
        )
        self.assertFalse(self._partner("F200"))
        run = self._import("customers", text)
        self.assertEqual(run.state, "done", run.message)
        owner = self._partner("F200")
        north = self._partner("F201")
        self.assertEqual((owner.name, owner.parent_id.id), ("Fleet Hire Ltd", False))
        self.assertEqual(owner.connect_dms_fleet_role, "owner")
        self.assertEqual(
            (north.parent_id, north.is_company, north.type, north.city),
            (owner, True, "other", "Ayr"),
        )
        shared = owner.connect_dms_location_ids - north
        self.assertEqual(shared.mapped("name"), ["Fleet Hire Depot", "Fleet Hire South"])
        self.assertEqual(shared.mapped("ref"), [False, False])
        self.assertEqual(shared.mapped("connect_dms_number"), ["F200", "F200"])
        self.assertTrue(all(shared.mapped("connect_dms_managed")))
        self.assertEqual(owner.city, "Perth")  # no location's address copied onto it
        # the same file again, rows in another order: nothing changes
        stamps = (owner | owner.connect_dms_location_ids).mapped("write_date")
        lines = text.splitlines()
        again = self._import("customers", "\n".join([lines[0], *reversed(lines[1:])]) + "\n")
        self.assertEqual(
            (again.count_created, again.count_updated, again.count_unchanged), (0, 0, 4)
        )
        self.assertEqual((owner | owner.connect_dms_location_ids).mapped("write_date"), stamps)
        # a change reaches the location it belongs to
        changed = self._import("customers", text.replace("Troon", "Largs"))
        self.assertEqual((changed.count_updated, changed.count_unchanged), (1, 3))
        self.assertEqual(
            owner.connect_dms_location_ids.filtered(lambda p: p.city == "Largs").name,
            "Fleet Hire South",
        )

    def test_import_locations_of_an_existing_owner(self):
        text = HEADER + (
            "90011,Greenacres North Yard,Ayr,90001\n"  # already there
            ",Greenacres Shed,Troon,90001\n"  # already there, shares 90001
            ",Greenacres Barn,Girvan,90001\n"
            "90003,Mr A. Barlow,Irvine,90001\n"  # a customer becomes a location
        )
        run = self._import("customers", text)
        self.assertEqual(run.state, "done", run.message)
        self.assertEqual(
            (run.count_created, run.count_updated, run.count_unchanged), (1, 3, 0), run.message
        )
        barn = self.farm.connect_dms_location_ids.filtered(lambda p: p.name == "Greenacres Barn")
        self.assertEqual((barn.ref, barn.connect_dms_number), (False, "90001"))
        self.assertEqual(self.barlow.parent_id, self.farm)
        self.assertTrue(self.barlow.is_company)
        self.assertEqual(len(self.farm.connect_dms_location_ids), 4)
        again = self._import("customers", text)
        self.assertEqual((again.count_created, again.count_unchanged), (0, 4), again.message)
        # contacts, invoices and equipment find a location by its own number
        contacts = self._import(
            "contacts", "customer_number,name,email\n90011,Yard Foreman,yard@greenacres.example\n"
        )
        self.assertEqual(contacts.state, "done", contacts.message)
        self.assertEqual(self.yard.child_ids.mapped("name"), ["Yard Foreman"])
        # an empty parent number takes a location out of its fleet; a
        # location moves to another owner (imports are service managers')
        moved = self._import(
            "customers",
            HEADER + "90011,Greenacres North Yard,Ayr,90002\n90003,Mr A. Barlow,Irvine,\n",
        )
        self.assertEqual(moved.state, "done", moved.message)
        self.assertEqual(moved.count_updated, 2)
        self.assertEqual(self.yard.parent_id, self.golf)
        self.assertEqual((self.barlow.parent_id.id, self.barlow.type), (False, "contact"))
        # a file without the column leaves the fleets as they are
        plain = self._import("customers", "number,name\n90011,Greenacres North Yard\n")
        self.assertEqual(plain.count_unchanged, 1, plain.message)
        self.assertEqual(self.yard.parent_id, self.golf)

    def test_refused_rows_name_row_and_column(self):
        text = HEADER + (
            "R1,Unknown Parent,,NOPE\n"  # row 2
            "R2,Owner A,,\n"  # row 3: fine
            "R3,Location of A,,R2\n"  # row 4: fine
            "R4,Location of a location,,R3\n"  # row 5
            "R5,Loop A,,R6\n"  # row 6
            "R6,Loop B,,R5\n"  # row 7
            "R7,Under the yard,,90011\n"  # row 8: the yard is a location in Odoo
            "90001,Greenacres Farm,,90002\n"  # row 9: the farm has locations
            ",Twin Shed,,R2\n"  # row 10: fine
            ",twin shed,,R2\n"  # row 11: the same location twice
            ",,,R2\n"  # row 12: no name
            ",No number,,\n"  # row 13: no number, no parent
        )
        run = self._import("customers", text)
        self.assertEqual(run.state, "failed")
        self.assertEqual(
            self._refused_at(run),
            [
                (2, "parent_number"),
                (5, "parent_number"),
                (6, "parent_number"),
                (7, "parent_number"),
                (8, "parent_number"),
                (9, "parent_number"),
                (11, "name"),
                (12, "name"),
                (13, "number"),
            ],
        )
        messages = {row: message for row, _column, message in self._refused(run)}
        self.assertIn("No customer has number NOPE", messages[2])
        self.assertIn("R3 is itself a location (of R2)", messages[5])
        self.assertIn("R5 would be its own parent: row 7", messages[6])
        self.assertIn("R6 would be its own parent: row 6", messages[7])
        self.assertIn("90011 is itself a location (of 90001)", messages[8])
        self.assertIn("90001 has locations of its own", messages[9])
        self.assertIn("also on row 10", messages[11])
        # all or nothing
        self.assertFalse(self._partner("R2"))
        self.assertFalse(self.farm.parent_id)
        # the valid rows only, when asked
        partial = self._import("customers", text, allow_partial=True)
        self.assertEqual((partial.count_created, partial.count_refused), (3, 9), partial.message)
        owner = self._partner("R2")
        self.assertEqual(
            owner.connect_dms_location_ids.mapped("name"), ["Location of A", "Twin Shed"]
        )

    def test_location_of_a_refused_new_owner_is_refused(self):
        text = HEADER + "N2,New Owner,,\nN3,Its Location,,N2\n"
        run = self._import(
            "customers",
            "number,name,country,parent_number\nN2,New Owner,Atlantis,\nN3,Its Location,,N2\n",
            allow_partial=True,
        )
        self.assertEqual(self._refused_at(run), [(2, "country"), (3, "parent_number")])
        self.assertFalse(self._partner("N3"))
        self.assertEqual(self._import("customers", text).state, "done")

    def test_shipped_profiles_map_a_parent_column(self):
        for xmlid, column in (
            ("profile_gold_customers", "Parent Account"),
            ("profile_rimss_customers", "Parent Cust #"),
            ("profile_generic_customers", "parent_number"),
        ):
            profile = self.env.ref(f"customer_connect_dms.{xmlid}")
            self.assertEqual(profile._column_map().get(column.casefold()), "parent_number")
        gold = "Account,Name,Parent Account\n00500,Hill Top Farm,\n00501,Hill Top Lower,00500\n"
        run = self._import("customers", gold, self.gold_customers)
        self.assertEqual(run.state, "done", run.message)
        self.assertEqual(self._partner("00501").parent_id, self._partner("00500"))

    def test_background_run_writes_owners_before_their_locations(self):
        rows = "".join(f"Q1{i:02d},Queued Location {i},,Q200\n" for i in range(5))
        text = HEADER + rows + ",Queued Shared,,Q200\nQ200,Queued Owner,,\n"
        run = self.importer._queue_file(
            "customers", self.generic["customers"], text.encode(), "big.csv"
        )
        for _step in range(6):
            self.importer._cron_process_queued(chunk=2)
            self.env.invalidate_all()
        self.assertEqual((run.state, run.count_created), ("done", 7), run.message)
        owner = self._partner("Q200")
        self.assertEqual(len(owner.connect_dms_location_ids), 6)


@tagged("post_install", "-at_install")
class TestDmsFleetBulk(DmsBulkCase):
    """Locations through the bulk path (forced by a small threshold): the
    same stored rows as through the ORM's create, owners of the same file
    included."""

    TEXT = (
        HEADER
        + "".join(f"{{p}}1{i:02d},Location {i},Town {i},{{p}}0{i % 3}\n" for i in range(12))
        + "".join(f",Shared {i},Village {i},{{p}}0{i % 3}\n" for i in range(6))
        + "".join(f"{{p}}0{i},Owner {i},City {i},\n" for i in range(3))
        + "{p}09,Odoo's Own Owner Location,Ayr,90001\n"
    )

    def test_same_rows_as_the_orm(self):
        results = {}
        for prefix, context in (("ORM", ORM), ("BLK", {"connect_dms_bulk_threshold": 2})):
            run = self._run("customers", self.TEXT, prefix, context)
            self.assertEqual((run.state, run.count_created), ("done", 22), run.message)
            Partner = self.env["res.partner"].with_context(active_test=False)
            owners = Partner.search([("ref", "=like", f"{prefix}0%"), ("parent_id", "=", False)])
            self.assertEqual(len(owners), 3)
            locations = Partner.search(
                [("parent_id", "in", owners.ids)], order="parent_id, name"
            ) | Partner.search([("ref", "=", f"{prefix}09")])
            self.assertEqual(len(locations), 19)
            self.assertEqual(set(owners.mapped("connect_dms_fleet_role")), {"owner"})
            for owner in owners:
                self.assertEqual(len(owner.connect_dms_location_ids), 6)
            results[prefix] = owners.sorted("ref") + locations
        links = ("commercial_partner_id", "parent_id")
        orm_rows = self._comparable("res_partner", results["ORM"], links, skip=["write_uid"])
        bulk_rows = self._comparable("res_partner", results["BLK"], links, skip=["write_uid"])
        for row in orm_rows + bulk_rows:
            row["ref"] = (row["ref"] or "")[3:]
        self._assert_same_rows(
            orm_rows, bulk_rows, lambda row: f"bulk path vs ORM, row {row['name']}"
        )
        # re-imported through the other path: nothing changes
        again = self._run("customers", self.TEXT, "BLK", ORM)
        self.assertEqual((again.count_created, again.count_unchanged), (0, 22), again.message)
        again = self._run("customers", self.TEXT, "ORM", BULK)
        self.assertEqual((again.count_created, again.count_unchanged), (0, 22), again.message)
