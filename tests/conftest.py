"""Shared fixtures. `fake_github` is the loopback fake GitHub API (tests/fakegithub/)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from testing.fakegithub import FakeGitHub, neutral_git_env

# Real git in temporary repositories (a bare `origin`, checkouts, hooks that refuse pushes
# the way GitHub does): tests/gitfixtures.py.
pytest_plugins = [
    "testing.gitfixtures",
    "testing.formatters",  # the `worktree` fixture
    "testing.gitrepos",  # `checkout`
    "testing.recovery",  # `action`
    "testing.cli",  # `logs`
]


@pytest.fixture
def fake_github_factory() -> Iterator[Callable[..., FakeGitHub]]:
    """Start fakes with custom arguments (`git_dir=`, `token=`, ...); each is stopped at teardown
    and fails the test if it recorded a violation the test did not `expect_violations()` for."""
    started: list[FakeGitHub] = []

    def make(**kwargs: Any) -> FakeGitHub:
        fake = FakeGitHub(**kwargs).start()
        started.append(fake)
        return fake

    yield make
    for fake in started:
        fake.stop()
    problems = [str(v) for fake in started if not fake.violations_expected for v in fake.violations]
    if problems:
        pytest.fail(
            "fake GitHub recorded violations:\n" + "\n".join(f"  - {p}" for p in problems),
            pytrace=False,
        )


@pytest.fixture
def fake_github(fake_github_factory: Callable[..., FakeGitHub]) -> FakeGitHub:
    """A fake GitHub (repository octo-org/octo-repo, refs in memory) on 127.0.0.1."""
    return fake_github_factory()


@pytest.fixture
def git_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for git commands in tests: no system/global config, neutral HOME."""
    return neutral_git_env(tmp_path_factory.mktemp("git-home"))


@pytest.fixture
def bare_origin(tmp_path: Path, git_env: dict[str, str]) -> Path:
    """A bare repository with one commit on `main` (README.md), usable as `origin` and as the
    fake's `git_dir`."""
    origin = tmp_path / "origin.git"
    work = tmp_path / "seed"
    env = {
        **git_env,
        "GIT_AUTHOR_NAME": "Octo Cat",
        "GIT_AUTHOR_EMAIL": "octocat@github.com",
        "GIT_COMMITTER_NAME": "Octo Cat",
        "GIT_COMMITTER_EMAIL": "octocat@github.com",
        "GIT_AUTHOR_DATE": "1577836800 +0000",
        "GIT_COMMITTER_DATE": "1577836800 +0000",
    }

    def git(*args: str, cwd: Path = tmp_path) -> None:
        subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)

    git("init", "--bare", "--initial-branch=main", str(origin))
    git("init", "--initial-branch=main", str(work))
    (work / "README.md").write_text("# octo-repo\n")
    git("add", "README.md", cwd=work)
    git("commit", "-m", "Initial commit", cwd=work)
    git("push", str(origin), "main", cwd=work)
    return origin
