#!/usr/bin/env bash
# Installing Customer Connect on a dealer's running Odoo, end to end:
#
#   tests/existing/run_install_check.sh               # 10 to 15 min on a 2-core machine
#   REUSE_BASE=1 tests/existing/run_install_check.sh  # again, from the kept Odoo-only copy
#
# 1. a database with Odoo's demo data and sale_management, crm, account,
#    portal, payment_demo, without our addons;
# 2. Odoo's Grant Portal Access (its wizard) for two contacts of Deco Addict;
#    one of them signs in through the log-in form and opens /my/invoices;
# 3. our three addons installed on it (timed);
# 4. checks (shell_after_install.py): states, log-in dates, levels, the
#    dashboard's counters, Odoo's wizard afterwards (Grant, Re-invite,
#    Revoke, their e-mail history), bulk invitation skipping Deco Addict;
#    the contact signs in again and opens Customer Activity;
# 5. our addons uninstalled; the contact signs in and opens /my/invoices;
#    the login Customer Connect inactivated is granted again by Odoo's
#    wizard and signs in.
#
# Uses the worktree's PostgreSQL (bin/lib.sh, CC_PGPORT) and
# CC_TEST_HTTP_PORT; the database cc_existing is dropped first and kept
# afterwards for a look. Not part of bin/test (CI's 90 minutes): it installs
# Odoo's apps with their demo data; bin/test runs
# customer_connect/tests/test_existing_logins.py, the same install method on
# logins made as Odoo makes them.
set -euo pipefail
# shellcheck source=../../bin/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/bin/lib.sh"

find_odoo || no_odoo_message
start_pg
HERE="$CC_ROOT/tests/existing"
DB=cc_existing
HTTP="${CC_TEST_HTTP_PORT:-8069}"
URL="http://127.0.0.1:$HTTP"
LOGS="$CC_STATE/existing"
export CC_CHECK_PASSWORD="portal-check-2026"
mkdir -p "$LOGS"
ADDONS_PATH="$(addons_path)"
OPTS=(--addons-path="$ADDONS_PATH" "${DB_ARGS[@]}" --data-dir="$CC_STATE/data" -d "$DB"
      --db-filter="^$DB\$")
ODOO=("${ODOO_CMD[@]}" "${OPTS[@]}")
step() { printf '[%4ss] %s\n' "$SECONDS" "$*"; }
shell() { "${ODOO_CMD[@]}" shell "${OPTS[@]}" --no-http --log-level=warn <"$1" 2>>"$LOGS/odoo.log"; }
SERVER_PID=""
serve() {
  "${ODOO[@]}" --http-port="$HTTP" --workers=0 --max-cron-threads=0 >>"$LOGS/odoo.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$URL/web/login" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$LOGS/odoo.log"; die "Odoo stopped"; }
    sleep 1
  done
  die "Odoo did not answer on $URL"
}
unserve() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""; }
trap unserve EXIT
signin() { "$ODOO_PYTHON" "$HERE/signin.py" "$URL" "$@"; }
: >"$LOGS/odoo.log"

# REUSE_BASE=1: start from the Odoo-only database kept by an earlier run
# (cc_existing_base), instead of installing Odoo's apps again (5-7 min here)
BASE="${DB}_base"
psql_cc() { "$(pg_bin psql)" -h "$PGHOST_CC" -p "$CC_PGPORT" -U odoo -d postgres -qc "$1"; }
drop_db "$DB"
if [ "${REUSE_BASE:-0}" = 1 ] && db_exists "$BASE"; then
  step "database $DB: a copy of $BASE (Odoo's apps and demo data, no Customer Connect)"
  psql_cc "CREATE DATABASE $DB TEMPLATE $BASE"
  cp -a "$CC_STATE/data/filestore/$BASE" "$CC_STATE/data/filestore/$DB" 2>/dev/null || true
else
  step "database $DB: Odoo's demo data, sale_management, crm, account, portal, payment_demo"
  "${ODOO[@]}" -i sale_management,crm,account,portal,payment_demo --stop-after-init --no-http \
    >>"$LOGS/odoo.log" 2>&1 || { tail -30 "$LOGS/odoo.log"; die "Odoo's install failed"; }
  drop_db "$BASE"
  psql_cc "CREATE DATABASE $BASE TEMPLATE $DB"
  cp -a "$CC_STATE/data/filestore/$DB" "$CC_STATE/data/filestore/$BASE" 2>/dev/null || true
fi

step "Odoo's Grant Portal Access for two contacts of Deco Addict"
shell "$HERE/shell_before.py"
serve
signin douglas.fletcher51@example.com "$CC_CHECK_PASSWORD" /my /my/invoices
unserve

step "installing customer_connect, customer_connect_payments, customer_connect_dms"
started=$SECONDS
"${ODOO[@]}" -i "$CC_ADDONS" --stop-after-init --no-http >>"$LOGS/odoo.log" 2>&1 \
  || { tail -30 "$LOGS/odoo.log"; die "our install failed"; }
echo "     installed in $((SECONDS - started)) s"
if grep -q " ERROR $DB " "$LOGS/odoo.log"; then grep " ERROR $DB " "$LOGS/odoo.log" | head; die "errors in Odoo's log"; fi

step "what the install read, Odoo's wizard afterwards, bulk invitation"
shell "$HERE/shell_after_install.py"
serve
signin douglas.fletcher51@example.com "$CC_CHECK_PASSWORD" /my/activity /my/invoices
unserve

step "uninstalling our addons"
shell "$HERE/shell_uninstall.py"
shell "$HERE/shell_after_uninstall.py"
serve
signin douglas.fletcher51@example.com "$CC_CHECK_PASSWORD" /my /my/invoices
signin floyd.steward34@example.com "$CC_CHECK_PASSWORD" /my /my/invoices
unserve
step "install check: all passed"
