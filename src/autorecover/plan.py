"""What to do about one failed run, and why (pure).

Input: the diagnosis of every failed job, the run's trust, its attempt number, the
settings and what the ledger knows about each fingerprint. Output: a `Plan` whose every
decision carries the reason a maintainer reads in the step summary and the JSON report.

The default matrix (each cell can be changed per category in the config's `actions:`):

| diagnosis                                   | decision                     |
|---------------------------------------------|------------------------------|
| not actionable (fail-fast, superseded)      | none                         |
| confidence below `min-confidence`           | issue                        |
| transient, and *every* failed job transient | rerun (capped, with backoff) |
| low severity, fixable                       | fix PR                       |
| medium severity, fixable                    | fix PR labelled for review   |
| high, critical, unknown                     | issue                        |

Runs from forks are read-only (security.md S1): no fix PR, no rerun unless opted in, and
at most one issue.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from autorecover.event import WorkflowRun
from autorecover.models import Action, Category, Diagnosis, Fix, Severity

FIXABLE = (Severity.LOW, Severity.MEDIUM)


@dataclass(frozen=True, slots=True)
class JobResult:
    """A failed job and what the analyzer made of it (None when its log was unavailable)."""

    job_id: int
    name: str
    html_url: str
    conclusion: str
    diagnosis: Diagnosis | None
    log_status: str = "ok"  # ok | expired | missing
    log_detail: str = ""


@dataclass(frozen=True, slots=True)
class History:
    """What the ledger knows about one fingerprint (see ledger.py)."""

    occurrences: int = 0
    reruns: int = 0
    recoveries: int = 0


@dataclass(frozen=True, slots=True)
class Policy:
    """The settings the plan needs (built from action inputs and the config file)."""

    min_confidence: float = 0.7
    max_reruns: int = 2
    allow_fork_reruns: bool = False
    breaker_min_attempts: int = 3
    breaker_min_success_rate: float = 1 / 3
    actions: Mapping[Category, Action] = field(default_factory=dict)
    severity: Mapping[Category, Severity] = field(default_factory=dict)
    enabled_fixers: frozenset[str] = frozenset(
        {"black", "isort", "ruff-format", "ruff-fix", "add-requirement"}
    )


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    reason: str
    jobs: tuple[int, ...]
    fingerprint: str
    category: Category
    severity: Severity
    fixes: tuple[Fix, ...] = ()
    review: bool = False  # a medium-severity fix: the PR is labelled for review
    escalation: str = ""  # e.g. "reruns-exhausted": the issue says why it exists

    def to_dict(self) -> dict[str, object]:
        return {
            "action": str(self.action),
            "reason": self.reason,
            "jobs": list(self.jobs),
            "fingerprint": self.fingerprint,
            "category": str(self.category),
            "severity": str(self.severity),
            "fixes": [fix.spec for fix in self.fixes],
            "review": self.review,
            "escalation": self.escalation,
        }


@dataclass(frozen=True, slots=True)
class Plan:
    decisions: tuple[Decision, ...]
    notes: tuple[str, ...] = ()

    def of(self, action: Action) -> list[Decision]:
        return [decision for decision in self.decisions if decision.action is action]

    def for_job(self, job_id: int) -> Decision | None:
        return next((d for d in self.decisions if job_id in d.jobs), None)

    def to_dict(self) -> dict[str, object]:
        return {"decisions": [d.to_dict() for d in self.decisions], "notes": list(self.notes)}


def combined_fingerprint(fingerprints: Sequence[str]) -> str:
    unique = sorted(set(fingerprints))
    if len(unique) == 1:
        return unique[0]
    return hashlib.sha256("+".join(unique).encode()).hexdigest()[:16]


def _proposal(job: JobResult, policy: Policy) -> tuple[Action, str, Severity]:
    """The per-job action under this repository's policy, before run-level rules."""
    d = job.diagnosis
    if d is None:
        return (
            Action.ISSUE,
            f"the log is unavailable ({job.log_detail or job.log_status})",
            (Severity.MEDIUM),
        )
    severity = policy.severity.get(d.category, d.severity)
    if d.action is Action.NONE:
        return Action.NONE, d.reason, severity
    if d.confidence < policy.min_confidence:
        return (
            Action.ISSUE,
            (f"confidence {d.confidence:.2f} is below min-confidence {policy.min_confidence:.2f}"),
            severity,
        )
    override = policy.actions.get(d.category)
    if override is not None:
        return override, f"the config maps {d.category} to {override}", severity
    if d.transient:
        return Action.RERUN, d.reason, severity
    fixes = [fix for fix in d.fixes if fix.fixer in policy.enabled_fixers]
    if d.action is Action.FIX_PR and fixes and len(fixes) == len(d.fixes) and severity in FIXABLE:
        return Action.FIX_PR, d.reason, severity
    if d.action is Action.FIX_PR:
        return (
            Action.ISSUE,
            "its fixer is disabled or the severity was raised by the config",
            (severity),
        )
    return Action.ISSUE, d.reason, severity


def make_plan(
    jobs: Sequence[JobResult],
    run: WorkflowRun,
    policy: Policy,
    history: Mapping[str, History] | None = None,
) -> Plan:
    history = history or {}
    proposals = {job.job_id: _proposal(job, policy) for job in jobs}
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
    decisions = _gate_reruns(decisions, run, policy, history, notes)
    decisions = _gate_trust(decisions, run, policy, notes)
    return Plan(tuple(_merge(decisions)), tuple(notes))


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


def _gate_reruns(
    decisions: list[Decision],
    run: WorkflowRun,
    policy: Policy,
    history: Mapping[str, History],
    notes: list[str],
) -> list[Decision]:
    out = []
    for decision in decisions:
        if decision.action is not Action.RERUN:
            out.append(decision)
            continue
        past = history.get(decision.fingerprint, History())
        if run.attempt > policy.max_reruns:
            out.append(
                replace(
                    decision,
                    action=Action.ISSUE,
                    escalation="reruns-exhausted",
                    reason=(
                        f"flaky: attempt {run.attempt} failed again and max-reruns is "
                        f"{policy.max_reruns}; reruns exhausted"
                    ),
                )
            )
        elif (
            past.reruns >= policy.breaker_min_attempts
            and past.recoveries / past.reruns < policy.breaker_min_success_rate
        ):
            out.append(
                replace(
                    decision,
                    action=Action.ISSUE,
                    escalation="circuit-breaker",
                    reason=(
                        f"reruns rarely help this failure ({past.recoveries} of {past.reruns} "
                        "recovered), so it is no longer rerun"
                    ),
                )
            )
        else:
            out.append(decision)
    return out


def _gate_trust(
    decisions: list[Decision], run: WorkflowRun, policy: Policy, notes: list[str]
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
        elif decision.action is Action.RERUN and not policy.allow_fork_reruns:
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
    return out


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
