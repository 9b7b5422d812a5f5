"""What every fixer is: the `Fixer` protocol, its context and its results.

A fixer is asked three things, in this order, by the orchestrator: whether it applies to a
proposed `Fix` here (and why not), to apply it in the worktree, and to verify the result by
re-running the check that failed. It never commits or pushes (gitrepo does, after refusing
anything under `.github/`), never reads the token, and everything it reports is redacted and
capped.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from autorecover.adapters import proc
from autorecover.adapters.gitparse import IndexEntry, is_protected_path
from autorecover.core.applied import FixResult, Verification
from autorecover.core.models import Diagnosis, Fix
from autorecover.core.text.redact import Redactor

if TYPE_CHECKING:
    from autorecover.adapters.git import GitRepo
    from autorecover.fixers._toolenv import ToolEnv

OUTPUT_LIMIT = 20_000  # characters of tool output kept in a report
NOTE_LIMIT = 1_000
PYTHON_SUFFIXES = (".py", ".pyi")


MAX_READ_BYTES = 1024 * 1024


def read_bytes(root: Path, path: str, limit: int = MAX_READ_BYTES) -> bytes | None:
    """A file of the checkout, never through a symlink (O_NOFOLLOW: docs/security.md#t05); None
    when it is missing, a symlink, unreadable or larger than `limit`."""
    try:
        fd = os.open(root / path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError:  # a directory opens, but does not read
        return None
    return None if len(data) > limit else data


def read_text(root: Path, path: str, limit: int = MAX_READ_BYTES) -> str | None:
    data = read_bytes(root, path, limit)
    return None if data is None else data.decode("utf-8", "replace")


class FixerError(Exception):
    """A fixer could not do its work (the tool crashed, a file could not be edited); the
    message is redacted and meant for the run's report."""


@dataclass(frozen=True)
class FixContext:
    """Everything a fixer may look at. `files` are the tracked regular files of the worktree
    (no symlinks, no submodules, each a regular file inside `root`); `index` is all of
    `git ls-files -s`, kept to spot symlinked configuration files."""

    root: Path
    files: tuple[str, ...]
    index: tuple[IndexEntry, ...]
    tools: ToolEnv
    redactor: Redactor
    trusted: bool = False  # a same-repository run (event.py); requirement edits need it
    diagnosis: Diagnosis | None = None  # the job whose failure is being fixed
    requirements_file: str | None = None  # what the failing `pip install -r X` step named
    versions: Mapping[str, str] = field(default_factory=dict)  # fixers.versions override
    output_limit: int = OUTPUT_LIMIT

    @classmethod
    def for_checkout(
        cls,
        repo: GitRepo,
        *,
        tools: ToolEnv,
        redactor: Redactor,
        trusted: bool = False,
        diagnosis: Diagnosis | None = None,
        requirements_file: str | None = None,
        versions: Mapping[str, str] | None = None,
    ) -> FixContext:
        """Build the context from a checkout (re-build it after each commit)."""
        return cls(
            root=repo.path,
            files=tuple(repo.tracked_regular_files()),
            index=tuple(repo.index_entries()),
            tools=tools,
            redactor=redactor,
            trusted=trusted,
            diagnosis=diagnosis,
            requirements_file=requirements_file,
            versions=dict(versions or {}),
        )

    def python_files(self) -> list[str]:
        """Tracked regular Python files a formatter may touch (never under `.github/`)."""
        return [
            path
            for path in self.files
            if path.endswith(PYTHON_SUFFIXES) and not is_protected_path(path)
        ]

    def clean(self, text: str, limit: int | None = None) -> str:
        """Redacted, valid UTF-8, capped: how any tool output or note leaves a fixer."""
        text = self.redactor(text).encode("utf-8", "replace").decode("utf-8")
        return proc.cap(text, limit or self.output_limit)

    def note(self, text: str) -> str:
        return self.clean(text, NOTE_LIMIT)


class Fixer(Protocol):
    """One kind of fix (the registry key is `Fix.fixer`)."""

    name: str

    def applies(self, fix: Fix, ctx: FixContext) -> tuple[bool, str]:
        """Whether this fix can be made safely here, and why (or why not)."""
        ...

    def apply(self, fix: Fix, ctx: FixContext) -> FixResult:
        """Change files in `ctx.root`; raise FixerError when that fails."""
        ...

    def verify(self, fix: Fix, ctx: FixContext) -> Verification:
        """Re-run the check that failed (or its equivalent) on the changed worktree."""
        ...
