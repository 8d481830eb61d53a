#!/usr/bin/env python3
"""Builds one labelled request corpus for measuring the Shield (and its peers) from the WAF corpora.

    python3 scripts/shield/corpus.py --corpora ../shared/corpora/waf --out .build/shield/corpus.jsonl

Each output line is a request in the project's Request JSONL shape (id, method, url, headers, ip,
body) plus `label` ("attack"/"benign"), `set` (source set) and `category` (attack family, or
"benign"); CRS tests also carry `crsRule` and `crsTest`. Nothing here copies corpus data into the
repository: the output goes under .build/, which git ignores.

Sources (see scripts/peers/README.md for how each is turned into requests):
  blazehttp-dev.jsonl          whole requests, kept as they are (URL made a valid request target)
  httpparams-train.csv         GET /search?q=<percent-encoded payload>
  libinjection-data/*.txt      GET /?q=<line>, the line being URL-encoded already
  gotestwaf-testcases/**.yml   payload x encoder (Plain, URL) x placeholder, built as gotestwaf does
  crs-regression-tests/REQUEST-93*,94*   go-ftw tests, first stage, sent as go-ftw sends them

Needs only the standard library and PyYAML (installed with pip when missing).
"""

import argparse
import base64
import collections
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import urllib.parse

try:
    import yaml
except ImportError:  # pragma: no cover - exercised only on a fresh machine
    print("PyYAML is missing; installing it with pip", file=sys.stderr)
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "pyyaml"])
    import yaml

class StringLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Plain scalars stay strings, as go-ftw and gotestwaf read them into string fields."""


StringLoader.yaml_implicit_resolvers = {}


IP = "203.0.113.7"
HOST = "example.com"
BROWSER_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/124.0.0.0 Safari/537.36")

# Characters that may stand unescaped in an origin-form request target (RFC 3986 pchar, "/" and
# "?"). "%" is kept as it is: inputs are often already encoded, and a stray "%" (or an IIS-style
# "%u0027") must reach the detectors unchanged.
_TARGET_SAFE = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?%")


def request_target(text):
    """Percent-encodes, as UTF-8, only the characters that are not allowed in a request target."""
    if all(ch in _TARGET_SAFE for ch in text):
        return text
    out = []
    for ch in text:
        if ch in _TARGET_SAFE:
            out.append(ch)
        else:
            out.append("".join("%%%02X" % b for b in ch.encode("utf-8", "surrogateescape")))
    return "".join(out)


def query_escape(text):
    """Go's url.QueryEscape: everything but ALPHA / DIGIT / -_.~ escaped, space as '+'."""
    return urllib.parse.quote_plus(text, safe="")


def random_name(seed, length=10):
    """A stable stand-in for gotestwaf's random hex names: hex derived from the request id."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:length]


def base_headers():
    return {"host": HOST, "user-agent": BROWSER_UA, "accept": "*/*"}


def add_header(headers, name, value):
    """Adds a header under its lower-case name; a repeated header is joined as HTTP allows."""
    name = str(name).strip().lower()
    value = "" if value is None else str(value)
    if name in headers:
        headers[name] = headers[name] + ("; " if name == "cookie" else ", ") + value
    else:
        headers[name] = value


def make_request(rid, method, url, headers, body, label, set_name, category, **extra):
    record = {"id": rid, "method": method, "url": request_target(url), "headers": headers, "ip": IP}
    if body:
        record["body"] = body
    record.update({"label": label, "set": set_name, "category": category})
    record.update(extra)
    return record


def with_body(headers, body, content_type=None):
    if content_type is not None:
        headers["content-type"] = content_type
    headers["content-length"] = str(len(body.encode("utf-8", "surrogateescape")))
    return headers


class Report:
    def __init__(self):
        self.notes = []
        self.counters = collections.Counter()

    def note(self, text):
        self.notes.append(text)


# --- blazehttp ---------------------------------------------------------------------------------

def blazehttp(root, report):
    path = os.path.join(root, "blazehttp-dev.jsonl")
    touched = 0
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            item = json.loads(line)
            headers = {}
            for name, value in (item.get("headers") or {}).items():
                add_header(headers, name, value)
            url = item.get("url") or "/"
            if request_target(url) != url:
                touched += 1
            yield make_request(item.get("id") or "blazehttp:%d" % number, item.get("method") or "GET",
                               url, headers, item.get("body") or "", item["label"], "blazehttp",
                               item["category"])
    if touched:
        report.note("blazehttp: %d URLs had characters not allowed in a request target "
                    "(| { } [ ] ^ `), percent-encoded" % touched)


# --- HttpParamsDataset -------------------------------------------------------------------------

def httpparams(root, report):
    path = os.path.join(root, "httpparams-train.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), 1):
            kind = row["attack_type"].strip()
            benign = kind == "norm" or row.get("label", "").strip() == "norm"
            url = "/search?q=" + urllib.parse.quote(row["payload"], safe="")
            yield make_request("httpparams:%d" % number, "GET", url, base_headers(), "",
                               "benign" if benign else "attack", "httpparams",
                               "benign" if benign else kind)


# --- libinjection data -------------------------------------------------------------------------

def libinjection(root, report):
    folder = os.path.join(root, "libinjection-data")
    for name in sorted(os.listdir(folder)):
        stem, ext = os.path.splitext(name)
        if name == "false_positives.txt":
            label, category = "benign", "benign"
        elif name.startswith("sqli-") and ext == ".txt":
            label, category = "attack", "sqli"
        elif name.startswith("xss-") and ext == ".txt":
            label, category = "attack", "xss"
        else:
            report.note("libinjection: skipped %s" % name)
            continue
        with open(os.path.join(folder, name), "rb") as handle:
            raw = handle.read()
        for number, line in enumerate(raw.split(b"\n"), 1):
            line = line.rstrip(b"\r")
            # The data's own README: empty lines and lines starting with '#' are comments.
            if not line.strip() or line.startswith(b"#"):
                continue
            text = line.decode("utf-8", "surrogateescape")
            yield make_request("libinjection:%s:%d" % (stem, number), "GET", "/?q=" + text,
                               base_headers(), "", label, "libinjection", category)


# --- gotestwaf ---------------------------------------------------------------------------------

def _load_gotestwaf_yaml(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        return yaml.load(text, Loader=StringLoader)
    except yaml.YAMLError:
        # gotestwaf's YAML library accepts \' inside double quotes; YAML 1.1 (PyYAML) does not.
        return yaml.load(re.sub(r"\\'", "'", text), Loader=StringLoader)


def _soap_envelope(tag, text):
    escaped = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
               .replace('"', "&#34;").replace("'", "&#39;").replace("\t", "&#x9;")
               .replace("\n", "&#xA;").replace("\r", "&#xD;"))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">\n'
            '  <soap:Header/>\n'
            '  <soap:Body>\n'
            '    <query xmlns="urn:example:service">\n'
            '      <%s><string>%s</string></%s>\n'
            '    </query>\n'
            '  </soap:Body>\n'
            '</soap:Envelope>' % (tag, escaped, tag))


def _js_unicode(text):
    """Every UTF-16 code unit as \\uXXXX, as gotestwaf's JSONRequest writes the value."""
    data = text.encode("utf-16-be", "surrogatepass")
    return "".join("\\u%02x%02x" % (data[i], data[i + 1]) for i in range(0, len(data), 2))


def _multipart(name, value, seed):
    boundary = random_name(seed + ":boundary", 30)
    body = ('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n--%s--\r\n'
            % (boundary, name.replace("\\", "\\\\").replace('"', '\\"'), value, boundary))
    return body, "multipart/form-data; boundary=" + boundary


def gotestwaf_request(rid, placeholder, config, payload, report):
    """Returns (method, url, headers, body), or None for a placeholder without an HTTP form."""
    name = random_name(rid)
    headers = base_headers()
    if placeholder == "URLParam":
        return "GET", "/?%s=%s" % (name, payload), headers, ""
    if placeholder == "URLPath":
        return "GET", "/" + payload, headers, ""
    if placeholder == "Header":
        if "\r" in payload or "\n" in payload:
            return None
        headers["x-" + name] = payload
        return "GET", "/", headers, ""
    if placeholder == "UserAgent":
        if "\r" in payload or "\n" in payload:
            return None
        headers["user-agent"] = payload
        return "GET", "/", headers, ""
    if placeholder == "JSONRequest":
        body = '{"test":true, "%s": "%s"}' % (name, _js_unicode(payload))
        return "POST", "/", with_body(headers, body, "application/json"), body
    if placeholder == "JSONBody":
        return "POST", "/", with_body(headers, payload, "application/json"), payload
    if placeholder == "HTMLForm":
        body = "%s=%s" % (name, payload)
        return "POST", "/", with_body(headers, body, "application/x-www-form-urlencoded"), body
    if placeholder == "HTMLMultipartForm":
        body, content_type = _multipart(name, payload, rid)
        return "POST", "/", with_body(headers, body, content_type), body
    if placeholder == "SOAPBody":
        body = _soap_envelope("ab" + name, payload)
        headers["soapaction"] = '"urn:example:service#query"'
        return "POST", "/", with_body(headers, body, "text/xml"), body
    if placeholder == "XMLBody":
        return "POST", "/", with_body(headers, payload, "text/xml"), payload
    if placeholder == "RequestBody":
        return "POST", "/", with_body(headers, payload), payload
    if placeholder == "GraphQL":
        method = str((config or {}).get("method", "POST")).upper()
        if method == "GET":
            return "GET", "/graphql?query=" + query_escape(payload), headers, ""
        # gotestwaf sends the body with no Content-Type; a GraphQL server expects JSON.
        return "POST", "/graphql", with_body(headers, payload, "application/json"), payload
    if placeholder == "RawRequest":
        config = config or {}
        method = str(config.get("method") or "GET")
        path = str(config.get("path") or "/")
        url = "/" + path.lstrip("/")
        url = url.replace("{{payload}}", payload)
        for key, value in (config.get("headers") or {}).items():
            headers[str(key).lower()] = str(value).replace("{{payload}}", payload)
        body = str(config.get("body") or "").replace("{{payload}}", payload)
        if body:
            headers["content-length"] = str(len(body.encode("utf-8")))
        return method, url, headers, body
    return None


def gotestwaf(root, report):
    folder = os.path.join(root, "gotestwaf-testcases")
    skipped_encoders = collections.Counter()
    skipped_placeholders = collections.Counter()
    files = []
    for dirpath, _, names in os.walk(folder):
        for name in names:
            if name.endswith((".yml", ".yaml")):
                files.append(os.path.join(dirpath, name))
    for path in sorted(files):
        rel = os.path.relpath(path, folder)
        key = os.path.splitext(rel)[0].replace(os.sep, "/")
        doc = _load_gotestwaf_yaml(path)
        benign = rel.split(os.sep)[0] == "false-pos"
        label = "benign" if benign else "attack"
        category = "benign" if benign else (
            re.sub(r"[^a-z0-9]+", "-", str(doc.get("type") or key).lower()).strip("-"))
        placeholders = []
        for entry in doc.get("placeholder") or []:
            if isinstance(entry, dict):
                for pname, config in entry.items():
                    placeholders.append((str(pname), config if isinstance(config, dict) else {}))
            else:
                placeholders.append((str(entry), None))
        seen = collections.Counter()
        labels = []
        for pname, config in placeholders:
            seen[pname] += 1
            labels.append(pname if seen[pname] == 1 else "%s#%d" % (pname, seen[pname]))
        payloads = doc.get("payload") or []
        for encoder in doc.get("encoder") or []:
            encoder = str(encoder)
            if encoder not in ("Plain", "URL"):
                skipped_encoders[encoder] += len(payloads) * len(placeholders)
                continue
            for index, payload in enumerate(payloads, 1):
                payload = str(payload)
                encoded = payload if encoder == "Plain" else query_escape(payload)
                for (pname, config), plabel in zip(placeholders, labels):
                    rid = "gotestwaf:%s:%d:%s:%s" % (key, index, plabel, encoder)
                    built = gotestwaf_request(rid, pname, config, encoded, report)
                    if built is None:
                        skipped_placeholders[pname] += 1
                        continue
                    method, url, headers, body = built
                    yield make_request(rid, method, url, headers, body, label, "gotestwaf",
                                       category)
    for encoder, count in sorted(skipped_encoders.items()):
        report.note("gotestwaf: skipped %d requests with encoder %s" % (count, encoder))
    report.counters["gotestwaf-skipped-encoder"] = sum(skipped_encoders.values())
    for pname, count in sorted(skipped_placeholders.items()):
        report.note("gotestwaf: skipped %d requests with placeholder %s (no plain HTTP form)"
                    % (count, pname))


# --- CRS regression tests (go-ftw) -------------------------------------------------------------

CRS_FILES = ("930", "931", "932", "933", "934", "941", "942", "943", "944")


def _go_query_unescape_is_identity(data):
    # go-ftw encodes form data itself only when url.QueryUnescape(data) == data without error,
    # that is when the data has no '+' and no '%'.
    return "+" not in data and "%" not in data


def _go_ftw_form_encode(data):
    parts = []
    for token in data.split("&"):
        if "=" in token:
            key, value = token.split("=", 1)
            parts.append(query_escape(key) + "=" + query_escape(value))
        else:
            parts.append(query_escape(token))
    return "&".join(parts)


def _bytes_to_text(raw, report, rid):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        report.note("crs: %s has a body that is not UTF-8; its bytes are read as Latin-1" % rid)
        return raw.decode("latin-1")


def _parse_raw_request(raw, report, rid):
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, _, body = raw.partition(b"\n\n")
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    parts = lines[0].decode("latin-1").split(" ")
    method = parts[0] if parts else "GET"
    uri = parts[1] if len(parts) > 1 else "/"
    headers = {}
    for line in lines[1:]:
        if b":" in line:
            name, value = line.split(b":", 1)
            add_header(headers, name.decode("latin-1"), value.decode("latin-1").strip())
    return method, uri, headers, _bytes_to_text(body, report, rid)


def _crs_label(output):
    output = output or {}
    log = output.get("log") or {}
    expect = log.get("expect_ids") or output.get("expect_ids") or output.get("log_contains")
    if expect or log.get("match_regex"):
        return "attack"
    if (log.get("no_expect_ids") or output.get("no_expect_ids")
            or output.get("no_log_contains")):
        return "benign"
    return None


def crs(root, report):
    folder = os.path.join(root, "crs-regression-tests")
    seen_ids = set()
    unlabelled = 0
    for directory in sorted(os.listdir(folder)):
        match = re.match(r"REQUEST-(\d{3})-", directory)
        if not match or match.group(1) not in CRS_FILES:
            continue
        category = "crs-" + match.group(1)
        for name in sorted(os.listdir(os.path.join(folder, directory))):
            if not name.endswith((".yaml", ".yml")):
                continue
            with open(os.path.join(folder, directory, name), encoding="utf-8") as handle:
                doc = yaml.load(handle, Loader=StringLoader)
            rule_id = str(doc.get("rule_id") or os.path.splitext(name)[0])
            for test in doc.get("tests") or []:
                test_id = str(test.get("test_id") or test.get("test_title") or "")
                stages = test.get("stages") or []
                if not stages:
                    continue
                stage = stages[0]
                if "stage" in stage:
                    stage = stage["stage"]
                rid = "crs:%s:%s" % (rule_id, test_id)
                if rid in seen_ids:
                    suffix = 2
                    while "%s#%d" % (rid, suffix) in seen_ids:
                        suffix += 1
                    rid = "%s#%d" % (rid, suffix)
                seen_ids.add(rid)
                label = _crs_label(stage.get("output"))
                if label is None:
                    unlabelled += 1
                    continue
                built = _crs_request(stage.get("input") or {}, report, rid)
                method, uri, headers, body = built
                yield make_request(rid, method, uri, headers, body, label, "crs", category,
                                   crsRule=rule_id, crsTest=test_id)
    if unlabelled:
        report.note("crs: skipped %d tests that expect neither ids nor their absence" % unlabelled)


def _crs_request(spec, report, rid):
    encoded = spec.get("encoded_request") or ""
    raw = spec.get("raw_request") or ""
    if encoded:
        return _parse_raw_request(base64.b64decode(encoded), report, rid)
    if raw:
        return _parse_raw_request(raw.encode("utf-8"), report, rid)
    method = str(spec.get("method") or "GET")
    uri = str(spec.get("uri") or "/")
    headers = {}
    for name, value in (spec.get("headers") or {}).items():
        add_header(headers, name, value)
    data = spec.get("data")
    if isinstance(data, list):
        data = "\r\n".join(str(part) for part in data)
    data = "" if data is None else str(data)
    autocomplete = str(spec.get("autocomplete_headers", "true")).lower() != "false"
    # As go-ftw builds the request: a form Content-Type when there is data and none is given, the
    # form data encoded when it is not already, multipart lines ending in CRLF, and
    # Connection/Content-Length headers.
    if data and autocomplete:
        if "content-type" not in headers:
            headers["content-type"] = "application/x-www-form-urlencoded"
        if (headers["content-type"] == "application/x-www-form-urlencoded"
                and _go_query_unescape_is_identity(data)):
            data = _go_ftw_form_encode(data)
    if headers.get("content-type", "").startswith("multipart/form-data;"):
        data = data.replace("\r\n", "\n").replace("\n", "\r\n")
    if autocomplete:
        headers.setdefault("connection", "close")
        if data or re.match(r"^(POST|PUT|PATCH|DELETE)$", method):
            headers["content-length"] = str(len(data.encode("utf-8")))
    return method, uri, headers, data


# --- main --------------------------------------------------------------------------------------

SOURCES = (("blazehttp", blazehttp), ("httpparams", httpparams), ("libinjection", libinjection),
           ("gotestwaf", gotestwaf), ("crs", crs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default="../shared/corpora/waf",
                        help="the waf corpora folder (default ../shared/corpora/waf)")
    parser.add_argument("--out", default=".build/shield/corpus.jsonl", help="output JSONL file")
    parser.add_argument("--sets", default=",".join(name for name, _ in SOURCES),
                        help="comma-separated sets to include (default all)")
    args = parser.parse_args()

    wanted = set(args.sets.split(","))
    unknown = wanted - {name for name, _ in SOURCES}
    if unknown:
        parser.error("unknown sets: " + ", ".join(sorted(unknown)))
    report = Report()
    counts = collections.Counter()
    ids = set()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    temporary = args.out + ".tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        for name, source in SOURCES:
            if name not in wanted:
                continue
            for record in source(args.corpora, report):
                if record["id"] in ids:
                    raise SystemExit("duplicate id %s" % record["id"])
                ids.add(record["id"])
                counts[(record["set"], record["category"], record["label"])] += 1
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(temporary, args.out)

    width = max([len(c) for _, c, _ in counts] + [8])
    print("%-12s  %-*s  %-6s  %7s" % ("set", width, "category", "label", "count"))
    for (set_name, category, label), count in sorted(counts.items()):
        print("%-12s  %-*s  %-6s  %7d" % (set_name, width, category, label, count))
    totals = collections.Counter()
    for (set_name, _, label), count in counts.items():
        totals[(set_name, label)] += count
    print()
    for (set_name, label), count in sorted(totals.items()):
        print("%-12s  %-6s  %7d" % (set_name, label, count))
    print("%-12s  %-6s  %7d" % ("all", "", sum(counts.values())))
    for note in report.notes:
        print("note: " + note)
    print("wrote %d requests to %s" % (sum(counts.values()), args.out))


if __name__ == "__main__":
    main()
