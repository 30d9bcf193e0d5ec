"""The status page and the post-processing cron finishing the same online
payment at the same moment, in two database transactions (issue 18, point
4): one payment, and no ERROR in Odoo's log; the loser retries quietly.

Two cursors see only committed data: the records are committed here and
removed at the end of the test."""

import time

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPostProcessingRace(TransactionCase):
    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            journal = env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
            )
            self.assertTrue(journal, "the test database's company has its chart and bank")
            provider = env.ref("payment.payment_provider_demo").copy(
                {"name": "Race demo", "company_id": company.id}
            )
            provider.write({"state": "test", "journal_id": journal.id})
            customer = env["res.partner"].create(
                {"name": "Race Farm", "is_company": True, "company_id": company.id}
            )
            tx = env["payment.transaction"].create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": provider.payment_method_ids[:1].id,
                    "reference": "RACE-ONLINE-1",
                    "amount": 125.0,
                    "currency_id": company.currency_id.id,
                    "partner_id": customer.id,
                    "operation": "online_redirect",
                    "connect_kind": "on_account",
                    "connect_customer_id": customer.id,
                    "connect_allocation": "{}",
                }
            )
            tx._set_done()
            self.ids = {"provider": provider.id, "customer": customer.id, "tx": tx.id}
        self.addCleanup(self._remove_committed)

    def _remove_committed(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].browse(self.ids["customer"])
            payments = env["account.payment"].search([("partner_id", "=", customer.id)])
            payments.action_draft()
            payments.unlink()
            env["customer_connect.portal.event"].search(
                [("commercial_partner_id", "=", customer.id)]
            ).unlink()
            env["payment.transaction"].browse(self.ids["tx"]).unlink()
            # the provider and the payment method line its journal gave it:
            # in SQL, as the ORM's unlink of a provider with a journal
            # recomputes the journal and makes its line again
            cr.execute(
                "DELETE FROM account_payment_method_line WHERE payment_provider_id = %s",
                [self.ids["provider"]],
            )
            cr.execute("DELETE FROM payment_provider WHERE id = %s", [self.ids["provider"]])
            customer.unlink()

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def test_cron_after_the_status_page_finishes_once_without_error(self):
        with self.registry.cursor() as cron_cr, self.registry.cursor() as page_cr:
            # the cron's snapshot: taken before the status page commits
            cron_txs = self._env(cron_cr)["payment.transaction"].search(
                [("id", "=", self.ids["tx"]), ("is_post_processed", "=", False)]
            )
            self.assertTrue(cron_txs)
            # the status page finishes the transaction and commits
            self._env(page_cr)["payment.transaction"].browse(self.ids["tx"])._post_process()
            page_cr.commit()
            # the cron, a moment later: it waits for the row, finds its
            # snapshot stale, rolls back and leaves it to its next run
            with self.assertNoLogs("odoo", level="ERROR"):
                cron_txs._cron_post_process()
        with self.registry.cursor() as cr:
            tx = self._env(cr)["payment.transaction"].browse(self.ids["tx"])
            self.assertTrue(tx.is_post_processed)
            payments = self._env(cr)["account.payment"].search(
                [("partner_id", "=", self.ids["customer"])]
            )
            self.assertEqual(len(payments), 1, "one payment")
            self.assertEqual(tx.payment_id, payments)
            # its next run has nothing left to do
            self.assertFalse(tx.search([("id", "=", tx.id), ("is_post_processed", "=", False)]))

    def test_status_page_after_the_cron_retries_quietly(self):
        """The status page's lock (taken before Odoo's handler, which would
        log an ERROR) fails with a serialization failure Odoo's request
        handler retries, and writes no ERROR line."""
        with self.registry.cursor() as page_cr, self.registry.cursor() as cron_cr:
            page_tx = self._env(page_cr)["payment.transaction"].browse(self.ids["tx"])
            self.assertFalse(page_tx.is_post_processed)  # the page's snapshot
            cron_tx = self._env(cron_cr)["payment.transaction"].browse(self.ids["tx"])
            cron_tx._cron_post_process()
            with (
                self.assertNoLogs("odoo", level="ERROR"),
                self.assertRaises(psycopg2.errors.SerializationFailure),
            ):
                page_tx._connect_lock_for_post_processing()
            page_cr.rollback()
            # Odoo's retry of the request: a new snapshot, the work done
            page_tx.invalidate_recordset()
            self.assertTrue(page_tx.is_post_processed)
            self.assertTrue(page_tx.payment_id)

    def test_status_page_does_not_wait_for_a_post_processing_under_way(self):
        """The cron holds the transaction (rendering the receipt, sending the
        e-mail): the status page's lock fails at once, quietly, rather than
        holding a worker until the cron commits (66 s in the two-server load
        test); its controller answers "retry" and Odoo's page polls again."""
        with self.registry.cursor() as cron_cr, self.registry.cursor() as page_cr:
            cron_tx = self._env(cron_cr)["payment.transaction"].browse(self.ids["tx"])
            cron_tx._connect_lock_for_post_processing()
            page_tx = self._env(page_cr)["payment.transaction"].browse(self.ids["tx"])
            started = time.monotonic()
            with (
                self.assertNoLogs("odoo", level="ERROR"),
                self.assertRaises(psycopg2.errors.LockNotAvailable),
            ):
                page_tx._connect_lock_for_post_processing(wait=False)
            self.assertLess(time.monotonic() - started, 2, "not waited for")
            page_cr.rollback()
            cron_cr.rollback()
        with self.registry.cursor() as cr:
            self.assertFalse(self._env(cr)["payment.transaction"].browse(self.ids["tx"]).payment_id)
