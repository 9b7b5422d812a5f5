"""Quiet by default: which runs reach the issue tracker at all, and which timeouts are
worth a rerun (pure).

An issue is opened for runs on the branches `issues.branches` names, by default only the
repository's default branch: a failing test in a pull request is its author's business
and is told in the step summary (and, with `issues.pr_comment`, in one comment on the pull
request), not in the upstream tracker.
"""

from __future__ import annotations

import fnmatch
from dataclasses import replace

from autorecover.core.event import WorkflowRun
from autorecover.core.models import Action, Category, Decision, Escalation, JobResult
from autorecover.core.settings import Settings


def issue_branch(run: WorkflowRun) -> str:
    """The run's branch as `issues.branches` sees it. A fork's branch is spelt the way
    GitHub spells a fork's head (`owner:branch`, as in `GET /pulls?head=`), so a fork's
    `main` is never this repository's `main` (docs/security.md#s1)."""
    branch = run.head_branch or ""
    if run.same_repository:
        return branch
    owner = (run.head_repository or "?").split("/", 1)[0]
    return f"{owner}:{branch}"


def off_issue_branches(run: WorkflowRun, settings: Settings) -> str | None:
    """Why the run's failures open no issue, or None when they may."""
    branch = issue_branch(run)
    patterns = settings.issue_branches
    if patterns:
        if any(fnmatch.fnmatchcase(branch, pattern) for pattern in patterns):
            return None
        return f"branch '{branch}' matches none of `issues.branches`"
    if run.same_repository and branch == run.default_branch:
        return None
    return (
        f"branch '{branch}' is not the default branch '{run.default_branch}' "
        "(`issues.branches` names the branches whose runs open issues)"
    )


def gate_branch(decisions: list[Decision], run: WorkflowRun, settings: Settings) -> list[Decision]:
    """Off the issue branches, an issue becomes the step summary, or with
    `issues.pr_comment` one comment on the run's pull request for all its failures."""
    why = off_issue_branches(run, settings)
    if why is None:
        return decisions
    issues = [d for d in decisions if d.action is Action.ISSUE]
    keep = max(issues, key=lambda d: d.severity.rank) if issues and settings.pr_comment else None
    out = []
    for decision in decisions:
        if decision.action is not Action.ISSUE:
            out.append(decision)
        elif decision is keep:
            jobs = tuple(job for d in issues for job in d.jobs)
            reason = f"{why}; one comment on the run's pull request instead of an issue"
            out.append(replace(decision, action=Action.PR_COMMENT, jobs=jobs, reason=reason))
        else:
            reason = f"{why}; reported in this summary" + (
                " and the pull request comment" if keep else ", not in an issue"
            )
            out.append(
                replace(decision, action=Action.NONE, reason=reason, escalation=Escalation.NONE)
            )
    return out


def quiet_contingency(decision: Decision, run: WorkflowRun, settings: Settings) -> Decision:
    """Off the issue branches a refused rerun is told in the summary, not in an issue; an
    undelivered fix still becomes one, so a verified patch is never lost (#t32)."""
    if decision.on_failure is not Escalation.RERUN_REFUSED:
        return decision
    if off_issue_branches(run, settings) is None:
        return decision
    return replace(decision, on_failure=Escalation.NONE)


def timeout_too_long(job: JobResult, settings: Settings) -> str | None:
    """Why a timed-out job is not rerun: it ran longer than `rerun.timeout_max_minutes`."""
    d = job.diagnosis
    if d is None or d.category is not Category.TIMEOUT or job.minutes is None:
        return None
    limit = settings.timeout_max_minutes
    if job.minutes <= limit:
        return None
    return (
        f"timed out after running {job.minutes:.0f} minutes, longer than "
        f"rerun.timeout_max_minutes ({limit:g}); a rerun would cost as long again"
    )
