from datetime import timedelta

from odoo import Command, fields, http, sql_db
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ConnectCase


class EquipmentCase(ConnectCase):
    """Greenacres Farm owns a tractor (under warranty, with an operator's
    manual and a file on an internal note) and a mower (service overdue);
    Loch Vale Golf Club owns a fairway mower with its own manual."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.today = today
        Equipment = cls.env["customer_connect.equipment"].with_user(cls.staff)
        cls.tractor = Equipment.create(
            {
                "partner_id": cls.farm.id,
                "make": "John Deere",
                "model_name": "6155R",
                "serial_number": "1L06155RXKP912345",
                "year": 2021,
                "hours": 1200,
                "hours_date": today - timedelta(days=40),
                "purchase_date": today - timedelta(days=700),
                "warranty_end": today + timedelta(days=20),
                "next_service_date": today + timedelta(days=90),
                "notes": "Front linkage fitted.",
                "dms_key": "EQ-1001",
            }
        )
        cls.mower = Equipment.create(
            {
                "partner_id": cls.farm.id,
                "make": "Kubota",
                "model_name": "GZD21",
                "serial_number": "KBT-55501",
                "hours": 310,
                "next_service_date": today - timedelta(days=3),
            }
        )
        cls.golf_mower = Equipment.create(
            {
                "partner_id": cls.golf.id,
                "make": "Toro",
                "model_name": "Reelmaster 3100",
                "serial_number": "TORO-777",
                "warranty_end": today + timedelta(days=5),
            }
        )
        cls.manual = cls._attach(cls.tractor, "Operator manual.pdf", b"%PDF-1.4 the manual")
        cls.tractor.with_user(cls.staff).message_post(
            body="Trade-in valuation",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            attachments=[("valuation.txt", b"dealer only")],
        )
        cls.internal_file = cls.tractor.message_ids.attachment_ids.filtered(
            lambda a: a.name == "valuation.txt"
        )
        cls.golf_manual = cls._attach(cls.golf_mower, "Toro manual.pdf", b"%PDF-1.4 toro")

    @classmethod
    def _attach(cls, machine, name, content):
        # as the dealer's staff do it: a file uploaded on the machine's chatter
        return (
            cls.env["ir.attachment"]
            .with_user(cls.staff)
            .create(
                {"name": name, "raw": content, "res_model": machine._name, "res_id": machine.id}
            )
        )


@tagged("post_install", "-at_install")
class TestEquipmentModel(EquipmentCase):
    """The machine's keys and constraints, and the hours a contact reports."""

    def test_serial_number_unique_per_company_among_active(self):
        Equipment = self.env["customer_connect.equipment"].with_user(self.staff)
        with self.assertRaises(ValidationError) as caught:
            Equipment.create(
                {"partner_id": self.golf.id, "make": "Other", "serial_number": " kbt-55501 "}
            )
        message = str(caught.exception)
        self.assertIn(self.mower.name, message, "names the machine that holds it")
        self.assertIn(self.farm.name, message)
        # a machine sold on is archived: its serial number is free again
        self.mower.active = False
        machine = Equipment.create({"partner_id": self.golf.id, "serial_number": "KBT-55501"})
        self.assertEqual(machine.serial_number, "KBT-55501")
        # wildcards are characters, not patterns
        Equipment.create({"partner_id": self.golf.id, "serial_number": "KBT_5550%"})
        # another dealer company keeps its own numbers
        south = self.setup_other_company(name="Southfield Machinery")["company"]
        south_customer = self.env["res.partner"].create({"name": "South", "company_id": south.id})
        other = self.env["customer_connect.equipment"].create(
            {
                "partner_id": south_customer.id,
                "company_id": south.id,
                "serial_number": "1L06155RXKP912345",
            }
        )
        self.assertTrue(other)

    def test_dms_key_unique_per_company(self):
        Equipment = self.env["customer_connect.equipment"].with_user(self.staff)
        with self.assertRaises(ValidationError) as caught:
            Equipment.create({"partner_id": self.golf.id, "dms_key": "EQ-1001 "})
        self.assertIn("EQ-1001", str(caught.exception))
        self.assertIn(self.tractor.name, str(caught.exception))
        with self.assertRaises(ValidationError):
            self.mower.with_user(self.staff).dms_key = "EQ-1001"
        # an archived machine keeps its key: the DMS import finds it again
        self.tractor.active = False
        with self.assertRaises(ValidationError):
            Equipment.create({"partner_id": self.golf.id, "dms_key": "EQ-1001"})
        self.tractor.dms_key = "EQ-1001"  # its own key: fine
        # no key is no key, however many machines have none
        first = Equipment.create({"partner_id": self.golf.id, "dms_key": ""})
        second = Equipment.create({"partner_id": self.golf.id, "dms_key": " "})
        self.assertFalse(first.dms_key or second.dms_key)
        south = self.setup_other_company(name="Southfield Machinery")["company"]
        south_customer = self.env["res.partner"].create({"name": "South", "company_id": south.id})
        self.env["customer_connect.equipment"].create(
            {"partner_id": south_customer.id, "company_id": south.id, "dms_key": "EQ-1001"}
        )

    def test_owner_is_the_customer_and_name(self):
        machine = (
            self.env["customer_connect.equipment"]
            .with_user(self.staff)
            .create({"partner_id": self.farm_fiona.id, "make": "Fendt", "model_name": "724"})
        )
        self.assertEqual(machine.partner_id, self.farm, "a contact stands for its customer")
        self.assertEqual(machine.name, "Fendt 724")
        self.assertEqual(self.tractor.name, "John Deere 6155R (S/N 1L06155RXKP912345)")
        found = self.env["customer_connect.equipment"].name_search("912345")
        self.assertEqual([row[0] for row in found], self.tractor.ids)
        self.assertEqual(self.tractor.warranty_state, "active")
        self.assertEqual(self.mower.service_state, "overdue")
        self.assertEqual(self.farm.with_user(self.staff).connect_equipment_count, 3)
        action = self.farm_fiona.with_user(self.staff).action_connect_view_equipment()
        self.assertEqual(
            self.env["customer_connect.equipment"].search(action["domain"]),
            self.tractor | self.mower | machine,
        )

    def test_staff_of_another_company_see_none(self):
        south = self.setup_other_company(name="Southfield Machinery")["company"]
        south_staff = new_test_user(
            self.env,
            "cc_south_staff",
            groups="customer_connect.group_connect_user",
            company_id=south.id,
            company_ids=[Command.set(south.ids)],
        )
        Equipment = self.env["customer_connect.equipment"].with_user(south_staff)
        self.assertFalse(Equipment.search([]))
        with self.assertRaises(AccessError):
            self.tractor.with_user(south_staff).write({"hours": 1})
        # this company's staff keep them: read, write, create; delete is the
        # administrators' (staff archive a machine)
        self.tractor.with_user(self.staff).write({"hours": 1210})
        with self.assertRaises(AccessError):
            self.mower.with_user(self.staff).unlink()
        self.mower.with_user(self.staff_admin).unlink()

    def test_reminder_days_in_settings(self):
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"connect_equipment_warranty_reminder_days": 0})
        self.env["res.config.settings"].create(
            {"connect_equipment_warranty_reminder_days": 45}
        ).execute()
        self.assertEqual(self.env["customer_connect.equipment"]._connect_reminder_days(), (45, 14))

    def test_documents_exclude_internal_notes(self):
        documents = self.tractor._connect_documents_sudo()
        self.assertEqual(documents, self.manual)
        self.assertTrue(self.internal_file, "the internal note's file exists")
        self.assertEqual(self.tractor.document_count, 1)

    def test_hours_reading(self):
        portal_user = self._activate(self.farm_billing)
        tractor = self.tractor.with_user(portal_user)
        for bad in ("abc", "-5", "", "1e9", "nan"):
            with self.assertRaises(UserError, msg=bad) as caught:
                tractor._connect_report_hours(bad)
            self.assertIn("as a number", str(caught.exception), bad)
        with self.assertRaises(UserError) as caught:
            tractor._connect_report_hours("1199")
        self.assertIn("cannot be lower", str(caught.exception))
        self.assertIn("1,200.0", str(caught.exception), "says the last reading")
        self.assertEqual(tractor._connect_report_hours("1,250.5"), 1250.5)
        self.tractor.invalidate_recordset()
        self.assertEqual(self.tractor.hours, 1250.5)
        self.assertEqual(self.tractor.hours_date, fields.Date.today())
        message = self.tractor.message_ids[:1]
        self.assertIn("1,250.5", str(message.body))
        self.assertEqual(message.author_id, self.farm_billing, "in the contact's name")
        self.assertEqual(tractor._connect_report_hours("1250,5"), 1250.5, "the same: fine")
        event = self.env["customer_connect.portal.event"].search(
            [("kind", "=", "equipment_hours"), ("res_id", "=", self.tractor.id)]
        )
        self.assertEqual(event.partner_id, self.farm_billing)
        # another customer's machine: refused before anything is written
        with self.assertRaises(AccessError):
            self.golf_mower.with_user(portal_user)._connect_report_hours("10")
        # a level without equipment
        self._set_level(self.farm_billing, "accounts_payable")
        with self.assertRaises(AccessError):
            tractor._connect_report_hours("1300")
        self.assertEqual(self.tractor.hours, 1250.5)


@tagged("post_install", "-at_install")
class TestEquipmentPortal(EquipmentCase, HttpCase):
    """What a contact sees and does, whichever way in: pages, downloads,
    JSON-RPC; and what it does not (another customer's machines, another
    company's, a level without equipment)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls._activate(cls.farm_billing)

    def _login(self):
        self.authenticate(self.portal_user.login, self.PORTAL_PASSWORD)

    def _rpc(self, model, method, args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def test_rules_keep_the_contact_to_its_customer(self):
        Equipment = self.env["customer_connect.equipment"].with_user(self.portal_user)
        self.assertEqual(Equipment.search([]), self.tractor | self.mower)
        with self.assertRaises(AccessError):
            self.golf_mower.with_user(self.portal_user).check_access("read")
        with self.assertRaises(AccessError):
            self.tractor.with_user(self.portal_user).write({"hours": 5000})
        # a level without equipment: nothing
        self._set_level(self.farm_billing, "accounts_payable")
        self.assertFalse(Equipment.search([]))

    def test_another_company_follows_its_own_level(self):
        """The login also stands for the farm's contact at Southfield: the
        Southfield machines follow the level given there."""
        south, south_farm, contact = self._share_login_with_second_company()
        staff = self.staff.with_context(allowed_company_ids=(self.company | south).ids)
        south_machine = self.env["customer_connect.equipment"].create(
            {"partner_id": south_farm.id, "company_id": south.id, "make": "Claas"}
        )
        Equipment = self.env["customer_connect.equipment"].with_user(self.portal_user)
        Equipment = Equipment.with_context(allowed_company_ids=(self.company | south).ids)
        contact.with_user(staff).connect_access_level_id = self._level("status_only", south)
        self.assertEqual(Equipment.search([]), self.tractor | self.mower | south_machine)
        contact.with_user(staff).connect_access_level_id = self._level("accounts_payable", south)
        self.assertEqual(Equipment.search([]), self.tractor | self.mower)
        # and the other way round
        contact.with_user(staff).connect_access_level_id = self._level("full", south)
        self._set_level(self.farm_billing, "payments_only")
        self.assertEqual(Equipment.search([]), south_machine)

    def test_pages(self):
        self._login()
        response = self.url_open("/my/equipment")
        self.assertEqual(response.status_code, 200)
        self.assertIn("1L06155RXKP912345", response.text)
        self.assertIn("KBT-55501", response.text)
        self.assertNotIn("TORO-777", response.text, "another customer's machine")
        response = self.url_open("/my/equipment?filterby=service_overdue")
        self.assertIn("KBT-55501", response.text)
        self.assertNotIn("1L06155RXKP912345", response.text)
        response = self.url_open("/my/equipment?filterby=warranty")
        self.assertIn("1L06155RXKP912345", response.text)
        self.assertNotIn("KBT-55501", response.text)
        response = self.url_open("/my/equipment?search=kubota")
        self.assertIn("KBT-55501", response.text)
        self.assertNotIn("1L06155RXKP912345", response.text)
        response = self.url_open("/my/equipment?sortby=hours&order=desc")
        self.assertLess(response.text.index("1L06155RXKP912345"), response.text.index("KBT-55501"))
        response = self.url_open("/my/equipment?sortby=hours&order=asc")
        self.assertGreater(
            response.text.index("1L06155RXKP912345"), response.text.index("KBT-55501")
        )
        # bad input is ignored, not an error
        response = self.url_open("/my/equipment?filterby=x&sortby=id;drop&page=-1&order=up")
        self.assertEqual(response.status_code, 200)
        # one machine: details and its documents, not the internal note's file
        response = self.url_open(f"/my/equipment/{self.tractor.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Front linkage fitted.", response.text)
        self.assertIn("Operator manual.pdf", response.text)
        self.assertIn(f"/my/equipment/{self.tractor.id}/documents/{self.manual.id}", response.text)
        self.assertNotIn("valuation.txt", response.text)
        # another customer's machine, a machine that does not exist
        self.assertEqual(self.url_open(f"/my/equipment/{self.golf_mower.id}").status_code, 403)
        self.assertEqual(self.url_open("/my/equipment/999999").status_code, 404)

    def test_document_download(self):
        self._login()
        base = f"/my/equipment/{self.tractor.id}/documents"
        response = self.url_open(f"{base}/{self.manual.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"%PDF-1.4 the manual")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        event = self.env["customer_connect.portal.event"].search(
            [("kind", "=", "document_downloaded"), ("partner_id", "=", self.farm_billing.id)]
        )
        self.assertIn("Operator manual.pdf", event.name)
        # another customer's file through our own machine, the internal
        # note's file, another customer's machine: nothing served
        for url in (
            f"{base}/{self.golf_manual.id}",
            f"{base}/{self.internal_file.id}",
            f"/my/equipment/{self.golf_mower.id}/documents/{self.golf_manual.id}",
        ):
            response = self.url_open(url)
            self.assertIn(response.status_code, (403, 404), url)
            self.assertNotIn(b"toro", response.content)
            self.assertNotIn(b"dealer only", response.content)
        # Odoo's own download route gives a portal user no file of a machine
        response = self.url_open(f"/web/content/{self.manual.id}")
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"%PDF", response.content[:10])

    def test_level_without_equipment_gets_403_everywhere(self):
        self._set_level(self.farm_billing, "accounts_payable")
        self._login()
        for url in (
            "/my/equipment",
            "/my/equipment/page/2",
            f"/my/equipment/{self.tractor.id}",
            f"/my/equipment/{self.tractor.id}/documents/{self.manual.id}",
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 403, url)
            self.assertNotIn("1L06155RXKP912345", response.text, url)
        response = self.url_open(
            f"/my/equipment/{self.tractor.id}/hours",
            data={"hours": "2000", "csrf_token": http.Request.csrf_token(self)},
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.tractor.hours, 1200)
        # no entry on the portal home, no count
        response = self.url_open("/my")
        self.assertNotIn('href="/my/equipment"', response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["connect_equipment_count"]}
        )
        self.assertFalse(counters.get("connect_equipment_count"))

    def test_json_rpc(self):
        self._login()
        found = self._rpc("customer_connect.equipment", "search_read", [[]], fields=["name"])
        self.assertEqual({row["id"] for row in found}, {self.tractor.id, self.mower.id})
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._rpc("customer_connect.equipment", "read", [self.golf_mower.ids, ["name"]])
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._rpc("customer_connect.equipment", "write", [self.tractor.ids, {"hours": 9}])
        # files: only through the machine's page, never over JSON-RPC
        for domain in (
            [("res_model", "=", "customer_connect.equipment")],
            [("id", "in", (self.manual | self.golf_manual).ids)],
        ):
            with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
                self._rpc("ir.attachment", "search_read", [domain], fields=["name", "datas"])
        # a private method is no RPC entry point
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._rpc(
                "customer_connect.equipment", "_connect_report_hours", [self.tractor.ids, "9"]
            )
        # a level without equipment: nothing at all
        self._set_level(self.farm_billing, "accounts_payable")
        found = self._rpc("customer_connect.equipment", "search_read", [[]], fields=["name"])
        self.assertEqual(found, [])
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._rpc("customer_connect.equipment", "read", [self.tractor.ids, ["name"]])
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._rpc(
                "ir.attachment",
                "search_read",
                [[("res_model", "=", "customer_connect.equipment")]],
                fields=["name"],
            )

    def test_hours_form(self):
        self._login()
        url = f"/my/equipment/{self.tractor.id}/hours"
        csrf = http.Request.csrf_token(self)
        response = self.url_open(url, data={"hours": "900", "csrf_token": csrf})
        self.assertEqual(response.status_code, 200)
        self.assertIn("cannot be lower", response.text)
        self.assertEqual(self.tractor.hours, 1200)
        response = self.url_open(url, data={"hours": "twelve", "csrf_token": csrf})
        self.assertIn("as a number", response.text)
        response = self.url_open(
            url, data={"hours": "1234", "csrf_token": csrf}, allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn(f"/my/equipment/{self.tractor.id}?saved=1", response.headers["Location"])
        self.tractor.invalidate_recordset()
        self.assertEqual(self.tractor.hours, 1234)
        # without the form's token: refused
        response = self.url_open(url, data={"hours": "1300"})
        self.assertEqual(response.status_code, 400)
        # another customer's machine
        response = self.url_open(
            f"/my/equipment/{self.golf_mower.id}/hours", data={"hours": "5", "csrf_token": csrf}
        )
        self.assertEqual(response.status_code, 403)

    def test_home_entry(self):
        self._login()
        response = self.url_open("/my")
        self.assertIn('href="/my/equipment"', response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["connect_equipment_count"]}
        )
        self.assertEqual(counters["connect_equipment_count"], 2)

    def test_profile_reminder_preference(self):
        self._login()
        response = self.url_open("/my/account")
        self.assertIn('name="connect_pref_equipment_reminders"', response.text)
        data = {
            "name": "Accounts Payable",
            "email": "accounts@greenacres.example",
            "phone": "+44 1224 000000",
            "street": "1 Farm Road",
            "city": "Inverurie",
            "country_id": str(self.env.ref("base.uk").id),
            "csrf_token": http.Request.csrf_token(self),
        }
        self.assertTrue(self.farm_billing.connect_pref_equipment_reminders, "on by default")
        response = self.url_open("/my/account", data=data, allow_redirects=False)
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.farm_billing.invalidate_recordset()
        self.assertFalse(self.farm_billing.connect_pref_equipment_reminders, "unticked: off")
        self.url_open(
            "/my/account",
            data={**data, "connect_pref_equipment_reminders": "1"},
            allow_redirects=False,
        )
        self.farm_billing.invalidate_recordset()
        self.assertTrue(self.farm_billing.connect_pref_equipment_reminders)
        # a contact without equipment neither sees nor loses it
        self._set_level(self.farm_billing, "accounts_payable")
        response = self.url_open("/my/account")
        self.assertNotIn('name="connect_pref_equipment_reminders"', response.text)
        self.url_open("/my/account", data=data, allow_redirects=False)
        self.farm_billing.invalidate_recordset()
        self.assertTrue(self.farm_billing.connect_pref_equipment_reminders)

    def test_query_count_does_not_grow_with_machines(self):
        Equipment = self.env["customer_connect.equipment"].with_user(self.portal_user)

        def count_queries():
            # once to warm the registry caches (rules, rights), then counted
            Equipment._connect_portal_page()
            self.env.invalidate_all()
            before = sql_db.sql_counter
            machines, _count, _documents = Equipment._connect_portal_page()
            # what the page shows of each machine
            shown = [
                (machine.name, machine.hours, machine.warranty_state, machine.service_state)
                for machine in machines
            ]
            self.assertTrue(shown)
            return sql_db.sql_counter - before

        few = count_queries()
        machines = self.env["customer_connect.equipment"].create(
            [
                {
                    "partner_id": self.farm.id,
                    "make": "Massey",
                    "serial_number": f"MF-{n}",
                    "warranty_end": self.today + timedelta(days=n),
                }
                for n in range(30)
            ]
        )
        for machine in machines[:10]:
            self._attach(machine, "Manual.pdf", b"manual")
        self.env.flush_all()
        self.assertEqual(count_queries(), few)
        self.assertLessEqual(few, 12)
        # pages and the pager over HTTP
        self._login()
        response = self.url_open("/my/equipment/page/2?sortby=serial")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text.count("o_connect_equipment_row"), 12)

    def test_tour_equipment(self):
        self.start_tour(
            "/my/equipment", "customer_connect_portal_equipment", login=self.portal_user.login
        )
        self.tractor.invalidate_recordset()
        self.assertEqual(self.tractor.hours, 1300)
        self.assertIn("1,300.0", str(self.tractor.message_ids[:1].body))


@tagged("post_install", "-at_install")
class TestEquipmentReminders(EquipmentCase):
    """Warranty and service reminders: once per machine and date, to the
    contacts who have the equipment area, an active login and want them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.farm_user = cls._activate(cls.farm_billing)
        cls.fiona_user = cls._activate(cls.farm_fiona)
        cls.golf_user = cls._activate(cls.golf_keeper)
        cls.golf_keeper.connect_pref_equipment_reminders = False

    def _reminders(self, contact):
        return self.env["customer_connect.mail.log"].search(
            [("partner_id", "=", contact.id), ("kind", "=", "equipment_reminder")]
        )

    def _run(self):
        self.env["customer_connect.equipment"]._cron_send_reminders()

    def test_sent_once_to_who_may_and_wants(self):
        self._set_level(self.farm_fiona, "accounts_payable")
        self._run()
        farm_logs = self._reminders(self.farm_billing)
        self.assertEqual(len(farm_logs), 1, "one e-mail for the customer's machines")
        body = str(farm_logs.mail_id.body_html)
        self.assertIn("John Deere 6155R", body, "warranty ending in 20 days")
        self.assertIn(f"/my/equipment/{self.tractor.id}", body)
        self.assertNotIn("Kubota", body, "an overdue service is not a reminder")
        self.assertFalse(self._reminders(self.farm_fiona), "level without equipment")
        self.assertFalse(self._reminders(self.golf_keeper), "opted out")
        self.assertEqual(self.tractor.warranty_reminded_for, self.tractor.warranty_end)
        self.assertEqual(self.golf_mower.warranty_reminded_for, self.golf_mower.warranty_end)
        self.assertIn("Warranty reminder", str(self.tractor.message_ids[:1].body))
        # again: nothing new
        self._run()
        self.assertEqual(self._reminders(self.farm_billing), farm_logs)
        # the warranty is extended: its new end is reminded of in its time
        self.tractor.warranty_end = self.today + timedelta(days=200)
        self._run()
        self.assertEqual(self._reminders(self.farm_billing), farm_logs)
        self.tractor.warranty_end = self.today + timedelta(days=25)
        self._run()
        self.assertEqual(len(self._reminders(self.farm_billing)), 2)

    def test_service_reminder_and_days_from_settings(self):
        self.mower.next_service_date = self.today + timedelta(days=10)
        self.tractor.warranty_end = False
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_connect.equipment_service_reminder_days", 7
        )
        self._run()
        self.assertFalse(self._reminders(self.farm_billing), "10 days is not within 7")
        self.env["res.config.settings"].create(
            {"connect_equipment_service_reminder_days": 14}
        ).execute()
        self._run()
        log = self._reminders(self.farm_billing)
        self.assertEqual(len(log), 1)
        self.assertIn("Kubota GZD21", str(log.mail_id.body_html))
        self.assertIn("due for a service", str(log.mail_id.body_html))
        self.assertEqual(len(self._reminders(self.farm_fiona)), 1, "full access: reminded")

    def test_not_to_contacts_without_an_active_login(self):
        self.farm.with_user(self.staff).action_connect_inactivate()
        self._run()
        self.assertFalse(self._reminders(self.farm_billing))
        self.assertFalse(self._reminders(self.farm_fiona))
        self.assertTrue(self.tractor.warranty_reminded_for, "done, nobody to tell")

    def test_many_customers_in_chunks(self):
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Customer {n}",
                    "company_id": self.company.id,
                    "email": f"c{n}@example.com",
                }
                for n in range(5)
            ]
        )
        self.env["customer_connect.equipment"].create(
            [
                {"partner_id": c.id, "warranty_end": self.today + timedelta(days=3)}
                for c in customers
            ]
        )
        Equipment = self.env["customer_connect.equipment"]
        Equipment._cron_send_reminders(chunk=3)
        # the farm's, golf's and the 5 new customers' machines: 7 customers
        self.assertEqual(
            len(Equipment.search([("warranty_reminded_for", "!=", False)]).partner_id), 3
        )
        Equipment._cron_send_reminders(chunk=3)
        Equipment._cron_send_reminders(chunk=3)
        self.assertEqual(
            len(Equipment.search([("warranty_reminded_for", "!=", False)]).partner_id), 7
        )
