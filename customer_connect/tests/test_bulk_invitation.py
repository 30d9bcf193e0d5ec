from contextlib import closing
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api, sql_db
from odoo.exceptions import AccessError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ConnectCase


@tagged("post_install", "-at_install")
class TestBulkInvitation(ConnectCase):
    def test_bulk_invite_in_background(self):
        Batch = self.env["customer_connect.invite.batch"].with_user(self.staff)
        cron = self.env.ref("customer_connect.ir_cron_connect_invite_batches")
        triggers_before = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        batch = Batch._create_for(self.farm | self.golf | self.barlow | self.farm_fiona)
        self.assertEqual(batch.count_total, 3, "one line per customer account")
        self.assertEqual(batch.count_pending, 3, "nothing done in the request")
        self.assertFalse(self.farm_billing.connect_mail_log_ids)
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers_before + 1,
            "the cron job is woken up",
        )
        self.env["customer_connect.invite.batch"]._cron_process()
        lines = {line.partner_id: line for line in batch.line_ids}
        self.assertEqual(lines[self.farm].result, "invited")
        self.assertEqual(lines[self.farm].contact_id, self.farm_billing, "billing contact first")
        self.assertEqual(lines[self.golf].result, "invited")
        self.assertEqual(lines[self.barlow].result, "refused")
        self.assertIn("usable e-mail", lines[self.barlow].message)
        self.assertEqual(batch.state, "done")
        self.assertEqual((batch.count_invited, batch.count_refused), (2, 1))
        mails = (self.farm_billing | self.golf_keeper).connect_mail_log_ids.mail_id
        self.assertEqual(len(mails), 2)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"}, "sent through the mail queue")
        self.assertEqual(self.farm_billing.connect_invited_by_id, self.staff)

    def test_refused_customer_does_not_stop_others(self):
        self._activate(self.farm_billing)
        self.golf_keeper.email = "accounts@greenacres.example"  # taken by the farm
        batch = (
            self.env["customer_connect.invite.batch"]
            .with_user(self.staff)
            ._create_for(self.golf | self.farm)
        )
        self.env["customer_connect.invite.batch"]._cron_process()
        lines = {line.partner_id: line for line in batch.line_ids}
        self.assertEqual(lines[self.golf].result, "refused")
        self.assertIn("Greenacres Farm", lines[self.golf].message)
        self.assertEqual(lines[self.farm].result, "refused", "already active")
        self.assertEqual(batch.state, "done")

    def test_job_acts_as_the_inviter(self):
        batch = (
            self.env["customer_connect.invite.batch"].with_user(self.staff)._create_for(self.farm)
        )
        self.env["customer_connect.invite.batch"]._cron_process()
        self.assertEqual(batch.line_ids.result, "invited")
        log = self.farm_billing.connect_mail_log_ids
        self.assertEqual(log.author_id, self.staff)
        self.assertEqual(log.mail_id.author_id, self.staff.partner_id, "signed by the inviter")

    def test_inviter_who_lost_the_right_invites_nobody(self):
        batch = (
            self.env["customer_connect.invite.batch"].with_user(self.staff)._create_for(self.farm)
        )
        self.staff.groups_id = [
            Command.unlink(self.env.ref("customer_connect.group_connect_user").id)
        ]
        self.env["customer_connect.invite.batch"]._cron_process()
        line = batch.sudo().line_ids
        self.assertEqual(line.result, "refused")
        self.assertIn("Only Customer Connect users", line.message)
        self.assertEqual(self.farm_billing.connect_login_state, "not_invited")
        self.assertFalse(self.farm_billing.connect_mail_log_ids)

    def test_results_are_written_by_the_system_only(self):
        batch = (
            self.env["customer_connect.invite.batch"].with_user(self.staff)._create_for(self.farm)
        )
        with self.assertRaises(AccessError):
            self.env["customer_connect.invite.batch.line"].with_user(self.staff).create(
                {"batch_id": batch.id, "partner_id": self.golf.id}
            )
        with self.assertRaises(AccessError):
            batch.line_ids.with_user(self.staff).write({"result": "invited"})
        with self.assertRaises(AccessError):
            batch.with_user(self.staff).write({"state": "done"})

    def test_batch_of_removed_staff_does_not_run(self):
        colleague = new_test_user(
            self.env,
            "colleague",
            groups="customer_connect.group_connect_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        batch = (
            self.env["customer_connect.invite.batch"].with_user(colleague)._create_for(self.farm)
        )
        colleague.with_user(self.staff).action_connect_remove_staff()
        self.env["customer_connect.invite.batch"]._cron_process()
        line = batch.sudo().line_ids
        self.assertEqual(line.result, "refused")
        self.assertIn("no longer a dealership user", line.message)
        self.assertEqual(self.farm_billing.connect_login_state, "not_invited")
        self.assertFalse(self.farm_billing.connect_mail_log_ids)

    def test_one_chunk_per_run_and_progress(self):
        batch = (
            self.env["customer_connect.invite.batch"]
            .with_user(self.staff)
            ._create_for(self.farm | self.golf | self.barlow)
        )
        self.env["customer_connect.invite.batch"]._cron_process(chunk=2)
        self.assertEqual(batch.count_pending, 1, "one chunk, then Odoo's cron calls again")
        self.assertEqual(batch.state, "queued")
        self.env["customer_connect.invite.batch"]._cron_process(chunk=2)
        self.assertEqual(batch.count_pending, 0)
        self.assertEqual(batch.state, "done")

    def test_neutralized_copy_sends_nothing(self):
        self.farm_billing.with_user(self.staff)._connect_invite()
        batch = (
            self.env["customer_connect.invite.batch"].with_user(self.staff)._create_for(self.golf)
        )
        log = self.farm_billing.connect_mail_log_ids
        self.assertEqual(log.mail_id.state, "outgoing")
        self.env.flush_all()
        for query in get_neutralization_queries(["customer_connect"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertEqual(log.mail_id.state, "cancel")
        self.assertEqual(log.state, "failed")
        self.assertEqual(batch.state, "cancelled")
        self.env["customer_connect.invite.batch"]._cron_process()
        self.assertEqual(batch.line_ids.result, "refused")
        self.assertFalse(self.golf_keeper.connect_mail_log_ids, "the batch did not run")


@tagged("post_install", "-at_install")
class TestTwoWorkers(TransactionCase):
    """Two cron workers at once never take the same customers: the lines a
    worker holds are skipped by the other. Real connections on committed
    rows, cleaned up after."""

    def test_two_workers_claim_disjoint_lines(self):
        dbname = self.env.cr.dbname
        with closing(sql_db.db_connect(dbname).cursor()) as setup:
            setup.execute(
                "INSERT INTO customer_connect_invite_batch (name, company_id, state)"
                " VALUES ('two workers', %s, 'queued') RETURNING id",
                [self.env.ref("base.main_company").id],
            )
            batch_id = setup.fetchone()[0]
            setup.execute(
                "INSERT INTO customer_connect_invite_batch_line (batch_id, partner_id, result)"
                " SELECT %s, %s, 'pending' FROM generate_series(1, 4) RETURNING id",
                [batch_id, self.env.ref("base.partner_admin").id],
            )
            line_ids = sorted(row[0] for row in setup.fetchall())
            setup.commit()
        try:
            with (
                closing(sql_db.db_connect(dbname).cursor()) as cr1,
                closing(sql_db.db_connect(dbname).cursor()) as cr2,
            ):
                Line1 = api.Environment(cr1, SUPERUSER_ID, {})["customer_connect.invite.batch.line"]
                Line2 = api.Environment(cr2, SUPERUSER_ID, {})["customer_connect.invite.batch.line"]
                first = Line1._claim_pending(3)
                second = Line2._claim_pending(3)
                self.assertEqual(len(first), 3)
                self.assertFalse(set(first.ids) & set(second.ids), "no line twice")
                self.assertEqual(sorted(first.ids + second.ids), line_ids)
                cr1.rollback()
                cr2.rollback()
        finally:
            with closing(sql_db.db_connect(dbname).cursor()) as cleanup:
                cleanup.execute(
                    "DELETE FROM customer_connect_invite_batch WHERE id = %s", [batch_id]
                )
                cleanup.commit()

    def test_work_held_by_another_worker_runs_again_soon(self):
        """A worker whose waiting lines are all held by another transaction
        (a cron worker killed mid-chunk keeps its session, and the lines,
        until its statement ends) claims nothing; reported as no progress,
        Odoo's runner would wait the job's interval (an hour): the job is
        triggered again in a minute instead."""
        dbname = self.env.cr.dbname
        with closing(sql_db.db_connect(dbname).cursor()) as setup:
            setup.execute(
                "INSERT INTO customer_connect_invite_batch (name, company_id, state)"
                " VALUES ('held', %s, 'queued') RETURNING id",
                [self.env.ref("base.main_company").id],
            )
            batch_id = setup.fetchone()[0]
            setup.execute(
                "INSERT INTO customer_connect_invite_batch_line (batch_id, partner_id, result)"
                " VALUES (%s, %s, 'pending')",
                [batch_id, self.env.ref("base.partner_admin").id],
            )
            setup.commit()
        try:
            with (
                closing(sql_db.db_connect(dbname).cursor()) as holder,
                closing(sql_db.db_connect(dbname).cursor()) as worker,
            ):
                held = api.Environment(holder, SUPERUSER_ID, {})[
                    "customer_connect.invite.batch.line"
                ]._claim_pending(10)
                self.assertEqual(len(held), 1)
                env = api.Environment(worker, SUPERUSER_ID, {})
                cron = env.ref("customer_connect.ir_cron_connect_invite_batches")
                worker.execute("SELECT now() AT TIME ZONE 'UTC'")
                now = worker.fetchone()[0]
                env["customer_connect.invite.batch"]._cron_process()
                env.flush_all()
                worker.execute(
                    "SELECT call_at FROM ir_cron_trigger WHERE cron_id = %s AND call_at > %s",
                    [cron.id, now],
                )
                calls = [row[0] for row in worker.fetchall()]
                self.assertTrue(calls, "the job is called again")
                self.assertLess(max(calls), now + timedelta(minutes=5), "soon, not in an hour")
                holder.rollback()
                worker.rollback()
        finally:
            with closing(sql_db.db_connect(dbname).cursor()) as cleanup:
                cleanup.execute(
                    "DELETE FROM customer_connect_invite_batch WHERE id = %s", [batch_id]
                )
                cleanup.commit()


@tagged("post_install", "-at_install")
class TestChunkMeetsAnotherTransaction(TransactionCase):
    """A chunk whose contact another transaction changed after the cron
    worker's snapshot (a colleague editing the contact, a DMS import) fails
    on PostgreSQL's serialization check: no fault of the customer's. The
    lines stay waiting, nothing is e-mailed, and the next run, in a new
    transaction, invites the customer once. Real cursors on committed rows,
    removed afterwards."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            admin = env.ref("base.user_admin")
            customer = env["res.partner"].create(
                {
                    "name": "Race Invite Farm",
                    "is_company": True,
                    "customer_rank": 1,
                    "company_id": admin.company_id.id,
                }
            )
            contact = env["res.partner"].create(
                {
                    "name": "Race Invite billing",
                    "parent_id": customer.id,
                    "type": "invoice",
                    "email": "race-invite@race-invite-farm.example",
                }
            )
            batch = env["customer_connect.invite.batch"].with_user(admin)._create_for(customer)
            cr.execute("SELECT coalesce(max(id), 0) FROM ir_cron_trigger")
            self.ids = {
                "customer": customer.id,
                "contact": contact.id,
                "batch": batch.id,
                "trigger": cr.fetchone()[0],
            }
        self.addCleanup(self._remove_committed)

    def _remove_committed(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            contact = env["res.partner"].browse(self.ids["contact"])
            cr.execute(
                """
                DELETE FROM mail_message WHERE id IN (
                    SELECT mail.mail_message_id FROM mail_mail mail
                      JOIN customer_connect_mail_log log ON log.mail_id = mail.id
                     WHERE log.partner_id = %s)
                """,
                [contact.id],
            )
            cr.execute(
                "DELETE FROM customer_connect_invite_batch WHERE id = %s", [self.ids["batch"]]
            )
            cron = env.ref("customer_connect.ir_cron_connect_invite_batches")
            cr.execute(
                "DELETE FROM ir_cron_trigger WHERE cron_id = %s AND id > %s",
                [cron.id, self.ids["trigger"]],
            )
            contact.with_context(active_test=False).user_ids.unlink()
            contact.unlink()
            env["res.partner"].browse(self.ids["customer"]).unlink()

    def _state(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        line = env["customer_connect.invite.batch"].browse(self.ids["batch"]).line_ids
        logs = env["customer_connect.mail.log"].search([("partner_id", "=", self.ids["contact"])])
        return line.result, len(logs), len(logs.mail_id)

    def test_line_left_waiting_then_invited_once(self):
        with self.registry.cursor() as worker:
            # the worker's transaction takes its snapshot (repeatable read)
            self.assertEqual(self._state(worker), ("pending", 0, 0))
            with self.registry.cursor() as other:
                other.execute(
                    "UPDATE res_partner SET phone = '01234 567890' WHERE id = %s",
                    [self.ids["contact"]],
                )
            env = api.Environment(worker, SUPERUSER_ID, {})
            with mute_logger("odoo.sql_db"):  # the failed UPDATE, logged by Odoo
                env["customer_connect.invite.batch"]._cron_process()
            env.flush_all()
            self.assertEqual(self._state(worker), ("pending", 0, 0), "left waiting, no e-mail")
            cron = env.ref("customer_connect.ir_cron_connect_invite_batches")
            worker.execute(
                "SELECT count(*) FROM ir_cron_trigger WHERE cron_id = %s AND id > %s",
                [cron.id, self.ids["trigger"]],
            )
            self.assertTrue(worker.fetchone()[0], "nothing done: the job runs again")
            # committed as Odoo's cron commits after the call
        with self.registry.cursor() as cr:
            self.assertEqual(self._state(cr), ("pending", 0, 0))
        with self.registry.cursor() as next_run:
            env = api.Environment(next_run, SUPERUSER_ID, {})
            env["customer_connect.invite.batch"]._cron_process()
        with self.registry.cursor() as cr:
            self.assertEqual(self._state(cr), ("invited", 1, 1), "invited once")
            env = api.Environment(cr, SUPERUSER_ID, {})
            batch = env["customer_connect.invite.batch"].browse(self.ids["batch"])
            self.assertEqual(batch.state, "done")
            self.assertEqual(
                env["res.partner"].browse(self.ids["contact"]).connect_login_state, "invited"
            )
