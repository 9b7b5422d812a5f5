"""black, isort, ruff-format and ruff-fix, run for real on small fixture projects committed to a real
git repository: what they change, how they verify, and the hostile-tree cases of docs/security.md
(#t04 argument injection, #t05 symlinks, #t06 configuration file inclusion, #t20)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from autorecover.adapters import proc
from autorecover.adapters.gitparse import IndexEntry
from autorecover.core.models import Action, Category, Diagnosis, Finding, Fix, Severity
from autorecover.core.text.redact import Redactor
from autorecover.fixers import REGISTRY, FixContext, FixerError
from autorecover.fixers._toolenv import ToolEnv
from testing.formatters import FINGERPRINT, HELPER, Setup
from testing.wheels import local_index, lock_of

if TYPE_CHECKING:
    pass


FORMATTERS = ("black", "isort", "ruff-format", "ruff-fix")
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


@pytest.mark.parametrize("name", FORMATTERS)
def test_fixes_then_verifies(name: str, worktree: Setup) -> None:
    wt, ctx = worktree()
    fixer, fix = REGISTRY[name], Fix(name)
    clean, helper = sha256(wt.path / "src/demo/clean.py"), sha256(wt.path / HELPER)
    assert fixer.applies(fix, ctx()) == (True, f"{name} on 4 tracked Python files")
    before = fixer.verify(fix, ctx())
    assert not before.passed and before.argv[0] in ("black", "isort", "ruff")
    result = fixer.apply(fix, ctx())
    assert set(result.changed_files) == EXPECTED[name]
    assert result.version and result.tool in name
    after = fixer.verify(fix, ctx())
    assert after.passed, after.output
    assert "--" in after.argv and HELPER not in after.argv
    assert sha256(wt.path / "src/demo/clean.py") == clean and sha256(wt.path / HELPER) == helper
    assert {e.path for e in wt.status()} == EXPECTED[name]
    assert wt.commit(result.changed_files, f"Fix with {name}", FINGERPRINT)


def test_log_paths_narrow_the_fix(worktree: Setup, argvs: list[tuple[str, ...]]) -> None:
    _, ctx = worktree({"untracked_later.py": "x = 1\n"})
    diag = diagnosis(
        f"{RUNNER}/src/demo/core.py", "/etc/passwd", "../outside.py", f"{RUNNER}/{HELPER}",
        "src/nope.py", "/home/runner/work/other/other/src/demo/core.py",
    )  # fmt: skip
    result = REGISTRY["black"].apply(Fix("black"), ctx(diag))
    assert result.changed_files == ("src/demo/core.py",)
    tool_runs = [argv for argv in argvs if "black" in argv]
    assert tool_runs and all(
        argv[argv.index("--") + 1 :] == ("src/demo/core.py",) for argv in tool_runs
    )
    assert REGISTRY["black"].verify(Fix("black"), ctx(diag)).passed


def test_unmatched_log_paths_fall_back_to_every_file(worktree: Setup) -> None:
    _, ctx = worktree()
    result = REGISTRY["isort"].apply(Fix("isort"), ctx(diagnosis("/etc/passwd")))
    assert result.changed_files == ("src/demo/core.py",)
    assert "none a tracked regular Python file" in result.notes[0]


def test_hostile_file_names_reach_tools_after_double_dash(
    worktree: Setup, argvs: list[tuple[str, ...]]
) -> None:
    """docs/security.md#t04: names that look like options are file names; canaries stay untouched."""
    hostile = {
        "--config=evil.toml": "[tool.black]\nline-length = 20\n",
        "-rf": "canary\n",
        "a\nb.py": "def f( a ):\n    return a\n",
        "--check.py": "y  =  2\n",
        "-q.py": "z  =  3\n",
    }
    wt, ctx = worktree(hostile)
    canaries = {name: sha256(wt.path / name) for name in ("--config=evil.toml", "-rf")}
    for name in FORMATTERS:
        fixer = REGISTRY[name]
        result = fixer.apply(Fix(name), ctx())
        assert fixer.verify(Fix(name), ctx()).passed
        if result.changed_files:
            wt.commit(result.changed_files, f"Fix with {name}", FINGERPRINT)
    assert (wt.path / "a\nb.py").read_text() == "def f(a):\n    return a\n"
    assert (wt.path / "--check.py").read_text() == "y = 2\n"
    assert (wt.path / "-q.py").read_text() == "z = 3\n"
    # black used the repository's line length (100), not the canary config's 20.
    assert "def total(values: List[int]) -> int:" in (wt.path / "src/demo/core.py").read_text()
    assert canaries == {name: sha256(wt.path / name) for name in canaries}
    for argv in (a for a in argvs if a[0] != "git"):
        files = argv[argv.index("--") + 1 :]
        for name in ("a\nb.py", "--check.py", "-q.py"):
            assert name not in argv[: argv.index("--")]
        assert "-rf" not in files and "--config=evil.toml" not in files


def test_symlinks_are_never_followed(worktree: Setup, tmp_path: Path) -> None:
    """docs/security.md#t05: ruff 0.17.6 rewrites a symlink's target outside the repository (measured)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.py"
    victim.write_text("import sys\nimport os\nx  =  [1,2 ,3]\n")
    (outside / "pkg.py").write_text("y  =  1\n")
    wt, ctx = worktree(symlinks={"link.py": str(victim), "linkdir": str(outside)})
    digest = sha256(victim)
    for name in FORMATTERS:
        fixer = REGISTRY[name]
        result = fixer.apply(Fix(name), ctx())
        assert "link.py" not in result.changed_files
        fixer.verify(Fix(name), ctx())
        wt.discard_changes()
    assert sha256(victim) == digest and (outside / "pkg.py").read_text() == "y  =  1\n"
    assert "link.py" not in ctx().files


def test_tool_output_is_redacted(worktree: Setup) -> None:
    _, ctx = worktree({"src/demo/leak.py": f"import os  # {FAKE_TOKEN}\n"})
    verification = REGISTRY["ruff-fix"].verify(Fix("ruff-fix"), ctx())
    assert not verification.passed and "leak.py" in verification.output
    assert FAKE_TOKEN not in verification.output


def test_a_tool_failure_is_a_fixer_error(worktree: Setup) -> None:
    wt, ctx = worktree({"src/demo/broken.py": "def (:\n"})
    with pytest.raises(FixerError, match="ruff .* failed"):
        REGISTRY["ruff-format"].apply(Fix("ruff-format"), ctx())
    wt.discard_changes()  # ruff formatted the other files before it failed: the caller resets
    result = REGISTRY["black"].apply(Fix("black"), ctx())  # black formats the rest (exit 123)
    assert "src/demo/core.py" in result.changed_files
    assert any("exit 123" in note for note in result.notes)
    assert not REGISTRY["black"].verify(Fix("black"), ctx()).passed


# -- pure parts: no git, no tools ------------------------------------------------------------


def test_applies_needs_python_files_and_the_right_fixer(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, {"README.md": "x\n", ".github/scripts/x.py": "x = 1\n"})
    assert REGISTRY["black"].applies(Fix("black"), ctx) == (
        False,
        "no tracked regular Python file to format",
    )
    assert not REGISTRY["black"].applies(Fix("isort"), ctx)[0]


def test_a_version_range_runs_its_newest_matching_release(tmp_path: Path) -> None:
    """`black~=24.1.0` is what pip gives CI: the newest 24.1.x, found on a local index."""
    index = local_index(tmp_path / "index", {"black": ["24.1.0", "24.1.1", "24.2.0"]})
    ctx = _ctx(tmp_path / "repo", {"requirements-dev.txt": "black~=24.1.0\n", "a.py": "x = 1\n"})
    hashes = lock_of(tmp_path / "index")
    ctx = replace(ctx, tools=ToolEnv(tmp_path / "cache", install_options=index, lock=hashes))
    tool, notes = REGISTRY["black"].tool(ctx)  # type: ignore[attr-defined]
    assert tool.version == "24.1.1"
    assert "requirements-dev.txt asks for black~=24.1.0: ran its newest release, 24.1.1" in notes
    empty = replace(
        ctx, tools=ToolEnv(tmp_path / "c2", install_options=local_index(tmp_path / "e", {}))
    )
    tool, notes = REGISTRY["black"].tool(empty)  # type: ignore[attr-defined]
    assert tool.source == "bundled" and any("could not resolve black~=24.1.0" in n for n in notes)


def test_the_fixer_touches_only_what_the_failing_command_checked(tmp_path: Path) -> None:
    """`ruff check src` failed without naming files: scripts/ is not CI's, so it stays as it is
    (issue 10: an unrelated `# noqa` was removed when every file was fixed)."""
    files = {"src/a.py": "import os\n", "scripts/b.py": "import os  # noqa: F401\n"}
    ctx = _ctx(tmp_path, files)
    step = "Run ruff check src"
    diagnosis = Diagnosis(
        "log", Category.LINTING_ERROR, Severity.LOW, 0.9, "ruff", "", "", "ruff", step, (), (),
        False, Action.FIX_PR, (Fix("ruff-fix"),), "f" * 16, "",
    )  # fmt: skip
    ctx = replace(ctx, diagnosis=diagnosis)
    paths, notes = REGISTRY["ruff-fix"].targets(ctx)  # type: ignore[attr-defined]
    assert paths == ["src/a.py"] and notes == ["ran on src, what the failing command checked"]
