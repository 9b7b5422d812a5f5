"""Formatter versions from lock files and from the project's own tool configuration (tox,
hatch, nox): the places a job installs its linters from besides requirements files (issue 10:
rich's CI runs black 22.12.0 from poetry.lock while `.pre-commit-config.yaml` says 23.11.0).

Pure: text in, `(tool, specifier, source)` out. A lock gives exact versions; tool configuration
gives requirement strings (exact or a range). noxfile.py is parsed with `ast`, never run
(docs/security.md#s2): only string literals passed to `session.install(...)` count.
"""

from __future__ import annotations

import ast
import configparser
import json
import re
import tomllib
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from packaging.utils import canonicalize_name

LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")
_FACTOR = re.compile(r"^[\w{},!.-]+:\s+")


def lock_versions(text: str, path: str, tools: Iterable[str]) -> list[tuple[str, str]]:
    """[(tool, exact version)] a lock file holds for `tools`."""
    wanted = set(tools)
    found: list[tuple[str, str]] = []
    if path.endswith("Pipfile.lock"):
        try:
            data = json.loads(text)
        except ValueError:
            return []
        for section in ("develop", "default"):
            for name, entry in (data.get(section) or {}).items() if isinstance(data, dict) else ():
                version = entry.get("version", "") if isinstance(entry, dict) else ""
                if canonicalize_name(name) in wanted and isinstance(version, str):
                    found.append((canonicalize_name(name), version.removeprefix("==")))
        return found
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    for package in data.get("package") or []:
        if not isinstance(package, dict):
            continue
        name, version = str(package.get("name", "")), package.get("version")
        if canonicalize_name(name) in wanted and isinstance(version, str):
            found.append((canonicalize_name(name), version))
    return found


def tox_requirements(text: str) -> list[tuple[str, str]]:
    """[(section, requirement)] from every `deps =` of tox.ini (`-r file` lines skipped)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    found = []
    for section in parser.sections():
        if parser.has_option(section, "deps"):
            for raw in parser.get(section, "deps").splitlines():
                # `lint: ruff==0.4.4`: a dependency of the factor `lint` only.
                line = _FACTOR.sub("", raw.split("#")[0].strip())
                if line and not line.startswith(("-", "{")):
                    found.append((section, line))
    return found


def _hatch_envs(data: Mapping[str, Any]) -> Mapping[str, Any]:
    envs = data.get("envs")
    return envs if isinstance(envs, dict) else {}


def hatch_requirements(data: Mapping[str, Any], in_pyproject: bool) -> list[tuple[str, str]]:
    """[(env, requirement)] from hatch environments: `[envs.<env>]` of hatch.toml or
    `[tool.hatch.envs.<env>]` of pyproject.toml, `dependencies` and `extra-dependencies`."""
    table: Any = ((data.get("tool") or {}).get("hatch") or {}) if in_pyproject else data
    found = []
    for env, settings in _hatch_envs(table).items():
        for key in ("dependencies", "extra-dependencies"):
            items = settings.get(key) if isinstance(settings, dict) else None
            for item in items if isinstance(items, list) else []:
                if isinstance(item, str):
                    found.append((str(env), item))
    return found


def nox_requirements(source: str) -> list[tuple[str, str]]:
    """[(session function, requirement)] from `session.install("black==24.1.0", ...)`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "install"
            ):
                for arg in node.args:
                    value = arg.value if isinstance(arg, ast.Constant) else None
                    if isinstance(value, str) and not value.startswith("-"):
                        found.append((function.name, value))
    return found
