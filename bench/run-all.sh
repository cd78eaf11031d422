#!/bin/sh
# Runs every benchmark in sequence and rewrites its section of docs/benchmarks.md.
# Bounded: about 15-20 minutes on the 2-core reference machine. Loopback only.
#   sh bench/run-all.sh            # all
#   QUICK=1 sh bench/run-all.sh    # short durations, to check the scripts (writes nothing)
set -eu
cd "$(dirname "$0")/.."
if [ "${QUICK:-}" = 1 ]; then
  W=""; S=1; P=100; REQ=4000; BATCH=1000; RUNS=3
else
  W="--write"; S=5; P=2000; REQ=100000; BATCH=10000; RUNS=15
fi
echo "load before: $(cat /proc/loadavg 2>/dev/null || uptime)"
npx tsx bench/gateway-overhead.ts --seconds "$S" --probe "$P" $W
npx tsx bench/gateway-memory.ts --requests "$REQ" --batch "$BATCH" --max-seconds 300 $W
npx tsx bench/local-through-gateway.ts "$RUNS" 256 $W
if [ -z "$W" ]; then echo "(QUICK: docs not updated)"; else npx tsx bench/local-tokens.ts; fi
npx tsx bench/restore-stream.ts
npx tsx bench/audit-append.ts
npx tsx bench/inspect-speed.ts
npx tsx bench/quality.ts
echo "load after: $(cat /proc/loadavg 2>/dev/null || uptime)"
