"""The policy (pure): the severity matrix, its overrides, run-level rules, trust."""

from __future__ import annotations

from dataclasses import replace

from autorecover.core import plan as planner
from autorecover.core.models import (
    Action,
    Escalation,
    Outcome,
    Status,
)
from autorecover.core.plan import make_plan
from testing.plans import BLACK, NETWORK, TESTS, jobs, run, settings_for


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
