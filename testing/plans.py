"""Diagnoses, jobs, runs and settings for tests of the plan (tests/core/plan/)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from autorecover.core.config import parse_config
from autorecover.core.event import parse_event
from autorecover.core.models import Action, Category, Diagnosis, Fix, JobResult, Severity
from autorecover.core.settings import Settings

SHA = "a" * 40


def settings_for(**config: Any) -> Settings:
    """The settings a repository with this `.github/autorecover.yml` content plans with."""
    return Settings.resolve(parse_config(config))


def run(trusted: bool = True, attempt: int = 1, event: str = "push", branch: str = "main") -> Any:
    """A run on `branch` (the default branch, `main`, unless told)."""
    head_id = 1 if trusted else 2
    return parse_event(
        "workflow_run",
        {
            "action": "completed",
            "repository": {"id": 1, "full_name": "o/r", "default_branch": "main"},
            "workflow_run": {
                "id": 9, "run_attempt": attempt, "event": event, "conclusion": "failure",
                "head_sha": SHA, "head_branch": branch,
                "head_repository": {"id": head_id, "full_name": "o/r" if trusted else "m/r"},
            },
        },
    )  # fmt: skip


def diagnosis(**fields: Any) -> Diagnosis:
    base = Diagnosis(
        source="job", category=Category.TEST_FAILURE, severity=Severity.HIGH, confidence=0.9,
        title="t", explanation="e", remediation="r", rule="r", failing_step=None, evidence=(),
        findings=(), transient=False, action=Action.ISSUE, fixes=(), fingerprint="f" * 16,
        reason="why",
    )  # fmt: skip
    return replace(base, **fields)


TESTS = diagnosis()


def jobs(*diagnoses: Diagnosis) -> list[JobResult]:
    return [JobResult(i + 1, f"job{i + 1}", "", "failure", d) for i, d in enumerate(diagnoses)]


def event(**run_fields: Any) -> Any:
    base = {
        "id": 9, "run_attempt": 1, "event": "push", "conclusion": "failure", "head_sha": SHA,
        "head_branch": "feature", "name": "CI", "head_repository": {"id": 1, "full_name": "o/r"},
    }  # fmt: skip
    return parse_event(
        "workflow_run",
        {
            "action": run_fields.pop("action", "completed"),
            "repository": {"id": 1, "full_name": "o/r", "default_branch": "main"},
            "workflow_run": {**base, **run_fields},
        },
    )


BLACK = diagnosis(
    category=Category.LINTING_ERROR, severity=Severity.LOW, action=Action.FIX_PR,
    fixes=(Fix("black"),), fingerprint="b" * 16,
)  # fmt: skip


NETWORK = diagnosis(
    category=Category.NETWORK_ERROR, severity=Severity.MEDIUM, action=Action.RERUN,
    transient=True, fingerprint="d" * 16,
)  # fmt: skip
