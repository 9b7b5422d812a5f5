"""Where a new requirement belongs, decided from the files that import it (issue 10), never
from the log's `pip install -r X` line alone: CI turning green with a runtime dependency in a
dev-only file leaves every user of the package with an import error.

* The distribution that owns a file is the nearest directory above it holding a
  `pyproject.toml`, `setup.cfg` or `setup.py` (so each package of a repository with several
  gets its own dependency, as opentelemetry-python's `opentelemetry-sdk/` does).
* Library code (a package under the distribution, `src/` layout or not) -> that
  distribution's runtime dependencies. Tests only -> the requirements file the failing step
  installed, else the distribution's test group or extra, else a test requirements file beside
  it. CI scripts only (no package, no test) -> the file the failing step installed.
* A lock file covering an edited manifest (`uv.lock`, `poetry.lock`, `pdm.lock`) must be
  re-locked with the project's own tool. Locking resolves the whole project against the
  index and can build it (running its build backend: docs/security.md#s2), so autorecover
  does not run it; the fix is held for a person, with the patch and the command, instead of
  a pull request that fails the lock check.

Pure apart from reading tracked files through `_base.read_text`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from autorecover.fixers._base import read_text
from autorecover.fixers._pyimports import is_test_path
from autorecover.fixers._reqfiles import (
    TEST_REQUIREMENT_FILES,
    Kind,
    Target,
    pyproject_target,
    requirements_target,
    setup_cfg_target,
)
from autorecover.fixers._toolconfig import load_toml

MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py")
# Top-level files of a distribution that are tooling, not the package (they are never
# installed with it).
TOOLING_MODULES = frozenset({"setup.py", "noxfile.py", "fabfile.py", "tasks.py", "conftest.py"})
# lock file -> the command that updates it after a declaration changed, keeping every other
# locked version (uv: https://docs.astral.sh/uv/concepts/projects/sync/; Poetry >= 2 keeps
# locked versions by default, 1.x needs --no-update; pdm: `--update-reuse`).
LOCKS = {
    "uv.lock": "uv lock",
    "poetry.lock": "poetry lock (Poetry 1.x: poetry lock --no-update)",
    "pdm.lock": "pdm lock --update-reuse",
}


class Role(StrEnum):
    LIBRARY = "library code"
    TESTS = "tests"
    SCRIPT = "CI scripts"


@dataclass(frozen=True, slots=True)
class Owner:
    directory: str  # "" is the repository root
    manifests: tuple[str, ...]  # the manifest file names present there

    def path(self, name: str) -> str:
        return posixpath.join(self.directory, name) if self.directory else name

    def describe(self) -> str:
        return self.directory or "the repository root"


@dataclass(frozen=True, slots=True)
class Placement:
    targets: tuple[Target, ...]
    why: str  # "library code of opentelemetry-sdk imports it"
    hold: str = ""  # why a person must finish this (a lock file): no pull request


def _declares(root: Path, path: str) -> bool:
    """Whether a manifest defines a distribution (a pyproject.toml holding only tool settings,
    as many applications have, does not)."""
    name = posixpath.basename(path)
    if name == "setup.py":
        return True
    if name == "setup.cfg":
        text = read_text(root, path) or ""
        return "[metadata]" in text or "[options]" in text
    data = load_toml(root, path) or {}
    return "project" in data or "poetry" in (data.get("tool") or {})


def owner_of(root: Path, path: str, tracked: set[str]) -> Owner | None:
    directory = posixpath.dirname(path)
    while True:
        found = tuple(
            m
            for m in MANIFESTS
            if (where := posixpath.join(directory, m)) in tracked and _declares(root, where)
        )
        if found:
            return Owner(directory, found)
        if not directory:
            return None
        directory = posixpath.dirname(directory)


def role_of(path: str, owner: Owner | None, tracked: set[str]) -> Role:
    base = owner.directory if owner else ""
    rel = posixpath.relpath(path, base) if base else path
    parts = rel.split("/")
    if is_test_path(rel):
        return Role.TESTS
    if len(parts) == 1:
        return Role.SCRIPT if parts[0] in TOOLING_MODULES else Role.LIBRARY
    if parts[0] == "src":
        return Role.LIBRARY
    package_init = (
        posixpath.join(base, parts[0], "__init__.py") if base else f"{parts[0]}/__init__.py"
    )
    return Role.LIBRARY if package_init in tracked else Role.SCRIPT


def _manifest_target(root: Path, owner: Owner, tests: bool) -> Target | str | None:
    if "pyproject.toml" in owner.manifests:
        path = owner.path("pyproject.toml")
        found = pyproject_target(load_toml(root, path) or {}, tests, path)
        if found is not None:
            return found
    if "setup.cfg" in owner.manifests:
        text = read_text(root, owner.path("setup.cfg"))
        if text is not None and (target := setup_cfg_target(text, tests, owner.path("setup.cfg"))):
            return target
    return None


def runtime_target(root: Path, owner: Owner) -> Target | str:
    found = _manifest_target(root, owner, tests=False)
    if found is not None:
        return found
    if "setup.py" in owner.manifests:
        return f"{owner.path('setup.py')} declares the dependencies in code: edit it by hand"
    return f"{owner.describe()} declares no runtime dependencies autorecover can edit"


def test_target(root: Path, owner: Owner | None, tracked: set[str]) -> Target | str:
    found = _manifest_target(root, owner, tests=True) if owner else None
    if isinstance(found, Target):
        return found
    for directory in dict.fromkeys([owner.directory if owner else "", ""]):
        for name in TEST_REQUIREMENT_FILES:
            path = posixpath.join(directory, name) if directory else name
            if path in tracked:
                return Target(path, Kind.REQUIREMENTS)
    return found or "only tests import it and the project has no test requirements to add it to"


def lock_for(target: Target, tracked: set[str]) -> str:
    """The lock file covering `target` (same directory, or a workspace root above it)."""
    if target.kind is Kind.REQUIREMENTS or target.kind is Kind.SETUP_CFG:
        return ""
    directory = posixpath.dirname(target.path)
    while True:
        for name in LOCKS:
            path = posixpath.join(directory, name) if directory else name
            if path in tracked and (
                name != "poetry.lock" or directory == posixpath.dirname(target.path)
            ):
                return path
        if not directory:
            return ""
        directory = posixpath.dirname(directory)


def oldest_python(root: Path, path: str, tracked: Iterable[str]) -> str | None:
    """The lowest Python the distribution owning `path` supports (`requires-python =
    ">=3.9"` -> "3.9"), so a pin is one its oldest CI job can install; None if unknown."""
    owner = owner_of(root, path, set(tracked))
    if owner is None or "pyproject.toml" not in owner.manifests:
        return None
    spec = ((load_toml(root, owner.path("pyproject.toml")) or {}).get("project") or {}).get(
        "requires-python"
    )
    try:
        specifiers = SpecifierSet(spec) if isinstance(spec, str) else SpecifierSet()
    except InvalidSpecifier:
        return None
    lows = [
        Version(s.version)
        for s in specifiers
        if s.operator in (">=", "~=", "==") and "*" not in s.version
    ]
    low = min(lows, default=None)
    return f"{low.major}.{low.minor}" if low else None


def _lock_tool_pin(root: Path, lock: str, tracked: set[str]) -> str:
    """The lock tool version the project asks for, beside the lock: uv's `[tool.uv]
    required-version`, Poetry 2's `[tool.poetry] requires-poetry`, pdm's `[tool.pdm]
    requires-pdm`."""
    manifest = posixpath.join(posixpath.dirname(lock), "pyproject.toml")
    tool = (load_toml(root, manifest) or {}).get("tool", {}) if manifest in tracked else {}
    keys = {"uv.lock": ("uv", "required-version"), "poetry.lock": ("poetry", "requires-poetry"),
            "pdm.lock": ("pdm", "requires-pdm")}  # fmt: skip
    table, key = keys[posixpath.basename(lock)]
    value = (tool.get(table) or {}).get(key) if isinstance(tool, dict) else None
    return f" with {table} {value[:40]} as {manifest} requires" if isinstance(value, str) else ""


def place(
    root: Path, tracked: Iterable[str], importers: Sequence[str], named: Target | None
) -> Placement | str:
    """Targets for a requirement `importers` need; `named` is the requirements file the
    failing install step named (already checked to be a tracked requirements file)."""
    files = set(tracked)
    roles: dict[Role, list[tuple[str, Owner | None]]] = {role: [] for role in Role}
    for path in importers:
        owner = owner_of(root, path, files)
        roles[role_of(path, owner, files)].append((path, owner))
    library = list(dict.fromkeys(owner for _, owner in roles[Role.LIBRARY]))
    targets: list[Target] = []
    if library:
        for owner in library:
            if owner is None:
                found: Target | str = named or requirements_target(files, tests_only=False)
            else:
                found = runtime_target(root, owner)
            if isinstance(found, str):
                return found
            targets.append(found)
        where = ", ".join(owner.describe() if owner else "the repository" for owner in library)
        why = f"library code of {where} imports it"
    elif roles[Role.TESTS]:
        if named is not None:
            targets.append(named)
        else:
            for owner in dict.fromkeys(owner for _, owner in roles[Role.TESTS]):
                found = test_target(root, owner, files)
                if isinstance(found, str):
                    return found
                targets.append(found)
        why = "only tests import it" + (
            f"; the failing step installs {named.path}" if named else ""
        )
    else:
        if named is None:
            return "only CI scripts import it and the failing step named no requirements file"
        targets.append(named)
        why = f"only CI scripts import it; the failing step installs {named.path}"
    unique = tuple(dict.fromkeys(targets))
    missing = [t.path for t in unique if not t.create and t.path not in files]
    if missing:
        return f"the dependencies are read from {missing[0]}, which is not a tracked file"
    locks = sorted({lock for t in unique if (lock := lock_for(t, files))})
    hold = ""
    if locks:
        commands = "; ".join(
            f"`{LOCKS[posixpath.basename(lock)]}` for {lock}{_lock_tool_pin(root, lock, files)}"
            for lock in locks
        )
        hold = (
            f"{', '.join(locks)} must be updated with the project's own tool ({commands}): "
            "autorecover does not run lock tools (they resolve against the index and may build "
            "the project), and a pull request without the lock would fail the lock check"
        )
    return Placement(unique, why, hold)
