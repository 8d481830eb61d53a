#!/usr/bin/env python3
"""Runs Bulwark's Shield and its peers side by side over the same labelled requests.

    python3 scripts/peers/run.py --corpus .build/shield/corpus.jsonl [--bulwark PATH] [--limit N]
                                 [--sample N] [--engines LIST] [--json OUT] [--verdicts OUT]

Engines (all by default; --engines picks some):
  modsec-pl1, modsec-pl2  ModSecurity v3 (PyPI libmodsecurity) with the OWASP CRS from Debian's
                          modsecurity-crs, paranoia level 1 and 2, anomaly threshold 5, blocking.
                          Detected = a disruptive intervention (CRS 949110: score >= threshold).
                          Timed in-process per transaction with time.perf_counter_ns.
  libinjection            libinjection's SQLi and XSS detectors, through the C harness that
                          scripts/peers/setup.sh builds; only the detection calls are timed.
  bulwark                 `bulwark protect --stats` with a single LIVE shield rule. Detected = a
                          DENY whose reason.type is SHIELD. Time = the engine's own
                          protectNanoseconds. Skipped, with a message, when no binary is found.

Prints a Markdown report: per (set, category), the detection rate of attack categories and the
false-positive rate of benign ones for each engine, then the mean time per request.
Run scripts/peers/setup.sh first.
"""

import argparse
import collections
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ElementTree

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PEERS_BUILD = os.path.join(REPO, ".build", "peers")
HARNESS = os.path.join(PEERS_BUILD, "libinjection-harness")
CRS_RULES = "/usr/share/modsecurity-crs/rules"
REQUEST_FIELDS = ("id", "method", "url", "headers", "ip", "body")
ENGINES = ("modsec-pl1", "modsec-pl2", "libinjection", "bulwark")
ANOMALY_THRESHOLD = 5


class EngineUnavailable(Exception):
    pass


class QuietStderr:
    """Sends what native code writes to standard error (libxml2's parser errors on malformed XML
    bodies) to a temporary file while ModSecurity runs; `stream` stays the real standard error."""

    def __enter__(self):
        sys.stderr.flush()
        self.saved = os.dup(2)
        self.sink = tempfile.TemporaryFile()
        os.dup2(self.sink.fileno(), 2)
        self.stream = os.fdopen(os.dup(self.saved), "w", buffering=1)
        return self

    def __exit__(self, *exc):
        os.dup2(self.saved, 2)
        os.close(self.saved)
        self.sink.seek(0)
        self.lines = sum(1 for _ in self.sink)
        self.sink.close()
        self.stream.close()
        return False


class Result:
    """One engine's verdicts over the requests, in corpus order."""

    def __init__(self, name, note=""):
        self.name = name
        self.note = note
        self.detected = []      # bool per request (None = error)
        self.nanoseconds = []   # per request, or None when only a total is known
        self.total_ns = 0
        self.details = []       # small per-request detail (rules, fingerprint, attacks)
        self.errors = 0


# --- ModSecurity + CRS -------------------------------------------------------------------------

def crs_configuration(paranoia_level, removed=()):
    """The rules text for one paranoia level: our own setup in place of crs-setup.conf, then CRS."""
    rule_files = sorted(glob.glob(os.path.join(CRS_RULES, "REQUEST-*.conf")))
    if not rule_files:
        raise EngineUnavailable("no CRS rules in %s (run scripts/peers/setup.sh)" % CRS_RULES)
    # REQUEST-910 (IP reputation) needs a GeoIP build of ModSecurity, which the wheel is not, and
    # does nothing without a list of countries; it is left out.
    rule_files = [path for path in rule_files if "REQUEST-910-" not in path]
    version = "".join(re.findall(r"\d", _crs_version()))[:3] or "330"
    lines = [
        "SecRuleEngine On",
        "SecRequestBodyAccess On",
        # Large enough for the 128 KB gotestwaf payloads; past the limit, inspect what fits
        # rather than answer 413 (which would count as neither detection nor pass).
        "SecRequestBodyLimit 13107200",
        "SecRequestBodyNoFilesLimit 1048576",
        "SecRequestBodyLimitAction ProcessPartial",
        "SecResponseBodyAccess Off",
        "SecPcreMatchLimit 100000",
        "SecPcreMatchLimitRecursion 100000",
        "SecAuditEngine Off",
        # Body processors as CRS expects them (the recommended ModSecurity setup): XML for XML
        # types, JSON for JSON types; url-encoded and multipart bodies are parsed by default.
        'SecRule REQUEST_HEADERS:Content-Type "@rx ^(?:application(?:/soap\\+|/)|text/)xml" '
        '"id:1000001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"',
        'SecRule REQUEST_HEADERS:Content-Type "@rx ^application/(?:[a-z0-9.-]+\\+)?json" '
        '"id:1000002,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"',
        # Blocking anomaly mode as crs-setup.conf ships it: rules add to the score and pass;
        # 949110 denies when the inbound score reaches the threshold.
        'SecDefaultAction "phase:1,log,auditlog,pass"',
        'SecDefaultAction "phase:2,log,auditlog,pass"',
        'SecAction "id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level=%d"'
        % paranoia_level,
        'SecAction "id:900110,phase:1,nolog,pass,t:none,'
        'setvar:tx.inbound_anomaly_score_threshold=%d,setvar:tx.outbound_anomaly_score_threshold=4"'
        % ANOMALY_THRESHOLD,
        'SecAction "id:900990,phase:1,nolog,pass,t:none,setvar:tx.crs_setup_version=%s"' % version,
    ]
    lines += ["Include %s" % path for path in rule_files]
    lines += ["SecRuleRemoveById %s" % rule_id for rule_id in removed]
    # After the request phases: report the score and body-parsing errors (phase 5 runs in
    # process_logging, outside the timed part).
    lines += [
        'SecAction "id:1000100,phase:5,pass,log,msg:\'peers-score\',logdata:\'%{tx.anomaly_score}\'"',
        'SecRule REQBODY_ERROR "!@eq 0" "id:1000101,phase:5,pass,log,msg:\'peers-reqbody-error\','
        'logdata:\'%{reqbody_error_msg}\'"',
    ]
    return "\n".join(lines) + "\n"


def _crs_version():
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", "modsecurity-crs"],
                              capture_output=True, text=True, check=False).stdout
    except OSError:
        return ""


def run_modsecurity(requests, paranoia_level, progress, removed=()):
    with QuietStderr() as quiet:
        def report(name, done, total, started):
            progress(name, done, total, started, stream=quiet.stream)
        result = _run_modsecurity(requests, paranoia_level, report, removed)
    if quiet.lines:
        result.note += "; %d lines of native stderr (libxml2 parser errors) hidden" % quiet.lines
    return result


def _run_modsecurity(requests, paranoia_level, progress, removed):
    try:
        from libmodsecurity import ModSecurity, RulesSet, Transaction
    except ImportError:
        raise EngineUnavailable("python package libmodsecurity is missing "
                                "(run scripts/peers/setup.sh)")
    engine = ModSecurity()
    engine.set_connector_information("bulwark-peers")
    engine.set_log_callback(lambda message: None)
    rules = RulesSet()
    if rules.load(crs_configuration(paranoia_level, removed)) < 0:
        raise EngineUnavailable("CRS did not load: " + rules.get_parser_error())
    result = Result("modsec-pl%d" % paranoia_level,
                    "ModSecurity %s, CRS %s, PL%d, threshold %d"
                    % (engine.who_am_i().split()[1] if engine.who_am_i() else "?",
                       _crs_version() or "?", paranoia_level, ANOMALY_THRESHOLD)
                    + ("; rules removed: %s" % ", ".join(removed) if removed else ""))
    clock = time.perf_counter_ns
    started = time.monotonic()
    for index, request in enumerate(requests):
        method = request.get("method") or "GET"
        url = request.get("url") or "/"
        headers = list((request.get("headers") or {}).items())
        body = (request.get("body") or "").encode("utf-8", "surrogatepass")
        blocked = False
        try:
            begin = clock()
            transaction = Transaction(engine, rules)
            transaction.process_connection(request.get("ip") or "203.0.113.7", 40000,
                                           "127.0.0.1", 80)
            transaction.process_uri(url, method, "1.1")
            intervention = transaction.intervention()
            if intervention is None or not intervention.disruptive:
                for name, value in headers:
                    transaction.add_request_header(name, value)
                transaction.process_request_headers()
                intervention = transaction.intervention()
            if intervention is None or not intervention.disruptive:
                if body:
                    transaction.append_request_body(body)
                transaction.process_request_body()
                intervention = transaction.intervention()
            blocked = intervention is not None and intervention.disruptive
            end = clock()
            transaction.process_logging()
            score, rule_ids, body_error = None, [], ""
            for message in transaction.get_rule_messages():
                if message.rule_id == 1000100:
                    score = int(message.data) if message.data.isdigit() else None
                elif message.rule_id == 1000101:
                    body_error = message.data
                else:
                    rule_ids.append(message.rule_id)
        except Exception as error:  # a binding error is counted, and the run goes on
            result.errors += 1
            result.detected.append(None)
            result.nanoseconds.append(None)
            result.details.append({"error": str(error)})
            continue
        result.detected.append(blocked)
        result.nanoseconds.append(end - begin)
        result.total_ns += end - begin
        detail = {"score": score, "rules": sorted(set(rule_ids) - {949110})}
        if body_error:
            detail["bodyError"] = body_error
        result.details.append(detail)
        progress(result.name, index + 1, len(requests), started)
    return result


# --- libinjection ------------------------------------------------------------------------------

def _decode_form(text):
    """Name and value strings of an application/x-www-form-urlencoded text, decoded once."""
    out = []
    for pair in text.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        out.append(urllib.parse.unquote_to_bytes(name.replace("+", " ")))
        out.append(urllib.parse.unquote_to_bytes(value.replace("+", " ")))
    return out


def _json_strings(value, out):
    if isinstance(value, dict):
        for key, item in value.items():
            out.append(str(key).encode("utf-8", "surrogatepass"))
            _json_strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _json_strings(item, out)
    elif value is None:
        return
    elif isinstance(value, bool):
        out.append(b"true" if value else b"false")
    else:
        out.append(str(value).encode("utf-8", "surrogatepass"))


def _multipart_strings(body, content_type):
    match = re.search(r'boundary="?([^";]+)"?', content_type, re.IGNORECASE)
    if not match:
        return [body]
    delimiter = b"--" + match.group(1).encode("latin-1")
    out = []
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        part = part[2:] if part.startswith(b"\r\n") else part.lstrip(b"\n")
        head, separator, content = part.partition(b"\r\n\r\n")
        if not separator:
            head, separator, content = part.partition(b"\n\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        disposition = b""
        for line in re.split(rb"\r?\n", head):
            if line.lower().startswith(b"content-disposition:"):
                disposition = line
        name = re.search(rb'\bname="((?:[^"\\]|\\.)*)"', disposition)
        filename = re.search(rb'\bfilename="((?:[^"\\]|\\.)*)"', disposition)
        if name:
            out.append(name.group(1))
        if filename:
            out.append(filename.group(1))
        else:
            out.append(content)
    return out


def _xml_strings(body):
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, ValueError):
        return [body]
    out = []
    for element in root.iter():
        out.extend(value.encode("utf-8") for value in element.attrib.values())
        if element.text and element.text.strip():
            out.append(element.text.encode("utf-8"))
        if element.tail and element.tail.strip():
            out.append(element.tail.encode("utf-8"))
    return out


def libinjection_inputs(request):
    """The strings a WAF hands to libinjection for one request.

    The path and each query name and value (percent-decoded once, '+' as space in the query),
    the names and values of url-encoded, multipart (file parts: name and filename) and JSON bodies
    (object keys and leaf values), XML text and attribute values, cookie values, and the
    User-Agent and Referer headers (percent-decoded once), as CRS's libinjection rules 942100 and
    941100 inspect them. Other bodies (text/plain, protobuf, ...) are not inspected; a JSON or XML
    body that does not parse is inspected whole.
    """
    url = request.get("url") or "/"
    path, _, query = url.partition("?")
    headers = {name.lower(): value for name, value in (request.get("headers") or {}).items()}
    strings = [urllib.parse.unquote_to_bytes(path)]
    strings += _decode_form(query)
    for cookie in headers.get("cookie", "").split(";"):
        if "=" in cookie:
            strings.append(urllib.parse.unquote_to_bytes(cookie.split("=", 1)[1].strip()))
    for name in ("user-agent", "referer"):
        if headers.get(name):
            strings.append(urllib.parse.unquote_to_bytes(headers[name]))
    body = request.get("body") or ""
    if body:
        content_type = headers.get("content-type", "").lower()
        raw = body.encode("utf-8", "surrogatepass")
        if content_type.startswith("application/x-www-form-urlencoded"):
            strings += _decode_form(body)
        elif content_type.startswith("multipart/"):
            strings += _multipart_strings(raw, headers.get("content-type", ""))
        elif "json" in content_type:
            try:
                _json_strings(json.loads(body), strings)
            except ValueError:
                strings.append(raw)
        elif "xml" in content_type:
            strings += _xml_strings(raw)
    return [value for value in strings if value]


def run_libinjection(requests, progress):
    if not os.access(HARNESS, os.X_OK):
        raise EngineUnavailable("%s is missing (run scripts/peers/setup.sh)" % HARNESS)
    source = open(os.path.join(PEERS_BUILD, "libinjection-src", "FROM")).read().strip() \
        if os.path.exists(os.path.join(PEERS_BUILD, "libinjection-src", "FROM")) else "?"
    version = "?"
    header = os.path.join(PEERS_BUILD, "libinjection-src", "libinjection_sqli.c")
    if os.path.exists(header):
        found = re.search(r'LIBINJECTION_VERSION "([^"]+)"', open(header, errors="replace").read())
        version = found.group(1) if found else "?"
    result = Result("libinjection", "libinjection %s (C, from %s), sqli + xss" % (version, source))
    with tempfile.NamedTemporaryFile("wb", suffix=".bin", delete=False) as handle:
        for request in requests:
            strings = libinjection_inputs(request)
            handle.write(b"%d\n" % len(strings))
            for value in strings:
                handle.write(b"%d\n" % len(value))
                handle.write(value)
        path = handle.name
    try:
        started = time.monotonic()
        completed = subprocess.run([HARNESS, path], capture_output=True, check=False)
    finally:
        os.unlink(path)
    if completed.returncode != 0:
        raise EngineUnavailable("harness failed: " + completed.stderr.decode(errors="replace"))
    lines = completed.stdout.decode().splitlines()
    for line in lines:
        fields = line.split("\t")
        if fields[0] == "total":
            result.total_ns = int(fields[2])
            continue
        sqli, xss, nanoseconds = fields[1] == "1", fields[2] == "1", int(fields[3])
        result.detected.append(sqli or xss)
        result.nanoseconds.append(nanoseconds)
        detail = {}
        if sqli:
            detail["sqli"] = fields[4]
        if xss:
            detail["xss"] = True
        result.details.append(detail)
    if len(result.detected) != len(requests):
        raise EngineUnavailable("harness answered %d requests of %d"
                                % (len(result.detected), len(requests)))
    progress(result.name, len(requests), len(requests), started)
    return result


# --- Bulwark -----------------------------------------------------------------------------------

def find_bulwark(path):
    if path:
        if not os.access(path, os.X_OK):
            raise EngineUnavailable("%s is not an executable file" % path)
        return os.path.abspath(path)
    for candidate in (".build/release/bulwark", ".build/debug/bulwark"):
        full = os.path.join(REPO, candidate)
        if os.access(full, os.X_OK):
            return full
    return None


def run_bulwark(requests, binary, progress):
    """Runs `bulwark protect` once per set, so that its own engine time is known per set."""
    if not binary:
        raise EngineUnavailable("no bulwark binary (pass --bulwark PATH, or build the CLI: "
                                "swift build -c release --product bulwark)")
    shown = os.path.relpath(binary, REPO) if binary.startswith(REPO + os.sep) else binary
    result = Result("bulwark", "bulwark protect --stats (%s), one LIVE shield rule" % shown)
    result.set_ns = {}
    by_set = collections.OrderedDict()
    for index, request in enumerate(requests):
        by_set.setdefault(request.get("set", "?"), []).append(index)
    verdicts = [None] * len(requests)
    details = [None] * len(requests)
    started = time.monotonic()
    wall_clock = False
    for set_name, indices in by_set.items():
        chunk = [requests[i] for i in indices]
        decisions, total_ns, timed, wall = _bulwark_protect(binary, chunk)
        wall_clock = wall_clock or wall
        result.set_ns[set_name] = (total_ns, timed)
        result.total_ns += total_ns
        for index, request, decision in zip(indices, chunk, decisions):
            if str(decision.get("requestId")) != str(request["id"]):
                raise EngineUnavailable("decision for %r where %r was expected"
                                        % (decision.get("requestId"), request["id"]))
            conclusion = decision.get("conclusion")
            reason = decision.get("reason") or {}
            if conclusion == "ERROR":
                result.errors += 1
                details[index] = {"error": reason.get("message", "")}
            else:
                shield = conclusion == "DENY" and reason.get("type") == "SHIELD"
                verdicts[index] = shield
                details[index] = {"attacks": reason.get("attacks", [])} if shield else {}
        progress(result.name, sum(len(by_set[s]) for s in result.set_ns), len(requests), started)
    result.detected = verdicts
    result.details = details
    result.nanoseconds = [None] * len(requests)
    if wall_clock:
        result.note += " (no --stats line: wall-clock time of the whole process instead)"
    return result


def _bulwark_protect(binary, requests):
    workdir = tempfile.mkdtemp(prefix="bulwark-peers-")
    rules_path = os.path.join(workdir, "rules.json")
    input_path = os.path.join(workdir, "requests.jsonl")
    with open(rules_path, "w") as handle:
        json.dump({"rules": [{"type": "shield", "mode": "LIVE"}]}, handle)
    with open(input_path, "w", encoding="utf-8", errors="surrogatepass") as handle:
        for request in requests:
            line = {key: request[key] for key in REQUEST_FIELDS if key in request}
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    try:
        command = [binary, "protect", "--rules", rules_path, "--input", input_path, "--stats"]
        started = time.monotonic()
        completed = subprocess.run(command, capture_output=True, check=False)
        wall = time.monotonic() - started
        if completed.returncode != 0 and b"--stats" in completed.stderr:
            # A build from before --stats: time the whole process instead.
            started = time.monotonic()
            completed = subprocess.run(command[:-1], capture_output=True, check=False)
            wall = time.monotonic() - started
    finally:
        for path in (rules_path, input_path):
            os.unlink(path)
        os.rmdir(workdir)
    stderr = completed.stderr.decode(errors="replace")
    if completed.returncode != 0:
        raise EngineUnavailable("%s protect exited with %d: %s"
                                % (binary, completed.returncode, stderr.strip()[-500:]))
    stats = None
    for line in reversed(stderr.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                stats = json.loads(line)
                break
            except ValueError:
                continue
    decisions = [json.loads(line) for line in
                 completed.stdout.decode("utf-8", errors="replace").splitlines() if line.strip()]
    if len(decisions) != len(requests):
        raise EngineUnavailable("bulwark answered %d decisions for %d requests"
                                % (len(decisions), len(requests)))
    if stats and "protectNanoseconds" in stats:
        return (decisions, int(stats["protectNanoseconds"]),
                int(stats.get("requests", len(requests))), False)
    return decisions, int(wall * 1e9), len(requests), True


# --- Report ------------------------------------------------------------------------------------

def load_corpus(path, limit, sample, sets):
    requests = []
    with open(path, encoding="utf-8", errors="surrogatepass") as handle:
        for line in handle:
            if not line.strip():
                continue
            request = json.loads(line)
            if sets and request.get("set") not in sets:
                continue
            requests.append(request)
    if sample:
        groups = collections.defaultdict(list)
        for request in requests:
            groups[(request.get("set"), request.get("category"))].append(request)
        keep = set()
        for members in groups.values():
            members.sort(key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
            keep.update(r["id"] for r in members[:sample])
        requests = [request for request in requests if request["id"] in keep]
    if limit:
        requests = requests[:limit]
    return requests


def rate(hits, count):
    return "—" if count == 0 else "%.1f%%" % (100.0 * hits / count)


def summarise(requests, results):
    """Counts per (set, category, label) and engine: requests, detected, errors, time."""
    groups = collections.OrderedDict()
    for index, request in enumerate(requests):
        key = (request.get("set", "?"), request.get("category", "?"), request.get("label", "?"))
        groups.setdefault(key, []).append(index)
    table = {}
    for key, indices in groups.items():
        row = {"count": len(indices), "engines": {}}
        for result in results:
            detected = sum(1 for i in indices if result.detected[i])
            errors = sum(1 for i in indices if result.detected[i] is None)
            times = [result.nanoseconds[i] for i in indices if result.nanoseconds[i] is not None]
            row["engines"][result.name] = {"detected": detected, "errors": errors,
                                           "nanoseconds": sum(times), "timed": len(times)}
        table[key] = row
    return table


def set_times(requests, result):
    """(nanoseconds, requests timed) per set."""
    if getattr(result, "set_ns", None):
        return dict(result.set_ns)
    out = {}
    for request, value in zip(requests, result.nanoseconds):
        if value is None:
            continue
        total, count = out.get(request.get("set", "?"), (0, 0))
        out[request.get("set", "?")] = (total + value, count + 1)
    return out


def markdown(requests, results, table):
    names = [result.name for result in results]
    out = []
    out.append("## Detection (attack rows) and false positives (benign rows)\n")
    for result in results:
        out.append("- **%s**: %s" % (result.name, result.note))
    out.append("")
    out.append("| set | category | label | requests | " + " | ".join(names) + " |")
    out.append("|---|---|---|---:|" + "---:|" * len(names))
    for (set_name, category, label), row in sorted(table.items()):
        cells = []
        for name in names:
            stats = row["engines"][name]
            cell = rate(stats["detected"], row["count"])
            if stats["errors"]:
                cell += " (%d err)" % stats["errors"]
            cells.append(cell)
        out.append("| %s | %s | %s | %d | %s |"
                   % (set_name, category, label, row["count"], " | ".join(cells)))
    # Totals per set and label, and overall.
    totals = collections.OrderedDict()
    for (set_name, _, label), row in sorted(table.items()):
        for key in ((set_name, label), ("all", label)):
            entry = totals.setdefault(key, {"count": 0, "engines": collections.Counter()})
            entry["count"] += row["count"]
            for name in names:
                entry["engines"][name] += row["engines"][name]["detected"]
    for (set_name, label), entry in sorted(totals.items(), key=lambda kv: (kv[0][0] == "all", kv[0])):
        cells = [rate(entry["engines"][name], entry["count"]) for name in names]
        out.append("| **%s** | **all** | %s | %d | %s |"
                   % (set_name, label, entry["count"], " | ".join(cells)))
    out.append("")
    out.append("Attack rows: share detected. Benign rows: share wrongly detected (false positives).")
    out.append("")
    out.append("## Mean time per request (µs)\n")
    set_names = sorted({request.get("set", "?") for request in requests})
    out.append("| engine | " + " | ".join(set_names) + " | all |")
    out.append("|---|" + "---:|" * (len(set_names) + 1))
    for result in results:
        per_set = set_times(requests, result)
        cells = []
        for set_name in set_names:
            total, count = per_set.get(set_name, (0, 0))
            cells.append("%.2f" % (total / count / 1000.0) if count else "—")
        total = sum(value[0] for value in per_set.values())
        count = sum(value[1] for value in per_set.values())
        cells.append("%.2f" % (total / count / 1000.0) if count else "—")
        out.append("| %s | %s |" % (result.name, " | ".join(cells)))
    out.append("")
    out.append("ModSecurity: perf_counter_ns around each transaction (through the request body "
               "phase), in-process. libinjection: clock_gettime around the detection calls only. "
               "Bulwark: its own protectNanoseconds, one process per set.")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=os.path.join(REPO, ".build/shield/corpus.jsonl"),
                        help="labelled requests from scripts/shield/corpus.py")
    parser.add_argument("--bulwark", help="the bulwark binary (default: .build/release/bulwark, "
                                          "then .build/debug/bulwark)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N requests")
    parser.add_argument("--sample", type=int, default=0,
                        help="at most N requests per (set, category), a stable pseudo-random pick")
    parser.add_argument("--sets", default="", help="comma-separated sets to keep (default all)")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="comma-separated engines (default %s)" % ",".join(ENGINES))
    parser.add_argument("--crs-remove", default="",
                        help="comma-separated CRS rule ids to remove (SecRuleRemoveById), e.g. "
                             "920420 to accept every Content-Type")
    parser.add_argument("--json", help="write the raw numbers to this JSON file")
    parser.add_argument("--verdicts", help="write one JSON line per request with every "
                                           "engine's verdict and detail")
    parser.add_argument("--quiet", action="store_true", help="no progress on standard error")
    args = parser.parse_args()

    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        parser.error("unknown engines: " + ", ".join(sorted(unknown)))
    if not os.path.exists(args.corpus):
        parser.error("no corpus at %s (run scripts/shield/corpus.py first)" % args.corpus)
    sets = {name for name in args.sets.split(",") if name}
    removed = [rule_id.strip() for rule_id in args.crs_remove.split(",") if rule_id.strip()]
    if any(not rule_id.isdigit() for rule_id in removed):
        parser.error("--crs-remove takes rule ids (digits)")
    requests = load_corpus(args.corpus, args.limit, args.sample, sets)
    if not requests:
        parser.error("no requests selected")

    last = {"time": 0.0}

    def progress(name, done, total, started, stream=None):
        if args.quiet:
            return
        now = time.monotonic()
        if done == total or now - last["time"] > 10:
            last["time"] = now
            print("%s: %d/%d requests, %.0f s" % (name, done, total, now - started),
                  file=stream or sys.stderr, flush=True)

    results, skipped = [], []
    for name in engines:
        try:
            if name == "modsec-pl1":
                results.append(run_modsecurity(requests, 1, progress, removed))
            elif name == "modsec-pl2":
                results.append(run_modsecurity(requests, 2, progress, removed))
            elif name == "libinjection":
                results.append(run_libinjection(requests, progress))
            elif name == "bulwark":
                results.append(run_bulwark(requests, find_bulwark(args.bulwark), progress))
        except EngineUnavailable as error:
            message = "%s skipped: %s" % (name, error)
            skipped.append(message)
            print(message, file=sys.stderr, flush=True)
    if not results:
        print("no engine ran", file=sys.stderr)
        return 1

    table = summarise(requests, results)
    print("%d requests from %s\n" % (len(requests), os.path.relpath(args.corpus)))
    print(markdown(requests, results, table))
    for message in skipped:
        print("- " + message)

    if args.json:
        raw = {
            "corpus": os.path.abspath(args.corpus),
            "requests": len(requests),
            "engines": {r.name: {"note": r.note, "errors": r.errors,
                                 "setNanoseconds": {name: {"nanoseconds": total, "requests": count}
                                                    for name, (total, count)
                                                    in set_times(requests, r).items()}}
                        for r in results},
            "skipped": skipped,
            "rows": [{"set": s, "category": c, "label": l, **row}
                     for (s, c, l), row in sorted(table.items())],
        }
        with open(args.json, "w") as handle:
            json.dump(raw, handle, indent=1)
    if args.verdicts:
        with open(args.verdicts, "w") as handle:
            for index, request in enumerate(requests):
                line = {"id": request["id"], "set": request.get("set"),
                        "category": request.get("category"), "label": request.get("label"),
                        "engines": {}}
                for result in results:
                    entry = {"detected": result.detected[index]}
                    if result.nanoseconds[index] is not None:
                        entry["ns"] = result.nanoseconds[index]
                    entry.update(result.details[index])
                    line["engines"][result.name] = entry
                handle.write(json.dumps(line) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
