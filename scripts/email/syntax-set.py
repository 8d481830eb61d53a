#!/usr/bin/env python3
"""Builds the email syntax test set and records what PyPI email-validator says of each address.

    python3 scripts/email/syntax-set.py [--build .build/email]

Downloads once (pip download --no-deps, SHA-256 checked) and imports from the wheels, under
.build/email/wheels (nothing is installed):
  email-validator 2.4.0 (Unlicense)   the reference, syntax only (check_deliverability=False)
  idna 3.20 (BSD-3-Clause)            its IDNA 2008 and UTS #46 implementation
The addresses are hand-written cases for every rule (RFC 3696 and its errata, the usual examples,
quoted local parts, IP literals, internationalised domains in a dozen scripts, A-labels, lengths at
and past each limit, dots, Unicode local parts, unsafe characters, special-use and numeric
top-level domains) and systematic mutations of valid addresses.

email-validator runs in the configuration that matches Bulwark's defaults (EmailSyntaxOptions()):
  allow_smtputf8=True          allowInternationalized = true
  allow_quoted_local=True      allowQuotedLocalPart = true (email-validator's default is False)
  allow_domain_literal=False   allowDomainLiteral = false
  globally_deliverable=True    requireTopLevelDomain = true (a dot, a TLD ending in a letter, no
                               special-use names)
  test_environment=False       `.test` is refused like the other special-use names
  allow_display_name=False     `Name <addr>` is refused; Bulwark has no display names
  allow_empty_local=False      an empty local part is refused
  strict=True                  checks the 64-character limit of the local part, as Bulwark does
                               (Bulwark counts octets, email-validator characters)

Writes Tests/BulwarkTests/Fixtures/email-syntax.jsonl, one address a line:
  {"address": ..., "valid": bool, "asciiDomain": str|null, "normalized": str|null, "reason": str|null}
`reason` is email-validator's message for an invalid address. The verdicts depend on the Unicode
version of Python's unicodedata (email-validator uses it for character categories and the Bidi
Rule); the committed file was made with Python 3.11 (Unicode 14.0) and the run prints the version.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pinned_wheels  # noqa: E402
import unicodedata

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join("Tests", "BulwarkTests", "Fixtures", "email-syntax.jsonl")
WHEELS = [  # (distribution, version, wheel file name prefix, SHA-256 of the wheel)
    ("email-validator", "2.4.0", "email_validator",
     "4454e41c4e1c6b6caee34a1dc71d5e736791562be8fd179b02e298f796522684"),
    ("idna", "3.20", "idna", "ab7ae7122974553370f0bdb919e1a960b2cd1bc1ef0276416d896db81c14582c"),
]
OPTIONS = dict(check_deliverability=False, allow_smtputf8=True, allow_quoted_local=True,
               allow_domain_literal=False, globally_deliverable=True, test_environment=False,
               allow_display_name=False, allow_empty_local=False, strict=True)


def fail(message):
    print(f"syntax-set.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def fetch_wheel(distribution, version, prefix, sha256, build):
    """The pinned wheel's path (see pinned_wheels.py); a failure ends the script with its message."""
    try:
        return pinned_wheels.fetch_wheel(distribution, version, prefix, sha256, build)
    except pinned_wheels.WheelError as error:
        fail(str(error))


def label(length, fill="a"):
    return (fill * length)[:length]


def hand_written():
    """Cases for every rule, valid and invalid."""
    cases = [
        # The everyday forms.
        "simple@example.com", "very.common@example.com", "x@example.com", "a@b.co",
        "disposable.style.email.with+symbol@example.com", "other.email-with-hyphen@example.com",
        "fully-qualified-domain@example.com", "user.name+tag+sorting@example.com",
        "example-indeed@strange-example.com", "example@s.example", "mailhost!username@example.org",
        "user%example.com@example.org", "user-@example.org", "1234567890@example.com", "_______@example.com",
        "email@123.123.123.com", "firstname-lastname@example.com", "email@example.co.jp",
        "email@example.museum", "email@example.name", "a@b.c", "user@example.x",
        "ABC@EXAMPLE.COM", "Jane.Doe@Example.Com",
        # RFC 3696 section 3 and its errata (1003, 1690, 246).
        "Abc\\@def@example.com", "Fred\\ Bloggs@example.com", "Joe.\\\\Blow@example.com",
        '"Abc@def"@example.com', '"Fred Bloggs"@example.com', '"Abc\\@def"@example.com',
        '"Fred\\ Bloggs"@example.com', '"Joe.\\\\Blow"@example.com', "customer/department=shipping@example.com",
        "$A12345@example.com", "!def!xyz%abc@example.com", "_somename@example.com",
        # The usual valid and invalid examples.
        "admin@mailserver1", "test/test@test.com", '" "@example.org', '"john..doe"@example.org',
        '"very.(),:;<>[]\\".VERY.\\"very@\\\\ \\"very\\".unusual"@strange.example.com',
        "postmaster@[123.123.123.123]", "postmaster@[IPv6:2001:0db8:85a3:0000:0000:8a2e:0370:7334]",
        "_test@[IPv6:2001:0db8:85a3:0000:0000:8a2e:0370:7334]", "abc.example.com", "a@b@c@example.com",
        'a"b(c)d,e:f;g<h>i[j\\k]l@example.com', 'just"not"right@example.com',
        'this is"not\\allowed@example.com', 'this\\ still\\"not\\\\allowed@example.com',
        "1234567890123456789012345678901234567890123456789012345678901234+x@example.com",
        "i.like.underscores@but_they_are_not_allowed_in_this_part", "QA[icon]CHOCOLATE[icon]@test.com",
        "plainaddress", "#@%^%#$@#$@#.com", "@example.com", "Joe Smith <email@example.com>",
        "<email@example.com>", "email.example.com", "email@example@example.com", ".email@example.com",
        "email.@example.com", "email..email@example.com", "email@example.com (Joe Smith)",
        "email@example", "email@-example.com", "email@example-.com", "email@111.222.333.44444",
        "email@example..com", "Abc..123@example.com", "(comment)email@example.com",
        "email(comment)@example.com", "email@(comment)example.com", "email@example.com(comment)",
        "", "@", "a@", "@b.com", "a@@b.com", "a@b.com@", "a b@c.com", "a@b c.com", " a@b.com", "a@b.com ",
        "a@b.com\n", "\ta@b.com", "a@b.com.", "a@.b.com", "a@b..com", "a@b.com..", ".@b.com", "a.@b.com",
        # Quoted local parts.
        '"a"@example.com', '"a.b"@example.com', '"a..b"@example.com', '"a b"@example.com', '""@example.com',
        '"a"b@example.com', 'a"b"@example.com', '"a@b"@example.com', '"a\\"b"@example.com', '"a\\b"@example.com',
        '"a\\\\b"@example.com', '"  "@example.com', '"a\tb"@example.com', '"a\\\tb"@example.com',
        '"a\\\x00b"@example.com', '"a\x7fb"@example.com', '"Postmaster"@example.com', '"a\nb"@example.com',
        '"unterminated@example.com', '"a"."b"@example.com', '"a".b@example.com', '"\u00e9"@example.com',
        '"\u00e9 \u00e8"@example.com', '"a\u3000b"@example.com', '"a\u200bb"@example.com', '"\u0301a"@example.com',
        '"(comment)"@example.com', '"<angle>"@example.com', '"[square]"@example.com', '"a,b"@example.com',
        # Role names of RFC 2142 are lower-cased.
        "Postmaster@example.com", "ABUSE@EXAMPLE.COM", "Info@example.com", "WebMaster@example.com",
        "Postmasters@example.com",
        # Domains: labels, hyphens, dots, characters, top-level domains, special-use names.
        "user@EXAMPLE.COM", "user@exa_mple.com", "user@exa mple.com", "user@exam!ple.com", "user@exa--mple.com",
        "user@ex--ample.com", "user@xn--ample.com", "user@ab--cd.com", "user@a-b-c.com", "user@a--b.com",
        "user@1-2.com", "user@12--3.com", "user@-.com", "user@a.-b.com", "user@a.b-.com", "user@example.com.",
        "user@.example.com", "user@example..com", "user@example", "user@localhost", "user@example.123",
        "user@123.123.123.123", "user@example.c0m", "user@example.co1", "user@example.1com",
        "user@example.local", "user@example.test", "user@test", "user@example.invalid", "user@example.localhost",
        "user@example.onion", "user@1.0.0.127.in-addr.arpa", "user@arpa.com", "user@test.com", "user@local.host",
        "user@example.example", "user@example.org", "user@example.com,user@example.org", "user@example.com;",
        "user@[example.com]", "user@[192.0.2.1]", "user@[IPv6:::1]", "user@[300.0.0.1]", "user@[ipv6:2001:db8::1]",
        "user@[192.0.2.1", "user@192.0.2.1]", "user@a.b.c.d.e.f.g.h", "user@0.com", "user@a.b1", "user@a.1b",
        "user@exa\x00mple.com", "user@exa\tmple.com", "user@exa\x7fmple.com", "user@exa@mple.com",
        # Internationalised domains in many scripts, as U-labels and as A-labels.
        "user@bücher.de", "user@BÜCHER.DE", "user@Bücher.Example", "user@bu\u0308cher.de", "user@straße.de",
        "user@faß.de", "user@ὀδυσσεύς.gr", "user@例子.测试", "user@مثال.إختبار", "user@παράδειγμα.δοκιμή",
        "user@пример.испытание", "user@דוגמה.ישראל", "user@ตัวอย่าง.ไทย", "user@실례.테스트", "user@例え.テスト",
        "user@உதாரணம்.பரிட்சை", "user@उदाहरण.परीक्षा", "user@пример.рф", "user@münchen.de", "user@ñandú.com",
        "user@xn--bcher-kva.de", "user@XN--BCHER-KVA.DE", "user@xn--fsqu00a.xn--0zwm56d",
        "user@xn--mgbh0fb.xn--kgbechtv", "user@xn--hxajbheg2az3al.xn--jxalpdlp", "user@xn--e1afmkfd.xn--p1ai",
        "user@xn--6dbbec0c.xn--4dbrk0ce", "user@xn--zca.de", "user@xn--strae-oqa.de", "user@xn--.com",
        "user@xn--a.com", "user@xn--abc-.com", "user@xn---bbk.com", "user@xn--bucher-xyd.de", "user@xn--tda.com",
        "user@xn--wca.com",
        "user@xn--n3h.com", "user@xn--ls8h.la", "user@xn--zz.com", "user@xn--99999999999.com",
        "user@xn--bcher-kva", "user@xn--p1ai", "user@example.xn--p1ai", "user@example.xn--0zwm56d",
        # Mapping: full-width letters and dots, compatibility characters, ignorable characters.
        "user@ｅｘａｍｐｌｅ.com", "user@example。com", "user@example．com", "user@example｡com",
        "user@ＥＸＡＭＰＬＥ．ＣＯＭ", "user@bücher．de", "user@ｅｘａｍｐｌｅ。ｃｏｍ", "user@exa\u2488mple.com",
        "user@ex\u2024ample.com", "user@\u2460\u2461.com", "user@a\ufe0fb.com", "user@a\u034fb.com",
        "user@a\u3164b.com", "user@\u3164.com", "user@exam\u00adple.com", "user@exam\u200bple.com",
        "user@exam\u200dple.com", "user@exam\u200cple.com", "user@\u0301example.com", "user@exa\uff3fmple.com",
        "user@exa\uff01mple.com", "user@ex\u2010ample.com", "user@ex\u2011ample.com", "user@ex\uff0dample.com",
        "user@\u212aelvin.com", "user@\u0130stanbul.com", "user@\u1e9eraße.de", "user@\u00bd.com", "user@\u2122.com",
        "user@\u33cf.com", "user@ｘｎ--bcher-kva.de",
        # IDNA 2008: symbols and emoji, contextual rules, the Bidi Rule.
        "user@i❤.ws", "user@☃.net", "user@😀.com", "user@a\u00b7b.com", "user@col\u00b7lecci\u00f3.cat",
        "user@\u00b7l.cat", "user@\u03b1\u0375\u03b2.gr", "user@a\u0375b.gr", "user@\u05d0\u05f3.com",
        "user@a\u05f3.com", "user@\u30a2\u30fb\u30a4.jp", "user@a\u30fbb.jp", "user@\u0660\u06f0.com",
        "user@\u0645\u062b\u0627\u0644\u0663.com", "user@1.\u05d0\u05d1.com", "user@\u05d0\u05d1.1.com",
        "user@\u05d0\u05d1.com", "user@a\u05d0.com", "user@\u05d0a.com", "user@\u05d01.com", "user@1\u05d0.com",
        "user@\u0627\u0661\u06f1.com", "user@\u0644\u064a\u0647\u0645\u0627\u0628\u062a\u0643\u0644\u0645.com",
        "user@a\u0640b.com", "user@\u3031.jp", "user@\u1100\u1161.kr", "user@\uac00.kr", "user@\u0378.com",
        "user@\ue000.com", "user@a\u0300.com", "user@\u00e0.com", "user@ab--\u00e9.com", "user@\u00e9-.com",
        "user@xn--\u00e9.com", "user@\u0131.com", "user@\u017f.com", "user@\u03c2.gr", "user@\u03a3.gr",
        "user@\u13a0.com", "user@\uab70.com", "user@a\u20d0.com", "user@\U0001d15e.com",
        # Unicode local parts, and characters that are not safe in them.
        "用户@例子.广告", "अजय@डाटा.भारत", "квіточка@пошта.укр", "θσερ@εχαμπλε.ψομ", "Dörte@Sörensen.example.com",
        "коля@пример.рф", "ñoñó@example.com", "我買@屋企.香港", "二ノ宮@黒川.日本", "δοκιμή@παράδειγμα.δοκιμή",
        "😀@example.com", "user\u2764@example.com", "Do\u0308rte@example.com", "a\u0301@example.com",
        "\u0301a@example.com", "a\u202eb@example.com", "a\u200bb@example.com", "a\u00adb@example.com",
        "a\u2028b@example.com", "a\u3000b@example.com", "a\ue000b@example.com", "a\U000e0001b@example.com",
        "a\u0378b@example.com", "a\u0000b@example.com", "a\u007fb@example.com", "a\u0085b@example.com",
        "a\ufeffb@example.com", "a\u00a0b@example.com", "a\u2066b@example.com", "é.@example.com",
        ".é@example.com", "é..è@example.com", "é\u3002è@example.com", "a\uff20b.com", "a\ufe6bb.com",
        "jane＠example.com", "\u00e9" * 32 + "@example.com", "\u00e9" * 33 + "@example.com",
        "\u00e9" * 40 + "@example.com", "\u00e9" * 64 + "@example.com", "\u00e9" * 65 + "@example.com",
        "用" * 21 + "@example.com", "用" * 22 + "@example.com", "ü" * 10 + "@ü.com",
        "\u2126@example.com", "\u212b@example.com", "\ufb01@example.com", "\u00bd@example.com",
    ]
    # Lengths at and past each limit.
    cases += [
        label(64) + "@example.com", label(65) + "@example.com", label(63) + "." + label(1) + "@example.com",
        "user@" + label(63) + ".com", "user@" + label(64) + ".com",
        "a@" + ".".join([label(63)] * 3 + [label(61)]) + "m",
        "a@" + ".".join([label(63)] * 3 + [label(60)]) + "m",
        "ab@" + ".".join([label(63)] * 3 + [label(61)]) + "m",
        "a@" + ".".join([label(63)] * 4) + ".com",
        label(64) + "@" + ".".join([label(63)] * 2 + [label(57)]) + ".com",
        label(64) + "@" + ".".join([label(63)] * 2 + [label(58)]) + ".com",
        label(64) + "@" + ".".join([label(40)] * 4) + ".com",
        "user@" + "ü" * 59 + ".com", "user@" + "ü" * 60 + ".com", "user@" + "例" * 19 + ".com",
        "user@" + "例" * 20 + ".com", "user@" + "ü" * 30 + "." + "ü" * 30 + ".com",
        "a@" + ".".join(["bücher"] * 17) + ".de", "a@" + ".".join(["bücher"] * 18) + ".de",
        "a@" + "b." * 126 + "co", "a@" + "b." * 125 + "co", "x" * 300 + "@example.com", "a@" + "b" * 1100 + ".com",
    ]
    return cases


# Valid addresses that the mutations start from.
BASES = [
    "simple@example.com", "john.smith@example.org", "jane+news@mail.example.co.uk", "o'hara@example.ie",
    "x@e.io", "first.middle.last@sub.domain.example.net", "info-desk@example-company.com", "a1b2c3@example123.org",
    "user@bücher.de", "用户@例子.广告", "δοκιμή@παράδειγμα.δοκιμή", "user@xn--bcher-kva.de", "Dörte@Sörensen.example.com",
    "коля@пример.рф", "user@пример.испытание", "~tilde@example.com", "hash#tag@example.com", "a@b.co",
    "test.email.with+symbol@domain.com", "name@site.travel", "user_name@example.com", "ünicode@example.com",
    "support@xn--fsqu00a.xn--0zwm56d", "o.k@a-b.c-d.example", "user@ｅｘａｍｐｌｅ.com",
]
INSERTED = [" ", "(", ")", "<", ">", "[", "]", ":", ";", "@", "\\", ",", '"', "\t", "_", "\u200b", "\u202e",
            "\u00ad", "\u0301", "\u3000", "\u00e9", "❤"]


def mutations(address):
    local, domain = address.rsplit("@", 1)
    middle = len(local) // 2
    domain_middle = domain.find(".") // 2 if "." in domain else len(domain) // 2
    result = [
        "." + address, local + ".@" + domain, local[:middle] + ".." + local[middle:] + "@" + domain,
        local + "@" + domain + ".", local + "@." + domain, local + "@" + domain.replace(".", "..", 1),
        local + "@-" + domain, local + "@" + domain.split(".")[0] + "-." + ".".join(domain.split(".")[1:]),
        local + "@" + domain.split(".")[0], local + "@" + domain + ".123", local + "@" + domain + ".local",
        local + domain, local + "@@" + domain, '"' + local + '"@' + domain, address.upper(),
        local + "@" + domain.upper(), local + "@" + domain + "-", local + "@" + domain[:domain_middle] + "--"
        + domain[domain_middle:],
    ]
    for character in INSERTED:
        result.append(local[:middle] + character + local[middle:] + "@" + domain)
        result.append(local + "@" + domain[:domain_middle] + character + domain[domain_middle:])
    return result


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--build", default=os.path.join(".build", "email"),
                           help="download folder (relative to the repository root)")
    args = arguments.parse_args()
    os.chdir(REPO)
    for spec in WHEELS:
        sys.path.insert(0, fetch_wheel(*spec, args.build))
    import email_validator  # noqa: E402  (from the pinned wheel)
    if email_validator.__version__ != WHEELS[0][1]:
        fail(f"imported email-validator {email_validator.__version__}, not the pinned {WHEELS[0][1]}")

    addresses, seen = [], set()
    for address in hand_written() + [m for base in BASES for m in [base] + mutations(base)]:
        if address not in seen:
            seen.add(address)
            addresses.append(address)

    rows = []
    for address in addresses:
        try:
            result = email_validator.validate_email(address, **OPTIONS)
            rows.append({"address": address, "valid": True, "asciiDomain": result.ascii_domain,
                         "normalized": result.normalized, "reason": None})
        except email_validator.EmailNotValidError as error:
            rows.append({"address": address, "valid": False, "asciiDomain": None, "normalized": None,
                         "reason": str(error)})
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    valid = sum(row["valid"] for row in rows)
    print(f"wrote {OUTPUT}: {len(rows)} addresses, {valid} valid and {len(rows) - valid} invalid by "
          f"email-validator {email_validator.__version__} (Python {sys.version.split()[0]}, Unicode "
          f"{unicodedata.unidata_version})", file=sys.stderr)


if __name__ == "__main__":
    main()
