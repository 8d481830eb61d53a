#!/usr/bin/env python3
"""Builds benign long-form training text for Bulwark's prompt-injection detector: documentation,
READMEs, release notes, web-page text, narrative and reference prose, source code and configuration
from pinned registry packages, and seeded synthetic tool output, emails, support tickets and reviews.
The shared corpus's benign texts are short questions; without long ordinary text a model learns that
length and running prose mean injection.

    sudo apt-get update     # once: apt-get download needs the package lists
    nice python3 scripts/prompt-injection/training_prose.py [--build .build/prompt-injection]
        [--corpora ../shared/corpora/prompt-injection] [--check]

Downloads once into --build with outside_sets.py's helpers, checks each file's SHA-256 against the
pin below, and reads the files without importing or running anything from them, except Faker, which
is imported from its pinned wheel to fill the synthetic templates:

  Debian python3.11-doc 3.11.2-6+deb12u9 (PSF-2.0; examples 0BSD)  The Python documentation: the
        reStructuredText sources of the tutorial, HOWTOs, FAQs, language reference, setup and
        extending guides (rendered to plain text) and "What's New" (release notes); the HTML pages
        of the library reference as a browser shows their text, navigation and footer included.
  Debian sword-text-web 426.0-1 (public domain)  The World English Bible, read from its SWORD zText
        module: narrative, poetry, letters and the translators' preface, tags and notes removed.
  Debian dict-devil 1.0-13.1 (public domain)     Ambrose Bierce's "The Devil's Dictionary".
  PyPI sdists, docs rendered to plain text; README, contributing, security and GitHub templates
        and changelogs kept as raw Markdown/reStructuredText; Python sources (vendored code left
        out) and configuration files kept verbatim:
        flask 3.1.3, click 8.5.1, jinja2 3.1.6, werkzeug 3.1.9 (BSD-3-Clause); sqlalchemy 2.1.9,
        pip 26.3, pytest 9.2.0, attrs 26.1.0, black 26.10.1, rich 15.0.0 (MIT); sphinx 9.0.4
        (BSD-2-Clause); requests 2.34.2 (Apache-2.0); httpx 0.28.1 (BSD-3-Clause).
  PyPI brotli 1.1.0 sdist (MIT; the texts public domain)  Dialogue-heavy fiction from the
        Canterbury corpus files it carries as test data: Lewis Carroll's "Alice's Adventures in
        Wonderland" (alice29.txt) and Shakespeare's "As You Like It" (asyoulik.txt). Second-person
        dialogue ("you must", "I beg you") is what ordinary fiction most often shares with an
        injection; these are drawn with their own seeded generator and appended, so adding them left
        every other text of the file as it was.
  PyPI faker 40.54.0 wheel (MIT)                  Names, companies, addresses, hosts and other
        slot values for the synthetic texts (JSON records, log lines, CSV, command output, emails,
        support tickets, reviews), whose templates are written here.

None of these overlaps the measuring prose set's sources (Austen, Melville, Django, the Jargon
File). Each source yields documents; consecutive blocks of a document (paragraphs, headings, code,
list items, lines) are joined into texts whose target lengths are drawn from a fixed distribution
(100-4,000 UTF-8 bytes, LONG_SHARE of them over 1,000), and a seeded sample of QUOTAS texts is
taken per (source, category). Texts equal, after lower-casing and collapsing white space, to a text
of the shared train/validation files or of another prompt-injection fixture are dropped and counted.

Writes Tests/BulwarkTests/Fixtures/prompt-injection-benign-train.jsonl, one object a line:
{"id", "text", "label": "benign", "source": "<package>-<version>", "category": "<genre>"}. Counts
go to standard error. The same pins give the same file, byte for byte. --check prints the counts
without writing.
"""

import argparse
import csv
import datetime
import glob
import gzip
import html
import html.parser
import io
import json
import math
import os
import random
import re
import struct
import subprocess
import sys
import tarfile
import zlib

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts from the imports below
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import outside_sets  # noqa: E402  (also puts scripts/email, with pinned_wheels, on the path)
import pinned_wheels  # noqa: E402
from outside_sets import (REPO, FIXTURES, REST_LIST_ITEM, REST_UNDERLINE, SourceError, deb_members,  # noqa: E402
                          fetch_deb, fetch_sdist, normalized, rest_inline, shared_texts, tally, write_jsonl)

OUT = os.path.join(FIXTURES, "prompt-injection-benign-train.jsonl")
# (distribution, version, wheel file name prefix, SHA-256 of the wheel)
WHEELS = {
    "faker": ("faker", "40.54.0", "faker", "2dd88ee8cb63a9149e19ef48bdd73879bc3854d8ba2d6c1535e902a762e603f7"),
}
# (distribution, version, file name, SHA-256)
SDISTS = {
    "flask": ("flask", "3.1.3", "flask-3.1.3.tar.gz",
              "0ef0e52b8a9cd932855379197dd8f94047b359ca0a78695144304cb45f87c9eb"),
    "click": ("click", "8.5.1", "click-8.5.1.tar.gz",
              "9bbfada76703fd1d784b83eea012e3e8c6a001a876543ef104fa56aaaeb072b4"),
    "jinja2": ("jinja2", "3.1.6", "jinja2-3.1.6.tar.gz",
               "0137fb05990d35f1275a587e9aee6d56da821fc83491a0fb838183be43f66d6d"),
    "werkzeug": ("werkzeug", "3.1.9", "werkzeug-3.1.9.tar.gz",
                 "55ca7c70a75689be937aa27f8ff4b018f06ff4838fc73045560bf0f5a1291060"),
    "sqlalchemy": ("sqlalchemy", "2.1.9", "sqlalchemy-2.1.9.tar.gz",
                   "d700a8b2edfb26282a470333d6bc4a454c4acda4d201a3bea7b72fa76c217d28"),
    "pip": ("pip", "26.3", "pip-26.3.tar.gz", "6c36ae7da8695be67e3cd9f7d87919667ced53f57ce2ede75d89b5912ed2bc4c"),
    "pytest": ("pytest", "9.2.0", "pytest-9.2.0.tar.gz",
               "97c4f3b1f3c7414aa36465e09b8220f1d03627993bd51b1282e193753c80557b"),
    "sphinx": ("sphinx", "9.0.4", "sphinx-9.0.4.tar.gz",
               "594ef59d042972abbc581d8baa577404abe4e6c3b04ef61bd7fc2acbd51f3fa3"),
    "attrs": ("attrs", "26.1.0", "attrs-26.1.0.tar.gz",
              "d03ceb89cb322a8fd706d4fb91940737b6642aa36998fe130a9bc96c985eff32"),
    "black": ("black", "26.10.1", "black-26.10.1.tar.gz",
              "5f9f83beae62437e060dafd53d7f1fc327e3d3494f74d72ee5c2b73eb90fc4e7"),
    "rich": ("rich", "15.0.0", "rich-15.0.0.tar.gz",
             "edd07a4824c6b40189fb7ac9bc4c52536e9780fbbfbddf6f1e2502c31b068c36"),
    "requests": ("requests", "2.34.2", "requests-2.34.2.tar.gz",
                 "f288924cae4e29463698d6d60bc6a4da69c89185ad1e0bcc4104f584e960b9ed"),
    "httpx": ("httpx", "0.28.1", "httpx-0.28.1.tar.gz",
              "75e98c5f16b0f35b567856f597f06ff2270a374470a5c2392242528e3e3e42fc"),
}
# (package, version, architecture, SHA-256)
DEBS = {
    "python-doc": ("python3.11-doc", "3.11.2-6+deb12u9", "all",
                   "5b3594189d6ef9a6963ce0347fd307a1cc67620ad697e144db366070e2e146be"),
    "web-bible": ("sword-text-web", "426.0-1", "all",
                  "930b23670b352f0829a306501de4bebb5e654a2df02cde2cbe86b802177868e1"),
    "devil": ("dict-devil", "1.0-13.1", "all", "6a535684def2a1f70cd42da16d12d43f0e9dc3e54e4a329178eebab3170e3154"),
}
# The Canterbury corpus's literary texts, as Brotli's sdist ships them for its tests.
LITERATURE = ("brotli", "1.1.0", "Brotli-1.1.0.tar.gz", "81de08ac11bcb85841e440c13611c00b67d3bf82698314928d0b676362546724")
LITERATURE_FILES = {"alice": "alice29.txt", "as-you-like-it": "asyoulik.txt"}
LITERATURE_QUOTAS = {("alice", "fiction"): 175, ("as-you-like-it", "drama"): 140}
SEED = 104729
MIN_BYTES, MAX_BYTES = 100, 4000
LONG_SHARE = 0.2  # share of target lengths drawn from 1,000-4,000 bytes rather than 100-1,000
# Texts drawn per (source key, category); about 4,000 in all. "synthetic" texts use faker's values.
QUOTAS = {
    ("python-doc", "technical-docs"): 340,
    ("python-doc", "howto"): 120,
    ("python-doc", "faq"): 90,
    ("python-doc", "release-notes"): 100,
    ("python-doc", "web-page"): 300,
    ("flask", "technical-docs"): 90,
    ("click", "technical-docs"): 50,
    ("jinja2", "technical-docs"): 50,
    ("werkzeug", "technical-docs"): 40,
    ("sqlalchemy", "technical-docs"): 160,
    ("pip", "technical-docs"): 80,
    ("pytest", "technical-docs"): 120,
    ("sphinx", "technical-docs"): 90,
    ("attrs", "technical-docs"): 30,
    ("black", "technical-docs"): 40,
    ("readme", "readme"): 120,
    ("changelog", "release-notes"): 130,
    ("source", "code"): 250,
    ("source", "config"): 70,
    ("web-bible", "narrative"): 380,
    ("devil", "reference"): 130,
    ("synthetic", "json"): 170,
    ("synthetic", "logs"): 170,
    ("synthetic", "csv"): 80,
    ("synthetic", "command-output"): 150,
    ("synthetic", "email"): 240,
    ("synthetic", "support-ticket"): 170,
    ("synthetic", "review"): 180,
}


def draw_length(rng):
    """A target length in bytes: log-uniform within the short or the long band."""
    low, high = (1000, MAX_BYTES) if rng.random() < LONG_SHARE else (MIN_BYTES + 30, 1000)
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


def utf8_size(text):
    return len(text.encode("utf-8"))


def split_long(text, limit):
    """Pieces of at most `limit` bytes, cut at line ends or, for a single line, at sentence ends."""
    parts = text.split("\n") if "\n" in text else re.split(r"(?<=[.!?])\s+", text)
    joiner = "\n" if "\n" in text else " "
    pieces, current = [], []
    for part in parts:
        if current and utf8_size(joiner.join(current + [part])) > limit:
            pieces.append(joiner.join(current))
            current = []
        current.append(part)
    if current:
        pieces.append(joiner.join(current))
    return [piece for piece in pieces if utf8_size(piece) <= MAX_BYTES]


def chunk_document(units, rng, separator="\n\n", needs=("text", "list")):
    """Texts made of consecutive (kind, text) units, each about a drawn target length. A heading that
    would end a text starts the next one instead; a text needs a unit of a kind in `needs`."""
    texts, current, size, target = [], [], 0, draw_length(rng)

    def flush(carry_heading):
        nonlocal current, size
        carried = []
        if carry_heading and len(current) > 1 and current[-1][0] == "heading":
            carried = [current.pop()]
        text = separator.join(t for _, t in current).strip("\n")
        if MIN_BYTES <= utf8_size(text) <= MAX_BYTES and any(kind in needs for kind, _ in current):
            texts.append(text)
        current = carried
        size = sum(utf8_size(t) for _, t in current)

    for kind, text in units:
        if not text.strip():
            continue
        if utf8_size(text) > MAX_BYTES:
            flush(False)
            for piece in split_long(text, target):
                current = [(kind, piece)]
                flush(False)
                target = draw_length(rng)
            continue
        if current and size + len(separator) + utf8_size(text) > MAX_BYTES:
            flush(True)
        current.append((kind, text))
        size += utf8_size(text) + len(separator)
        if size >= target:
            flush(True)
            target = draw_length(rng)
    flush(False)
    return texts


# ---- reStructuredText and Markdown rendered to plain text -------------------------------------------

RST_DIRECTIVE = re.compile(r"^\.\.\s+([\w:.-]+)::\s*(.*)$")
ADMONITIONS = {
    "note": "Note", "warning": "Warning", "tip": "Tip", "important": "Important", "hint": "Hint",
    "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error", "seealso": "See also",
    "admonition": "", "versionadded": "Added in version", "versionchanged": "Changed in version",
    "deprecated": "Deprecated since version", "versionremoved": "Removed in version", "impl-detail": "",
}
CODE_DIRECTIVES = {"code-block", "code", "sourcecode", "doctest", "testcode", "testoutput", "example", "run",
                   "parsed-literal", "prompt", "highlight-code"}
SIGNATURE_DIRECTIVES = {"function", "class", "method", "attribute", "data", "exception", "decorator", "property",
                        "classmethod", "staticmethod", "envvar", "option", "confval", "describe", "object",
                        "cmdoption", "macro", "type", "member", "var", "opcode", "pdbcommand", "event"}
BODY_DIRECTIVES = {"only", "container", "rst-class", "glossary", "tab", "tabs", "group-tab", "tab-set", "tab-item",
                   "dropdown", "topic", "sidebar", "hlist", "centered", "grid-item-card", "card"}


def dedent(lines):
    """Lines without their common indentation, and without blank lines at either end."""
    lines = [line.rstrip() for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    indent = min((len(line) - len(line.lstrip(" ")) for line in lines if line), default=0)
    return [line[indent:] for line in lines]


def code_unit(lines):
    body = dedent(lines)
    return ("code", "\n".join("    " + line if line else "" for line in body)) if body else None


def indented_region(lines, start):
    """The end of the indented (or blank) lines from `start`."""
    end = start
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t"):
        end += 1
    return end


def directive_units(name, argument, body, render):
    """Units of a directive's body: code, an admonition with its label, a signature and its text, or
    nothing (tables of contents, index entries, autodoc, images, includes...)."""
    while body and body[0].startswith(":"):
        body = body[1:]  # options
    base = name.split(":")[-1].lower()
    if base in CODE_DIRECTIVES:
        unit = code_unit(body)
        return [unit] if unit else []
    if base in ADMONITIONS:
        label = ADMONITIONS[base]
        inner = render(body)
        if label and argument and base.startswith(("version", "deprecated")):
            label = f"{label} {rest_inline(argument)}"
        elif not label and argument:
            label = rest_inline(argument)
        if label:
            if inner and inner[0][0] == "text":
                inner[0] = ("text", f"{label}: {inner[0][1]}")
            else:
                inner.insert(0, ("text", f"{label}."))
        return inner
    if base in SIGNATURE_DIRECTIVES:
        return ([("code", "    " + argument.strip())] if argument.strip() else []) + render(body)
    if base in BODY_DIRECTIVES:
        return render(body)
    return []


def list_unit(lines, item_pattern, inline):
    """A list paragraph as one unit, one line an item, bullets as "-" and enumerations kept."""
    items, number = [], 0
    for line in lines:
        match = item_pattern.match(line)
        if match:
            marker = match.group(1)
            number += 1
            marker = "-" if marker in ("*", "-", "+") else f"{number}." if marker == "#." else marker
            items.append([marker, line[match.end():]])
        elif items:
            items[-1].append(line.strip())
    return ("list", "\n".join(f"{item[0]} {inline(' '.join(item[1:]))}" for item in items))


def rst_units(lines):
    """(kind, text) units of reStructuredText: headings, paragraphs, lists, code, admonitions."""
    lines = [line.expandtabs(8).rstrip() for line in lines]
    units, index, literal_next = [], 0, False
    while index < len(lines):
        line = lines[index]
        if not line:
            index += 1
            continue
        if line[0] == " ":
            end = indented_region(lines, index)
            body = dedent(lines[index:end])
            if literal_next:
                unit = code_unit(body)
                units.extend([unit] if unit else [])
            else:
                units.extend(rst_units(body))
            index, literal_next = end, False
            continue
        literal_next = False
        if line.startswith(".."):
            end = indented_region(lines, index + 1)
            directive = RST_DIRECTIVE.match(line)
            if directive:
                units.extend(directive_units(directive.group(1), directive.group(2), dedent(lines[index + 1:end]),
                                             rst_units))
            index = end
            continue
        end = index
        while end < len(lines) and lines[end]:
            end += 1
        paragraph, index = lines[index:end], end
        if paragraph[0].startswith(">>>"):
            units.append(code_unit(paragraph))
            continue
        if paragraph[0].startswith(("+-", "+=", ":", "|")) or re.fullmatch(r"=+( +=+)+", paragraph[0]):
            continue  # tables, field lists, line blocks
        if len(paragraph) >= 3 and REST_UNDERLINE.match(paragraph[0]) and REST_UNDERLINE.match(paragraph[2]):
            units.append(("heading", rest_inline(paragraph[1])))
            paragraph = paragraph[3:]
        elif len(paragraph) >= 2 and REST_UNDERLINE.match(paragraph[1]):
            units.append(("heading", rest_inline(paragraph[0])))
            paragraph = paragraph[2:]
        if not paragraph:
            continue
        literal_next = paragraph[-1].endswith("::")  # an indented block after "::" is code
        if REST_LIST_ITEM.match(paragraph[0]):
            units.append(list_unit(paragraph, REST_LIST_ITEM, rest_inline))
            continue
        if len(paragraph) >= 2 and all(line.startswith(" ") for line in paragraph[1:]):
            term, definition = rest_inline(paragraph[0]), rest_inline(" ".join(paragraph[1:]))
            units.append(("text", f"{term}: {definition}"))
            continue
        text = rest_inline(" ".join(line.strip() for line in paragraph))
        if text not in ("", ":"):
            units.append(("text", text))
    return [unit for unit in units if unit and unit[1].strip()]


MD_FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})\s*(?:\{([\w:.-]+)\})?\s*(.*)$")
MD_LIST_ITEM = re.compile(r"^(\*|-|\+|\d+[.)]) ")
MD_ROLE = re.compile(r"\{[\w:.-]+\}`([^`<]*?)\s*(?:<[^`>]*>)?`")


def md_inline(text):
    def role(match):
        target = match.group(1).lstrip("!")
        return target.rsplit(".", 1)[-1] if target.startswith("~") else target

    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", text)
    text = MD_ROLE.sub(role, text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"(?<![\w*])\*(\S.*?\S|\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(html.unescape(text).split())


def md_units(lines):
    """(kind, text) units of Markdown and MyST: headings, paragraphs, lists, fenced code; MyST
    directives as in reStructuredText, eval-rst blocks through the reStructuredText renderer."""
    lines = [line.expandtabs(4).rstrip() for line in lines]
    units, index = [], 0
    while index < len(lines):
        line, stripped = lines[index], lines[index].strip()
        if not stripped:
            index += 1
            continue
        fence = MD_FENCE.match(stripped)
        if fence:
            marker = fence.group(1)
            closing = re.compile(rf"^\s*{re.escape(marker[0])}{{{len(marker)},}}\s*$")
            end = index + 1
            while end < len(lines) and not closing.match(lines[end]):
                end += 1
            body, index = dedent(lines[index + 1:end]), end + 1
            name = fence.group(2)
            if name == "eval-rst":
                units.extend(rst_units(body))
            elif name:
                units.extend(directive_units(name, fence.group(3), body, md_units))
            elif marker[0] == ":":
                units.extend(md_units(body))
            else:
                unit = code_unit(body)
                units.extend([unit] if unit else [])
            continue
        if stripped.startswith("<!--"):
            while index < len(lines) and "-->" not in lines[index]:
                index += 1
            index += 1
            continue
        if re.fullmatch(r"\(.+\)=", stripped) or stripped.startswith(("|", "[//]", "---")):
            index += 1
            continue
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*$", stripped)
        if heading and not line.startswith(" "):
            units.append(("heading", md_inline(heading.group(1))))
            index += 1
            continue
        if line.startswith("    "):
            end = indented_region(lines, index)
            unit = code_unit(lines[index:end])
            units.extend([unit] if unit else [])
            index = end
            continue
        end = index
        while end < len(lines) and lines[end].strip() and not MD_FENCE.match(lines[end].strip()):
            end += 1
        paragraph, index = [line.strip() for line in lines[index:end]], end
        if MD_LIST_ITEM.match(paragraph[0]):
            units.append(list_unit(paragraph, MD_LIST_ITEM, md_inline))
            continue
        text = md_inline(" ".join(line.lstrip("> ") for line in paragraph))
        if text:
            units.append(("text", text))
    return [unit for unit in units if unit and unit[1].strip()]


def raw_units(source):
    """A file's blocks as written (paragraphs, with fenced code kept whole), for raw README and
    changelog text."""
    units, current, fence = [], [], None
    for line in source.splitlines():
        line = line.rstrip()
        opener = re.match(r"^\s*(`{3,}|~{3,})", line)
        if opener and fence is None:
            fence = opener.group(1)
        elif fence and line.strip().startswith(fence):
            fence = None
        if not line and fence is None:
            if current:
                units.append(("text", "\n".join(current)))
            current = []
        else:
            current.append(line)
    if current:
        units.append(("text", "\n".join(current)))
    return units


def code_units(source):
    """A source file cut before each top-level statement that follows a blank line, verbatim."""
    units, current = [], []
    for line in source.splitlines():
        if current and line and not line[0].isspace() and not current[-1].strip() \
                and not line.startswith((")", "]", "}")):
            units.append(("code", "\n".join(current).rstrip("\n") + "\n"))
            current = []
        current.append(line.rstrip())
    if current:
        units.append(("code", "\n".join(current).rstrip("\n") + "\n"))
    return units


# ---- documents of the packages ----------------------------------------------------------------------

PYTHON_DOC_SOURCES = "usr/share/doc/python3.11/html/_sources/"
PYTHON_DOC_CATEGORIES = {
    "tutorial/": "technical-docs", "using/": "technical-docs", "extending/": "technical-docs",
    "installing/": "technical-docs", "reference/": "technical-docs", "distributing/": "technical-docs",
    "howto/": "howto", "faq/": "faq", "whatsnew/": "release-notes",
}


class VisibleText(html.parser.HTMLParser):
    """The lines of text a browser shows for an HTML page: scripts, styles and form controls left
    out, a new line at each block element, preformatted text kept as it is."""

    BLOCK = {"p", "div", "section", "article", "header", "footer", "nav", "main", "aside", "h1", "h2", "h3", "h4",
             "h5", "h6", "li", "dt", "dd", "tr", "br", "pre", "table", "ul", "ol", "dl", "blockquote", "form",
             "figure", "figcaption", "hr", "title", "label"}
    HIDDEN = {"script", "style", "noscript", "template", "svg", "select", "textarea"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.current, self.hidden, self.preformatted = [], [], 0, 0

    def end_line(self):
        text = "".join(self.current)
        text = text.rstrip() if self.preformatted else " ".join(text.split())
        if text.strip():
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCK:
            self.end_line()
            self.preformatted += tag == "pre"
        elif tag in ("td", "th"):
            self.current.append(" ")
        elif tag == "input" and dict(attrs).get("type") == "submit":
            self.current.append(f" {dict(attrs).get('value', '')} ")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCK:
            self.end_line()
            self.preformatted -= tag == "pre" and self.preformatted > 0

    def handle_data(self, data):
        if self.hidden:
            return
        if self.preformatted:
            parts = data.split("\n")
            self.current.append(parts[0])
            for part in parts[1:]:
                self.end_line()
                self.current.append(part)
        else:
            self.current.append(data)


def page_lines(markup):
    parser = VisibleText()
    parser.feed(markup)
    parser.close()
    parser.end_line()
    return parser.lines


def python_doc_documents(deb):
    """(category, kind, units) of the Python documentation: rendered reStructuredText sources, and
    library pages as browser text ("line" units joined by single new lines)."""
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], capture_output=True, check=True).stdout
    documents = []
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        members = sorted((m for m in archive.getmembers() if m.isfile()), key=lambda m: m.name)
        for member in members:
            name = member.name.lstrip("./")
            if name.startswith(PYTHON_DOC_SOURCES) and name.endswith(".rst.txt"):
                relative = name[len(PYTHON_DOC_SOURCES):]
                category = next((c for prefix, c in PYTHON_DOC_CATEGORIES.items() if relative.startswith(prefix)),
                                None)
                if category:
                    source = archive.extractfile(member).read().decode("utf-8")
                    documents.append((category, rst_units(source.splitlines())))
            elif re.fullmatch(r"usr/share/doc/python3\.11/html/library/[\w.-]+\.html", name):
                lines = page_lines(archive.extractfile(member).read().decode("utf-8"))
                documents.append(("web-page", [("line", line) for line in lines]))
    if not documents:
        raise SourceError(f"{deb}: no documentation sources found")
    return documents


RELEASE_NOTE_NAMES = re.compile(r"(?i)(^|/)(changes|changelog|history|news|release[-_]?notes?)[^/]*\.(rst|md|txt)$")
README_NAMES = re.compile(r"(?i)^[^/]+/(readme|contributing|security|code_of_conduct)[^/]*\.(rst|md)$"
                          r"|^[^/]+/\.github/.*\.md$")
CONFIG_NAMES = re.compile(r"(?i)^[^/]+/([^/]+\.(toml|cfg|ini|ya?ml)|\.github/.*\.ya?ml|[^/]*makefile"
                          r"|\.pre-commit-config\.yaml|\.readthedocs\.ya?ml|docs?/conf\.py)$")
DOC_FOLDERS = re.compile(r"^[^/]+/(docs?|doc/en|doc/build|docs/html)/")
SOURCE_FOLDERS = re.compile(r"^[^/]+/(src|lib)/.+\.py$")


def sdist_documents(path):
    """(category, kind, units) of an sdist: rendered docs, raw READMEs and changelogs, source code
    and configuration. Vendored code (pip's _vendor) and test data are left out."""
    documents = []
    with tarfile.open(path) as archive:
        members = sorted((m for m in archive.getmembers() if m.isfile()), key=lambda m: m.name)
        for member in members:
            name = member.name
            if "/_vendor/" in name or "/tests/" in name or "/testing/" in name or ".egg-info/" in name:
                continue
            if name.endswith("/PKG-INFO"):
                continue

            def read():
                return archive.extractfile(member).read().decode("utf-8", "replace")

            if RELEASE_NOTE_NAMES.search(name) and "/announce/" not in name:
                documents.append(("release-notes", raw_units(read())))
            elif README_NAMES.match(name):
                documents.append(("readme", raw_units(read())))
            elif CONFIG_NAMES.match(name):
                documents.append(("config", code_units(read())))
            elif SOURCE_FOLDERS.match(name):
                documents.append(("code", code_units(read())))
            elif DOC_FOLDERS.match(name) and name.endswith((".rst", ".txt")):
                documents.append(("technical-docs", rst_units(read().splitlines())))
            elif DOC_FOLDERS.match(name) and name.endswith(".md"):
                documents.append(("technical-docs", md_units(read().splitlines())))
    return documents


OSIS_PARAGRAPH = re.compile(r"<div[^>]*type=\"x-p\"[^>]*/>|<lg[^>]*/?>|</lg>|<chapter[^>]*/>")
OSIS_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)


def web_bible_documents(files):
    """("narrative", units) per book of the World English Bible's SWORD zText module: paragraphs and
    verse groups as units, titles as headings, footnotes removed."""
    root = "usr/share/sword/modules/texts/ztext/engWEB2015eb/"
    documents = []
    for testament in ("ot", "nt"):
        index, blob = files[root + testament + ".bzs"], files[root + testament + ".bzz"]
        for number in range(len(index) // 12):
            offset, size, expected = struct.unpack_from("<III", index, number * 12)
            raw = zlib.decompress(blob[offset:offset + size])
            if len(raw) != expected:
                raise SourceError(f"SWORD block {testament}/{number} inflates to {len(raw)} bytes, not {expected}")
            # A footnote sits between two words without spaces of its own in places.
            book = re.sub(r"(?<=\w)<note\b.*?</note>(?=\w)", " ", raw.decode("utf-8"), flags=re.S)
            book = re.sub(r"<note\b.*?</note>", "", book, flags=re.S)
            book = OSIS_TITLE.sub(lambda m: "\n\n#" + re.sub(r"<[^>]+>", "", m.group(1)) + "\n\n", book)
            book = OSIS_PARAGRAPH.sub("\n\n", book)
            book = re.sub(r"<l\b[^>]*\bsID=[^>]*/>|<lb\b[^>]*/>", "\n", book)  # a verse line starts
            book = html.unescape(re.sub(r"<[^>]+>", "", book))
            units = []
            for paragraph in re.split(r"\n\s*\n", book):
                lines = [" ".join(line.split()) for line in paragraph.split("\n")]
                text = "\n".join(line for line in lines if line)
                if text.startswith("#"):
                    units.append(("heading", text[1:].strip()))
                elif text:
                    units.append(("text", text))
            documents.append(("narrative", units))
    return documents


def devil_documents(files):
    """("reference", units): The Devil's Dictionary's entries in order, read through its dictd index."""
    text = gzip.decompress(files["usr/share/dictd/devil.dict.dz"]).decode("latin-1")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    def number(code):
        value = 0
        for character in code:
            value = value * 64 + alphabet.index(character)
        return value

    spans = set()
    for line in files["usr/share/dictd/devil.index"].decode("latin-1").splitlines():
        headword, offset, length = line.split("\t")[:3]
        if not headword.startswith("00database"):
            spans.add((number(offset), number(length)))
    units = []
    for offset, length in sorted(spans):
        entry = text[offset:offset + length].strip("\n")
        paragraphs = []
        for block in re.split(r"\n\s*\n", entry):
            lines = block.split("\n")
            if all(line.startswith("    ") for line in lines):
                paragraphs.append("\n".join(line.strip() for line in lines))  # verse keeps its lines
            else:
                paragraphs.append(" ".join(" ".join(line.split()) for line in lines))
        units.append(("text", "\n\n".join(p for p in paragraphs if p)))
    if len(units) < 500:
        raise SourceError(f"The Devil's Dictionary: only {len(units)} entries found")
    return [("reference", units)]


def literature_texts(path):
    """The Canterbury corpus files named in LITERATURE_FILES, read from Brotli's sdist without
    unpacking it: {key: text}, line ends made Unix."""
    texts = {}
    with tarfile.open(path) as archive:
        for key, name in LITERATURE_FILES.items():
            member = archive.extractfile(f"Brotli-{LITERATURE[1]}/tests/testdata/{name}")
            if member is None:
                raise SourceError(f"{name} is not in {os.path.basename(path)}")
            texts[key] = member.read().decode("latin-1").replace("\r\n", "\n")
    return texts


def alice_documents(text):
    """("fiction", units) per chapter of Alice's Adventures in Wonderland: paragraphs as units
    (lines joined; verse, indented throughout, keeps its lines), the chapter title as a heading.
    Carroll's `quotes' are written with straight apostrophes."""
    start, end = text.find("CHAPTER I\n"), text.rfind("THE END")
    if start < 0 or end < start:
        raise SourceError("alice29.txt: no CHAPTER I ... THE END")
    documents = []
    for chapter in re.split(r"\n\s*CHAPTER [IVXL]+\n", "\n" + text[start:end]):
        units = []
        for block in re.split(r"\n\s*\n", chapter.replace("`", "'")):
            lines = [line for line in block.split("\n") if line.strip()]
            if not lines:
                continue
            if len(lines) == 1 and lines[0].startswith(" " * 10):
                units.append(("heading", lines[0].strip()))
            elif all(line.startswith("    ") for line in lines):
                units.append(("text", "\n".join(line.strip() for line in lines)))
            else:
                units.append(("text", " ".join(" ".join(line.split()) for line in lines)))
        if units:
            documents.append(("fiction", units))
    if len(documents) != 12:
        raise SourceError(f"alice29.txt: {len(documents)} chapters found, not 12")
    return documents


PLAY_SPEECH = re.compile(r"^([A-Z][A-Za-z .'()]*[A-Za-z)])\t+(.*)$")


def play_documents(text):
    """("drama", units) per scene of As You Like It: each speech a unit, "NAME: its lines" (verse
    keeps its lines); the scene line and stage directions as headings. Lines after a stage direction
    inside a speech are a new speech by the same speaker."""
    start = text.find("\nACT I\n")
    if start < 0:
        raise SourceError("asyoulik.txt: no ACT I")
    documents, units, speech, speaker = [], [], None, None

    def end_speech():
        nonlocal speech
        if speech:
            units.append(("text", f"{speech[0]}: " + "\n".join(speech[1])))
        speech = None

    for line in text[start:].split("\n"):
        if not line.strip():
            continue
        if line.startswith("ACT ") or line.startswith("SCENE"):
            end_speech()
            if line.startswith("SCENE") and units:
                documents.append(("drama", units))
                units = []
            units.append(("heading", " ".join(line.split())))
            continue
        body = line.strip()
        match = PLAY_SPEECH.match(line)
        if match:
            end_speech()
            speaker = match.group(1).strip()
            speech = (speaker, [match.group(2).strip()])
        elif body.startswith("[") or (body.isupper() and body.replace(" ", "").isalpha()):  # a direction, a title
            end_speech()
            units.append(("heading", body))
        elif speech and line.startswith("\t"):
            speech[1].append(body)
        elif speaker and line.startswith("\t"):
            speech = (speaker, [body])  # the speaker goes on after a stage direction
        else:
            raise SourceError(f"asyoulik.txt: cannot place the line {line!r}")
    end_speech()
    if units:
        documents.append(("drama", units))
    if len(documents) < 20:
        raise SourceError(f"asyoulik.txt: only {len(documents)} scenes found")
    return documents


def literature_rows(build, admission):
    """(category, text, source) rows of dialogue-heavy fiction, sampled with their own generator so
    that the rows drawn before them do not change."""
    rng = random.Random(SEED + 2)
    texts = literature_texts(fetch_sdist(*LITERATURE, build))
    source = f"{LITERATURE[0]}-{LITERATURE[1]}"
    pools = {}
    add_documents(pools, "alice", "fiction", source, alice_documents(texts["alice"]), rng)
    add_documents(pools, "as-you-like-it", "drama", source, play_documents(texts["as-you-like-it"]), rng)
    return sample_pools(pools, LITERATURE_QUOTAS, admission, rng)


# ---- synthetic tool output, emails, tickets and reviews --------------------------------------------

class Slots:
    """Seeded slot values: Faker (pinned) for names, companies, places and hosts; the script's own
    generator for everything else. Only absolute dates are used, so the output does not depend on
    the day the script runs."""

    EPOCH = datetime.datetime(2023, 1, 2, 8, 0, 0)

    def __init__(self, rng, faker_module):
        self.rng = rng
        self.fakers = []
        for number, locale in enumerate(("en_US", "en_GB", "en_CA", "en_AU", "en_IE")):
            fake = faker_module.Faker(locale)
            fake.seed_instance(SEED + number)
            self.fakers.append(fake)

    @property
    def fake(self):
        return self.fakers[0] if self.rng.random() < 0.6 else self.rng.choice(self.fakers[1:])

    def pick(self, options):
        return self.rng.choice(options)

    def moment(self, after=None, within_days=1000):
        start = after or self.EPOCH
        return start + datetime.timedelta(seconds=self.rng.randrange(within_days * 86400))

    def person(self):
        fake = self.fake
        first, last = fake.first_name(), fake.last_name()
        return first, last

    def address_of(self, first, last, domain):
        style = self.rng.randrange(4)
        local = [f"{first}.{last}", f"{first[0]}{last}", f"{first}", f"{last}.{first[0]}"][style]
        return re.sub(r"[^a-z.]", "", local.lower()) + "@" + domain

    def domain(self):
        return self.fake.domain_name()

    def company(self):
        return self.fake.company()

    def city(self):
        return self.fake.city()

    def amount(self, low=20, high=20000):
        return f"{self.rng.uniform(low, high):,.2f}"

    def ip(self):
        return self.fake.ipv4_public() if self.rng.random() < 0.6 else self.fake.ipv4_private()


PRODUCT_ADJECTIVES = ["Compact", "Pro", "Ultra", "Classic", "Smart", "Eco", "Travel", "Deluxe", "Mini", "Max", "Silent",
                      "Wireless", "Heavy-Duty", "Everyday", "Premium", "Lite"]
PRODUCT_NOUNS = ["Blender", "Headphones", "Backpack", "Desk Lamp", "Water Bottle", "Air Fryer", "Keyboard",
                 "Monitor Arm",
                 "Running Shoes", "Coffee Grinder", "Office Chair", "Rain Jacket", "Phone Case", "Vacuum", "Kettle",
                 "Webcam", "Standing Desk", "Router", "Electric Toothbrush", "Yoga Mat", "Tent", "Drill Driver",
                 "Bluetooth Speaker", "Cast Iron Skillet", "Label Printer", "Baby Monitor", "Space Heater"]
SERVICES = ["checkout-api", "auth-service", "billing-worker", "search-indexer", "notification-svc", "inventory-api",
            "report-generator", "media-transcoder", "gateway", "user-profile", "scheduler", "payments"]
PATHS = ["/api/v1/orders", "/api/v1/users/{id}", "/login", "/static/css/app.{hex}.css", "/healthz", "/api/v2/search",
         "/products/{id}", "/cart", "/checkout/confirm", "/favicon.ico", "/robots.txt", "/api/v1/invoices/{id}/pdf",
         "/assets/img/banner-{id}.webp", "/account/settings", "/api/v1/reports?from=2024-01-01&to=2024-03-31",
         "/blog/{slug}", "/sitemap.xml", "/api/v1/sessions", "/metrics", "/docs/getting-started"]
USER_AGENTS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 "
               "Safari/537.36",
               "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
               "Safari/605.1.15", "curl/8.5.0", "python-requests/2.31.0", "Go-http-client/2.0",
               "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
               "kube-probe/1.29", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
               "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "okhttp/4.12.0"]


def slug(slots):
    return "-".join(slots.fake.words(slots.rng.randint(2, 4)))


def fill_path(slots, path):
    return (path.replace("{id}", str(slots.rng.randint(1, 99999))).replace("{hex}", f"{slots.rng.getrandbits(32):08x}")
            .replace("{slug}", slug(slots)))


def grow(slots, target, make, joiner="\n", head=""):
    """Pieces from `make` joined until the text reaches about `target` bytes."""
    pieces, size = [], utf8_size(head)
    while size < target and len(pieces) < 400:
        piece = make()
        if size + utf8_size(piece) > MAX_BYTES - 50:
            break
        pieces.append(piece)
        size += utf8_size(piece) + len(joiner)
    return head + joiner.join(pieces)


def iso(moment, zone="Z"):
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + zone


ISSUE_TITLES = ["{thing} fails when {condition}", "Add support for {feature}",
                "Crash on startup after upgrading to {version}",
                "Docs: clarify how {feature} works", "Memory usage grows with {thing}", "Timeout when {condition}",
                "Flaky test in {thing}", "Deprecate {feature}", "Wrong error message for {thing}",
                "{thing} ignores the {feature} setting", "Regression in {version}: {thing} is slower"]
THINGS = ["the exporter", "CSV import", "the login page", "pagination", "the retry logic", "the CLI", "file uploads",
          "the cache", "date parsing", "the sync job", "webhooks", "the settings page", "search", "the PDF renderer"]
CONDITIONS = ["the file name has spaces", "the network drops", "two users edit at once", "the list is empty",
              "running behind a proxy", "the locale is not English", "the token expires", "using Python 3.12"]
FEATURES = ["dark mode", "proxy configuration", "custom headers", "async clients", "time zones", "bulk delete",
            "SSO login", "rate limiting", "partial updates", "offline mode", "IPv6", "streaming responses"]


def issue_title(slots):
    return slots.pick(ISSUE_TITLES).format(thing=slots.pick(THINGS), condition=slots.pick(CONDITIONS),
                                           feature=slots.pick(FEATURES),
                                           version=f"{slots.rng.randint(1, 5)}.{slots.rng.randint(0, 12)}")


def json_record(slots, kind):
    rng, fake = slots.rng, slots.fake
    when = slots.moment()
    if kind == "user":
        first, last = slots.person()
        return {"id": rng.randint(1000, 99999), "name": f"{first} {last}",
                "email": slots.address_of(first, last, slots.domain()), "role": slots.pick(["admin", "member", "viewer",
                                                                                          "owner", "billing"]),
                "active": rng.random() < 0.85, "created_at": iso(when),
                "address": {"street": fake.street_address(), "city": fake.city(), "postcode": fake.postcode()}}
    if kind == "order":
        items = [{"sku": f"{fake.bothify('??-####').upper()}", "name": f"{slots.pick(PRODUCT_ADJECTIVES)} "
                  f"{slots.pick(PRODUCT_NOUNS)}", "quantity": rng.randint(1, 4),
                  "unit_price": round(rng.uniform(4, 400), 2)} for _ in range(rng.randint(1, 4))]
        return {"order_id": f"ORD-{rng.randint(100000, 999999)}", "placed_at": iso(when), "items": items,
                "status": slots.pick(["pending", "paid", "shipped", "delivered", "refunded", "cancelled"]),
                "shipping": {"carrier": slots.pick(["UPS", "DHL", "FedEx", "Royal Mail", "Canada Post"]),
                             "tracking": fake.bothify("1Z###??########").upper(), "city": fake.city()},
                "total": round(sum(i["quantity"] * i["unit_price"] for i in items), 2)}
    if kind == "issue":
        return {"number": rng.randint(100, 9999), "title": issue_title(slots),
                "state": slots.pick(["open", "closed"]), "user": {"login": fake.user_name()},
                "labels": rng.sample(["bug", "enhancement", "docs", "good first issue", "needs triage", "regression",
                                      "question", "performance"], rng.randint(0, 3)),
                "comments": rng.randint(0, 40), "created_at": iso(when), "updated_at": iso(slots.moment(when, 90))}
    if kind == "forecast":
        return {"date": when.strftime("%Y-%m-%d"), "temp_max_c": round(rng.uniform(-5, 34), 1),
                "temp_min_c": round(rng.uniform(-12, 20), 1), "precipitation_mm": round(rng.expovariate(0.4), 1),
                "wind_kph": rng.randint(0, 60), "summary": slots.pick(["Sunny", "Partly cloudy", "Light rain",
                                                                        "Showers in the afternoon", "Overcast",
                                                                        "Thunderstorms possible", "Snow flurries",
                                                                        "Fog early, clearing later"])}
    if kind == "search":
        title = f"{slots.pick(['How to', 'Guide:', 'Why', 'Best way to', 'Understanding'])} {' '.join(fake.words(4))}"
        return {"title": title.capitalize(), "url": fake.url() + slug(slots),
                "snippet": fake.sentence(nb_words=rng.randint(12, 24)), "published": when.strftime("%Y-%m-%d")}
    if kind == "event":
        return {"timestamp": iso(when), "level": slots.pick(["INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG"]),
                "service": slots.pick(SERVICES), "message": log_message(slots),
                "trace_id": f"{rng.getrandbits(64):016x}",
                "host": f"ip-{fake.ipv4_private().replace('.', '-')}"}
    if kind == "calendar":
        first, last = slots.person()
        start = when.replace(minute=rng.choice([0, 15, 30, 45]), second=0)
        return {"summary": slots.pick(["Weekly sync", "Quarterly planning", "1:1", "Design review", "Customer call",
                                       "Interview", "Sprint retro", "Budget review", "Lunch and learn"]),
                "start": iso(start), "end": iso(start + datetime.timedelta(minutes=rng.choice([15, 30, 45, 60, 90]))),
                "organizer": slots.address_of(first, last, slots.domain()),
                "location": slots.pick(["Room 4B", "Zoom", "Google Meet", "Cafeteria", f"{fake.city()} office"]),
                "attendees": rng.randint(2, 14)}
    if kind == "metric":
        return {"host": f"{slots.pick(['web', 'db', 'cache', 'worker'])}-{rng.randint(1, 40):02d}",
                "ts": int(when.timestamp()), "cpu": round(rng.uniform(1, 99), 1), "mem_mb": rng.randint(200, 64000),
                "disk_util": round(rng.random(), 3), "net_rx_kbps": rng.randint(0, 90000)}
    raise ValueError(kind)


def synth_json(slots, target):
    rng = slots.rng
    kind = slots.pick(["user", "order", "issue", "forecast", "search", "event", "calendar", "metric"])
    indent = None if rng.random() < 0.3 else slots.pick([2, 2, 4])
    records, size = [], 80
    while size < target and len(records) < 60:
        record = json_record(slots, kind)
        encoded = utf8_size(json.dumps(record, indent=indent, ensure_ascii=False))
        if records and size + encoded > MAX_BYTES - 300:
            break
        records.append(record)
        size += encoded
    wrapper = rng.randrange(4)
    if wrapper == 0:
        document = records
    elif wrapper == 1:
        document = {"data": records, "page": rng.randint(1, 9), "per_page": len(records),
                    "total": len(records) + rng.randint(0, 500)}
    elif wrapper == 2:
        document = {"status": "ok", "count": len(records), "results": records,
                    "request_id": slots.fake.uuid4()}
    else:
        return "\n".join(json.dumps(r, ensure_ascii=False) for r in records)  # JSON Lines
    return json.dumps(document, indent=indent, ensure_ascii=False)


LOG_MESSAGES = [
    "Processed job {n} in {ms} ms", "Cache miss for key user:{n}:profile", "Retrying request to {host} (attempt {k}/5)",
    "Connection pool exhausted, waiting for a free connection",
    "Scheduled task cleanup_sessions finished, removed {n} rows",
    "Received SIGTERM, draining {k} in-flight requests", "Config reloaded from /etc/{svc}/config.yaml",
    "Slow query ({ms} ms): SELECT * FROM orders WHERE customer_id = $1", "User {n} logged in from {ip}",
    "Failed to send email to {mail}: 421 Service not available", "Uploaded report_{n}.pdf to s3://reports-prod/{n}",
    "Health check passed", "Starting worker pid={n}", "Certificate for {host} expires in {k} days",
    "Rate limit exceeded for client {ip}", "Webhook delivery to {host} failed with status 502",
    "Migrated {n} records to schema version {k}", "Disk usage on /var/lib/data at {k}%",
    "Payment {n} captured, amount={amt} currency=EUR", "Queue depth for emails is {n}",
]


def log_message(slots):
    rng = slots.rng
    return slots.pick(LOG_MESSAGES).format(n=rng.randint(1, 999999), ms=rng.randint(2, 9000), k=rng.randint(1, 99),
                                           host=slots.fake.hostname(), ip=slots.ip(), svc=slots.pick(SERVICES),
                                           mail=slots.fake.email(), amt=slots.amount(5, 900))


PYTHON_TRACEBACK = """Traceback (most recent call last):
  File "/srv/app/{svc}/handlers.py", line {a}, in handle
    result = self.process(payload)
  File "/srv/app/{svc}/pipeline.py", line {b}, in process
    return self.client.post(url, json=body, timeout=self.timeout)
  File "/usr/lib/python3/dist-packages/requests/sessions.py", line 637, in post
    return self.request("POST", url, data=data, json=json, **kwargs)
requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='{host}', port=443): Read timed out. (read timeout=10)"""


def synth_logs(slots, target):
    rng = slots.rng
    style = rng.randrange(6)
    clock = [slots.moment()]
    pid = rng.randint(100, 40000)
    host = f"{slots.pick(['web', 'app', 'api', 'worker', 'db'])}-{rng.randint(1, 30):02d}"

    def tick():
        clock[0] += datetime.timedelta(milliseconds=rng.randint(1, 90000))
        return clock[0]

    def line():
        when = tick()
        if style == 0:
            status = rng.choices([200, 201, 204, 301, 304, 400, 401, 403, 404, 429, 500, 502], [40, 5, 3, 3, 8, 3, 3, 2,
                                                                                              8, 2, 2, 1])[0]
            method = rng.choices(["GET", "POST", "PUT", "DELETE"], [70, 20, 6, 4])[0]
            return (f'{slots.ip()} - - [{when.strftime("%d/%b/%Y:%H:%M:%S")} +0000] "{method} '
                    f'{fill_path(slots, slots.pick(PATHS))} HTTP/1.1" {status} {rng.randint(0, 90000)} '
                    f'"{slots.pick(["-", "https://www.google.com/", slots.fake.url()])}" "{slots.pick(USER_AGENTS)}"')
        if style == 1:
            level = rng.choices(["INFO", "DEBUG", "WARNING", "ERROR"], [60, 20, 12, 8])[0]
            text = f"{when.strftime('%Y-%m-%d %H:%M:%S')},{rng.randint(0, 999):03d} {level} [{slots.pick(SERVICES)}] " \
                   f"{log_message(slots)}"
            if level == "ERROR" and rng.random() < 0.3:
                text += "\n" + PYTHON_TRACEBACK.format(svc=slots.pick(SERVICES).replace("-", "_"),
                                                       a=rng.randint(20, 400),
                                                       b=rng.randint(20, 400), host=slots.fake.hostname())
            return text
        if style == 2:
            daemon = slots.pick(["sshd", "systemd", "kernel", "CRON", "dockerd", "nginx", "postfix/smtpd"])
            messages = {
                "sshd": [f"Accepted publickey for deploy from {slots.ip()} port {rng.randint(1024, 65000)} ssh2",
                         f"Invalid user {slots.fake.user_name()} from {slots.ip()} port {rng.randint(1024, 65000)}",
                         f"Disconnected from authenticating user root {slots.ip()} port {rng.randint(1024, 65000)}"],
                "systemd": [f"Started {slots.pick(SERVICES)}.service.", "Reloading.",
                            f"{slots.pick(SERVICES)}.service: Main process exited, code=exited, status=1/FAILURE"],
                "kernel": [f"[{rng.uniform(1, 90000):.6f}] eth0: Link is Up - 1Gbps/Full - flow control off",
                           f"[{rng.uniform(1, 90000):.6f}] Out of memory: Killed process "
                           f"{rng.randint(100, 9999)} (java)"],
                "CRON": ["(root) CMD (/usr/local/bin/backup.sh --incremental)",
                         "(www-data) CMD (php /var/www/cron.php)"],
                "dockerd": [f'level=info msg="Container {rng.getrandbits(48):012x} health status changed to healthy"'],
                "nginx": [f"{rng.randint(1, 9)}#0: *{rng.randint(1, 99999)} upstream timed out while reading response "
                          f"header from upstream, client: {slots.ip()}"],
                "postfix/smtpd": [f"connect from unknown[{slots.ip()}]", f"lost connection after EHLO from "
                                                                         f"unknown[{slots.ip()}]"],
            }
            return f"{when.strftime('%b %e %H:%M:%S')} {host} {daemon}[{pid + rng.randint(0, 50)}]: " \
                   f"{slots.pick(messages[daemon])}"
        if style == 3:
            return json.dumps(json_record(slots, "event") | {"timestamp": iso(when)}, ensure_ascii=False)
        if style == 4:
            level = rng.choices(["LOG", "LOG", "WARNING", "ERROR", "DETAIL", "STATEMENT"], [50, 10, 10, 8, 4, 4])[0]
            messages = ["checkpoint starting: time", f"checkpoint complete: wrote {rng.randint(10, 9000)} buffers",
                        f"duration: {rng.uniform(0.1, 9000):.3f} ms  statement: SELECT id, email FROM users WHERE "
                        f"last_login < now() - interval '90 days'",
                        f"automatic vacuum of table \"app.public.events\": index scans: {rng.randint(0, 3)}",
                        "could not receive data from client: Connection reset by peer",
                        "duplicate key value violates unique constraint \"users_email_key\"",
                        f"connection authorized: user=app database=app application_name={slots.pick(SERVICES)}"]
            return f"{when.strftime('%Y-%m-%d %H:%M:%S')}.{rng.randint(0, 999):03d} UTC [{pid}] {level}:  " \
                   f"{slots.pick(messages)}"
        step = rng.randint(1, 30)
        messages = [f"Step {step}/30 : RUN pip install --no-cache-dir -r requirements.txt",
                    f" ---> Running in {rng.getrandbits(48):012x}", f"Successfully built {rng.getrandbits(48):012x}",
                    f"npm WARN deprecated {slots.fake.word()}@{rng.randint(0, 9)}.{rng.randint(0, 20)}.0: "
                    f"this version is no longer supported", f"Downloading {slots.fake.word()}-{rng.randint(1, 9)}."
                    f"{rng.randint(0, 30)}.{rng.randint(0, 9)}-py3-none-any.whl ({rng.randint(10, 900)} kB)",
                    "##[group]Run actions/checkout@v4", "##[endgroup]", f"test result: ok. {rng.randint(1, 400)} "
                    f"passed; 0 failed; {rng.randint(0, 5)} ignored", "Uploading artifact coverage.xml",
                    f"Compiling {slots.fake.word()} v0.{rng.randint(1, 30)}.{rng.randint(0, 9)}"]
        return f"{iso(when)} {slots.pick(messages)}"

    return grow(slots, target, line)


CSV_TABLES = {
    "sales": ["date", "region", "product", "units", "revenue"],
    "customers": ["customer_id", "name", "email", "city", "signup_date", "plan"],
    "inventory": ["sku", "description", "warehouse", "on_hand", "reorder_level", "unit_cost"],
    "metrics": ["timestamp", "host", "cpu_pct", "mem_pct", "p95_latency_ms", "errors"],
    "expenses": ["date", "employee", "category", "merchant", "amount", "currency", "approved"],
}


def synth_csv(slots, target):
    rng = slots.rng
    table = slots.pick(sorted(CSV_TABLES))
    header = CSV_TABLES[table]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", delimiter=";" if rng.random() < 0.15 else ",")
    writer.writerow(header)
    base = slots.moment()
    row_number = 0
    while utf8_size(buffer.getvalue()) < target and row_number < 200:
        row_number += 1
        when = base + datetime.timedelta(days=row_number if table != "metrics" else 0, minutes=row_number * 5)
        first, last = slots.person()
        rows = {
            "sales": [when.date().isoformat(), slots.pick(["North", "South", "EMEA", "APAC", "West", "Central"]),
                      f"{slots.pick(PRODUCT_ADJECTIVES)} {slots.pick(PRODUCT_NOUNS)}", rng.randint(1, 500),
                      slots.amount(10, 50000).replace(",", "")],
            "customers": [rng.randint(10000, 99999), f"{first} {last}", slots.address_of(first, last, slots.domain()),
                          slots.city(), when.date().isoformat(), slots.pick(["free", "starter", "team", "enterprise"])],
            "inventory": [slots.fake.bothify("??-#####").upper(), f"{slots.pick(PRODUCT_ADJECTIVES)} "
                          f"{slots.pick(PRODUCT_NOUNS)}, {slots.pick(['black', 'white', 'blue', 'large', 'small'])}",
                          slots.pick(["DC1", "DC2", "Leeds", "Reno", "Toronto"]), rng.randint(0, 4000),
                          rng.randint(10, 300), slots.amount(1, 300).replace(",", "")],
            "metrics": [iso(when), f"web-{rng.randint(1, 12):02d}", round(rng.uniform(1, 99), 1),
                        round(rng.uniform(10, 95), 1), rng.randint(20, 3000), rng.randint(0, 40)],
            "expenses": [when.date().isoformat(), f"{first} {last}", slots.pick(["Travel", "Meals", "Software",
                                                                                 "Training", "Office supplies"]),
                         slots.company(), slots.amount(3, 2500).replace(",", ""), slots.pick(["USD", "EUR", "GBP"]),
                         slots.pick(["yes", "yes", "no", "pending"])],
        }
        writer.writerow(rows[table])
    return buffer.getvalue().rstrip("\n")


def synth_command_output(slots, target):
    rng, fake = slots.rng, slots.fake
    kind = rng.randrange(9)
    user = fake.user_name()
    prompt = f"{user}@{slots.pick(['laptop', 'build-01', 'devbox', 'prod-web-3', 'ci-runner'])}:~/"
    project = slug(slots)
    when = slots.moment()
    if kind == 0:
        head = "$ pytest -q\n"
        tests = []

        def line():
            name = f"tests/test_{fake.word()}.py"
            marks = "".join(rng.choices(".", k=rng.randint(3, 60))) + rng.choice(["", "", "F", "s", "x"])
            tests.append(marks)
            return f"{name} {marks:<62} [{min(100, len(tests) * rng.randint(2, 9)):3d}%]"

        body = grow(slots, target - 120, line, head=head)
        failed = sum(t.count("F") for t in tests)
        passed = sum(t.count(".") for t in tests)
        return body + f"\n\n{'=' * 20} {passed} passed, {failed} failed in {rng.uniform(0.5, 90):.2f}s {'=' * 20}"
    if kind == 1:
        def commit():
            first, last = slots.person()
            moment = slots.moment()
            return (f"commit {rng.getrandbits(160):040x}\n"
                    f"Author: {first} {last} <{slots.address_of(first, last, 'example.com')}>\n"
                    f"Date:   {moment.strftime('%a %b %d %H:%M:%S %Y')} +0000\n\n    "
                    f"{slots.pick(['Fix', 'Add', 'Update', 'Refactor', 'Remove', 'Document'])} "
                    f"{slots.pick(THINGS)}{slots.pick(['', ' (#' + str(rng.randint(10, 3000)) + ')'])}\n")
        return grow(slots, target, commit, head=f"{prompt}{project}$ git log\n")
    if kind == 2:
        def entry():
            size = rng.randint(0, 9000000)
            moment = slots.moment()
            name = slots.pick([f"{fake.word()}.py", f"{fake.word()}.md", f"{fake.word()}/", f"{fake.word()}.json",
                               f"{fake.word()}_{rng.randint(1, 99)}.csv", ".env.example", "Makefile", "Dockerfile"])
            rights = "drwxr-xr-x" if name.endswith("/") else slots.pick(["-rw-r--r--", "-rwxr-xr-x", "-rw-------"])
            return f"{rights} {rng.randint(1, 9):2d} {user} staff {size:>8} {moment.strftime('%b %d %H:%M')} " \
                   f"{name.rstrip('/')}"
        return grow(slots, target, entry, head=f"$ ls -la\ntotal {rng.randint(8, 900)}\n")
    if kind == 3:
        def container():
            image = slots.pick(["postgres:16", "redis:7-alpine", "nginx:1.25", f"registry.local/{project}:"
                                f"{rng.randint(1, 90)}", "grafana/grafana:10.4.1", "rabbitmq:3-management"])
            command = slots.pick(['docker-entrypoint.s…', '/bin/sh -c …', 'nginx -g …'])
            return f"{rng.getrandbits(48):012x}   {image:<32} \"{command}\"" \
                   f"   {rng.randint(2, 59)} {slots.pick(['minutes', 'hours', 'days'])} ago   " \
                   f"Up {rng.randint(1, 50)} {slots.pick(['minutes', 'hours'])}   " \
                   f"0.0.0.0:{rng.randint(3000, 9999)}->{rng.randint(80, 9000)}/tcp   " \
                   f"{project}-{fake.word()}-1"
        return grow(slots, target, container, head="$ docker ps\nCONTAINER ID   IMAGE                            "
                                                   "COMMAND"
                                                   "   CREATED   STATUS   PORTS   NAMES\n")
    if kind == 4:
        def pod():
            return f"{slots.pick(SERVICES)}-{rng.getrandbits(40):010x}-{fake.lexify('?????')}   " \
                   f"{rng.choice(['1/1', '1/1', '2/2', '0/1'])}     " \
                   f"{rng.choices(['Running', 'Pending', 'CrashLoopBackOff', 'Completed'], [80, 6, 4, 10])[0]:<17}" \
                   f"{rng.randint(0, 12):<10}{rng.randint(1, 90)}{age_unit(rng)}"
        return grow(slots, target, pod, head=f"$ kubectl get pods -n {project}\nNAME"
                                             "                                 READY"
                                             "   STATUS             RESTARTS   AGE\n")
    if kind == 5:
        def package():
            name = f"{fake.word()}{slots.pick(['', '-client', '-utils', 'lib', '-core'])}"
            version = f"{rng.randint(0, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 20)}"
            return slots.pick([f"Collecting {name}=={version}", f"  Downloading {name}-{version}-py3-none-any.whl "
                                                                f"({rng.randint(5, 4000)} kB)",
                               f"Requirement already satisfied: {name} in ./venv/lib/python3.12/site-packages "
                               f"(from -r requirements.txt (line {rng.randint(1, 40)})) ({version})",
                               f"  Using cached {name}-{version}.tar.gz ({rng.randint(5, 900)} kB)"])
        body = grow(slots, target - 150, package, head="$ pip install -r requirements.txt\n")
        return body + "\nInstalling collected packages: " + ", ".join(fake.words(rng.randint(3, 9))) + \
            f"\nSuccessfully installed {' '.join(w + '-' + str(rng.randint(1, 9)) + '.0' for w in fake.words(4))}"
    if kind == 6:
        rows = [f"{slots.pick(['/dev/sda1', '/dev/nvme0n1p2', 'tmpfs', 'overlay', '/dev/mapper/vg-data'])}"
                f"   {rng.randint(1, 900)}G  {rng.randint(1, 500)}G  {rng.randint(1, 400)}G  {rng.randint(1, 99)}% "
                f"{slots.pick(['/', '/var', '/home', '/data', '/boot', '/run', '/srv/backups'])}"
                for _ in range(rng.randint(4, 12))]
        text = "$ df -h\nFilesystem      Size  Used Avail Use% Mounted on\n" + "\n".join(rows)
        if utf8_size(text) < target:
            text += f"\n\n$ uptime\n {when.strftime('%H:%M:%S')} up {rng.randint(1, 400)} days,  {rng.randint(1, 9)} " \
                    f"users,  load average: {rng.uniform(0, 8):.2f}, {rng.uniform(0, 8):.2f}, {rng.uniform(0, 8):.2f}"
        return text
    if kind == 7:
        host = fake.domain_name()
        headers = [f"HTTP/2 {slots.pick(['200', '301', '404', '503'])}",
                   f"date: {when.strftime('%a, %d %b %Y %H:%M:%S')} GMT",
                   f"content-type: {slots.pick(['text/html; charset=utf-8', 'application/json'])}",
                   f"server: {slots.pick(['nginx', 'cloudflare', 'envoy', 'Apache'])}",
                   f"cache-control: max-age={rng.randint(0, 86400)}",
                   f"x-request-id: {fake.uuid4()}", "strict-transport-security: max-age=31536000; includeSubDomains",
                   f"content-length: {rng.randint(100, 90000)}", "vary: Accept-Encoding"]
        text = f"$ curl -sSI https://{host}/\n" + "\n".join(headers[:rng.randint(4, len(headers))])
        if utf8_size(text) < target:
            text += f"\n\n$ dig +short {host}\n" + "\n".join(fake.ipv4_public() for _ in range(rng.randint(1, 4)))
        return text
    file = f"Sources/{project.title().replace('-', '')}/{fake.word().title()}.swift"

    def diagnostic():
        line_number = rng.randint(1, 400)
        return slots.pick([
            f"{file}:{line_number}:{rng.randint(1, 80)}: error: cannot find '{fake.word()}' in scope",
            f"{file}:{line_number}:{rng.randint(1, 80)}: warning: variable '{fake.word()}' was never mutated; "
            f"consider changing to 'let' constant",
            f"{file}:{line_number}:{rng.randint(1, 80)}: error: missing return in instance method expected to return "
            f"'String'",
            f"[{rng.randint(1, 90)}/{rng.randint(90, 200)}] Compiling {project} {fake.word().title()}.swift",
            f"src/{fake.word()}.c:{line_number}:{rng.randint(1, 80)}: warning: unused variable '{fake.word()}' "
            f"[-Wunused-variable]"])

    return grow(slots, target, diagnostic, head=f"$ {build_command(rng)}\n")


def age_unit(rng):
    return rng.choice(["m", "h", "d"])


def build_command(rng):
    return rng.choice(["swift build", "make -j4", "cmake --build build", "swift build -c release"])


# Email topics: (subject templates, body paragraph groups). A body takes one paragraph from each group
# in order, with optional groups skipped at random, so each topic reads as one coherent message.
EMAIL_TOPICS = {
    "reschedule": (
        ["Moving our {weekday} meeting", "Reschedule: {project} sync", "Can we push {weekday}'s call?"],
        [["Something came up on my side and I won't be able to make our {weekday} meeting at {time}.",
          "I'm afraid I have a conflict with our {project} sync on {weekday}.",
          "Apologies for the short notice, but I need to move our call on {weekday}."],
         ["Would {weekday2} at {time2} work for you instead? If not, I'm fairly flexible on {weekday3} afternoon.",
          "I could do {weekday2} morning or any time after {time2} on {weekday3}. Let me know what suits you best.",
          "My calendar is open on {weekday2} between {time} and {time2}; feel free to grab any slot that works."],
         ["In the meantime I'll send over the updated figures so you have a chance to look at them beforehand.",
          "I've attached the draft agenda so we can keep the meeting short.", ""],
         ["Sorry again for the shuffle.", "Thanks for understanding.", "Appreciate your flexibility."]]),
    "status": (
        ["{project} status update, week {week}", "Weekly update: {project}", "Where we are with {project}"],
        [["Here's a quick update on {project} for this week.", "A short summary of where {project} stands.",
          "As promised, here is the status of {project} ahead of the steering meeting."],
         ["The migration of the remaining {number} customer accounts finished on {weekday}, and we have not seen any "
          "errors since. Support tickets related to the move are down to {small} open items.",
          "Design signed off on the new onboarding flow, and engineering has started on the first two screens. "
          "We expect a testable build by {date}.",
          "We closed {number} of the {bigger} items in the backlog. The remaining work is mostly around reporting, "
          "which depends on the data team's schema changes."],
         ["The main risk is the vendor contract: legal still has comments on the liability clause, and if that slips "
          "past {date} the go-live date moves with it.",
          "One thing to flag: the load tests showed response times above our target when more than {number} users "
          "are active. {name2} is looking into the database indexes.", ""],
         ["Next week we'll focus on the pilot with {company} and the training material for the support team.",
          "Next steps are the security review and a dry run of the cut-over on {weekday}.",
          "Let me know if you want me to go into more detail on any of this before {weekday}."]]),
    "invoice": (
        ["Invoice {invoice} from {company}", "Payment reminder: invoice {invoice}", "Your {company} invoice is ready"],
        [["Please find attached invoice {invoice} for the work completed in {month}.",
          "This is a friendly reminder that invoice {invoice} for ${amount} was due on {date}.",
          "Thank you for your business. Your invoice {invoice} for ${amount} is now available."],
         ["Payment can be made by bank transfer to the account shown on the invoice, quoting the invoice number as the "
          "reference. Our payment terms are {terms} days.",
          "If you have already sent the payment, please disregard this reminder and accept our thanks.",
          "You can view and pay the invoice online from the Billing section of your account."],
         ["If anything on the invoice doesn't match your purchase order, reply to this email and our accounts team "
          "will sort it out.", "For questions about this invoice, contact accounts@{domain} or call us on {phone}.",
          ""]]),
    "onboarding": (
        ["Welcome to {company}!", "Your first week at {company}", "Getting started on Monday"],
        [["Welcome aboard! We're really glad you're joining the {team} team.",
          "On behalf of everyone at {company}, welcome. We're excited to have you starting on {weekday}.",
          "Just a note ahead of your first day to help you settle in."],
         ["On your first morning, please come to reception at {time} and ask for {name2}, who will give you your "
          "badge and laptop. The first two days are mostly setup and introductions.",
          "Your accounts have been created; you will receive a separate email with instructions to set your password "
          "and enrol in two-factor authentication. Please do this before Monday if you can.",
          "We've put together a short reading list in the wiki. Don't worry about getting through all of it in the "
          "first week; it's there for reference."],
         ["Lunch on the first day is on us; the team usually goes to the place around the corner.",
          "Parking is available in the basement garage; the code for the gate is on your welcome card.", ""],
         ["If you have any questions before then, just reply to this email.", "See you soon!",
          "Looking forward to working with you."]]),
    "maintenance": (
        ["Planned maintenance on {weekday}", "[IT] Scheduled downtime: {system}", "Heads-up: {system} upgrade tonight"],
        [["On {weekday} between {time} and {time2}, IT will be upgrading {system}.",
          "We will be carrying out planned maintenance on {system} this {weekday} evening.",
          "This is advance notice of a short outage of {system} while we apply security updates."],
         ["During this window you may be unable to log in, and any changes you make may not be saved. Please save your "
          "work and sign out before {time}.",
          "Email and calendar will keep working, but the VPN will be unavailable, so remote staff should plan "
          "accordingly.", "No action is needed from you; the system will restart automatically when the work is done."],
         ["If you notice any problems after the maintenance, raise a ticket with the service desk or call extension "
          "{extension}.", "We'll send a confirmation once everything is back up.", ""]]),
    "order": (
        ["Your order {order} has shipped", "Update on your order {order}", "Order {order} confirmation"],
        [["Good news: your order {order} is on its way.", "Thank you for shopping with {company}.",
          "We're sorry, but part of your order {order} has been delayed."],
         ["It contains: {product} (x{small}). It was sent with {carrier} and should arrive by {date}.",
          "The {product} you ordered is temporarily out of stock at our warehouse. We expect new stock on {date} and "
          "will ship it as soon as it arrives; the rest of your order has already been dispatched.",
          "You can track the parcel with tracking number {tracking}. Tracking information may take up to 24 hours to "
          "appear."],
         ["If you'd rather cancel the delayed item, reply to this email and we'll refund it straight away.",
          "Need to change the delivery address? You can do so from your account until the parcel is out for delivery.",
          ""],
         ["Thanks for your patience.", "Happy shopping!", "Kind regards from the {company} team."]]),
    "introduction": (
        ["Introduction: {name2} / {name3}", "Connecting you two", "Intro re {project}"],
        [["I'd like to introduce you to {name2}, who leads {team} at {company}.",
          "Copying {name2} here, who I mentioned when we spoke last week.",
          "I wanted to connect you with {name2}, since you're both working on similar problems."],
         ["{name2} spent several years building the reporting platform at {company2} and knows the pitfalls of "
          "migrating off spreadsheets better than anyone I know.",
          "{name2} has been exploring options for {project} and I thought your experience with the same vendors would "
          "be useful.",
          "You both mentioned the conference in {city} next month, so it might be a good chance to meet."],
         ["I'll let you two take it from here.", "I'll step back and let you find a time.",
          "Moving myself to BCC to spare your inboxes."]]),
    "feedback": (
        ["Quick favour: feedback on the draft", "Comments on the {project} proposal?", "Review request: {document}"],
        [["Would you have time this week to look over the draft {document}?",
          "I've finished a first pass at the {document} and would value your comments.",
          "Could you take a look at the attached {document} when you get a chance?"],
         ["I'm mostly interested in whether the argument in section 2 holds up, and whether the budget numbers look "
          "realistic to you. Don't worry about typos yet.",
          "It's about ten pages. The summary at the top should give you the gist if you're short on time.",
          "I'm not sure the timeline is achievable, so I'd especially like a second opinion on that part."],
         ["No rush, but comments by {weekday} would let me fold them in before it goes to {name2}.",
          "Feel free to edit directly in the document or send notes back by email, whichever is easier.", ""],
         ["Thanks so much.", "Much appreciated!", "Thanks in advance."]]),
    "event": (
        ["Invitation: {event} on {date}", "Save the date: {event}", "Join us for {event}"],
        [["You're invited to {event} on {date} at {venue}.",
          "We're holding {event} in {city} on {date}, and we'd love you to join us.",
          "Registration is now open for {event}."],
         ["The afternoon will include short talks from customers, a panel on what's next for the industry, and plenty "
          "of time to meet people over drinks.",
          "The agenda starts at {time} with a welcome from {name2}, followed by workshops in small groups. Lunch and "
          "refreshments are provided.",
          "Places are limited, so please register by {date2}. Let us know about any dietary requirements when you "
          "sign up."],
         ["If you can't make it in person, the keynote will be streamed and recorded.",
          "Feel free to forward this invitation to colleagues who might be interested.", ""]]),
    "policy": (
        ["Update to the travel and expenses policy", "Reminder: annual security training",
         "Changes to {system} access"],
        [["From {date}, a few changes to the expenses policy will take effect.",
          "This is a reminder that everyone needs to complete the annual security awareness course by {date}.",
          "As part of the access review, we are tightening who can approve changes in {system}."],
         ["Hotel bookings should now be made through the travel portal, and receipts must be uploaded within 30 "
          "days of the trip. Claims submitted after that may not be reimbursed.",
          "The course takes about 40 minutes and covers phishing, password managers and how to report a lost device. "
          "You can pause and come back to it at any time.",
          "Managers will receive a list of their team's current permissions and should confirm or remove each one by "
          "{weekday}. Access that isn't confirmed will be removed automatically."],
         ["The full policy is on the intranet under HR > Policies.",
          "If you have questions, contact {name2} in {team}.", ""]]),
    "quote": (
        ["Quote for {service}", "Re: your request for a quote", "Proposal: {service} for {company}"],
        [["Thank you for getting in touch about {service}.", "Following our call on {weekday}, here is our quote.",
          "As requested, please find our proposal for {service} below."],
         ["Based on the scope we discussed, we estimate {days} days of work at a total cost of ${amount} excluding "
          "VAT. This includes two rounds of revisions.",
          "The price covers installation, configuration and a half-day training session for your staff. Hardware is "
          "quoted separately in the attached sheet.",
          "We can start on {date}, subject to receiving the signed order form and the access details we need."],
         ["This quote is valid for 30 days.", "Happy to adjust the scope if the budget is tight.", ""],
         ["Best regards,", "Kind regards,", "Looking forward to hearing from you."]]),
}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
DOCUMENTS = ["project proposal", "annual report", "grant application", "job description", "press release",
             "research summary", "board pack", "conference abstract", "user guide", "budget plan"]
SYSTEMS = ["the HR portal", "the finance system", "the shared drives", "Jira", "the VPN", "the CRM", "the intranet",
           "the build servers"]
TEAMS = ["Finance", "Operations", "Platform", "Customer Success", "Marketing", "Data", "Research", "Legal"]
EVENTS = ["our spring customer day", "the annual partner summit", "a breakfast briefing on data privacy",
          "the open day at our new office", "a workshop on accessible design", "the year-end celebration"]
SERVICES_OFFERED = ["website redesign", "network cabling", "office cleaning", "payroll outsourcing", "cloud migration",
                    "catering for 60 guests", "translation of the user manual", "annual boiler servicing"]


def fill(slots, template, values):
    return template.format(**values) if template else ""


def email_values(slots):
    rng = slots.rng
    first2, last2 = slots.person()
    first3, last3 = slots.person()
    day = slots.moment()
    hours = rng.randint(8, 15)
    return {
        "weekday": slots.pick(WEEKDAYS), "weekday2": slots.pick(WEEKDAYS), "weekday3": slots.pick(WEEKDAYS),
        "time": f"{hours}:{slots.pick(['00', '30'])}",
        "time2": f"{hours + rng.randint(1, 3)}:{slots.pick(['00', '30'])}",
        "project": f"the {slots.fake.word()} {slots.pick(['project', 'rollout', 'migration', 'launch', 'redesign'])}",
        "week": rng.randint(1, 52), "number": rng.randint(12, 900), "small": rng.randint(1, 9),
        "bigger": rng.randint(900, 2000), "date": day.strftime("%d %B"),
        "date2": (day - datetime.timedelta(days=9)).strftime("%d %B"),
        "month": day.strftime("%B"), "name2": f"{first2} {last2}", "name3": f"{first3} {last3}",
        "company": slots.company(), "company2": slots.company(), "invoice": f"INV-{rng.randint(10000, 99999)}",
        "amount": slots.amount(), "terms": slots.pick([14, 30, 45]), "domain": slots.domain(),
        "phone": slots.fake.phone_number(), "team": slots.pick(TEAMS), "system": slots.pick(SYSTEMS),
        "extension": rng.randint(2000, 7999), "order": f"#{rng.randint(100000, 999999)}",
        "product": f"{slots.pick(PRODUCT_ADJECTIVES)} {slots.pick(PRODUCT_NOUNS)}",
        "carrier": slots.pick(["UPS", "DHL", "Royal Mail", "USPS", "Canada Post", "Australia Post"]),
        "tracking": slots.fake.bothify("1Z#########??").upper(), "city": slots.city(),
        "document": slots.pick(DOCUMENTS),
        "event": slots.pick(EVENTS), "venue": f"{slots.fake.street_address()}, {slots.city()}",
        "service": slots.pick(SERVICES_OFFERED), "days": rng.randint(3, 40),
    }


EMAIL_REPLIES = [
    "Thanks, that works for me. I've updated the invite.", "Got it, thanks for letting me know.",
    "Thanks for this. I'll take a look tomorrow morning and get back to you.",
    "Perfect, see you then.", "Thanks! One question: does this include the items we discussed on the phone?",
    "Sounds good. I've forwarded this to {name2} so they're in the loop.",
    "Could you resend the attachment? It didn't come through on my end.",
    "Great news, thank you. I'll let the team know.", "Received, thanks. Payment is scheduled for {date}.",
    "Thanks for the heads-up. Is there anything we need to do on our side beforehand?",
]


def synth_email(slots, target):
    """One email, sometimes with headers, sometimes as a short reply quoting it; more paragraphs and
    a longer signature when the target length is larger."""
    rng = slots.rng
    first, last = slots.person()
    recipient_first, recipient_last = slots.person()
    values = email_values(slots)
    topic = slots.pick(sorted(EMAIL_TOPICS))
    subjects, groups = EMAIL_TOPICS[topic]
    subject = fill(slots, slots.pick(subjects), values)
    greeting = slots.pick([f"Hi {recipient_first},", f"Dear {recipient_first} {recipient_last},",
                           f"Hello {recipient_first},", "Hi all,", "Good morning,", f"{recipient_first},",
                           f"Dear Mr {recipient_last},", f"Dear Ms {recipient_last},"])
    body = [fill(slots, slots.pick(group), values) for group in groups]
    if target < 400:
        body = body[:2]
    closing = slots.pick(["Best,", "Thanks,", "Kind regards,", "Cheers,", "Best wishes,", "Regards,", "Many thanks,"])
    signature = f"{first} {last}"
    if target > 600 or rng.random() < 0.4:
        signature += f"\n{slots.fake.job()}\n{slots.company()}"
        if rng.random() < 0.5:
            signature += f"\n{slots.fake.phone_number()}"
    message = "\n\n".join([greeting] + [p for p in body if p] + [f"{closing}\n{signature}"])
    sender = slots.address_of(first, last, slots.domain())
    recipient = slots.address_of(recipient_first, recipient_last, slots.domain())
    moment = slots.moment()
    if rng.random() < 0.55:
        message = (f"From: {first} {last} <{sender}>\nTo: {recipient_first} {recipient_last} <{recipient}>\n"
                   f"Date: {moment.strftime('%a, %d %b %Y %H:%M:%S')} "
                   f"{slots.pick(['+0000', '-0500', '+0100', '+1000'])}\n"
                   f"Subject: {subject}\n\n{message}")
    if utf8_size(message) < target * 0.6 and rng.random() < 0.6:
        reply = fill(slots, slots.pick(EMAIL_REPLIES), values)
        quoted = "\n".join("> " + line if line else ">" for line in message.split("\n"))
        message = (f"{reply}\n\n{recipient_first}\n\nOn {moment.strftime('%a, %d %b %Y at %H:%M')}, {first} {last} "
                   f"<{sender}> wrote:\n{quoted}")
    return message


# Support tickets: (area, customer descriptions, steps, agent replies)
TICKET_AREAS = {
    "login": (
        ["Since this morning I can't sign in to my account. I enter my email and password and the page just reloads "
         "without any error message. I've reset my password twice already.",
         "I'm not receiving the two-factor codes by SMS anymore. I changed phone carriers last week but kept the same "
         "number, and now I'm locked out.",
         "Our whole team gets \"Your session has expired\" every few minutes, even while actively using the app. It "
         "started after your update on {weekday}."],
        ["Go to the login page", "Enter email and password", "Click Sign in", "Page reloads, still logged out"],
        ["Thanks for the details. This looks like a cookie problem after our domain change. Please clear the cookies "
         "for our site, or try a private window, and sign in again. If that works, the old cookie was the culprit.",
         "I've reset the two-factor settings on your account. The next time you sign in you'll be asked to set it up "
         "again; we recommend using an authenticator app rather than SMS.",
         "We found a bug in the session timeout setting that was introduced in the last release. A fix is being "
         "deployed today; in the meantime, you can ask your admin to set the timeout to 8 hours under Settings > "
         "Security."]),
    "billing": (
        ["I was charged twice for my {month} subscription ({amount} each). Please refund the duplicate charge.",
         "We downgraded from the Team plan to Starter on {date}, but this month's invoice still shows the Team price.",
         "Our finance department needs invoices with our VAT number on them. Where do I add it? The previous invoices "
         "need to be reissued as well."],
        ["Open Billing > Invoices", "Compare the two charges dated {date}", "Both show the same amount"],
        ["I can confirm the duplicate charge; it was caused by a retry on our payment provider's side. I've issued a "
         "refund, which should appear on your statement within 5 to 10 business days.",
         "You can add the VAT number under Billing > Company details. Once it's saved, reply here and I'll reissue the "
         "invoices from the last six months.",
         "The plan change takes effect at the start of the next billing period, which is why this invoice still shows "
         "the old price. I've applied a credit for the difference as a goodwill gesture."]),
    "performance": (
        ["The dashboard has become very slow over the past week. Loading the main report takes more than a minute, "
         "and sometimes it times out completely.",
         "Exports of more than about 10,000 rows never finish. The progress bar gets to 90% and stays there.",
         "Searching in the archive takes 20-30 seconds per query, which makes it unusable for our support agents."],
        ["Open the Reports tab", "Select the last 12 months", "Wait for the chart to load",
         "After 60 s: Gateway Timeout"],
        ["Thank you for reporting this. Your workspace has grown past the size where the default report settings work "
         "well. I've enabled pre-aggregated reports for you, which should bring loading times down to a few seconds.",
         "Large exports are processed in the background. Instead of waiting on the page, use the \"Email me the "
         "export\" option and you'll get a download link when it's ready.",
         "Our engineers found a missing index on the archive tables for some older accounts, including yours. It has "
         "been added, and searches should be much faster now. Please let us know if you still see delays."]),
    "mobile": (
        ["The Android app crashes as soon as I open the Messages tab. I'm on version {version}.",
         "Since updating iOS, push notifications from the app stopped arriving, even though they're enabled in the "
         "settings.", "The app won't sync photos taken offline once the phone is back online."],
        ["Open the app", "Tap Messages", "App closes immediately"],
        ["Thanks for the report. Could you go to Settings > Apps > our app > Storage and tap Clear cache, then open "
         "the app again? If it still crashes, please send us the diagnostic ID from the About screen.",
         "After an iOS update the notification permission sometimes needs to be granted again. Please remove the app "
         "from Settings > Notifications, reopen it, and accept the prompt when it appears.",
         "This is a known issue in version {version}, and it is fixed in the update that's rolling out this week. "
         "Your offline photos are stored safely and will sync after you update."]),
    "integration": (
        ["Our webhook endpoint stopped receiving events on {date}. Nothing changed on our side as far as we know.",
         "The API returns 429 Too Many Requests even though we send fewer than 10 requests per minute.",
         "The Slack integration posts every message twice in our #alerts channel."],
        ["Send POST /v2/events with a valid token", "Response: 429", "Header Retry-After: 60"],
        ["Our logs show your endpoint returning 410 Gone since {date}, so deliveries were paused automatically. Once "
         "you've confirmed the URL is correct, you can re-enable the webhook from the Integrations page.",
         "Rate limits are counted per organisation, not per API key, so requests from your other integrations count "
         "toward the same limit. I've raised your limit to 600 requests per minute.",
         "It looks like the integration was installed twice, once by you and once by a colleague. Removing one of the "
         "two installations under Settings > Integrations should stop the duplicates."]),
}


def synth_ticket(slots, target):
    rng = slots.rng
    area = slots.pick(sorted(TICKET_AREAS))
    descriptions, steps, replies = TICKET_AREAS[area]
    values = email_values(slots) | {"version": f"{rng.randint(3, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"}
    first, last = slots.person()
    agent_first, agent_last = slots.person()
    moment = slots.moment()
    lines = [f"Ticket #{rng.randint(10000, 999999)}",
             f"Subject: {slots.pick(['Problem with', 'Issue:', 'Help needed -', 'Urgent:', 'Question about'])} "
             f"{area.replace('-', ' ')}",
             f"Requester: {first} {last} ({slots.company()})",
             f"Priority: {slots.pick(['Low', 'Normal', 'Normal', 'High', 'Urgent'])}",
             f"Created: {moment.strftime('%Y-%m-%d %H:%M')}"]
    if rng.random() < 0.4:
        lines = lines[:1] + lines[2:4]
    text = "\n".join(lines) + "\n\n" + fill(slots, slots.pick(descriptions), values)
    if target > 500 and rng.random() < 0.7:
        text += "\n\nSteps to reproduce:\n" + "\n".join(f"{i}. {fill(slots, s, values)}"
                                                      for i, s in enumerate(steps, 1))
        text += "\n\nBrowser/OS: " + slots.pick(["Chrome 124 on Windows 11", "Safari 17 on macOS 14",
                                                "Firefox 125 on Ubuntu 22.04", "Edge 123 on Windows 10",
                                                "Pixel 7, Android 14", "iPhone 13, iOS 17.4"])
    if target > 700 or rng.random() < 0.5:
        reply = fill(slots, slots.pick(replies), values)
        team = slots.pick(["Support", "Customer Care", "Tier 2 Support"])
        text += f"\n\n--- Reply from {agent_first} ({team}) ---\n" \
                f"Hi {first},\n\n{reply}\n\n{slots.pick(['Best regards', 'Kind regards', 'Thanks'])},\n{agent_first}"
    if target > 1400:
        text += f"\n\n--- Reply from {first} ---\n" + slots.pick([
            "That fixed it, thank you! You can close the ticket.",
            "Thanks for the quick answer. It works on my laptop now, but one of my colleagues still sees the problem. "
            "I've asked them to try the same steps and will let you know.",
            "Unfortunately this didn't help. I've attached a screenshot and the browser console log.",
        ])
    return text


REVIEW_SUBJECTS = {
    "product": ["{product}"], "restaurant": ["{restaurant}"], "hotel": ["{hotel}"], "app": ["{app} (mobile app)"],
    "book": ["\"{book}\""], "course": ["{course}"],
}
REVIEW_SENTENCES = {
    "product": {
        1: ["Stopped working after three weeks and the company never replied to my emails.",
            "Much smaller than it looks in the photos, and the finish was scratched out of the box.",
            "The battery barely lasts an afternoon, nowhere near what's advertised.",
            "Returned it. The instructions were useless and two of the screws were missing."],
        3: ["It does the job, but it's louder than I expected.", "Decent for the price, though the build feels a bit "
            "flimsy.", "Works fine most of the time; occasionally it needs a restart.",
            "Delivery took longer than promised, but the item itself is okay."],
        5: ["Exactly what I was looking for. Solid build and easy to set up.", "I've used it every day for two months "
            "and it still works like new.", "Great value. I bought a second one for my parents.",
            "Customer service was excellent when I had a question about the warranty."],
    },
    "restaurant": {
        1: ["We waited 50 minutes for our mains and the food arrived cold.", "The staff seemed annoyed that we were "
            "there at all.", "Overpriced for what you get; the portions were tiny."],
        3: ["The pasta was good but the dessert was forgettable.", "Nice atmosphere, a bit noisy on a Friday night.",
            "Service was friendly but slow."],
        5: ["The best meal we've had in {city} in a long time.", "Our server recommended the fish special and it was "
            "perfect.", "Lovely terrace, generous portions and a great wine list.", "Booked for a birthday and they "
            "brought out a candle without us even asking."],
    },
    "hotel": {
        1: ["The room smelled of smoke and the air conditioning didn't work.", "Check-in took over an hour and the "
            "room wasn't ready.", "Paper-thin walls; we heard the neighbours all night."],
        3: ["Clean and central, but the breakfast was disappointing.", "Good location, small rooms.",
            "Fine for one night; I wouldn't stay longer."],
        5: ["Spotless room, comfortable bed and a fantastic view over the harbour.", "The front desk staff went out of "
            "their way to help us with restaurant bookings.", "Great value and a ten-minute walk from the station."],
    },
    "app": {
        1: ["Since the last update it crashes every time I open it.", "Too many ads; you can barely use it without "
            "paying.", "Lost all my data after syncing. Support never answered."],
        3: ["Useful, but the interface takes some getting used to.", "Works well on my phone, less so on the tablet.",
            "Would be five stars if it had a dark mode."],
        5: ["Simple, fast and does exactly what it says.", "I use it every day to plan my week.",
            "The offline mode is a lifesaver when travelling."],
    },
    "book": {
        1: ["I couldn't get past the first hundred pages.", "The characters felt flat and the ending made no sense.",
            "Poorly edited, with typos on almost every page."],
        3: ["An interesting premise, but the middle drags.", "Well researched, though the writing is a bit dry.",
            "Enjoyable holiday read, nothing more."],
        5: ["I read it in one sitting and have already recommended it to three friends.", "Beautifully written; the "
            "descriptions of the landscape stayed with me for days.", "The best book on the subject I've read."],
    },
    "course": {
        1: ["Most of the videos are just someone reading slides aloud.", "The exercises don't match the lessons.",
            "Outdated material; half the examples don't run anymore."],
        3: ["Good introduction, but too basic if you already have some experience.", "Helpful content, poor audio.",
            "The instructor knows the subject, but the pace is uneven."],
        5: ["Clear explanations and well-designed exercises.", "I finally understand the topic after years of "
            "avoiding it.", "The final project tied everything together nicely."],
    },
}


def synth_review(slots, target):
    rng = slots.rng
    kind = slots.pick(sorted(REVIEW_SUBJECTS))
    stars = rng.choices([1, 2, 3, 4, 5], [12, 8, 15, 25, 40])[0]
    band = 1 if stars <= 2 else 3 if stars == 3 else 5
    fake = slots.fake
    subject = slots.pick(REVIEW_SUBJECTS[kind]).format(
        product=f"{slots.pick(PRODUCT_ADJECTIVES)} {slots.pick(PRODUCT_NOUNS)}",
        restaurant=f"{fake.last_name()}'s {slots.pick(['Kitchen', 'Bistro', 'Trattoria', 'Grill', 'Noodle Bar'])}",
        hotel=f"The {fake.last_name()} {slots.pick(['Hotel', 'Inn', 'Lodge', 'Suites'])}",
        app=f"{fake.word().title()}{slots.pick(['ly', ' Planner', ' Notes', 'Fit', ' Budget'])}",
        book=" ".join(fake.words(rng.randint(2, 5))).title(),
        course=f"{slots.pick(['Introduction to', 'Practical', 'Mastering', 'Foundations of'])} "
               f"{slots.pick(['Data Analysis', 'Watercolour', 'Spanish', 'Project Management', 'Photography', 'SQL'])}")
    pool = list(REVIEW_SENTENCES[kind][band])
    if stars in (2, 4):
        pool += REVIEW_SENTENCES[kind][3]
    city = slots.city()
    first, last = slots.person()
    header = slots.pick([f"{'★' * stars}{'☆' * (5 - stars)}  {subject}", f"Rating: {stars}/5 - {subject}",
                         f"{subject}\n{stars} out of 5 stars"])
    reviews = []
    while True:
        sentences = rng.sample(pool, min(len(pool), rng.randint(2, 4)))
        body = " ".join(sentence.format(city=city) for sentence in sentences)
        author = slots.pick([f"{first} {last[0]}.", f"{first} from {city}", fake.user_name(), "Verified buyer"])
        moment = slots.moment()
        review = f"{header}\nReviewed by {author} on {moment.strftime('%d %B %Y')}\n\n{body}"
        if rng.random() < 0.3:
            review += f"\n\nPros: {slots.pick(pool).rstrip('.')}\n" \
                      f"Cons: {slots.pick(REVIEW_SENTENCES[kind][1]).rstrip('.')}"
        if rng.random() < 0.25:
            review += f"\n\n{rng.randint(0, 80)} people found this helpful"
        reviews.append(review)
        if utf8_size("\n\n---\n\n".join(reviews)) >= target or len(reviews) >= 8:
            break
        # a page of reviews: the next one is for the same subject, from someone else
        stars = rng.choices([1, 2, 3, 4, 5], [12, 8, 15, 25, 40])[0]
        band = 1 if stars <= 2 else 3 if stars == 3 else 5
        pool = list(REVIEW_SENTENCES[kind][band]) + (REVIEW_SENTENCES[kind][3] if stars in (2, 4) else [])
        first, last = slots.person()
        header = f"{'★' * stars}{'☆' * (5 - stars)}"
    text = "\n\n---\n\n".join(reviews)
    while utf8_size(text) > MAX_BYTES and len(reviews) > 1:
        reviews.pop()
        text = "\n\n---\n\n".join(reviews)
    return text


SYNTHESISERS = {
    "json": synth_json, "logs": synth_logs, "csv": synth_csv, "command-output": synth_command_output,
    "email": synth_email, "support-ticket": synth_ticket, "review": synth_review,
}


# ---- assembling the set ------------------------------------------------------------------------------

def fixture_texts():
    """Normalised texts of the other prompt-injection fixtures (the measuring sets among them)."""
    texts = set()
    for path in sorted(glob.glob(os.path.join(FIXTURES, "prompt-injection-*.jsonl"))):
        if os.path.abspath(path) == os.path.abspath(OUT):
            continue
        with open(path, encoding="utf-8") as handle:
            texts.update(normalized(json.loads(line)["text"]) for line in handle if line.strip())
    if not texts:
        raise SourceError(f"no prompt-injection fixtures found in {FIXTURES}")
    return texts


def chunk_options(category):
    """(separator, kinds of which a text needs one) for a category's documents."""
    if category in ("code", "config"):
        return "\n", ("code",)
    if category == "web-page":
        return "\n", ("line",)
    return "\n\n", ("text", "list")


def add_documents(pools, key, category, source, documents, rng):
    """Cuts documents into texts and adds (text, source) pairs to pools[(key, category)]. A web page
    gives its first text (navigation), one from its middle and its last (footer), as pages are read
    whole more often than in slices."""
    separator, needs = chunk_options(category)
    pool = pools.setdefault((key, category), [])
    for document_category, units in documents:
        if document_category != category:
            continue
        texts = chunk_document(units, rng, separator, needs)
        if category == "web-page" and len(texts) > 3:
            texts = [texts[0], texts[1 + rng.randrange(len(texts) - 2)], texts[-1]]
        pool.extend((text, source) for text in texts)


def stratified_sample(pool, quota, rng):
    """`quota` items spread evenly over the pool's sources (what one source lacks goes to the others),
    each source's share a seeded sample kept in document order."""
    strata = {}
    for item in pool:
        strata.setdefault(item[1], []).append(item)
    names, shares, remaining = sorted(strata), {name: 0 for name in strata}, quota
    while remaining > 0:
        open_names = [name for name in names if shares[name] < len(strata[name])]
        if not open_names:
            break
        each = max(1, remaining // len(open_names))
        for name in open_names:
            take = min(each, len(strata[name]) - shares[name], remaining)
            shares[name] += take
            remaining -= take
            if not remaining:
                break
    chosen = []
    for name in names:
        chosen.extend(strata[name][index] for index in sorted(rng.sample(range(len(strata[name])), shares[name])))
    return chosen


class Admission:
    """Decides which texts enter the set: within the length bounds, not seen before, and not equal
    to a known (shared or fixture) text; counts what it turns away."""

    def __init__(self, known):
        self.known, self.seen = known, set()
        self.dropped = {"length": 0, "duplicate": 0, "in shared train/validation or a fixture": 0}

    def admit(self, text):
        if not MIN_BYTES <= utf8_size(text) <= MAX_BYTES:
            self.dropped["length"] += 1
            return False
        key = normalized(text)
        if key in self.seen:
            self.dropped["duplicate"] += 1
            return False
        self.seen.add(key)
        if key in self.known:
            self.dropped["in shared train/validation or a fixture"] += 1
            return False
        return True


def package_pools(build, rng):
    """Pools of (text, source) per (source key, category) from the pinned packages."""
    pools = {}

    def label(spec):
        return f"{spec[0]}-{spec[1]}"

    python_doc = fetch_deb(*DEBS["python-doc"], build)
    documents = python_doc_documents(python_doc)
    for category in ("technical-docs", "howto", "faq", "release-notes", "web-page"):
        add_documents(pools, "python-doc", category, label(DEBS["python-doc"]), documents, rng)
    for key in sorted(SDISTS):
        documents = sdist_documents(fetch_sdist(*SDISTS[key], build))
        source = label(SDISTS[key])
        if (key, "technical-docs") in QUOTAS:
            add_documents(pools, key, "technical-docs", source, documents, rng)
        add_documents(pools, "readme", "readme", source, documents, rng)
        add_documents(pools, "changelog", "release-notes", source, documents, rng)
        add_documents(pools, "source", "code", source, documents, rng)
        add_documents(pools, "source", "config", source, documents, rng)
    sword = "usr/share/sword/modules/texts/ztext/engWEB2015eb/"
    files = deb_members(fetch_deb(*DEBS["web-bible"], build),
                        [sword + f"{testament}.{suffix}" for testament in ("ot", "nt") for suffix in ("bzs", "bzz")])
    add_documents(pools, "web-bible", "narrative", label(DEBS["web-bible"]), web_bible_documents(files), rng)
    files = deb_members(fetch_deb(*DEBS["devil"], build),
                        ["usr/share/dictd/devil.dict.dz", "usr/share/dictd/devil.index"])
    add_documents(pools, "devil", "reference", label(DEBS["devil"]), devil_documents(files), rng)
    return pools


def load_faker(build):
    wheel = pinned_wheels.fetch_wheel(*WHEELS["faker"], build)
    sys.path.insert(0, wheel)
    import faker
    if getattr(faker, "VERSION", None) != WHEELS["faker"][1]:
        raise SourceError(f"imported faker {getattr(faker, 'VERSION', '?')} from {faker.__file__}, expected the "
                          f"pinned {WHEELS['faker'][1]} wheel")
    return faker


def sample_pools(pools, quotas, admission, rng):
    """(category, text, source) rows drawn per key of `quotas`, in key order, from the pool's texts
    that `admission` lets in, and how many each pool offered."""
    rows, available = [], {}
    for key in sorted(quotas):
        pool = [(text, source) for text, source in pools.get(key, []) if admission.admit(text)]
        available[key] = len(pool)
        rows.extend((key[1], text, source) for text, source in stratified_sample(pool, quotas[key], rng))
    return rows, available


def build_rows(build, known):
    rng = random.Random(SEED)
    pools = package_pools(build, rng)
    admission = Admission(known)
    package_quotas = {key: quota for key, quota in QUOTAS.items() if key[0] != "synthetic"}
    rows, available = sample_pools(pools, package_quotas, admission, rng)
    faker = load_faker(build)
    slots = Slots(random.Random(SEED + 1), faker)
    source = f"{WHEELS['faker'][0]}-{WHEELS['faker'][1]}"
    for key in sorted(k for k in QUOTAS if k[0] == "synthetic"):
        made, attempts = 0, 0
        while made < QUOTAS[key] and attempts < QUOTAS[key] * 5:
            attempts += 1
            text = SYNTHESISERS[key[1]](slots, draw_length(slots.rng)).strip()
            if admission.admit(text):
                rows.append((key[1], text, source))
                made += 1
        available[key] = made
    literature, literature_available = literature_rows(build, admission)
    rows.extend(literature)
    available.update(literature_available)
    return [{"id": f"benign-train:{number}", "text": text, "label": "benign", "source": source, "category": category}
            for number, (category, text, source) in enumerate(rows)], available, admission.dropped


def length_summary(rows):
    sizes = sorted(utf8_size(row["text"]) for row in rows)

    def at(fraction):
        return sizes[min(len(sizes) - 1, int(fraction * len(sizes)))]

    bands = [(100, 300), (300, 600), (600, 1000), (1000, 2000), (2000, 4001)]
    counts = ", ".join(f"{low}-{high - 1 if high == 4001 else high}: {sum(low <= s < high for s in sizes)}"
                       for low, high in bands)
    paragraphs = sum("\n\n" in row["text"] for row in rows)
    return (f"bytes min {sizes[0]}, p10 {at(0.1)}, median {at(0.5)}, p90 {at(0.9)}, max {sizes[-1]}; {counts}; "
            f"over 1,000 bytes {sum(s > 1000 for s in sizes)}; with a blank line (several paragraphs or blocks) "
            f"{paragraphs}")


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--build", default=os.path.join(".build", "prompt-injection"),
                           help="download folder (relative to the repository root)")
    arguments.add_argument("--corpora", default=os.path.join(os.path.dirname(REPO), "shared", "corpora",
                                                             "prompt-injection"),
                           help="folder with the shared train.jsonl and validation.jsonl")
    arguments.add_argument("--check", action="store_true", help="print the counts without writing the file")
    args = arguments.parse_args()
    corpora = os.path.abspath(args.corpora)
    os.chdir(REPO)
    out = sys.stderr
    try:
        known = shared_texts(corpora) | fixture_texts()
        rows, available, dropped = build_rows(args.build, known)
    except (SourceError, pinned_wheels.WheelError, subprocess.CalledProcessError) as error:
        outside_sets.fail(str(error))
    quotas = {**QUOTAS, **LITERATURE_QUOTAS}
    short = {key: quotas[key] - count for key, count in available.items() if count < quotas[key]}
    print(f"benign training texts: {len(rows)} ({tally(rows)})", file=out)
    print("pools: " + ", ".join(f"{k[0]}/{k[1]} {v}" for k, v in sorted(available.items())), file=out)
    if short:
        print("short of quota: " + ", ".join(f"{k[0]}/{k[1]} by {v}" for k, v in sorted(short.items())), file=out)
    print("dropped: " + ", ".join(f"{k} {v}" for k, v in dropped.items()), file=out)
    print("lengths: " + length_summary(rows), file=out)
    if not args.check:
        size = write_jsonl(OUT, rows)
        print(f"wrote {OUT} ({size} bytes)", file=out)


if __name__ == "__main__":
    main()
