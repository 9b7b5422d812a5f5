"""The run report: JSON (the analyze schema plus run metadata and decisions), the action's
outputs, the step-summary context, and annotations for findings that name a file (pure).
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from autorecover import __version__
from autorecover.core.event import WorkflowRun
from autorecover.core.models import (
    SCHEMA_VERSION,
    Action,
    Diagnosis,
    JobResult,
    Outcome,
    Plan,
    Result,
    Status,
    primary,
)

MAX_ANNOTATIONS = 10  # GitHub shows at most 10 error annotations per step
_WORKSPACE_PREFIXES = ("/home/runner/work/", "/Users/runner/work/", "/github/workspace/")


@dataclass(frozen=True)
class RunReport:
    """What one run of the action found, decided and did (the JSON report, the outputs and
    the step summary are all made from it)."""

    run: WorkflowRun | None = None
    result: Result = Result.FAILED
    dry_run: bool = False
    jobs: tuple[JobResult, ...] = ()
    plan: Plan | None = None
    outcomes: tuple[Outcome, ...] = ()
    skip_reason: str = ""
    error: str = ""
    requests: int = 0
    notes: tuple[str, ...] = ()

    def skipped(self, reason: str) -> RunReport:
        return replace(self, result=Result.SKIPPED, skip_reason=reason)

    def noted(self, *notes: str) -> RunReport:
        return replace(self, notes=self.notes + notes)

    def primary(self) -> Diagnosis | None:
        """The diagnosis behind the outputs."""
        return primary([job.diagnosis for job in self.jobs])

    def url_of(self, kind: str) -> str:
        """The first pull request (`kind` "pull") or issue ("issues") an outcome links to;
        a fix that fell back to an issue reports that issue."""
        for outcome in self.outcomes:
            if f"/{kind}/" in outcome.url:
                return outcome.url
        return ""

    def to_dict(self) -> dict[str, Any]:
        run = self.run
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "autorecover", "version": __version__},
            "result": str(self.result),
            "dry_run": self.dry_run,
            "skip_reason": self.skip_reason,
            "error": self.error,
            "run": run.to_dict() if run else None,
            "jobs": [job.to_dict() for job in self.jobs],
            "plan": self.plan.to_dict() if self.plan else None,
            "outcomes": [outcome.to_dict() for outcome in self.outcomes],
            "api": {"requests": self.requests},
            "notes": list(self.notes),
        }

    def outputs(self) -> dict[str, str]:
        primary = self.primary()
        return {
            "result": str(self.result),
            "category": str(primary.category) if primary else "",
            "severity": str(primary.severity) if primary else "",
            "confidence": f"{primary.confidence:.2f}" if primary else "",
            "fingerprint": primary.fingerprint if primary else "",
            "pr-url": self.url_of("pull"),
            "issue-url": self.url_of("issues"),
        }


def result_of(outcomes: Sequence[Outcome]) -> Result:
    """The `result` output: the most consequential thing done."""
    done = {o.decision.action for o in outcomes if o.status is Status.DONE}
    for action, result in (
        (Action.FIX_PR, Result.FIXED),
        (Action.RERUN, Result.RERUN),
        (Action.ISSUE, Result.REPORTED),
    ):
        if action in done:
            return result
    if any(o.status is Status.FAILED for o in outcomes):
        return Result.FAILED
    return Result.ANALYSED


@dataclass(frozen=True, slots=True)
class FileAnnotation:
    path: str
    line: int
    title: str
    message: str


def repository_path(path: str) -> str | None:
    """A path from a log as a path inside the repository, or None if it is not one."""
    path = path.strip().replace("\\", "/")
    for prefix in _WORKSPACE_PREFIXES:
        if path.startswith(prefix):
            rest = path[len(prefix) :]
            # /home/runner/work/<repo>/<repo>/src/x.py -> src/x.py
            parts = rest.split("/", 2) if prefix != "/github/workspace/" else ["", "", rest]
            if len(parts) < 3:
                return None
            path = parts[2]
            break
    if not path or path.startswith("/") or ":" in path.split("/")[0]:
        return None
    normal = posixpath.normpath(path)
    if normal == ".." or normal.startswith("../"):
        return None
    return normal


def file_annotations(jobs: Sequence[JobResult]) -> list[FileAnnotation]:
    """Findings whose captures name a repository file and a line (mypy, flake8, pytest…)."""
    out: list[FileAnnotation] = []
    seen: set[tuple[str, int]] = set()
    for job in jobs:
        diagnosis = job.diagnosis
        if diagnosis is None:
            continue
        for finding in diagnosis.findings:
            path = finding.capture("path") or finding.capture("file")
            line = finding.capture("line")
            if not path or not line.isdigit():
                continue
            relative = repository_path(path)
            if relative is None or (relative, int(line)) in seen:
                continue
            seen.add((relative, int(line)))
            out.append(
                FileAnnotation(
                    relative,
                    int(line),
                    f"autorecover: {finding.category}",
                    finding.text[:500],
                )
            )
            if len(out) >= MAX_ANNOTATIONS:
                return out
    return out
