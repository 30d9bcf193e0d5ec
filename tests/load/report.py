#!/usr/bin/env python3
"""The load test's figures, as a Markdown table, from one run's folder
(.run/load/<label>/: Locust's CSV files, the memory and load samples, the
database checks). Used by tests/load/run.sh; run it again on a folder to
print them again."""

import argparse
import csv
import json
import os
import re
import statistics

LIMIT_MEMORY_SOFT_MB = 2048  # Odoo 18's default, compared with VmSize (Odoo's own measure)


# HAProxy's request line (option httplog): backend/server, then the timers
# TR/Tw/Tc/Tr/Ta (Tw: time waiting in HAProxy's queue for a free worker), status
HTTPLOG = re.compile(r"\] \S+ (\S+)/(\S+) (-?\d+)/(-?\d+)/(-?\d+)/(-?\d+)/(-?\d+) (\d{3}) ")


# the balancer's request paths, named as the locustfile names its pages
PAGES = [
    (re.compile(r"^/my/activity/page/"), "Customer Activity, page 2"),
    (re.compile(r"^/my/activity(\?|$)"), "Customer Activity"),
    (re.compile(r"^/my/invoices/\d+\?.*report_type=pdf"), "invoice PDF"),
    (re.compile(r"^/my/invoices/\d+"), "invoice page (Odoo's)"),
    (re.compile(r"^/my/invoices(\?|$)"), "anchor: Odoo /my/invoices"),
    (re.compile(r"^/my/statement/pdf"), "statement PDF"),
    (re.compile(r"^/my/payments/pay"), "pay page"),
    (re.compile(r"^/payment/status/poll"), "pay: status poll"),
]
REQUEST_PATH = re.compile(r'"[A-Z]+ (\S+) HTTP')


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * share))] if values else 0


def split(path):
    """Each page's time at the balancer split in two: waiting in HAProxy's
    queue for a free worker (Tw) and the server's own time until its
    response headers (Tr, Odoo's work: the request's queries, rendering,
    wkhtmltopdf). The client's time is about Tw + Tr (Ta: until the last
    byte). p95 of the total also with the median split of the requests in
    its slowest 5 %: where the tail's time goes."""
    if not os.path.exists(path):
        return
    times = {}
    for line in open(path, errors="replace"):
        match, req = HTTPLOG.search(line), REQUEST_PATH.search(line)
        if not (match and req) or int(match.group(4)) < 0 or int(match.group(6)) < 0:
            continue
        name = next((n for rx, n in PAGES if rx.search(req.group(1))), None)
        if name:
            tw, tr, ta = int(match.group(4)), int(match.group(6)), int(match.group(7))
            times.setdefault(name, []).append((ta, tw, tr))
    if not times:
        return
    print(
        "\nwhere each page's time goes (HAProxy's log: Tw = waiting in its queue "
        "for a free Odoo worker, Tr = the server's time until its response; ms):\n"
    )
    print(
        "| page | requests | queue Tw p50 / p95 | server Tr p50 / p95 | total Ta p50 / p95 "
        "| slowest 5 %: queue / server (median) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in [n for _rx, n in PAGES if n in times]:
        rows = sorted(times[name])
        tail = rows[int(len(rows) * 0.95) :] or rows[-1:]
        tw = [r[1] for r in rows]
        tr = [r[2] for r in rows]
        ta = [r[0] for r in rows]
        print(
            f"| {name} | {len(rows)} | {percentile(tw, 0.5)} / {percentile(tw, 0.95)} "
            f"| {percentile(tr, 0.5)} / {percentile(tr, 0.95)} "
            f"| {percentile(ta, 0.5)} / {percentile(ta, 0.95)} "
            f"| {statistics.median(r[1] for r in tail):.0f} / "
            f"{statistics.median(r[2] for r in tail):.0f} |"
        )


def balancer(path):
    """What the balancer saw during the run (bin/cluster keeps its log): the
    503s it answered itself (no server: ``<NOSRV>``), the servers its health
    check took out, how long requests waited in its queue."""
    if not os.path.exists(path):
        return
    requests, own_503, waits, down = 0, 0, [], []
    for line in open(path, errors="replace"):
        match = HTTPLOG.search(line)
        if match:
            requests += 1
            if match.group(8) == "503" and match.group(2) == "<NOSRV>":
                own_503 += 1
            if int(match.group(4)) >= 0:
                waits.append(int(match.group(4)))
        elif " is DOWN" in line and not line.startswith("["):
            down.append(line.split(", check duration")[0].strip())
    waits.sort()
    p95 = waits[int(len(waits) * 0.95)] if waits else 0
    print(
        f"\nbalancer (HAProxy's log): {requests} requests, 503s it answered itself "
        f"(no server up): {own_503}; servers taken out by its health check: {len(down)}; "
        f"time waiting in its queue for a free worker: p95 {p95} ms, max {max(waits, default=0)} ms"
    )
    for line in down:
        print(f"  - {line}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--servers", default="?")
    parser.add_argument("--users", default="?")
    parser.add_argument("--workers", default="?")
    args = parser.parse_args()
    out = args.folder
    stats = list(csv.DictReader(open(os.path.join(out, "locust_stats.csv"))))
    failures = []
    if os.path.exists(os.path.join(out, "locust_failures.csv")):
        failures = list(csv.DictReader(open(os.path.join(out, "locust_failures.csv"))))
    loads = [
        float(line.split()[1])
        for line in open(os.path.join(out, "loadavg.txt"))
        if len(line.split()) > 1
    ]
    print(
        f"### {args.users} contacts, {args.servers} server(s) x --workers={args.workers} "
        f"--max-cron-threads=1 ({os.path.basename(out)})\n"
    )
    print(
        f"load average (1 min) during the run: median {statistics.median(loads):.1f}, "
        f"max {max(loads):.1f} (2 cores)\n"
    )
    print("| page | requests | failed | p50 ms | p95 ms | p99 ms | max ms | req/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in sorted(stats, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        print(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} "
            f"| {float(row['Requests/s']):.2f} |"
        )
    five = sum(int(f["Occurrences"]) for f in failures if re.search(r"\b5\d\d\b", f["Error"]))
    print(f"\n5xx responses: {five}; all failures:")
    for f in failures:
        print(f"  - {f['Name']}: {f['Error']} x{f['Occurrences']}")
    balancer(os.path.join(out, "haproxy.log"))
    split(os.path.join(out, "haproxy.log"))
    outcome_path = os.path.join(out, "outcome.json")
    if os.path.exists(outcome_path):
        outcome = json.load(open(outcome_path))
        per_user = outcome["failures_per_user"]
        print(
            f"\npayments: {outcome['payments']['started']} started, "
            f"{outcome['payments']['done']} seen done by the status page; "
            f"failed requests per user: max {max(per_user.values(), default=0)}, "
            f"users with any: {sum(1 for v in per_user.values() if v)}"
        )
    mem = {}
    for line in open(os.path.join(out, "memory.txt")):
        parts = line.split()
        if len(parts) == 5:
            _t, node, pid, vms, rss = parts
            key = (node, pid)
            prev = mem.get(key, (0, 0))
            mem[key] = (max(prev[0], int(vms) // 1024), max(prev[1], int(rss) // 1024))
    if mem:
        vms = [v for v, _r in mem.values()]
        rss = [r for _v, r in mem.values()]
        print(
            f"\nmemory per Odoo process ({len(mem)} processes seen, workers recycled included): "
            f"VmSize max {max(vms)} MiB, median {statistics.median(vms):.0f} MiB "
            f"(limit_memory_soft {LIMIT_MEMORY_SOFT_MB} MiB, compared by Odoo with VmSize); "
            f"RSS max {max(rss)} MiB, median {statistics.median(rss):.0f} MiB"
        )
    check = os.path.join(out, "check.txt")
    if os.path.exists(check):
        print("\ndatabase checks after the run (all 0 but the counts):\n")
        for line in open(check):
            if line.strip():
                print(f"    {line.rstrip()}")


if __name__ == "__main__":
    main()
