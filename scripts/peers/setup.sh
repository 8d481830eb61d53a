#!/usr/bin/env bash
# Installs the peers that scripts/peers/run.py compares Bulwark's Shield with, idempotently:
#   - the OWASP Core Rule Set, from Debian (modsecurity-crs, rules under /usr/share/modsecurity-crs)
#   - ModSecurity v3 for Python, from PyPI (libmodsecurity: a wheel that bundles libmodsecurity 3.0.x,
#     so Debian's libmodsecurity3 is not needed)
#   - libinjection's C sources, from the PyPI sdist of libinjection-python, built with gcc into a
#     small harness (scripts/peers/libinjection_harness.c) under .build/peers/ (never committed)
# Usage: scripts/peers/setup.sh            (run as root, or with apt-get and pip usable)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out="$repo/.build/peers"
mkdir -p "$out"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# 1. CRS rules (Debian's package; 3.3.x on bookworm).
if [ ! -f /usr/share/modsecurity-crs/rules/REQUEST-942-APPLICATION-ATTACK-SQLI.conf ]; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq modsecurity-crs >/dev/null
fi
echo "CRS: $(dpkg-query -W -f='${Version}' modsecurity-crs 2>/dev/null || echo '?') in /usr/share/modsecurity-crs"

# 2. libmodsecurity for Python; gcc for the harness.
if ! python3 -c 'import libmodsecurity' 2>/dev/null; then
    python3 -m pip install -q libmodsecurity
fi
echo "libmodsecurity: $(python3 -c 'import libmodsecurity; print(libmodsecurity.__version__, "-", libmodsecurity.ModSecurity().who_am_i())')"
if ! command -v gcc >/dev/null; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq gcc libc6-dev >/dev/null
fi

# 3. libinjection C sources from the libinjection-python sdist, and the harness.
src="$out/libinjection-src"
if [ ! -f "$src/libinjection_sqli.c" ]; then
    dl=$(mktemp -d)
    python3 -m pip download -q --no-binary :all: --no-deps -d "$dl" libinjection-python
    archive=$(ls "$dl"/libinjection*python* | head -n 1)
    unpacked="$dl/unpacked"
    mkdir -p "$unpacked"
    case "$archive" in
        *.zip) python3 -m zipfile -e "$archive" "$unpacked" ;;
        *) tar -xf "$archive" -C "$unpacked" ;;
    esac
    sqli=$(find "$unpacked" -name libinjection_sqli.c | head -n 1)
    [ -n "$sqli" ] || { echo "no libinjection_sqli.c in $archive" >&2; exit 1; }
    rm -rf "$src"
    mkdir -p "$src"
    cp "$(dirname "$sqli")"/*.c "$(dirname "$sqli")"/*.h "$src"/
    basename "$archive" > "$src/FROM"
    rm -rf "$dl"
fi
echo "libinjection: C sources from $(cat "$src/FROM") in $src"
harness="$repo/scripts/peers/libinjection_harness.c"
if [ ! -x "$out/libinjection-harness" ] || [ "$harness" -nt "$out/libinjection-harness" ]; then
    gcc -O2 -std=gnu99 -w -I "$src" -o "$out/libinjection-harness" "$harness" \
        "$src/libinjection_sqli.c" "$src/libinjection_xss.c" "$src/libinjection_html5.c"
fi
echo "harness: $out/libinjection-harness"
