#!/usr/bin/env bash
# The load test (Locust, headless, bounded, on 127.0.0.1 only).
#   tests/load/run.sh [--db cc_load] [--users 30] [--time 3m] [--servers 1|2]
#                     [--port 8080] [--workers 3] [--label NAME] [--keep]
#                     [--fault SCRIPT] [--reuse]
# Starts bin/cluster (HAProxy + 1 or 2 Odoo servers, --workers=N
# --max-cron-threads=1), signs the contacts in first (not measured), runs
# --users contacts (plus one dealer staff member on the dashboard and one
# administrator who queues a DMS import in the background) for --time, then
# checks the database (payments booked once and reconciled, the DMS run
# finished with every row written once, e-mails queued once) and prints the
# figures: p50/p95 per page, pages per second, 5xx, load average, memory
# per worker against limit_memory_soft. --fault SCRIPT runs SCRIPT beside the
# load (tests/faults/*.sh); --reuse keeps a running cluster (with --keep:
# several runs on one start). CC_LOAD_DMS_ROWS=0: no DMS import.
# Results in .run/load/<label>/.
# The database: bin/run --db cc_load (the demo dealer), once; then
# tests/load/prepare.py --db cc_load is run here when its config is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/bin/lib.sh"

DB=cc_load USERS=30 TIME=3m SERVERS=2 PORT="${CC_CLUSTER_PORT:-8080}" WORKERS=3 LABEL="" KEEP=0 REUSE=0 FAULT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DB="$2"; shift ;;
    --users) USERS="$2"; shift ;;
    --time) TIME="$2"; shift ;;
    --servers) SERVERS="$2"; shift ;;
    --port) PORT="$2"; shift ;;
    --workers) WORKERS="$2"; shift ;;
    --label) LABEL="$2"; shift ;;
    --keep) KEEP=1 ;;
    --reuse) REUSE=1 ;;
    --fault) FAULT="$2"; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "Unknown option $1" ;;
  esac
  shift
done
LABEL="${LABEL:-${SERVERS}srv-${USERS}u-${TIME}}"
OUT="$CC_STATE/load/$LABEL"; rm -rf "$OUT"; mkdir -p "$OUT"
export CC_LOAD_STATE="$CC_STATE/load"

# Locust in a virtualenv of its own (its gevent must not meet Odoo's)
VENV="$CC_STATE/locust-venv"
if [ ! -x "$VENV/bin/locust" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r "$ROOT/tests/load/requirements.txt"
fi

find_odoo || no_odoo_message
start_pg
PSQL=("$(pg_bin psql)" -h "$PGHOST_CC" -p "$CC_PGPORT" -U odoo -d "$DB" -tA)
# every run: fresh open invoices where the earlier runs paid them (and the
# config the locustfile reads); with --reuse the running cluster's config
if [ "$REUSE" = 0 ] || [ ! -f "$CC_STATE/load/config.json" ]; then
  "$ODOO_PYTHON" "$ROOT/tests/load/prepare.py" --db "$DB"
fi

# web.base.url: the address the customers reach, the balancer, as a dealer's
# is its public address (links in e-mails; wkhtmltopdf fetched the reports'
# CSS and fonts there before they were inlined)
"${PSQL[@]}" -c "UPDATE ir_config_parameter SET value = 'http://127.0.0.1:$PORT' WHERE key = 'web.base.url'" >/dev/null
trap '[ "$KEEP" = 1 ] || "$ROOT/bin/cluster" stop >/dev/null' EXIT
if [ "$REUSE" = 0 ] || ! curl -fs -o /dev/null "http://127.0.0.1:$PORT/web/health"; then
  "$ROOT/bin/cluster" stop >/dev/null
  "$ROOT/bin/cluster" start --db "$DB" --port "$PORT" --servers "$SERVERS" --workers "$WORKERS" --max-cron-threads 1
fi

# the balancer's log from here on (its own 503s, health-check changes, time
# in its queue: report.py)
HAPROXY_LOG="$CC_STATE/cluster/haproxy.log"
HAPROXY_FROM="$(stat -c %s "$HAPROXY_LOG" 2>/dev/null || echo 0)"

# what the checks compare against: the state before the run
STARTED_AT="$("${PSQL[@]}" -c "SELECT now() AT TIME ZONE 'UTC'")"
echo "$STARTED_AT" >"$OUT/started_at"

# memory of every Odoo process and the load average, every 5 s
(
  while :; do
    for node in a b; do
      master="$(cat "$CC_STATE/cluster/odoo-$node.pid" 2>/dev/null || true)"
      [ -n "$master" ] || continue
      for pid in $(pgrep -P "$master" || true); do
        awk -v node="$node" -v pid="$pid" -v t="$(date +%s)" \
          '/^VmSize|^VmRSS/ {v[$1]=$2} END {print t, node, pid, v["VmSize:"], v["VmRSS:"]}' \
          "/proc/$pid/status" 2>/dev/null || true
      done
    done >>"$OUT/memory.txt"
    echo "$(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/loadavg.txt"
    sleep 5
  done
) &
SAMPLER=$!
FAULT_PID=""
if [ -n "$FAULT" ]; then
  CC_LOAD_OUT="$OUT" CC_CLUSTER_PORT="$PORT" CC_DB="$DB" bash "$FAULT" >"$OUT/fault.log" 2>&1 &
  FAULT_PID=$!
fi
cleanup() {
  kill "$SAMPLER" 2>/dev/null || true
  [ -n "$FAULT_PID" ] && kill "$FAULT_PID" 2>/dev/null || true
  [ "$KEEP" = 1 ] || "$ROOT/bin/cluster" stop >/dev/null
}
trap cleanup EXIT

"$VENV/bin/python" "$ROOT/tests/load/signin.py" "http://127.0.0.1:$PORT" "$USERS"
echo "== load: $USERS contacts + dealer staff + a DMS import, $TIME, $SERVERS server(s) behind http://127.0.0.1:$PORT"
set +e
"$VENV/bin/locust" -f "$ROOT/tests/load/locustfile.py" --headless \
  --host "http://127.0.0.1:$PORT" -u $((USERS + 2)) -r 10 -t "$TIME" --stop-timeout 15 \
  --csv "$OUT/locust" --only-summary >"$OUT/locust.log" 2>&1
echo "locust exit $?" >>"$OUT/locust.log"
set -e
cp "$CC_LOAD_STATE/outcome.json" "$OUT/" 2>/dev/null || true
tail -c +$((HAPROXY_FROM + 1)) "$HAPROXY_LOG" >"$OUT/haproxy.log" 2>/dev/null || true
[ -n "$FAULT_PID" ] && wait "$FAULT_PID" 2>/dev/null || true

# let the background jobs finish what the load started (the DMS run, the
# payments' post-processing), then check the database
for _ in $(seq 60); do
  queued="$("${PSQL[@]}" -c "SELECT count(*) FROM customer_connect_dms_import_run WHERE state IN ('queued','running')")"
  [ "$queued" = 0 ] && break
  sleep 5
done
"${PSQL[@]}" -F' ' -f "$ROOT/tests/load/check.sql" -v started="'$STARTED_AT'" >"$OUT/check.txt" 2>&1 || true
kill "$SAMPLER" 2>/dev/null || true
python3 "$ROOT/tests/load/report.py" "$OUT" --servers "$SERVERS" --users "$USERS" --workers "$WORKERS" | tee "$OUT/report.md"
