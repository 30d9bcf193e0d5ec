"""What the benchmarks share outside Odoo: reach Odoo and PostgreSQL the way
bin/run and bin/test do (bin/lib.sh), make their database, run their part
inside `odoo shell` and, for those measured over HTTP, a server (``Bench``)."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

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


class Bench:
    """One benchmark's Odoo outside Odoo: its database on the throwaway
    cluster (installed on first use), its state dir (.run/bench), and the
    ``odoo shell`` / server processes the scripts run, all with the same
    options, so each script keeps only what it measures."""

    def __init__(self, db):
        self.db = db
        self.odoo_cmd, db_args, addons = odoo_setup()
        self.state = os.path.join(os.environ.get("CC_STATE") or os.path.join(ROOT, ".run"), "bench")
        os.makedirs(self.state, exist_ok=True)
        self.common = [
            f"--addons-path={addons}",
            *db_args,
            f"--data-dir={self.state}/data",
            "-d",
            db,
        ]

    def ensure_db(self, modules, reset=False, what=None):
        """Drop the database first with ``reset``; install ``modules`` (no
        demo) when it does not exist."""
        if reset:
            lib(f"drop_db {self.db}")
        if lib(f"db_exists {self.db}").returncode == 0:
            return
        print(f"Creating database {self.db} (install {what or modules}, no demo)...", flush=True)
        t0 = time.time()
        subprocess.run(
            [
                *self.odoo_cmd,
                *self.common,
                "--no-http",
                "-i",
                modules,
                "--without-demo=all",
                "--stop-after-init",
                "--log-level=warn",
                f"--logfile={self.state}/install_{self.db}.log",
            ],
            check=True,
        )
        print(f"Installed in {time.time() - t0:.0f}s", flush=True)

    def shell(self, script, **env_vars):
        """Exit code of ``odoo shell`` fed ``script`` (the benchmark file
        itself: its part inside Odoo), with ``env_vars`` added."""
        with open(os.path.abspath(script)) as stdin:
            return subprocess.run(
                [
                    *self.odoo_cmd,
                    "shell",
                    *self.common,
                    "--no-http",
                    "--log-level=warn",
                    f"--logfile={self.state}/shell_{self.db}.log",
                ],
                stdin=stdin,
                # CC_BENCH_DIR: where the script's part inside Odoo imports
                # what the benchmarks share (bench_sql.py)
                env=dict(
                    os.environ, CC_BENCH_DIR=os.path.dirname(os.path.abspath(__file__)), **env_vars
                ),
                check=False,
            ).returncode

    def server(self, http_port, logfile, log_level="warn"):
        """A server of this database alone on 127.0.0.1:``http_port``
        (no workers, no cron), answering /web/health; stop it with
        ``stop``."""
        server = subprocess.Popen(
            [
                *self.odoo_cmd,
                *self.common,
                f"--db-filter=^{self.db}$",
                "--http-interface=127.0.0.1",
                f"--http-port={http_port}",
                f"--gevent-port={http_port + 3}",
                "--workers=0",
                "--max-cron-threads=0",
                f"--log-level={log_level}",
                f"--logfile={logfile}",
            ],
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{http_port}"
        t0 = time.time()
        while True:
            if server.poll() is not None:
                sys.exit(f"The Odoo server stopped (code {server.returncode}); see {logfile}")
            try:
                with urllib.request.urlopen(base + "/web/health", timeout=5) as response:
                    if response.status == 200:
                        return server
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.time() - t0 > 180:
                self.stop(server)
                sys.exit(f"The Odoo server did not answer on port {http_port} in 3 min")
            time.sleep(0.5)

    @staticmethod
    def stop(server):
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
