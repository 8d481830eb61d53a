#!/usr/bin/env bash
# Two processes × 64 tasks on one Redis key, for each algorithm: the admitted counts must add up to
# exactly the limit. Starts its own redis-server on a free loopback port (Debian: redis-server), or
# uses REDIS_URL if set.
#   scripts/redis/exactness.sh [REQUESTS_PER_PROCESS=51200] [LIMIT=30000]
set -euo pipefail
cd "$(dirname "$0")/../.."
requests=${1:-51200}
limit=${2:-30000}
swift build -c release --product bulwark >/dev/null 2>&1 || swift build -c release --product bulwark
bulwark=.build/release/bulwark
source scripts/redis/server.sh
status=0
printf '%-14s %10s %10s %10s %8s %s\n' algorithm requests admitted limit errors verdict
for algorithm in tokenBucket fixedWindow slidingWindow; do
    key="exactness-$algorithm-$RANDOM$RANDOM"
    args=(redis-load --redis "$REDIS_URL" --algorithm "$algorithm" --limit "$limit" --requests "$requests" --tasks 64 --key "$key")
    "$bulwark" "${args[@]}" >"$work/a.json" &
    first=$!
    "$bulwark" "${args[@]}" >"$work/b.json"
    wait "$first"
    read -r admitted errors total < <(python3 - "$work/a.json" "$work/b.json" <<'PY'
import json, sys
runs = [json.load(open(path)) for path in sys.argv[1:]]
print(sum(r["admitted"] for r in runs), sum(r["errors"] for r in runs), sum(r["requests"] for r in runs))
PY
)
    verdict=exact
    if [[ "$admitted" -ne "$limit" || "$errors" -ne 0 ]]; then verdict=WRONG; status=1; fi
    printf '%-14s %10s %10s %10s %8s %s\n' "$algorithm" "$total" "$admitted" "$limit" "$errors" "$verdict"
done
exit "$status"
