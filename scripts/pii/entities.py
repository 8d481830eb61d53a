"""The labelled values of scripts/pii/sentences.py: e-mail addresses, phone numbers, IP addresses,
card numbers, IBANs, US SSNs and secrets.

Every generator takes the sentence generator `gen` (its seeded `rng`, `fake(locale)`, `digits`,
`chars`, `pick`, `chance`) and returns the value as a string; sentences.py labels it.
"""

import base64
import ipaddress
import json
import string
import unicodedata

import phonenumbers

LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "en_IN", "es_ES", "it_IT", "nl_NL", "en_AU", "pt_BR",
           "ja_JP", "pl_PL", "cs_CZ", "tr_TR")
IBAN_LOCALES = ("de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_GB", "pl_PL", "pt_PT", "de_AT",
                "nl_BE", "fi_FI", "en_IE", "cs_CZ")
CARD_TYPES = ("visa16", "visa16", "visa16", "visa13", "visa19", "mastercard", "mastercard", "amex",
              "amex", "discover", "diners", "jcb16", "jcb15")
ALNUM = string.ascii_letters + string.digits
BASE64URL = ALNUM + "-_"
# Generators draw again when a value fails a check; Faker's values pass nearly always.
MAX_DRAWS = 200


def luhn_valid(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_valid(iban):
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


def ascii_fold(text):
    """Turns "José Müller" into "jose.muller"-ready ASCII for e-mail local parts."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(char for char in folded.lower() if char.isalnum())


US_AREA_CODES = ("201", "202", "206", "212", "213", "305", "312", "347", "404", "415", "503", "512",
                 "602", "617", "646", "702", "713", "718", "801", "818", "917", "929", "971")


def phone_number(gen, locale, international=None):
    """A number libphonenumber accepts as valid, in one of the layouts people use in `locale`."""
    for _ in range(MAX_DRAWS):
        region, text = _phone_candidate(gen, locale, international)
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return text
    raise RuntimeError(f"no valid phone number drawn for {locale}")


def _phone_candidate(gen, locale, international):
    d = gen.digits
    intl = gen.chance(0.5) if international is None else international
    if locale == "en_US":
        area, exchange, line = gen.pick(US_AREA_CODES), gen.pick("23456789") + d(2), d(4)
        national = ("({a}) {e}-{l}", "{a}-{e}-{l}", "{a}.{e}.{l}", "{a} {e} {l}", "1-{a}-{e}-{l}")
        interna = ("+1 {a} {e} {l}", "+1-{a}-{e}-{l}", "+1 ({a}) {e}-{l}", "+1{a}{e}{l}", "+1.{a}.{e}.{l}")
        return "US", gen.pick(interna if intl else national).format(a=area, e=exchange, l=line)
    if locale == "en_GB":
        if gen.chance(0.5):
            n = "7" + gen.pick("4579") + d(8)
            layouts = ("+44 {0} {1}", "+44 (0){0} {1}", "+447{2}") if intl else ("0{0} {1}", "0{0}{1}")
            return "GB", gen.pick(layouts).format(n[:4], n[4:], n[1:])
        area = gen.pick(("20", "161", "121", "131", "113"))
        rest = gen.pick("378") + d(7) if area == "20" else gen.pick("2345789") + d(6)
        if area == "20":
            layouts = ("+44 20 {0} {1}", "+44 (0)20 {0} {1}") if intl else ("020 {0} {1}", "(020) {0} {1}")
            return "GB", gen.pick(layouts).format(rest[:4], rest[4:])
        layouts = ("+44 {a} {0} {1}",) if intl else ("0{a} {0} {1}", "(0{a}) {0} {1}")
        return "GB", gen.pick(layouts).format(rest[:3], rest[3:], a=area)
    if locale == "de_DE":
        if gen.chance(0.5):
            prefix = gen.pick(("151", "152", "160", "162", "170", "171", "172", "176", "179"))
            rest = d(8 if prefix[1] in "57" else 7)
            layouts = ("+49 {p} {r}", "+49 (0){p} {r}", "+49{p}{r}") if intl else ("0{p} {r}", "0{p}/{r}", "0{p}-{r}")
            return "DE", gen.pick(layouts).format(p=prefix, r=rest)
        area = gen.pick(("30", "40", "89", "69", "221", "711"))
        rest = gen.pick("2345689") + d(6 if len(area) == 2 else 5) + (d(1) if gen.chance(0.5) else "")
        if intl:
            layouts = ("+49 {a} {r}", "+49 (0){a} {r}", "+49-{a}-{r}")
        else:
            layouts = ("0{a} {r}", "0{a}/{r}", "(0{a}) {r}", "0{a}-{r}")
        return "DE", gen.pick(layouts).format(a=area, r=rest)
    if locale == "fr_FR":
        n = gen.pick("1234567") + d(8)
        pairs = " ".join(n[i:i + 2] for i in range(1, 9, 2))
        if intl:
            return "FR", gen.pick(("+33 {0} {1}", "+33 (0){0} {1}", "+33{0}{2}")).format(n[0], pairs, n[1:])
        dotted = pairs.replace(" ", ".")
        return "FR", gen.pick(("0{0} {1}", "0{0}.{2}", "0{0}{3}")).format(n[0], pairs, dotted, n[1:])
    if locale == "en_IN":
        if gen.chance(0.7):
            n = gen.pick("6789") + d(9)
            layouts = ("+91 {0} {1}", "+91-{0}{1}", "+91{0}{1}") if intl else ("0{0} {1}", "0{0}{1}", "{0} {1}")
            return "IN", gen.pick(layouts).format(n[:5], n[5:])
        area = gen.pick(("11", "22", "80", "44"))
        rest = gen.pick("2456") + d(7)
        layouts = ("+91 {a} {0} {1}", "+91-{a}-{0}{1}") if intl else ("0{a} {0} {1}", "0{a}-{0}{1}")
        return "IN", gen.pick(layouts).format(rest[:4], rest[4:], a=area)
    if locale == "es_ES":
        start = gen.pick("67") if gen.chance(0.6) else gen.pick(("91", "93", "95", "96"))
        n = start + d(9 - len(start))
        if intl:
            return "ES", gen.pick(("+34 {0} {1} {2}", "+34{0}{1}{2}", "+34-{0}-{1}-{2}")).format(n[:3], n[3:6], n[6:])
        layouts = ("{0} {1} {2}", "{0}{1}{2}", "{3} {4} {5} {6}")
        return "ES", gen.pick(layouts).format(n[:3], n[3:6], n[6:], n[:3] if n[0] in "67" else n[:2],
                                              n[3:5] if n[0] in "67" else n[2:5], n[5:7], n[7:])
    if locale == "it_IT":
        if gen.chance(0.5):
            n = "3" + gen.pick("234789") + d(8)
            layouts = ("+39 {0} {1} {2}", "+39 {0}{1}{2}") if intl else ("{0} {1}{2}", "{0} {1} {2}", "{0}-{1}{2}")
            return "IT", gen.pick(layouts).format(n[:3], n[3:6], n[6:])
        area = gen.pick(("06", "02", "011", "055"))
        rest = gen.pick("2345689") + d(9 - len(area))
        layouts = ("+39 {a} {r}", "+39 {a} {0} {1}") if intl else ("{a} {r}", "{a}-{r}", "{a} {0} {1}")
        return "IT", gen.pick(layouts).format(rest[:4], rest[4:], a=area, r=rest)
    if locale == "nl_NL":
        if gen.chance(0.5):
            n = "6" + gen.pick("12345") + d(7)
            layouts = ("+31 6 {0}", "+31 (0)6 {0}", "+316{0}") if intl else ("06-{0}", "06 {1}", "06{0}")
            body = n[1:]
            return "NL", gen.pick(layouts).format(body, " ".join(body[i:i + 2] for i in range(0, 8, 2)))
        area = gen.pick(("20", "10", "70", "30"))
        rest = gen.pick("2345678") + d(6)
        layouts = ("+31 {a} {0} {1}", "+31 (0){a} {0} {1}") if intl else ("0{a}-{r}", "0{a} {0} {1}", "(0{a}) {r}")
        return "NL", gen.pick(layouts).format(rest[:3], rest[3:], a=area, r=rest)
    if locale == "en_AU":
        if gen.chance(0.5):
            n = "4" + d(8)
            layouts = ("+61 {0} {1} {2}",) if intl else ("0{0} {1} {2}", "0{0}{1}{2}")
            return "AU", gen.pick(layouts).format(n[:3], n[3:6], n[6:])
        area, rest = gen.pick("2378"), gen.pick("3456789") + d(7)
        layouts = ("+61 {a} {0} {1}",) if intl else ("(0{a}) {0} {1}", "0{a} {0} {1}")
        return "AU", gen.pick(layouts).format(rest[:4], rest[4:], a=area)
    if locale == "pt_BR":
        area, rest = gen.pick(("11", "21", "31", "41", "61")), "9" + gen.pick("6789") + d(7)
        layouts = ("+55 {a} {0}-{1}", "+55 ({a}) {0}-{1}") if intl else ("({a}) {0}-{1}", "{a} {0}-{1}")
        return "BR", gen.pick(layouts).format(rest[:5], rest[5:], a=area)
    if locale == "ja_JP":
        if gen.chance(0.5):
            rest = d(8)
            layouts = ("+81 {m}-{0}-{1}", "+81 {m} {0} {1}") if intl else ("0{m}-{0}-{1}",)
            return "JP", gen.pick(layouts).format(rest[:4], rest[4:], m=gen.pick(("90", "80", "70")))
        rest = gen.pick("3456") + d(7)
        layouts = ("+81 3-{0}-{1}",) if intl else ("03-{0}-{1}", "(03) {0}-{1}")
        return "JP", gen.pick(layouts).format(rest[:4], rest[4:])
    # Locales without their own layouts here write international numbers in the E.164 grouping.
    return _phone_candidate(gen, gen.pick(("en_US", "en_GB", "de_DE", "fr_FR")), True)


def card_number(gen):
    for _ in range(MAX_DRAWS):
        number = gen.fake().credit_card_number(card_type=gen.pick(CARD_TYPES))
        if 13 <= len(number) <= 19 and luhn_valid(number):
            break
    else:
        raise RuntimeError("Faker gave no Luhn-valid card number of 13-19 digits")
    style = gen.pick(("plain", "plain", "space", "space", "dash"))
    if style == "plain":
        return number
    separator = " " if style == "space" else "-"
    if len(number) == 15 and number[0] == "3":
        groups = (number[:4], number[4:10], number[10:])
    elif len(number) == 14:
        groups = (number[:4], number[4:10], number[10:])
    else:
        groups = tuple(number[i:i + 4] for i in range(0, len(number), 4))
    return separator.join(groups)


def iban(gen):
    for _ in range(MAX_DRAWS):
        value = gen.fake(gen.pick(IBAN_LOCALES)).iban()
        if iban_valid(value):
            break
    else:
        raise RuntimeError("Faker gave no IBAN with a valid checksum")
    if gen.chance(0.5):
        return " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return value


def us_ssn(gen):
    area = gen.rng.randint(1, 899)
    while area == 666:  # never issued; a redraw keeps the other areas equally likely
        area = gen.rng.randint(1, 899)
    return f"{area:03d}-{gen.rng.randint(1, 99):02d}-{gen.rng.randint(1, 9999):04d}"


def email(gen, context):
    first, last = context.ascii_first, context.ascii_last
    fake = gen.fake(context.locale)
    domain = gen.pick((fake.free_email_domain(), fake.domain_name(), gen.fake().domain_name(),
                       gen.fake("en_GB").domain_name(), gen.fake("de_DE").free_email_domain()))
    if gen.chance(0.2):
        domain = gen.pick(("mail", "eu", "corp", "support", "dept.hr", "us-west")) + "." + domain
    if gen.chance(0.1):
        domain = domain.rsplit(".", 1)[0] + gen.pick((".co.uk", ".com.au", ".io", ".dev", ".travel", ".info"))
    local = gen.pick((
        f"{first}.{last}", f"{first}{last}{gen.digits(2)}", f"{first[0]}{last}", f"{first}_{last}",
        f"{first}.{last}+{gen.pick(('news', 'shop', 'work', 'github', 'spam', 'x2024'))}",
        f"{last}.{first[0]}", f"{first}-{last}", f"{first}{gen.digits(4)}", f"{first}.{last}.{gen.digits(2)}",
    ))
    address = f"{local}@{domain}"
    if gen.chance(0.08):
        address = address[0].upper() + address[1:] if gen.chance(0.5) else address.upper()
    return address


def ipv4(gen):
    return gen.pick((gen.fake().ipv4_public, gen.fake().ipv4_public, gen.fake().ipv4_private))()


def ipv6(gen):
    groups = [gen.rng.randint(0, 0xFFFF) for _ in range(8)]
    prefix = gen.pick(((0x2001, 0x0DB8), (0x2001, 0x4860), (0x2a00, 0x1450), (0xfe80, 0), (0x2606, 0x4700), None))
    if prefix:
        groups[0], groups[1] = prefix
    if gen.chance(0.7):  # a run of zero groups, as real addresses have
        start = gen.rng.randint(1 if prefix else 0, 6)
        for i in range(start, min(8, start + gen.rng.randint(2, 4))):
            groups[i] = 0
    # An address ending in "::" is valid but never written in prose, where the colon reads as punctuation.
    groups[7] = groups[7] or gen.rng.randint(1, 0xFFFF)
    address = ipaddress.IPv6Address(":".join(f"{g:x}" for g in groups))
    text = address.exploded if gen.chance(0.25) else address.compressed
    return text.upper() if gen.chance(0.1) else text


def jwt(gen, context):
    algorithm = gen.pick(("HS256", "HS256", "ES256", "RS256"))
    header = gen.pick(({"alg": algorithm, "typ": "JWT"}, {"typ": "JWT", "alg": algorithm},
                       {"alg": algorithm, "typ": "JWT", "kid": gen.chars(ALNUM, 12)}))
    issued = gen.rng.randint(1_600_000_000, 1_800_000_000)
    payload = gen.pick((
        {"sub": gen.digits(10), "name": f"{context.first} {context.last}", "iat": issued},
        {"sub": gen.chars(ALNUM, 16), "iat": issued, "exp": issued + 3600, "scope": "read write"},
        {"user_id": gen.rng.randint(1, 99999), "role": gen.pick(("admin", "user", "service")), "exp": issued},
    ))
    signature_size = {"HS256": 32, "ES256": 64, "RS256": 256}[algorithm]

    def encode(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

    compact = (json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8"),
               json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8"),
               bytes(gen.rng.getrandbits(8) for _ in range(signature_size)))
    return ".".join(encode(part) for part in compact)


# Each private-key label with the DER (or OpenSSH) opening of a real key of that kind, the random
# bytes that follow, the fixed bytes after them, more random bytes, and the line width.
PEM_KEYS = (
    ("EC PRIVATE KEY", bytes.fromhex("3077020101" "0420"), 32,
     bytes.fromhex("a00a06082a8648ce3d030107" "a144034200" "04"), 64, 64),
    ("PRIVATE KEY", bytes.fromhex("302e020100300506032b657004220420"), 32, b"", 0, 64),
    ("RSA PRIVATE KEY", bytes.fromhex("308204a40201000282010100"), 1180, b"", 0, 64),
    ("PRIVATE KEY", bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7"), 1190, b"", 0, 64),
    ("OPENSSH PRIVATE KEY", b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none", 360, b"", 0, 70),
    ("ENCRYPTED PRIVATE KEY", bytes.fromhex("308201"), 300, b"", 0, 64),
)


def pem_block(gen, line_separator="\n"):
    """A private-key block; `line_separator` joins its lines (indented for YAML, an escaped \\n for JSON)."""
    label, head, middle, tail, end_size, width = gen.pick(PEM_KEYS)
    body = head + gen.rng.randbytes(middle) + tail + gen.rng.randbytes(end_size)
    encoded = base64.b64encode(body).decode("ascii")
    lines = [encoded[i:i + width] for i in range(0, len(encoded), width)]
    return line_separator.join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])


def secret(gen, context, kind=""):
    kind = kind or gen.pick(("aws", "github", "github", "slack", "stripe", "openai", "openai", "google",
                             "gitlab", "npm", "jwt", "jwt"))
    upper32 = string.ascii_uppercase + "234567"
    if kind == "aws":
        return gen.pick(("AKIA", "AKIA", "AKIA", "ASIA")) + gen.chars(upper32, 16)
    if kind == "github":
        if gen.chance(0.2):
            return "github_pat_" + gen.chars(ALNUM, 22) + "_" + gen.chars(ALNUM, 59)
        return gen.pick(("ghp_", "ghp_", "ghp_", "gho_", "ghs_", "ghu_")) + gen.chars(ALNUM, 36)
    if kind == "slack":
        if gen.chance(0.7):
            return f"xoxb-{gen.digits(gen.rng.randint(10, 13))}-{gen.digits(13)}-{gen.chars(ALNUM, 24)}"
        return f"xoxp-{gen.digits(12)}-{gen.digits(12)}-{gen.digits(13)}-{gen.chars('0123456789abcdef', 32)}"
    if kind == "stripe":
        return gen.pick(("sk_live_", "sk_live_", "rk_live_")) + gen.chars(ALNUM, gen.pick((24, 24, 99)))
    if kind == "openai":
        if gen.chance(0.5):
            return "sk-" + gen.chars(ALNUM, 20) + "T3BlbkFJ" + gen.chars(ALNUM, 20)
        return "sk-proj-" + gen.chars(BASE64URL, gen.pick((48, 74, 120, 156)))
    if kind == "google":
        return "AIza" + gen.chars(BASE64URL, 35)
    if kind == "gitlab":
        return "glpat-" + gen.chars(BASE64URL, 20)
    if kind == "npm":
        return "npm_" + gen.chars(ALNUM, 36)
    if kind == "jwt":
        return jwt(gen, context)
    raise KeyError(f"unknown secret kind {kind!r}")
