"""The bot's worktree against real git: commits that refuse `.github/`, symlinks and unreported
changes; leased pushes to a bare `origin` whose pre-receive hook refuses the way GitHub does."""

from __future__ import annotations

import base64
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pytest

from autorecover.adapters import proc
from autorecover.adapters.git import GitError, GitRepo, ProtectedPathError
from autorecover.adapters.gitpush import PushStatus
from autorecover.adapters.worktree import Worktree
from autorecover.constants import bot_branch_name

if TYPE_CHECKING:
    from testing.gitfixtures import Checkout, MakeCheckout

FAKE_TOKEN = "gh" + "s_" + "Fak3T0kenForAutorecoverTests0123456789"  # gitfixtures.FAKE_TOKEN

FINGERPRINT = "0123abcd" * 8
BRANCH = bot_branch_name("linting_error", FINGERPRINT)
PROJECT = {"src/app.py": "x  =  1\n", "README.md": "# app\n"}


@pytest.fixture
def checkout(make_checkout: MakeCheckout) -> Checkout:
    return make_checkout(PROJECT)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[proc.Completed | proc.CommandError]:
    """Every command the adapter runs, with its output (or its error)."""
    seen: list[proc.Completed | proc.CommandError] = []
    real = proc.run

    def spy(*args: object, **kwargs: object) -> proc.Completed:
        try:
            done = real(*args, **kwargs)  # type: ignore[arg-type]
        except proc.CommandError as exc:
            seen.append(exc)
            raise
        seen.append(done)
        return done

    monkeypatch.setattr(proc, "run", spy)
    return seen


def open_worktree(ck: Checkout, tmp_path: Path, branch: str = BRANCH) -> tuple[GitRepo, Worktree]:
    repo = ck.sandbox.bot_repo(ck.workspace)
    repo.fetch_commit(ck.head)
    return repo, Worktree.add(repo, tmp_path / "wt", ck.head, branch)


def fix_and_commit(wt: Worktree, message: str = "Format src/app.py with black") -> str:
    (wt.path / "src/app.py").write_text("x = 1\n")
    sha = wt.commit(["src/app.py"], message, FINGERPRINT)
    assert sha is not None
    return sha


def token_forms() -> list[str]:
    header = base64.b64encode(f"x-access-token:{FAKE_TOKEN}".encode()).decode()
    return [FAKE_TOKEN, header, base64.b64encode(FAKE_TOKEN.encode()).decode()]


def assert_no_token_in_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            for form in token_forms():
                assert form.encode() not in data, f"token found in {path}"


# -- the happy path and what it leaves behind ------------------------------------------------


class _HeaderRecorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[list[str]]] = []

    def do_GET(self) -> None:
        self.seen.append(self.headers.get_all("Authorization") or [])
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_remote() -> Iterator[str]:
    _HeaderRecorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HeaderRecorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


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
