"""Formatter configuration the repository brings, and the hazards in it (docs/security.md#a10-8,
#tm05, #t06).

Measured with ruff 0.17.6: ``[tool.ruff] extend = "/proc/self/environ"`` makes ``ruff format``
print the environment in its TOML parse error, and ``extend = "../outside/x.py"`` prints the
first line of a file outside the repository. Ruff also expands ``~`` and ``$VARS`` in that
path. The bot's own environment (with the token) is one ``/proc/<ppid>/environ`` away. So a
ruff configuration whose ``extend`` chain leaves the repository, or any configuration file that
is a symlink, makes autorecover run ruff with ``--isolated`` (the repository's configuration is
ignored) and say so. black and isort have no such include, but they read configuration through
a symlink just the same: with a symlinked configuration file they are not run at all.
"""

from __future__ import annotations

import posixpath
import tomllib
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from autorecover.adapters.gitparse import IndexEntry
from autorecover.fixers._base import read_bytes

RUFF_CONFIGS = ("pyproject.toml", "ruff.toml", ".ruff.toml")
BLACK_CONFIGS = ("pyproject.toml",)
ISORT_CONFIGS = ("pyproject.toml", ".isort.cfg", "setup.cfg", "tox.ini", ".editorconfig")
MAX_EXTEND_DEPTH = 10
MAX_CONFIG_BYTES = 512 * 1024


def symlinks_note(links: list[str]) -> str:
    """Why a formatter did not run: its configuration files that are symlinks."""
    if len(links) == 1:
        return f"configuration file {links[0]} is a symlink"
    return f"configuration files {', '.join(links)} are symlinks"


def symlinked_configs(index: Iterable[IndexEntry], names: Collection[str]) -> list[str]:
    """Tracked configuration files (by base name) that are not regular files."""
    return sorted(
        entry.path
        for entry in index
        if not entry.is_regular and posixpath.basename(entry.path) in names
    )


def load_toml(root: Path, path: str) -> dict[str, Any] | None:
    """A tracked TOML file, read without following a symlink; None if unreadable."""
    data = read_bytes(root, path, MAX_CONFIG_BYTES)
    if data is None:
        return None
    try:
        return tomllib.loads(data.decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError:
        return None


def _ruff_table(path: str, data: dict[str, Any]) -> dict[str, Any]:
    if posixpath.basename(path) == "pyproject.toml":
        table = (data.get("tool") or {}).get("ruff")
        return table if isinstance(table, dict) else {}
    return data


def _extend_target(config: str, value: object, tracked: Collection[str]) -> tuple[str | None, str]:
    """(the tracked file `extend` names, "") or (None, why it is a hazard)."""
    if not isinstance(value, str):
        return None, f"{config}: `extend` is not a string"
    if "$" in value or value.startswith("~") or "\0" in value:
        return None, f"{config}: `extend = {value[:100]!r}` expands variables or `~`"
    if value.startswith("/") or (len(value) > 1 and value[1] == ":"):
        return None, f"{config}: `extend = {value[:100]!r}` points outside the repository"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(config), value))
    if target == ".." or target.startswith("../"):
        return None, f"{config}: `extend = {value[:100]!r}` points outside the repository"
    if target not in tracked:
        return None, f"{config}: `extend = {value[:100]!r}` is not a tracked regular file"
    return target, ""


def ruff_hazards(root: Path, files: Collection[str], index: Iterable[IndexEntry]) -> list[str]:
    """Why ruff must run with `--isolated` here (empty: the configuration is safe to use)."""
    reasons = [f"{path} is a symlink" for path in symlinked_configs(index, RUFF_CONFIGS)]
    pending = [(path, 0) for path in sorted(files) if posixpath.basename(path) in RUFF_CONFIGS]
    seen: set[str] = set()
    while pending:
        path, depth = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        data = load_toml(root, path)
        if data is None:
            # Fail closed (docs/security.md#t06): what cannot be read or parsed here cannot
            # be checked, and ruff accepts TOML that tomllib rejects (a trailing comma in an
            # inline table), so an `extend` hidden in it would reach ruff.
            reasons.append(f"{path} could not be read or parsed, so its `extend` is unchecked")
            continue
        table = _ruff_table(path, data)
        if "extend" not in table:
            continue
        target, reason = _extend_target(path, table["extend"], files)
        if target is None:
            reasons.append(reason)
        elif depth >= MAX_EXTEND_DEPTH:
            reasons.append(f"{path}: `extend` chain deeper than {MAX_EXTEND_DEPTH}")
        else:
            pending.append((target, depth + 1))  # the extended file may extend further
    return sorted(set(reasons))


def black_settings(root: Path) -> dict[str, Any]:
    """`[tool.black]` of the root pyproject.toml (black's own discovery starts there for the
    files we pass, all inside the repository)."""
    data = load_toml(root, "pyproject.toml") or {}
    table = (data.get("tool") or {}).get("black")
    return table if isinstance(table, dict) else {}
