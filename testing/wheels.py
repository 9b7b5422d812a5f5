"""Minimal pure-Python wheels built in a test, so pip can resolve and install from a local
directory (`--no-index --find-links DIR`) and no test reaches a package index."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

OFFLINE = ("--only-binary=:all:", "--no-index", "--find-links")


def build_wheel(directory: Path, name: str, version: str) -> Path:
    """A minimal pure-Python wheel whose `python -m <name>` prints its version."""
    files = {
        f"{name}/__init__.py": f"__version__ = {version!r}\n",
        f"{name}/__main__.py": f"print('{name}, {version} (test wheel)')\n",
        f"{name}-{version}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        ),
        f"{name}-{version}.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: autorecover-tests\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n"
        ),
    }
    record = []
    path = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in files.items():
            archive.writestr(member, text)
            digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest())
            record.append(f"{member},sha256={digest.rstrip(b'=').decode()},{len(text)}")
        record.append(f"{name}-{version}.dist-info/RECORD,,")
        archive.writestr(f"{name}-{version}.dist-info/RECORD", "\n".join(record) + "\n")
    return path


def local_index(directory: Path, releases: dict[str, list[str]]) -> tuple[str, ...]:
    """Wheels for every `{name: [versions]}` in `directory`; the pip options that use it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, versions in releases.items():
        for version in versions:
            build_wheel(directory, name, version)
    return (*OFFLINE, str(directory))
