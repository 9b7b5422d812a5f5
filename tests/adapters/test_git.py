"""The git adapter against real git: a bare `origin` whose pre-receive hook refuses pushes the
way GitHub does, and a shallow workspace clone like the one actions/checkout leaves."""

from __future__ import annotations

import base64
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pytest

from autorecover.adapters import proc
from autorecover.adapters.git import GitRepo
from autorecover.adapters.gitparse import DEFAULT_IDENTITY, git_environment
from autorecover.adapters.gitpush import PushStatus
from testing.gitrepos import BRANCH, FINGERPRINT, PROJECT, fix_and_commit, open_worktree

if TYPE_CHECKING:
    from testing.gitfixtures import Checkout, GitSandbox, MakeCheckout

FAKE_TOKEN = "gh" + "s_" + "Fak3T0kenForAutorecoverTests0123456789"  # gitfixtures.FAKE_TOKEN


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


def test_fix_flow_pushes_a_bot_branch_and_leaves_the_workspace_alone(
    checkout: Checkout, tmp_path: Path
) -> None:
    sandbox = checkout.sandbox
    before = sandbox.git("rev-parse", "HEAD", cwd=checkout.workspace)
    repo, wt = open_worktree(checkout, tmp_path)
    with wt:
        sha = fix_and_commit(wt)
        assert wt.remote_branch_state(BRANCH).exists is False
        result = wt.push(expected_old=None)
        assert result.ok and result.status is PushStatus.PUSHED and result.sha == sha
        assert wt.tree_sha(sha) == wt.tree_sha("HEAD") != wt.tree_sha(checkout.head)
        assert wt.changed_files(checkout.head) == ["src/app.py"]
        assert (
            wt.diffstat(checkout.head).summary()
            == "1 file changed, 1 insertions(+), 1 deletions(-)"
        )
        assert "+x = 1" in wt.patch(checkout.head).text
    assert sandbox.remote_refs(checkout.origin)[f"refs/heads/{BRANCH}"] == sha
    message = sandbox.git(
        "log", "-1", "--format=%an <%ae>|%cn <%ce>|%B", sha, cwd=checkout.origin.path
    )
    who = f"{DEFAULT_IDENTITY.name} <{DEFAULT_IDENTITY.email}>"
    assert message.startswith(f"{who}|{who}|Format src/app.py with black")
    assert f"Autorecover-Fingerprint: {FINGERPRINT}" in message
    # The user's checkout: same HEAD, clean, no extra worktree or branch left behind.
    assert sandbox.git("rev-parse", "HEAD", cwd=checkout.workspace) == before
    assert sandbox.git("status", "--porcelain", cwd=checkout.workspace) == ""
    assert len(sandbox.git("worktree", "list", cwd=checkout.workspace).splitlines()) == 1
    assert "autorecover" not in sandbox.git("branch", "--list", cwd=checkout.workspace)
    assert not (tmp_path / "wt").exists()
    assert repo.is_shallow()  # a shallow checkout stays shallow


def test_token_never_reaches_argv_config_files_or_output(
    checkout: Checkout, tmp_path: Path, recorded: list[proc.Completed | proc.CommandError]
) -> None:
    """docs/security.md#s12 (threat #tm17): after a push and after a failed push, no token in argv, `.git/config`, the
    workspace or the worktree, nor in anything git printed."""
    _, wt = open_worktree(checkout, tmp_path)
    with wt:
        fix_and_commit(wt)
        assert wt.push(expected_old=None).ok
        (wt.path / "src/app.py").write_text("x = 2\n")
        wt.commit(["src/app.py"], "again", FINGERPRINT)
        failed = wt.push(expected_old="f" * 40)  # a lease that cannot hold
        assert failed.status is PushStatus.STALE_LEASE
        assert_no_token_in_tree(wt.path)
        texts = [failed.message, failed.output]
    assert_no_token_in_tree(checkout.workspace)
    assert recorded, "the spy saw no command"
    for item in recorded:
        argv = " ".join(item.argv)
        output = str(item) if isinstance(item, proc.CommandError) else item.output
        texts += [argv, output]
    for text in texts:
        for form in token_forms():
            assert form not in text


def test_token_reaches_the_server_as_the_only_authorization_header(
    checkout: Checkout, http_remote: str
) -> None:
    """The header comes from GIT_CONFIG_* and replaces the one actions/checkout persists for
    the same URL (two Authorization headers make GitHub answer 400)."""
    sandbox = checkout.sandbox
    sandbox.git(
        "remote", "set-url", "origin", f"{http_remote}/octo-org/octo-repo", cwd=checkout.workspace
    )
    sandbox.git(
        "config", "--local", f"http.{http_remote}/.extraheader", "AUTHORIZATION: basic OLD",
        cwd=checkout.workspace,
    )  # fmt: skip
    repo = GitRepo(
        checkout.workspace, token=FAKE_TOKEN, server_url=http_remote, base_env=sandbox.env
    )
    with pytest.raises(proc.CommandError) as caught:
        repo.remote_tip("main")
    header = base64.b64encode(f"x-access-token:{FAKE_TOKEN}".encode()).decode()
    assert _HeaderRecorder.seen and _HeaderRecorder.seen[0] == [f"basic {header}"]
    assert FAKE_TOKEN not in str(caught.value) and header not in str(caught.value)
    config = (checkout.workspace / ".git" / "config").read_text()
    assert header not in config and "OLD" in config  # the user's config is untouched


def test_git_environment_is_hardened() -> None:
    env = git_environment(base_env={"PATH": "/bin", "GITHUB_TOKEN": "x"}, token=None)
    pairs = {
        env[f"GIT_CONFIG_KEY_{i}"]: env[f"GIT_CONFIG_VALUE_{i}"]
        for i in range(int(env["GIT_CONFIG_COUNT"]))
    }
    assert pairs["core.hooksPath"] == os.devnull and pairs["core.fsmonitor"] == "false"
    assert pairs["fetch.recurseSubmodules"] == "false" and pairs["credential.helper"] == ""
    assert "GITHUB_TOKEN" not in env and not any("extraheader" in key for key in pairs)
    assert env["GIT_TERMINAL_PROMPT"] == "0" and env["GIT_LITERAL_PATHSPECS"] == "1"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_dubious_ownership_workspace_is_trusted_through_the_environment(
    checkout: Checkout, tmp_path: Path
) -> None:
    """A container action runs as root on a workspace owned by the runner's uid."""
    for path in [checkout.workspace, *checkout.workspace.rglob("*")]:
        os.lchown(path, 65534, 65534)
    with pytest.raises(AssertionError, match="dubious ownership"):
        checkout.sandbox.git("status", cwd=checkout.workspace)
    _, wt = open_worktree(checkout, tmp_path)
    with wt:
        fix_and_commit(wt)
        assert wt.push(expected_old=None).ok


def test_hooks_in_the_workspace_never_run(checkout: Checkout, tmp_path: Path) -> None:
    """docs/security.md#s2: a `pre-commit install` from an earlier step must not run repository code."""
    canary = tmp_path / "hook-ran"
    hooks = checkout.workspace / ".git" / "hooks"
    for name in ("pre-commit", "commit-msg", "post-commit", "post-checkout", "pre-push"):
        (hooks / name).write_text(f"#!/bin/sh\ntouch {canary}\n")
        (hooks / name).chmod(0o755)
    _, wt = open_worktree(checkout, tmp_path)
    with wt:
        fix_and_commit(wt)
        assert wt.push(expected_old=None).ok
    assert not canary.exists()


# -- tracked files ---------------------------------------------------------------------------


def test_tracked_regular_files_skip_symlinks_submodules_and_untracked(
    make_checkout: MakeCheckout, tmp_path: Path
) -> None:
    files = {
        "src/app.py": "x = 1\n", "-rf": "canary\n", "a\nb.py": "y = 2\n",
        "--config=evil.toml": "[tool.black]\n", ".gitignore": "ignored.py\n",
    }  # fmt: skip
    ck = make_checkout(files, symlinks={"link.py": "../outside/victim.py"})
    _, wt = open_worktree(ck, tmp_path)
    with wt:
        # A submodule entry (mode 160000), added the way `git submodule add` records it.
        ck.sandbox.git(
            "update-index", "--add", "--cacheinfo", f"160000,{ck.head},vendor/sub", cwd=wt.path
        )
        (wt.path / "ignored.py").write_text("z = 3\n")
        (wt.path / "untracked.py").write_text("z = 3\n")
        regular = wt.tracked_regular_files()
        assert sorted(regular) == sorted([*files, "README.md"])
        modes = {e.path: e.mode for e in wt.index_entries()}
        assert modes["link.py"] == "120000" and modes["vendor/sub"] == "160000"
        assert wt.tracked_regular_files(["src", "../outside", "/etc/passwd"]) == ["src/app.py"]
        assert wt.tracked_regular_files(["../x"]) == []
        assert wt.tracked_regular_files([":(glob)*"]) == []  # a file name, not pathspec magic


# -- committing ------------------------------------------------------------------------------


def test_stale_head(checkout: Checkout) -> None:
    """docs/security.md#t36: the failing branch moved on (or is gone) since the failure."""
    repo = checkout.sandbox.bot_repo(checkout.workspace)
    assert not repo.check_stale("feature", checkout.head).stale
    newer = checkout.sandbox.push_commit(
        checkout.origin, "feature", {"b.py": "b = 1\n"}, "more", parent=checkout.head
    )
    stale = repo.check_stale("feature", checkout.head)
    assert stale.stale and stale.remote_sha == newer and "moved" in stale.message
    gone = repo.check_stale("no-such-branch", checkout.head)
    assert gone.stale and gone.remote_sha is None


# -- GitHub's push refusals, from the hook ---------------------------------------------------


def test_patch_is_redacted_and_capped(checkout: Checkout, tmp_path: Path) -> None:
    _, wt = open_worktree(checkout, tmp_path)
    with wt:
        (wt.path / "src/app.py").write_text(f"TOKEN = '{FAKE_TOKEN}'\n" + "y = 2\n" * 5000)
        wt.commit(["src/app.py"], "x", FINGERPRINT)
        patch = wt.patch(checkout.head, max_chars=2000)
    assert patch.truncated and len(patch.text) <= 2000 and FAKE_TOKEN not in patch.text


def test_full_clone_is_not_made_shallow(git_sandbox: GitSandbox) -> None:
    origin = git_sandbox.make_origin(PROJECT)
    head = git_sandbox.push_commit(origin, "feature", {"b.py": "b = 1\n"}, "b", parent=origin.head)
    workspace = git_sandbox.clone_workspace(origin, depth=None)
    repo = git_sandbox.bot_repo(workspace)
    repo.fetch_commit(head)
    assert repo.has_commit(head) and not repo.is_shallow()


def test_options_carry_every_constructor_argument(tmp_path: Path) -> None:
    """A worktree is made with its parent's options(): a new constructor argument that
    options() forgot would silently reset to its default there."""
    import inspect

    params = set(inspect.signature(GitRepo.__init__).parameters) - {"self", "path"}
    repo = GitRepo(tmp_path, token="ghs_x", timeout=7.0, safe_directories=("/w",))
    options = repo.options()
    assert set(options) == params
    assert options["timeout"] == 7.0 and "/w" in options["safe_directories"]
    assert GitRepo(tmp_path / "copy", **options).options()["token"] == "ghs_x"


def test_filter_drivers_in_the_workspace_config_never_run(
    checkout: Checkout, tmp_path: Path
) -> None:
    """A filter driver in the workspace's .git/config runs a command on every add and
    checkout; an earlier step (or a compromised action) can put one there."""
    marker = tmp_path / "PWNED"
    git = checkout.sandbox.git
    for key in ("clean", "smudge", "process"):
        git("config", f"filter.evil.{key}", f"sh -c 'touch {marker}; cat'", cwd=checkout.workspace)
    (checkout.workspace / ".git" / "info").mkdir(exist_ok=True)
    (checkout.workspace / ".git" / "info" / "attributes").write_text("* filter=evil\n")
    _, tree = open_worktree(checkout, tmp_path)
    with tree:
        (tree.path / "new.py").write_text("x = 1\n")
        tree.commit(["new.py"], "Add new.py", FINGERPRINT)
    assert not marker.exists()
