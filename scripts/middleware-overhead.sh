#!/usr/bin/env bash
# Measures the Hummingbird middleware's cost under load, in alternating wrk rounds on loopback, on
# the same app: plain; with a no-op middleware (what any middleware costs); deciding only; with
# Bulwark's middleware as shipped (headers on refusals); and with rate-limit headers on every response.
# Usage: scripts/middleware-overhead.sh [ROUNDS] [SECONDS]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
rounds=${1:-5}
seconds=${2:-8}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
swift build -c release --product MiddlewareOverheadServer >/dev/null
server=.build/release/MiddlewareOverheadServer
declare -A ports=([plain]=18091 [noop]=18094 [decide-only]=18093 [middleware]=18092 [with-headers]=18095)
"$server" --port 18091 >/dev/null 2>&1 & pids=($!)
"$server" --decide-only --port 18093 >/dev/null 2>&1 & pids+=($!)
"$server" --protected --port 18092 >/dev/null 2>&1 & pids+=($!)
"$server" --noop --port 18094 >/dev/null 2>&1 & pids+=($!)
"$server" --protected --always-headers --port 18095 >/dev/null 2>&1 & pids+=($!)
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
sleep 2
declare -A results
for round in $(seq "$rounds"); do
    for variant in plain noop decide-only middleware with-headers; do
        rps=$(wrk -t1 -c32 -d"${seconds}s" "http://127.0.0.1:${ports[$variant]}/" | awk '/Requests\/sec/ {print $2}')
        results[$variant]+="$rps "
        echo "round $round $variant: $rps requests/s"
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
plain=$(echo "${results[plain]}" | median)
for variant in plain noop decide-only middleware with-headers; do
    value=$(echo "${results[$variant]}" | median)
    awk -v v="$variant" -v r="$value" -v p="$plain" 'BEGIN {printf "%-13s median %9.0f requests/s  %5.1f%% fewer than plain\n", v, r, (1 - r / p) * 100}'
done
