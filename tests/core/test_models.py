"""The shared records: the JSON they turn into is the contract (keep keys), the primary
diagnosis is chosen one way, and an outcome reads its issue or PR number from its URL."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace

import pytest

from autorecover.core.models import (
    Action,
    Category,
    Decision,
    Diagnosis,
    Escalation,
    Fix,
    JobResult,
    LogStatus,
    Outcome,
    Severity,
    Status,
    primary,
)

BASE = Diagnosis(
    source="job", category=Category.TEST_FAILURE, severity=Severity.HIGH, confidence=0.9,
    title="t", explanation="e", remediation="r", rule="r", failing_step=None, evidence=(),
    findings=(), transient=False, action=Action.ISSUE, fixes=(), fingerprint="f" * 16,
    reason="why",
)  # fmt: skip
DECISION = Decision(Action.ISSUE, "why", (1, 2), "f" * 16, Category.TEST_FAILURE, Severity.HIGH)


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        pytest.param([], None, id="none"),
        pytest.param([None, BASE], BASE, id="skips-unavailable-logs"),
        pytest.param(
            [replace(BASE, action=Action.NONE, severity=Severity.CRITICAL), BASE], BASE,
            id="actionable-first",
        ),
        pytest.param(
            [BASE, replace(BASE, severity=Severity.CRITICAL, title="c")],
            replace(BASE, severity=Severity.CRITICAL, title="c"), id="more-severe",
        ),
        pytest.param(
            [BASE, replace(BASE, confidence=0.95, title="sure")],
            replace(BASE, confidence=0.95, title="sure"), id="more-confident",
        ),
    ],
)  # fmt: skip
def test_primary(candidates: list[Diagnosis | None], expected: Diagnosis | None) -> None:
    assert primary(candidates) == expected


def test_fix_spec_names_the_distribution_of_a_requirement() -> None:
    assert Fix("black").spec == "black"
    fix = Fix("add-requirement", (("distribution", "PyYAML"), ("module", "yaml")))
    assert fix.spec == "add-requirement:PyYAML" and fix.param("module") == "yaml"
    assert fix.param("missing", "x") == "x"


def test_records_are_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        DECISION.reason = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("url", "number"),
    [
        ("https://github.com/o/r/issues/12", 12),
        ("https://github.com/o/r/pull/7/", 7),
        ("", None),
        ("https://github.com/o/r/compare/main...x", None),
    ],
)
def test_outcome_number(url: str, number: int | None) -> None:
    assert Outcome(DECISION, Status.DONE, "", url).number == number


def test_json_keys_are_stable() -> None:
    assert list(DECISION.to_dict()) == [
        "action", "reason", "jobs", "fingerprint", "category", "severity", "fixes", "review",
        "escalation",
    ]  # fmt: skip
    outcome = Outcome(replace(DECISION, escalation=Escalation.FORK), Status.SKIPPED, "d", "u")
    data = outcome.to_dict()
    assert data["status"] == "skipped" and data["escalation"] == "fork"
    assert "undelivered" not in data and "on_failure" not in data
    job = JobResult(1, "test", "", "failure", None, LogStatus.EXPIRED, "gone").to_dict()
    assert job == {
        "id": 1, "name": "test", "html_url": "", "conclusion": "failure", "log": "expired",
        "log_detail": "gone", "diagnosis": None, "minutes": None,
    }  # fmt: skip
    assert BASE.to_dict()["schema_version"] == 1
