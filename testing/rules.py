"""Helpers shared by the tests of the built-in rules (tests/core/rules/builtin/): the real
ruleset, the scan through the real engine, and the parametrization of the case tables."""

from __future__ import annotations

from collections import Counter

import pytest

from autorecover.core.analysis.diagnose import AnalysisContext, analyze_text
from autorecover.core.models import Diagnosis
from autorecover.core.rules.loader import load_ruleset
from autorecover.core.rules.schema import PLACEHOLDER_RE
from testing import DATA as DATA_DIR

RULESET = load_ruleset()
TIMESTAMP = "2026-03-12T10:15:02.1234567Z "
DATA = DATA_DIR


def _scan(text: str, context: AnalysisContext | None = None) -> Diagnosis:
    return analyze_text(text + "\n", ruleset=RULESET, context=context)


def _fired(diagnosis: Diagnosis) -> set[str]:
    return {finding.rule for finding in diagnosis.findings}


def _cases(table: list[tuple[str, str]]) -> list[object]:
    seen: Counter[str] = Counter()
    params: list[object] = []
    for key, line in table:
        seen[key] += 1
        params.append(pytest.param(key, line, id=f"{key}-{seen[key]}"))
    return params


def _job(*lines: str) -> str:
    return "\n".join(
        ["##[group]Run make check", *lines, "##[error]Process completed with exit code 1."]
    )


def _assert_fires(rule_id: str, line: str) -> None:
    """`rule_id` fires on `line`, pasted and with the runner's timestamp prefix, with the rule's
    category and every title placeholder captured. (This module is not assertion-rewritten,
    so each assert spells out its message.)"""
    rule = RULESET.get(rule_id)
    assert rule is not None, f"no rule {rule_id!r}"
    for text in (line, TIMESTAMP + line):
        diagnosis = _scan(text)
        matches = [f for f in diagnosis.findings if f.rule == rule_id]
        assert matches, f"{rule_id} did not fire on {text!r}; fired: {sorted(_fired(diagnosis))}"
        finding = matches[0]
        assert (
            finding.category is rule.category
        ), f"{rule_id}: finding category {finding.category} is not the rule's {rule.category}"
        # Every placeholder of the title is filled by this pattern's captures.
        captures = dict(finding.captures)
        missing = [n for n in PLACEHOLDER_RE.findall(rule.title) if not captures.get(n)]
        assert not missing, f"{rule_id}: title placeholders {missing} not captured by {text!r}"
