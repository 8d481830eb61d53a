#!/usr/bin/env python3
"""Generates labelled sentences for measuring sensitive-information (PII) detectors.

    python3 -m venv .build/pii-venv
    .build/pii-venv/bin/pip install faker==40.54.0 phonenumbers==9.0.43
    .build/pii-venv/bin/python scripts/pii/sentences.py --seed 1 --count 2000 \\
        --out Tests/BulwarkTests/Fixtures/sensitive-info-sentences.jsonl

Each output line is one JSON object:

    {"text": "...", "entities": [{"type": "EMAIL", "start": 3, "end": 20}, ...]}

`start` and `end` are offsets in the UTF-8 BYTES of `text`, `end` exclusive, and cover exactly the
entity (no surrounding quotes, brackets or punctuation). Types: EMAIL, PHONE_NUMBER, IP_ADDRESS,
CREDIT_CARD_NUMBER, IBAN, US_SSN, SECRET. The same seed and count give the same file, byte for byte,
with the pinned versions above (the script runs itself again with PYTHONHASHSEED=0, because some of
Faker's word lists are ordered by string hashing).

The code is in four files: this one (the command line, the sentence builder and the slot table),
entities.py (the labelled values), negatives.py (the hard negatives) and templates.py (the
templates and filler words).

Where the values come from: names, companies, cities, streets, e-mail domains, IPv4/IPv6 addresses,
card numbers (Faker's card providers: Visa 13/16/19, Mastercard, Amex, Discover, Diners, JCB) and
IBANs (Faker's bank providers of twelve countries) come from Faker; phone numbers are drawn per
locale in the layouts people write and kept only when libphonenumber calls them valid; US SSNs are
drawn in the issued ranges (area 001-899 but not 666, group 01-99, serial 0001-9999); secrets are
synthesised in each provider's published shape with random bodies (AWS AKIA/ASIA key ids, GitHub
ghp_/gho_/ghs_/ghu_/github_pat_, Slack xoxb-/xoxp-, Stripe sk_live_/rk_live_, OpenAI sk-/sk-proj-,
Google AIza, GitLab glpat-, npm_, JWTs with real base64url JSON headers and payloads, multi-line PEM
private-key blocks with DER-shaped bodies).

Hard negatives (never labelled) fill at least 30% of the sentences: dates, times, timestamps,
prices, order/invoice/tracking numbers, version strings (v1.2.3.4, 10.0.19041.3803), SNMP OIDs, MAC
addresses, UUIDs, git SHAs, hex digests, ISBNs, Luhn-invalid 16-digit numbers, IBAN-shaped strings
with a wrong checksum, BIC codes, dashed part numbers outside the SSN ranges, zip codes, years,
percentages, ports, file paths, URLs without PII, public keys and certificates, masked or
placeholder secrets, "sk-learn". Decisions on the edge cases:
  - `user@localhost`, `root@build-01`, `icon@2x.png`, `@mentions` and npm scopes are not e-mail
    addresses: an address needs a dot-separated domain with a real top-level domain.
  - A dotted quad is an IP address only when no letter, digit or dot touches it (v1.2.3.4 and the
    OID 1.3.6.1.2.1 are versions and identifiers).
  - A digit run is a card only when the whole run (groups joined by single spaces or dashes) has
    13-19 digits, passes Luhn and starts with a network prefix; a 22-digit tracking number grouped
    by four is not a card, whatever its first 16 digits give.
  - Publishable keys, public keys and certificates are not secrets; private-key blocks are, from
    the BEGIN line to the end of the END line.
"""

import argparse
import collections
import json
import os
import random
import string
import sys

try:
    import phonenumbers  # noqa: F401  (entities.py needs it; fail here with the install hint)
    from faker import Faker
except ImportError:  # pragma: no cover - a fresh machine
    sys.exit("Needs faker==40.54.0 and phonenumbers==9.0.43; see this script's docstring for a venv.")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ beside the scripts in the work tree
import entities  # noqa: E402
import negatives  # noqa: E402
import templates  # noqa: E402

# Long texts would make the fixture large without making it harder.
MAX_TEXT_BYTES = 4096
MAX_COUNT = 1_000_000


class Entity:
    """A labelled value a slot returns; plain strings are unlabelled."""

    __slots__ = ("type", "value")

    def __init__(self, type_, value):
        self.type = type_
        self.value = value


class Context:
    """What one sentence's slots share: its locale, its person, and whether a hard negative was used."""

    def __init__(self, locale, first, last, ascii_first, ascii_last):
        self.locale = locale
        self.first = first
        self.last = last
        self.ascii_first = ascii_first
        self.ascii_last = ascii_last
        self.hard_negative = False


class Generator:
    """Draws every slot value from one seeded random source and seeded Faker instances."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.fakers = {}
        for index, locale in enumerate(sorted(set(entities.LOCALES + entities.IBAN_LOCALES))):
            fake = Faker(locale)
            fake.seed_instance(seed * 1000 + index)
            self.fakers[locale] = fake
        self.slots = slot_table(self)
        # A misspelt slot should fail now, not in whichever sentence first draws its template.
        for family, _ in templates.FAMILIES:
            for template in family:
                for _, field, _, _ in string.Formatter().parse(template):
                    if field is not None and field not in self.slots:
                        raise KeyError(f"template slot {{{field}}} has no generator: {template!r}")

    def fake(self, locale=None):
        return self.fakers[locale or "en_US"]

    def chars(self, alphabet, count):
        return "".join(self.rng.choice(alphabet) for _ in range(count))

    def digits(self, count):
        return self.chars(string.digits, count)

    def pick(self, options):
        return self.rng.choice(options)

    def chance(self, probability):
        return self.rng.random() < probability

    def sentence(self):
        """One labelled sentence, and whether it holds a hard negative."""
        for _ in range(50):
            locale = self.pick(entities.LOCALES)
            fake = self.fake(locale)
            first, last = fake.first_name(), fake.last_name()
            if locale == "ja_JP":
                ascii_first, ascii_last = fake.first_romanized_name(), fake.last_romanized_name()
            else:
                ascii_first, ascii_last = first, last
            context = Context(locale, first, last, entities.ascii_fold(ascii_first) or "alex",
                              entities.ascii_fold(ascii_last) or "smith")
            family = self.rng.choices(templates.FAMILIES, weights=[weight for _, weight in templates.FAMILIES])[0]
            built = self.render(self.pick(family[0]), context)
            if built is not None:
                return built
        raise RuntimeError("no template rendered within the size limit in 50 tries")

    def render(self, template, context):
        parts, labels, offset = [], [], 0
        for literal, field, argument, _ in string.Formatter().parse(template):
            if literal:
                parts.append(literal)
                offset += len(literal.encode("utf-8"))
            if field is None:
                continue
            value = self.slots[field](context, argument or "")
            if isinstance(value, Entity):
                size = len(value.value.encode("utf-8"))
                labels.append({"type": value.type, "start": offset, "end": offset + size})
                value = value.value
            parts.append(value)
            offset += len(value.encode("utf-8"))
        if offset > MAX_TEXT_BYTES:
            return None
        text = "".join(parts)
        check_spans(text, labels)
        return {"text": text, "entities": labels}, context.hard_negative


def slot_table(gen):
    """Every slot a template may name, as a function of (context, argument)."""
    slots = {}
    for name, function in negatives.HARD_NEGATIVES.items():
        def hard(context, _, function=function):
            context.hard_negative = True
            return function(gen)
        slots[name] = hard

    def phone(context, argument):
        international = {"intl": True, "nat": False}.get(argument)
        locale = argument if argument in entities.LOCALES else context.locale
        return Entity("PHONE_NUMBER", entities.phone_number(gen, locale, international))

    def pem(context, argument):
        separator = {"yaml": "\n    ", "json": "\\n"}.get(argument, "\n")
        return Entity("SECRET", entities.pem_block(gen, separator))

    slots.update({
        "EMAIL": lambda context, _: Entity("EMAIL", entities.email(gen, context)),
        "PHONE": phone,
        "IP": lambda context, _: Entity("IP_ADDRESS", entities.ipv6(gen) if gen.chance(0.35) else entities.ipv4(gen)),
        "IPV4": lambda context, _: Entity("IP_ADDRESS", entities.ipv4(gen)),
        "IPV6": lambda context, _: Entity("IP_ADDRESS", entities.ipv6(gen)),
        "CARD": lambda context, _: Entity("CREDIT_CARD_NUMBER", entities.card_number(gen)),
        "IBAN": lambda context, _: Entity("IBAN", entities.iban(gen)),
        "SSN": lambda context, _: Entity("US_SSN", entities.us_ssn(gen)),
        "SECRET": lambda context, kind: Entity("SECRET", entities.secret(gen, context, kind)),
        "PEM": pem,
        "first": lambda context, _: context.first,
        "last": lambda context, _: context.last,
        "name": lambda context, _: f"{context.first} {context.last}",
        "other": lambda context, _: gen.fake(gen.pick(entities.LOCALES)).name(),
        "company": lambda context, _: gen.fake(context.locale).company(),
        "city": lambda context, _: gen.fake(context.locale).city(),
        "street": lambda context, _: gen.fake(context.locale).street_name(),
        "greeting": lambda context, _: gen.pick(templates.GREETINGS),
        "signoff": lambda context, _: gen.pick(templates.SIGNOFFS),
        "product": lambda context, _: gen.pick(templates.PRODUCTS),
        "n": lambda context, _: str(gen.rng.randint(2, 60)),
        "expiry": lambda context, _: f"{gen.rng.randint(1, 12):02d}/{gen.rng.randint(25, 31)}",
        "status": lambda context, _: gen.pick(("200", "201", "204", "301", "403", "404", "500", "502")),
        "method": lambda context, _: gen.pick(("GET", "POST", "PUT", "DELETE", "PATCH")),
        "level": lambda context, _: gen.pick(("INFO", "WARN", "ERROR", "DEBUG")),
    })
    return slots


def check_spans(text, labels):
    """Every span holds a trimmed value, and spans never overlap: a broken template fails loudly."""
    data = text.encode("utf-8")
    previous_end = 0
    for entity in labels:
        span = data[entity["start"]:entity["end"]].decode("utf-8")
        unbalanced = span.count("(") != span.count(")")
        if not span or span != span.strip() or span[0] in "\"'[<" or span[-1] in "\"']>.,;:" or unbalanced:
            raise AssertionError(f"span {span!r} in {text!r} is not trimmed")
        if entity["start"] < previous_end:
            raise AssertionError(f"overlapping spans in {text!r}")
        previous_end = entity["end"]


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # Some Faker word lists are built from sets (it_IT cities), whose order follows string hashing:
        # fix the hash seed, or the same seed would not give the same file.
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--out", required=True, help="output JSONL path ('-' for standard output)")
    args = parser.parse_args()
    if not 1 <= args.count <= MAX_COUNT:
        parser.error("--count must be between 1 and 1000000")

    generator = Generator(args.seed)
    lines, per_type, hard, empty = [], collections.Counter(), 0, 0
    for _ in range(args.count):
        record, hard_negative = generator.sentence()
        lines.append(json.dumps(record, ensure_ascii=False, separators=(", ", ": ")) + "\n")
        per_type.update(entity["type"] for entity in record["entities"])
        hard += hard_negative
        empty += not record["entities"]
    data = "".join(lines).encode("utf-8")
    if args.out == "-":
        sys.stdout.buffer.write(data)
    else:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "wb") as handle:
            handle.write(data)
    summary = ", ".join(f"{name} {count}" for name, count in sorted(per_type.items()))
    print(f"{args.count} sentences, {len(data)} bytes; entities: {summary}; with a hard negative: "
          f"{hard} ({100 * hard / args.count:.1f}%); with no entity: {empty}", file=sys.stderr)
    if args.count >= 100 and hard < 0.3 * args.count:
        print("warning: fewer than 30% of the sentences hold a hard negative", file=sys.stderr)


if __name__ == "__main__":
    main()
