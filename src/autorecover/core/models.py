"""Enums and frozen records shared by every layer (changed with `dataclasses.replace`).

The analysis hot path uses frozen dataclasses rather than pydantic models: importing
pydantic alone costs about 18 MB of RSS, and `autorecover analyze` has a 40 MB budget on
a 100 MB log. Untrusted structured input (the event payload, the config file) is
validated with pydantic at the boundary, in `event.py` and `config.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from autorecover.constants import FIXER_ADD_REQUIREMENT

SCHEMA_VERSION = 1


class Category(StrEnum):
    DEPENDENCY_ISSUE = "dependency_issue"
    LINTING_ERROR = "linting_error"
    SYNTAX_ERROR = "syntax_error"
    TEST_FAILURE = "test_failure"
    TYPE_ERROR = "type_error"
    SECURITY_SCAN = "security_scan"
    BUILD_ERROR = "build_error"
    TIMEOUT = "timeout"
    NETWORK_ERROR = "network_error"
    PERMISSION_ERROR = "permission_error"
    RESOURCE_EXHAUSTION = "resource_exhaustion"
    CONFIGURATION_ERROR = "configuration_error"
    UNKNOWN = "unknown"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


class Action(StrEnum):
    FIX_PR = "fix_pr"
    RERUN = "rerun"
    ISSUE = "issue"
    # A run off `issues.branches` that belongs to a pull request: one comment there instead
    # of an issue (`issues.pr_comment`).
    PR_COMMENT = "pr_comment"
    NONE = "none"


class Escalation(StrEnum):
    """Why an issue exists beyond "a person should look": the issue body says it."""

    NONE = ""
    RERUNS_EXHAUSTED = "reruns-exhausted"
    CIRCUIT_BREAKER = "circuit-breaker"
    FORK = "fork"
    RERUN_REFUSED = "rerun-refused"
    FIX_NOT_DELIVERED = "fix-not-delivered"


class Status(StrEnum):
    """What carrying out a decision did."""

    PROPOSED = "proposed"  # dry run: shown, not carried out
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"


class Posting(StrEnum):
    """What a dry run shows it would have posted for a decision (`Outcome.preview`)."""

    PULL_REQUEST = "pull_request"
    PULL_REQUEST_UPDATE = "pull_request_update"
    COMMENT = "comment"  # on an issue, or on the pull request a fix joins
    ISSUE = "issue"
    RERUN = "rerun"


class Result(StrEnum):
    """The action's `result` output: the most consequential thing a run did."""

    SKIPPED = "skipped"
    ANALYSED = "analysed"
    FIXED = "fixed"
    RERUN = "rerun"
    REPORTED = "reported"
    RECORDED = "recorded"
    FAILED = "failed"


class LogStatus(StrEnum):
    OK = "ok"
    PENDING = "pending"
    EXPIRED = "expired"
    MISSING = "missing"
    BINARY = "binary"


@dataclass(frozen=True, slots=True)
class Fix:
    """One fixer invocation proposed by the analyzer, e.g. ``add-requirement:PyYAML``."""

    fixer: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def spec(self) -> str:
        """The stable spelling used in JSON output and config: ``black``, ``add-requirement:X``."""
        if self.fixer == FIXER_ADD_REQUIREMENT:
            return f"{self.fixer}:{self.param('distribution')}"
        return self.fixer

    def param(self, name: str, default: str = "") -> str:
        return dict(self.params).get(name, default)  # the keys are unique (rules/schema.py)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule match on one line of a job log (line 0 = an annotation, not the log)."""

    rule: str
    category: Category
    severity: Severity
    line: int
    text: str
    captures: tuple[tuple[str, str], ...] = ()
    step: str | None = None
    in_failing_step: bool = False

    def capture(self, name: str, default: str = "") -> str:
        for key, value in self.captures:
            if key == name:
                return value
        return default

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "category": str(self.category),
            "severity": str(self.severity),
            "line": self.line,
            "text": self.text,
            "captures": dict(self.captures),
            "step": self.step,
        }


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    line: int
    text: str
    matched: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text, "matched": self.matched}


@dataclass(frozen=True, slots=True)
class LogStats:
    lines: int = 0
    bytes_read: int = 0
    bytes_skipped: int = 0
    lines_cut: int = 0
    findings_dropped: int = 0

    def to_dict(self) -> dict[str, int]:
        return {
            "lines": self.lines,
            "bytes_read": self.bytes_read,
            "bytes_skipped": self.bytes_skipped,
            "lines_cut": self.lines_cut,
            "findings_dropped": self.findings_dropped,
        }


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """What went wrong in one job, and what a safe recovery would be."""

    source: str
    category: Category
    severity: Severity
    confidence: float
    title: str
    explanation: str
    remediation: str
    rule: str | None
    failing_step: str | None
    evidence: tuple[EvidenceLine, ...]
    findings: tuple[Finding, ...]
    transient: bool
    action: Action
    fixes: tuple[Fix, ...]
    fingerprint: str
    reason: str
    stats: LogStats = field(default_factory=LogStats)

    @property
    def auto_fixable(self) -> bool:
        return self.action is Action.FIX_PR and bool(self.fixes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "category": str(self.category),
            "severity": str(self.severity),
            "confidence": round(self.confidence, 3),
            "auto_fixable": self.auto_fixable,
            "transient": self.transient,
            "action": str(self.action),
            "reason": self.reason,
            "fixes": [fix.spec for fix in self.fixes],
            "failing_step": self.failing_step,
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "title": self.title,
            "explanation": self.explanation,
            "remediation": self.remediation,
            "evidence": [line.to_dict() for line in self.evidence],
            "findings": [finding.to_dict() for finding in self.findings],
            "stats": self.stats.to_dict(),
        }


def primary(diagnoses: Iterable[Diagnosis | None]) -> Diagnosis | None:
    """The diagnosis that speaks for several jobs (the outputs, a shared issue or PR): an
    actionable one first, then the most severe, then the most confident."""
    found = [d for d in diagnoses if d is not None]
    if not found:
        return None
    return max(found, key=lambda d: (d.action is not Action.NONE, d.severity.rank, d.confidence))


@dataclass(frozen=True, slots=True)
class JobResult:
    """A failed job and what the analyzer made of it (None when its log was unavailable)."""

    job_id: int
    name: str
    html_url: str
    conclusion: str
    diagnosis: Diagnosis | None
    log_status: LogStatus = LogStatus.OK
    log_detail: str = ""
    minutes: float | None = None  # how long the job ran (started_at to completed_at)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.job_id,
            "minutes": self.minutes,
            "name": self.name,
            "html_url": self.html_url,
            "conclusion": self.conclusion,
            "log": str(self.log_status),
            "log_detail": self.log_detail,
            "diagnosis": self.diagnosis.to_dict() if self.diagnosis else None,
        }


@dataclass(frozen=True, slots=True)
class History:
    """What the ledger knows about one fingerprint (core/ledger.py)."""

    occurrences: int = 0
    reruns: int = 0
    recoveries: int = 0


@dataclass(frozen=True, slots=True)
class Decision:
    """One thing to do about a run, and why; `on_failure` is what the plan says follows
    when GitHub will not let it be carried out (core/plan.py `follow_up`)."""

    action: Action
    reason: str
    jobs: tuple[int, ...]
    fingerprint: str
    category: Category
    severity: Severity
    fixes: tuple[Fix, ...] = ()
    review: bool = False  # a medium-severity fix: the PR is labelled for review
    escalation: Escalation = Escalation.NONE
    on_failure: Escalation = Escalation.NONE
    # Only on a follow-up issue: what went wrong (markdown), shown in its body.
    escalation_detail: str = ""
    fallback: str = ""

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
            "escalation": str(self.escalation),
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


@dataclass(frozen=True, slots=True)
class Preview:
    """What a decision would post, exactly: a dry run's handlers stop just before posting."""

    posting: Posting
    title: str = ""
    body: str = ""
    target: int | None = None  # the issue or pull request it goes to, if one exists
    labels: tuple[str, ...] = ()
    diff: str = ""  # redacted, capped (`diff_cut`)
    diffstat: str = ""
    diff_cut: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__slots__}
        return {**data, "posting": str(self.posting), "labels": list(self.labels)}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What carrying out a decision did. `undelivered` is set by a handler that could not
    deliver (a refused rerun, a fix GitHub would not take): it explains why, in markdown,
    for the follow-up the plan prescribes."""

    decision: Decision
    status: Status = Status.PROPOSED
    detail: str = ""
    url: str = ""
    undelivered: str = ""
    opened: bool = False  # a new issue or pull request (the dashboard lists it)
    preview: Preview | None = None  # a dry run: what it would have posted

    @property
    def number(self) -> int | None:
        tail = self.url.rstrip("/").rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() else None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.decision.to_dict(),
            "status": str(self.status),
            "detail": self.detail,
            "url": self.url,
            "preview": self.preview.to_dict() if self.preview else None,
        }
