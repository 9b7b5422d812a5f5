"""A worktree on autorecover's own branch: where fixes are committed and from where they
are pushed, leased (docs/security.md#s10, #s11). Made by `Worktree.add`; git runs
through the parent's adapter (git.py), never directly."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from autorecover.adapters import proc
from autorecover.adapters.git import (
    REMOTE,
    SHALLOW_OWNERSHIP_DEPTH,
    GitError,
    GitRepo,
    check_bot_branch,
    check_sha,
    protected_error,
)
from autorecover.adapters.gitparse import (
    BranchState,
    is_protected_path,
    ownership,
    safe_relpath,
)
from autorecover.adapters.gitpush import PushResult, classify_push
from autorecover.constants import COMMIT_TRAILER_KEY, FINGERPRINT_RE


class Worktree(GitRepo):
    """A worktree on the bot branch, made by :meth:`Worktree.add`. Use it as a context
    manager: it is removed (with its local branch) on exit."""

    def __init__(self, parent: GitRepo, path: Path, base_sha: str, branch: str) -> None:
        super().__init__(path, **parent.options())
        self.parent = parent
        self.base_sha = base_sha
        self.branch = branch

    @classmethod
    def add(cls, parent: GitRepo, path: str | os.PathLike[str], sha: str, branch: str) -> Worktree:
        """A new worktree of `parent` at `path` with `branch` created at `sha`. The
        workspace's own working tree, index and HEAD are untouched."""
        check_sha(sha)
        check_bot_branch(branch)
        target = Path(path).absolute()
        if target.exists():
            raise GitError(f"worktree path {target} already exists")
        parent._git("worktree", "add", "--detach", "--end-of-options", str(target), sha)
        worktree = cls(parent, target, sha, branch)
        try:
            worktree._git("switch", "--quiet", "--force-create", branch)
        except proc.CommandError:
            worktree.remove()
            raise
        return worktree

    def __enter__(self) -> Worktree:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.remove()

    def remove(self) -> None:
        """Remove the worktree and its local branch; the workspace is left as it was."""
        self.parent._git(
            "worktree", "remove", "--force", "--end-of-options", str(self.path), check=False
        )
        if self.path.exists():
            shutil.rmtree(self.path, ignore_errors=True)
        self.parent._git("worktree", "prune", check=False)
        self.parent._git("branch", "-D", "--end-of-options", self.branch, check=False)

    # -- committing ---------------------------------------------------------------------------

    def commit(self, paths: Iterable[str], message: str, fingerprint: str) -> str | None:
        """Commit the changes to `paths` (one fixer's result) as the bot, with the fingerprint
        trailer. Returns the new SHA, or None when nothing changed. Refuses anything under
        `.github/`, symlinks, and changes to files the fixer did not report."""
        if not FINGERPRINT_RE.match(fingerprint):
            raise GitError(f"invalid fingerprint {fingerprint!r}")
        wanted = self._checked_paths(paths)
        changed = {entry.path for entry in self.status()}
        protected = sorted(path for path in changed if is_protected_path(path))
        if protected:
            raise protected_error(protected)
        unexpected = sorted(changed - wanted)
        if unexpected:
            shown = ", ".join(repr(self._clean(path)) for path in unexpected[:10])
            raise GitError(f"files changed that the fixer did not report: {shown}")
        staged = sorted(changed & wanted)
        if not staged:
            return None
        for path in staged:
            full = self.path / path
            if full.is_symlink() or (full.exists() and not full.is_file()):
                raise GitError(f"refusing to commit {self._clean(path)!r}: not a regular file")
        self._git("add", "--", *staged)
        body = self._clean(message).strip() or "autorecover fix"
        text = f"{body}\n\n{COMMIT_TRAILER_KEY}: {fingerprint}\n"
        self._git(
            "commit", "--quiet", "--no-verify", "--no-gpg-sign", "--cleanup=whitespace", "-F", "-",
            commit=True, input=text,
        )  # fmt: skip
        return self.rev_parse("HEAD")

    def _checked_paths(self, paths: Iterable[str]) -> set[str]:
        result: set[str] = set()
        for path in paths:
            clean = safe_relpath(path)
            if clean is None:
                raise GitError(f"refusing path outside the repository: {self._clean(path)!r}")
            if is_protected_path(clean):
                raise protected_error([clean])
            result.add(clean)
        return result

    # -- the remote bot branch ----------------------------------------------------------------

    def remote_branch_state(self, branch: str, fingerprint: str | None = None) -> BranchState:
        """Who wrote the remote `branch`: a branch holding anything but our own commits (bot
        identity and trailer) must never be force-pushed (Renovate's "edited branch" rule)."""
        check_bot_branch(branch)
        tip = self.remote_tip(branch)
        if tip is None:
            return BranchState(exists=False, tip=None, ours=False, foreign=())
        if not self.has_commit(tip):
            self._fetch(tip, SHALLOW_OWNERSHIP_DEPTH)
        history = self.commit_log(tip)
        return ownership(tip, history, self.identity.email, fingerprint)

    def push(self, *, expected_old: str | None) -> PushResult:
        """Push HEAD to `refs/heads/<branch>` on origin, leased: `expected_old` is the SHA the
        remote branch must still have, or None for "must not exist" (docs/security.md#s11, #t22)."""
        check_bot_branch(self.branch)
        if expected_old is not None:
            check_sha(expected_old)
        head = self.rev_parse("HEAD")
        if head == self.base_sha:
            raise GitError("nothing to push: the bot branch has no commits")
        protected = [
            path for path in self.changed_files(self.base_sha, head) if is_protected_path(path)
        ]
        if protected:
            raise protected_error(sorted(protected))
        return self._push_ref(f"HEAD:refs/heads/{self.branch}", expected_old or "", head)

    def delete_remote_branch(self, expected_sha: str) -> PushResult:
        """Delete our remote bot branch, leased (a PR that could not be opened:
        docs/security.md#t33)."""
        check_bot_branch(self.branch)
        check_sha(expected_sha)
        return self._push_ref(f":refs/heads/{self.branch}", expected_sha, None)

    def _push_ref(self, refspec: str, expected: str, new_sha: str | None) -> PushResult:
        ref = f"refs/heads/{self.branch}"
        result = self._git(
            "push", "--porcelain", "--no-verify", f"--force-with-lease={ref}:{expected}",
            REMOTE, refspec, network=True, check=False,
        )  # fmt: skip
        status, message = classify_push(result.returncode, result.stdout, result.stderr, ref)
        output = proc.cap(self._clean(result.output), 8000)
        return PushResult(status, ref, self._clean(message), output, new_sha)
