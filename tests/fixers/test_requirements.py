"""add-requirement: only for a module tracked code imports (never on a log's word:
docs/security.md#t18, docs/security.md#tm06), never for the project's own package or a declared one,
written where the project declares dependencies, with comments and formatting kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from autorecover.adapters.gitparse import IndexEntry
from autorecover.adapters.worktree import Worktree
from autorecover.constants import bot_branch_name
from autorecover.core.models import Fix
from autorecover.core.text.redact import Redactor
from autorecover.fixers import REGISTRY, FixContext, FixerError
from autorecover.fixers._toolenv import ToolEnv
from testing.wheels import local_index

if TYPE_CHECKING:
    from testing.gitfixtures import GitSandbox, MakeCheckout


FIXER = REGISTRY["add-requirement"]
# The package index the tests resolve pins from: built in the test, never PyPI.
INDEX = {"PyYAML": ["6.0.1", "6.0.2"], "responses": ["0.25.3"]}


def fix(module: str, distribution: str) -> Fix:
    return Fix("add-requirement", (("module", module), ("distribution", distribution)))


YAML = fix("yaml", "PyYAML")
RESPONSES = fix("responses", "responses")


MakeProject = Callable[..., FixContext]


@pytest.fixture
def project(tmp_path: Path, git_sandbox: GitSandbox) -> MakeProject:
    """`project(name, extra_files=None, **context)` -> FixContext over a copy of the fixture."""

    def make(
        name: str | None, extra: dict[str, str] | None = None, **options: object
    ) -> FixContext:
        files = {**(git_sandbox.load_project(name) if name else {}), **(extra or {})}
        root = tmp_path / "repo"
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        index = tuple(IndexEntry("100644", "0" * 40, 0, rel) for rel in files)
        options.setdefault("trusted", True)
        tools = ToolEnv(tmp_path / "cache", install_options=local_index(tmp_path / "index", INDEX))
        return FixContext(root, tuple(files), index, tools, Redactor(), **options)  # type: ignore[arg-type]

    return make


def edit(ctx: FixContext, f: Fix) -> tuple[str, str]:
    """Apply and verify `f`; (the edited file, its new text)."""
    assert FIXER.applies(f, ctx)[0], FIXER.applies(f, ctx)[1]
    assert not FIXER.verify(f, ctx).passed
    result = FIXER.apply(f, ctx)
    verification = FIXER.verify(f, ctx)
    assert verification.passed, verification.output
    assert "declared, not installed" in verification.output
    assert result.tool == "autorecover" and result.version and len(result.changed_files) == 1
    path = result.changed_files[0]
    return path, (ctx.root / path).read_text()


# -- refusals (docs/security.md#t18) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "options", "reason"),
    [
        (fix("evil_pkg", "evil-pkg"), {}, "no tracked Python file imports evil_pkg"),
        (fix("attr", "attrs"), {}, "no tracked Python file imports attr"),  # TYPE_CHECKING only
        (fix("requests", "requests"), {}, "already declared in pyproject.toml [project] dependencies"),
        (fix("Click", "click"), {}, "already declared"),
        (fix("shop", "shop"), {}, "project's own module"),
        (fix("shop.prices", "shop"), {}, "project's own module"),
        (fix("json", "json"), {}, "standard library"),
        (YAML, {"trusted": False}, "only edited for runs from this repository"),
        (fix("yaml", "evil @ https://example.invalid/x.whl"), {}, "not a bare distribution name"),
        (fix("yaml", "PyYAML>=6"), {}, "not a bare distribution name"),
        (fix("yaml", ""), {}, "not a bare distribution name"),
        (fix("yaml;rm", "PyYAML"), {}, "not a module name"),
        (Fix("black"), {}, "does not handle 'black'"),
    ],
    ids=[
        "unimported", "type-checking-only", "declared", "declared-other-case", "own-package",
        "own-module", "stdlib", "fork", "url", "specifier", "no-distribution", "bad-module",
        "other-fixer",
    ],
)  # fmt: skip
def test_refusals_leave_every_file_alone(
    project: MakeProject, f: Fix, options: dict[str, object], reason: str
) -> None:
    ctx = project("req-pep621", **options)
    before = {p: (ctx.root / p).read_text() for p in ctx.files}
    ok, why = FIXER.applies(f, ctx)
    assert not ok and reason in why
    with pytest.raises(FixerError, match="."):
        FIXER.apply(f, ctx)
    assert before == {p: (ctx.root / p).read_text() for p in ctx.files}
    assert not (ctx.root / "requirements.txt").exists()


# -- where the requirement goes --------------------------------------------------------------


def test_pep621_runtime_import_keeps_comments(project: MakeProject) -> None:
    ctx = project("req-pep621")
    original = (ctx.root / "pyproject.toml").read_text()
    path, text = edit(ctx, YAML)
    assert path == "pyproject.toml"
    assert text == original.replace('    "click",\n', '    "click",\n    "PyYAML",\n')


def test_pep621_test_only_import_goes_to_the_test_extra(project: MakeProject) -> None:
    ctx = project("req-pep621")
    original = (ctx.root / "pyproject.toml").read_text()
    _, text = edit(ctx, RESPONSES)
    assert text == original.replace('test = ["pytest>=8"]', 'test = ["pytest>=8", "responses"]')
    assert "# What CI installs with `pip install -e .[test]`." in text


def test_dependency_groups_take_test_only_imports(project: MakeProject) -> None:
    pyproject = (
        '[project]\nname = "shop"\n\n[dependency-groups]\ndev = [\n  "pytest",  # tests\n]\n'
    )
    ctx = project(None, {"pyproject.toml": pyproject, "tests/test_x.py": "import responses\n"})
    _, text = edit(ctx, RESPONSES)
    assert text.endswith('dev = [\n  "pytest",  # tests\n  "responses",\n]\n')


def test_test_only_import_without_a_test_group_is_left_to_a_human(project: MakeProject) -> None:
    pyproject = '[project]\nname = "shop"\ndependencies = []\n'
    ctx = project(None, {"pyproject.toml": pyproject, "tests/test_x.py": "import responses\n"})
    ok, why = FIXER.applies(RESPONSES, ctx)
    assert not ok and "no test or dev dependency group" in why


def test_dynamic_dependencies_are_not_edited(project: MakeProject) -> None:
    pyproject = '[project]\nname = "shop"\ndynamic = ["dependencies"]\n'
    ctx = project(None, {"pyproject.toml": pyproject, "shop.py": "import yaml\n"})
    assert "dynamic" in FIXER.applies(YAML, ctx)[1]


def test_poetry_tables(project: MakeProject) -> None:
    ctx = project("req-poetry")
    original = (ctx.root / "pyproject.toml").read_text()
    _, text = edit(ctx, YAML)
    assert text == original.replace('requests = "^2.31"\n', 'requests = "^2.31"\nPyYAML = "*"\n')
    _, text = edit(ctx, RESPONSES)
    assert 'pytest = "^8.0"\nresponses = "*"\n' in text
    assert 'python = "^3.11"  # the interpreter, not a package' in text


def test_setup_cfg(project: MakeProject) -> None:
    ctx = project("req-setupcfg")
    _, text = edit(ctx, YAML)
    assert "install_requires =\n    requests>=2.31\n    click\n    PyYAML\n" in text
    _, text = edit(ctx, RESPONSES)
    assert "test =\n    pytest\n    responses\n" in text
    assert "# Dependencies are listed one per line." in text and "[flake8]" in text


def test_requirements_files(project: MakeProject) -> None:
    ctx = project("req-txt")
    path, text = edit(ctx, YAML)
    assert (path, text) == (
        "requirements.txt",
        "# Runtime dependencies\nrequests==2.32.3\nPyYAML==6.0.2\n",
    )
    path, text = edit(ctx, RESPONSES)
    assert path == "requirements-dev.txt" and text.endswith("black==24.1.0\nresponses==0.25.3\n")


def test_the_file_the_install_step_named_wins_for_tests(project: MakeProject) -> None:
    ctx = project(
        "req-pep621", {"requirements-ci.txt": "pytest\n"}, requirements_file="requirements-ci.txt"
    )
    path, text = edit(ctx, RESPONSES)
    assert (path, text) == ("requirements-ci.txt", "pytest\nresponses\n")


def test_library_code_gets_a_runtime_dependency_whatever_the_step_installs(
    project: MakeProject,
) -> None:
    ctx = project(
        "req-pep621", {"requirements-ci.txt": "pytest\n"}, requirements_file="requirements-ci.txt"
    )
    result = FIXER.apply(YAML, ctx)
    assert result.changed_files == ("pyproject.toml",)
    assert any("not added to requirements-ci.txt" in note for note in result.notes)


@pytest.mark.parametrize(
    "named",
    ["../requirements.txt", ".github/requirements.txt", "missing.txt", "/etc/passwd", "setup.py"],
)
def test_an_unsafe_or_untracked_named_file_is_ignored(project: MakeProject, named: str) -> None:
    extra = {".github/requirements.txt": "x\n", "setup.py": "import setuptools\n"}
    ctx = project("req-pep621", extra, requirements_file=named)
    result = FIXER.apply(YAML, ctx)
    assert result.changed_files == ("pyproject.toml",)
    assert any(note.startswith("ignored: the install step named") for note in result.notes)


def test_no_declaration_anywhere_creates_requirements_txt(project: MakeProject) -> None:
    ctx = project(None, {"app.py": "import yaml\n"})
    result = FIXER.apply(YAML, ctx)
    assert result.changed_files == ("requirements.txt",)
    assert (ctx.root / "requirements.txt").read_text() == "PyYAML\n"
    assert any("created requirements.txt" in note for note in result.notes)
    assert any("without a version constraint" in note for note in result.notes)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("requests==2.32.3 \\\n    --hash=sha256:abc\n", "pins hashes"),
        (
            "#\n# This file is autogenerated by pip-compile with Python 3.11\n#\nrequests==2\n",
            "generated",
        ),
    ],
)
def test_locked_requirements_files_are_refused(project: MakeProject, text: str, why: str) -> None:
    ctx = project(None, {"requirements.txt": text, "app.py": "import yaml\n"})
    with pytest.raises(FixerError, match=why):
        FIXER.apply(YAML, ctx)
    assert (ctx.root / "requirements.txt").read_text() == text


def test_a_symlinked_directory_is_never_written_through(
    project: MakeProject, tmp_path: Path
) -> None:
    ctx = project(None, {"app.py": "import yaml\n"}, requirements_file="reqs/requirements.txt")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "requirements.txt").write_text("x\n")
    (ctx.root / "reqs").symlink_to(outside)
    ctx = FixContext(
        ctx.root, (*ctx.files, "reqs/requirements.txt"), ctx.index, ctx.tools, ctx.redactor,
        trusted=True, requirements_file="reqs/requirements.txt",
    )  # fmt: skip
    with pytest.raises(FixerError, match="symlink"):
        FIXER.apply(YAML, ctx)
    assert (outside / "requirements.txt").read_text() == "x\n"


# -- through git: the edit is committed like any fix -----------------------------------------


def test_edit_is_committed_in_the_worktree(make_checkout: MakeCheckout, tmp_path: Path) -> None:
    ck = make_checkout({"app/__init__.py": "import yaml\n", "README.md": "# app\n"})
    repo = ck.sandbox.bot_repo(ck.workspace)
    repo.fetch_commit(ck.head)
    fingerprint = "abcdef01" * 8
    with Worktree.add(
        repo, tmp_path / "wt", ck.head, bot_branch_name("dependency_issue", fingerprint)
    ) as wt:
        ctx = FixContext.for_checkout(
            wt, tools=ck.sandbox.tool_env(), redactor=Redactor([ck.sandbox.token]), trusted=True
        )
        result = FIXER.apply(YAML, ctx)
        assert FIXER.verify(YAML, ctx).passed
        assert wt.commit(result.changed_files, "Add PyYAML to requirements.txt", fingerprint)
        assert wt.changed_files(ck.head) == ["requirements.txt"]
        assert wt.push(expected_old=None).ok
