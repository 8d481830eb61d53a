#!/usr/bin/env python3
"""Prepares the MaxMind DB (MMDB) reader's test data and its reference answers.

    python3 scripts/ip/test-data.py [--out DIR] [--jobs N] [--force]

Everything goes under DIR (default .build/ip-test-data/, never committed); a second run with this
script and its pins unchanged only re-prints the summary:

  downloads/    the pinned maxminddb sdist (pip download, sha256-checked)
  sdist/        that sdist unpacked; its pure-Python reader (maxminddb/) is the reference reader,
                imported from here, never installed, and never its C extension
  site/         mmdb-writer and netaddr, pinned and hash-checked (pip install --target; never into
                the system)
  maxmind/      MaxMind's test databases: the sdist's tests/data/test-data/* and, side by side
                with them, the files of its tests/data/bad-data/<reader>/ (corrupt files that broke
                some reader: cyclic-data-structure.mmdb, libmaxminddb-deep-nesting.mmdb, ...)
  source-data/  the JSON that most of maxmind/*.mmdb were written from
  written/      our own databases, written with mmdb-writer (see WRITTEN below)
  expected.json for every *.mmdb above, the reference reader's answers:
      {"databases": [{"file": "maxmind/MaxMind-DB-test-ipv4-24.mmdb",
                      "kind": "maxmind" | "maxmind-bad-data" (+ "origin": "bad-data/READER") |
                              "written",
                      "metadata": {...}, "opens": true,
                      "lookups": [{"address": "1.1.1.1", "prefixLength": 32, "record": {...}},
                                  {"address": "::1.1.1.1", "error": "...", "errorType": "..."}]},
                     {"file": "...", "opens": false, "error": "...", "errorType": "..."}]}
  summary.txt   the summary printed last

JSON encoding of decoded values (so that everything round-trips exactly):
  bytes                          {"$bytes": "<lowercase hex>"}
  integers with |value| >= 2^53  {"$uint": "<decimal>"} (only uint64/uint128 can be that large)
  float (32-bit)                 {"$float": <the float32 value, printed as the double it widens to>}
  double                         a JSON number; a non-finite one is {"$double": "nan"|"inf"|"-inf"}
                                 (a non-finite float32 is {"$float": "nan"|"inf"|"-inf"})
  a map with a key that is not a string, or that starts with "$"
                                 {"$map": [[key, value], ...]}
Metadata is the raw metadata map, decoded by the reference decoder and encoded the same way.
prefixLength is get_with_prefix_len's: for an IPv4 address in an IPv6 database it counts from the
IPv4 subtree (0-32). Lookups are capped at LOOKUP_CAP a database (LARGE_LOOKUP_CAP for the large
one): fixed probes outside any network, then, per network (those the source data or our writer
lists first, then those found by walking the tree), its first, middle and last address, its
neighbours, and for IPv4 networks in IPv6 databases the ::ffff:a.b.c.d, ::a.b.c.d and 2002::/16
forms; and none once a database's lookups fill LOOKUP_BYTES of JSON or LIMITED_LOOKUPS of them hit
a resource limit of the reference decoder (MaxMind's boundary and DoS files). A database the reference reader cannot open has "opens": false; a lookup where it raises
has "error" (Python's message, with absolute paths made relative to DIR) and "errorType".

Cross-checks (printed; the run fails if any disagrees): the record of the first and last address of
every network in source-data/*.json against the reference reader on the database written from it
(numbers compared by value), and the same for every network we wrote (exact JSON, and the prefix
length for networks that no other network overlaps).

Standard library only; mmdb-writer and the reference reader are imported from DIR after install.
Each database is read in its own child process with a time and memory limit, since some of
MaxMind's files are built to exhaust readers without limits.
"""

import argparse
import concurrent.futures
import hashlib
import ipaddress
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO, ".build", "ip-test-data")

# The newest maxminddb on PyPI; its sdist ships MaxMind-DB's test data as tests/data/.
MAXMINDDB = ("maxminddb", "3.2.0", "maxminddb-3.2.0.tar.gz",
             "d28e0073fd1dd637c8b95947bc864b5625eca9f8f2db1538145e33b2a1cd4b92")
WHEELS = [  # (distribution, version, sha256 of its py3-none-any wheel)
    ("mmdb-writer", "0.2.7", "aee3fe2aa556b56914711a14a68890d2fadc03f1e77bc589d7845652e30a04f8"),
    ("netaddr", "1.3.0", "c2c6a8ebe5554ce33b7d5b3a306b71bbb373e000bbbf2350dd5213cc56e3dbbe"),
]

BUILD_EPOCH = 1767225600  # 2026-01-01T00:00:00Z, so that written databases are byte-identical
SEED = 20260101
LOOKUP_CAP = 200
LARGE_LOOKUP_CAP = 2000
LARGE_NETWORKS = 50000
LOOKUP_BYTES = 4 << 20  # no lookup is added once a database's lookups fill this much JSON,
LIMITED_LOOKUPS = 16  # or once this many hit one of the reference decoder's resource limits
WORKER_TIMEOUT = 300  # seconds, for one database
WORKER_MEMORY = 4 << 30  # bytes of address space, for one database
TWO_53 = 1 << 53


def fail(message):
    print(f"test-data.py: {message}", file=sys.stderr)
    sys.exit(1)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_pip(arguments):
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *arguments]
    result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        fail(f"pip failed ({result.returncode}): {' '.join(command[1:])}")


# ---------------------------------------------------------------------------------------------
# JSON encoding shared by the parent and the reference worker


class F32(float):
    """A float decoded from (or written as) an MMDB 32-bit float."""


def non_finite(value):
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def to_json(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        if value >= TWO_53:
            return {"$uint": str(value)}
        if value <= -TWO_53:
            return {"$int": str(value)}
        return value
    if isinstance(value, float):
        if type(value) is F32:
            return {"$float": float(value) if math.isfinite(value) else non_finite(value)}
        return float(value) if math.isfinite(value) else {"$double": non_finite(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": bytes(value).hex()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        if all(isinstance(key, str) and not key.startswith("$") for key in value):
            return {key: to_json(item) for key, item in value.items()}
        return {"$map": [[to_json(key), to_json(item)] for key, item in value.items()]}
    name = type(value).__name__  # mmdb-writer's type wrappers, in the parent only
    if name == "MmdbF32":
        return to_json(F32(struct.unpack(">f", struct.pack(">f", value.value))[0]))
    if name in ("MmdbF64", "MmdbI32", "MmdbU16", "MmdbU32", "MmdbU64", "MmdbU128"):
        return to_json(float(value.value) if name == "MmdbF64" else value.value)
    raise TypeError(f"cannot encode {type(value)!r}")


def canonical(json_value):
    return json.dumps(json_value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(json_value):
    return hashlib.sha256(canonical(json_value).encode()).hexdigest()[:24]


# ---------------------------------------------------------------------------------------------
# Addresses


def v4_forms(address):
    """The IPv6 spellings of an IPv4 address that an IPv6 database may answer for it."""
    value = int(address)
    return [f"::ffff:{address}", f"::{address}", f"2002:{value >> 16:x}:{value & 0xFFFF:x}::"]


def as_ipv4_network(network):
    """An IPv6 network inside ::/96 written for the IPv4 subtree (::1.2.0.0/112) as IPv4."""
    if network.version == 6 and network.prefixlen >= 96 and int(network.network_address) >> 32 == 0:
        return ipaddress.ip_network((int(network.network_address), network.prefixlen - 96))
    return network


def address_group(network, ip_version):
    network = as_ipv4_network(network) if ip_version == 6 else network
    first, last = network.network_address, network.broadcast_address
    middle = first + (network.num_addresses // 2)
    group = [str(first), str(middle), str(last)]
    if network.version == 4 and ip_version == 6:
        group += [v4_forms(first)[0], v4_forms(middle)[1], v4_forms(last)[2]]
    maximum = (1 << network.max_prefixlen) - 1
    if int(first) > 0:
        group.append(str(first - 1))
    if int(last) < maximum:
        group.append(str(last + 1))
    return group


PROBES_V4 = ["0.0.0.0", "10.0.0.1", "127.0.0.1", "192.0.2.1", "198.51.100.7", "203.0.113.255",
             "224.0.0.1", "255.255.255.255"]
PROBES_V6 = ["::", "::1", "2001:db8::1", "fe80::1", "ff02::1", "2002:c000:201::",
             "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:1.1.1.1", "::1.1.1.1",
             "::ffff:8.8.8.8"]
PROBES_V6_IN_V4 = ["::ffff:1.1.1.1", "2001:db8::1"]  # the reference reader refuses these


def choose_addresses(declared, enumerated, ip_version, cap, seed):
    rng = random.Random(seed)
    chosen, seen = [], set()

    def add(address):
        if address not in seen and len(chosen) < cap:
            seen.add(address)
            chosen.append(address)

    for address in PROBES_V4 + (PROBES_V6 if ip_version == 6 else PROBES_V6_IN_V4):
        add(address)
    declared = list(dict.fromkeys(declared))
    declared_set = set(declared)
    others = [network for network in enumerated if network not in declared_set]
    rng.shuffle(declared)
    rng.shuffle(others)
    for network in declared + others:
        if len(chosen) >= cap:
            break
        if ip_version == 4 and network.version == 6:
            continue
        for address in address_group(network, ip_version):
            add(address)
    return chosen


# ---------------------------------------------------------------------------------------------
# The reference worker: one database, in a child process


def worker_main():
    import resource

    job = json.load(sys.stdin)
    began = time.monotonic()
    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
    sys.path.insert(0, job["readerPath"])
    import maxminddb
    from maxminddb import decoder as mmdb_decoder
    from maxminddb import reader as mmdb_reader

    if not os.path.abspath(mmdb_reader.__file__).startswith(job["readerPath"]):
        fail(f"the reference reader came from {mmdb_reader.__file__}, not {job['readerPath']}")
    plain_decode_float = mmdb_decoder.Decoder._decode_float

    def tagged_decode_float(self, size, offset, budget):
        value, new_offset = plain_decode_float(self, size, offset, budget)
        return F32(value), new_offset

    mmdb_decoder.Decoder._decode_float = tagged_decode_float

    def message(error):
        text = str(error).replace(job["outDir"] + os.sep, "")
        return {"error": text, "errorType": type(error).__name__}

    result = {key: job[key] for key in ("file", "kind", "origin") if key in job}
    path = os.path.join(job["outDir"], job["file"])
    try:
        reader = mmdb_reader.Reader(path, maxminddb.MODE_MEMORY)
    except Exception as error:  # noqa: BLE001 - any failure to open is an answer
        result.update(opens=False, **message(error))
        json.dump(result, sys.stdout)
        return
    buffer = reader._buffer
    start = buffer.rfind(reader._METADATA_START_MARKER, max(0, len(buffer) - 128 * 1024))
    start += len(reader._METADATA_START_MARKER)
    try:
        raw_metadata, _ = mmdb_decoder.Decoder(buffer, start).decode(start)
        result.update(metadata=to_json(raw_metadata), opens=True)
    except Exception as error:  # noqa: BLE001 - opened, yet its metadata does not decode again
        result.update(metadata=None, opens=True, metadataError=message(error)["error"])

    metadata = reader.metadata()
    ip_version = metadata.ip_version
    networks, walk_error = walk_tree(reader, job["walkLimit"])
    if walk_error:
        result["walkError"] = walk_error
    declared = [ipaddress.ip_network(text) for text in job["declared"]]
    addresses = choose_addresses(declared, networks, ip_version, job["cap"], job["file"])

    def look_up(address):
        try:
            record, prefix_length = reader.get_with_prefix_len(address)
        except Exception as error:  # noqa: BLE001 - a refused lookup is an answer
            return {"address": address, **message(error)}
        return {"address": address, "prefixLength": prefix_length, "record": to_json(record)}

    lookups, size, limited = [], 0, 0
    for address in addresses:
        if size >= LOOKUP_BYTES or limited >= LIMITED_LOOKUPS:
            break  # MaxMind's boundary and DoS files: megabytes a record, or seconds a lookup
        lookups.append(look_up(address))
        size += len(json.dumps(lookups[-1], ensure_ascii=False))
        limited += "exceeds the maximum" in lookups[-1].get("error", "")
    result["lookups"] = lookups
    checks = []
    for address in job["checks"]:
        answer = look_up(address)
        if job["checkMode"] == "digest" and "record" in answer:
            answer["record"] = None if answer["record"] is None else digest(answer["record"])
        checks.append(answer)
    result["checks"] = checks
    result["walked"] = len(networks)
    result["seconds"] = time.monotonic() - began
    reader.close()
    json.dump(result, sys.stdout, ensure_ascii=False)


def walk_tree(reader, limit):
    """The networks of a search tree's data records, bounded for broken trees."""
    metadata = reader.metadata()
    node_count = metadata.node_count
    bits = 128 if metadata.ip_version == 6 else 32
    ipv4_start = reader._ipv4_start
    networks, stack, steps = [], [(0, 0, 0)], 0
    try:
        while stack and len(networks) < limit and steps < 50 * limit:
            node, depth, accumulated = stack.pop()
            steps += 1
            if bits == 128 and accumulated != 0 and node == ipv4_start < node_count:
                continue  # an alias of the IPv4 subtree
            if node > node_count:
                address = accumulated << (bits - depth)
                networks.append(ipaddress.ip_network((address, depth)) if bits == 32
                                else ipaddress.IPv6Network((address, depth)))
                continue
            if node == node_count or depth >= bits:
                continue
            for bit in (1, 0):
                stack.append((reader._read_node(node, bit), depth + 1, (accumulated << 1) | bit))
    except Exception as error:  # noqa: BLE001
        return networks, f"{type(error).__name__}: {error}"
    return networks, None


# ---------------------------------------------------------------------------------------------
# Step 1 and 2: downloads, extraction, installs


def safe_extract(archive, destination):
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(destination, filter="data")
            return
        root = os.path.realpath(destination)
        for member in tar.getmembers():
            target = os.path.realpath(os.path.join(destination, member.name))
            if not (member.isfile() or member.isdir()) or not target.startswith(root + os.sep):
                fail(f"refusing to extract {member.name} from {archive}")
        tar.extractall(destination)


def fetch_sdist(out):
    name, version, filename, sha256 = MAXMINDDB
    downloads = os.path.join(out, "downloads")
    archive = os.path.join(downloads, filename)
    if not os.path.exists(archive) or sha256_of(archive) != sha256:
        os.makedirs(downloads, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=downloads) as scratch:
            # Only maxminddb is taken as source; its build backend may come as wheels.
            run_pip(["download", "--quiet", "--no-deps", "--no-binary", name, "-d", scratch,
                     f"{name}=={version}"])
            fetched = os.path.join(scratch, filename)
            if not os.path.exists(fetched):
                fail(f"pip download left no {filename} in {scratch}: {os.listdir(scratch)}")
            if sha256_of(fetched) != sha256:
                fail(f"{filename}: sha256 {sha256_of(fetched)}, pinned {sha256}")
            os.replace(fetched, archive)
    sdist_root = os.path.join(out, "sdist")
    unpacked = os.path.join(sdist_root, f"{name}-{version}")
    if not os.path.isfile(os.path.join(unpacked, "maxminddb", "reader.py")):
        shutil.rmtree(sdist_root, ignore_errors=True)
        os.makedirs(sdist_root)
        safe_extract(archive, sdist_root)
    data = os.path.join(unpacked, "tests", "data")
    for needed in ("test-data", "bad-data", "source-data"):
        if not os.path.isdir(os.path.join(data, needed)):
            fail(f"{filename} has no tests/data/{needed}: pin a version whose sdist ships it")
    return unpacked


def copy_test_data(out, unpacked):
    """Copies the test data; returns {"maxmind/NAME.mmdb": "bad-data/READER"} for bad-data's."""
    data = os.path.join(unpacked, "tests", "data")
    maxmind = os.path.join(out, "maxmind")
    source = os.path.join(out, "source-data")
    for directory in (maxmind, source):
        shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(os.path.join(data, "test-data"), maxmind)
    bad_data = {}
    for reader in sorted(os.listdir(os.path.join(data, "bad-data"))):
        folder = os.path.join(data, "bad-data", reader)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if os.path.exists(os.path.join(maxmind, name)):
                fail(f"bad-data/{reader}/{name} would overwrite maxmind/{name}")
            shutil.copy2(os.path.join(folder, name), os.path.join(maxmind, name))
            bad_data[f"maxmind/{name}"] = f"bad-data/{reader}"
    shutil.copy2(os.path.join(data, "bad-data", "README.md"),
                 os.path.join(maxmind, "bad-data-README.md"))
    for name in ("LICENSE-APACHE", "LICENSE-MIT", "MaxMind-DB-spec.md"):
        shutil.copy2(os.path.join(data, name), os.path.join(maxmind, name))
    os.makedirs(source)
    for name in sorted(os.listdir(os.path.join(data, "source-data"))):
        if name.endswith(".json"):
            shutil.copy2(os.path.join(data, "source-data", name), os.path.join(source, name))
    return bad_data


def install_writer(out):
    site = os.path.join(out, "site")
    pins = "\n".join(f"{name}=={version} --hash=sha256:{sha}" for name, version, sha in WHEELS)
    stamp = os.path.join(site, ".pins")
    if os.path.exists(stamp) and open(stamp).read() == pins:
        return site
    staging = site + ".new"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    requirements = os.path.join(staging, "requirements.txt")
    with open(requirements, "w") as handle:
        handle.write(pins + "\n")
    run_pip(["install", "--quiet", "--no-deps", "--only-binary", ":all:", "--require-hashes",
             "--no-compile", "--target", staging, "-r", requirements])
    os.remove(requirements)
    with open(os.path.join(staging, ".pins"), "w") as handle:
        handle.write(pins)
    shutil.rmtree(site, ignore_errors=True)
    os.replace(staging, site)
    return site


# ---------------------------------------------------------------------------------------------
# Step 3: our own databases

LANGUAGES_GEOLITE2 = ["de", "en", "es", "fr", "ja", "pt-BR", "ru", "zh-CN"]
LANGUAGES_DBIP = ["en", "de", "es", "fr", "ja", "pt-BR", "ru", "zh-CN", "fa", "ko"]

# code: (geoname_id, names in de en es fr ja pt-BR ru zh-CN, then fa ko for DB-IP)
CONTINENTS = {
    "AF": (6255146, "Afrika Africa África Afrique アフリカ África Африка 非洲 آفریقا 아프리카"),
    "AN": (6255152, "Antarktis Antarctica Antártida Antarctique 南極大陸 Antártica Антарктида 南极洲"
                    " جنوبگان 남극"),
    "AS": (6255147, "Asien Asia Asia Asie アジア Ásia Азия 亚洲 آسیا 아시아"),
    "EU": (6255148, "Europa Europe Europa Europe ヨーロッパ Europa Европа 欧洲 اروپا 유럽"),
    "NA": (6255149, "Nordamerika|North America|Norteamérica|Amérique du Nord|北アメリカ|"
                    "América do Norte|Северная Америка|北美洲|امریکای شمالی|북아메리카"),
    "OC": (6255151, "Ozeanien Oceania Oceanía Océanie オセアニア Oceania Океания 大洋洲 اقیانوسیه"
                    " 오세아니아"),
    "SA": (6255150, "Südamerika|South America|Sudamérica|Amérique du Sud|南アメリカ|América do Sul|"
                    "Южная Америка|南美洲|امریکای جنوبی|남아메리카"),
}
# iso: (geoname_id, continent, in the EU, names in de en es fr ja pt-BR ru zh-CN)
COUNTRIES = {
    "AU": (2077456, "OC", False, "Australien|Australia|Australia|Australie|オーストラリア|Austrália|"
                                 "Австралия|澳大利亚"),
    "BR": (3469034, "SA", False, "Brasilien|Brazil|Brasil|Brésil|ブラジル連邦共和国|Brasil|Бразилия|巴西"),
    "CA": (6251999, "NA", False, "Kanada|Canada|Canadá|Canada|カナダ|Canadá|Канада|加拿大"),
    "CH": (2658434, "EU", False, "Schweiz|Switzerland|Suiza|Suisse|スイス連邦|Suíça|Швейцария|瑞士"),
    "CI": (2287781, "AF", False, "Elfenbeinküste|Côte d'Ivoire|Costa de Marfil|Côte d'Ivoire|"
                                 "コートジボワール共和国|Costa do Marfim|Кот-д’Ивуар|科特迪瓦"),
    "CO": (3686110, "SA", False, "Kolumbien|Colombia|Colombia|Colombie|コロンビア共和国|Colômbia|"
                                 "Колумбия|哥伦比亚"),
    "CW": (7626836, "NA", False, "Curaçao|Curaçao|Curazao|Curaçao|キュラソー島|Curaçao|Кюрасао|库拉索"),
    "DE": (2921044, "EU", True, "Deutschland|Germany|Alemania|Allemagne|ドイツ連邦共和国|Alemanha|"
                                "Германия|德国"),
    "EG": (357994, "AF", False, "Ägypten|Egypt|Egipto|Égypte|エジプト・アラブ共和国|Egito|Египет|埃及"),
    "GB": (2635167, "EU", False, "Vereinigtes Königreich|United Kingdom|Reino Unido|Royaume-Uni|"
                                 "イギリス|Reino Unido|Великобритания|英国"),
    "IN": (1269750, "AS", False, "Indien|India|India|Inde|インド|Índia|Индия|印度"),
    "IS": (2629691, "EU", False, "Island|Iceland|Islandia|Islande|アイスランド共和国|Islândia|Исландия|冰岛"),
    "JP": (1861060, "AS", False, "Japan|Japan|Japón|Japon|日本|Japão|Япония|日本"),
    "KR": (1835841, "AS", False, "Südkorea|South Korea|Corea del Sur|Corée du Sud|大韓民国|"
                                 "Coreia do Sul|Республика Корея|韩国"),
    "PL": (798544, "EU", True, "Polen|Poland|Polonia|Pologne|ポーランド共和国|Polônia|Польша|波兰"),
    "RU": (2017370, "EU", False, "Russland|Russia|Rusia|Russie|ロシア|Rússia|Россия|俄罗斯"),
    "US": (6252001, "NA", False, "USA|United States|Estados Unidos|États Unis|アメリカ合衆国|EUA|США|"
                                 "美国"),
}
# (country, geoname_id, names, latitude, longitude, accuracy radius, time zone, postal code or None,
#  metro code or None, subdivisions as (iso code, geoname_id, names))
CITIES = [
    ("CH", 2657896, {"de": "Zürich", "en": "Zürich", "es": "Zúrich", "fr": "Zurich",
                     "ja": "チューリッヒ", "pt-BR": "Zurique", "ru": "Цюрих", "zh-CN": "苏黎世"},
     47.3769, 8.5417, 20, "Europe/Zurich", "8001", None,
     [("ZH", 2657895, {"de": "Zürich", "en": "Zurich", "fr": "Zurich"})]),
    ("BR", 3448439, {"de": "São Paulo", "en": "São Paulo", "es": "São Paulo", "fr": "São Paulo",
                     "ja": "サンパウロ", "pt-BR": "São Paulo", "ru": "Сан-Паулу", "zh-CN": "圣保罗"},
     -23.5475, -46.6361, 50, "America/Sao_Paulo", "01000", None,
     [("SP", 3448433, {"en": "São Paulo", "pt-BR": "São Paulo"})]),
    ("JP", 1850147, {"de": "Tokio", "en": "Tokyo", "es": "Tokio", "fr": "Tokyo", "ja": "東京",
                     "pt-BR": "Tóquio", "ru": "Токио", "zh-CN": "东京"},
     35.6895, 139.6917, 100, "Asia/Tokyo", "100-0001", None,
     [("13", 1850144, {"en": "Tokyo", "ja": "東京都"})]),
    ("US", 5375480, {"de": "Mountain View", "en": "Mountain View", "ja": "マウンテンビュー",
                     "ru": "Маунтин-Вью", "zh-CN": "芒廷维尤"},
     37.386, -122.0838, 10, "America/Los_Angeles", "94043", 807,
     [("CA", 5332921, {"de": "Kalifornien", "en": "California", "es": "California",
                       "fr": "Californie", "ja": "カリフォルニア州", "pt-BR": "Califórnia",
                       "ru": "Калифорния", "zh-CN": "加利福尼亚州"})]),
    ("PL", 3094802, {"de": "Krakau", "en": "Kraków", "es": "Cracovia", "fr": "Cracovie",
                     "ja": "クラクフ", "pt-BR": "Cracóvia", "ru": "Краков", "zh-CN": "克拉科夫"},
     50.0614, 19.9366, 20, "Europe/Warsaw", "30-001", None,
     [("12", 858787, {"de": "Kleinpolen", "en": "Lesser Poland", "ru": "Малопольское воеводство"})]),
    ("CA", 6077243, {"de": "Montreal", "en": "Montréal", "fr": "Montréal", "ja": "モントリオール",
                     "ru": "Монреаль", "zh-CN": "蒙特利尔"},
     45.5088, -73.5878, 5, "America/Toronto", "H2X", None,
     [("QC", 6115047, {"de": "Québec", "en": "Quebec", "fr": "Québec", "ja": "ケベック州",
                       "ru": "Квебек"})]),
    ("IS", 3413829, {"de": "Reykjavík", "en": "Reykjavík", "ja": "レイキャヴィーク",
                     "ru": "Рейкьявик", "zh-CN": "雷克雅未克"},
     64.1355, -21.8954, 10, "Atlantic/Reykjavik", "101", None,
     [("1", 3426182, {"en": "Capital Region"})]),
    ("RU", 524901, {"de": "Moskau", "en": "Moscow", "es": "Moscú", "fr": "Moscou", "ja": "モスクワ",
                    "pt-BR": "Moscou", "ru": "Москва", "zh-CN": "莫斯科"},
     55.7522, 37.6156, 50, "Europe/Moscow", "101000", None,
     [("MOW", 524894, {"en": "Moscow", "ru": "Москва"})]),
    ("AU", 2147714, {"en": "Sydney", "ja": "シドニー", "ru": "Сидней", "zh-CN": "悉尼"},
     -33.8688, 151.2093, 100, "Australia/Sydney", "2000", None,
     [("NSW", 2155400, {"en": "New South Wales", "ru": "Новый Южный Уэльс"})]),
    ("EG", 360630, {"de": "Kairo", "en": "Cairo", "es": "El Cairo", "fr": "Le Caire", "ja": "カイロ",
                    "pt-BR": "Cairo", "ru": "Каир", "zh-CN": "开罗"},
     30.0626, 31.2497, 200, "Africa/Cairo", None, None,
     [("C", 360631, {"en": "Cairo Governorate"})]),
    ("CO", 3688689, {"en": "Bogotá", "es": "Bogotá", "ja": "ボゴタ", "ru": "Богота", "zh-CN": "波哥大"},
     4.6097, -74.0818, 50, "America/Bogota", "110111", None,
     [("DC", 3688685, {"en": "Bogota D.C.", "es": "Bogotá D.C."})]),
    ("KR", 1835848, {"de": "Seoul", "en": "Seoul", "ja": "ソウル特別市", "ru": "Сеул", "zh-CN": "首尔"},
     37.566, 126.9784, 5, "Asia/Seoul", "04524", None,
     [("11", 1835847, {"en": "Seoul", "ja": "ソウル特別市"})]),
    ("IN", 1275339, {"de": "Mumbai", "en": "Mumbai", "ja": "ムンバイ", "ru": "Мумбаи", "zh-CN": "孟买"},
     19.0728, 72.8826, 100, "Asia/Kolkata", "400001", None,
     [("MH", 1264418, {"en": "Maharashtra"})]),
    ("GB", 2643743, {"de": "London", "en": "London", "es": "Londres", "fr": "Londres", "ja": "ロンドン",
                     "pt-BR": "Londres", "ru": "Лондон", "zh-CN": "伦敦"},
     51.5142, -0.0931, 10, "Europe/London", "EC2V", None,
     [("ENG", 6269131, {"de": "England", "en": "England", "ja": "イングランド", "ru": "Англия",
                        "zh-CN": "英格兰"}),
      ("LND", 2643741, {"en": "City of London"})]),
    ("DE", 2934246, {"de": "Düsseldorf", "en": "Düsseldorf", "ja": "デュッセルドルフ",
                     "ru": "Дюссельдорф", "zh-CN": "杜塞尔多夫"},
     51.2217, 6.7762, 20, "Europe/Berlin", "40213", None,
     [("NW", 2861876, {"de": "Nordrhein-Westfalen", "en": "North Rhine-Westphalia"})]),
]
# (number, organisation, domain, country)
ASNS = [
    (13335, "Cloudflare, Inc.", "cloudflare.com", "US"), (15169, "Google LLC", "google.com", "US"),
    (396982, "Google LLC", "google.com", "US"), (8075, "Microsoft Corporation", "microsoft.com", "US"),
    (16509, "Amazon.com, Inc.", "amazon.com", "US"), (3320, "Deutsche Telekom AG", "telekom.de", "DE"),
    (3303, "Swisscom (Schweiz) AG", "swisscom.com", "CH"), (2516, "KDDI CORPORATION", "kddi.com", "JP"),
    (26599, "TELEFÔNICA BRASIL S.A", "telefonica.com.br", "BR"),
    (5617, "Orange Polska Spółka Akcyjna", "orange.pl", "PL"), (12389, "PJSC Rostelecom", "rt.ru", "RU"),
    (4766, "Korea Telecom", "kt.com", "KR"), (577, "Bell Canada", "bell.ca", "CA"),
    (1221, "Telstra Limited", "telstra.com", "AU"), (8452, "TE Data", "tedata.net", "EG"),
    (55836, "Reliance Jio Infocomm Limited", "jio.com", "IN"),
    (2856, "British Telecommunications PLC", "bt.com", "GB"), (12969, "Síminn hf", "siminn.is", "IS"),
    (29988, "Orange Côte d'Ivoire", "orange.ci", "CI"), (11081, "UTS Curaçao", "uts.cw", "CW"),
    (212238, "Datacamp Limited", "datacamp.co.uk", "GB"),
]
ANONYMOUS_KINDS = [
    {"is_anonymous": True, "is_anonymous_vpn": True},
    {"is_anonymous": True, "is_tor_exit_node": True},
    {"is_anonymous": True, "is_hosting_provider": True},
    {"is_anonymous": True, "is_public_proxy": True},
    {"is_anonymous": True, "is_residential_proxy": True},
    {"is_anonymous": True, "is_anonymous_vpn": True, "is_hosting_provider": True,
     "is_public_proxy": True, "is_residential_proxy": True, "is_tor_exit_node": True},
    {"is_anonymous": False, "is_anonymous_vpn": False, "is_hosting_provider": False,
     "is_public_proxy": False, "is_residential_proxy": False, "is_tor_exit_node": False},
]

# Real allocations, so the records look plausible; nested ones are listed supernet first.
ANCHORS_V4 = ["1.1.1.0/24", "8.8.8.0/24", "81.2.69.128/26", "89.160.20.112/28", "175.16.199.0/24",
              "2.125.160.216/29", "202.196.224.0/20", "216.160.83.56/29", "67.43.156.0/24",
              "149.101.100.0/28", "128.101.101.101/32", "17.0.0.0/8", "45.0.0.0/12", "45.3.0.0/16",
              "45.3.7.0/24", "45.3.7.9/32"]
ANCHORS_V6 = ["2001:218::/32", "2a02:dd8::/32", "2c0f:ff40::/26", "2400:cb00::/32",
              "2606:4700::/32", "2001:4860::/32", "2a03:2880::/29", "2a01:4f8::/29",
              "2a01:4f8:c17::/48", "2a01:4f8:c17:1:2::/80", "2a01:4f8:c17:1:2::7/128"]
EXCLUDED_V4_FIRST_OCTETS = {0, 10, 100, 127, 169, 172, 192, 198, 203}


class NetworkPicker:
    """Random networks that overlap nothing picked before (nor the anchors)."""

    def __init__(self, rng, taken=()):
        self.rng = rng
        self.taken = set()
        self.ancestors = set()
        for network in taken:
            self._take(network)

    def _key(self, network):
        return network.version, network.prefixlen, int(network.network_address)

    def _take(self, network):
        self.taken.add(self._key(network))
        for prefix in range(network.prefixlen + 1):
            self.ancestors.add(self._key(network.supernet(new_prefix=prefix)))

    def _free(self, network):
        if self._key(network) in self.ancestors:
            return False
        value, bits = int(network.network_address), network.max_prefixlen
        for prefix in range(network.prefixlen + 1):
            masked = value >> (bits - prefix) << (bits - prefix)
            if (network.version, prefix, masked) in self.taken:
                return False
        return True

    def v4(self, prefixes=(16, 18, 20, 22, 24, 24, 24, 26, 28, 30, 32)):
        while True:
            prefix = self.rng.choice(prefixes)
            first = self.rng.randint(1, 223)
            if first in EXCLUDED_V4_FIRST_OCTETS:
                continue
            value = (first << 24) | self.rng.getrandbits(24)
            network = ipaddress.IPv4Network((value >> (32 - prefix) << (32 - prefix), prefix))
            if self._free(network):
                self._take(network)
                return network

    def v6(self, prefixes=(29, 32, 36, 40, 44, 48, 48, 48, 56, 64, 64, 128)):
        while True:
            prefix = self.rng.choice(prefixes)
            value = (0x2 << 124) | self.rng.getrandbits(124)  # in 2000::/4
            if value >> 112 == 0x2002 or value >> 96 == 0x20010DB8:
                continue  # 6to4 is aliased to the IPv4 subtree; 2001:db8::/32 is a probe
            network = ipaddress.IPv6Network((value >> (128 - prefix) << (128 - prefix), prefix))
            if self._free(network):
                self._take(network)
                return network


def names(text, languages):
    separator = "|" if "|" in text else " "
    values = text.split(separator)
    return {language: value for language, value in zip(languages, values)}


def u16(value):
    return ("U16", value)


def u32(value):
    return ("U32", value)


def wrap(value, types):
    """("U32", 5) markers to mmdb-writer's wrappers; everything else as is."""
    if isinstance(value, tuple) and len(value) == 2 and value[0] in types:
        return types[value[0]](value[1])
    if isinstance(value, dict):
        return {key: wrap(item, types) for key, item in value.items()}
    if isinstance(value, list):
        return [wrap(item, types) for item in value]
    return value


def continent_of(code, languages):
    geoname_id, text = CONTINENTS[code]
    return {"code": code, "geoname_id": u32(geoname_id), "names": names(text, languages)}


def country_of(iso, eu_always=False):
    geoname_id, _, in_eu, text = COUNTRIES[iso]
    record = {"geoname_id": u32(geoname_id)}
    if in_eu or eu_always:
        record["is_in_european_union"] = in_eu
    record["iso_code"] = iso
    record["names"] = names(text, LANGUAGES_GEOLITE2)
    return record


def geolite2_city(rng, index):
    """GeoLite2-City: keys sorted as MaxMind writes them; a few country-only records."""
    iso, geoname_id, city_names, latitude, longitude, radius, zone, postal, metro, subs = \
        CITIES[index % len(CITIES)]
    continent = COUNTRIES[iso][1]
    registered = iso if index % 7 != 3 else "DE"
    if index % 11 == 5:  # country-level only, as for a network GeoLite2 cannot place better
        return {"continent": continent_of(continent, LANGUAGES_GEOLITE2), "country": country_of(iso),
                "location": {"accuracy_radius": u16(1000), "latitude": round(latitude, 1),
                             "longitude": round(longitude, 1), "time_zone": zone},
                "registered_country": country_of(registered)}
    location = {"accuracy_radius": u16(radius + rng.choice((0, 0, 5, 50))),
                "latitude": latitude, "longitude": longitude}
    if metro is not None:
        location["metro_code"] = u16(metro)
    location["time_zone"] = zone
    record = {"city": {"geoname_id": u32(geoname_id), "names": city_names},
              "continent": continent_of(continent, LANGUAGES_GEOLITE2), "country": country_of(iso),
              "location": location}
    if postal:
        record["postal"] = {"code": postal}
    record["registered_country"] = country_of(registered)
    if index % 13 == 6:
        record["represented_country"] = {**country_of("US"), "type": "military"}
    record["subdivisions"] = [{"geoname_id": u32(g), "iso_code": code, "names": n}
                              for code, g, n in subs]
    if index % 9 == 4:
        record["traits"] = {"is_anycast": True}
    return record


def geolite2_asn(rng, index):
    number, organisation, _, _ = ASNS[index % len(ASNS)]
    return {"autonomous_system_number": u32(number), "autonomous_system_organization": organisation}


def anonymous_ip(rng, index):
    return dict(ANONYMOUS_KINDS[index % len(ANONYMOUS_KINDS)])


def ipinfo_lite(rng, index):
    number, organisation, domain, iso = ASNS[index % len(ASNS)]
    continent = COUNTRIES[iso][1]
    record = {"as_domain": domain, "as_name": organisation, "asn": f"AS{number}",
              "continent": names(CONTINENTS[continent][1], LANGUAGES_GEOLITE2)["en"],
              "continent_code": continent,
              "country": names(COUNTRIES[iso][3], LANGUAGES_GEOLITE2)["en"], "country_code": iso}
    if index % 8 == 7:  # a network with no AS: IPinfo Lite then has the country fields only
        for key in ("as_domain", "as_name", "asn"):
            del record[key]
    return record


def dbip_country(rng, index, iso=None):
    iso = iso or CITIES[index % len(CITIES)][0]
    geoname_id, continent, in_eu, text = COUNTRIES[iso]
    country_names = names(text, LANGUAGES_GEOLITE2)
    return {"continent": continent_of(continent, LANGUAGES_DBIP),
            "country": {"geoname_id": u32(geoname_id), "is_in_european_union": in_eu,
                        "iso_code": iso, "names": country_names}}


def dbip_city(rng, index):
    iso, _, city_names, latitude, longitude, _, _, _, _, subs = CITIES[index % len(CITIES)]
    record = dbip_country(rng, index, iso)
    return {"city": {"names": {"en": city_names["en"]}}, **record,
            "location": {"latitude": latitude, "longitude": longitude},
            "subdivisions": [{"names": {"en": subs[0][2]["en"]}}]}


HUGE_STRING = ("Zürich ☯ 東京 " * 4000)[:42000]  # 66,500 UTF-8 bytes: a 3-byte size field


def all_types(rng, index):
    """Every MMDB data type, edge values included; a few networks carry the large strings."""
    record = {
        "array": [("U16", 1), ("U32", 2), ("U64", 3), "four", True, 5.5, [("I32", -6)], {"seven": 7}],
        "boolean": index % 2 == 0,
        "bytes": bytes([0, 1, 0x7F, 0x80, 0xFE, 0xFF]) + index.to_bytes(2, "big"),
        "bytes_empty": b"",
        "double": 42.123456 + index,
        "double_extremes": [0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
                            -1.7976931348623157e308, 0.1, 1e21, 1.0],
        "empty_array": [],
        "empty_map": {},
        "float": ("F32", 1.1 * (index + 1)),
        "float_extremes": [("F32", 0.0), ("F32", -0.0), ("F32", 1.401298464324817e-45),
                           ("F32", 3.4028234663852886e38), ("F32", -1000.5), ("F32", 0.1)],
        "int32": ("I32", -268435456 + index),
        "int32_extremes": [("I32", -2147483648), ("I32", -1), ("I32", 0), ("I32", 1),
                           ("I32", 2147483647)],
        "map": {"mapX": {"arrayX": [("U16", 7), ("U16", 8), ("U16", 9)], "utf8_stringX": "hello"}},
        "nested": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": ["deep", index]}}}}}}}},
        "uint16": ("U16", 100 + index),
        "uint16_extremes": [("U16", 0), ("U16", 255), ("U16", 256), ("U16", 65535)],
        "uint32": ("U32", 268435456 + index),
        "uint32_extremes": [("U32", 0), ("U32", 65536), ("U32", 4294967295)],
        "uint64": ("U64", 1152921504606846976 + index),
        "uint64_extremes": [("U64", 0), ("U64", 4294967296), ("U64", 2**53 - 1), ("U64", 2**53),
                            ("U64", 2**53 + 1), ("U64", 2**64 - 1)],
        "uint128": ("U128", 1329227995784915872903807060280344576 + index),
        "uint128_extremes": [("U128", 0), ("U128", 1), ("U128", 2**64), ("U128", 2**128 - 1)],
        "utf8_string": "unicode! ☯ - ♫ Zürich São Paulo 東京 Москва 서울 🏳️‍🌈",
        "utf8_empty": "",
        "utf8_28": "x" * 28,
        "utf8_29": "y" * 29,
        "utf8_284": "z" * 284,
        "utf8_285": "w" * 285,
    }
    if index == 0:
        record["utf8_huge"] = HUGE_STRING
        record["bytes_large"] = bytes(range(256)) * 260
    if index % 5 == 1:
        record = {"only": "a small record", "index": ("U32", index)}
    return record


def large_record(rng, index, pool):
    if rng.random() < 0.8:
        return pool[rng.randrange(len(pool))]
    return {"id": ("U32", index), "score": round(rng.uniform(0, 100), 3),
            "tags": [rng.choice(["vpn", "tor", "cdn", "isp", "edu"]) for _ in range(rng.randint(0, 3))]}


# The layouts (keys sorted as MaxMind writes them; its booleans only when true):
#   GeoLite2-City, GeoLite2-ASN, GeoIP2-Anonymous-IP: as in MaxMind's source-data/*.json, with
#     their types (geoname_id and autonomous_system_number uint32, accuracy_radius and metro_code
#     uint16, latitude and longitude double).
#   IPinfo Lite: flat strings, asn as "AS15169"; a network without an AS has the country fields
#     only. The database_type is a guess.
#   DB-IP Lite, from DB-IP's published MMDB schema ("as close as possible" to GeoIP2's): country =
#     continent {code, geoname_id, names} and country {geoname_id, is_in_european_union (always
#     present), iso_code, names}, names in 10 languages; city adds city.names.en, location
#     {latitude, longitude} and subdivisions [{names.en}] (the geoname_ids, time zone and postal
#     code are in DB-IP's paid edition only); ASN is GeoLite2-ASN's, and says so in its type.
# name, database_type, languages, description, ip_version, record size (None: the writer's
# choice), IPv4 aliased at ::ffff:0:0/96 and 2002::/16, number of random IPv4 and IPv6 networks,
# record maker, int type
WRITTEN = [
    ("geolite2-city-ipv4-24", "GeoLite2-City", LANGUAGES_GEOLITE2, "GeoLite2City database", 4, 24,
     False, 24, 0, geolite2_city),
    ("geolite2-city-ipv6-28", "GeoLite2-City", LANGUAGES_GEOLITE2, "GeoLite2City database", 6, 28,
     True, 18, 14, geolite2_city),
    ("geolite2-asn-ipv4-28", "GeoLite2-ASN", [], "GeoLite2 ASN database", 4, 28, False, 30, 0,
     geolite2_asn),
    ("geolite2-asn-ipv6-32", "GeoLite2-ASN", [], "GeoLite2 ASN database", 6, 32, True, 20, 16,
     geolite2_asn),
    ("geoip2-anonymous-ip-ipv4-32", "GeoIP2-Anonymous-IP", ["en"], "GeoIP2 Anonymous IP database",
     4, 32, False, 24, 0, anonymous_ip),
    ("geoip2-anonymous-ip-ipv6-24", "GeoIP2-Anonymous-IP", ["en"], "GeoIP2 Anonymous IP database",
     6, 24, True, 16, 14, anonymous_ip),
    ("ipinfo-lite-ipv4-24", "ipinfo ipinfo_lite.mmdb", [], "IPinfo Lite", 4, 24, False, 30, 0,
     ipinfo_lite),
    ("ipinfo-lite-ipv6-28", "ipinfo ipinfo_lite.mmdb", [], "IPinfo Lite", 6, 28, False, 18, 16,
     ipinfo_lite),
    ("dbip-country-lite-ipv4-32", "DBIP-Country-Lite", LANGUAGES_DBIP, "DB-IP.com - IP to Country",
     4, 32, False, 30, 0, dbip_country),
    ("dbip-country-lite-ipv6-24", "DBIP-Country-Lite", LANGUAGES_DBIP, "DB-IP.com - IP to Country",
     6, 24, True, 18, 14, dbip_country),
    ("dbip-city-lite-ipv6-28", "DBIP-City-Lite", LANGUAGES_DBIP, "DB-IP.com - IP to City", 6, 28,
     True, 18, 14, dbip_city),
    ("dbip-asn-lite-ipv6-24", "DBIP-ASN-Lite (compat=GeoLite2-ASN)", [], "DB-IP.com - IP to ASN",
     6, 24, True, 18, 14, geolite2_asn),
    ("geolite2-city-wide-records-ipv6-28", "GeoLite2-City", LANGUAGES_GEOLITE2,
     "GeoLite2City database", 6, 28, True, 12, 8, geolite2_city),
    ("types-ipv4-24", "Bulwark-Types-Test", ["en"], "Every MMDB data type", 4, 24, False, 24, 0,
     all_types),
    ("types-ipv6-32", "Bulwark-Types-Test", ["en"], "Every MMDB data type", 6, 32, False, 14, 14,
     all_types),
]


# An unreferenced value this long opens these databases' data sections, so that their search tree
# records hold values of 2^24 and more: the 28-bit records' shared nibble then matters.
PADDING = {"geolite2-city-wide-records-ipv6-28": 16_800_000}


def writer_classes(site):
    sys.path.insert(0, site)
    import mmdb_writer

    class TypedCacheEncoder(mmdb_writer.Encoder):
        # mmdb-writer dedupes values by equality, so True, 1 and 1.0 would share one encoding;
        # keying by type (and floats by repr, for -0.0) keeps each value's own type.
        def _freeze(self, value):
            if isinstance(value, dict):
                return ("map", tuple((key, self._freeze(item)) for key, item in value.items()))
            if isinstance(value, list):
                return ("array", tuple(self._freeze(item) for item in value))
            if isinstance(value, mmdb_writer.MmdbBaseType):
                value = value.value
                return (type(value).__name__, repr(value) if isinstance(value, float) else value,
                        "wrapped")
            return (type(value).__name__, repr(value) if isinstance(value, float) else value)

    class SizedTreeWriter(mmdb_writer.TreeWriter):
        encoder_cls = TypedCacheEncoder
        forced_record_size = None
        padding = 0

        def write(self, fname):
            if self.padding:
                self.encoder.encode(b"\0" * self.padding)
            super().write(fname)

        def _adjust_record_size(self):
            super()._adjust_record_size()
            forced = self.forced_record_size
            if forced is not None:
                if forced < self.record_size:
                    raise ValueError(f"record size {forced} is too small: {self.record_size}")
                self.record_size = forced
                self.data_offset = self.record_size * 2 / 8 * self._node_counter

    class Writer(mmdb_writer.MMDBWriter):
        record_size = None
        padding = 0

        def _build_meta(self):
            return {**super()._build_meta(), "build_epoch": BUILD_EPOCH}

        def to_db_file(self, filename):
            tree_writer = SizedTreeWriter(self.tree, self._build_meta(), self.int_type,
                                          self.float_type)
            tree_writer.forced_record_size = self.record_size
            tree_writer.padding = self.padding
            tree_writer.write(filename)

    types = {"U16": mmdb_writer.MmdbU16, "U32": mmdb_writer.MmdbU32, "U64": mmdb_writer.MmdbU64,
             "U128": mmdb_writer.MmdbU128, "I32": mmdb_writer.MmdbI32, "F32": mmdb_writer.MmdbF32}
    return mmdb_writer, Writer, types


def alias_ipv4_subtree(mmdb_writer, tree):
    """Points ::ffff:0:0/96 and 2002::/16 at the ::/96 node, as MaxMind's own writer does."""
    node = tree
    for _ in range(96):
        node = node.left
        if not isinstance(node, mmdb_writer.SearchTreeNode):
            raise ValueError("no IPv4 subtree to alias")
    ipv4 = node
    for prefix, length in ((int(ipaddress.IPv6Address("::ffff:0:0")), 96),
                           (int(ipaddress.IPv6Address("2002::")), 16)):
        current = tree
        bits = [(prefix >> (127 - i)) & 1 for i in range(length)]
        for bit in bits[:-1]:
            child = current[bit]
            if child is None:
                child = mmdb_writer.SearchTreeNode()
                current[bit] = child
            if not isinstance(child, mmdb_writer.SearchTreeNode):
                raise ValueError("an inserted network covers an alias")
            current = child
        current[bits[-1]] = ipv4


def write_database(site_classes, path, spec, inserts):
    mmdb_writer, Writer, types = site_classes
    _, database_type, languages, description, ip_version, record_size, aliased = spec[:7]
    from netaddr import IPSet

    writer = Writer(ip_version=ip_version, database_type=database_type, languages=["en"],
                    description={"en": description}, ipv4_compatible=ip_version == 6)
    writer.languages = list(languages)  # mmdb-writer wants a description for every language
    writer.record_size = record_size
    writer.padding = PADDING.get(spec[0], 0)
    for network, record in inserts:
        writer.insert_network(IPSet([str(network)]), wrap(record, types))
    if aliased:
        alias_ipv4_subtree(mmdb_writer, writer.tree)
    staging = path + ".tmp"
    writer.to_db_file(staging)
    os.replace(staging, path)


def written_inserts(spec):
    name, _, _, _, ip_version, _, _, random_v4, random_v6, make = spec
    rng = random.Random(f"{SEED}:{name}")
    networks = [ipaddress.ip_network(text) for text in ANCHORS_V4]
    if ip_version == 6:
        networks += [ipaddress.ip_network(text) for text in ANCHORS_V6]
    picker = NetworkPicker(rng, networks)
    networks += [picker.v4() for _ in range(random_v4)]
    networks += [picker.v6() for _ in range(random_v6)]
    return [(network, make(rng, index)) for index, network in enumerate(networks)]


def large_inserts():
    rng = random.Random(f"{SEED}:large")
    pool = []
    for index in range(400):
        maker = [geolite2_city, geolite2_asn, ipinfo_lite, dbip_city, anonymous_ip][index % 5]
        pool.append(maker(rng, index))
    picker = NetworkPicker(rng)
    inserts = []
    for index in range(LARGE_NETWORKS):
        if index % 5 < 3:
            network = picker.v4((12, 16, 18, 20, 22, 23, 24, 24, 24, 24, 25, 26, 28, 29, 30, 32))
        else:
            network = picker.v6((20, 24, 28, 29, 32, 36, 40, 44, 48, 48, 48, 56, 60, 64, 64, 128))
        inserts.append((network, large_record(rng, index, pool)))
    return inserts


LARGE_SPEC = ("large-ipv6-28", "Bulwark-Large-Test", ["en"], "50,000 random networks", 6, 28, True)


# ---------------------------------------------------------------------------------------------
# Expectations for the cross-checks


class LastInsertWins:
    """Which inserted network answers an address, in the database's own address space."""

    def __init__(self, networks, ip_version, aliased):
        self.ip_version, self.aliased = ip_version, aliased
        self.bits = 128 if ip_version == 6 else 32
        self.index = {}
        for position, network in enumerate(networks):
            self.index[self.space_network(network)] = position
        self.prefixes = sorted({prefix for prefix, _ in self.index})
        self.overlapped = set()
        for prefix, value in self.index:
            for shorter in self.prefixes:
                if shorter >= prefix:
                    break
                key = (shorter, value >> (self.bits - shorter) << (self.bits - shorter))
                if key in self.index:
                    self.overlapped.add(self.index[key])
                    self.overlapped.add(self.index[(prefix, value)])

    def space_network(self, network):
        value = int(network.network_address)
        if self.ip_version == 6 and network.version == 4:
            return network.prefixlen + 96, value
        return network.prefixlen, value

    def space_address(self, address):
        value = int(address)
        if self.ip_version == 4 or address.version == 4:
            return value
        if self.aliased and value >> 32 == 0xFFFF:
            return value & 0xFFFFFFFF
        if self.aliased and value >> 112 == 0x2002:
            return (value >> 80) & 0xFFFFFFFF
        return value

    def find(self, address):
        value = self.space_address(address)
        best = None
        for prefix in self.prefixes:
            key = (prefix, value >> (self.bits - prefix) << (self.bits - prefix))
            if key in self.index and (best is None or self.index[key] > best):
                best = self.index[key]
        return best


def check_addresses(networks):
    addresses = []
    for network in networks:
        addresses.append(str(network.network_address))
        if network.num_addresses > 1:
            addresses.append(str(network.broadcast_address))
    return addresses


def loose_equal(expected, got):
    """Source JSON against a decoded record: numbers by value (float32 within its precision)."""
    if isinstance(got, dict) and set(got) == {"$float"}:
        return isinstance(expected, (int, float)) and not isinstance(expected, bool) and \
            math.isclose(expected, got["$float"], rel_tol=1e-6)
    if isinstance(got, dict) and set(got) == {"$uint"}:
        return expected == int(got["$uint"])
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        return math.isclose(expected, got, rel_tol=1e-12)
    if isinstance(expected, dict) and isinstance(got, dict):
        return expected.keys() == got.keys() and all(loose_equal(expected[k], got[k]) for k in got)
    if isinstance(expected, list) and isinstance(got, list):
        return len(expected) == len(got) and all(map(loose_equal, expected, got))
    return expected == got


def source_for(database):
    """maxmind/GeoIP2-City-Shield-Test.mmdb is written from source-data/GeoIP2-City-Test.json."""
    base = os.path.basename(database)
    if not base.endswith("-Test.mmdb") or "Broken" in base or "Invalid" in base:
        return None
    return base[:-len(".mmdb")].replace("-Shield", "") + ".json"


# ---------------------------------------------------------------------------------------------
# Driver


def run_worker(job):
    command = [sys.executable, os.path.abspath(__file__), "--reference-worker"]
    try:
        completed = subprocess.run(command, input=json.dumps(job), capture_output=True, text=True,
                                   timeout=WORKER_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"file": job["file"], "kind": job["kind"], "opens": False,
                "error": f"the reference reader took over {WORKER_TIMEOUT} s to answer",
                "errorType": "Timeout", "checks": []}
    if completed.returncode != 0:
        detail = completed.stderr.strip().splitlines()[-1:] or [f"exit {completed.returncode}"]
        return {"file": job["file"], "kind": job["kind"], "opens": False,
                "error": f"the reference worker died: {detail[0]}",
                "errorType": "WorkerDied", "checks": []}
    return json.loads(completed.stdout)


def stamp_text():
    with open(os.path.abspath(__file__), "rb") as handle:
        script = hashlib.sha256(handle.read()).hexdigest()
    return json.dumps({"script": script, "maxminddb": MAXMINDDB, "wheels": WHEELS,
                       "python": sys.version_info[:2]})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="databases read at once (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="redo everything but the downloads")
    arguments = parser.parse_args()
    began = time.monotonic()
    out = os.path.abspath(arguments.out)
    os.makedirs(out, exist_ok=True)
    stamp_path = os.path.join(out, ".stamp")
    summary_path = os.path.join(out, "summary.txt")
    if (not arguments.force and os.path.exists(stamp_path) and os.path.exists(summary_path)
            and os.path.exists(os.path.join(out, "expected.json"))
            and open(stamp_path).read() == stamp_text()):
        print(open(summary_path).read().rstrip())
        print(f"IP test data: up to date in {os.path.relpath(out, REPO)} (--force redoes it)")
        return
    if os.path.exists(stamp_path):
        os.remove(stamp_path)

    # 1. The sdist and its test data.
    unpacked = fetch_sdist(out)
    bad_data = copy_test_data(out, unpacked)
    # 2. The writer.
    site = install_writer(out)

    # 3. Our databases.
    classes = writer_classes(site)
    written_dir = os.path.join(out, "written")
    shutil.rmtree(written_dir, ignore_errors=True)
    os.makedirs(written_dir)
    written = []  # (file, spec, inserts)
    for spec in WRITTEN:
        inserts = written_inserts(spec)
        relative = f"written/{spec[0]}.mmdb"
        write_database(classes, os.path.join(out, relative), spec[:7], inserts)
        written.append((relative, spec, inserts))
    inserts = large_inserts()
    write_database(classes, os.path.join(out, "written/large-ipv6-28.mmdb"), LARGE_SPEC, inserts)
    written.append(("written/large-ipv6-28.mmdb", LARGE_SPEC, inserts))
    wrote_at = time.monotonic()

    # 4. The reference answers.
    jobs, sources = [], {}
    common = {"outDir": out, "readerPath": unpacked}
    maxmind_files = sorted(f"maxmind/{name}" for name in os.listdir(os.path.join(out, "maxmind"))
                           if name.endswith(".mmdb"))
    maxmind_files.sort(key=lambda relative: relative in bad_data)  # bad-data's last
    for relative in maxmind_files:
        source_name = source_for(relative) if relative not in bad_data else None
        declared = []
        if source_name and os.path.exists(os.path.join(out, "source-data", source_name)):
            with open(os.path.join(out, "source-data", source_name)) as handle:
                entries = [(ipaddress.ip_network(key, strict=False), value)
                           for item in json.load(handle) for key, value in item.items()]
            sources[relative] = (source_name, entries)
            declared = [network for network, _ in entries]
        kind = {"kind": "maxmind-bad-data", "origin": bad_data[relative]} \
            if relative in bad_data else {"kind": "maxmind"}
        jobs.append({**common, "file": relative, **kind, "cap": LOOKUP_CAP,
                     "walkLimit": 20000, "declared": [str(n) for n in declared],
                     "checks": check_addresses(declared), "checkMode": "full"})
    expectations = {}
    for relative, spec, inserts in written:
        networks = [network for network, _ in inserts]
        large = relative.endswith("large-ipv6-28.mmdb")
        expectations[relative] = (spec, inserts, LastInsertWins(networks, spec[4], spec[6]))
        jobs.append({**common, "file": relative, "kind": "written",
                     "cap": LARGE_LOOKUP_CAP if large else LOOKUP_CAP,
                     "walkLimit": 4 * LARGE_NETWORKS if large else 20000,
                     "declared": [str(n) for n in networks], "checks": check_addresses(networks),
                     "checkMode": "digest"})
    jobs.insert(0, jobs.pop())  # the large database first, so that it does not run alone last
    with concurrent.futures.ThreadPoolExecutor(max(1, arguments.jobs)) as pool:
        results = list(pool.map(run_worker, jobs))
    results.append(results.pop(0))
    read_at = time.monotonic()

    # Cross-checks.
    seconds = {}
    source_checked = source_disagreements = written_checked = written_disagreements = 0
    problems = []
    for result in results:
        relative = result["file"]
        checks = result.pop("checks", [])
        result.pop("walked", None)
        seconds[relative] = result.pop("seconds", 0.0)
        if relative in sources:
            _, entries = sources[relative]
            networks = [network for network, _ in entries]
            ip_version = (result.get("metadata") or {}).get("ip_version", 6)
            model = LastInsertWins(networks, ip_version, True)
            for answer in checks:
                source_checked += 1
                position = model.find(ipaddress.ip_address(answer["address"]))
                expected = entries[position][1] if position is not None else None
                if "error" in answer or not loose_equal(expected, answer["record"]):
                    source_disagreements += 1
                    problems.append(f"{relative} {answer['address']}: source "
                                    f"{canonical(expected)[:160]} reference "
                                    f"{canonical(answer.get('record', answer.get('error')))[:160]}")
        if relative in expectations:
            spec, inserts, model = expectations[relative]
            if not result.get("opens"):
                written_disagreements += 1
                problems.append(f"{relative}: the reference reader cannot open it: "
                                f"{result.get('error')}")
                continue
            digests = {}
            for answer in checks:
                written_checked += 1
                address = ipaddress.ip_address(answer["address"])
                position = model.find(address)
                if position is None:
                    expected = None
                else:
                    if position not in digests:
                        _, _, types = classes
                        digests[position] = digest(json.loads(json.dumps(
                            to_json(wrap(inserts[position][1], types)))))
                    expected = digests[position]
                wrong = "error" in answer or answer["record"] != expected
                if not wrong and position is not None and position not in model.overlapped:
                    network = inserts[position][0]
                    prefix = network.prefixlen
                    if spec[4] == 6 and network.version == 6 and address.version == 4:
                        prefix -= 96
                    wrong = answer["prefixLength"] != prefix
                if wrong:
                    written_disagreements += 1
                    problems.append(f"{relative} {answer['address']}: expected network "
                                    f"{inserts[position][0] if position is not None else None}, "
                                    f"reference {canonical(answer)[:200]}")

    expected_path = os.path.join(out, "expected.json")
    with open(expected_path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump({"generator": "scripts/ip/test-data.py",
                   "referenceReader": f"{MAXMINDDB[0]} {MAXMINDDB[1]} (pure Python)",
                   "databases": results}, handle, ensure_ascii=False, separators=(",", ":"))
        handle.write("\n")
    os.replace(expected_path + ".tmp", expected_path)

    # 5. Summary.
    lines = []
    kinds = {}
    for result in results:
        counts = kinds.setdefault(result["kind"], [0, 0, 0, 0, 0, 0])
        counts[0] += 1
        counts[1] += 0 if result.get("opens") else 1
        for lookup in result.get("lookups", []):
            counts[2] += 1
            if "error" in lookup:
                counts[5] += 1
            elif lookup["record"] is None:
                counts[4] += 1
            else:
                counts[3] += 1
    lines.append(f"IP test data in {os.path.relpath(out, REPO)}/ (reference: pure-Python "
                 f"maxminddb {MAXMINDDB[1]}; writer: mmdb-writer {WHEELS[0][1]}, netaddr "
                 f"{WHEELS[1][1]})")
    for kind, (count, unopened, lookups, found, empty, errors) in kinds.items():
        lines.append(f"  {kind:17} {count:3} databases ({unopened} refused at open), {lookups:5} "
                     f"lookups: {found} records, {empty} empty, {errors} errors")
    for result in results:
        if not result.get("opens"):
            lines.append(f"    refused: {result['file']}: {result['errorType']}: {result['error']}")
        else:
            errors = [lookup for lookup in result["lookups"] if "error" in lookup and
                      "IPv4-only database" not in lookup["error"]]
            if errors:
                lines.append(f"    lookups raise: {result['file']}: {len(errors)}x "
                             f"{errors[0]['errorType']}: {errors[0]['error']}")
    lines.append(f"  source-data checks: {source_checked} addresses, {source_disagreements} "
                 f"disagreements")
    lines.append(f"  written-data checks: {written_checked} addresses, {written_disagreements} "
                 f"disagreements")
    size = os.path.getsize(expected_path)
    lines.append(f"  expected.json: {size / 1e6:.1f} MB; took {read_at - began:.0f} s (writing "
                 f"{wrote_at - began:.0f} s, reading {read_at - wrote_at:.0f} s)")
    slowest = sorted(seconds.items(), key=lambda item: -item[1])[:3]
    lines.append("  slowest to read: " + ", ".join(f"{os.path.basename(name)} {value:.0f} s"
                                                  for name, value in slowest))
    summary = "\n".join(lines)
    for problem in problems[:20]:
        print(f"disagreement: {problem}", file=sys.stderr)
    print(summary)
    with open(summary_path, "w", encoding="utf-8") as handle:
        handle.write(summary + "\n")
    if problems:
        fail(f"{len(problems)} disagreements between the data and the reference reader")
    with open(stamp_path, "w") as handle:
        handle.write(stamp_text())


if __name__ == "__main__":
    if sys.argv[1:] == ["--reference-worker"]:
        worker_main()
    else:
        main()
