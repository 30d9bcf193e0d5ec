"""bin/run's way in when its database does not exist yet (a first run, or
--fresh): make the database with the demo dealer, then serve it, all in one
Odoo process.

    python bin/first_run.py --addons A,B,C --template-prefix P [--key-options S]
                            [--banner TEXT] -- ODOO_OPTIONS (with -d DB)

run by bin/run with Odoo's interpreter:

1. Customer Connect's three addons, installed without Odoo's demo data, come
   from a template database when one was kept for this version of the code
   (its name: the prefix, then a hash of the name, size and time of every file
   Odoo reads modules from and of the extra options). Otherwise they are
   installed, and the result kept as that template for the next --fresh
   (this checkout's older templates are dropped).
2. The demo dealer is loaded as Odoo loads a module's demo file
   (customer_connect/demo/demo_dealer.xml), so with the dates of today.
3. The registry built on the way serves the database: one start of Odoo
   instead of three (install, demo dealer, server), each costs 5 to 10 s of
   imports and registry loading on a 2-core machine.

Progress goes to stdout, one line a step ([elapsed s] what); Odoo's warnings
and errors to stderr as usual, its INFO lines only once it serves. A database
left half-made (an error, Ctrl-C) is dropped, so that the next run starts over.
"""

import argparse
import csv
import hashlib
import logging
import os
import re
import shutil
import signal
import sys
import threading
import time
from contextlib import closing

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api
from odoo.cli.server import (
    check_postgres_user,
    check_root_user,
    report_configuration,
    setup_pid_file,
)
from odoo.modules.registry import Registry
from odoo.service import db as db_service
from odoo.tools import SQL, config
from odoo.tools.convert import convert_file

# the loggers shown as progress while the database is made
PROGRESS_LOGGERS = ("odoo.modules.loading", "odoo.addons.customer_connect.demo")
LOADING_MODULE = re.compile(r"Loading module (\S+) \((\d+)/(\d+)\)")


STARTED = time.time()  # bin/run's start (--started)
TTY = sys.stdout.isatty()


def say(text, end="\n"):
    """A progress line: seconds since bin/run started, then what."""
    clear = "\r\033[K" if TTY else ""
    sys.stdout.write(f"{clear}  [{time.time() - STARTED:3.0f}s] {text}{end}")
    sys.stdout.flush()


class Progress(logging.Handler):
    """Odoo's log while the database is made, tidied for a person: a line per
    module installed (one line rewritten on a terminal, every tenth module
    otherwise), the demo generator's steps; warnings and errors as Odoo
    writes them."""

    def __init__(self):
        super().__init__(logging.INFO)

    def emit(self, record):
        if record.levelno >= logging.WARNING:
            self.clear()
            for handler in logging.getLogger().handlers:
                handler.handle(record)
            return
        message = record.getMessage()
        if record.name != "odoo.modules.loading":
            say(message)
            return
        match = LOADING_MODULE.match(message)
        if not match:
            return
        name, index, count = match[1], int(match[2]), int(match[3])
        if TTY:
            say(f"installing {name} ({index}/{count})", end="")
        elif index % 10 == 0 or index == count:
            say(f"installing {name} ({index}/{count})")

    def clear(self):
        if TTY:
            sys.stdout.write("\r\033[K")
            sys.stdout.flush()


class QuietOdoo:
    """Odoo at WARNING, but the progress loggers, while the database is made;
    the levels given by the options come back when it serves."""

    def __init__(self):
        self.handler = Progress()
        self.saved = {}

    def __enter__(self):
        for name in ("odoo", "werkzeug", *PROGRESS_LOGGERS):
            logger = logging.getLogger(name)
            self.saved[name] = (logger.level, logger.propagate)
        logging.getLogger("odoo").setLevel(logging.WARNING)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        for name in PROGRESS_LOGGERS:
            logger = logging.getLogger(name)
            logger.setLevel(logging.INFO)
            logger.propagate = False
            logger.addHandler(self.handler)
        return self

    def __exit__(self, *exc):
        self.handler.clear()
        for name, (level, propagate) in self.saved.items():
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.propagate = propagate
            logger.removeHandler(self.handler)


# What an install does not read: web assets (made when first asked for),
# tests, translations (English only here). Without them the walk is 4 times
# shorter.
NOT_INSTALLED = {"__pycache__", "static", "tests", "i18n"}


def code_key(addons_path, root, addons, options):
    """A hash of the name, size and time of the files Odoo installs modules
    from (Odoo itself, the addons path, our addons but not the rest of the
    checkout) and of the extra options."""
    digest = hashlib.sha1(options.encode())
    tops = []
    for path in addons_path.split(","):
        path = os.path.realpath(path.strip())
        if path == os.path.realpath(root):
            tops += [os.path.join(path, name) for name in addons]
        elif path.endswith(os.sep + os.path.join("odoo", "addons")):
            tops.append(os.path.dirname(path))  # the odoo package with its base addons
        else:
            tops.append(path)
    for top in sorted(set(tops)):
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d not in NOT_INSTALLED and d[0] != ".")
            for name in sorted(files):
                if not name.endswith((".pyc", ".pyo")):
                    stat = os.lstat(os.path.join(folder, name))
                    digest.update(f"{folder}/{name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:10]


def postgres(query, params=None):
    """A statement on the server's postgres database, outside a transaction
    (as Odoo's database manager creates and drops databases)."""
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute(query, params)
        return cr.fetchall() if cr.description else None


def copy_filestore(source, target):
    source, target = config.filestore(source), config.filestore(target)
    shutil.rmtree(target, ignore_errors=True)
    if os.path.isdir(source):
        shutil.copytree(source, target)


def drop_database(name):
    odoo.sql_db.close_db(name)
    postgres(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(name)))
    shutil.rmtree(config.filestore(name), ignore_errors=True)


def copy_database(template, db):
    """As Odoo's database manager duplicates one (service/db.py), the copy
    with its own identity (database.uuid and secret) and filestore."""
    postgres(SQL("CREATE DATABASE %s TEMPLATE %s", SQL.identifier(db), SQL.identifier(template)))
    copy_filestore(template, db)
    registry = Registry.new(db)
    with registry.cursor() as cr:
        api.Environment(cr, SUPERUSER_ID, {})["ir.config_parameter"].init(force=True)
    return registry


def install(db, addons):
    """Customer Connect's addons on a new database, as `odoo -d DB -i ADDONS
    --without-demo=all` does. Without Odoo's demo data: Odoo 18 installs demo
    data for every module or for none, and its demo partners, products and
    invoices would cost 10 to 15 s and mix with the dealer's customers."""
    db_service._create_empty_database(db)
    config["without_demo"] = "all"
    config["init"] = dict.fromkeys(["base", *addons], 1)
    try:
        return Registry.new(db, update_module=True)
    finally:
        config["init"] = {}


def keep_template(db, template, older):
    """The installed database as the template of later --fresh runs; not
    worth failing for (a concurrent bin/run may be making the same one)."""
    odoo.sql_db.close_db(db)  # a copy needs no connection to its source
    try:
        for name in older:
            drop_database(name)
        postgres(
            SQL("CREATE DATABASE %s TEMPLATE %s", SQL.identifier(template), SQL.identifier(db))
        )
        # nor to itself, autovacuum's included
        postgres(SQL("ALTER DATABASE %s WITH ALLOW_CONNECTIONS false", SQL.identifier(template)))
        copy_filestore(db, template)
    except (psycopg2.Error, OSError) as error:
        say(f"(no template kept: {error})")
        return False
    return True


def load_demo_dealer(registry):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        convert_file(
            env,
            "customer_connect",
            "demo/demo_dealer.xml",
            {},
            mode="init",
            noupdate=True,
            kind="demo",
        )


def make_database(db, opts):
    addons = opts.addons.split(",")
    prefix = opts.template_prefix
    templates = [
        name
        for (name,) in postgres(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "\\_%"]
        )
    ]
    # The key walks some 10,000 files: beside the install when there is no
    # template to look up.
    key = {}
    walk = threading.Thread(
        target=lambda: key.update(
            value=code_key(config["addons_path"], opts.root, addons, opts.key_options)
        ),
        daemon=True,
    )
    walk.start()
    if templates:
        walk.join()
    template = f"{prefix}_{key['value']}" if templates else None
    if template in templates:
        say(f"copying the installed addons from template {template}")
        registry = copy_database(template, db)
    else:
        say("installing Odoo's modules and Customer Connect (later --fresh runs copy them)...")
        registry = install(db, addons)
        walk.join()
        template = f"{prefix}_{key['value']}"
        if keep_template(db, template, [t for t in templates if t != template]):
            say(f"kept as template {template} for the next --fresh")
    say("loading the demo dealer...")
    load_demo_dealer(registry)
    return registry


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addons", required=True)
    parser.add_argument("--template-prefix", required=True)
    parser.add_argument("--key-options", default="")
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(__file__)))
    parser.add_argument("--banner", default="")
    parser.add_argument("--started", type=float, help="bin/run's start (seconds since 1970)")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    opts = parser.parse_args(argv[:split])
    global STARTED
    STARTED = opts.started or STARTED

    check_root_user()
    config.parse_config(argv[split + 1 :], setup_logging=True)
    check_postgres_user()
    csv.field_size_limit(500 * 1024 * 1024)  # as odoo's server command
    db = config["db_name"]
    if not db or "," in db:
        sys.exit("bin/first_run.py: one database (-d) expected")

    # the check again: Odoo re-executes this script on a reload (--dev=reload)
    if not postgres("SELECT 1 FROM pg_database WHERE datname = %s", [db]):
        # stopped (Ctrl-C, kill) while making it: dropped, not left half-made
        # (Odoo's server sets its own handlers when it starts)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.default_int_handler)
        with QuietOdoo():
            try:
                make_database(db, opts)
            except BaseException as error:
                if not isinstance(error, KeyboardInterrupt | SystemExit):
                    logging.getLogger("odoo").exception("Making the database %s failed", db)
                Registry.delete(db)
                drop_database(db)
                sys.exit(130 if isinstance(error, KeyboardInterrupt) else 2)
        say(f"database {db} ready.")
    print(opts.banner, flush=True)

    report_configuration()
    setup_pid_file()
    # the registry made above is the one requests use: nothing to preload
    sys.exit(odoo.service.server.start(preload=[], stop=config["stop_after_init"]))


if __name__ == "__main__":
    main()
