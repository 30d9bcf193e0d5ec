"""Summarize Odoo test logs written by bin/test.

Counts, per test suite (the addon a test module belongs to), the tests that
started, failed, errored and were skipped, from Odoo's own test log lines, and
prints the closing line ``N passed, N failed, N skipped``. An Odoo process that
exited non-zero, or an ERROR/CRITICAL log line outside a test report (a module
that failed to install, say), counts as a failure too: a green line must mean
that everything ran.
"""

import argparse
import collections
import pathlib
import re
import sys

LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>[A-Z]+) \S+ (?P<logger>[\w.]+): (?P<msg>.*)$"
)
SUITE = re.compile(r"^odoo\.addons\.(?P<suite>\w+)\.tests\b")


def summarize(log_dir):
    started = collections.Counter()
    failed = collections.Counter()
    skipped = collections.Counter()
    problems = []
    for log in sorted(pathlib.Path(log_dir).glob("*.log")):
        rc_file = log.with_suffix(".log.rc")
        rc = int(rc_file.read_text().strip() or 0) if rc_file.exists() else 0
        for raw in log.read_text(errors="replace").splitlines():
            match = LINE.match(raw)
            if not match:
                continue
            level, logger, msg = match["level"], match["logger"], match["msg"]
            suite_match = SUITE.match(logger)
            suite = suite_match["suite"] if suite_match else None
            if suite and msg.startswith("Starting "):
                started[suite] += 1
            elif suite and level == "INFO" and msg.startswith("skipped "):
                skipped[suite] += 1
            elif suite and level == "ERROR" and msg.startswith(("FAIL: ", "ERROR: ")):
                failed[suite] += 1
                problems.append(f"{log.stem}: {suite}: {msg}")
            elif level in ("ERROR", "CRITICAL") and not (
                logger == "odoo.tests.result" or "at least one error occurred" in msg
            ):
                problems.append(f"{log.stem}: unexpected {level} from {logger}: {msg[:300]}")
                failed["(odoo log)"] += 1
        if rc and not any(p.startswith(log.stem + ":") for p in problems):
            problems.append(f"{log.stem}: Odoo exited with status {rc}")
            failed["(odoo exit)"] += 1
    return started, failed, skipped, problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("log_dir")
    parser.add_argument("--seconds", type=int, default=0)
    args = parser.parse_args()
    started, failed, skipped, problems = summarize(args.log_dir)
    suites = sorted(set(started) | set(failed) | set(skipped))
    print("\n== results per suite")
    print(f"  {'suite':32} {'run':>5} {'failed':>7} {'skipped':>8}")
    for suite in suites:
        print(f"  {suite:32} {started[suite]:5} {failed[suite]:7} {skipped[suite]:8}")
    for problem in problems:
        print("  !", problem)
    total_run = sum(started.values())
    total_failed = sum(failed.values())
    total_skipped = sum(skipped.values())
    passed = max(total_run - total_skipped - sum(failed[s] for s in started), 0)
    if args.seconds:
        print(f"\n(took {args.seconds // 60}m{args.seconds % 60:02d}s)")
    if not total_run and not total_failed:
        total_failed = 1
        print("  ! no test ran")
    print(f"{passed} passed, {total_failed} failed, {total_skipped} skipped")
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main())
