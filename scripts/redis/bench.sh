#!/usr/bin/env bash
# Decisions per second through the Redis store from one process, beside redis-benchmark running the
# same Lua script with EVALSHA against the same server, in one run on loopback.
#   scripts/redis/bench.sh [REQUESTS=200000]
# Prints one table: rate, and for Bulwark p50/p99 latency of a whole decision.
set -euo pipefail
cd "$(dirname "$0")/../.."
requests=${1:-200000}
swift build -c release --product bulwark >/dev/null 2>&1 || swift build -c release --product bulwark
bulwark=.build/release/bulwark
source scripts/redis/server.sh
cli=(redis-cli -p "$REDIS_PORT")
printf '%-44s %14s %10s %10s\n' "client (fixedWindow script, EVALSHA)" "requests/s" "p50 µs" "p99 µs"
"$bulwark" redis-load --redis "$REDIS_URL" --algorithm fixedWindow --print-script >"$work/script.lua"
sha=$("${cli[@]}" SCRIPT LOAD "$(cat "$work/script.lua")")
# The arguments the store sends: max, refill rate, interval µs, requested, time ('' = server TIME).
for config in "1 1" "50 1" "64 1" "2 32" "64 16"; do
    read -r clients pipeline <<<"$config"
    rate=$(redis-benchmark -p "$REDIS_PORT" -n "$requests" -c "$clients" -P "$pipeline" -r 100000 -q \
        EVALSHA "$sha" 1 'bulwark:rl:{bench:__rand_int__}' 1000000000 0 2592000000000 1 '' 2>/dev/null \
        | tr '\r' '\n' | grep -Eo '[0-9.]+ requests per second' | tail -1 | cut -d' ' -f1)
    printf '%-44s %14s %10s %10s\n' "redis-benchmark -c $clients -P $pipeline" "$rate" "" ""
done
for tasks in 1 64 256; do
    "$bulwark" redis-load --redis "$REDIS_URL" --algorithm fixedWindow --limit 1000000000 --requests "$requests" \
        --tasks "$tasks" --key "bench-$tasks-$RANDOM" >"$work/bulwark.json"
    python3 - "$work/bulwark.json" "$tasks" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["errors"] == 0, r
print(f'{"bulwark redis-load, 2 connections, " + sys.argv[2] + " tasks":<44} {r["decisionsPerSecond"]:>14} {r["p50Microseconds"]:>10.1f} {r["p99Microseconds"]:>10.1f}')
PY
done
