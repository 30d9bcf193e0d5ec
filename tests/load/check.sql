-- What the load test and the fault scripts check afterwards (psql -v started=...):
-- every figure below must be 0 except the counts marked "count".
\pset footer off
SELECT 'count: transactions started', count(*) FROM payment_transaction WHERE create_date >= :started;
SELECT 'count: transactions done', count(*) FROM payment_transaction WHERE create_date >= :started AND state = 'done';
SELECT 'transactions done but not booked (no payment)', count(*)
  FROM payment_transaction WHERE create_date >= :started AND state = 'done' AND payment_id IS NULL;
SELECT 'transactions booked twice (two payments)', count(*) FROM (
  SELECT payment_transaction_id FROM account_payment
   WHERE create_date >= :started AND payment_transaction_id IS NOT NULL
   GROUP BY 1 HAVING count(*) > 1) t;
SELECT 'payments not reconciled', count(*) FROM account_payment p
  JOIN payment_transaction t ON t.id = p.payment_transaction_id
 WHERE t.create_date >= :started AND NOT p.is_reconciled;
SELECT 'invoices paid twice (two done transactions)', count(*) FROM (
  SELECT r.invoice_id FROM account_invoice_transaction_rel r
    JOIN payment_transaction t ON t.id = r.transaction_id
   WHERE t.create_date >= :started AND t.state = 'done'
   GROUP BY 1 HAVING count(*) > 1) t;
SELECT 'invoices overpaid (residual < 0)', count(*) FROM account_move
 WHERE move_type = 'out_invoice' AND state = 'posted' AND amount_residual < 0;
SELECT 'count: DMS runs since start ' || coalesce(string_agg(DISTINCT state, ','), ''), count(*)
  FROM customer_connect_dms_import_run WHERE create_date >= :started;
SELECT 'DMS runs not done', count(*) FROM customer_connect_dms_import_run
 WHERE create_date >= :started AND NOT dry_run AND state NOT IN ('done');
SELECT 'count: DMS rows created+updated+refused', coalesce(sum(count_created + count_updated + count_refused), 0)
  FROM customer_connect_dms_import_run WHERE create_date >= :started;
SELECT 'customers with the same DMS number twice', count(*) FROM (
  SELECT ref, company_id FROM res_partner
   WHERE ref IS NOT NULL AND parent_id IS NULL AND active
   GROUP BY 1, 2 HAVING count(*) > 1) t;
SELECT 'count: e-mails logged since start', count(*) FROM customer_connect_mail_log WHERE create_date >= :started;
SELECT 'e-mails queued twice (same contact, kind, within the run; receipts below)', count(*) FROM (
  SELECT partner_id, kind FROM customer_connect_mail_log
   WHERE create_date >= :started AND kind != 'payment_receipt' GROUP BY 1, 2 HAVING count(*) > 1) t;
-- a contact who pays two invoices in a run gets two receipts: one per payment
SELECT 'payment receipts queued other than one per payment booked', abs(
  (SELECT count(*) FROM customer_connect_mail_log WHERE create_date >= :started AND kind = 'payment_receipt')
  - (SELECT count(*) FROM account_payment p JOIN payment_transaction t ON t.id = p.payment_transaction_id
      WHERE t.create_date >= :started));
SELECT 'mail.mail twice to one recipient with one subject since start', count(*) FROM (
  SELECT r.res_partner_id, m.subject FROM mail_mail mm
    JOIN mail_message m ON m.id = mm.mail_message_id
    JOIN mail_mail_res_partner_rel r ON r.mail_mail_id = mm.id
   WHERE mm.create_date >= :started
   GROUP BY 1, 2 HAVING count(*) > 1) t;
