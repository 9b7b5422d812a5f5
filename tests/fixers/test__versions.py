"""Which formatter version the repository pins (table-driven), and running it: installed
into a cache from a local wheel directory (no network), or the bundled version with a note
when the install fails."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from packaging.specifiers import SpecifierSet

from autorecover.adapters import proc
from autorecover.adapters.gitparse import IndexEntry
from autorecover.core.models import Fix
from autorecover.core.text.redact import Redactor
from autorecover.fixers import REGISTRY, FixContext
from autorecover.fixers._toolenv import ToolEnv, bundled_version
from autorecover.fixers._versions import (
    Pin,
    choose_version,
    exact_version,
    find_pins,
    pins_from_precommit,
    pins_from_pyproject,
    pins_from_requirements,
    required_versions,
)
from testing.gitfixtures import load_project
from testing.wheels import build_wheel, lock_of

if TYPE_CHECKING:
    from testing.gitfixtures import GitSandbox


FROZEN = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("spec", "version"),
    [("==24.1.0", "24.1.0"), ("===24.1.0", "24.1.0"), ("24.1.0", "24.1.0"), ("== 0.4.4", "0.4.4"),
     (">=24", None), ("^24.1", None), ("==24.*", None), ("~=24.1", None), ("", None), ("*", None),
     ("==24.1,<25", None), ("==not-a-version", None)],
)  # fmt: skip
def test_exact_version(spec: str, version: str | None) -> None:
    assert exact_version(spec) == version


@pytest.mark.parametrize(
    ("line", "pin"),
    [
        ("black==24.1.0", ("black", "24.1.0")),
        ("Black==24.1.0", ("black", "24.1.0")),
        ('black[jupyter]==24.1.0 ; python_version >= "3.8"', ("black", "24.1.0")),
        ("isort==5.13.2  # sorted imports", ("isort", "5.13.2")),
        ("ruff==0.4.4 \\\n    --hash=sha256:abcdef", ("ruff", "0.4.4")),
        ("ruff==0.4.4 --hash=sha256:abcdef", ("ruff", "0.4.4")),
        ("black>=24", ("black", ">=24")),
        ("black==24.*", ("black", "==24.*")),
        ("black~=26.1.0", ("black", "~=26.1.0")),
        ("# black==1.0", None),
        ("-r requirements.txt", None),
        ("-e .", None),
        ("blacken-docs==1.16.0", None),
        ("flake8-black==0.3.6", None),
    ],
)
def test_pins_from_requirements(line: str, pin: tuple[str, str] | None) -> None:
    found = [(p.tool, p.version or p.spec) for p in pins_from_requirements(line + "\n", "r.txt")]
    assert found == ([pin] if pin else [])


@pytest.mark.parametrize(
    ("data", "pins"),
    [
        ({"project": {"optional-dependencies": {"dev": ["black==24.1.0"]}}},
         [("black", "24.1.0", "pyproject.toml [project.optional-dependencies] dev")]),
        ({"dependency-groups": {"lint": ["ruff==0.4.4", {"include-group": "x"}]}},
         [("ruff", "0.4.4", "pyproject.toml [dependency-groups] lint")]),
        ({"tool": {"poetry": {"group": {"dev": {"dependencies": {"isort": "5.13.2"}}}}}},
         [("isort", "5.13.2", "pyproject.toml [tool.poetry.group.dev.dependencies]")]),
        ({"tool": {"poetry": {"dev-dependencies": {"black": {"version": "==23.12.1"}}}}},
         [("black", "23.12.1", "pyproject.toml [tool.poetry.dev-dependencies]")]),
        ({"tool": {"poetry": {"dependencies": {"black": "^24.1"}}}},
         [("black", "<25,>=24.1", "pyproject.toml [tool.poetry.dependencies]")]),
        ({"project": {"dependencies": ["black>=24"]}},
         [("black", ">=24", "pyproject.toml [project] dependencies")]),
        ({"project": {"dependencies": "not a list"}}, []),
    ],
    ids=["extra", "dependency-group", "poetry-group", "poetry-dev", "poetry-caret", "range", "junk"],
)  # fmt: skip
def test_pins_from_pyproject(data: dict[str, object], pins: list[tuple[str, str, str]]) -> None:
    found = pins_from_pyproject(data)
    assert [(p.tool, p.version or str(SpecifierSet(p.spec)), p.source) for p in found] == pins


PRECOMMIT = f"""
repos:
  - repo: https://github.com/psf/black-pre-commit-mirror
    rev: 24.1.0
    hooks: [{{id: black}}]
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.4.4
    hooks: [{{id: ruff}}, {{id: ruff-format}}]
  - repo: https://github.com/PyCQA/isort.git
    rev: {FROZEN}  # frozen: 5.13.2
    hooks: [{{id: isort}}]
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0
  - repo: local
    hooks: [{{id: x}}]
"""


def test_pins_from_precommit() -> None:
    pins = [(p.tool, p.version) for p in pins_from_precommit(PRECOMMIT)]
    assert pins == [("black", "24.1.0"), ("ruff", "0.4.4"), ("isort", "5.13.2")]
    assert pins_from_precommit("repos: [") == [] and pins_from_precommit("- a\n- b\n") == []


def test_required_version_is_the_weakest_pin() -> None:
    data = {"tool": {"black": {"required-version": "24.1.0"}, "ruff": {"required-version": "24"}}}
    assert [(p.tool, p.version) for p in required_versions(data)] == [("black", "24.1.0")]


def test_find_pins_reads_tracked_files_in_order(tmp_path: Path) -> None:
    files = {
        "requirements/lint.txt": "black==24.1.0\n",
        "pyproject.toml": '[dependency-groups]\ndev = ["black==23.1.0", "isort==5.12.0"]\n',
        ".pre-commit-config.yaml": PRECOMMIT,
        "docs/requirements.in": "ruff==0.3.0\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    pins = find_pins(tmp_path, files)
    assert [(p.tool, p.version) for p in pins][:4] == [
        ("ruff", "0.3.0"), ("black", "24.1.0"), ("black", "23.1.0"), ("isort", "5.12.0"),
    ]  # fmt: skip
    choice = choose_version("black", pins, {})
    assert (choice.version, choice.origin) == ("24.1.0", "requirements/lint.txt")
    assert "23.1.0" in choice.notes[0] and "disagree" in choice.notes[0]
    assert choose_version("black", pins, {"black": "24.10.0"}).version == "24.10.0"
    assert choose_version("isort", [], {}).version is None


# -- installing a pinned version -------------------------------------------------------------


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    directory = tmp_path / "wheels"
    directory.mkdir()
    build_wheel(directory, "black", "24.1.0")
    build_wheel(directory, "black", "24.2.0")
    return directory


def offline(wheels: Path) -> tuple[str, ...]:
    return ("--only-binary=:all:", "--no-index", "--find-links", str(wheels))


def test_pinned_version_is_installed_once_and_run(git_sandbox: GitSandbox, wheels: Path) -> None:
    tools = git_sandbox.tool_env(offline(wheels), lock_of(wheels))
    tool = tools.resolve("black", "24.1.0", "requirements-dev.txt")
    assert (tool.version, tool.source) == ("24.1.0", "requirements-dev.txt")
    assert tool.notes == ("ran black 24.1.0 as pinned in requirements-dev.txt",)
    done = tools.run(tool, ["--version"], cwd=git_sandbox.root)
    assert done.stdout.strip() == "black, 24.1.0 (test wheel)"
    assert tools.resolve("black", "24.1.0", "x") is tool  # remembered for the run
    again = git_sandbox.tool_env(("--no-index",))  # a later run: the cache, no install
    assert again.resolve("black", "24.1.0", "x").version == "24.1.0"


def test_failed_install_falls_back_to_the_bundled_version(
    git_sandbox: GitSandbox, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    tools = git_sandbox.tool_env(offline(empty))
    tool = tools.resolve("black", "24.3.0", "requirements-dev.txt")
    assert (tool.version, tool.source) == (bundled_version("black"), "bundled")
    assert "could not install black==24.3.0" in tool.notes[0]
    assert "No matching distribution" in tool.notes[0] or "no matching" in tool.notes[0].lower()
    assert not (git_sandbox.root / "tool-cache" / "tools" / "black-24.3.0").exists()


@pytest.mark.parametrize(
    ("version", "note"),
    [
        (None, None),
        ("bogus!", "not a version"),
        ("19.10b0", "older than 22.1.0"),
    ],
)
def test_versions_that_are_not_installed(
    git_sandbox: GitSandbox, version: str | None, note: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(proc, "run", lambda *a, **k: pytest.fail("nothing may be installed"))
    tool = git_sandbox.tool_env().resolve("black", version, "pyproject.toml")
    assert tool.version == bundled_version("black") and tool.source == "bundled"
    if note is None:
        assert tool.notes == ()
    else:
        assert note in tool.notes[0]


def test_bundled_version_pin_needs_no_install(git_sandbox: GitSandbox) -> None:
    tool = git_sandbox.tool_env(("--no-index",)).resolve("ruff", bundled_version("ruff"), "x")
    assert tool.source == "bundled" and "the bundled version" in tool.notes[0]


def _context(root: Path, tools: ToolEnv, files: dict[str, str], **options: object) -> FixContext:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    index = tuple(IndexEntry("100644", "0" * 40, 0, name) for name in files)
    return FixContext(root, tuple(files), index, tools, Redactor(), **options)  # type: ignore[arg-type]


def test_fixer_reports_the_version_the_repository_pins(
    git_sandbox: GitSandbox, wheels: Path, tmp_path: Path
) -> None:
    project = {"requirements-dev.txt": "black==24.1.0\n", "x.py": "x  =  1\n"}
    tools = git_sandbox.tool_env(offline(wheels), lock_of(wheels))
    ctx = _context(tmp_path / "repo", tools, project)
    result = REGISTRY["black"].apply(Fix("black"), ctx)
    assert (result.tool, result.version) == ("black", "24.1.0")
    assert "as pinned in requirements-dev.txt" in result.notes[-1]
    # The configuration override wins over the repository's pin.
    overridden = _context(tmp_path / "repo", tools, project, versions={"black": "24.2.0"})
    assert REGISTRY["black"].apply(Fix("black"), overridden).version == "24.2.0"


def test_pin_object_is_hashable() -> None:
    assert len({Pin("black", "1", "a"), Pin("black", "1", "a")}) == 1


def test_installer_is_injectable_and_gets_no_token(
    git_sandbox: GitSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "installer.json"
    script = (
        "import json, os, sys;"
        "seen = {'argv': sys.argv[1:], 'env': dict(os.environ), 'pins': open(sys.argv[-1]).read()};"
        f"json.dump(seen, open({str(record)!r}, 'w'));"
        "print('no index here', file=sys.stderr); sys.exit(1)"
    )
    env = {**git_sandbox.env, "GITHUB_TOKEN": git_sandbox.token, "HTTPS_PROXY": "http://proxy:3128"}
    tools = ToolEnv(tmp_path / "cache", base_env=env, pip_command=(sys.executable, "-c", script))
    tool = tools.resolve("isort", "5.13.2", "requirements-dev.txt")
    assert tool.source == "bundled" and "no index here" in tool.notes[0]
    seen = json.loads(record.read_text())
    assert seen["argv"][-2:-1] == ["-r"] and "--only-binary=:all:" in seen["argv"]
    assert {"--require-hashes", "--no-deps"} <= set(seen["argv"])
    assert seen["pins"].startswith("isort==5.13.2 --hash=sha256:")  # what PyPI published

    assert "GITHUB_TOKEN" not in seen["env"] and seen["env"]["HTTPS_PROXY"] == "http://proxy:3128"
    assert git_sandbox.token not in json.dumps(seen)


# -- real repositories (tests/data/projects/real/README.md) ------------------------------------

# (repository, tool, file the failing step installed, a pre-commit hook failed?, the version
# and source that must win). Ground truth: what the repository's failing command installs.
REAL_VERSIONS = [
    pytest.param("encode+httpx", "ruff", "requirements.txt", False, "0.12.11", "requirements.txt",
                 id="httpx-scripts-check"),
    pytest.param("encode+starlette", "black", "requirements.txt", False, "25.1.0",
                 "requirements.txt", id="starlette-black"),
    pytest.param("Textualize+rich", "black", None, False, "22.12.0", "poetry.lock",
                 id="rich-make-format-check-poetry-lock"),
    pytest.param("Textualize+rich", "black", None, True, "23.11.0", ".pre-commit-config.yaml",
                 id="rich-pre-commit-hook"),
    pytest.param("pallets+click", "ruff", None, True, "0.15.9", ".pre-commit-config.yaml",
                 id="click-hook-frozen-sha"),
    pytest.param("open-telemetry+opentelemetry-python", "ruff", None, True, "0.16.0",
                 ".pre-commit-config.yaml", id="otel-hook-not-uv-lock"),
    pytest.param("open-telemetry+opentelemetry-python", "ruff", "dev-requirements.txt", False,
                 "0.16.0", "dev-requirements.txt", id="otel-tox-lint"),
    pytest.param("instructlab+instructlab", "ruff", None, False, "0.12.0", "constraints-dev.txt",
                 id="instructlab-tox-constraints"),
    pytest.param("instructlab+instructlab", "isort", None, False, "6.0.1", "constraints-dev.txt",
                 id="instructlab-isort-constraints"),
]  # fmt: skip


@pytest.mark.parametrize(("repo", "tool", "installed", "hook", "version", "source"), REAL_VERSIONS)
def test_real_repository_versions(
    tmp_path: Path,
    repo: str,
    tool: str,
    installed: str | None,
    hook: bool,
    version: str,
    source: str,
) -> None:
    files = load_project(f"real/{repo}")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    choice = choose_version(tool, find_pins(tmp_path, files, installed, hook), {})
    assert (choice.version, choice.origin) == (version, source), choice.notes
