"""File paths named in a job log -> repository-relative paths of tracked files. Pure.

Formatters print paths as the job saw them: absolute on the runner
(``would reformat /home/runner/work/<repo>/<repo>/src/x.py``), relative to the working
directory (``Would reformat: src/x.py``), with ``:line:col`` after them (ruff check), or with
Windows separators. A log is attacker-influenced text (docs/security.md#tm04), so a path is only
kept when it names a tracked regular file; anything else (outside the repository, untracked,
a symlink) is dropped and never reaches a command line.
"""

from __future__ import annotations

import re
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
