"""Carry out a plan: each decision by the handler of its action, then the follow-up the plan
prescribes when one could not be carried out; the ledger and the dashboard at the end.

Handlers decide nothing: they carry out one decision and report its `Outcome`. Each runs
on its own, so a missing permission or a refused request loses only that feature
(docs/security.md#r9). What an outcome means for the ledger is recorded here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from autorecover.adapters.github.errors import GitHubError
from autorecover.core import ledger as ledgerlib
from autorecover.core.models import Action, Decision, JobResult, Outcome, Plan, Status
from autorecover.core.plan import follow_up, with_follow_up
from autorecover.execute import dashboard, fix_pr, issue, pr_comment, rerun
from autorecover.execute.context import Execution

Handler = Callable[[Decision, Mapping[int, JobResult], Execution], Outcome]


def _nothing(decision: Decision, jobs: Mapping[int, JobResult], ex: Execution) -> Outcome:
    return Outcome(decision, Status.SKIPPED, decision.reason)


HANDLERS: dict[Action, Handler] = {
    Action.FIX_PR: fix_pr.handle,
    Action.RERUN: rerun.handle,
    Action.ISSUE: issue.handle,
    Action.PR_COMMENT: pr_comment.handle,
    Action.NONE: _nothing,
}


def execute(plan: Plan, jobs: Sequence[JobResult], ex: Execution) -> tuple[Outcome, ...]:
    by_id = {job.job_id: job for job in jobs}
    # One occurrence per fingerprint and attempt: the jobs of a matrix that fail alike are
    # one failing run, not three (docs/dashboard.md).
    seen: set[str] = set()
    for job in jobs:
        d = job.diagnosis
        if d is not None and d.action is not Action.NONE and d.fingerprint not in seen:
            seen.add(d.fingerprint)
            occurrence = ledgerlib.Occurrence(
                d.fingerprint, str(d.category), d.rule or "", d.title, ex.run.id, ex.stamp
            )
            ex.record(ledgerlib.occurred(occurrence))
    outcomes = []
    for decision in plan.decisions:
        outcome = _carry_out(decision, by_id, ex)
        follow = follow_up(outcome)
        if follow is not None:
            outcome = with_follow_up(outcome, _carry_out(follow, by_id, ex))
        outcomes.append(outcome)
    return tuple(outcomes)


def _carry_out(decision: Decision, jobs: Mapping[int, JobResult], ex: Execution) -> Outcome:
    outcome = HANDLERS[decision.action](decision, jobs, ex)
    _record(outcome, jobs, ex)
    return outcome


def _record(outcome: Outcome, jobs: Mapping[int, JobResult], ex: Execution) -> None:
    if outcome.status is not Status.DONE:
        return
    # Whatever was done changes what the dashboard lists: an issue or PR opened, a
    # recurrence counted, a rerun requested.
    ex.dashboard_dirty = True
    decision = outcome.decision
    if decision.action is Action.FIX_PR:
        ex.record(ledgerlib.tracked(decision.fingerprint, pull_request=outcome.number))
        ex.listing_stale = ex.listing_stale or outcome.opened
    elif decision.action is Action.RERUN:
        fingerprints = sorted(
            {
                job.diagnosis.fingerprint
                for job_id, job in jobs.items()
                if job_id in decision.jobs and job.diagnosis is not None
            }
        )
        ex.record(ledgerlib.rerun_requested(ex.run.id, ex.run.attempt, fingerprints, ex.stamp))
    elif decision.action is Action.ISSUE:
        ex.record(ledgerlib.tracked(decision.fingerprint, issue=outcome.number))
        if not ex.run.trusted:
            ex.record(ledgerlib.fork_reported(ex.stamp))
    elif decision.action is Action.PR_COMMENT and not ex.run.trusted:
        ex.record(ledgerlib.fork_reported(ex.stamp))  # within the fork budget too (#t01)


def record_attempt(ex: Execution, succeeded: bool) -> None:
    """This attempt follows one autorecover reran: a success is a recovery."""
    ex.record(ledgerlib.attempt_finished(ex.run.id, ex.run.attempt, succeeded, ex.stamp))
    ex.dashboard_dirty = True


def conclude(ex: Execution) -> None:
    """Refresh the dashboard if something it lists changed, then store the ledger (once),
    also when the dashboard could not be written: without `issues: write` only the
    dashboard is lost, never the rerun counts the circuit breaker reads (#r9)."""
    failed: GitHubError | None = None
    # A fork's run keeps the ledger (its budget, claims and redeliveries) but opens nothing
    # more than its one issue: the next run of the repository's own refreshes the dashboard.
    if ex.dashboard_dirty and ex.run.trusted and ex.settings.dashboard:
        try:
            dashboard.refresh(ex)
        except GitHubError as exc:
            failed = GitHubError(f"the dashboard issue could not be updated: {exc}")
    elif ex.listed:
        # No refresh (`dashboard: false`, a fork's run): the fate of fix PRs is still
        # recorded, from a listing this run read anyway.
        dashboard.record_closed_pulls(ex, ex.tracker())
    if ex.updates:
        ex.stored = ex.store.update(ex.run.key, ex.updates, ex.stored)
    if failed is not None:
        raise failed
