"""File paths named in a job log -> repository-relative paths of tracked files. Pure.

Formatters print paths as the job saw them: absolute on the runner
(``would reformat /home/runner/work/<repo>/<repo>/src/x.py``), relative to the working
directory (``Would reformat: src/x.py``), with ``:line:col`` after them (ruff check), or with
Windows separators. A log is attacker-influenced text (docs/security.md#tm04), so a path is only
kept when it names a tracked regular file; anything else (outside the repository, untracked,
a symlink) is dropped and never reaches a command line.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Collection, Iterable

from autorecover.adapters.gitparse import safe_relpath
from autorecover.core.models import Diagnosis

PATH_CAPTURES = ("path", "file", "filename")
MAX_PATHS = 2000

# <runner work dir>/<repo>/<repo>/<rest>: GitHub-hosted Linux and macOS, Windows (D:\a\r\r),
# container jobs (/__w/r/r), self-hosted runners (<anything>/_work/r/r).
_WORKSPACE_ROOTS = (
    re.compile(r"^(?:/home/runner/work|/Users/runner/work|/__w)/[^/]+/[^/]+/(?P<rest>.+)$"),
    re.compile(r"^[A-Za-z]:/a/[^/]+/[^/]+/(?P<rest>.+)$"),
    re.compile(r"^/.*?/_work/[^/]+/[^/]+/(?P<rest>.+)$"),
    re.compile(r"^/github/workspace/(?P<rest>.+)$"),  # inside a container action
)
_POSITION = re.compile(r"(?::\d+){1,2}:?$")


def paths_in(diagnosis: Diagnosis | None) -> list[str]:
    """Raw paths the diagnosis' findings captured, in log order, without duplicates."""
    if diagnosis is None:
        return []
    found: dict[str, None] = {}
    for finding in diagnosis.findings:
        for name in PATH_CAPTURES:
            value = finding.capture(name).strip()
            if value:
                found.setdefault(value, None)
    return list(found)[:MAX_PATHS]


def _strip_workspace(path: str) -> str | None:
    """`path` relative to the job's workspace; None for an absolute path outside one."""
    for pattern in _WORKSPACE_ROOTS:
        if match := pattern.match(path):
            return match.group("rest")
    return None if path.startswith("/") else path


def to_repo_path(raw: str, tracked: Collection[str]) -> str | None:
    """The tracked file `raw` names, or None."""
    text = raw.strip().strip("'\"`")
    if "\\" in text and not any(text == t or text.endswith("/" + t) for t in tracked):
        text = text.replace("\\", "/")  # a Windows path (a tracked name may hold "\\" itself)
    for spelling in (text, _POSITION.sub("", text)):
        candidate = _strip_workspace(spelling)
        if candidate is None:
            continue
        rel = safe_relpath(candidate.removeprefix("./"))
        if rel is not None and rel in tracked:
            return rel
    return None


def map_paths(raw_paths: Iterable[str], tracked: Collection[str]) -> list[str]:
    seen: dict[str, None] = {}
    for raw in raw_paths:
        if (path := to_repo_path(raw, tracked)) is not None:
            seen.setdefault(path, None)
    return list(seen)


# What may run a tool in a step's command line before the tool's own name.
_LAUNCHERS = frozenset({"python", "python3", "-m", "uv", "run", "poetry", "pipx", "hatch", "pdm"})
_SEPARATORS = frozenset({"&&", "||", ";", "|"})
_SUBCOMMANDS = frozenset({"check", "format"})  # ruff's


def command_scope(step: str | None, tool: str, tracked: Collection[str]) -> list[str] | None:
    """The paths the failing step's command gave `tool` (`##[group]Run ruff check src tests`
    -> ["src", "tests"]), each a tracked file or a directory holding tracked files; None when
    the command is not visible, names no path, or checks the whole repository (`.`)."""
    if not step or not step.startswith("Run "):
        return None
    try:
        words = shlex.split(step[4:])
    except ValueError:
        return None
    start = next(
        (i for i, word in enumerate(words) if posixpath.basename(word) == tool
         and all(w in _LAUNCHERS or w.startswith("python") for w in words[:i][-3:])),
        None,
    )  # fmt: skip
    if start is None:
        return None
    paths: list[str] = []
    for word in words[start + 1 :]:
        if word in _SEPARATORS:
            break
        if word.startswith("-") or (not paths and word in _SUBCOMMANDS):
            continue
        rel = safe_relpath(word.removeprefix("./").rstrip("/") or ".")
        if word in (".", "./") or rel == ".":
            return None
        if rel and (rel in tracked or any(path.startswith(rel + "/") for path in tracked)):
            paths.append(rel)
    return paths or None


def in_scope(path: str, scope: Iterable[str]) -> bool:
    return any(path == root or path.startswith(root + "/") for root in scope)
