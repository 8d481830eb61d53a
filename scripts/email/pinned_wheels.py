"""Pinned wheels for the email scripts: downloaded once into the build folder with pip, and checked
against their SHA-256 before use, so that a changed upload stops the script instead of changing
the generated files."""

import hashlib
import os
import subprocess
import sys


class WheelError(Exception):
    """A wheel that could not be fetched, or whose digest differs from the pinned one."""


def fetch_wheel(distribution, version, prefix, sha256, build):
    """Downloads the pinned wheel once and checks its digest; returns its path."""
    wheels = os.path.join(build, "wheels")
    os.makedirs(wheels, exist_ok=True)

    def find():
        return [n for n in os.listdir(wheels) if n.startswith(f"{prefix}-{version}-") and n.endswith(".whl")]

    if not find():
        subprocess.check_call(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
             f"{distribution}=={version}", "-d", wheels])
    names = find()
    if not names:
        raise WheelError(f"pip download did not leave a wheel of {distribution} {version} in {wheels}")
    path = os.path.join(wheels, sorted(names)[0])
    with open(path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    if digest != sha256:
        raise WheelError(f"{path} has SHA-256 {digest}, expected {sha256}")
    return path
