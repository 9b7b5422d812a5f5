"""A worktree of a small project on autorecover's own branch, for running the real formatters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from autorecover.adapters.worktree import Worktree
from autorecover.constants import bot_branch_name
from autorecover.core.models import Diagnosis
from autorecover.core.text.redact import Redactor
from autorecover.fixers import FixContext
from testing.gitfixtures import GitSandbox, MakeCheckout

FINGERPRINT = "feedface" * 8


HELPER = (
    ".github/scripts/helper.py"  # badly formatted, and never to be touched (docs/security.md#t20)
)


Setup = Callable[..., tuple[Worktree, Callable[..., FixContext]]]


@pytest.fixture
def worktree(
    make_checkout: MakeCheckout, git_sandbox: GitSandbox, tmp_path: Path
) -> Iterator[Setup]:
    """`worktree(extra_files, symlinks=None, project="formatting")` -> (worktree, ctx())."""
    opened: list[Worktree] = []

    def setup(
        extra: dict[str, str] | None = None,
        symlinks: dict[str, str] | None = None,
        project: str = "formatting",
    ) -> tuple[Worktree, Callable[..., FixContext]]:
        files = {**git_sandbox.load_project(project), HELPER: "x  =  [1,2 ,3]\n", **(extra or {})}
        ck = make_checkout(files, symlinks=symlinks)
        repo = ck.sandbox.bot_repo(ck.workspace)
        repo.fetch_commit(ck.head)
        wt = Worktree.add(
            repo, tmp_path / "wt", ck.head, bot_branch_name("linting_error", FINGERPRINT)
        )
        opened.append(wt)
        tools = ck.sandbox.tool_env()

        def ctx(diag: Diagnosis | None = None) -> FixContext:
            return FixContext.for_checkout(
                wt, tools=tools, redactor=Redactor([ck.sandbox.token]), trusted=True, diagnosis=diag
            )

        return wt, ctx

    yield setup
    for wt in opened:
        wt.remove()
