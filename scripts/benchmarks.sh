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
        log="$(mktemp)"
        swift package benchmark thresholds check "${metrics[@]}" --no-progress 2>&1 | tee "$log" || status=$?
        # 0: as committed. The plugin runner folds the tool's exit codes into 1, so an improvement
        # (counts below the thresholds: update them when it lasts) is told apart by its message.
        if [[ $status -ne 0 ]]; then
            if grep -q "benchmarkThresholdImprovement" "$log" && ! grep -q "benchmarkThresholdRegression" "$log" \
                && ! grep -qi "worse than" "$log"; then
                echo "benchmark thresholds: only improvements; run 'scripts/benchmarks.sh update' to lock them in" >&2
            else
                echo "benchmark thresholds: regression (exit $status)" >&2
                rm -f "$log"
                exit 1
            fi
        fi
        rm -f "$log"
        ;;
    update)
        swift package --allow-writing-to-package-directory benchmark thresholds update "${metrics[@]}" --no-progress
        ;;
    *)
        echo "usage: $0 run|check|update" >&2
        exit 64
        ;;
esac
