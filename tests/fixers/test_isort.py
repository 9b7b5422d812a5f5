"""The isort fixer, with the real isort: `isort` to fix and `isort --check-only` to verify,
`--filter-files` so the repository's skips hold for the files passed, every configuration file
isort reads honoured, and never run when one of them is a symlink (docs/security.md#a10-8)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from autorecover.adapters.gitparse import IndexEntry
from autorecover.adapters.worktree import Worktree
from autorecover.constants import bot_branch_name
from autorecover.core.models import Fix
from autorecover.core.text.redact import Redactor
from autorecover.fixers import REGISTRY, FixContext, FixerError
from autorecover.fixers._toolconfig import ISORT_CONFIGS
from autorecover.fixers._toolenv import ToolEnv, bundled_version
from autorecover.fixers.isort import IsortFixer

if TYPE_CHECKING:
    from testing.gitfixtures import MakeCheckout

FIXER = REGISTRY["isort"]
FIX = Fix("isort")
UNSORTED = "import sys\nimport os\n"
SORTED = "import os\nimport sys\n"
SYMLINK = "120000"


def make_ctx(
    tmp_path: Path,
    files: dict[str, str],
    symlinks: tuple[str, ...] = (),
    tools: ToolEnv | None = None,
    **options: object,
) -> FixContext:
    """A worktree of regular files (and index entries for symlinked ones) under tmp_path/repo."""
    root = tmp_path / "repo"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    root.mkdir(exist_ok=True)
    index = tuple(IndexEntry("100644", "0" * 40, 0, rel) for rel in files) + tuple(
        IndexEntry(SYMLINK, "0" * 40, 0, rel) for rel in symlinks
    )
    tools = tools or ToolEnv(tmp_path / "cache")
    return FixContext(root, tuple(files), index, tools, Redactor(), **options)  # type: ignore[arg-type]


def test_is_the_registered_isort_fixer() -> None:
    assert isinstance(FIXER, IsortFixer) and FIXER.name == "isort" == FIXER.tool_name


@pytest.mark.parametrize("isolated", [False, True], ids=["honoured", "isolated"])
def test_arguments(isolated: bool) -> None:
    """isort has no `--isolated`: the configuration is always honoured, skips included."""
    assert FIXER.fix_args(isolated) == ["--quiet", "--filter-files"]  # type: ignore[attr-defined]
    assert FIXER.check_args(isolated) == ["--check-only", "--filter-files"]  # type: ignore[attr-defined]


# -- fixing and verifying --------------------------------------------------------------------


def test_fixes_only_unsorted_files_then_verifies(tmp_path: Path) -> None:
    files = {
        "src/app.py": UNSORTED,
        "src/ok.py": SORTED,
        "tests/test_app.py": "import pytest\nimport os\n",
        ".github/scripts/helper.py": UNSORTED,
        "README.md": "import sys\nimport os\n",
    }
    ctx = make_ctx(tmp_path, files)
    assert FIXER.applies(FIX, ctx) == (True, "isort on 3 tracked Python files")
    before = FIXER.verify(FIX, ctx)
    assert not before.passed
    assert before.argv == (
        "isort", "--check-only", "--filter-files", "--", "src/app.py", "src/ok.py",
        "tests/test_app.py",
    )  # fmt: skip
    assert "Imports are incorrectly sorted" in before.output and "src/app.py" in before.output
    result = FIXER.apply(FIX, ctx)
    assert (result.tool, result.version) == ("isort", bundled_version("isort"))
    assert result.changed_files == ("src/app.py", "tests/test_app.py")
    assert result.notes == (f"no pin of isort found: ran the bundled {bundled_version('isort')}",)
    assert (ctx.root / "src/app.py").read_text() == SORTED
    assert (ctx.root / "tests/test_app.py").read_text() == "import os\n\nimport pytest\n"
    assert (ctx.root / ".github/scripts/helper.py").read_text() == UNSORTED  # docs/security.md#t20
    assert (ctx.root / "README.md").read_text() == UNSORTED
    after = FIXER.verify(FIX, ctx)
    assert after.passed, after.output
    assert FIXER.apply(FIX, ctx).changed_files == ()  # idempotent


SOURCE = "from os import path, sep\nimport sys\nimport demo\n"


@pytest.mark.parametrize(
    ("config", "text", "expected"),
    [
        (None, "", "import sys\nfrom os import path, sep\n\nimport demo\n"),
        ("pyproject.toml", "[tool.isort]\nforce_single_line = true\nknown_first_party = ['demo']\n",
         "import sys\nfrom os import path\nfrom os import sep\n\nimport demo\n"),
        (".isort.cfg", "[settings]\nforce_single_line = true\nknown_first_party = demo\n",
         "import sys\nfrom os import path\nfrom os import sep\n\nimport demo\n"),
        ("setup.cfg", "[isort]\nforce_single_line = true\nknown_first_party = demo\n",
         "import sys\nfrom os import path\nfrom os import sep\n\nimport demo\n"),
        ("tox.ini", "[isort]\nforce_single_line = true\nknown_first_party = demo\n",
         "import sys\nfrom os import path\nfrom os import sep\n\nimport demo\n"),
        (".editorconfig", "[*.py]\nforce_single_line = true\nknown_first_party = demo\n",
         "import sys\nfrom os import path\nfrom os import sep\n\nimport demo\n"),
        ("pyproject.toml", "[tool.isort]\nprofile = 'google'\n",
         "from os import path\nfrom os import sep\nimport sys\n\nimport demo\n"),
        ("pyproject.toml", "[tool.isort]\nno_sections = true\n",
         "import demo\nimport sys\nfrom os import path, sep\n"),
    ],
    ids=["no-config", "pyproject", "isort-cfg", "setup-cfg", "tox-ini", "editorconfig",
         "profile", "no-sections"],
)  # fmt: skip
def test_the_repository_configuration_is_honoured(
    tmp_path: Path, config: str | None, text: str, expected: str
) -> None:
    files = {"a.py": SOURCE, **({config: text} if config else {})}
    ctx = make_ctx(tmp_path, files)
    result = FIXER.apply(FIX, ctx)
    assert (ctx.root / "a.py").read_text() == expected
    assert result.changed_files == ("a.py",)
    assert FIXER.verify(FIX, ctx).passed


@pytest.mark.parametrize(
    ("config", "skipped"),
    [
        ('[tool.isort]\nextend_skip_glob = ["legacy/*"]\n', "legacy/old.py"),
        ('[tool.isort]\nskip = ["old.py"]\n', "legacy/old.py"),
        ('[tool.isort]\nskip_glob = ["**/generated_*.py"]\n', "src/generated_pb2.py"),
        ('[tool.isort]\nextend_skip = ["vendor"]\n', "vendor/lib.py"),
    ],
    ids=["extend-skip-glob", "skip-by-name", "skip-glob", "extend-skip-directory"],
)
def test_configured_skips_hold_for_files_passed_explicitly(
    tmp_path: Path, config: str, skipped: str
) -> None:
    files = {"pyproject.toml": config, "src/new.py": UNSORTED, skipped: UNSORTED}
    ctx = make_ctx(tmp_path, files)
    result = FIXER.apply(FIX, ctx)
    assert result.changed_files == ("src/new.py",)
    assert (ctx.root / skipped).read_text() == UNSORTED
    verification = FIXER.verify(FIX, ctx)
    assert verification.passed, verification.output
    assert skipped in verification.argv  # passed, and skipped by isort itself


def test_nothing_to_format(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, {"README.md": "x\n", ".github/x.py": UNSORTED})
    assert FIXER.applies(FIX, ctx) == (False, "no tracked regular Python file to format")
    with pytest.raises(FixerError, match="no tracked regular Python file"):
        FIXER.apply(FIX, ctx)
    verification = FIXER.verify(FIX, ctx)
    assert not verification.passed and verification.output == ""


def test_only_isort_fixes_are_handled(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, {"a.py": UNSORTED})
    assert FIXER.applies(Fix("black"), ctx) == (False, "isort does not handle 'black'")
    with pytest.raises(FixerError, match="does not handle"):
        FIXER.apply(Fix("ruff-fix"), ctx)
    assert (ctx.root / "a.py").read_text() == UNSORTED


def test_a_pin_that_cannot_be_installed_is_not_replaced_by_the_bundled_isort(
    tmp_path: Path,
) -> None:
    """Another isort sorts differently from CI's: the fix is refused, naming the version, so
    it becomes an issue instead of a pull request that fails CI's own check."""
    wheels = tmp_path / "no-wheels"
    wheels.mkdir()
    tools = ToolEnv(
        tmp_path / "cache",
        install_options=("--only-binary=:all:", "--no-index", "--find-links", str(wheels)),
    )
    files = {"requirements-dev.txt": "isort==99.0.0\n", "a.py": UNSORTED}
    with pytest.raises(FixerError) as refused:
        FIXER.apply(FIX, make_ctx(tmp_path, files, tools=tools))
    assert "could not install isort==99.0.0" in str(refused.value)
    assert "no wheel hashes for isort 99.0.0" in str(refused.value)
    assert "(pinned in requirements-dev.txt)" in str(refused.value)
    assert (tmp_path / "repo" / "a.py").read_text() == UNSORTED


# -- symlinked configuration: isort is not run at all ----------------------------------------


@pytest.mark.parametrize(
    ("links", "blocked"),
    [
        *[((name,), name) for name in ISORT_CONFIGS],
        (("sub/setup.cfg",), "sub/setup.cfg"),
        (("tox.ini", ".isort.cfg"), ".isort.cfg, tox.ini"),
        (("ruff.toml",), None),
        (("isort.toml",), None),
        (("link.py",), None),
    ],
    ids=[*ISORT_CONFIGS, "nested", "several-sorted", "ruff-config", "not-an-isort-name",
         "python-file"],
)  # fmt: skip
def test_a_symlinked_configuration_blocks_isort(
    tmp_path: Path, links: tuple[str, ...], blocked: str | None
) -> None:
    ctx = make_ctx(tmp_path, {"a.py": UNSORTED}, symlinks=links)
    ok, reason = FIXER.applies(FIX, ctx)
    if blocked is None:
        assert (ok, reason) == (True, "isort on 1 tracked Python file")
        return
    several = ", " in blocked
    message = (
        f"isort not run: configuration files {blocked} are symlinks"
        if several
        else f"isort not run: configuration file {blocked} is a symlink"
    )
    assert (ok, reason) == (False, message)
    with pytest.raises(FixerError) as raised:
        FIXER.apply(FIX, ctx)
    assert str(raised.value) == message
    assert (ctx.root / "a.py").read_text() == UNSORTED


def test_a_symlinked_configuration_in_a_real_checkout(
    make_checkout: MakeCheckout, tmp_path: Path
) -> None:
    """The symlink comes from the failing commit; the fixer reads the index git gives."""
    outside = tmp_path / "outside.cfg"
    outside.write_text("[settings]\nforce_single_line = true\n")
    ck = make_checkout({"app.py": UNSORTED}, symlinks={".isort.cfg": str(outside)})
    repo = ck.sandbox.bot_repo(ck.workspace)
    repo.fetch_commit(ck.head)
    branch = bot_branch_name("linting_error", "feedface" * 8)
    with Worktree.add(repo, tmp_path / "wt", ck.head, branch) as wt:
        ctx = FixContext.for_checkout(
            wt, tools=ck.sandbox.tool_env(), redactor=Redactor([ck.sandbox.token])
        )
        assert set(ctx.files) == {"README.md", "app.py"}  # not the symlink
        assert FIXER.applies(FIX, ctx) == (
            False,
            "isort not run: configuration file .isort.cfg is a symlink",
        )
        with pytest.raises(FixerError, match="symlink"):
            FIXER.apply(FIX, ctx)
        assert (wt.path / "app.py").read_text() == UNSORTED
        assert wt.status() == []
