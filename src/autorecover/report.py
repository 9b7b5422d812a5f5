"""The run report: JSON (the analyze schema plus run metadata and decisions), the action's
outputs, the step-summary context, and annotations for findings that name a file (pure).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from autorecover import __version__
from autorecover.event import WorkflowRun
from autorecover.models import SCHEMA_VERSION, Diagnosis
from autorecover.plan import Decision, JobResult, Plan

MAX_ANNOTATIONS = 10  # GitHub shows at most 10 error annotations per step
_WORKSPACE_PREFIXES = ("/home/runner/work/", "/Users/runner/work/", "/github/workspace/")


@dataclass
class Outcome:
    """What executing a decision did (filled in by the executors; empty in dry runs)."""

    decision: Decision
    status: str = "proposed"  # proposed | done | skipped | failed
    detail: str = ""
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.decision.to_dict(),
            "status": self.status,
            "detail": self.detail,
            "url": self.url,
        }


@dataclass
class RunReport:
    run: WorkflowRun | None
    result: str
    dry_run: bool
    jobs: list[JobResult] = field(default_factory=list)
    plan: Plan | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    skip_reason: str = ""
    error: str = ""
    requests: int = 0
    notes: list[str] = field(default_factory=list)

    def primary(self) -> Diagnosis | None:
        """The diagnosis behind the outputs: the most severe, most confident one."""
        found = [job.diagnosis for job in self.jobs if job.diagnosis is not None]
        if not found:
            return None
        return max(found, key=lambda d: (d.action != "none", d.severity.rank, d.confidence))

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
            "result": self.result,
            "dry_run": self.dry_run,
            "skip_reason": self.skip_reason,
            "error": self.error,
            "run": run_dict(run) if run else None,
            "jobs": [_job_dict(job) for job in self.jobs],
            "plan": self.plan.to_dict() if self.plan else None,
            "outcomes": [outcome.to_dict() for outcome in self.outcomes],
            "api": {"requests": self.requests},
            "notes": self.notes,
        }

    def outputs(self) -> dict[str, str]:
        primary = self.primary()
        return {
            "result": self.result,
            "category": str(primary.category) if primary else "",
            "severity": str(primary.severity) if primary else "",
            "confidence": f"{primary.confidence:.2f}" if primary else "",
            "fingerprint": primary.fingerprint if primary else "",
            "pr-url": self.url_of("pull"),
            "issue-url": self.url_of("issues"),
        }


def run_dict(run: WorkflowRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "attempt": run.attempt,
        "workflow": run.name,
        "event": run.event,
        "conclusion": run.conclusion,
        "repository": run.repository,
        "head_repository": run.head_repository,
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "html_url": run.html_url,
        "same_repository": run.same_repository,
        "trusted": run.trusted,
        "trust_reason": run.trust_reason,
    }


def _job_dict(job: JobResult) -> dict[str, Any]:
    return {
        "id": job.job_id,
        "name": job.name,
        "html_url": job.html_url,
        "conclusion": job.conclusion,
        "log": job.log_status,
        "log_detail": job.log_detail,
        "diagnosis": job.diagnosis.to_dict() if job.diagnosis else None,
    }


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


def file_annotations(jobs: list[JobResult]) -> list[FileAnnotation]:
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
