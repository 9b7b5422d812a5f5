"""The decisions for a run's failed jobs: the matrix per job, then the run-level gates
(reruns, trust) and the merge into one fix PR, one rerun and one issue per fingerprint."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from autorecover.core.event import WorkflowRun
from autorecover.core.models import (
    Action,
    Category,
    Decision,
    Escalation,
    Fix,
    History,
    JobResult,
    Plan,
    Severity,
)
from autorecover.core.plan.followups import contingency
from autorecover.core.plan.noise import gate_branch, quiet_contingency, timeout_too_long
from autorecover.core.settings import Settings

FIXABLE = (Severity.LOW, Severity.MEDIUM)

# -- the plan ---------------------------------------------------------------------------


def combined_fingerprint(fingerprints: Sequence[str]) -> str:
    unique = sorted(set(fingerprints))
    if len(unique) == 1:
        return unique[0]
    return hashlib.sha256("+".join(unique).encode()).hexdigest()[:16]


def _proposal(job: JobResult, settings: Settings) -> tuple[Action, str, Severity]:
    """The per-job action under this repository's policy, before run-level rules; a long
    timeout is not rerun (`rerun.timeout_max_minutes`)."""
    action, reason, severity = _matrix(job, settings)
    too_long = timeout_too_long(job, settings) if action is Action.RERUN else None
    if too_long:
        return Action.ISSUE, too_long, severity
    return action, reason, severity


def _matrix(job: JobResult, settings: Settings) -> tuple[Action, str, Severity]:
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
    reran: Collection[str] = frozenset(),
    fork_reports_recent: int = 0,
) -> Plan:
    """`reran`: fingerprints autorecover reran for this run's previous attempt;
    `fork_reports_recent`: issues and comments about fork runs in the last hour
    (FORK_REPORT_WINDOW_SECONDS)."""
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
    decisions = [_gate_rerun(d, run, settings, history, reran) for d in decisions]
    decisions = _gate_trust(decisions, run, settings, notes, fork_reports_recent)
    decisions = gate_branch(_merge(decisions), run, settings)
    return Plan(
        tuple(quiet_contingency(contingency(d), run, settings) for d in decisions), tuple(notes)
    )


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
    decision: Decision,
    run: WorkflowRun,
    settings: Settings,
    history: Mapping[str, History],
    reran: Collection[str],
) -> Decision:
    if decision.action is not Action.RERUN:
        return decision
    past = history.get(decision.fingerprint, History())
    if decision.fingerprint in reran:
        # The same failure after our own rerun: not transient after all (a person looks).
        return replace(
            decision,
            action=Action.ISSUE,
            escalation=Escalation.RERUNS_EXHAUSTED,
            reason=(
                f"flaky: attempt {run.attempt} failed the same way after autorecover reran "
                "it; a rerun does not cure it"
            ),
        )
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
    decisions: list[Decision],
    run: WorkflowRun,
    settings: Settings,
    notes: list[str],
    fork_reports_recent: int = 0,
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
    if fork_reports_recent >= settings.fork_reports_per_hour:
        # Anyone can open pull requests from forks: their failures reach the tracker at
        # most `issues.fork_reports_per_hour` times an hour (docs/security.md#t01).
        reason = (
            f"runs from forks reached the tracker {fork_reports_recent} times in the last "
            f"hour (issues.fork_reports_per_hour is {settings.fork_reports_per_hour})"
        )
        out = [
            replace(d, action=Action.NONE, reason=reason) if d.action is Action.ISSUE else d
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
