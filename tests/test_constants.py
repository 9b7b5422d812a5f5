"""Every fact in constants.py is defined there and nowhere else under src/, and what is
written with it reads back with its regex. action.yml repeats the input defaults for the
runner; it must agree."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from autorecover import constants
from autorecover.constants import (
    DEFAULT_BACKOFF_MAX_SECONDS,
    DEFAULT_BACKOFF_SECONDS,
    DEFAULT_MAX_RERUNS,
    DEFAULT_MIN_CONFIDENCE,
    FIXER_NAMES,
    bot_branch_name,
    fingerprint_marker,
    format_time,
    head_marker,
    is_bot_branch,
    marked_fingerprint,
    marked_head,
    parse_time,
)
from autorecover.fixers import REGISTRY
from testing import ROOT

SRC = ROOT / "src" / "autorecover"
CONSTANTS = SRC / "constants.py"

# Literals that spell a fact; each may appear in constants.py only. Rule YAML and templates
# are data, and docstrings and comments may name a fact for a reader.
FACT_STRINGS = {
    "autorecover/": "BOT_BRANCH_PREFIX",
    "autorecover/state": "STATE_BRANCH",
    "ledger.json": "LEDGER_PATH",
    "Autorecover-Fingerprint": "COMMIT_TRAILER_KEY",
    "Autorecover-Fingerprint:": "COMMIT_TRAILER",
    "<!-- autorecover:fingerprint={} -->": "FINGERPRINT_MARKER",
    "<!-- autorecover:fingerprint=": "FINGERPRINT_MARKER",
    "<!-- autorecover:dashboard -->": "DASHBOARD_MARKER",
    "<!-- autorecover:foreign-commits -->": "FOREIGN_COMMITS_MARKER",
    "<!-- autorecover:head={} -->": "HEAD_MARKER",
    "head:{}": "HEAD_CLAIM",
    "autorecover: review": "REVIEW_LABEL",
    "%Y-%m-%dT%H:%M:%SZ": "TIME_FORMAT",
    ".github/autorecover.yml": "CONFIG_PATH",
    "autorecover-report.json": "REPORT_FILE",
    "ruff-format": "FIXER_RUFF_FORMAT",
    "ruff-fix": "FIXER_RUFF_FIX",
    "add-requirement": "FIXER_ADD_REQUIREMENT",
}
FACT_NUMBERS = {
    DEFAULT_MIN_CONFIDENCE: "DEFAULT_MIN_CONFIDENCE",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(id(value))
    return found


def _literals(path: Path) -> list[tuple[int, object]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and id(node) not in docstrings
    ]


@pytest.mark.parametrize(
    "path", sorted(p for p in SRC.rglob("*.py") if p != CONSTANTS), ids=lambda p: p.name
)
def test_facts_are_defined_only_in_constants(path: Path) -> None:
    for line, value in _literals(path):
        if isinstance(value, str):
            for fact, name in FACT_STRINGS.items():
                assert fact not in value or (
                    fact == "autorecover/" and value != fact
                ), f"{path.relative_to(ROOT)}:{line} spells {fact!r}; use constants.{name}"
        elif isinstance(value, float) and value in FACT_NUMBERS:
            name = FACT_NUMBERS[value]
            raise AssertionError(f"{path.relative_to(ROOT)}:{line} has {value}; use {name}")


def test_each_fact_is_in_constants() -> None:
    strings = {value for _, value in _literals(CONSTANTS) if isinstance(value, str)}
    for fact, name in FACT_STRINGS.items():
        assert getattr(constants, name) == fact or fact in strings or fact.endswith("=")


@pytest.mark.parametrize(
    ("category", "fingerprint", "branch"),
    [
        ("linting_error", "0123abcd" * 8, "autorecover/linting_error/0123abcd"),
        ("dependency_issue", "ffffffff", "autorecover/dependency_issue/ffffffff"),
    ],
)
def test_bot_branch_name(category: str, fingerprint: str, branch: str) -> None:
    assert bot_branch_name(category, fingerprint) == branch
    assert is_bot_branch(branch)


@pytest.mark.parametrize(
    ("category", "fingerprint"),
    [("$(id)", "0123abcd"), ("linting_error", "xyz"), ("a/b", "0123abcd"), ("", "0123abcd")],
)
def test_bot_branch_name_rejects_bad_parts(category: str, fingerprint: str) -> None:
    with pytest.raises(ValueError, match="invalid branch parts"):
        bot_branch_name(category, fingerprint)


@pytest.mark.parametrize(
    "name",
    ["main", "dependabot/pip/x", "renovate/x", "autorecover/x", "autorecover/x/0123ABCD",
     "autorecover/x/0123abcd/extra", "autorecover/../main/0123abcd", "feature/autorecover/x/0123abcd",
     "autorecover/x/0123abc"],
)  # fmt: skip
def test_only_our_own_branches_are_bot_branches(name: str) -> None:
    assert not is_bot_branch(name)


def test_fingerprint_marker_reads_back() -> None:
    body = f"{fingerprint_marker('0123abcd0123abcd')}\nThe issue text."
    assert marked_fingerprint(body) == "0123abcd0123abcd"
    assert marked_fingerprint("<!-- autorecover:dashboard -->") is None
    assert marked_fingerprint("no marker") is None


def test_head_marker_reads_back() -> None:
    sha = "0123abcd" * 5
    assert marked_head(f"text\n{head_marker(sha)}\n") == sha
    assert marked_head(head_marker("not-a-sha")) is None
    assert marked_head(f"{fingerprint_marker('0123abcd0123abcd')}") is None


def test_time_reads_back_and_rejects_junk() -> None:
    moment = datetime(2026, 12, 3, 13, 45, 7, tzinfo=UTC)
    assert parse_time(format_time(moment)) == moment
    assert parse_time("2026-12-03") is None
    assert parse_time(None) is None
    assert parse_time("") is None


def test_fixer_names_are_the_registry() -> None:
    assert tuple(REGISTRY) == FIXER_NAMES


def test_action_yml_defaults_match() -> None:
    inputs = yaml.safe_load((ROOT / "action.yml").read_text())["inputs"]
    assert float(inputs["min-confidence"]["default"]) == DEFAULT_MIN_CONFIDENCE
    assert int(inputs["max-reruns"]["default"]) == DEFAULT_MAX_RERUNS
    assert float(inputs["rerun-backoff-seconds"]["default"]) == DEFAULT_BACKOFF_SECONDS
    assert float(inputs["rerun-backoff-max-seconds"]["default"]) == DEFAULT_BACKOFF_MAX_SECONDS
    assert inputs["config"]["default"] == constants.CONFIG_PATH
