"""Minimal pure-Python wheels built in a test, so pip can resolve and install from a local
directory (`--no-index --find-links DIR`) and no test reaches a package index."""

from __future__ import annotations

import base64
import hashlib
import html
import zipfile
from pathlib import Path

OFFLINE = ("--only-binary=:all:", "--no-index", "--find-links")


def build_wheel(
    directory: Path,
    name: str,
    version: str,
    requires_python: str = "",
    requires_dist: tuple[str, ...] = (),
    main: str = "",
) -> Path:
    """A minimal pure-Python wheel whose `python -m <name>` prints its version (or runs
    `main`); with `requires_python` (">=3.10") pip offers it only to those Pythons;
    `requires_dist` become its Requires-Dist lines."""
    requires = f"Requires-Python: {requires_python}\n" if requires_python else ""
    requires += "".join(f"Requires-Dist: {line}\n" for line in requires_dist)
    files = {
        f"{name}/__init__.py": f"__version__ = {version!r}\n",
        f"{name}/__main__.py": main or f"print('{name}, {version} (test wheel)')\n",
        f"{name}-{version}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{requires}"
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


def local_index(
    directory: Path, releases: dict[str, list[str]], requires_python: dict[str, str] | None = None
) -> tuple[str, ...]:
    """Wheels for every `{name: [versions]}` in `directory`; the pip options that use it.

    A release named `"name==version"` in `requires_python` carries that Requires-Python. pip
    filters on it only where an index announces it (`data-requires-python`, PEP 503), as PyPI
    does, not from a wheel's metadata, so then the wheels are served as a file:// simple index.
    """
    directory.mkdir(parents=True, exist_ok=True)
    links: dict[str, list[str]] = {}
    for name, versions in releases.items():
        for version in versions:
            marker = (requires_python or {}).get(f"{name}=={version}", "")
            wheel = build_wheel(directory, name, version, marker)
            attribute = f' data-requires-python="{html.escape(marker)}"' if marker else ""
            links.setdefault(name, []).append(
                f'<a href="{wheel.as_uri()}"{attribute}>{wheel.name}</a>'
            )
    if not requires_python:
        return (*OFFLINE, str(directory))
    for name, anchors in links.items():
        page = directory / "simple" / name.lower()
        page.mkdir(parents=True, exist_ok=True)
        (page / "index.html").write_text(
            "<html><body>\n" + "\n".join(anchors) + "\n</body></html>\n"
        )
    return ("--only-binary=:all:", "--index-url", (directory / "simple").as_uri())


def lock_of(directory: Path) -> dict[str, dict[str, list[str]]]:
    """The hash lock (fixers/_toollock.py) of the wheels in `directory`: what a test passes as
    `ToolEnv(lock=...)` so pip's hash-checking mode accepts the wheels built here."""
    lock: dict[str, dict[str, list[str]]] = {}
    for wheel in sorted(directory.glob("*.whl")):
        name, version = wheel.name.split("-")[:2]
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        lock.setdefault(name, {}).setdefault(version, []).append(digest)
    return lock
