"""Where a requirement goes, decided from the importing file (issue 10): unit cases, then the
configurations of real repositories (tests/data/projects/real/README.md names each source,
commit and licence). The ground truth of each real case is where that repository's own CI
installs from, cited in the case's `why`; the fixer runs for real on a copy (edits, pins from a
package index built in the test, verification)."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path

import pytest

from autorecover.adapters.gitparse import IndexEntry
from autorecover.core.models import Fix
from autorecover.core.text.redact import Redactor
from autorecover.fixers import REGISTRY, FixContext
from autorecover.fixers._placement import (
    Owner,
    Role,
    lock_for,
    oldest_python,
    owner_of,
    place,
    role_of,
)
from autorecover.fixers._reqfiles import Kind, Target
from autorecover.fixers._toolenv import ToolEnv
from testing.gitfixtures import load_project
from testing.wheels import local_index

FIXER = REGISTRY["add-requirement"]
# The index pins are resolved from: built in the test, never PyPI.
INDEX = {"PyYAML": ["6.0.1", "6.0.2"], "respx": ["0.21.1", "0.22.0"], "responses": ["0.25.3"]}


def write(root: Path, files: dict[str, str]) -> FixContext:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    index = tuple(IndexEntry("100644", "0" * 40, 0, rel) for rel in files)
    tools = ToolEnv(root.parent / "cache", install_options=local_index(root.parent / "idx", INDEX))
    return FixContext(root, tuple(files), index, tools, Redactor(), trusted=True)


# -- units -------------------------------------------------------------------------------------

TREE = {
    "pyproject.toml": "[tool.black]\nline-length = 100\n",  # tool settings only: no distribution
    "requirements.txt": "requests\n",
    "libs/a/pyproject.toml": '[project]\nname = "a"\ndependencies = []\n',
    "libs/a/src/a/__init__.py": "",
    "libs/a/tests/test_a.py": "",
    "libs/b/setup.cfg": "[metadata]\nname = b\n[options]\ninstall_requires =\n    x\n",
    "libs/b/b/__init__.py": "",
    "libs/b/tools/gen.py": "",
    "app.py": "",
}


@pytest.mark.parametrize(
    ("path", "owner", "role"),
    [
        ("libs/a/src/a/__init__.py", "libs/a", Role.LIBRARY),
        ("libs/a/tests/test_a.py", "libs/a", Role.TESTS),
        ("libs/b/b/__init__.py", "libs/b", Role.LIBRARY),
        ("libs/b/tools/gen.py", "libs/b", Role.SCRIPT),
        ("app.py", None, Role.LIBRARY),
    ],
    ids=["src-layout", "tests", "flat-package", "script", "no-distribution"],
)
def test_owner_and_role(tmp_path: Path, path: str, owner: str | None, role: Role) -> None:
    ctx = write(tmp_path / "repo", TREE)
    found = owner_of(ctx.root, path, set(ctx.files))
    assert (found.directory if found else None) == owner
    assert role_of(path, found, set(ctx.files)) is role


def test_lock_covers_a_manifest_in_its_directory_or_a_workspace_below() -> None:
    target = Target("libs/a/pyproject.toml", Kind.PYPROJECT, ("project", "dependencies"))
    assert lock_for(target, {"uv.lock"}) == "uv.lock"
    assert lock_for(target, {"poetry.lock"}) == ""  # Poetry locks only its own directory
    assert lock_for(target, {"libs/a/poetry.lock"}) == "libs/a/poetry.lock"
    assert lock_for(Target("requirements.txt", Kind.REQUIREMENTS), {"uv.lock"}) == ""


def test_several_distributions_each_get_the_requirement(tmp_path: Path) -> None:
    ctx = write(tmp_path / "repo", TREE)
    found = place(ctx.root, ctx.files, ["libs/a/src/a/__init__.py", "libs/b/b/__init__.py"], None)
    assert not isinstance(found, str)
    assert [t.path for t in found.targets] == ["libs/a/pyproject.toml", "libs/b/setup.cfg"]


def test_scripts_without_an_installed_file_are_not_guessed(tmp_path: Path) -> None:
    ctx = write(tmp_path / "repo", TREE)
    assert "named no requirements file" in str(
        place(ctx.root, ctx.files, ["libs/b/tools/gen.py"], None)
    )
    named = Target("requirements.txt", Kind.REQUIREMENTS)
    found = place(ctx.root, ctx.files, ["libs/b/tools/gen.py"], named)
    assert not isinstance(found, str) and found.targets == (named,)


def test_a_distribution_without_a_manifest_uses_the_root_requirements(tmp_path: Path) -> None:
    ctx = write(tmp_path / "repo", TREE)
    found = place(ctx.root, ctx.files, ["app.py"], None)
    assert not isinstance(found, str) and [t.path for t in found.targets] == ["requirements.txt"]
    assert Owner("", ()).describe() == "the repository root"


@pytest.mark.parametrize(
    ("requires", "oldest"),
    [('">=3.9"', "3.9"), ('">=3.8.1, <4"', "3.8"), ('"~=3.10"', "3.10"), ('">3.7"', None),
     ('"not a specifier"', None), (None, None)],
)  # fmt: skip
def test_oldest_python_is_read_from_the_owning_distribution(
    tmp_path: Path, requires: str | None, oldest: str | None
) -> None:
    line = f"requires-python = {requires}\n" if requires else ""
    manifest = f'[project]\nname = "a"\n{line}'
    ctx = write(tmp_path / "repo", {"libs/a/pyproject.toml": manifest, "libs/a/a/x.py": ""})
    assert oldest_python(ctx.root, "libs/a/a/x.py", ctx.files) == oldest
    assert oldest_python(ctx.root, "elsewhere.py", ctx.files) is None


# -- real repositories -------------------------------------------------------------------------

# (repository, importing file, module, distribution, file the failing step installed,
#  {edited file: (the line before the new one, the new line)}, what the held issue says, why)
REAL = [
    pytest.param(
        "pypa+sampleproject", "src/sample/config.py", "yaml", "PyYAML", None,
        {"pyproject.toml": ('dependencies = ["peppercorn", "PyYAML"]', None)}, "",
        "src layout; runtime deps are [project] dependencies", id="sampleproject-src-library",
    ),
    pytest.param(
        "pypa+sampleproject", "tests/test_config.py", "responses", "responses", None,
        {"pyproject.toml": ('test = ["coverage", "responses"]', None)}, "",
        "noxfile/CI install .[test]", id="sampleproject-tests-extra",
    ),
    pytest.param(
        "PyCQA+flake8", "src/flake8/plugins/yamlcfg.py", "yaml", "PyYAML", None,
        {"setup.cfg": ("    pyflakes>=3.4.0,<3.5.0", "    PyYAML")}, "",
        "setup.cfg install_requires is flake8's runtime dependency list", id="flake8-setupcfg",
    ),
    pytest.param(
        "encode+httpx", "tests/test_mocking.py", "respx", "respx", "requirements.txt",
        {"requirements.txt": ("pytest==8.4.1", "respx==0.22.0")}, "",
        "scripts/install: pip install -r requirements.txt; pinned, sorted '# Tests & Linting'",
        id="httpx-tests-pinned-sorted",
    ),
    pytest.param(
        "encode+httpx", "httpx/_config_yaml.py", "yaml", "PyYAML", "requirements.txt",
        {"pyproject.toml": ('    "idna",', '    "PyYAML",')}, "",
        "library code: [project] dependencies, not the dev requirements CI installs",
        id="httpx-library-not-requirements",
    ),
    pytest.param(
        "encode+starlette", "tests/test_yaml.py", "respx", "respx", "requirements.txt",
        {"requirements.txt": ("trio==0.30.0", "respx==0.22.0")}, "",
        "scripts/install: pip install -r requirements.txt; its '# Testing' section is unsorted",
        id="starlette-tests-section",
    ),
    pytest.param(
        "pallets+click", "src/click/_yaml.py", "yaml", "PyYAML", None,
        {"pyproject.toml": ('requires-python = ">=3.10"', 'dependencies = ["PyYAML"]')},
        "`uv lock` for uv.lock", "CI runs `uv run --locked`: the lock must change too",
        id="click-uv-lock-held",
    ),
    pytest.param(
        "pallets+click", "tests/test_yaml.py", "responses", "responses", None,
        {"pyproject.toml": ('    "pytest",', '    "responses",')}, "`uv lock` for uv.lock",
        "tox runs the `tests` dependency group; uv.lock locks it", id="click-tests-group-held",
    ),
    pytest.param(
        "Textualize+rich", "rich/_yaml.py", "yaml", "PyYAML", None,
        {"pyproject.toml": ('markdown-it-py = ">=2.2.0"', 'PyYAML = "*"')}, "poetry lock",
        "Poetry project: [tool.poetry.dependencies], poetry.lock must follow",
        id="rich-poetry-held",
    ),
    pytest.param(
        "open-telemetry+opentelemetry-python", "opentelemetry-sdk/src/opentelemetry/sdk/_yaml.py",
        "yaml", "PyYAML", None,
        {"opentelemetry-sdk/pyproject.toml": ('  "typing-extensions >= 4.5.0",', '  "PyYAML",')},
        "`uv lock` for uv.lock with uv >=0.6.0 as pyproject.toml requires",
        "workspace member opentelemetry-sdk; the root uv.lock locks it",
        id="otel-member-library-held",
    ),
    pytest.param(
        "open-telemetry+opentelemetry-python", "opentelemetry-sdk/tests/test_yaml.py",
        "responses", "responses", None,
        {"opentelemetry-sdk/test-requirements.txt": ("pytest==9.0.3", "responses==0.25.3")}, "",
        "tox installs -r opentelemetry-sdk/test-requirements.txt (pinned, sorted)",
        id="otel-member-tests-pinned",
    ),
    pytest.param(
        "instructlab+instructlab", "src/instructlab/_respx.py", "respx", "respx", "requirements-dev.txt",
        {"requirements.txt": ("sentence-transformers>=3.0.0", "respx")}, "",
        "[tool.setuptools.dynamic] dependencies = {file = requirements.txt}",
        id="instructlab-dynamic-dependencies",
    ),
    pytest.param(
        "psf+requests", "tests/test_yaml.py", "yaml", "PyYAML", "requirements-dev.txt",
        {"requirements-dev.txt": ("wheel", "PyYAML")}, "",
        "Makefile init: pip install -r requirements-dev.txt (unsorted, unpinned)",
        id="requests-tests-dev-file",
    ),
]  # fmt: skip


def added(old: str, new: str) -> tuple[str | None, str]:
    """(the line before the one added, the added line) of a one-line insertion."""
    lines = list(difflib.ndiff(old.splitlines(), new.splitlines()))
    (index,) = [i for i, line in enumerate(lines) if line.startswith("+ ")]
    before = next((ln[2:] for ln in reversed(lines[:index]) if ln[:2] in ("  ", "- ")), None)
    return before, lines[index][2:]


@pytest.mark.parametrize(
    ("repo", "importer", "module", "distribution", "installed", "edits", "hold", "why"), REAL
)
def test_real_repository(
    tmp_path: Path,
    repo: str,
    importer: str,
    module: str,
    distribution: str,
    installed: str | None,
    edits: dict[str, tuple[str, str | None]],
    hold: str,
    why: str,
) -> None:
    files = {**load_project(f"real/{repo}"), importer: f"import {module}\n"}
    ctx = write(tmp_path / "repo", files)
    if installed:
        ctx = replace(ctx, requirements_file=installed)
    fix = Fix("add-requirement", (("module", module), ("distribution", distribution)))
    ok, reason = FIXER.applies(fix, ctx)
    assert ok, reason
    result = FIXER.apply(fix, ctx)
    assert FIXER.verify(fix, ctx).passed
    assert set(result.changed_files) == set(edits), why
    for path, (before, line) in edits.items():
        old, new = files[path], (ctx.root / path).read_text()
        if line is None:  # an edit within one line (a one-line TOML array)
            assert before in new.splitlines() and before not in old.splitlines(), why
        else:
            assert added(old, new) == (before, line), why
    assert (hold in result.hold) if hold else result.hold == "", result.hold
