#!/usr/bin/env python3
"""Scores Bulwark's decisions against the labelled corpus written by corpus.py.

    python3 scripts/shield/score.py --corpus .build/shield/corpus.jsonl --decisions decisions.jsonl \
        [--misses DIR]

Prints, per (set, category), the count and the detection rate (attacks) or false-positive rate
(benign). With --misses, writes the missed attacks and the false positives, one request a line,
to DIR/misses-<set>-<category>.jsonl and DIR/fp-<set>-<category>.jsonl for tuning.
"""
import argparse
import collections
import json
import os


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--decisions", required=True)
    parser.add_argument("--misses")
    args = parser.parse_args()
    decisions = {}
    with open(args.decisions) as handle:
        for line in handle:
            decision = json.loads(line)
            reason = decision.get("reason", {})
            decisions[decision["requestId"]] = (
                decision["conclusion"] == "DENY" and reason.get("type") == "SHIELD",
                reason,
                decision["conclusion"],
            )
    totals = collections.Counter()
    hits = collections.Counter()
    errors = collections.Counter()
    misses = collections.defaultdict(list)
    with open(args.corpus) as handle:
        for line in handle:
            request = json.loads(line)
            key = (request["set"], request["category"], request["label"])
            detected, reason, conclusion = decisions.get(request["id"], (False, {}, "MISSING"))
            totals[key] += 1
            if conclusion in ("ERROR", "MISSING"):
                errors[key] += 1
            if detected:
                hits[key] += 1
            wrong = detected != (request["label"] == "attack")
            if wrong and args.misses:
                request["_reason"] = reason
                misses[key].append(request)
    print(f"| set | category | label | requests | {'rate':>8} |")
    print("|---|---|---|---:|---:|")
    for key in sorted(totals):
        rate = hits[key] / totals[key]
        label = "detected" if key[2] == "attack" else "false positives"
        extra = f" ({errors[key]} errors)" if errors[key] else ""
        print(f"| {key[0]} | {key[1]} | {label} | {totals[key]} | {rate:.2%}{extra} |")
    if args.misses:
        os.makedirs(args.misses, exist_ok=True)
        for key, requests in misses.items():
            kind = "misses" if key[2] == "attack" else "fp"
            with open(os.path.join(args.misses, f"{kind}-{key[0]}-{key[1]}.jsonl"), "w") as out:
                for request in requests:
                    out.write(json.dumps(request) + "\n")


if __name__ == "__main__":
    main()
