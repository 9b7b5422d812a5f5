"""black, isort, ruff-format and ruff-fix, run for real on small fixture projects committed to a real
git repository: what they change, how they verify, and the hostile-tree cases of docs/security.md
(#t04 argument injection, #t05 symlinks, #t06 configuration file inclusion, #t20)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from autorecover.adapters import proc
from autorecover.adapters.gitparse import IndexEntry
from autorecover.adapters.worktree import Worktree
from autorecover.constants import bot_branch_name
from autorecover.core.models import Action, Category, Diagnosis, Finding, Fix, Severity
from autorecover.core.text.redact import Redactor
from autorecover.fixers import FixContext
from autorecover.fixers._logpaths import map_paths, to_repo_path
from autorecover.fixers._toolenv import ToolEnv

if TYPE_CHECKING:
    from testing.gitfixtures import GitSandbox, MakeCheckout


FINGERPRINT = "feedface" * 8
FORMATTERS = ("black", "isort", "ruff-format", "ruff-fix")
HELPER = (
    ".github/scripts/helper.py"  # badly formatted, and never to be touched (docs/security.md#t20)
)
RUNNER = "/home/runner/work/octo-repo/octo-repo"
FAKE_TOKEN = "gh" + "s_" + "Fak3T0kenForAutorecoverTests0123456789"  # gitfixtures.FAKE_TOKEN


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def diagnosis(*paths: str) -> Diagnosis:
    findings = tuple(
        Finding(
            "black-would-reformat",
            Category.LINTING_ERROR,
            Severity.LOW,
            n,
            f"x {p}",
            (("path", p),),
        )
        for n, p in enumerate(paths, 1)
    )
    return Diagnosis(
        source="job", category=Category.LINTING_ERROR, severity=Severity.LOW, confidence=0.9,
        title="t", explanation="", remediation="", rule="black-would-reformat", failing_step=None,
        evidence=(), findings=findings, transient=False, action=Action.FIX_PR,
        fixes=(Fix("black"),), fingerprint=FINGERPRINT, reason="",
    )  # fmt: skip


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


@pytest.fixture
def argvs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The argv of every command run (tools and git)."""
    seen: list[tuple[str, ...]] = []
    real = proc.run

    def spy(argv: list[str], **kwargs: object) -> proc.Completed:
        seen.append(tuple(argv))
        return real(argv, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(proc, "run", spy)
    return seen


EXPECTED = {
    "black": {"src/demo/core.py", "tests/test_core.py"},
    "isort": {"src/demo/core.py"},
    "ruff-format": {"src/demo/core.py", "tests/test_core.py"},
    "ruff-fix": {"src/demo/core.py"},
}


def _ctx(tmp_path: Path, files: dict[str, str], index: tuple[IndexEntry, ...] = ()) -> FixContext:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    entries = index or tuple(IndexEntry("100644", "0" * 40, 0, name) for name in files)
    return FixContext(tmp_path, tuple(files), entries, ToolEnv(tmp_path / ".cache"), Redactor())


TRACKED = {"src/x.py", "a b.py", "dir\\name.py", "tests/test_x.py"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (f"{RUNNER}/src/x.py", "src/x.py"),
        ("/Users/runner/work/r/r/src/x.py", "src/x.py"),
        ("/__w/r/r/src/x.py", "src/x.py"),
        ("D:\\a\\r\\r\\src\\x.py", "src/x.py"),
        ("/opt/actions-runner/_work/r/r/src/x.py", "src/x.py"),
        ("/github/workspace/src/x.py", "src/x.py"),
        ("src/x.py", "src/x.py"),
        ("./src/x.py", "src/x.py"),
        ("src/x.py:12:5:", "src/x.py"),
        ("'a b.py'", "a b.py"),
        ("dir\\name.py", "dir\\name.py"),
        ("/etc/passwd", None),
        ("/tmp/src/x.py", None),
        ("../src/x.py", None),
        (f"{RUNNER}/../../../../etc/passwd", None),
        ("src/untracked.py", None),
    ],
)
def test_log_paths_to_repository_paths(raw: str, expected: str | None) -> None:
    assert to_repo_path(raw, TRACKED) == expected


def test_map_paths_deduplicates() -> None:
    assert map_paths([f"{RUNNER}/src/x.py", "src/x.py", "nope.py"], TRACKED) == ["src/x.py"]
