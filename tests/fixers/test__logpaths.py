"""black, isort, ruff-format and ruff-fix, run for real on small fixture projects committed to a real
git repository: what they change, how they verify, and the hostile-tree cases of docs/security.md
(#t04 argument injection, #t05 symlinks, #t06 configuration file inclusion, #t20)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from autorecover.fixers._logpaths import command_scope, map_paths, to_repo_path

if TYPE_CHECKING:
    pass


RUNNER = "/home/runner/work/octo-repo/octo-repo"


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


@pytest.mark.parametrize(
    ("step", "tool", "scope"),
    [
        ("Run ruff check src tests", "ruff", ["src", "tests"]),
        ("Run python -m black --check --line-length 100 httpx", "black", ["httpx"]),
        ("Run uv run ruff format --check ./src/ && ruff check scripts", "ruff", ["src"]),
        ("Run black --check .", "black", None),
        ("Run scripts/check", "ruff", None),
        ("Run pre-commit run --all-files", "ruff", None),
        ("Run ruff check 'unterminated", "ruff", None),
        ("Run ruff check ../outside /etc", "ruff", None),
        (None, "ruff", None),
    ],
    ids=["dirs", "python-m", "uv-run-first-command", "whole-repo", "script", "pre-commit",
         "bad-quoting", "outside", "no-step"],
)  # fmt: skip
def test_command_scope(step: str | None, tool: str, scope: list[str] | None) -> None:
    tracked = {"src/a.py", "tests/t.py", "scripts/x.py", "httpx/__init__.py"}
    assert command_scope(step, tool, tracked) == scope
