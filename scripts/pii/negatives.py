"""The hard negatives of scripts/pii/sentences.py: text that looks like an entity to a careless
detector and must carry no label (dates, order numbers, versions, OIDs, hashes, Luhn-invalid numbers,
IBAN-shaped strings with a wrong checksum, placeholders for secrets...).

Each generator takes the sentence generator `gen` and returns a string; HARD_NEGATIVES maps the
template slot names to them.
"""

import datetime
import string
import uuid

from entities import ALNUM, IBAN_LOCALES, iban_valid, luhn_valid

HEX = "0123456789abcdef"
# Generators draw again when a value would read as an entity; that is rare.
MAX_DRAWS = 200


def _not_luhn(digits):
    """The same digits with the last one changed so that Luhn fails."""
    if not luhn_valid(digits):
        return digits
    return digits[:-1] + str((int(digits[-1]) + 1) % 10)


def _group(digits, sizes, separator):
    out, index = [], 0
    for size in sizes:
        out.append(digits[index:index + size])
        index += size
    return separator.join(part for part in out if part)


def _isbn13(gen):
    for _ in range(MAX_DRAWS):
        body = gen.pick(("978", "979")) + gen.digits(9)
        check = (10 - sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body)) % 10) % 10
        number = body + str(check)
        if not luhn_valid(number):
            return number
    raise RuntimeError("no ISBN-13 failing Luhn drawn")


def _int(gen, low, high):
    return gen.rng.randint(low, high)


def _moment(gen, first_year, last_year):
    """A UTC time in [first_year, last_year]: fixed bounds, not "now", so that a seed gives one file."""
    start = datetime.datetime(first_year, 1, 1, tzinfo=datetime.timezone.utc)
    end = datetime.datetime(last_year + 1, 1, 1, tzinfo=datetime.timezone.utc)
    return start + datetime.timedelta(seconds=gen.rng.randrange(int((end - start).total_seconds())))


def negative_date(gen):
    day = _moment(gen, 2019, 2027)
    return day.strftime(gen.pick(("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%B %d, %Y", "%d %b %Y",
                                  "%Y/%m/%d")))


def negative_time(gen):
    hour, minute = _int(gen, 0, 23), _int(gen, 0, 59)
    return gen.pick((f"{hour:02d}:{minute:02d}", f"{hour:02d}:{minute:02d}:{_int(gen, 0, 59):02d}",
                     f"{hour % 12 + 1}:{minute:02d} {gen.pick(('AM', 'PM'))}"))


def negative_timestamp(gen):
    moment = _moment(gen, 2022, 2026)
    epoch = str(int(moment.timestamp()))
    return gen.pick((moment.strftime("%Y-%m-%dT%H:%M:%S.") + gen.digits(3) + "Z",
                     moment.strftime("%Y-%m-%d %H:%M:%S,") + gen.digits(3),
                     moment.strftime("%Y-%m-%dT%H:%M:%S+02:00"), epoch, _not_luhn(epoch + gen.digits(3))))


def negative_clfdate(gen):
    return _moment(gen, 2024, 2026).strftime("%d/%b/%Y:%H:%M:%S +0000")


def negative_price(gen):
    amount = _int(gen, 1, 499999) / 100
    return gen.pick((f"${amount:,.2f}", f"€{amount:.2f}".replace(".", ","), f"{amount:,.2f} €".replace(",", " "),
                     f"£{amount:.2f}", f"USD {amount:,.0f}", f"¥{int(amount * 100):,}", f"₹{amount:,.2f}",
                     f"CHF {amount:.2f}"))


def negative_order(gen):
    return gen.pick((f"ORD-{_int(gen, 2019, 2026)}-{gen.digits(6)}", f"#{gen.digits(9)}", gen.digits(10),
                     f"PO-{gen.digits(5)}", f"{gen.chars(string.ascii_uppercase, 3)}-{gen.digits(4)}-{gen.digits(4)}",
                     f"A{gen.digits(11)}"))


def negative_invoice(gen):
    return gen.pick((f"INV-{gen.digits(6)}", f"{_int(gen, 2019, 2026)}/{gen.digits(5)}",
                     f"F{_int(gen, 2019, 2026)}-{gen.digits(4)}", f"RE-{gen.digits(8)}"))


def negative_tracking(gen):
    return gen.pick((
        "1Z" + gen.chars(string.ascii_uppercase + string.digits, 6) + gen.digits(10),   # UPS
        _group(gen.digits(12), (4, 4, 4), " "),                                          # FedEx
        _group("9400" + gen.digits(18), (4, 4, 4, 4, 4, 2), " "),                        # USPS, 22 digits
        "9261" + gen.digits(18),
        gen.chars(string.ascii_uppercase, 2) + gen.digits(9) + gen.pick(("DE", "GB", "FR", "US")),  # UPU
    ))


def negative_version(gen):
    return gen.pick((f"v{_int(gen, 1, 12)}.{_int(gen, 0, 20)}.{_int(gen, 0, 30)}.{_int(gen, 0, 99)}",
                     f"10.0.{_int(gen, 17000, 22631)}.{_int(gen, 256, 4999)}",
                     f"{_int(gen, 1, 9)}.{_int(gen, 0, 40)}.{_int(gen, 0, 20)}",
                     f"v10.0.{_int(gen, 17000, 22631)}",
                     f"{_int(gen, 1, 5)}.{_int(gen, 0, 9)}.{_int(gen, 0, 9)}-beta.{_int(gen, 1, 9)}",
                     f"6.1.7601.{_int(gen, 17000, 24999)}"))


def negative_oid(gen):
    return "1.3.6.1." + ".".join(str(_int(gen, 1, 40)) for _ in range(_int(gen, 3, 6)))


def negative_mac(gen):
    octets = [gen.chars(HEX, 2) for _ in range(6)]
    return gen.pick((":".join(octets).upper(), "-".join(octets),
                     ".".join("".join(octets[i:i + 2]) for i in (0, 2, 4))))


def negative_uuid(gen):
    return str(uuid.UUID(int=gen.rng.getrandbits(128), version=4))


def negative_sha(gen):
    return gen.chars(HEX, 40) if gen.chance(0.7) else gen.chars(HEX, 7)


def negative_digest(gen):
    return gen.pick((gen.chars(HEX, 32), gen.chars(HEX, 64), "sha256:" + gen.chars(HEX, 64)))


def negative_isbn(gen):
    number = _isbn13(gen)
    return gen.pick((f"{number[:3]}-{number[3]}-{number[4:6]}-{number[6:12]}-{number[12]}", number,
                     f"{number[:3]}-{number[3:5]}-{number[5:9]}-{number[9:12]}-{number[12]}"))


def negative_badcard(gen):
    digits = _not_luhn((gen.pick(("4", "51", "55", "37", "6011")) + gen.digits(16))[:16])
    return gen.pick((digits, _group(digits, (4, 4, 4, 4), " "), _group(digits, (4, 4, 4, 4), "-")))


def _holds_card_number(groups):
    """Whether a tail of these space-separated groups reads as a card number on its own."""
    for start in range(len(groups)):
        digits = "".join(groups[start:])
        if digits.isdigit() and 13 <= len(digits) <= 19 and luhn_valid(digits) and digits[0] in "23456":
            return True
    return False


def negative_badiban(gen):
    for _ in range(MAX_DRAWS):
        value = gen.fake(gen.pick(IBAN_LOCALES)).iban()
        for offset in range(1, 97):
            candidate = value[:2] + f"{(int(value[2:4]) + offset) % 97 + 2:02d}" + value[4:]
            if not iban_valid(candidate):
                break
        groups = [candidate[i:i + 4] for i in range(0, len(candidate), 4)]
        # The wrong checksum is the point; a card number hiding in the groups would blur it.
        if not _holds_card_number(groups):
            return gen.pick((candidate, " ".join(groups)))
    raise RuntimeError("no IBAN-shaped negative without a card number in it drawn")


def negative_bic(gen):
    return gen.pick(("DEUTDEFF", "BNPAFRPPXXX", "COBADEFFXXX", "INGBNL2A", "BSCHESMM", "UNCRITMM", "NWBKGB2L"))


def negative_partno(gen):
    area = gen.pick((str(_int(gen, 900, 999)), "000", "666"))
    return f"{area}-{gen.digits(2)}-{gen.digits(4)}"


def negative_zipcode(gen):
    return gen.fake(gen.pick(("en_US", "de_DE", "en_GB", "fr_FR", "nl_NL"))).postcode()


def negative_year(gen):
    return str(_int(gen, 1970, 2030))


def negative_percent(gen):
    return gen.pick((f"{_int(gen, 0, 100)}%", f"{_int(gen, 0, 9999) / 100}%", f"+{_int(gen, 1, 9)},{gen.digits(1)} %"))


def negative_port(gen):
    return gen.pick((f"localhost:{_int(gen, 1024, 9999)}", f"port {gen.pick((22, 443, 5432, 6379, 8080))}",
                     f"db:{gen.pick((5432, 3306))}"))


def negative_path(gen):
    return gen.pick(("/var/log/nginx/access.log", "C:\\Users\\José\\Documents\\Q3-report.xlsx",
                     "~/projects/api/src/main.py", "/home/ubuntu/.ssh/id_ed25519.pub", "/etc/ssl/certs/ca-bundle.crt",
                     f"/srv/uploads/{_int(gen, 2019, 2026)}/{gen.digits(2)}/IMG_{gen.digits(4)}.jpg",
                     "./node_modules/.bin/tsc", "D:\\Backups\\Übersicht_2024.pdf"))


def negative_url(gen):
    return gen.pick(("https://docs.example.com/v2/install?lang=en#step-3",
                     f"https://github.com/acme/api/pull/{_int(gen, 10, 9999)}",
                     f"http://localhost:{_int(gen, 3000, 9000)}/api/health",
                     f"https://shop.example.org/orders/{gen.digits(8)}?utm_source=newsletter",
                     "https://fr.wikipedia.org/wiki/Café",
                     f"https://status.example.net/incidents/{gen.chars(HEX, 12)}"))


def negative_localmail(gen):
    return gen.pick(("root@localhost", "user@localhost", "deploy@build-01", "postgres@db", "admin@intranet",
                     f"www-data@web{_int(gen, 1, 9)}"))


def negative_handle(gen):
    return gen.pick((f"@{gen.fake().user_name()}", "@dataclass", "@angular/core@17.0.1", "@types/node@20.11.5",
                     "@Override"))


def negative_sklearn(gen):
    return gen.pick(("sk-learn", "sk-SK", "sk-learn's", "task-1234", "ask-me-anything"))


def negative_placeholder(gen):
    return gen.pick(("sk_live_...", "<YOUR_API_KEY>", "${GITHUB_TOKEN}", "ghp_XXXX", "AKIA****************",
                     "xoxb-your-token-here", "sk-...", "$OPENAI_API_KEY", "glpat-<redacted>", "npm_••••••••"))


def negative_pubkey(gen):
    b64 = ALNUM + "+/"
    return gen.pick((
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + gen.chars(b64, 43) + " deploy@build-01",
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" + gen.chars(b64, 28) + "\n"
        + gen.chars(b64, 60) + "==\n-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----\nMIIB" + gen.chars(b64, 60) + "\n" + gen.chars(b64, 64) + "\n"
        + gen.chars(b64, 40) + "=\n-----END CERTIFICATE-----",
    ))


def negative_integrity(gen):
    return "sha512-" + gen.chars(ALNUM + "+/", 86) + "=="


def negative_measure(gen):
    return gen.pick(("1920x1080", f"{_int(gen, 1, 99)}.{gen.digits(1)} kg", f"{_int(gen, 1, 500)} mm",
                     f"{_int(gen, -89, 89)}.{gen.digits(4)}, {_int(gen, -179, 179)}.{gen.digits(4)}",
                     f"{_int(gen, 1, 64)} GB", f"{_int(gen, 100, 9999)} ms"))


def negative_duration(gen):
    return gen.pick((f"{_int(gen, 100, 9999)} ms", f"{_int(gen, 1, 59)}.{gen.digits(3)}s", f"{_int(gen, 1, 90)} min",
                     f"{_int(gen, 1, 23)}h{_int(gen, 0, 59):02d}m"))


def negative_asset(gen):
    return gen.pick(("icon@2x.png", "logo@3x.webp", "hero@2x.jpg", "avatar@1.5x.png"))


def negative_ticket(gen):
    return gen.pick((f"JIRA-{gen.digits(4)}", f"CASE-{gen.digits(8)}", f"#{gen.digits(4)}", f"INC{gen.digits(7)}",
                     f"SUP-{gen.digits(5)}"))


def negative_build(gen):
    return gen.pick((f"build {_int(gen, 2019, 2026)}{gen.digits(4)}.{_int(gen, 1, 9)}", f"build #{gen.digits(5)}",
                     f"run {gen.digits(10)}"))


HARD_NEGATIVES = {name[len("negative_"):]: function for name, function in sorted(globals().items())
                  if name.startswith("negative_")}
