"""Every decision autorecover makes about a run, and why (pure).

Skips first: the trigger, the run itself, the repository's config, what the analysis
found, a redelivered event. Then the plan: the diagnosis of every failed job, the run's
trust and attempt, the settings and what the ledger knows about each fingerprint go in;
a `Plan` comes out whose every decision carries the reason a maintainer reads in the step
summary and the JSON report, and what follows when GitHub will not let it be carried out
(`follow_up`). The executors carry decisions out and report outcomes; they never change
one, so a dry run shows exactly what a real run would do.

The default matrix (each cell can be changed per category in the config's `actions:`):

| diagnosis                                   | decision                     |
|---------------------------------------------|------------------------------|
| not actionable (fail-fast, superseded)      | none                         |
| confidence below `min-confidence`           | issue                        |
| transient, and *every* failed job transient | rerun (capped, with backoff) |
| low severity, fixable                       | fix PR                       |
| medium severity, fixable                    | fix PR labelled for review   |
| high, critical, unknown                     | issue                        |

Runs from forks are read-only (docs/security.md#s1): no fix PR, no rerun unless opted in,
and at most one issue.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from autorecover.constants import BOT_BRANCH_PREFIX, COMMIT_TRAILER, parse_time
from autorecover.core.event import HANDLED_CONCLUSIONS, WorkflowRun
from autorecover.core.models import (
    Action,
    Category,
    Decision,
    Escalation,
    Fix,
    History,
    JobResult,
    Outcome,
    Plan,
    Severity,
    Status,
)
from autorecover.core.settings import Settings

FIXABLE = (Severity.LOW, Severity.MEDIUM)
WORKFLOW_RUN = "workflow_run"

# -- skips ------------------------------------------------------------------------------


def skip_trigger(event_name: str) -> str | None:
    if event_name != WORKFLOW_RUN:
        return (
            f"the triggering event is '{event_name or 'unknown'}', not workflow_run; "
            "autorecover acts on completed workflow runs"
        )
    return None


def skip_run(run: WorkflowRun) -> str | None:
    """Why this run needs no recovery, or None when it should be analysed.

    A `cancelled` run is analysed further: a job timeout concludes `cancelled` and only
    its annotations tell it from a cancel by a person (`skip_analysed`).
    """
    if run.action != "completed":
        return f"the run is '{run.action}', not completed; autorecover acts on completed runs"
    if run.conclusion == "success" and run.attempt == 1:
        return "the run succeeded; nothing to recover"
    if run.conclusion == "success":
        return None  # an attempt after a rerun: bookkeeping (did our rerun cure it?)
    if run.conclusion not in HANDLED_CONCLUSIONS:
        return f"the run concluded '{run.conclusion}'; nothing to recover"
    # Never fix our own fixes (docs/security.md#r7): a bot branch, or a commit we made.
    if run.head_branch and run.head_branch.startswith(BOT_BRANCH_PREFIX):
        return f"the run is on autorecover's own branch '{run.head_branch}'; never fixed again"
    if COMMIT_TRAILER in run.head_commit_message:
        return "the head commit was made by autorecover; never fixed again"
    return None


def skip_configured(run: WorkflowRun, settings: Settings) -> str | None:
    config, path = settings.config, settings.inputs.config_path
    if not config.enabled:
        return f"disabled by `enabled: false` in {path}"
    if config.workflows and run.name not in config.workflows:
        return f"workflow '{run.name}' is not in `workflows:` of {path}"
    branch = run.head_branch or ""
    if config.branches and not any(fnmatch.fnmatchcase(branch, p) for p in config.branches):
        return f"branch '{branch}' matches none of `branches:` in {path}"
    return None


def skip_analysed(run: WorkflowRun, jobs: Sequence[JobResult]) -> str | None:
    timed_out = any(j.diagnosis and j.diagnosis.category is Category.TIMEOUT for j in jobs)
    if run.conclusion == "cancelled" and not timed_out:
        return "the run was cancelled (by a person or a newer run), not by a timeout"
    return None


def skip_redelivered(run: WorkflowRun, recorded_runs: Sequence[str]) -> str | None:
    """The same event delivered again is recognised, not acted on twice (#t21)."""
    if run.trusted and run.key in recorded_runs:
        return f"run {run.key} was already handled (the event was delivered again)"
    return None


def rerun_pending(run: WorkflowRun, pending_attempt: int | None) -> bool:
    """This attempt follows one autorecover reran: its conclusion says if the rerun cured it."""
    return pending_attempt is not None and pending_attempt < run.attempt


def skip_bookkeeping(run: WorkflowRun, pending_attempt: int | None, dry_run: bool) -> str | None:
    """A successful attempt is recorded only when it follows autorecover's own rerun."""
    if not run.trusted:
        return "the run succeeded; runs from forks are not recorded"
    if not rerun_pending(run, pending_attempt):
        return "the run succeeded after a rerun autorecover did not request"
    if dry_run:
        return "the run succeeded after autorecover's rerun (dry run: not recorded)"
    return None


def skip_fix_pr(
    closed_unmerged: tuple[int, str] | None, open_pulls: int, settings: Settings, now: datetime
) -> str | None:
    """Why no new fix PR is opened (our branch has none open): a person closed the last one
    without merging it within the cooldown, or too many of ours are open."""
    config = settings.config.pull_requests
    if closed_unmerged is not None:
        number, closed_at = closed_unmerged
        when = parse_time(closed_at)
        if when is None or now - when < timedelta(days=config.cooldown_days):
            return (
                f"#{number} was closed without merging less than {config.cooldown_days:g} "
                "days ago; not proposed again (cooldown)"
            )
    if open_pulls >= config.max_open:
        return (
            f"{open_pulls} autorecover pull requests are open (pull_requests.max_open is "
            f"{config.max_open}); not opening another"
        )
    return None


# -- the plan ---------------------------------------------------------------------------


def combined_fingerprint(fingerprints: Sequence[str]) -> str:
    unique = sorted(set(fingerprints))
    if len(unique) == 1:
        return unique[0]
    return hashlib.sha256("+".join(unique).encode()).hexdigest()[:16]


def _proposal(job: JobResult, settings: Settings) -> tuple[Action, str, Severity]:
    """The per-job action under this repository's policy, before run-level rules."""
    d = job.diagnosis
    if d is None:
        return (
            Action.ISSUE,
            f"the log is unavailable ({job.log_detail or job.log_status})",
            Severity.MEDIUM,
        )
    severity = settings.severity.get(d.category, d.severity)
    if d.action is Action.NONE:
        return Action.NONE, d.reason, severity
    if d.confidence < settings.min_confidence:
        return (
            Action.ISSUE,
            f"confidence {d.confidence:.2f} is below min-confidence {settings.min_confidence:.2f}",
            severity,
        )
    override = settings.actions.get(d.category)
    if override is not None:
        return override, f"the config maps {d.category} to {override}", severity
    if d.transient:
        return Action.RERUN, d.reason, severity
    fixes = [fix for fix in d.fixes if fix.fixer in settings.enabled_fixers]
    if d.action is Action.FIX_PR and fixes and len(fixes) == len(d.fixes) and severity in FIXABLE:
        return Action.FIX_PR, d.reason, severity
    if d.action is Action.FIX_PR:
        return (
            Action.ISSUE,
            "its fixer is disabled or the severity was raised by the config",
            severity,
        )
    return Action.ISSUE, d.reason, severity


def make_plan(
    jobs: Sequence[JobResult],
    run: WorkflowRun,
    settings: Settings,
    history: Mapping[str, History] | None = None,
) -> Plan:
    history = history or {}
    proposals = {job.job_id: _proposal(job, settings) for job in jobs}
    notes: list[str] = []
    actionable = [job for job in jobs if proposals[job.job_id][0] is not Action.NONE]
    all_transient = bool(actionable) and all(
        proposals[job.job_id][0] is Action.RERUN for job in actionable
    )
    decisions: list[Decision] = []
    for job in jobs:
        action, reason, severity = proposals[job.job_id]
        if action is Action.RERUN and not all_transient:
            action, reason = Action.NONE, (
                "transient, but other jobs failed for real and a rerun repeats every "
                "failed job; reported with them instead"
            )
        decisions.append(_decision(job, action, reason, severity))
    decisions = [_gate_rerun(d, run, settings, history) for d in decisions]
    decisions = _gate_trust(decisions, run, settings, notes)
    return Plan(tuple(_contingency(d) for d in _merge(decisions)), tuple(notes))


def _decision(job: JobResult, action: Action, reason: str, severity: Severity) -> Decision:
    d = job.diagnosis
    if d is None:
        fingerprint = hashlib.sha256(f"log-unavailable:{job.name}".encode()).hexdigest()[:16]
        return Decision(action, reason, (job.job_id,), fingerprint, Category.UNKNOWN, severity)
    return Decision(
        action,
        reason,
        (job.job_id,),
        d.fingerprint,
        d.category,
        severity,
        fixes=d.fixes if action is Action.FIX_PR else (),
        review=action is Action.FIX_PR and severity is Severity.MEDIUM,
    )


def _gate_rerun(
    decision: Decision, run: WorkflowRun, settings: Settings, history: Mapping[str, History]
) -> Decision:
    if decision.action is not Action.RERUN:
        return decision
    past = history.get(decision.fingerprint, History())
    if run.attempt > settings.max_reruns:
        return replace(
            decision,
            action=Action.ISSUE,
            escalation=Escalation.RERUNS_EXHAUSTED,
            reason=(
                f"flaky: attempt {run.attempt} failed again and max-reruns is "
                f"{settings.max_reruns}; reruns exhausted"
            ),
        )
    if (
        past.reruns >= settings.breaker_min_attempts
        and past.recoveries / past.reruns < settings.breaker_min_success_rate
    ):
        return replace(
            decision,
            action=Action.ISSUE,
            escalation=Escalation.CIRCUIT_BREAKER,
            reason=(
                f"reruns rarely help this failure ({past.recoveries} of {past.reruns} "
                "recovered), so it is no longer rerun"
            ),
        )
    return decision


def _gate_trust(
    decisions: list[Decision], run: WorkflowRun, settings: Settings, notes: list[str]
) -> list[Decision]:
    if run.trusted:
        return decisions
    notes.append(run.trust_reason)
    out = []
    for decision in decisions:
        if decision.action is Action.FIX_PR:
            out.append(
                replace(
                    decision,
                    action=Action.ISSUE,
                    fixes=(),
                    review=False,
                    reason="fixable, but runs from forks are never checked out or pushed to",
                )
            )
        elif decision.action is Action.RERUN and not settings.allow_fork_reruns:
            out.append(
                replace(
                    decision,
                    action=Action.NONE,
                    reason="transient, but fork runs are not rerun unless `rerun.allow_forks`",
                )
            )
        else:
            out.append(decision)
    issues = [d for d in out if d.action is Action.ISSUE]
    if len(issues) > 1:
        # At most one issue for a fork's run: keep the most severe, fold the others in.
        keep = max(issues, key=lambda d: d.severity.rank)
        out = [
            (
                d
                if d.action is not Action.ISSUE or d is keep
                else replace(d, action=Action.NONE, reason="folded into the run's single issue")
            )
            for d in out
        ]
    return [
        (
            replace(d, escalation=Escalation.FORK)
            if d.action is Action.ISSUE and d.escalation is Escalation.NONE
            else d
        )
        for d in out
    ]


def _merge(decisions: list[Decision]) -> list[Decision]:
    """One fix PR for the run (one commit per fixer), one rerun for the run, one issue
    per fingerprint (matrix jobs failing the same way share one)."""
    out: list[Decision] = []
    fixes = [d for d in decisions if d.action is Action.FIX_PR]
    if fixes:
        merged: dict[str, Fix] = {}
        for decision in fixes:
            for fix in decision.fixes:
                merged.setdefault(fix.spec, fix)
        first = max(fixes, key=lambda d: d.severity.rank)
        out.append(
            replace(
                first,
                jobs=tuple(job for d in fixes for job in d.jobs),
                fingerprint=combined_fingerprint([d.fingerprint for d in fixes]),
                fixes=tuple(merged.values()),
                review=any(d.review for d in fixes),
            )
        )
    reruns = [d for d in decisions if d.action is Action.RERUN]
    if reruns:
        out.append(replace(reruns[0], jobs=tuple(job for d in reruns for job in d.jobs)))
    by_fingerprint: dict[str, Decision] = {}
    for decision in decisions:
        if decision.action is not Action.ISSUE:
            continue
        seen = by_fingerprint.get(decision.fingerprint)
        by_fingerprint[decision.fingerprint] = (
            decision if seen is None else replace(seen, jobs=seen.jobs + decision.jobs)
        )
    out += by_fingerprint.values()
    out += [d for d in decisions if d.action is Action.NONE]
    return out


# -- contingencies: what follows when a decision cannot be carried out --------------------

_ON_FAILURE = {
    # A refused rerun becomes one issue saying so, instead of silence (#t38).
    Action.RERUN: Escalation.RERUN_REFUSED,
    # A verified fix GitHub would not take (push or PR refused) goes into an issue with the
    # patch or the compare link, so it is never lost (#t32, #t33).
    Action.FIX_PR: Escalation.FIX_NOT_DELIVERED,
}


def _contingency(decision: Decision) -> Decision:
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
