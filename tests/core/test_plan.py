"""The policy (pure): the severity matrix, its overrides, run-level rules, trust."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from autorecover.core import plan as planner
from autorecover.core.config import parse_config
from autorecover.core.event import parse_event
from autorecover.core.models import (
    Action,
    Category,
    Diagnosis,
    Escalation,
    Fix,
    History,
    JobResult,
    Outcome,
    Severity,
    Status,
)
from autorecover.core.plan import make_plan
from autorecover.core.settings import Settings

SHA = "a" * 40


def settings_for(**config: Any) -> Settings:
    """The settings a repository with this `.github/autorecover.yml` content plans with."""
    return Settings.resolve(parse_config(config))


def run(trusted: bool = True, attempt: int = 1, event: str = "push") -> Any:
    head_id = 1 if trusted else 2
    return parse_event(
        "workflow_run",
        {
            "action": "completed",
            "repository": {"id": 1, "full_name": "o/r", "default_branch": "main"},
            "workflow_run": {
                "id": 9, "run_attempt": attempt, "event": event, "conclusion": "failure",
                "head_sha": SHA, "head_branch": "feature",
                "head_repository": {"id": head_id, "full_name": "o/r" if trusted else "m/r"},
            },
        },
    )  # fmt: skip


def diagnosis(**fields: Any) -> Diagnosis:
    base = Diagnosis(
        source="job", category=Category.TEST_FAILURE, severity=Severity.HIGH, confidence=0.9,
        title="t", explanation="e", remediation="r", rule="r", failing_step=None, evidence=(),
        findings=(), transient=False, action=Action.ISSUE, fixes=(), fingerprint="f" * 16,
        reason="why",
    )  # fmt: skip
    return replace(base, **fields)


BLACK = diagnosis(
    category=Category.LINTING_ERROR, severity=Severity.LOW, action=Action.FIX_PR,
    fixes=(Fix("black"),), fingerprint="b" * 16,
)  # fmt: skip
REQUIREMENT = diagnosis(
    category=Category.DEPENDENCY_ISSUE, severity=Severity.MEDIUM, action=Action.FIX_PR,
    fixes=(Fix("add-requirement", (("distribution", "PyYAML"), ("module", "yaml"))),),
    fingerprint="c" * 16,
)  # fmt: skip
NETWORK = diagnosis(
    category=Category.NETWORK_ERROR, severity=Severity.MEDIUM, action=Action.RERUN,
    transient=True, fingerprint="d" * 16,
)  # fmt: skip
TESTS = diagnosis()


def jobs(*diagnoses: Diagnosis) -> list[JobResult]:
    return [JobResult(i + 1, f"job{i + 1}", "", "failure", d) for i, d in enumerate(diagnoses)]


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


def test_fork_runs_are_read_only() -> None:
    plan = make_plan(
        jobs(BLACK, NETWORK, TESTS, replace(TESTS, fingerprint="e" * 16)),
        run(trusted=False),
        settings_for(),
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


def event(**run_fields: Any) -> Any:
    base = {
        "id": 9, "run_attempt": 1, "event": "push", "conclusion": "failure", "head_sha": SHA,
        "head_branch": "feature", "name": "CI", "head_repository": {"id": 1, "full_name": "o/r"},
    }  # fmt: skip
    return parse_event(
        "workflow_run",
        {
            "action": run_fields.pop("action", "completed"),
            "repository": {"id": 1, "full_name": "o/r", "default_branch": "main"},
            "workflow_run": {**base, **run_fields},
        },
    )


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        pytest.param({}, None, id="failure-is-analysed"),
        pytest.param({"action": "requested"}, "not completed", id="not-completed"),
        pytest.param({"conclusion": "success"}, "succeeded; nothing", id="first-success"),
        pytest.param({"conclusion": "success", "run_attempt": 2}, None, id="success-after-rerun"),
        pytest.param({"conclusion": "skipped"}, "concluded 'skipped'", id="skipped"),
        pytest.param({"conclusion": "cancelled"}, None, id="cancelled-looked-at"),
        pytest.param(
            {"head_branch": "autorecover/linting_error/0123abcd"}, "own branch", id="bot-branch"
        ),
        pytest.param(
            {"head_commit": {"message": "Apply black\n\nAutorecover-Fingerprint: ab"}},
            "made by autorecover", id="bot-commit",
        ),
    ],
)  # fmt: skip
def test_skip_run(fields: dict[str, Any], reason: str | None) -> None:
    found = planner.skip_run(event(**fields))
    assert found is None if reason is None else reason in (found or "")


def test_skip_trigger() -> None:
    assert planner.skip_trigger("workflow_run") is None
    assert "'push', not workflow_run" in (planner.skip_trigger("push") or "")
    assert "'unknown'" in (planner.skip_trigger("") or "")


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        pytest.param({}, None, id="defaults"),
        pytest.param({"enabled": False}, "disabled by `enabled: false`", id="disabled"),
        pytest.param({"workflows": ["Docs"]}, "'CI' is not in `workflows:`", id="workflow"),
        pytest.param({"branches": ["release/*"]}, "'feature' matches none", id="branch"),
        pytest.param({"branches": ["feat*"]}, None, id="branch-glob-matches"),
    ],
)
def test_skip_configured(config: dict[str, Any], reason: str | None) -> None:
    found = planner.skip_configured(event(), settings_for(**config))
    assert found is None if reason is None else reason in (found or "")


def test_skip_analysed_cancelled_without_a_timeout() -> None:
    cancelled = event(conclusion="cancelled")
    timed_out = replace(TESTS, category=Category.TIMEOUT)
    assert "cancelled (by a person" in (planner.skip_analysed(cancelled, jobs(TESTS)) or "")
    assert planner.skip_analysed(cancelled, jobs(timed_out)) is None
    assert planner.skip_analysed(event(), jobs(TESTS)) is None


def test_skip_redelivered_only_for_trusted_runs() -> None:
    assert "already handled" in (planner.skip_redelivered(event(), ["9:1"]) or "")
    assert planner.skip_redelivered(event(), ["9:2"]) is None
    assert planner.skip_redelivered(run(trusted=False), ["9:1"]) is None


@pytest.mark.parametrize(
    ("trusted", "pending", "dry_run", "reason"),
    [
        pytest.param(False, 1, False, "forks are not recorded", id="fork"),
        pytest.param(True, None, False, "did not request", id="not-our-rerun"),
        pytest.param(True, 2, False, "did not request", id="pending-for-a-later-attempt"),
        pytest.param(True, 1, True, "dry run: not recorded", id="dry-run"),
        pytest.param(True, 1, False, None, id="recorded"),
    ],
)
def test_skip_bookkeeping(
    trusted: bool, pending: int | None, dry_run: bool, reason: str | None
) -> None:
    found = planner.skip_bookkeeping(run(trusted=trusted, attempt=2), pending, dry_run)
    assert found is None if reason is None else reason in (found or "")


# -- follow-ups -------------------------------------------------------------------------


def test_every_rerun_and_fix_carries_its_follow_up() -> None:
    plan = make_plan(jobs(NETWORK), run(), settings_for())
    assert [d.on_failure for d in plan.decisions] == [Escalation.RERUN_REFUSED]
    plan = make_plan(jobs(BLACK, TESTS), run(), settings_for())
    assert {d.action: d.on_failure for d in plan.decisions} == {
        Action.FIX_PR: Escalation.FIX_NOT_DELIVERED,
        Action.ISSUE: Escalation.NONE,
    }


def test_a_refused_rerun_becomes_an_issue_saying_why() -> None:
    (decision,) = make_plan(jobs(NETWORK), run(), settings_for()).decisions
    failed = Outcome(decision, Status.FAILED, "GitHub refused the rerun (403)")
    follow = planner.follow_up(failed)
    assert follow is not None and follow.action is Action.ISSUE
    assert follow.escalation is Escalation.RERUN_REFUSED
    assert follow.escalation_detail == "GitHub refused the rerun (403)" and not follow.fallback
    assert planner.follow_up(replace(failed, status=Status.DONE)) is None


def test_an_undelivered_fix_becomes_an_issue_with_the_patch() -> None:
    (decision,) = make_plan(jobs(BLACK), run(), settings_for()).decisions
    assert planner.follow_up(Outcome(decision, Status.FAILED, "the fix could not be made")) is None
    undelivered = Outcome(decision, Status.FAILED, "push refused: GH006", undelivered="```diff")
    follow = planner.follow_up(undelivered)
    assert follow is not None and follow.fallback == "```diff"
    assert follow.escalation is Escalation.FIX_NOT_DELIVERED and follow.jobs == decision.jobs
    merged = planner.with_follow_up(
        undelivered, Outcome(follow, Status.DONE, "opened #4", "https://x/issues/4")
    )
    assert merged.detail == "push refused: GH006; opened #4" and merged.url.endswith("/4")


def test_fork_issues_say_they_are_from_a_fork() -> None:
    plan = make_plan(jobs(TESTS, BLACK), run(trusted=False), settings_for())
    issues = plan.of(Action.ISSUE)
    assert len(issues) == 1 and issues[0].escalation is Escalation.FORK
    assert all(d.escalation is Escalation.NONE for d in plan.of(Action.NONE))


NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("closed", "open_pulls", "config", "reason"),
    [
        pytest.param(None, 0, {}, None, id="nothing-in-the-way"),
        pytest.param((4, "2026-12-01T12:00:00Z"), 0, {}, "#4 was closed without merging",
                     id="closed-two-days-ago"),
        pytest.param((4, "2026-11-01T12:00:00Z"), 0, {}, None, id="closed-a-month-ago"),
        pytest.param((4, "junk"), 0, {}, "cooldown", id="unreadable-close-time-is-quiet"),
        pytest.param(None, 5, {}, "5 autorecover pull requests are open", id="max-open"),
        pytest.param(None, 5, {"pull_requests": {"max_open": 6}}, None, id="max-open-raised"),
        pytest.param((4, "2026-12-01T12:00:00Z"), 0,
                     {"pull_requests": {"cooldown_days": 1}}, None, id="short-cooldown"),
    ],
)  # fmt: skip
def test_skip_fix_pr(
    closed: tuple[int, str] | None, open_pulls: int, config: dict[str, Any], reason: str | None
) -> None:
    found = planner.skip_fix_pr(closed, open_pulls, settings_for(**config), NOW)
    assert found is None if reason is None else reason in (found or "")
