#!/usr/bin/env bash
# How far it scales: the load test at rising numbers of contacts, 60 s each,
# with one server and with two behind the balancer (--workers=3
# --max-cron-threads=1 each); prints p95 of Customer Activity per step and
# the load average. No DMS import (CC_LOAD_DMS_ROWS=0): the steps compare.
#   tests/load/scale.sh [--db cc_load] [--port 8080] [--steps "5 10 20 30 45"] [--time 60s]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DB=cc_load PORT="${CC_CLUSTER_PORT:-8080}" STEPS="5 10 20 30 45" TIME=60s
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DB="$2"; shift ;;
    --port) PORT="$2"; shift ;;
    --steps) STEPS="$2"; shift ;;
    --time) TIME="$2"; shift ;;
    *) echo "Unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
export CC_LOAD_DMS_ROWS=0
STATE="$ROOT/.run/load"
printf '| servers | contacts | Customer Activity p50 ms | p95 ms | anchor /my/invoices p95 ms | pages/s | failed | load avg (median) |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n' >"$STATE/scale.md"
for servers in 1 2; do
  first=1
  for users in $STEPS; do
    label="scale-${servers}srv-${users}u"
    reuse=(--reuse); [ "$first" = 1 ] && reuse=()
    "$ROOT/tests/load/run.sh" --db "$DB" --port "$PORT" --servers "$servers" --users "$users" \
      --time "$TIME" --label "$label" --keep "${reuse[@]}" >/dev/null 2>&1 || true
    first=0
    python3 - "$STATE/$label" "$servers" "$users" >>"$STATE/scale.md" <<'PY'
import csv, statistics, sys
folder, servers, users = sys.argv[1:]
rows = {r["Name"]: r for r in csv.DictReader(open(f"{folder}/locust_stats.csv"))}
act, anchor, agg = rows.get("Customer Activity", {}), rows.get("anchor: Odoo /my/invoices", {}), rows["Aggregated"]
loads = [float(l.split()[1]) for l in open(f"{folder}/loadavg.txt") if len(l.split()) > 1]
print(f"| {servers} | {users} | {act.get('50%', '-')} | {act.get('95%', '-')} | {anchor.get('95%', '-')} "
      f"| {float(agg['Requests/s']):.1f} | {agg['Failure Count']} | {statistics.median(loads):.1f} |")
PY
    tail -n 1 "$STATE/scale.md"
  done
  "$ROOT/bin/cluster" stop >/dev/null
done
cat "$STATE/scale.md"
