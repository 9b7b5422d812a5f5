"""The only module that runs git: a thin adapter with named operations (the shape of pre-commit's
`git.py`), with the pure parsers of git's output in `gitparse`.

autorecover works on the checkout actions/checkout made in the workspace, but never changes
it: the failing commit is fetched by SHA and fixed in a separate worktree under RUNNER_TEMP on
a bot branch `autorecover/<category>/<fingerprint8>`, and only that branch is pushed, with an
expected-old-value lease (docs/security.md#s10, #s11).

Credentials (docs/security.md#tm17, #s12): the token reaches git only through the environment, as
``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n`` entries for
``http.<server>/.extraheader`` and only for commands that talk to the remote. It is never in
argv (visible in ``ps`` and in error messages), a remote URL or ``.git/config`` (which outlive
the job in caches and artifacts, zizmor's artipacked).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autorecover.adapters import proc
from autorecover.adapters.gitparse import (
    DEFAULT_IDENTITY,
    REGULAR_MODES,
    CommitInfo,
    DiffStat,
    Identity,
    IndexEntry,
    StatusEntry,
    git_environment,
    parse_filter_drivers,
    parse_log_records,
    parse_ls_files_stage,
    parse_ls_remote,
    parse_name_list_z,
    parse_numstat_z,
    parse_status_z,
    safe_relpath,
)
from autorecover.constants import COMMIT_TRAILER_KEY, is_bot_branch
from autorecover.core.text.redact import Redactor

REMOTE = "origin"
_SHA_RE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
SHALLOW_OWNERSHIP_DEPTH = 50  # commits fetched to judge who wrote a remote bot branch
MAX_PATCH_CHARS = 60_000


class GitError(Exception):
    """A git operation autorecover refused or could not complete; the message is redacted."""


class ProtectedPathError(GitError):
    """A change under `.github/` (docs/security.md#s10, #t20)."""


@dataclass(frozen=True, slots=True)
class Staleness:
    stale: bool
    remote_sha: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Patch:
    text: str
    truncated: bool


class GitRepo:
    """A checkout (the workspace, or a worktree made from it) and its remote `origin`."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        token: str | None = None,
        server_url: str = "https://github.com",
        identity: Identity = DEFAULT_IDENTITY,
        redactor: Redactor | None = None,
        base_env: Mapping[str, str] | None = None,
        neutral_config: bool = True,
        timeout: float = 120.0,
        network_timeout: float = 300.0,
        safe_directories: Iterable[str] = (),
    ) -> None:
        self.path = Path(path).absolute()
        self.identity = identity
        self.timeout = timeout
        self.network_timeout = network_timeout
        self.redactor = redactor or Redactor([token] if token else [])
        self._token = token
        self._server_url = server_url
        self._base_env = dict(base_env) if base_env is not None else None
        self._neutral = neutral_config
        self._drivers: tuple[str, ...] | None = None
        # Both spellings: git compares safe.directory with the path as it discovered it.
        here = [str(self.path), os.path.realpath(self.path)]
        self._safe = tuple(dict.fromkeys([*safe_directories, *here]))

    def options(self) -> dict[str, Any]:
        """The keyword arguments this repository was made with, for a repository made from
        it (a worktree): every option travels, so a new one cannot be forgotten there."""
        return {
            "token": self._token,
            "server_url": self._server_url,
            "identity": self.identity,
            "redactor": self.redactor,
            "base_env": self._base_env,
            "neutral_config": self._neutral,
            "timeout": self.timeout,
            "network_timeout": self.network_timeout,
            "safe_directories": self._safe,
        }

    @classmethod
    def scratch(cls, path: str | os.PathLike[str], origin_url: str, **kwargs: Any) -> GitRepo:
        """An empty repository whose `origin` is `origin_url` (no credentials in it: the
        token travels in the environment), for when the workspace holds no checkout."""
        repo = cls(path, **kwargs)
        repo.path.mkdir(parents=True, exist_ok=True)
        repo._git("init", "--quiet")
        repo._git("remote", "add", REMOTE, "--", origin_url)
        return repo

    @classmethod
    def snapshot(cls, path: str | os.PathLike[str], **kwargs: Any) -> GitRepo:
        """Commit everything under `path` into a new repository there (a throw-away copy
        for `autorecover execute --dry-run`)."""
        repo = cls(path, **kwargs)
        repo._git("init", "--quiet")
        repo._git("add", "--all")
        repo._git("commit", "--quiet", "--allow-empty", "-m", "snapshot", commit=True)
        return repo

    def working_diff(self, base: str, max_chars: int = MAX_PATCH_CHARS) -> Patch:
        """Uncommitted changes of the working tree against `base` (for local fixes)."""
        out = self._git("diff", "--no-ext-diff", "--no-color", "--end-of-options", base).stdout
        text = self._clean(out)
        return Patch(text[:max_chars], len(text) > max_chars)

    # -- running git --------------------------------------------------------------------------

    def _filter_drivers(self) -> tuple[str, ...]:
        """Filter drivers the repository's config defines, to switch them off (reading
        config runs nothing). Asked once; a repository being created has none."""
        if self._drivers is None:
            self._drivers = ()  # while asking, and when asking fails
            found = self._git("config", "--name-only", "--get-regexp", r"^filter\.", check=False)
            self._drivers = tuple(parse_filter_drivers(found.stdout))
        return self._drivers

    def _env(self, *, network: bool, commit: bool = False) -> dict[str, str]:
        env = git_environment(
            base_env=self._base_env,
            token=self._token if network else None,
            server_url=self._server_url,
            safe_directories=self._safe,
            neutral_config=self._neutral,
            filter_drivers=self._filter_drivers(),
        )
        if commit:
            env |= {
                "GIT_AUTHOR_NAME": self.identity.name,
                "GIT_AUTHOR_EMAIL": self.identity.email,
                "GIT_COMMITTER_NAME": self.identity.name,
                "GIT_COMMITTER_EMAIL": self.identity.email,
            }
        return env

    def _git(
        self,
        *args: str,
        network: bool = False,
        commit: bool = False,
        check: bool = True,
        input: str | None = None,
        max_output: int = proc.DEFAULT_MAX_OUTPUT,
    ) -> proc.Completed:
        return proc.run(
            ["git", *args],
            cwd=self.path,
            env=self._env(network=network, commit=commit),
            timeout=self.network_timeout if network else self.timeout,
            input=input,
            check=check,
            max_output=max_output,
            redact=self.redactor,
        )

    def _complete(self, *args: str) -> str:
        """stdout of a command whose output is parsed: a truncated list would be wrong."""
        result = self._git(*args)
        if result.truncated:
            raise GitError(f"output of git {args[0]} is too large to process")
        return result.stdout

    def _clean(self, text: str) -> str:
        return self.redactor(text).encode("utf-8", "replace").decode("utf-8")

    # -- queries ------------------------------------------------------------------------------

    def rev_parse(self, rev: str) -> str:
        return self._git(
            "rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}"
        ).stdout.strip()

    def tree_sha(self, rev: str = "HEAD") -> str:
        return self._git(
            "rev-parse", "--verify", "--end-of-options", f"{rev}^{{tree}}"
        ).stdout.strip()

    def is_shallow(self) -> bool:
        return self._git("rev-parse", "--is-shallow-repository").stdout.strip() == "true"

    def has_commit(self, sha: str) -> bool:
        check_sha(sha)
        return self._git("cat-file", "-e", f"{sha}^{{commit}}", check=False).returncode == 0

    def remote_tip(self, branch: str) -> str | None:
        """The SHA `refs/heads/<branch>` has on origin now (None: no such branch)."""
        ref = f"refs/heads/{branch}"
        out = self._git("ls-remote", "--heads", REMOTE, ref, network=True).stdout
        return parse_ls_remote(out).get(ref)

    def check_stale(self, branch: str, head_sha: str) -> Staleness:
        """Whether the failing branch moved on since the failure (docs/security.md#t36, #s11):
        fixing an old commit would push a branch that reverts newer work."""
        check_sha(head_sha)
        tip = self.remote_tip(branch)
        if tip is None:
            return Staleness(True, None, f"branch {branch!r} no longer exists on origin")
        if tip != head_sha:
            return Staleness(
                True, tip, f"branch {branch!r} moved from {head_sha[:12]} to {tip[:12]}"
            )
        return Staleness(False, tip, f"branch {branch!r} is still at {head_sha[:12]}")

    def _fetch(self, sha: str, depth: int) -> None:
        # actions/checkout clones with depth 1; in a shallow clone an unbounded fetch could
        # download the whole history. A full clone is never made shallow.
        shallow = ["--depth", str(depth)] if self.is_shallow() else []
        self._git(
            "fetch", "--no-tags", "--no-write-fetch-head", *shallow, REMOTE, sha, network=True
        )

    def fetch_commit(self, sha: str) -> None:
        """Make `sha` (the failing `head_sha`) available locally; refs are left alone."""
        check_sha(sha)
        if not self.has_commit(sha):
            self._fetch(sha, 1)

    # -- the files of a checkout --------------------------------------------------------------

    def index_entries(self, paths: Iterable[str] | None = None) -> list[IndexEntry]:
        """`git ls-files -s -z`: what git tracks (never ignored or untracked files)."""
        args = ["ls-files", "--stage", "-z"]
        if paths is not None:
            inside = [p for p in (safe_relpath(path) for path in paths) if p is not None]
            if not inside:
                return []
            args += ["--", *inside]
        return parse_ls_files_stage(self._complete(*args))

    def tracked_regular_files(self, paths: Iterable[str] | None = None) -> list[str]:
        """Tracked files a tool may read and write: modes 100644/100755 only, so no symlink (120000:
        ruff follows one out of the repository and rewrites the target, measured in
        docs/security.md#a10-8, #t05) and no submodule (160000); on disk a regular file inside the
        checkout."""
        root = os.path.realpath(self.path)
        return [
            entry.path
            for entry in self.index_entries(paths)
            if entry.mode in REGULAR_MODES
            and entry.stage == 0
            and _regular_inside(root, entry.path)
        ]

    def status(self) -> list[StatusEntry]:
        """Uncommitted changes, untracked files included (ignored files excluded)."""
        out = self._complete(
            "status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all",
            "--ignore-submodules=all",
        )  # fmt: skip
        return parse_status_z(out)

    def discard_changes(self) -> None:
        """Drop uncommitted changes (a fixer whose result did not verify)."""
        self._git("reset", "--hard", "--quiet", "HEAD")
        self._git("clean", "-f", "-d", "--quiet")

    def changed_files(self, base: str, head: str = "HEAD") -> list[str]:
        out = self._complete(
            "diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", base, head, "--"
        )
        return parse_name_list_z(out)

    def diffstat(self, base: str, head: str = "HEAD") -> DiffStat:
        out = self._complete(
            "diff", "--numstat", "-z", "--no-renames", "--no-ext-diff", base, head, "--"
        )
        return parse_numstat_z(out)

    def patch(self, base: str, head: str = "HEAD", max_chars: int = MAX_PATCH_CHARS) -> Patch:
        result = self._git(
            "diff", "--no-ext-diff", "--no-textconv", "--no-color", "--no-renames", base, head,
            "--", max_output=max_chars * 4 + 1024,
        )  # fmt: skip
        text = self._clean(result.stdout)
        capped = proc.cap(text, max_chars)
        return Patch(capped, result.truncated or capped != text)

    def commit_log(self, rev: str, limit: int = SHALLOW_OWNERSHIP_DEPTH) -> list[CommitInfo]:
        """First-parent history of `rev`, newest first, with the fingerprint trailer."""
        fmt = (
            "%H%x00%P%x00%an%x00%ae%x00%cn%x00%ce%x00"
            f"%(trailers:key={COMMIT_TRAILER_KEY},valueonly,separator=%x2C)%x1e"
        )
        out = self._complete(
            "log",
            "--first-parent",
            f"--max-count={limit}",
            f"--format={fmt}",
            "--end-of-options",
            rev,
        )
        return parse_log_records(out)


def protected_error(paths: Sequence[str]) -> ProtectedPathError:
    shown = ", ".join(repr(path) for path in paths[:10])
    return ProtectedPathError(
        f"refusing to change {shown}: autorecover never changes files under .github/ "
        "(workflows run with the repository's secrets; a GITHUB_TOKEN push that touches "
        ".github/workflows is refused by GitHub anyway)"
    )


def check_sha(sha: str) -> None:
    if not _SHA_RE.match(sha):
        raise GitError(f"not a full commit SHA: {sha[:80]!r}")


def check_bot_branch(branch: str) -> None:
    # Only our own branches are ever created, pushed or deleted (docs/security.md#s10): never
    # the default branch, a protected branch, or another bot's (dependabot/*, renovate/*).
    if not is_bot_branch(branch):
        raise GitError(f"refusing to write branch {branch[:100]!r}: not an autorecover/ branch")


def _regular_inside(root: str, path: str) -> bool:
    full = os.path.join(root, path)
    try:
        mode = os.lstat(full).st_mode
    except OSError:
        return False
    # realpath catches a symlinked directory on the way (CVE-2021-21300-style tricks).
    return stat.S_ISREG(mode) and os.path.realpath(full) == os.path.normpath(full)
