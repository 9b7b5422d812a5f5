"""Which formatter version the job that failed runs.

A fix made with another version than the one CI runs can flip formatting back and forth (black
changes its stable style every January), so the version CI installs is the one to run. Sources,
strongest first (issue 10), the first that names the tool wins:

1. the failing command's own environment: for a pre-commit hook, the hook's `rev`; otherwise
   the requirements file the failing step installed, then lock files (uv.lock, poetry.lock,
   pdm.lock, Pipfile.lock), then the other requirements files and pyproject.toml's
   dependency lists (PEP 621 extras, PEP 735 groups, Poetry groups);
2. the project's tool configuration: tox `deps`, hatch environments, nox `session.install`;
3. `.pre-commit-config.yaml` revs; 4. the tool's own `required-version`.

An exact pin (`==24.1.0`, Poetry's bare `24.1.0`) is the version; a range (`~=26.1.0`,
Poetry's `^24.1`) is kept as a specifier and resolved to the newest release matching it, which
is what pip gave CI. Parsers are pure (text in, pins out); :func:`find_pins` reads the files.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from autorecover.fixers._base import read_text
from autorecover.fixers._toolpins import (
    LOCK_FILES,
    hatch_requirements,
    lock_versions,
    nox_requirements,
    tox_requirements,
)

TOOL_NAMES = ("black", "isort", "ruff")
MAX_CONFIG_BYTES = 512 * 1024
# pre-commit hook repositories, lower-cased, without scheme and `.git`.
PRECOMMIT_REPOS: Mapping[str, str] = {
    "github.com/psf/black": "black",
    "github.com/psf/black-pre-commit-mirror": "black",
    "github.com/pycqa/isort": "isort",
    "github.com/timothycrosley/isort": "isort",
    "github.com/astral-sh/ruff-pre-commit": "ruff",
    "github.com/charliermarsh/ruff-pre-commit": "ruff",
}
_REQUIREMENTS_NAME = re.compile(
    r"(?i)(^|/)([^/]*requirements[^/]*|[^/]*constraints[^/]*)\.(txt|in)$"
)
_REQUIREMENTS_DIR = re.compile(r"(?i)(^|/)requirements/[^/]+\.(txt|in)$")
_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True, slots=True)
class Pin:
    tool: str
    version: str  # "" for a range
    source: str  # a human-readable place: "requirements-dev.txt", "pyproject.toml [...]"
    spec: str = ""  # a PEP 440 range (`~=26.1.0`) when the source gives no exact version


def exact_version(spec: str) -> str | None:
    """`==24.1.0` / `===24.1.0` / a bare `24.1.0` -> "24.1.0"; a range or wildcard -> None."""
    spec = spec.strip()
    for prefix in ("===", "=="):
        if spec.startswith(prefix):
            spec = spec[len(prefix) :].strip()
            break
    if not spec or "*" in spec or "," in spec or not spec[0].isdigit():
        return None
    try:
        return str(Version(spec))
    except InvalidVersion:
        return None


def _pin_from_requirement(text: str, source: str) -> Pin | None:
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return None
    name = canonicalize_name(req.name)
    specs = list(req.specifier)
    if name not in TOOL_NAMES or not specs:
        return None
    if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
        version = exact_version(specs[0].version)
        return Pin(name, version, source) if version else None
    return Pin(name, "", source, str(req.specifier))


def poetry_range(spec: str) -> str | None:
    """Poetry's `^1.2` / `~1.2` / `>=1,<2` as a PEP 440 specifier
    (https://python-poetry.org/docs/dependency-specification/#version-constraints)."""
    spec = spec.strip()
    if spec[:1] in ("^", "~") and not spec.startswith("~="):
        try:
            base = Version(spec[1:].strip())
        except InvalidVersion:
            return None
        parts = list(base.release) + [0] * (3 - len(base.release))
        given = len(spec[1:].strip().split("."))
        if spec[0] == "^":
            index = next((i for i, n in enumerate(parts[:given]) if n), given - 1)
        else:
            index = 0 if given == 1 else 1
        upper = [*parts[:index], parts[index] + 1]
        return f">={base},<{'.'.join(map(str, upper))}"
    try:
        return str(SpecifierSet(spec)) if spec and spec != "*" else None
    except InvalidSpecifier:
        return None


def _requirement_lines(text: str) -> Iterable[str]:
    """Logical lines of a requirements file: continuations joined, comments, options and
    `--hash` arguments removed."""
    logical = re.sub(r"\\\r?\n", " ", text)
    for raw in logical.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line or line.startswith("-"):
            continue
        yield re.split(r"\s+--?[a-z]", line, maxsplit=1)[0].strip()


def pins_from_requirements(text: str, source: str) -> list[Pin]:
    return [
        p for p in (_pin_from_requirement(line, source) for line in _requirement_lines(text)) if p
    ]


def _poetry_pins(table: Any, source: str) -> list[Pin]:
    pins = []
    for name, value in (table or {}).items() if isinstance(table, dict) else ():
        tool = canonicalize_name(str(name))
        spec = value.get("version") if isinstance(value, dict) else value
        if tool not in TOOL_NAMES or not isinstance(spec, str):
            continue
        if version := exact_version(spec):
            pins.append(Pin(tool, version, source))
        elif spec_range := poetry_range(spec):
            pins.append(Pin(tool, "", source, spec_range))
    return pins


def _list_pins(items: Any, source: str) -> list[Pin]:
    if not isinstance(items, list):
        return []
    return [
        p for item in items if isinstance(item, str) and (p := _pin_from_requirement(item, source))
    ]


def pins_from_pyproject(data: Mapping[str, Any], source: str = "pyproject.toml") -> list[Pin]:
    pins: list[Pin] = []
    project = data.get("project") or {}
    pins += _list_pins(project.get("dependencies"), f"{source} [project] dependencies")
    for group, items in (project.get("optional-dependencies") or {}).items():
        pins += _list_pins(items, f"{source} [project.optional-dependencies] {group}")
    for group, items in (data.get("dependency-groups") or {}).items():
        pins += _list_pins(items, f"{source} [dependency-groups] {group}")
    poetry = (data.get("tool") or {}).get("poetry") or {}
    pins += _poetry_pins(poetry.get("dependencies"), f"{source} [tool.poetry.dependencies]")
    pins += _poetry_pins(poetry.get("dev-dependencies"), f"{source} [tool.poetry.dev-dependencies]")
    for group, table in (poetry.get("group") or {}).items():
        if isinstance(table, dict):
            where = f"{source} [tool.poetry.group.{group}.dependencies]"
            pins += _poetry_pins(table.get("dependencies"), where)
    return pins


def required_versions(data: Mapping[str, Any], source: str = "pyproject.toml") -> list[Pin]:
    """`[tool.black] required-version` / `[tool.ruff] required-version` when exact: black
    refuses to run at another version, so it is a pin too (the weakest source)."""
    pins = []
    tools = data.get("tool") or {}
    for name in ("black", "ruff"):
        value = (tools.get(name) or {}).get("required-version")
        if isinstance(value, str) and (version := exact_version(value)) and "." in version:
            pins.append(Pin(name, version, f"{source} [tool.{name}] required-version"))
    return pins


def repo_key(url: str) -> str:
    key = re.sub(r"^[a-z+]+://", "", url.strip().lower()).rstrip("/")
    return key.removesuffix(".git")


def pins_from_precommit(text: str, source: str = ".pre-commit-config.yaml") -> list[Pin]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    repos = data.get("repos") if isinstance(data, dict) else None
    pins = []
    for repo in repos if isinstance(repos, list) else []:
        if not isinstance(repo, dict) or not isinstance(repo.get("rev"), str | int | float):
            continue
        tool = PRECOMMIT_REPOS.get(repo_key(str(repo.get("repo", ""))))
        rev = str(repo["rev"]).strip()
        if tool is None:
            continue
        if _SHA.match(rev):  # `pre-commit autoupdate --freeze`: `rev: <sha>  # frozen: v1.2.3`
            frozen = re.search(rf"{rev}\s*#\s*frozen:\s*(\S+)", text)
            rev = frozen.group(1) if frozen else ""
        if version := exact_version(rev.removeprefix("v")):
            pins.append(Pin(tool, version, source))
    return pins


def _config_pins(read: Any, data: Mapping[str, Any]) -> list[Pin]:
    """Pins in the project's own tool configuration: tox, hatch, nox."""
    found: list[tuple[str, str]] = []
    if (text := read("tox.ini")) is not None:
        found += [(f"tox.ini [{where}] deps", req) for where, req in tox_requirements(text)]
    if (text := read("hatch.toml")) is not None:
        try:
            hatch = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            hatch = {}
        found += [
            (f"hatch.toml [envs.{env}]", req) for env, req in hatch_requirements(hatch, False)
        ]
    found += [
        (f"pyproject.toml [tool.hatch.envs.{env}]", req)
        for env, req in hatch_requirements(data, True)
    ]
    if (text := read("noxfile.py")) is not None:
        found += [(f"noxfile.py {fn}()", req) for fn, req in nox_requirements(text)]
    return [pin for where, req in found if (pin := _pin_from_requirement(req, where))]


def find_pins(
    root: Path, files: Iterable[str], installed: str | None = None, hook: bool = False
) -> list[Pin]:
    """Every pin of black/isort/ruff in the tracked regular `files`, strongest first.
    `installed`: the requirements file the failing step installed; `hook`: the failure is a
    pre-commit hook's, whose environment is the hook's rev."""
    tracked = sorted(files)

    def read(path: str) -> str | None:
        return read_text(root, path, MAX_CONFIG_BYTES) if path in tracked else None

    requirements: list[Pin] = []
    for path in sorted(tracked, key=lambda p: p != installed):
        if _REQUIREMENTS_NAME.search(path) or _REQUIREMENTS_DIR.search(path):
            requirements += pins_from_requirements(read(path) or "", path)
    locks = [
        Pin(tool, version, name)
        for name in LOCK_FILES
        if (text := read(name)) is not None
        for tool, version in lock_versions(text, name, TOOL_NAMES)
        if exact_version(version)
    ]
    if installed in tracked:
        first = [pin for pin in requirements if pin.source == installed]
        requirements = [pin for pin in requirements if pin.source != installed]
    else:
        first = []
    data: dict[str, Any] = {}
    if (text := read("pyproject.toml")) is not None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            data = {}
    precommit = pins_from_precommit(read(".pre-commit-config.yaml") or "")
    own = first + locks + requirements + pins_from_pyproject(data) + _config_pins(read, data)
    ordered = precommit + own if hook else own + precommit
    return ordered + required_versions(data)


@dataclass(frozen=True, slots=True)
class VersionChoice:
    version: str | None  # None: the bundled version (or `spec` resolved by the caller)
    origin: str
    notes: tuple[str, ...] = ()
    spec: str = ""  # a range to resolve to its newest release


def choose_version(tool: str, pins: Iterable[Pin], override: Mapping[str, str]) -> VersionChoice:
    """The configured version (`fixers.versions`) wins; else the strongest pin."""
    if tool in override:
        return VersionChoice(override[tool], "the autorecover configuration (fixers.versions)")
    mine = [pin for pin in pins if pin.tool == tool]
    if not mine:
        return VersionChoice(None, "bundled")
    first = mine[0]
    label = first.version or first.spec
    others = sorted(
        {f"{p.version or p.spec} in {p.source}" for p in mine if (p.version or p.spec) != label}
    )
    notes = (f"{tool} pins disagree; used {label} from {first.source}, not "
             + "; ".join(others),) if others else ()  # fmt: skip
    return VersionChoice(first.version or None, first.source, notes, first.spec)
