"""The bot's worktree against real git: commits that refuse `.github/`, symlinks and unreported
changes; leased pushes to a bare `origin` whose pre-receive hook refuses the way GitHub does."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from autorecover.adapters.git import GitError, ProtectedPathError
from autorecover.adapters.gitpush import PushStatus
from autorecover.adapters.worktree import Worktree
from testing.gitrepos import BRANCH, FINGERPRINT, PROJECT, fix_and_commit, open_worktree

if TYPE_CHECKING:
    from testing.gitfixtures import Checkout, MakeCheckout


# -- the happy path and what it leaves behind ------------------------------------------------


def test_commit_refuses_github_dir_symlinks_and_unreported_changes(
    make_checkout: MakeCheckout, tmp_path: Path
) -> None:
    ck = make_checkout({**PROJECT, ".github/workflows/ci.yml": "name: CI\n"})
    _, wt = open_worktree(ck, tmp_path)
    with wt:
        assert wt.commit(["src/app.py"], "nothing changed", FINGERPRINT) is None
        (wt.path / ".github/workflows/ci.yml").write_text("name: CI\non: push\n")
        with pytest.raises(ProtectedPathError, match=r"\.github/"):
            wt.commit([".github/workflows/ci.yml"], "touch workflow", FINGERPRINT)
        with pytest.raises(ProtectedPathError):  # changed without being reported: still refused
            wt.commit(["src/app.py"], "x", FINGERPRINT)
        wt.discard_changes()
        (wt.path / "src/app.py").write_text("x = 1\n")
        (wt.path / "stray.txt").write_text("written by a tool\n")
        with pytest.raises(GitError, match="did not report"):
            wt.commit(["src/app.py"], "x", FINGERPRINT)
        (wt.path / "stray.txt").unlink()
        with pytest.raises(GitError, match="outside the repository"):
            wt.commit(["../x"], "x", FINGERPRINT)
        with pytest.raises(GitError, match="invalid fingerprint"):
            wt.commit(["src/app.py"], "x", "not-hex")
        (wt.path / "src/app.py").unlink()
        os.symlink("/etc/hostname", wt.path / "src/app.py")
        with pytest.raises(GitError, match="not a regular file"):
            wt.commit(["src/app.py"], "x", FINGERPRINT)


def test_push_refuses_a_range_that_touches_github_dir(checkout: Checkout, tmp_path: Path) -> None:
    """docs/security.md#t20: even a commit made around the adapter never leaves with a .github/ change."""
    _, wt = open_worktree(checkout, tmp_path)
    with wt:
        (wt.path / ".github/workflows").mkdir(parents=True)
        (wt.path / ".github/workflows/x.yml").write_text("name: x\n")
        checkout.sandbox.git("add", ".github", cwd=wt.path)
        checkout.sandbox.git("commit", "-qm", "sneak", cwd=wt.path)
        with pytest.raises(ProtectedPathError, match="never changes files under .github/"):
            wt.push(expected_old=None)
    assert f"refs/heads/{BRANCH}" not in checkout.sandbox.remote_refs(checkout.origin)


def test_only_bot_branches_are_written(checkout: Checkout, tmp_path: Path) -> None:
    repo = checkout.sandbox.bot_repo(checkout.workspace)
    repo.fetch_commit(checkout.head)
    for branch in ("main", "dependabot/pip/x", "feature"):
        with pytest.raises(GitError, match="not an autorecover/ branch"):
            Worktree.add(repo, tmp_path / "wt", checkout.head, branch)
    with pytest.raises(GitError, match="not a full commit SHA"):
        repo.fetch_commit("--upload-pack=touch /tmp/x")


# -- leases, ownership, staleness ------------------------------------------------------------


def test_lease_must_not_exist_fails_when_the_branch_exists(
    checkout: Checkout, tmp_path: Path
) -> None:
    human = checkout.sandbox.push_commit(
        checkout.origin, BRANCH, {"notes.txt": "mine\n"}, "human work", parent=checkout.head
    )
    _, wt = open_worktree(checkout, tmp_path)
    with wt:
        fix_and_commit(wt)
        state = wt.remote_branch_state(BRANCH, FINGERPRINT)
        assert state.exists and not state.ours and state.tip == human
        assert state.foreign[0].author_email == "octocat@github.com"
        result = wt.push(expected_old=None)
        assert result.status is PushStatus.STALE_LEASE and not result.ok
    assert checkout.sandbox.remote_refs(checkout.origin)[f"refs/heads/{BRANCH}"] == human


def test_lease_protects_a_branch_a_human_pushed_to(checkout: Checkout, tmp_path: Path) -> None:
    _, wt = open_worktree(checkout, tmp_path)
    with wt:
        ours = fix_and_commit(wt)
        assert wt.push(expected_old=None).ok
        assert wt.remote_branch_state(BRANCH, FINGERPRINT).ours
        human = checkout.sandbox.push_commit(
            checkout.origin, BRANCH, {"more.txt": "x\n"}, "review fix", parent=ours
        )
        assert not wt.remote_branch_state(BRANCH, FINGERPRINT).ours
        (wt.path / "src/app.py").write_text("x = 2\n")
        wt.commit(["src/app.py"], "again", FINGERPRINT)
        assert wt.push(expected_old=ours).status is PushStatus.STALE_LEASE
        assert wt.push(expected_old=human).ok  # only with the human's tip as the lease
        deleted = wt.delete_remote_branch(ours)  # a stale lease: the branch is kept
        assert deleted.status is PushStatus.STALE_LEASE
        assert wt.delete_remote_branch(wt.rev_parse("HEAD")).status is PushStatus.DELETED
    assert f"refs/heads/{BRANCH}" not in checkout.sandbox.remote_refs(checkout.origin)


def test_protected_branch_gh006(checkout: Checkout, tmp_path: Path) -> None:
    checkout.sandbox.protect(checkout.origin, f"refs/heads/{BRANCH}")
    _, wt = open_worktree(checkout, tmp_path)
    with wt:
        fix_and_commit(wt)
        result = wt.push(expected_old=None)
    assert result.status is PushStatus.PROTECTED_BRANCH and "GH006" in result.message
    assert "GH006: Protected branch update failed" in result.output


def test_ruleset_gh013(checkout: Checkout, tmp_path: Path) -> None:
    _, wt = open_worktree(checkout, tmp_path)
    with wt:
        fix_and_commit(wt, "Format [gh013]")
        result = wt.push(expected_old=None)
    assert result.status is PushStatus.RULESET and "ruleset" in result.message


def test_secret_push_protection_is_a_redaction_bug(checkout: Checkout, tmp_path: Path) -> None:
    _, wt = open_worktree(checkout, tmp_path)
    with wt:
        (wt.path / "src/app.py").write_text("KEY = 'FAKE-SECRET-MARKER'\n")
        wt.commit(["src/app.py"], "oops", FINGERPRINT)
        result = wt.push(expected_old=None)
    assert result.status is PushStatus.SECRET_PROTECTION and "redaction bug" in result.message
    assert f"refs/heads/{BRANCH}" not in checkout.sandbox.remote_refs(checkout.origin)


def test_workflow_permission_refusal_is_mapped(make_checkout: MakeCheckout, tmp_path: Path) -> None:
    """docs/security.md#t20: the failing commit itself adds a workflow and is on no branch of origin
    yet, so GitHub sees the bot's push create it; the refusal must read clearly."""
    ck = make_checkout(PROJECT)
    sandbox = ck.sandbox
    sandbox.git("config", "uploadpack.allowAnySHA1InWant", "true", cwd=ck.origin.path)
    head = sandbox.push_commit(
        ck.origin,
        "tmp",
        {".github/workflows/new.yml": "name: new\n"},
        "add workflow",
        parent=ck.head,
    )
    sandbox.git("update-ref", "-d", "refs/heads/tmp", cwd=ck.origin.path)
    repo = sandbox.bot_repo(ck.workspace)
    repo.fetch_commit(head)
    with Worktree.add(repo, tmp_path / "wt", head, BRANCH) as wt:
        fix_and_commit(wt)
        result = wt.push(expected_old=None)
    assert result.status is PushStatus.WORKFLOW_PERMISSION
    assert ".github/workflows/new.yml" in result.message and not result.ok


def test_worktree_is_removed_even_after_an_error(checkout: Checkout, tmp_path: Path) -> None:
    _, wt = open_worktree(checkout, tmp_path)
    with pytest.raises(RuntimeError), wt:
        raise RuntimeError("boom")
    assert not wt.path.exists()
    assert "autorecover" not in checkout.sandbox.git("branch", "--list", cwd=checkout.workspace)
    shutil.rmtree(tmp_path / "wt", ignore_errors=True)
    with pytest.raises(GitError, match="already exists"):
        (tmp_path / "wt").mkdir()
        open_worktree(checkout, tmp_path)
