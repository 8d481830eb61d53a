#!/usr/bin/env bash
# Runs the benchmarks (Benchmarks/, on ordo-one/benchmark).
#   scripts/benchmarks.sh run      every metric, as a markdown table (the figures in BENCHMARKS.md)
#   scripts/benchmarks.sh check    allocation counts against the committed thresholds (CI)
#   scripts/benchmarks.sh update   rewrite the committed thresholds from a run on this machine
# Allocation counts are deterministic, so CI checks them exactly; instruction counts are checked too
# where the kernel exposes hardware counters (perf events), which the project's VMs do not.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
metrics=(--metric mallocCountTotal)
if [[ -r /proc/sys/kernel/perf_event_paranoid ]] && [[ "$(cat /proc/sys/kernel/perf_event_paranoid)" -le 2 ]] \
    && command -v perf >/dev/null && perf stat -e instructions true >/dev/null 2>&1; then
    metrics+=(--metric instructions)
fi
case "${1:-run}" in
    run)
        swift package benchmark --no-progress --format markdown
        ;;
    check)
        status=0
        swift package benchmark thresholds check "${metrics[@]}" --no-progress || status=$?
        # 0: as committed; 4: only improvements. 2 (or anything else) is a regression or a failure.
        if [[ $status -ne 0 && $status -ne 4 ]]; then
            echo "benchmark thresholds: regression (exit $status)" >&2
            exit 1
        fi
        ;;
    update)
        swift package --allow-writing-to-package-directory benchmark thresholds update "${metrics[@]}" --no-progress
        ;;
    *)
        echo "usage: $0 run|check|update" >&2
        exit 64
        ;;
esac
