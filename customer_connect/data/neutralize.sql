-- A copy of a dealer's database (a test or staging copy) must not e-mail the
-- dealer's real customers: queued Customer Connect e-mails are cancelled and
-- marked so in the e-mail history, and queued bulk invitations will not run.
UPDATE mail_mail
   SET state = 'cancel'
 WHERE state IN ('outgoing', 'exception')
   AND id IN (SELECT mail_id FROM customer_connect_mail_log WHERE mail_id IS NOT NULL);

UPDATE customer_connect_mail_log
   SET state = 'failed',
       failure_reason = 'Cancelled: this database is a neutralized copy.'
 WHERE state = 'queued';

UPDATE customer_connect_invite_batch_line
   SET result = 'refused',
       message = 'Cancelled: this database is a neutralized copy.'
 WHERE result = 'pending';

UPDATE customer_connect_invite_batch
   SET state = 'cancelled'
 WHERE state = 'queued';
