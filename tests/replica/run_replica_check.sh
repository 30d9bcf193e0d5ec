#!/usr/bin/env bash
# Customer Connect against a real PostgreSQL read replica, on this machine:
#
#   tests/replica/run_replica_check.sh          # about 4 min on a 2-core machine
#   KEEP=1 tests/replica/run_replica_check.sh   # leave primary, standby and Odoo running
#   REUSE=1 tests/replica/run_replica_check.sh  # again, on the clusters of the last run
#
# 1. a primary cluster and a hot standby made from it with pg_basebackup
#    (streaming replication, -R), both throwaway, under .run/replica, on
#    Unix sockets only (ports: CC_REPLICA_PRIMARY_PORT, default 54356, and
#    CC_REPLICA_PGPORT, default 54346);
# 2. the demo dealer made on the primary by bin/run (replicated as it is
#    made), Odoo's demo payment provider added;
# 3. Odoo serving it with --db_replica_host/--db_replica_port on the
#    standby (customer_connect_replica_grace = 5 s in its configuration);
# 4. tests/replica/replica_check.py: read-only pages served by the standby,
#    events written on the primary with no retry, a lagging standby (WAL
#    replay paused) showing nothing wrong to a customer who just paid.
#
# Not part of bin/test (CI's 90 minutes): it builds its own clusters and
# database. The route declarations and the event writes are covered in
# bin/test by customer_connect/tests/test_portal_replica.py.
set -euo pipefail
# shellcheck source=../../bin/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/bin/lib.sh"

find_odoo || no_odoo_message
R="$CC_STATE/replica"
P_PORT="${CC_REPLICA_PRIMARY_PORT:-54356}"
S_PORT="${CC_REPLICA_PGPORT:-54346}"
HTTP="${CC_TEST_HTTP_PORT:-8069}"
DB=cc_replica
GRACE=5
PG_OWNER="${CC_PG_OS_USER:-postgres}"
PG_CTL="$(pg_bin pg_ctl)"

stop_all() {
  [ -n "${ODOO_PID:-}" ] && kill "$ODOO_PID" 2>/dev/null && wait "$ODOO_PID" 2>/dev/null
  for data in "$R/standby" "$R/primary"; do
    [ -f "$data/PG_VERSION" ] && as_pg_owner "$PG_CTL" -D "$data" -m fast stop >/dev/null 2>&1
  done
  return 0
}
if [ "${KEEP:-0}" != 1 ]; then trap stop_all EXIT; fi
step() { printf '[%4ss] %s\n' "$SECONDS" "$*"; }

if [ "${REUSE:-0}" = 1 ] && [ -f "$R/standby/standby.signal" ] && [ -f "$R/odoo.conf" ]; then
  # REUSE=1: the clusters and database of an earlier run, started again
  step "reusing $R (primary, standby, $DB)"
  as_pg_owner "$PG_CTL" -D "$R/primary" -l "$R/primary.log" -w start -o \
    "-k $R/primary-socket -p $P_PORT -c listen_addresses='' -c wal_level=replica -c max_wal_senders=4 -c synchronous_commit=off" >/dev/null
  as_pg_owner "$PG_CTL" -D "$R/standby" -l "$R/standby.log" -w start -o \
    "-k $R/standby-socket -p $S_PORT -c listen_addresses='' -c hot_standby=on" >/dev/null
  SKIP_BUILD=1
fi
wait_http() {
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "http://127.0.0.1:$HTTP/web/login" 2>/dev/null && return 0
    kill -0 "$ODOO_PID" 2>/dev/null || { tail -30 "$ODOO_LOG"; die "Odoo stopped"; }
    sleep 1
  done
  die "Odoo did not answer on port $HTTP"
}
ODOO_LOG="$R/odoo.log"
ADDONS_PATH="$(addons_path)"
COMMON=(--addons-path="$ADDONS_PATH" --db_host="$R/primary-socket" --db_port="$P_PORT" --db_user=odoo
        --data-dir="$CC_STATE/data" -d "$DB" --db-filter="^$DB\$")

if [ "${SKIP_BUILD:-0}" != 1 ]; then
# -- 1. primary and hot standby ----------------------------------------------
for data in "$R/standby" "$R/primary"; do
  [ -f "$data/PG_VERSION" ] && as_pg_owner "$PG_CTL" -D "$data" -m immediate stop >/dev/null 2>&1 || true
done
rm -rf "$R"
mkdir -p "$R/primary-socket" "$R/standby-socket"
if [ "$(id -u)" = 0 ]; then
  id "$PG_OWNER" >/dev/null 2>&1 || useradd --system --no-create-home "$PG_OWNER"
  chown -R "$PG_OWNER" "$R"
fi
step "primary: initdb, start (wal_level=replica)"
as_pg_owner "$(pg_bin initdb)" -D "$R/primary" -A trust -U odoo -E UTF8 --locale=C.UTF-8 >"$R/initdb.log"
as_pg_owner "$PG_CTL" -D "$R/primary" -l "$R/primary.log" -w start -o \
  "-k $R/primary-socket -p $P_PORT -c listen_addresses='' -c wal_level=replica -c max_wal_senders=4 -c synchronous_commit=off" >/dev/null
step "standby: pg_basebackup -R (streaming replication), start as hot standby"
as_pg_owner "$(pg_bin pg_basebackup)" -h "$R/primary-socket" -p "$P_PORT" -U odoo -D "$R/standby" -R -X stream -c fast
as_pg_owner "$PG_CTL" -D "$R/standby" -l "$R/standby.log" -w start -o \
  "-k $R/standby-socket -p $S_PORT -c listen_addresses='' -c hot_standby=on" >/dev/null
"$(pg_bin psql)" -h "$R/standby-socket" -p "$S_PORT" -U odoo -d postgres -tAc "SELECT pg_is_in_recovery()" | grep -q t \
  || die "the standby is not in recovery"

# -- 2. the demo dealer on the primary ----------------------------------------
step "demo dealer on the primary (bin/run: install and demo data, a few minutes)"
PGHOST="$R/primary-socket" PGPORT="$P_PORT" PGUSER=odoo \
  "$CC_ROOT/bin/run" --db "$DB" --port "$HTTP" -- --workers=0 --max-cron-threads=0 >"$R/first_run.log" 2>&1 &
ODOO_PID=$!
wait_http
kill "$ODOO_PID"; wait "$ODOO_PID" 2>/dev/null || true
step "Odoo's demo payment provider"
"${ODOO_CMD[@]}" "${COMMON[@]}" -i payment_demo --stop-after-init --no-http >>"$R/first_run.log" 2>&1
"$(pg_bin psql)" -h "$R/primary-socket" -p "$P_PORT" -U odoo -d "$DB" -qc "
  UPDATE payment_provider SET state = 'test', is_published = true,
         company_id = (SELECT company_id FROM res_users WHERE login = 'accounts@greenacres-farm.example')
   WHERE code = 'demo';
  UPDATE payment_method SET active = true WHERE code = 'demo';"

fi

# -- 3. Odoo with the standby as its read replica -----------------------------
cat >"$R/odoo.conf" <<CONF
[options]
customer_connect_replica_grace = $GRACE
CONF
step "Odoo serving $DB, read replica on the standby (port $S_PORT)"
"${ODOO_CMD[@]}" -c "$R/odoo.conf" "${COMMON[@]}" --http-port="$HTTP" --workers=0 --max-cron-threads=0 \
  --db_replica_host="$R/standby-socket" --db_replica_port="$S_PORT" --log-level=info >"$ODOO_LOG" 2>&1 &
ODOO_PID=$!
wait_http

# -- 4. the checks ------------------------------------------------------------
step "checks"
"$ODOO_PYTHON" "$CC_ROOT/tests/replica/replica_check.py" "http://127.0.0.1:$HTTP" \
  "$R/primary-socket" "$P_PORT" "$R/standby-socket" "$S_PORT" "$DB" "$ODOO_LOG" "$GRACE"
step "done"
if [ "${KEEP:-0}" = 1 ]; then
  echo "Kept: Odoo (pid $ODOO_PID) on http://127.0.0.1:$HTTP, primary $R/primary, standby $R/standby"
fi
