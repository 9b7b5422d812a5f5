"""The policy (pure): the severity matrix, its overrides, run-level rules, trust."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from autorecover.core.models import (
    Action,
    Category,
    Diagnosis,
    Escalation,
    Fix,
    History,
    JobResult,
    Severity,
)
from autorecover.core.plan import make_plan
from testing.plans import BLACK, NETWORK, TESTS, diagnosis, jobs, run, settings_for

REQUIREMENT = diagnosis(
    category=Category.DEPENDENCY_ISSUE, severity=Severity.MEDIUM, action=Action.FIX_PR,
    fixes=(Fix("add-requirement", (("distribution", "PyYAML"), ("module", "yaml"))),),
    fingerprint="c" * 16,
)  # fmt: skip


def actions(plan: Any) -> list[tuple[str, tuple[int, ...]]]:
    return [(str(d.action), d.jobs) for d in plan.decisions]


@pytest.mark.parametrize(
    ("diag", "expected", "review"),
    [
        pytest.param(BLACK, "fix_pr", False, id="low-fixable"),
        pytest.param(REQUIREMENT, "fix_pr", True, id="medium-fixable-labelled-for-review"),
        pytest.param(NETWORK, "rerun", False, id="transient"),
        pytest.param(TESTS, "issue", False, id="high"),
        pytest.param(replace(TESTS, category=Category.UNKNOWN), "issue", False, id="unknown"),
        pytest.param(replace(BLACK, confidence=0.5), "issue", False, id="below-min-confidence"),
        pytest.param(replace(NETWORK, confidence=0.5), "issue", False, id="unsure-transient"),
        pytest.param(replace(TESTS, action=Action.NONE), "none", False, id="not-actionable"),
    ],
)
def test_default_matrix(diag: Diagnosis, expected: str, review: bool) -> None:
    (decision,) = make_plan(jobs(diag), run(), settings_for()).decisions
    assert str(decision.action) == expected and decision.review is review
    assert decision.reason


def test_per_category_action_override() -> None:
    policy = settings_for(actions={"network_error": "issue"})
    (decision,) = make_plan(jobs(NETWORK), run(), policy).decisions
    assert decision.action is Action.ISSUE and "config" in decision.reason


def test_severity_override_stops_a_fix() -> None:
    policy = settings_for(severity={"linting_error": "high"})
    (decision,) = make_plan(jobs(BLACK), run(), policy).decisions
    assert decision.action is Action.ISSUE and decision.severity is Severity.HIGH


def test_disabled_fixer() -> None:
    policy = settings_for(fixers={"enable": ["isort"]})
    (decision,) = make_plan(jobs(BLACK), run(), policy).decisions
    assert decision.action is Action.ISSUE and "disabled" in decision.reason


def test_rerun_only_when_every_failed_job_is_transient() -> None:
    plan = make_plan(jobs(NETWORK, TESTS), run(), settings_for())
    assert ("rerun", (1,)) not in actions(plan)
    assert ("issue", (2,)) in actions(plan) and ("none", (1,)) in actions(plan)
    assert actions(make_plan(jobs(NETWORK, NETWORK), run(), settings_for())) == [("rerun", (1, 2))]


def test_fixable_jobs_share_one_pull_request() -> None:
    plan = make_plan(jobs(BLACK, REQUIREMENT, BLACK), run(), settings_for())
    (fix,) = plan.of(Action.FIX_PR)
    assert fix.jobs == (1, 2, 3)
    assert [f.spec for f in fix.fixes] == ["black", "add-requirement:PyYAML"]
    assert fix.review  # one medium-severity fix labels the whole PR


def test_matrix_jobs_failing_alike_share_one_issue() -> None:
    plan = make_plan(
        jobs(TESTS, TESTS, replace(TESTS, fingerprint="e" * 16)), run(), settings_for()
    )
    assert sorted(d.jobs for d in plan.of(Action.ISSUE)) == [(1, 2), (3,)]


def test_attempt_cap_escalates_to_a_flaky_issue() -> None:
    (decision,) = make_plan(jobs(NETWORK), run(attempt=3), settings_for(rerun={"max": 2})).decisions
    assert decision.action is Action.ISSUE and decision.escalation == "reruns-exhausted"


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        pytest.param(History(reruns=3, recoveries=0), Action.ISSUE, id="rarely-helps"),
        pytest.param(History(reruns=3, recoveries=1), Action.RERUN, id="one-in-three"),
        pytest.param(History(reruns=2, recoveries=0), Action.RERUN, id="too-few-to-judge"),
    ],
)
def test_circuit_breaker(history: History, expected: Action) -> None:
    plan = make_plan(jobs(NETWORK), run(), settings_for(), {NETWORK.fingerprint: history})
    assert plan.decisions[0].action is expected


# A repository that wants issues about runs from forks too (`owner:branch`, see noise.py).
FORK_ISSUES = {"issues": {"branches": ["main", "*:*"]}}


def test_fork_runs_are_read_only() -> None:
    plan = make_plan(
        jobs(BLACK, NETWORK, TESTS, replace(TESTS, fingerprint="e" * 16)),
        run(trusted=False),
        settings_for(**FORK_ISSUES),
    )
    assert not plan.of(Action.FIX_PR) and not plan.of(Action.RERUN)
    assert len(plan.of(Action.ISSUE)) == 1  # at most one issue for a fork's run
    assert any("untrusted" in note for note in plan.notes)


def test_fork_reruns_when_allowed() -> None:
    plan = make_plan(jobs(NETWORK), run(trusted=False), settings_for(rerun={"allow_forks": True}))
    assert plan.of(Action.RERUN)


def test_untrusted_event_in_the_same_repository() -> None:
    plan = make_plan(jobs(BLACK), run(event="pull_request_target"), settings_for())
    assert not plan.of(Action.FIX_PR)


def test_unavailable_log_becomes_an_issue() -> None:
    job = JobResult(1, "job", "", "failure", None, "expired", "logs expired")
    (decision,) = make_plan([job], run(), settings_for()).decisions
    assert decision.action is Action.ISSUE and "expired" in decision.reason


# -- skips ------------------------------------------------------------------------------


def test_fork_issues_say_they_are_from_a_fork() -> None:
    plan = make_plan(jobs(TESTS, BLACK), run(trusted=False), settings_for(**FORK_ISSUES))
    issues = plan.of(Action.ISSUE)
    assert len(issues) == 1 and issues[0].escalation is Escalation.FORK
    assert all(d.escalation is Escalation.NONE for d in plan.of(Action.NONE))


def test_the_same_failure_after_our_rerun_is_an_issue() -> None:
    """Transient is a guess; the ledger proves it wrong when our rerun fails the same way."""
    (decision,) = make_plan(
        jobs(NETWORK), run(attempt=2), settings_for(), reran=frozenset({NETWORK.fingerprint})
    ).decisions
    assert decision.action is Action.ISSUE
    assert decision.escalation is Escalation.RERUNS_EXHAUSTED
    assert "after autorecover reran it" in decision.reason
    other = make_plan(jobs(NETWORK), run(attempt=2), settings_for(), reran=frozenset({"x" * 16}))
    assert [d.action for d in other.decisions] == [Action.RERUN]
