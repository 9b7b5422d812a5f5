"""black, isort, ruff-format and ruff-fix, run for real on small fixture projects committed to
a real git repository: what they change, how they verify, and the hostile-tree cases of
security.md (T04 argument injection, T05 symlinks, T06 configuration file inclusion, T20)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from autorecover import proc
from autorecover.fixers import REGISTRY, FixContext, FixerError
from autorecover.fixers.logpaths import map_paths, to_repo_path
from autorecover.fixers.toolconfig import ruff_hazards
from autorecover.fixers.toolenv import ToolEnv
from autorecover.gitparse import IndexEntry, bot_branch_name
from autorecover.gitrepo import Worktree
from autorecover.models import Action, Category, Diagnosis, Finding, Fix, Severity
from autorecover.redact import Redactor

if TYPE_CHECKING:
    from gitfixtures import GitSandbox, MakeCheckout

pytest_plugins = ("gitfixtures",)

FINGERPRINT = "feedface" * 8
FORMATTERS = ("black", "isort", "ruff-format", "ruff-fix")
HELPER = ".github/scripts/helper.py"  # badly formatted, and never to be touched (T20)
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
        wt = repo.add_worktree(
            tmp_path / "wt", ck.head, bot_branch_name("linting_error", FINGERPRINT)
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


@pytest.mark.parametrize("name", FORMATTERS)
def test_fixes_then_verifies(name: str, worktree: Setup) -> None:
    wt, ctx = worktree()
    fixer, fix = REGISTRY[name], Fix(name)
    clean, helper = sha256(wt.path / "src/demo/clean.py"), sha256(wt.path / HELPER)
    assert fixer.applies(fix, ctx()) == (True, f"{name} on 4 tracked Python file(s)")
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
    """T04: names that look like options are file names; canaries stay untouched."""
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
    """T05: ruff 0.17.6 rewrites a symlink's target outside the repository (measured)."""
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


def test_ruff_config_file_inclusion_is_isolated(
    worktree: Setup, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """T06: `extend = "/proc/self/environ"` would print the environment (measured). Here the
    token is in this process's environment, as it is in the action's."""
    monkeypatch.setenv("GITHUB_TOKEN", FAKE_TOKEN)
    monkeypatch.setenv("INPUT_GITHUB-TOKEN", FAKE_TOKEN)
    pyproject = '[project]\nname = "demo"\n\n[tool.ruff]\nextend = "/proc/self/environ"\n'
    _, ctx = worktree(
        {"pyproject.toml": pyproject, "src/demo/leak.py": f"import os  # {FAKE_TOKEN}\n"}
    )
    tools = ToolEnv(tmp_path / "tools", redactor=Redactor([FAKE_TOKEN]))  # env from os.environ
    runs: list[tuple[tuple[str, ...], dict[str, str]]] = []
    real = proc.run

    def spy(argv: list[str], **kwargs: Any) -> proc.Completed:
        runs.append((tuple(argv), dict(kwargs["env"])))
        return real(argv, **kwargs)

    monkeypatch.setattr(proc, "run", spy)
    texts: list[str] = []
    for name in ("ruff-format", "ruff-fix"):
        fixer, context = REGISTRY[name], dataclasses.replace(ctx(), tools=tools)
        result = fixer.apply(Fix(name), context)
        assert any("--isolated" in note and "/proc/self/environ" in note for note in result.notes)
        verification = fixer.verify(Fix(name), context)
        assert "--isolated" in verification.argv
        texts += [*result.notes, verification.output, *verification.argv]
    ruff_runs = [argv for argv, _ in runs if argv[0] != "git"]
    assert ruff_runs and all("--isolated" in argv for argv in ruff_runs)
    assert all(FAKE_TOKEN not in "".join(env.values()) for _, env in runs)
    assert all(FAKE_TOKEN not in text for text in texts)


def test_tool_output_is_redacted(worktree: Setup) -> None:
    _, ctx = worktree({"src/demo/leak.py": f"import os  # {FAKE_TOKEN}\n"})
    verification = REGISTRY["ruff-fix"].verify(Fix("ruff-fix"), ctx())
    assert not verification.passed and "leak.py" in verification.output
    assert FAKE_TOKEN not in verification.output


def test_black_honours_configured_excludes(worktree: Setup) -> None:
    pyproject = '[project]\nname = "demo"\n\n[tool.black]\nextend-exclude = "legacy/"\n'
    wt, ctx = worktree({"pyproject.toml": pyproject, "legacy/old.py": "x  =  1\n"})
    result = REGISTRY["black"].apply(Fix("black"), ctx())
    assert "legacy/old.py" not in result.changed_files
    assert any("excludes" in note for note in result.notes)
    assert (wt.path / "legacy/old.py").read_text() == "x  =  1\n"


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


def _ctx(tmp_path: Path, files: dict[str, str], index: tuple[IndexEntry, ...] = ()) -> FixContext:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    entries = index or tuple(IndexEntry("100644", "0" * 40, 0, name) for name in files)
    return FixContext(tmp_path, tuple(files), entries, ToolEnv(tmp_path / ".cache"), Redactor())


@pytest.mark.parametrize(
    ("files", "hazard"),
    [
        ({"pyproject.toml": '[tool.ruff]\nextend = "/proc/self/environ"\n'}, "outside the repository"),
        ({"ruff.toml": 'extend = "../outside/victim.toml"\n'}, "outside the repository"),
        ({"sub/.ruff.toml": 'extend = "../../x.toml"\n'}, "outside the repository"),
        ({"ruff.toml": 'extend = "$HOME/ruff.toml"\n'}, "expands variables"),
        ({"ruff.toml": 'extend = "~/ruff.toml"\n'}, "expands variables"),
        ({"ruff.toml": 'extend = "C:/x.toml"\n'}, "outside the repository"),
        ({"ruff.toml": 'extend = "untracked.toml"\n'}, "not a tracked regular file"),
        ({"ruff.toml": 'extend = "base.toml"\n', "base.toml": 'extend = "/etc/passwd"\n'}, "base.toml"),
        ({"ruff.toml": 'extend = "base.toml"\n', "base.toml": "line-length = 90\n"}, None),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 90\n"}, None),
        ({"pyproject.toml": "[tool.black]\nline-length = 90\n"}, None),
        ({"ruff.toml": 'extend = "ruff.toml"\n'}, None),  # a loop inside the repository
    ],
    ids=[
        "proc", "dotdot", "nested-dotdot", "variable", "tilde", "drive", "untracked", "chain",
        "safe-chain", "plain", "no-ruff", "self-loop",
    ],
)  # fmt: skip
def test_ruff_hazards(tmp_path: Path, files: dict[str, str], hazard: str | None) -> None:
    ctx = _ctx(tmp_path, files)
    reasons = ruff_hazards(ctx.root, set(ctx.files), ctx.index)
    if hazard is None:
        assert reasons == []
    else:
        assert len(reasons) == 1 and hazard in reasons[0]


def test_symlinked_configuration_blocks_black_and_isort_and_isolates_ruff(tmp_path: Path) -> None:
    index = (
        IndexEntry("120000", "0" * 40, 0, "pyproject.toml"),
        IndexEntry("100644", "0" * 40, 0, "x.py"),
    )
    ctx = _ctx(tmp_path, {"x.py": "x = 1\n"}, index)
    for name in ("black", "isort"):
        ok, reason = REGISTRY[name].applies(Fix(name), ctx)
        assert not ok and "pyproject.toml" in reason and "symlink" in reason
    assert ruff_hazards(ctx.root, set(ctx.files), ctx.index) == ["pyproject.toml is a symlink"]


def test_applies_needs_python_files_and_the_right_fixer(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, {"README.md": "x\n", ".github/scripts/x.py": "x = 1\n"})
    assert REGISTRY["black"].applies(Fix("black"), ctx) == (
        False,
        "no tracked regular Python file to format",
    )
    assert not REGISTRY["black"].applies(Fix("isort"), ctx)[0]


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
