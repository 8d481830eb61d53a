#!/usr/bin/env bash
# Builds the libFuzzer target for the core's parsers with -sanitize=fuzzer,address and runs it for
# a bounded time (default 60 s) from the seed corpus in Fuzz/corpus. A crash, hang (over 2 s for
# one input) or sanitizer report fails; the reproducer is left in Fuzz/.artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
seconds=${1:-60}
mkdir -p .artifacts .work-corpus
if ! swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --product ParsersFuzzer >.artifacts/build.log 2>&1; then
    grep -E "error" .artifacts/build.log >&2 || tail -20 .artifacts/build.log >&2
    exit 1
fi
cp -n corpus/* .work-corpus/ 2>/dev/null || true
.build/debug/ParsersFuzzer .work-corpus -max_total_time="$seconds" -timeout=2 -max_len=4096 \
    -artifact_prefix=.artifacts/ -print_final_stats=1 2>&1 | tail -12
