"""Quiet defaults (pure): which runs open issues (`issues.branches`, `issues.pr_comment`)
and which timeouts are rerun (`rerun.timeout_max_minutes`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from autorecover.core.models import Action, Category, Escalation, JobResult
from autorecover.core.plan import make_plan
from autorecover.core.plan.noise import issue_branch, off_issue_branches
from testing.plans import NETWORK, TESTS, diagnosis, jobs, run, settings_for

TIMEOUT = diagnosis(
    category=Category.TIMEOUT, action=Action.RERUN, transient=True, fingerprint="9" * 16
)


@pytest.mark.parametrize(
    ("trusted", "branch", "config", "opens"),
    [
        pytest.param(True, "main", {}, True, id="default-branch"),
        pytest.param(True, "feature", {}, False, id="other-branch"),
        pytest.param(False, "main", {}, False, id="fork-main-is-not-our-main"),
        pytest.param(True, "release/1.2", {"branches": ["main", "release/*"]}, True, id="glob"),
        pytest.param(True, "main", {"branches": ["release/*"]}, False, id="list-replaces-default"),
        pytest.param(False, "main", {"branches": ["main"]}, False, id="fork-by-name-no"),
        pytest.param(False, "main", {"branches": ["*:*"]}, True, id="forks-opted-in"),
        pytest.param(False, "fix", {"branches": ["m:fix"]}, True, id="one-fork-branch"),
        pytest.param(True, "anything", {"branches": ["*"]}, True, id="star"),
    ],
)
def test_issue_branches(trusted: bool, branch: str, config: dict[str, Any], opens: bool) -> None:
    settings = settings_for(issues=config)
    the_run = run(trusted=trusted, branch=branch)
    assert (off_issue_branches(the_run, settings) is None) is opens
    (decision,) = make_plan(jobs(TESTS), the_run, settings).decisions
    assert decision.action is (Action.ISSUE if opens else Action.NONE)


def test_a_forks_branch_is_spelt_owner_colon_branch() -> None:
    assert issue_branch(run(trusted=False, branch="main")) == "m:main"
    assert issue_branch(run(branch="main")) == "main"


def test_off_branch_failures_are_told_in_the_summary_with_the_reason() -> None:
    plan = make_plan(jobs(TESTS), run(branch="feature"), settings_for())
    (decision,) = plan.decisions
    assert decision.action is Action.NONE and decision.escalation is Escalation.NONE
    assert "branch 'feature' is not the default branch 'main'" in decision.reason
    assert "issues.branches" in decision.reason and "summary" in decision.reason


def test_pr_comment_takes_every_failure_of_the_run_once() -> None:
    other = replace(TESTS, fingerprint="e" * 16, severity=TESTS.severity)
    worse = replace(TESTS, fingerprint="7" * 16, category=Category.UNKNOWN)
    plan = make_plan(
        jobs(TESTS, other, worse), run(branch="feature"), settings_for(issues={"pr_comment": True})
    )
    (comment,) = plan.of(Action.PR_COMMENT)
    assert sorted(comment.jobs) == [1, 2, 3] and "pull request" in comment.reason
    assert not plan.of(Action.ISSUE)
    assert all("pull request comment" in d.reason for d in plan.of(Action.NONE))


def test_pr_comment_is_not_used_on_the_issue_branches() -> None:
    plan = make_plan(jobs(TESTS), run(), settings_for(issues={"pr_comment": True}))
    assert [d.action for d in plan.decisions] == [Action.ISSUE]


def test_off_branch_a_refused_rerun_is_not_followed_by_an_issue() -> None:
    (rerun,) = make_plan(jobs(NETWORK), run(branch="feature"), settings_for()).decisions
    assert rerun.action is Action.RERUN and rerun.on_failure is Escalation.NONE
    (own,) = make_plan(jobs(NETWORK), run(), settings_for()).decisions
    assert own.on_failure is Escalation.RERUN_REFUSED


def _timed_out(minutes: float | None) -> list[JobResult]:
    return [JobResult(1, "test", "", "cancelled", TIMEOUT, minutes=minutes)]


@pytest.mark.parametrize(
    ("minutes", "config", "expected"),
    [
        pytest.param(12.0, {}, Action.RERUN, id="short"),
        pytest.param(60.0, {}, Action.RERUN, id="at-the-limit"),
        pytest.param(360.0, {}, Action.ISSUE, id="six-hours"),
        pytest.param(None, {}, Action.RERUN, id="duration-unknown"),
        pytest.param(90.0, {"timeout_max_minutes": 120}, Action.RERUN, id="raised-limit"),
        pytest.param(5.0, {"timeout_max_minutes": 0}, Action.ISSUE, id="never-rerun"),
    ],
)
def test_timeouts_are_rerun_only_when_short(
    minutes: float | None, config: dict[str, Any], expected: Action
) -> None:
    (decision,) = make_plan(_timed_out(minutes), run(), settings_for(rerun=config)).decisions
    assert decision.action is expected


def test_a_long_timeout_says_why_it_is_not_rerun() -> None:
    (decision,) = make_plan(_timed_out(361.5), run(), settings_for()).decisions
    assert "timed out after running 362 minutes" in decision.reason
    assert "rerun.timeout_max_minutes (60)" in decision.reason


def test_the_limit_is_only_for_timeouts() -> None:
    job = JobResult(1, "test", "", "failure", NETWORK, minutes=300.0)
    (decision,) = make_plan([job], run(), settings_for()).decisions
    assert decision.action is Action.RERUN
