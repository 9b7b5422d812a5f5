"""Value types shared by the pure core and the adapters.

The analysis hot path uses frozen dataclasses rather than pydantic models: importing
pydantic alone costs about 18 MB of RSS, and `autorecover analyze` has a 40 MB budget on
a 100 MB log. Untrusted structured input (the event payload, the config file) is
validated with pydantic at the boundary, in `event.py` and `config.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

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
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Fix:
    """One fixer invocation proposed by the analyzer, e.g. ``add-requirement:PyYAML``."""

    fixer: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def spec(self) -> str:
        """The stable spelling used in JSON output and config: ``black``, ``add-requirement:X``."""
        if self.fixer == "add-requirement":
            return f"{self.fixer}:{self.param('distribution')}"
        return self.fixer

    def param(self, name: str, default: str = "") -> str:
        for key, value in self.params:
            if key == name:
                return value
        return default


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
