#!/usr/bin/env bash
# Beside the load test (tests/load/run.sh --fault): kill -9 of server a's
# workers at 30 s (its master forks new ones), of all of server a at 60 s.
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
sleep "${CC_FAULT_FIRST:-30}"
echo "$(date +%s) $("$ROOT/bin/cluster" kill a workers)"
sleep "${CC_FAULT_SECOND:-30}"
echo "$(date +%s) $("$ROOT/bin/cluster" kill a all)"
