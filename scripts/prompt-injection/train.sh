#!/usr/bin/env bash
# Trains the bundled prompt-injection model from the shared corpus and the generated training sets,
# writes it to Sources/Bulwark/Resources/prompt-injection.model and its figures to
# scripts/prompt-injection/model-metrics.json. The seed and the files fix the bytes: rerunning gives
# the same model. Needs ../shared/corpora/prompt-injection (or CORPORA=DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
corpora="${CORPORA:-../shared/corpora/prompt-injection}"
fixtures=Tests/BulwarkTests/Fixtures
swift build -c release --product PromptInjectionTrainer
.build/release/PromptInjectionTrainer \
    --train "$corpora/train.jsonl" \
    --train "$fixtures/prompt-injection-hard-negatives-train.jsonl" \
    --train "$fixtures/prompt-injection-benign-train.jsonl" \
    --train "$fixtures/prompt-injection-short-chat-train.jsonl" \
    --validation "$corpora/validation.jsonl" \
    --report hard-negatives-eval="$fixtures/prompt-injection-hard-negatives-eval.jsonl" \
    --report short-chat-eval="$fixtures/prompt-injection-short-chat-eval.jsonl" \
    --report prose="$fixtures/prompt-injection-prose.jsonl" \
    --report jailbreaks="$fixtures/prompt-injection-jailbreaks.jsonl" \
    --out Sources/Bulwark/Resources/prompt-injection.model \
    --metrics scripts/prompt-injection/model-metrics.json \
    "$@"
