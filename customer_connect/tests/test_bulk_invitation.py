from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

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
        self.env["customer_connect.invite.batch"].with_context(
            connect_no_commit=True
        )._cron_process()
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
        self.env["customer_connect.invite.batch"].with_context(
            connect_no_commit=True
        )._cron_process()
        lines = {line.partner_id: line for line in batch.line_ids}
        self.assertEqual(lines[self.golf].result, "refused")
        self.assertIn("Greenacres Farm", lines[self.golf].message)
        self.assertEqual(lines[self.farm].result, "refused", "already active")
        self.assertEqual(batch.state, "done")

    def test_job_acts_as_the_inviter(self):
        batch = (
            self.env["customer_connect.invite.batch"].with_user(self.staff)._create_for(self.farm)
        )
        self.env["customer_connect.invite.batch"].with_context(
            connect_no_commit=True
        )._cron_process()
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
        self.env["customer_connect.invite.batch"].with_context(
            connect_no_commit=True
        )._cron_process()
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
