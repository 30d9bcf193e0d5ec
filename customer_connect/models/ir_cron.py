from datetime import timedelta

from odoo import api, fields, models

# how soon a job whose waiting work is all held by another transaction runs again
HELD_WORK_RETRY = timedelta(minutes=1)


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _connect_notify_progress(self, cron_xmlid, done, remaining):
        """``_notify_progress`` for the jobs that claim their work with
        FOR UPDATE SKIP LOCKED (bulk invitations, DMS background imports).

        When nothing could be claimed while work remains, every waiting item
        is held by another transaction: a cron worker killed in the middle
        of a chunk leaves its PostgreSQL session holding the rows until its
        running statement ends (found by tests/faults/run.sh: the other
        server's worker took the job a few seconds later and skipped the
        run). Odoo reads "nothing done" as "nothing to do" and would run the
        job again only after its interval (an hour): it is triggered again in
        a minute instead."""
        if not done and remaining:
            self.env.ref(cron_xmlid)._trigger(fields.Datetime.now() + HELD_WORK_RETRY)
        self._notify_progress(done=done, remaining=remaining)
