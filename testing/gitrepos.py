"""Commits and branches for tests of the git adapter and the bot's worktree."""

from __future__ import annotations

from pathlib import Path

import pytest

from autorecover.adapters.git import GitRepo
from autorecover.adapters.worktree import Worktree
from autorecover.constants import bot_branch_name
from testing.gitfixtures import Checkout, MakeCheckout

FINGERPRINT = "0123abcd" * 8


BRANCH = bot_branch_name("linting_error", FINGERPRINT)


PROJECT = {"src/app.py": "x  =  1\n", "README.md": "# app\n"}


@pytest.fixture
def checkout(make_checkout: MakeCheckout) -> Checkout:
    return make_checkout(PROJECT)


def open_worktree(ck: Checkout, tmp_path: Path, branch: str = BRANCH) -> tuple[GitRepo, Worktree]:
    repo = ck.sandbox.bot_repo(ck.workspace)
    repo.fetch_commit(ck.head)
    return repo, Worktree.add(repo, tmp_path / "wt", ck.head, branch)


def fix_and_commit(wt: Worktree, message: str = "Format src/app.py with black") -> str:
    (wt.path / "src/app.py").write_text("x = 1\n")
    sha = wt.commit(["src/app.py"], message, FINGERPRINT)
    assert sha is not None
    return sha
