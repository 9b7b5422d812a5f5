"""Pure parts beside the git adapter (`gitrepo`): git output -> values, push rejections -> a
typed status with a clear message, which paths and branches autorecover may write, and the
environment a git command runs with. No I/O, so every GitHub text we must recognise is tested
as a table.

Everything git prints is read with `-z` where git offers it (docs/security.md#s3): file names are
opaque strings here, newlines and leading dashes included (docs/security.md#t04).
"""

from __future__ import annotations

import base64
import os
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from autorecover.adapters import proc

REGULAR_MODES = frozenset({"100644", "100755"})


def is_protected_path(path: str) -> bool:
    """Under `.github/` (workflows, actions, our own config): never changed (docs/security.md#s10,
    #t20). Case is folded: on a case-insensitive checkout `.GitHub/` is the same directory."""
    lowered = path.lower()
    return lowered == ".github" or lowered.startswith(".github/")


def safe_relpath(path: str) -> str | None:
    """`path` normalised relative to the repository root, or None when it is empty, absolute
    or leaves the repository."""
    if not path or "\0" in path or path.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", path):
        return None
    clean = posixpath.normpath(path)
    if clean in (".", "..") or clean.startswith("../"):
        return None
    return clean


# -- identity and the environment of a git command --------------------------------------------


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    email: str


# The identity GitHub shows for GITHUB_TOKEN commits (the github-actions[bot] user id 41898282).
DEFAULT_IDENTITY = Identity(
    "github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"
)


def _config_pairs(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    env = {"GIT_CONFIG_COUNT": str(len(pairs))}
    for index, (key, value) in enumerate(pairs):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    return env


def git_environment(
    *,
    base_env: Mapping[str, str] | None = None,
    token: str | None = None,
    server_url: str = "https://github.com",
    safe_directories: Iterable[str] = (),
    neutral_config: bool = True,
    filter_drivers: Iterable[str] = (),
) -> dict[str, str]:
    """The environment of one git command: allow-listed variables, hardening config, and the
    token as an `http.extraheader` when given. Pure."""
    pairs: list[tuple[str, str]] = [
        # Container workspaces belong to the runner's uid, the action runs as root: git refuses
        # them with "detected dubious ownership" (github-platform.md §4). safe.directory is
        # honoured from command-scope config, which GIT_CONFIG_* is.
        *(("safe.directory", path) for path in safe_directories),
        # Never run hooks (a `pre-commit install` in an earlier step would run repository code
        # on our commit, docs/security.md#s2), nor an fsmonitor command, nor submodule
        # recursion with our token.
        ("core.hooksPath", os.devnull),
        ("core.fsmonitor", "false"),
        ("core.fileMode", "false"),  # autofix.ci's rule: never commit a mode change
        ("core.quotePath", "false"),
        ("commit.gpgSign", "false"),
        ("gc.auto", "0"),
        ("maintenance.auto", "false"),
        ("submodule.recurse", "false"),
        ("fetch.recurseSubmodules", "false"),
        ("push.recurseSubmodules", "no"),
        ("advice.detachedHead", "false"),
        ("credential.helper", ""),
        # The workspace's own .git/config is read even with a neutral config, and a filter
        # driver there runs a command on every add and checkout: an empty command is none.
        *(
            (f"filter.{driver}.{key}", value)
            for driver in filter_drivers
            for key, value in (
                ("clean", ""),
                ("smudge", ""),
                ("process", ""),
                ("required", "false"),
            )
        ),
    ]
    if token:
        header = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        key = f"http.{server_url.rstrip('/')}/.extraheader"
        # actions/checkout persists its own header for the same URL; git sends every
        # extraheader it has, and two Authorization headers make GitHub answer 400. An empty
        # value resets the list (git-config(1), http.extraHeader), so only ours is sent.
        pairs += [(key, ""), (key, f"AUTHORIZATION: basic {header}")]
    extra = {
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_LITERAL_PATHSPECS": "1",  # a file named ':(glob)*' is a file name, not magic
        "LC_ALL": "C",  # rejection texts (`stale info`, `fetch first`) are matched in English
        **_config_pairs(pairs),
    }
    if neutral_config:
        extra |= {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    return proc.minimal_env(extra, source=base_env)


# -- index, status, diff ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndexEntry:
    mode: str  # 100644, 100755, 120000 (symlink), 160000 (submodule)
    sha: str
    stage: int
    path: str

    @property
    def is_regular(self) -> bool:
        return self.mode in REGULAR_MODES and self.stage == 0


def parse_ls_files_stage(out: str) -> list[IndexEntry]:
    """`git ls-files --stage -z`: `<mode> <sha> <stage>\\t<path>\\0` records."""
    entries = []
    for record in out.split("\0"):
        if not record:
            continue
        meta, sep, path = record.partition("\t")
        parts = meta.split(" ")
        if not sep or len(parts) != 3 or not parts[2].isdigit():
            raise ValueError(f"unexpected ls-files record: {record[:100]!r}")
        entries.append(IndexEntry(parts[0], parts[1], int(parts[2]), path))
    return entries


@dataclass(frozen=True, slots=True)
class StatusEntry:
    code: str  # the two XY letters of `git status --porcelain`, `??` for untracked
    path: str


def parse_status_z(out: str) -> list[StatusEntry]:
    """`git status --porcelain=v1 -z --no-renames`: `XY <path>\\0` records."""
    return [StatusEntry(rec[:2], rec[3:]) for rec in out.split("\0") if len(rec) > 3]


def parse_name_list_z(out: str) -> list[str]:
    return [name for name in out.split("\0") if name]


@dataclass(frozen=True, slots=True)
class FileStat:
    path: str
    added: int | None  # None for a binary file
    deleted: int | None


@dataclass(frozen=True, slots=True)
class DiffStat:
    files: tuple[FileStat, ...]

    @property
    def added(self) -> int:
        return sum(f.added or 0 for f in self.files)

    @property
    def deleted(self) -> int:
        return sum(f.deleted or 0 for f in self.files)

    def summary(self) -> str:
        count = len(self.files)
        noun = "file" if count == 1 else "files"
        return f"{count} {noun} changed, {self.added} insertions(+), {self.deleted} deletions(-)"


def parse_numstat_z(out: str) -> DiffStat:
    """`git diff --numstat -z --no-renames`: `<added>\\t<deleted>\\t<path>\\0` records."""
    files = []
    for record in out.split("\0"):
        if not record:
            continue
        added, deleted, path = record.split("\t", 2)
        files.append(
            FileStat(
                path,
                int(added) if added.isdigit() else None,
                int(deleted) if deleted.isdigit() else None,
            )
        )
    return DiffStat(tuple(files))


def parse_filter_drivers(out: str) -> list[str]:
    """`git config --name-only --get-regexp ^filter\\.` -> the drivers' names."""
    names = []
    for line in out.splitlines():
        name, _, key = line.removeprefix("filter.").rpartition(".")
        if line.startswith("filter.") and name and key:
            names.append(name)
    return sorted(set(names))


def parse_ls_remote(out: str) -> dict[str, str]:
    """`git ls-remote`: `<sha>\\t<ref>` lines -> {ref: sha} (exact names only: ls-remote's
    own patterns are tail matches)."""
    refs = {}
    for line in out.splitlines():
        sha, sep, ref = line.partition("\t")
        if sep:
            refs[ref.strip()] = sha.strip()
    return refs


# -- commits and ownership -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommitInfo:
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    fingerprints: tuple[str, ...]  # values of the Autorecover-Fingerprint trailer


def parse_log_records(out: str) -> list[CommitInfo]:
    """`git log --format=%H%x00%P%x00%an%x00%ae%x00%cn%x00%ce%x00<trailers>%x1e`."""
    commits = []
    for raw in out.split("\x1e"):
        record = raw.strip("\n")
        if not record:
            continue
        fields = record.split("\0")
        if len(fields) != 7:
            raise ValueError(f"unexpected log record: {record[:100]!r}")
        sha, parents, an, ae, cn, ce, trailers = fields
        values = tuple(v.strip() for v in trailers.split(",") if v.strip())
        commits.append(CommitInfo(sha, tuple(parents.split()), an, ae, cn, ce, values))
    return commits


@dataclass(frozen=True, slots=True)
class BranchState:
    exists: bool
    tip: str | None
    ours: bool  # only bot commits above the commit the bot started from
    foreign: tuple[CommitInfo, ...]  # the commits that make it not ours
    bot_commits: int = 0


def is_bot_commit(commit: CommitInfo, bot_email: str, fingerprint: str | None = None) -> bool:
    if commit.author_email.lower() != bot_email.lower():
        return False
    if commit.committer_email.lower() != bot_email.lower() or len(commit.parents) != 1:
        return False  # rebased, amended or merged by someone else
    if fingerprint is not None:
        return fingerprint in commit.fingerprints
    return bool(commit.fingerprints)


def ownership(
    tip: str, history: list[CommitInfo], bot_email: str, fingerprint: str | None = None
) -> BranchState:
    """Judge a remote bot branch from its first-parent history (newest first). The bot only ever
    commits on top of a failing `head_sha`, and failures on `autorecover/` branches are never fixed
    (docs/security.md#r7), so a run of bot commits at the tip ends at the commit the bot started
    from; any other commit at the tip means a human (or another tool) pushed there."""
    count = 0
    for commit in history:
        if not is_bot_commit(commit, bot_email, fingerprint):
            break
        count += 1
    if count == 0:
        return BranchState(True, tip, False, tuple(history[:1]), 0)
    return BranchState(True, tip, True, (), count)
