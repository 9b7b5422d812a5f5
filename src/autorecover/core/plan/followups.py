"""What follows a decision that could not be carried out: the issue the plan prescribes
for a refused rerun or an undelivered fix."""

from __future__ import annotations

from dataclasses import replace

from autorecover.core.models import (
    Action,
    Decision,
    Escalation,
    Outcome,
    Severity,
    Status,
)

FIXABLE = (Severity.LOW, Severity.MEDIUM)
WORKFLOW_RUN = "workflow_run"

# -- contingencies: what follows when a decision cannot be carried out --------------------

_ON_FAILURE = {
    # A refused rerun becomes one issue saying so, instead of silence (#t38).
    Action.RERUN: Escalation.RERUN_REFUSED,
    # A verified fix GitHub would not take (push or PR refused) goes into an issue with the
    # patch or the compare link, so it is never lost (#t32, #t33).
    Action.FIX_PR: Escalation.FIX_NOT_DELIVERED,
}


def contingency(decision: Decision) -> Decision:
    return replace(decision, on_failure=_ON_FAILURE.get(decision.action, Escalation.NONE))


def follow_up(outcome: Outcome) -> Decision | None:
    """The issue the plan prescribes after `outcome`, or None."""
    decision = outcome.decision
    if outcome.status is not Status.FAILED or decision.on_failure is Escalation.NONE:
        return None
    if decision.action is Action.FIX_PR and not outcome.undelivered:
        return None  # the fix could not be made at all: nothing to deliver
    detail = outcome.undelivered or outcome.detail
    return Decision(
        Action.ISSUE,
        detail,
        decision.jobs,
        decision.fingerprint,
        decision.category,
        decision.severity,
        escalation=decision.on_failure,
        escalation_detail=detail if decision.action is Action.RERUN else "",
        fallback=detail if decision.action is Action.FIX_PR else "",
    )


def with_follow_up(outcome: Outcome, follow: Outcome) -> Outcome:
    """The decision's outcome, telling what its follow-up did and linking to it."""
    detail = f"{outcome.detail}; {follow.detail}" if follow.detail else outcome.detail
    return replace(outcome, detail=detail, url=follow.url)
