#!/usr/bin/env python3
"""Measures Bulwark's bot detection side by side with isbot (is-bot 0.3.7) on held-out lists.

    python3 scripts/bots/evaluate.py [--bulwark .build/release/bulwark] [--misses DIR]

Held-out lists, from a source the catalogue is not generated from (device_detector 6.5.1 sdist,
the Python port of Matomo's device-detector; its fixtures are LGPL-3.0 test data, downloaded here
for the measurement and never copied into the repository):
  device_detector/tests/fixtures/upstream/bots.yml       bots (each entry's `user_agent`)
  device_detector/tests/fixtures/upstream/*.yml (others) real browsers: entries whose client type
                                                         is "browser" and that name no bot
Development lists (the catalogue draws on crawlerdetect's patterns, so these measure how it was
tuned, not how it generalises):
  crawlerdetect 0.4.2 sdist   tests/fixtures/user_agent/crawlers.txt  bots
                              tests/fixtures/user_agent/devices.txt   browser/device UAs, and the
                              subset that ua-parser 1.0.2 names as a browser
  fake-useragent 2.2.0        fake_useragent/data/browsers.jsonl      real browser UAs (`useragent`)
Each list is trimmed, with empty lines skipped and duplicates dropped; the counts reported are
after that. devices.txt holds a few odd or bot-like entries: they are measured as they are.

Writes, under .build/bots/, one Request JSONL file per source in the shape of `bulwark protect`
(GET /, the same browser-like headers on every request so that only the user agent differs):
dd-bots.jsonl, dd-browsers.jsonl, crawlers.jsonl and browsers.jsonl (devices.txt as "devices-N",
its ua-parser browsers as "real-N", fake-useragent as "fakeua-N"); and rules.json with a single
LIVE detectBot rule that allows nothing. With a Bulwark binary (default .build/release/bulwark;
skipped with a message when it is missing) it runs `bulwark protect --rules rules.json --input FILE
--stats` on each file: a DENY decision counts as detected. isbot runs in this process on the same
user agents, timed one call at a time. Needs the `regex` and `yaml` modules; without them it makes
a virtual environment under .build/bots/venv (is-bot and PyYAML from PyPI) and runs again there.

Prints a markdown table: per list, the user agents, the share Bulwark and isbot detect (recall on
the bot lists, false positives on the browser lists), and the mean time per user agent (isbot:
perf_counter_ns around each call; Bulwark: protectNanoseconds / requests from --stats, per file).
With --misses DIR, writes the user agents Bulwark misses on the bot lists and flags on the browser
lists (and the same for isbot) to DIR/*.txt; flags are written `IDS<TAB>USER_AGENT`. With
--catalogue, adds a column for the generated catalogue evaluated with Python's re (named bots,
then generic signals): a reference for what the Swift engine should find.
"""

import argparse
import json
import os
import subprocess
import sys
import tarfile
import time
import venv

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import re  # noqa: E402

from generate import (CRAWLERDETECT, OUTPUT, REPO, fetch_sdist, fetch_wheel, matches,  # noqa: E402
                      read_catalogue, sdist_members)

DEVICE_DETECTOR = ("device_detector", "6.5.1")
FAKE_USERAGENT = ("fake-useragent", "2.2.0", "fake_useragent")
IS_BOT = ("is-bot", "0.3.7", "is_bot")
UA_PARSER = [("ua-parser", "1.0.2", "ua_parser"), ("ua-parser-builtins", "202610", "ua_parser_builtins")]
HEADERS = {  # sent with every request; only user-agent changes
    "host": "example.com",
    "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "accept-language": "en-US,en;q=0.9",
    "accept-encoding": "gzip, deflate, br",
}
PEER = "203.0.113.7"  # TEST-NET-3


def load_is_bot(build):
    """isbot's Bots class: from the unpacked wheel when `regex` and `yaml` are importable here, else
    from a virtual environment under build/venv (made once), by running this script again in it."""
    try:
        import regex  # noqa: F401
        import yaml  # noqa: F401
    except ImportError:
        environment = os.path.join(build, "venv")
        python = os.path.join(environment, "bin", "python")
        if os.path.realpath(sys.executable) == os.path.realpath(python):
            sys.exit("evaluate.py: the virtual environment has no `regex` or `yaml` module")
        if not os.path.exists(python):
            print(f"`regex` or `yaml` is missing: making {environment} with is-bot {IS_BOT[1]} and PyYAML",
                  file=sys.stderr)
            venv.create(environment, with_pip=True)
            subprocess.check_call([python, "-m", "pip", "install", "--quiet", f"{IS_BOT[0]}=={IS_BOT[1]}",
                                   "PyYAML"])
        os.execv(python, [python, os.path.abspath(__file__)] + sys.argv[1:])
    sys.path.insert(0, fetch_wheel(IS_BOT[0], IS_BOT[1], IS_BOT[2], build))
    from is_bot import Bots
    return Bots()


def fetch_crawlerdetect(build):
    """crawlerdetect's two test lists (in the sdist, not the wheel)."""
    paths = [f"tests/fixtures/user_agent/{name}.txt" for name in ("crawlers", "devices")]
    texts = sdist_members(fetch_sdist(*CRAWLERDETECT, build), paths)
    return texts[paths[0]].splitlines(), texts[paths[1]].splitlines()


def fetch_device_detector(build):
    """device_detector's fixtures: (bot user agents, browser user agents)."""
    import yaml  # after load_is_bot, which makes sure it is importable
    archive = fetch_sdist(*DEVICE_DETECTOR, build)
    folder = "device_detector/tests/fixtures/upstream/"
    bots, browsers = [], []
    with tarfile.open(archive) as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile() and f"/{folder}" in m.name
                          and m.name.endswith(".yml")), key=lambda m: m.name)
        for member in members:
            entries = yaml.safe_load(tar.extractfile(member).read().decode("utf-8"))
            if not isinstance(entries, list):
                continue
            is_bot_file = member.name.endswith("/bots.yml")
            for entry in entries:
                if not isinstance(entry, dict) or entry.get("user_agent") is None:
                    continue
                client = entry.get("client") if isinstance(entry.get("client"), dict) else {}
                if is_bot_file:
                    bots.append(str(entry["user_agent"]))
                elif client.get("type") == "browser" and not entry.get("bot"):
                    browsers.append(str(entry["user_agent"]))
    if not bots or not browsers:
        sys.exit(f"evaluate.py: {archive} has no bot or browser fixtures under {folder}")
    return bots, browsers


def fetch_fake_useragent(build):
    folder = fetch_wheel(FAKE_USERAGENT[0], FAKE_USERAGENT[1], FAKE_USERAGENT[2], build)
    with open(os.path.join(folder, "fake_useragent", "data", "browsers.jsonl"), encoding="utf-8") as handle:
        return [json.loads(line).get("useragent", "") for line in handle if line.strip()]


def real_browsers(devices, build):
    """The devices that ua-parser (with its bundled regexes) names as a browser, not as a spider or
    "Other": crawlerdetect's devices.txt also holds fragments ("1571", "tq") and app clients."""
    for name, version, prefix in UA_PARSER:
        sys.path.insert(0, fetch_wheel(name, version, prefix, build))
    from ua_parser import parse  # noqa: E402 (the wheels are on the path only now)

    def is_browser(ua):
        result = parse(ua)
        return (result.user_agent is not None and result.user_agent.family != "Other"
                and (result.device is None or result.device.family != "Spider"))
    return [ua for ua in devices if is_browser(ua)]


def clean(user_agents):
    """Trimmed, non-empty, first occurrence of each."""
    return list(dict.fromkeys(ua.strip() for ua in user_agents if ua.strip()))


def write_requests(path, lists):
    with open(path, "w", encoding="utf-8") as handle:
        for prefix, user_agents in lists:
            for number, ua in enumerate(user_agents, 1):
                headers = dict(HEADERS)
                headers["user-agent"] = ua
                request = {"id": f"{prefix}-{number}", "method": "GET", "url": "/", "headers": headers, "ip": PEER}
                handle.write(json.dumps(request, ensure_ascii=False) + "\n")


def run_bulwark(binary, rules, path):
    """{requestId: (detected, denied ids, conclusion)} and the --stats JSON, or None on failure."""
    process = subprocess.run([binary, "protect", "--rules", rules, "--input", path, "--stats"],
                             capture_output=True, text=True)
    if process.returncode != 0:
        print(f"bulwark protect failed on {path} (exit {process.returncode}): {process.stderr.strip()[:500]}",
              file=sys.stderr)
        return None, None
    decisions = {}
    for line in process.stdout.splitlines():
        if not line.strip():
            continue
        decision = json.loads(line)
        reason = decision.get("reason") or {}
        denied = reason.get("denied") or []
        decisions[decision["requestId"]] = (decision.get("conclusion") == "DENY", denied,
                                            decision.get("conclusion"))
    stats = None
    for line in reversed(process.stderr.splitlines()):
        try:
            candidate = json.loads(line)
        except ValueError:
            continue
        if isinstance(candidate, dict) and "protectNanoseconds" in candidate:
            stats = candidate
            break
    return decisions, stats


def time_is_bot(bots, user_agents):
    bots.is_bot("warm-up: compiles the pattern once")
    results, total = [], 0
    clock = time.perf_counter_ns
    for ua in user_agents:
        started = clock()
        detected = bots.is_bot(ua)
        total += clock() - started
        results.append(detected)
    return results, total / max(1, len(user_agents))


def catalogue_matcher():
    """The generated catalogue evaluated with Python's re (named bots, then generic signals), as a
    reference for the Swift engine: returns ua -> list of matching ids (empty: not a bot)."""
    bots, generics = read_catalogue(OUTPUT)
    any_named = re.compile("|".join(f"(?:{p.python})" for bot in bots.values() for p in bot["accepted"]))
    any_generic = re.compile("|".join(f"(?:{g.pattern})" for g in generics), re.IGNORECASE)

    def match(ua):
        if any_named.search(ua):
            ids = [bot["id"] for bot in bots.values() if matches(bot, ua)]
            if ids:
                return ids
        return ["GENERIC"] if any_generic.search(without_android_model(ua)) else []
    return match


def without_android_model(ua):
    """The user agent without the model of an Android comment, as the Swift classifier searches it
    for generic signals (UserAgentClassifier.withoutAndroidModel)."""
    lower = ua.lower()
    android = lower.find("android ")
    if android <= 0 or "(" not in lower[:android]:
        return ua

    def segment_end(start):
        ends = [i for i in (lower.find(";", start), lower.find(")", start)) if i >= 0]
        return min(ends) if ends else None

    version_end = segment_end(android)
    if version_end is None or lower[version_end] != ";":
        return ua
    model_end = segment_end(version_end + 1)
    if model_end is None:
        return ua
    segment = lower[version_end + 1:model_end].lstrip(" ")
    if (re.fullmatch(r"[a-z_-]{2,6}", segment) and (len(segment) == 2 or len(re.findall(r"[-_]", segment)) == 1)
            and lower[model_end] == ";"):
        following = segment_end(model_end + 1)
        if following is not None:
            model_end = following
    return ua[:version_end + 1] + ua[model_end:]


def percent(part, whole):
    return f"{100 * part / whole:.2f}%" if whole else "n/a"


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--bulwark", default=os.path.join(".build", "release", "bulwark"),
                           help="the bulwark binary (relative to the repository root)")
    arguments.add_argument("--misses", help="folder for the missed and flagged user agents")
    arguments.add_argument("--build", default=os.path.join(".build", "bots"))
    arguments.add_argument("--catalogue", action="store_true",
                           help="add a column: the generated catalogue evaluated with Python's re")
    args = arguments.parse_args()
    os.chdir(REPO)
    os.makedirs(args.build, exist_ok=True)

    bots = load_is_bot(args.build)
    crawlers, devices = fetch_crawlerdetect(args.build)
    dd_bots, dd_browsers = fetch_device_detector(args.build)
    lists = [  # (key, label, request-id prefix, user agents, is a bot list, file)
        ("dd-bots", "held out: device-detector bots", "ddbots", clean(dd_bots), True, "dd-bots.jsonl"),
        ("dd-browsers", "held out: device-detector browsers (false positives)", "ddbrowsers", clean(dd_browsers),
         False, "dd-browsers.jsonl"),
        ("crawlers", "development: crawlerdetect crawlers (bots)", "crawlers", clean(crawlers), True,
         "crawlers.jsonl"),
        ("devices", "development: crawlerdetect devices (false positives)", "devices", clean(devices), False,
         "browsers.jsonl"),
        ("real-browsers", "development: the same devices that ua-parser names a browser", "real",
         real_browsers(clean(devices), args.build), False, "browsers.jsonl"),
        ("fake-useragent", "fake-useragent browsers (false positives)", "fakeua",
         clean(fetch_fake_useragent(args.build)), False, "browsers.jsonl"),
    ]
    rules = os.path.join(args.build, "rules.json")
    with open(rules, "w", encoding="utf-8") as handle:
        json.dump({"rules": [{"type": "detectBot", "mode": "LIVE", "allow": []}]}, handle)
        handle.write("\n")
    files = {}
    for key, label, prefix, user_agents, is_bot_list, name in lists:
        files.setdefault(name, []).append((prefix, user_agents))
    for name, contents in files.items():
        write_requests(os.path.join(args.build, name), contents)
    print(f"wrote {', '.join(os.path.join(args.build, n) for n in files)} and {rules}", file=sys.stderr)

    decisions, stats = {}, {}
    if os.path.exists(args.bulwark):
        for name in files:
            found, stat = run_bulwark(args.bulwark, rules, os.path.join(args.build, name))
            if found is not None:
                decisions.update(found)
                stats[name] = stat
    else:
        print(f"no Bulwark binary at {args.bulwark}: measuring isbot only "
              "(build it with `swift build -c release`, or pass --bulwark PATH)", file=sys.stderr)

    rows, missed = [], {}
    reference = catalogue_matcher() if args.catalogue else None
    for key, label, prefix, user_agents, is_bot_list, name in lists:
        is_bot_results, is_bot_ns = time_is_bot(bots, user_agents)
        is_bot_hits = sum(is_bot_results)
        bulwark_hits, errors, absent = 0, 0, 0
        bulwark_wrong, is_bot_wrong = [], []
        for number, (ua, is_bot_detected) in enumerate(zip(user_agents, is_bot_results), 1):
            decision = decisions.get(f"{prefix}-{number}")
            if decision is None:
                absent += 1
            else:
                detected, denied, conclusion = decision
                bulwark_hits += detected
                errors += conclusion == "ERROR"
                if detected != is_bot_list:
                    bulwark_wrong.append(f"{','.join(denied)}\t{ua}" if detected else ua)
            if is_bot_detected != is_bot_list:
                is_bot_wrong.append(ua)
        measured = name in stats
        stat = stats.get(name) or {}
        bulwark_ns = (stat["protectNanoseconds"] / stat["requests"]) if stat.get("requests") else None
        reference_cell = ()
        if reference:
            reference_wrong = []
            for ua in user_agents:
                ids = reference(ua)
                if bool(ids) != is_bot_list:
                    reference_wrong.append(f"{','.join(ids)}\t{ua}" if ids else ua)
            hits = len(reference_wrong) if not is_bot_list else len(user_agents) - len(reference_wrong)
            reference_cell = (percent(hits, len(user_agents)),)
            missed[f"catalogue-{'missed' if is_bot_list else 'flagged'}-{key}.txt"] = reference_wrong
        rows.append((label, len(user_agents), *reference_cell,
                     percent(bulwark_hits, len(user_agents)) + (f" ({errors} errors)" if errors else "")
                     if measured else "n/a",
                     percent(is_bot_hits, len(user_agents)),
                     f"{is_bot_ns:,.0f}",
                     f"{bulwark_ns:,.0f}" if bulwark_ns is not None else "n/a"))
        if measured and absent:
            print(f"{label}: {absent} requests have no decision line", file=sys.stderr)
        kind = "missed" if is_bot_list else "flagged"
        if measured:
            missed[f"bulwark-{kind}-{key}.txt"] = bulwark_wrong
        missed[f"isbot-{kind}-{key}.txt"] = is_bot_wrong

    reference_header = " catalogue (Python re) detected |" if reference else ""
    print(f"| list | user agents |{reference_header} Bulwark detected | isbot detected | isbot ns/UA | Bulwark ns/UA |")
    print("|---|---:|" + ("---:|" if reference else "") + "---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    if stats:
        print()
        print("Bulwark ns/UA is protectNanoseconds / requests of `bulwark protect --stats` for the whole "
              "file (browsers.jsonl holds the three development browser lists); isbot's is the mean of perf_counter_ns "
              "around each is_bot call. Detected = DENY on the bot list (recall), on browser lists "
              "(false positives).")
        for name, stat in stats.items():
            print(f"- {name}: {json.dumps(stat)}")

    if args.misses:
        os.makedirs(args.misses, exist_ok=True)
        for name, user_agents in missed.items():
            with open(os.path.join(args.misses, name), "w", encoding="utf-8") as handle:
                handle.write("".join(ua + "\n" for ua in user_agents))
        print(f"wrote {len(missed)} files of missed and flagged user agents to {args.misses}", file=sys.stderr)


if __name__ == "__main__":
    main()
