"""Static checks run first by bin/test and by pre-commit's hooks.

ruff (lint and format), pylint-odoo's mandatory checks (.pylintrc-mandatory,
as in the OCA template), well-formed XML and consistent CSV in the addons,
and a reason beside every sudo() of the addons' code.
"""

import csv
import pathlib
import re
import subprocess
import sys

from lxml import etree

ROOT = pathlib.Path(__file__).resolve().parent.parent
ADDONS = ["customer_connect", "customer_connect_payments", "customer_connect_dms"]


def run(label, cmd):
    print(f"-- {label}: {' '.join(cmd[:4])} ...")
    try:
        result = subprocess.run(cmd, cwd=ROOT, check=False)
    except FileNotFoundError:
        print(f"   {cmd[0]} is not installed: pip install -r requirements-dev.txt")
        return False
    return result.returncode == 0


def check_xml_csv():
    ok = True
    for addon in ADDONS:
        for path in sorted((ROOT / addon).rglob("*.xml")):
            try:
                etree.parse(str(path))
            except etree.XMLSyntaxError as error:
                print(f"   {path.relative_to(ROOT)}: {error}")
                ok = False
        for path in sorted((ROOT / addon).rglob("*.csv")):
            with path.open(newline="", encoding="utf-8") as handle:
                rows = list(csv.reader(handle))
            widths = {len(row) for row in rows if row}
            if len(widths) > 1:
                print(f"   {path.relative_to(ROOT)}: rows of different widths {sorted(widths)}")
                ok = False
    print(f"-- XML / CSV well-formed: {'ok' if ok else 'FAILED'}")
    return ok


# .sudo() or .sudo(True), not .sudo(False) (which drops rights)
SUDO = re.compile(r"\.sudo\(\s*(True)?\s*\)")


def check_sudo_reasons():
    """Every sudo() in the addons' code (tests aside) has a comment saying
    why on its line or within the 3 lines above (STYLE.md: check_access
    before every sudo(), with a comment saying why beside it)."""
    missing = []
    for addon in ADDONS:
        for path in sorted((ROOT / addon).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "tests" in rel.parts:
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines):
                if not SUDO.search(line.split("#")[0]):
                    continue
                if not any("#" in above for above in lines[max(0, number - 3) : number + 1]):
                    missing.append(f"   {rel}:{number + 1}: {line.strip()}")
    for entry in missing:
        print(entry)
    print(
        "-- sudo() with a reason beside it: "
        + ("ok" if not missing else f"FAILED ({len(missing)} without a comment)")
    )
    return not missing


def main():
    py = sys.executable
    results = [
        run("ruff", [py, "-m", "ruff", "check", *ADDONS, "tests", "bin"]),
        run("ruff format", [py, "-m", "ruff", "format", "--check", *ADDONS, "tests", "bin"]),
        run(
            "pylint-odoo (mandatory)",
            [py, "-m", "pylint", "--rcfile=.pylintrc-mandatory", "--score=n", *ADDONS],
        ),
        check_xml_csv(),
        check_sudo_reasons(),
    ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
