"""Real git in temporary directories for the git adapter and fixer tests (the shape of
pre-commit's `tests/conftest.py`).

`GitSandbox` runs git with `GIT_CONFIG_NOSYSTEM=1`, `GIT_CONFIG_GLOBAL=/dev/null` and a
temporary HOME, so neither the machine's nor the developer's configuration changes a result.
`Origin` is a bare repository with a `pre-receive` hook that refuses pushes the way GitHub
does, printing GitHub's own texts (docs/security.md#a11): GH006 for `refs/heads/main` and the refs
listed in `<origin>/protected-refs` (a branch protection rule), GH013 for a
commit whose message holds `[gh013]`, secret push protection for a commit adding the text
`FAKE-SECRET-MARKER`, and the `workflows`-permission refusal for commits touching
`.github/workflows/`. The sandbox's own pushes (seeding, "a human pushes") pass the hook with
`FAKE_GITHUB_ADMIN=1`, which the bot's allow-listed environment never carries.

Use with `pytest_plugins = ("gitfixtures",)` in a test module, or import the fixtures in
tests/conftest.py.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autorecover.adapters.git import GitRepo
from autorecover.core.text.redact import Redactor
from autorecover.fixers._toolenv import ToolEnv
from autorecover.fixers._toollock import HashLock
from testing import DATA

PROJECTS = DATA / "projects"
# A fake installation token, assembled at run time so no scanner takes this file for a leak.
FAKE_TOKEN = "gh" + "s_" + "Fak3T0kenForAutorecoverTests0123456789"
HUMAN = ("Octo Cat", "octocat@github.com")

PRE_RECEIVE = r"""#!/bin/sh
# Refuses pushes the way GitHub does; the texts are GitHub's (docs/security.md#a11).
[ "$FAKE_GITHUB_ADMIN" = 1 ] && exit 0
zero=0000000000000000000000000000000000000000
status=0
while read -r old new ref; do
  if [ "$ref" = refs/heads/main ] || grep -qxF "$ref" protected-refs 2>/dev/null; then
    echo "error: GH006: Protected branch update failed for $ref."
    echo "error: Changes must be made through a pull request."
    status=1
    continue
  fi
  [ "$new" = "$zero" ] && continue
  for c in $(git rev-list "$new" --not --all); do
    if git log -1 --format=%B "$c" | grep -q '\[gh013\]'; then
      echo "error: GH013: Repository rule violations found for $ref."
      echo "error: Review all repository rules at https://github.com/octo-org/octo-repo/rules?ref=x"
      echo "error: "
      echo "error: - Cannot create ref due to creations being restricted."
      status=1
      break
    fi
    if git show --format= "$c" | grep -q 'FAKE-SECRET-MARKER'; then
      echo "error: GH013: Repository rule violations found for $ref."
      echo ""
      echo "- GITHUB PUSH PROTECTION"
      echo "  Resolve the following violations before pushing again"
      echo ""
      echo "  - Push cannot contain secrets"
      status=1
      break
    fi
    path=$(git diff-tree --root --no-commit-id --name-only -r "$c" -- .github/workflows | head -n 1)
    if [ -n "$path" ]; then
      echo "refusing to allow a GitHub App to create or update workflow \`$path\` without \`workflows\` permission"
      status=1
      break
    fi
  done
done
exit $status
"""


def load_project(name: str) -> dict[str, str]:
    """A fixture project under tests/data/projects/<name>, as {path: text}. Python files are
    stored as `*.py.txt` (so neither pytest nor our linters pick them up) and renamed here."""
    root = PROJECTS / name
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            rel = path.relative_to(root).as_posix()
            files[rel.removesuffix(".txt") if rel.endswith(".py.txt") else rel] = path.read_text()
    return files


@dataclass
class Origin:
    path: Path
    head: str  # the tip of main after seeding
    url: str


@dataclass
class GitSandbox:
    root: Path
    env: dict[str, str] = field(default_factory=dict)
    token: str = FAKE_TOKEN  # what the bot is given as its token in these tests
    load_project = staticmethod(load_project)

    def __post_init__(self) -> None:
        home = self.root / "home"
        home.mkdir(parents=True, exist_ok=True)
        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "TMPDIR")}
        self.env = {
            **keep,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
        }

    def git(self, *args: str, cwd: Path | None = None, admin: bool = True) -> str:
        env = {**self.env, "GIT_AUTHOR_NAME": HUMAN[0], "GIT_AUTHOR_EMAIL": HUMAN[1]}
        env |= {"GIT_COMMITTER_NAME": HUMAN[0], "GIT_COMMITTER_EMAIL": HUMAN[1]}
        if admin:
            env["FAKE_GITHUB_ADMIN"] = "1"
        done = subprocess.run(
            ["git", *args], cwd=cwd or self.root, env=env, capture_output=True, check=False
        )
        if done.returncode:
            raise AssertionError(f"git {args} failed: {done.stderr.decode(errors='replace')}")
        return done.stdout.decode("utf-8", "surrogateescape")

    def make_origin(self, files: Mapping[str, str | bytes], name: str = "origin") -> Origin:
        """A bare repository with GitHub's refusals as a hook and one commit on main."""
        path = self.root / f"{name}.git"
        self.git("init", "--quiet", "--bare", "--initial-branch=main", str(path))
        hook = path / "hooks" / "pre-receive"
        hook.write_text(PRE_RECEIVE)
        hook.chmod(0o755)
        origin = Origin(path, "", f"file://{path}")
        origin.head = self.push_commit(origin, "main", files, "Initial commit", parent=None)
        return origin

    def push_commit(
        self,
        origin: Origin,
        branch: str,
        files: Mapping[str, str | bytes],
        message: str,
        *,
        parent: str | None,
        symlinks: Mapping[str, str] | None = None,
    ) -> str:
        """Commit `files` (and `symlinks`: path -> target) on top of `parent` as a human and
        push it to `branch`, bypassing the hook. Returns the new SHA."""
        work = self.root / f"seed-{len(list(self.root.glob('seed-*')))}"
        self.git("init", "--quiet", "--initial-branch=main", str(work))
        if parent is not None:
            self.git("fetch", "--quiet", origin.url, parent, cwd=work)
            self.git("checkout", "--quiet", "--detach", parent, cwd=work)
        for rel, content in files.items():
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode() if isinstance(content, str) else content
            target.write_bytes(data)
        for rel, link in (symlinks or {}).items():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(link, work / rel)
        self.git("add", "--all", cwd=work)
        self.git("commit", "--quiet", "--allow-empty", "-m", message, cwd=work)
        self.git("push", "--quiet", "--force", origin.url, f"HEAD:refs/heads/{branch}", cwd=work)
        return self.git("rev-parse", "HEAD", cwd=work).strip()

    def clone_workspace(self, origin: Origin, *, depth: int | None = 1) -> Path:
        """What actions/checkout leaves in GITHUB_WORKSPACE: the default branch, shallow."""
        path = self.root / "workspace"
        depth_args = ["--depth", str(depth)] if depth else []
        self.git(
            "clone", "--quiet", "--no-tags", *depth_args, "--branch", "main", origin.url, str(path)
        )
        return path

    def bot_repo(self, workspace: Path, token: str | None = FAKE_TOKEN) -> GitRepo:
        """The adapter as the action builds it, with this sandbox's HOME and PATH."""
        return GitRepo(
            workspace,
            token=token,
            server_url="https://github.com",
            redactor=Redactor([token] if token else []),
            base_env=self.env,
        )

    def tool_env(
        self,
        install_options: tuple[str, ...] = ("--only-binary=:all:",),
        lock: HashLock | None = None,
    ) -> ToolEnv:
        """A tool cache under the sandbox; `install_options` reach `pip install`; `lock`
        stands in for the shipped wheel hashes (testing.wheels.lock_of)."""
        return ToolEnv(
            self.root / "tool-cache",
            lock=lock,
            base_env=self.env,
            redactor=Redactor([FAKE_TOKEN]),
            install_options=install_options,
            # One worker: black's process pool costs more than it saves on a few files.
            extra_env={"BLACK_NUM_WORKERS": "1"},
        )

    def protect(self, origin: Origin, ref: str) -> None:
        """Make the origin refuse pushes to `ref` with GH006, like a branch protection rule."""
        with (origin.path / "protected-refs").open("a") as handle:
            handle.write(ref + "\n")

    def remote_refs(self, origin: Origin) -> dict[str, str]:
        out = self.git("for-each-ref", "--format=%(refname) %(objectname)", cwd=origin.path)
        pairs = (line.split(" ", 1) for line in out.splitlines() if line)
        return {ref: sha for ref, sha in pairs}


@pytest.fixture
def git_sandbox(tmp_path: Path) -> GitSandbox:
    """Neutral git configuration and a temporary HOME under tmp_path."""
    return GitSandbox(tmp_path / "sandbox")


@dataclass
class Checkout:
    sandbox: GitSandbox
    origin: Origin
    workspace: Path
    head: str  # the failing head_sha (tip of `feature`)
    branch: str = "feature"


MakeCheckout = Callable[..., Checkout]


@pytest.fixture
def make_checkout(git_sandbox: GitSandbox) -> MakeCheckout:
    """`make_checkout(files, symlinks=None)`: an origin whose `main` holds a README and whose
    `feature` branch holds `files` (the failing commit), and a shallow workspace clone of main
    (what actions/checkout leaves for a workflow_run job)."""

    def make(
        files: Mapping[str, str | bytes], symlinks: Mapping[str, str] | None = None
    ) -> Checkout:
        origin = git_sandbox.make_origin({"README.md": "# octo-repo\n"})
        head = git_sandbox.push_commit(
            origin, "feature", files, "Add the project", parent=origin.head, symlinks=symlinks
        )
        workspace = git_sandbox.clone_workspace(origin)
        return Checkout(git_sandbox, origin, workspace, head)

    return make
