"""What a failure gets when autorecover has tracked it before (pure): the issues GitHub
lists for its fingerprint decide, newest first, never the ledger (docs/security.md#t21).

| what GitHub holds for the fingerprint                      | step                     |
|-------------------------------------------------------------|--------------------------|
| an issue, open or closed, labelled `autorecover: ignore`    | silenced                 |
| an open issue                                               | update its body; comment |
|                                                             | at most once per         |
|                                                             | `comment_interval_hours` |
| newest closed as "not planned"                              | silenced until reopened  |
| newest closed as completed, within `issues.cooldown_days`   | cooldown: nothing        |
| nothing, or closed before the cooldown                      | open a (new) issue       |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from autorecover.constants import IGNORE_LABEL, NOT_PLANNED, marked_seen, parse_time
from autorecover.core.settings import Settings
from autorecover.core.tracker import Item, closed_recently


class IssueStep(StrEnum):
    OPEN = "open"
    UPDATE = "update"  # the body's count, last seen and last run
    COMMENT = "comment"  # the body, and a comment
    SILENCED = "silenced"
    COOLDOWN = "cooldown"
    COUNTED = "counted"  # this very run was counted already: a redelivery (#t21)


@dataclass(frozen=True, slots=True)
class IssuePlan:
    step: IssueStep
    item: Item | None = None  # the issue to update, or the one that silences or precedes
    reason: str = ""


def comment_due(issue: Item, settings: Settings, now: datetime) -> bool:
    """No comment in the last `issues.comment_interval_hours`, by the body's seen marker
    (an issue without one, opened before it existed, gets its comment)."""
    seen = marked_seen(issue.body)
    last = parse_time(seen.commented) if seen else None
    return last is None or now - last >= timedelta(hours=settings.comment_interval_hours)


def issue_step(
    existing: Sequence[Item], settings: Settings, now: datetime, run: str = ""
) -> IssuePlan:
    """`existing`: the fingerprint's issues, newest first (core/tracker.py); `run`: the key
    of the run being handled (WorkflowRun.key)."""
    ignored = next((item for item in existing if item.silenced), None)
    if ignored is not None:
        return IssuePlan(
            IssueStep.SILENCED,
            ignored,
            f"#{ignored.number} carries the label `{IGNORE_LABEL}`; remove it to hear about "
            "this failure again",
        )
    open_issue = next((item for item in existing if item.is_open), None)
    seen = marked_seen(open_issue.body) if open_issue is not None else None
    if open_issue is not None and run and seen is not None and seen.run == run:
        # The ledger is a cache: when it could not record the first delivery, the issue's
        # own marker still tells that this run was counted (docs/security.md#t21).
        return IssuePlan(
            IssueStep.COUNTED, open_issue, f"run {run} was already counted in #{open_issue.number}"
        )
    if open_issue is not None:
        if comment_due(open_issue, settings, now):
            return IssuePlan(IssueStep.COMMENT, open_issue)
        hours = settings.comment_interval_hours
        return IssuePlan(
            IssueStep.UPDATE,
            open_issue,
            f"commented on less than {hours:g} hours ago (issues.comment_interval_hours)",
        )
    newest = existing[0] if existing else None
    if newest is not None and newest.state_reason == NOT_PLANNED:
        return IssuePlan(
            IssueStep.SILENCED,
            newest,
            f"#{newest.number} was closed as not planned; reopen it to hear about this "
            "failure again",
        )
    cooldown = settings.config.issues.cooldown_days
    if newest is not None and closed_recently(newest, cooldown, now):
        return IssuePlan(
            IssueStep.COOLDOWN,
            newest,
            f"#{newest.number} was closed by a person less than {cooldown:g} days ago; "
            "not reopened (cooldown)",
        )
    return IssuePlan(IssueStep.OPEN, newest)
