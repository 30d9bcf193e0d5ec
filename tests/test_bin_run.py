"""bin/run's options reach Odoo on a first run (run by bin/test's static
stage, tests/static_checks.py, with Odoo's interpreter).

The real bin/run and bin/first_run.py run, against a PostgreSQL address where
nothing listens: a first run gets as far as reaching the server (after every
argument was read), so what it says tells whether the options got through.
README's own example, `bin/run --port 8080 --db mydealer -- --dev=xml`, used
to stop at `first_run.py: error: argument --key-options: expected one
argument`.
"""

import os
import pathlib
import socket
import subprocess
import unittest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestBinRunArguments(unittest.TestCase):
    def first_run(self, *extra):
        env = {
            **os.environ,
            "PGHOST": "127.0.0.1",
            "PGPORT": str(closed_port()),
            "PGUSER": "odoo",
            "PGCONNECT_TIMEOUT": "2",
        }
        result = subprocess.run(
            [str(ROOT / "bin" / "run"), "--port", "8080", "--db", "cc_no_such_db", "--", *extra],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return result.stdout + result.stderr

    def assert_reached_the_database(self, output):
        self.assertIn("Creating database cc_no_such_db", output)
        self.assertNotIn("error: argument", output)
        self.assertNotIn("unrecognized arguments", output)
        self.assertNotIn("Usage:", output, "Odoo refused an option")
        # where the run stops: first_run.py connecting to the server, once
        # its own options and Odoo's were read
        self.assertIn("first_run.py", output.split("psycopg2.OperationalError")[0])
        self.assertIn("psycopg2.OperationalError: connection to server", output)

    def test_one_option_with_equals(self):
        self.assert_reached_the_database(self.first_run("--dev=xml"))

    def test_options_with_separate_values(self):
        self.assert_reached_the_database(
            self.first_run("--log-level", "warn", "--limit-time-real", "600", "--dev=xml")
        )

    def test_no_option(self):
        self.assert_reached_the_database(self.first_run())


if __name__ == "__main__":
    unittest.main()
