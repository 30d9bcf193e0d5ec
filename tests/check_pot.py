"""Compare the translation templates Odoo exports with the committed ones.

bin/test exports ``i18n/<addon>.pot`` of each addon from the test database
and calls this script: a template that differs (a new or changed string not
exported) is reported in Odoo's log format, so that tests/summarize.py counts
it as a failed check. ``--write`` copies the fresh export over the committed
file instead (``bin/test --update-pot``).
"""

import argparse
import datetime
import pathlib
import re
import shutil
import sys

# the header's dates change at each export; the strings are what matters
VOLATILE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date|Project-Id-Version): .*\\n"$')


def entries(path):
    lines = pathlib.Path(path).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if not VOLATILE.match(line)]


def log(level, addon, message):
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S,000")
    print(f"{now} 0 {level} pot odoo.addons.{addon}.tests.i18n: {message}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("addon")
    parser.add_argument("exported")
    parser.add_argument("committed")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    log("INFO", args.addon, f"Starting i18n/{args.addon}.pot is up to date ...")
    if args.write:
        shutil.copyfile(args.exported, args.committed)
        return 0
    committed = pathlib.Path(args.committed)
    if not committed.exists() or entries(args.exported) != entries(committed):
        log(
            "ERROR",
            args.addon,
            f"FAIL: i18n/{args.addon}.pot is out of date: run bin/test --update-pot and commit it",
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
