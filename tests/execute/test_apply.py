"""Making a fix PR's fixes in a real git working tree: each fix applied, verified by the
check that failed, committed on its own or left uncommitted; what could not be done is said."""

from __future__ import annotations

from pathlib import Path

from autorecover.adapters.git import GitRepo
from autorecover.adapters.worktree import Worktree
from autorecover.constants import bot_branch_name
from autorecover.core.config import parse_config
from autorecover.core.models import (
    Action,
    Category,
    Decision,
    Diagnosis,
    Fix,
    JobResult,
    Severity,
)
from autorecover.core.settings import Settings
from autorecover.core.text.redact import Redactor
from autorecover.execute.apply import apply_fixes, diagnosis_for
from testing.gitfixtures import GitSandbox, MakeCheckout

UGLY = "x = {  'a':1 }\n"
FP = "0123abcd0123abcd"


def diagnosis(*fixes: Fix) -> Diagnosis:
    return Diagnosis(
        source="lint", category=Category.LINTING_ERROR, severity=Severity.LOW, confidence=0.95,
        title="Black would reformat files", explanation="e", remediation="r",
        rule="black-would-reformat", failing_step="Run black --check .", evidence=(),
        findings=(), transient=False, action=Action.FIX_PR, fixes=fixes, fingerprint=FP,
        reason="why",
    )  # fmt: skip


def decision(*fixes: Fix) -> Decision:
    return Decision(Action.FIX_PR, "why", (1,), FP, Category.LINTING_ERROR, Severity.LOW, fixes)


def test_diagnosis_for_finds_the_job_whose_failure_a_fix_answers() -> None:
    black, isort = Fix("black"), Fix("isort")
    jobs = {
        1: JobResult(1, "a", "", "failure", diagnosis(black)),
        2: JobResult(2, "b", "", "failure", None),
    }
    assert diagnosis_for(black, decision(black), jobs) == jobs[1].diagnosis
    assert diagnosis_for(isort, decision(isort), jobs) is None


def tree_at_head(make_checkout: MakeCheckout, files: dict[str, str], tmp_path: Path) -> GitRepo:
    """A plain working tree at the failing commit (what `autorecover execute` works on)."""
    checkout = make_checkout(files)
    tree = tmp_path / "tree"
    checkout.sandbox.git("clone", "--quiet", "--branch", "feature", checkout.origin.url, str(tree))
    return GitRepo(tree)


def test_each_fix_is_verified_and_committed_on_its_own(
    make_checkout: MakeCheckout, git_sandbox: GitSandbox, tmp_path: Path
) -> None:
    checkout = make_checkout({"src/app.py": "import sys\nimport os\n" + UGLY})
    repo = git_sandbox.bot_repo(checkout.workspace)
    repo.fetch_commit(checkout.head)
    fixes = (Fix("isort"), Fix("black"), Fix("no-such-fixer"))
    jobs = {1: JobResult(1, "lint", "", "failure", diagnosis(*fixes))}
    branch = bot_branch_name("linting_error", FP)
    with Worktree.add(repo, tmp_path / "wt", checkout.head, branch) as tree:
        attempt = apply_fixes(
            tree, decision(*fixes), jobs, tools=git_sandbox.tool_env(), redactor=Redactor(),
            trusted=True, settings=Settings.resolve(),
        )  # fmt: skip
        assert [a.fix.fixer for a in attempt.applied] == ["isort", "black"]
        assert all(a.verification.passed for a in attempt.applied)
        assert attempt.failures == ("no-such-fixer: no such fixer",)
        subjects = git_sandbox.git("log", "--format=%s", "-2", cwd=tree.path).split("\n")
        assert [s.split(" ")[1] for s in subjects if s] == ["black", "isort"]
        assert (tree.path / "src/app.py").read_text() == 'import os\nimport sys\n\nx = {"a": 1}\n'


def test_fixes_are_left_uncommitted_for_local_use(
    make_checkout: MakeCheckout, git_sandbox: GitSandbox, tmp_path: Path
) -> None:
    repo = tree_at_head(make_checkout, {"src/app.py": UGLY}, tmp_path)
    head = repo.rev_parse("HEAD")
    fixes = (Fix("black"),)
    attempt = apply_fixes(
        repo, decision(*fixes), {}, tools=git_sandbox.tool_env(), redactor=Redactor(),
        trusted=True, settings=Settings.resolve(), commit=False,
    )  # fmt: skip
    (applied,) = attempt.applied
    assert applied.result.changed_files == ("src/app.py",)
    assert (repo.path / "src/app.py").read_text() == 'x = {"a": 1}\n'
    assert repo.rev_parse("HEAD") == head


def test_a_fix_that_changes_nothing_is_reported(
    make_checkout: MakeCheckout, git_sandbox: GitSandbox, tmp_path: Path
) -> None:
    repo = tree_at_head(make_checkout, {"src/app.py": 'x = {"a": 1}\n'}, tmp_path)
    fixes = (Fix("black"),)
    attempt = apply_fixes(
        repo, decision(*fixes), {}, tools=git_sandbox.tool_env(),
        redactor=Redactor(), trusted=True, settings=Settings.resolve(), commit=False,
    )  # fmt: skip
    assert attempt.applied == () and attempt.failures == ("black: changed nothing",)


def test_a_version_override_reaches_the_fixer(
    make_checkout: MakeCheckout, git_sandbox: GitSandbox, tmp_path: Path
) -> None:
    """`fixers.versions` reaches the fixer; a version that cannot be installed falls back to
    the bundled tool with a note rather than failing the fix."""
    repo = tree_at_head(make_checkout, {"src/app.py": UGLY}, tmp_path)
    settings = Settings.resolve(parse_config({"fixers": {"versions": {"black": "0.0.1"}}}))
    fixes = (Fix("black"),)
    attempt = apply_fixes(
        repo, decision(*fixes), {}, tools=git_sandbox.tool_env(),
        redactor=Redactor(), trusted=True, settings=settings, commit=False,
    )  # fmt: skip
    (applied,) = attempt.applied
    assert any("0.0.1" in note for note in applied.result.notes), applied.result.notes
