"""What both benchmarks share outside Odoo: reach Odoo and PostgreSQL the way
bin/run and bin/test do (bin/lib.sh)."""

import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def odoo_setup():
    """ODOO_CMD, DB_ARGS, addons path and psql helpers from bin/lib.sh."""
    out = subprocess.run(
        [
            "bash",
            "-c",
            (
                'set -e; source "$1/bin/lib.sh"; find_odoo >&2; start_pg >&2; '
                'use_patched_wkhtmltopdf; printf "%s\\n" "$PATH"; '
                'printf "%s\\0" "${ODOO_CMD[@]}"; printf "\\n"; '
                'printf "%s\\0" "${DB_ARGS[@]}"; printf "\\n"; addons_path'
            ),
            "bash",
            ROOT,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    # the PATH with a patched wkhtmltopdf first (bin/lib.sh), for Odoo's
    # reports in this process and the Odoo processes it starts
    os.environ["PATH"] = out[0]
    odoo_cmd = [a for a in out[1].split("\0") if a]
    db_args = [a for a in out[2].split("\0") if a]
    return odoo_cmd, db_args, out[3].strip()


def lib(cmd):
    return subprocess.run(
        [
            "bash",
            "-c",
            f'source "$1/bin/lib.sh"; find_odoo; start_pg >/dev/null; {cmd}',
            "bash",
            ROOT,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
