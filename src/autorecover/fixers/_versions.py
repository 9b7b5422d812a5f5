"""Which formatter version the repository pins.

A fix made with another version than the one CI runs can flip formatting back and forth (black
changes its stable style every January), so the version CI installs is the one to run. Places
looked at, first match wins: requirements files (what a `pip install -r` step installs), then
pyproject.toml (PEP 621 extras, PEP 735 dependency groups, Poetry groups), then
`.pre-commit-config.yaml` revs, then the tool's own `required-version`. Only exact pins count
(`==24.1.0`, Poetry's bare `24.1.0`): a range says nothing about what CI got.

Parsers are pure (text in, pins out); :func:`find_pins` reads the tracked files.
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
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from autorecover.fixers._base import read_text

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
    version: str
    source: str  # a human-readable place: "requirements-dev.txt", "pyproject.toml [...]"


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
    if name not in TOOL_NAMES or len(specs) != 1 or specs[0].operator not in ("==", "==="):
        return None
    version = exact_version(specs[0].version)
    return Pin(name, version, source) if version else None


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
        if tool in TOOL_NAMES and isinstance(spec, str) and (version := exact_version(spec)):
            pins.append(Pin(tool, version, source))
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


def _repo_key(url: str) -> str:
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
        tool = PRECOMMIT_REPOS.get(_repo_key(str(repo.get("repo", ""))))
        rev = str(repo["rev"]).strip()
        if tool is None:
            continue
        if _SHA.match(rev):  # `pre-commit autoupdate --freeze`: `rev: <sha>  # frozen: v1.2.3`
            frozen = re.search(rf"{rev}\s*#\s*frozen:\s*(\S+)", text)
            rev = frozen.group(1) if frozen else ""
        if version := exact_version(rev.removeprefix("v")):
            pins.append(Pin(tool, version, source))
    return pins


def find_pins(root: Path, files: Iterable[str]) -> list[Pin]:
    """Every exact pin of black/isort/ruff in the tracked regular `files`, strongest first."""
    tracked = sorted(files)

    def read(path: str) -> str | None:
        return read_text(root, path, MAX_CONFIG_BYTES) if path in tracked else None

    pins: list[Pin] = []
    for path in tracked:
        if _REQUIREMENTS_NAME.search(path) or _REQUIREMENTS_DIR.search(path):
            pins += pins_from_requirements(read(path) or "", path)
    data: dict[str, Any] = {}
    if (text := read("pyproject.toml")) is not None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            data = {}
        pins += pins_from_pyproject(data)
    pins += pins_from_precommit(read(".pre-commit-config.yaml") or "")
    return pins + required_versions(data)


@dataclass(frozen=True, slots=True)
class VersionChoice:
    version: str | None  # None: the bundled version
    origin: str
    notes: tuple[str, ...] = ()


def choose_version(tool: str, pins: Iterable[Pin], override: Mapping[str, str]) -> VersionChoice:
    """The configured version (`fixers.versions`) wins; else the strongest pin."""
    if tool in override:
        return VersionChoice(override[tool], "the autorecover configuration (fixers.versions)")
    mine = [pin for pin in pins if pin.tool == tool]
    if not mine:
        return VersionChoice(None, "bundled")
    first = mine[0]
    others = sorted({f"{p.version} in {p.source}" for p in mine if p.version != first.version})
    notes = (f"{tool} pins disagree; used {first.version} from {first.source}, not "
             + "; ".join(others),) if others else ()  # fmt: skip
    return VersionChoice(first.version, first.source, notes)
