import base64
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.customer_connect_dms.models import dms_import

from .common import DmsImportCase


class Interrupted(Exception):
    pass


@tagged("post_install", "-at_install")
class TestDmsBackground(DmsImportCase):
    ROWS = "number,name\n" + "".join(f"0070{i},Queued Farm {i}\n" for i in range(5))

    def _queue(self, text):
        return self.importer._queue_file(
            "customers", self.generic["customers"], text.encode(), "big.csv"
        )

    def _step(self):
        self.importer._cron_process_queued(chunk=2)
        self.env.invalidate_all()

    def test_chunks_with_progress(self):
        run = self._queue(self.ROWS)
        self.assertEqual(run.state, "queued")
        self._step()  # the whole file is checked first
        self.assertEqual((run.state, run.count_rows, run.progress), ("running", 5, 0.0))
        self._step()
        self.assertEqual((run.count_created, run.progress), (2, 40.0))
        self._step()
        self._step()
        self.assertEqual((run.state, run.count_created, run.progress), ("done", 5, 100.0))
        self.assertEqual(self.env["res.partner"].search_count([("name", "like", "Queued Farm")]), 5)

    def test_file_parsed_once_for_all_steps(self):
        """The steps of a background run parse its file once in a process
        (each step read the whole file again: 25 times for 100,000 rows);
        another file, or the same run's file changed, is parsed again, and
        the parsed file is let go when the run ends."""
        parsed = []
        real_read_file = dms_import.read_file

        def counting_read_file(*args, **kwargs):
            parsed.append(args[1])
            return real_read_file(*args, **kwargs)

        run = self._queue(self.ROWS)
        with patch.object(dms_import, "read_file", counting_read_file):
            self._step()
            self._step()
            self.assertEqual(len(parsed), 1)
            self.assertTrue(dms_import._PARSED_BACKGROUND_FILE)
            # the stored file replaced (a run's file never is; the key says so)
            run.file = base64.b64encode(self.ROWS.replace("Queued", "Queued Again").encode())
            self._step()
            self.assertEqual(len(parsed), 2)
            self._step()
            self._step()
        self.assertEqual(run.state, "done", run.message)
        self.assertEqual(len(parsed), 2)
        self.assertFalse(dms_import._PARSED_BACKGROUND_FILE)
        self.assertEqual(
            self.env["res.partner"].search_count([("name", "like", "Queued Again Farm")]), 3
        )

    def test_cron_runner_finishes_the_run_in_one_go(self):
        """Through Odoo's cron runner (ir.cron._process_job, as a cron
        worker runs it): the check step counts as progress, so the runner
        calls the job again at once and the run is written in the same go;
        reported as no progress, the run waited an hour for the job's next
        interval (found by tests/faults/run.sh)."""
        run = self._queue(self.ROWS)
        cron = self.env.ref("customer_connect_dms.ir_cron_dms_background_imports")
        self.env.flush_all()
        self.registry.enter_test_mode(self.cr)
        try:
            self.registry["ir.cron"]._process_job(
                self.registry.db_name,
                self.registry.cursor(),
                {
                    **cron.read(load=None)[0],
                    "done": 0,
                    "remaining": 0,
                    "timed_out_counter": 0,
                },
            )
        finally:
            self.registry.leave_test_mode()
        self.env.invalidate_all()
        self.assertEqual((run.state, run.count_created), ("done", 5))

    def test_restart_halfway_makes_no_duplicates(self):
        run = self._queue(self.ROWS)
        self._step()
        self._step()  # rows 1-2 written and committed
        # the server dies while writing rows 3-4: their transaction is lost
        with self.assertRaises(Interrupted), self.env.cr.savepoint():
            self._step()
            raise Interrupted
        self.env.invalidate_all()
        self.assertEqual(run.next_row, 2)
        # worse: rows 3-4 were written but the run's position was not saved
        self._step()
        run.next_row = 2
        self._step()
        self._step()
        self.assertEqual(run.state, "done")
        partners = self.env["res.partner"].search([("name", "like", "Queued Farm")])
        self.assertEqual(sorted(partners.mapped("ref")), [f"0070{i}" for i in range(5)])

    def test_bad_file_refused_whole_before_writing(self):
        run = self._queue(self.ROWS + "00700,Twice\n")
        self._step()
        self.assertEqual(run.state, "failed")
        self.assertEqual(run.count_refused, 1)
        self.assertFalse(self.env["res.partner"].search([("name", "like", "Queued Farm")]))

    def test_big_file_goes_to_the_background(self):
        """A real run of a file over FOREGROUND_MAX_ROWS is queued for the
        background job (one transaction of it would not fit in the server's
        memory); its dry run still answers at once."""
        from ..models import dms_import_targets

        text = "number,name\n" + "".join(f"0080{i},Big Farm {i}\n" for i in range(4))
        limit = dms_import_targets.FOREGROUND_MAX_ROWS
        dms_import_targets.FOREGROUND_MAX_ROWS = {"customers": 3}
        try:
            dry = self._import("customers", text, dry_run=True)
            run = self._import("customers", text)
        finally:
            dms_import_targets.FOREGROUND_MAX_ROWS = limit
        self.assertEqual((dry.state, dry.count_created), ("dry_run", 4))
        self.assertEqual(run.state, "queued")
        self.assertIn("background", run.message)
        self.assertFalse(self.env["res.partner"].search([("name", "like", "Big Farm")]))
        while run.state in ("queued", "running"):
            self._step()
        self.assertEqual((run.state, run.count_created), ("done", 4))
