"""A pre-commit hook's failure is fixed only when the hook is the tool's own, without
output-changing args (docs/security.md#s2): unit cases, then real repositories'
`.pre-commit-config.yaml` (tests/data/projects/real/README.md)."""

from __future__ import annotations

import pytest

from autorecover.core.models import Action, Category, Diagnosis, Finding, Severity
from autorecover.fixers._precommit import hook_refusal, is_hook_failure
from testing.gitfixtures import load_project

LOCAL = """repos:
  - repo: local
    hooks:
      - {id: black, name: black, entry: ./run-anything, language: system}
"""
MIRROR = """repos:
  - repo: https://github.com/someone/black-fork
    rev: 24.1.0
    hooks: [{id: black}]
"""
ARGS = """repos:
  - repo: https://github.com/psf/black
    rev: 24.1.0
    hooks: [{id: black, args: [--line-length=100]}]
"""


@pytest.mark.parametrize(
    ("fixer", "text", "why"),
    [
        ("black", LOCAL, "comes from 'local'"),
        ("black", MIRROR, "not black's own hook repository"),
        ("black", ARGS, "runs with --line-length=100"),
        ("black", None, "not a tracked regular file"),
        ("black", "repos: [", "does not parse"),
        ("isort", LOCAL, "no isort hook"),
    ],
    ids=["local", "other-repository", "args", "no-config", "broken", "absent"],
)
def test_refusals(fixer: str, text: str | None, why: str) -> None:
    assert why in (hook_refusal(fixer, text) or "")


def test_other_fixers_are_not_hooks() -> None:
    assert hook_refusal("add-requirement", None) is None


def finding(rule: str) -> Finding:
    return Finding(rule, Category.LINTING_ERROR, Severity.LOW, 1, "- hook id: black")


def test_is_hook_failure() -> None:
    def diagnosis(rule: str) -> Diagnosis:
        return Diagnosis(
            "log", Category.LINTING_ERROR, Severity.LOW, 0.9, "t", "", "", rule, None, (),
            (finding(rule),), False, Action.FIX_PR, (), "f" * 16, "",
        )  # fmt: skip

    assert is_hook_failure(diagnosis("pre-commit-black-hook"))
    assert not is_hook_failure(diagnosis("black-would-reformat")) and not is_hook_failure(None)


# (repository, fixer, None when the fix may run, else what the refusal says). Ground truth:
# the hook as the repository configures it (its repo, id and args).
REAL = [
    pytest.param("pallets+click", "ruff-fix", None, id="click-ruff-check"),
    pytest.param("pallets+click", "ruff-format", None, id="click-ruff-format"),
    pytest.param("open-telemetry+opentelemetry-python", "ruff-fix", None, id="otel-ruff-fix-args"),
    pytest.param(
        "open-telemetry+opentelemetry-python", "ruff-format", "runs with --preview",
        id="otel-ruff-format-preview",
    ),
    pytest.param("Textualize+rich", "black", None, id="rich-black"),
    pytest.param("Textualize+rich", "isort", "runs with --profile black", id="rich-isort-args"),
    pytest.param("instructlab+instructlab", "isort", None, id="instructlab-isort"),
    pytest.param("asottile+pyupgrade", "black", "no black hook", id="pyupgrade-no-black"),
    pytest.param("PyCQA+flake8", "ruff-fix", "no ruff/ruff-check hook", id="flake8-no-ruff"),
]  # fmt: skip


@pytest.mark.parametrize(("repo", "fixer", "refusal"), REAL)
def test_real_repository(repo: str, fixer: str, refusal: str | None) -> None:
    found = hook_refusal(fixer, load_project(f"real/{repo}")[".pre-commit-config.yaml"])
    assert found is None if refusal is None else refusal in (found or ""), found
