"""What a maintainer reads, tested as data before rendering: titles, labels, commit
messages and the context keys users' own templates rely on."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from autorecover.constants import DASHBOARD_MARKER, fingerprint_marker
from autorecover.core import bodies
from autorecover.core import ledger as ledgerlib
from autorecover.core.applied import Applied, FixResult, Verification
from autorecover.core.config import IssuesConfig, PullRequestsConfig
from autorecover.core.event import parse_event
from autorecover.core.models import (
    Action,
    Category,
    Decision,
    Diagnosis,
    Escalation,
    EvidenceLine,
    Fix,
    JobResult,
    Severity,
)
from autorecover.core.tracker import Item

RUN = parse_event(
    "workflow_run",
    {
        "action": "completed",
        "repository": {"id": 1, "full_name": "o/r", "default_branch": "main"},
        "workflow_run": {
            "id": 9, "run_attempt": 1, "event": "push", "conclusion": "failure",
            "head_sha": "a" * 40, "head_branch": "main", "name": "CI",
            "head_repository": {"id": 1, "full_name": "o/r"},
        },
    },
)  # fmt: skip
DIAGNOSIS = Diagnosis(
    source="job", category=Category.TEST_FAILURE, severity=Severity.HIGH, confidence=0.9,
    title="Test failed: test_x @octocat fixes #1", explanation="e", remediation="r",
    rule="pytest-failed", failing_step="Run pytest",
    evidence=tuple(EvidenceLine(n, f"line {n}", n == 3) for n in range(1, 60)), findings=(),
    transient=False, action=Action.ISSUE, fixes=(), fingerprint="f" * 16, reason="why",
)  # fmt: skip
DECISION = Decision(Action.ISSUE, "why", (1,), "f" * 16, Category.TEST_FAILURE, Severity.HIGH)
RUN_NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
JOBS = [
    JobResult(1, "test (3.12)", "https://github.com/o/r/actions/runs/9/job/1", "failure", DIAGNOSIS)
]


@pytest.mark.parametrize(
    ("escalation", "title"),
    [
        pytest.param(Escalation.NONE, "[autorecover] Test failed", id="plain"),
        pytest.param(
            Escalation.RERUNS_EXHAUSTED, "[autorecover] Flaky, reruns exhausted: Test failed",
            id="flaky",
        ),
    ],
)  # fmt: skip
def test_issue_title(escalation: Escalation, title: str) -> None:
    text = bodies.issue_title(replace(DECISION, escalation=escalation), JOBS)
    assert text.startswith(title)
    assert "@octocat" not in text and "#1" not in text  # inert: no mention, no reference


def test_issue_title_without_a_log() -> None:
    job = JobResult(1, "j", "", "failure", None)
    assert bodies.issue_title(DECISION, [job]) == "[autorecover] job log unavailable"


def test_issue_labels_and_colours() -> None:
    labels = bodies.issue_labels(DECISION, IssuesConfig(labels=["autorecover", "ci"]))
    assert list(labels) == ["autorecover", "ci", "autorecover: test_failure", "severity: high"]
    assert bodies.label_color("severity: high") == "d93f0b"
    assert bodies.label_color("ci") == bodies.OTHER_LABEL_COLOR


def test_issue_context_keys_and_excerpt() -> None:
    previous = Item(
        3, "old", "", "closed", "https://github.com/o/r/issues/3", "2026-11-01T00:00:00Z"
    )
    context = bodies.issue_context(
        DECISION, RUN, JOBS, {"occurrences": 3, "first_seen": "2026-11-01T00:00:00Z"},
        IssuesConfig(), previous, excerpt=5,
    )  # fmt: skip
    assert set(context) == {
        "run", "jobs", "history", "escalation", "escalation_detail", "fingerprint", "primary",
        "evidence", "previous", "fallback", "cooldown_days", "marker", "seen",
        "comment_interval_hours", "ignore_label",
    }  # fmt: skip
    assert context["ignore_label"] == "autorecover: ignore" and context["seen"]["count"] == 1
    assert context["marker"] == fingerprint_marker("f" * 16)
    assert context["evidence"].count("\n") == 4 and context["history"]["occurrences"] == 3
    assert context["jobs"][0]["failing_step"] == "Run pytest" and context["cooldown_days"] == "7"


def test_the_severity_shown_is_the_decision_s() -> None:
    context = bodies.issue_context(
        replace(DECISION, severity=Severity.CRITICAL), RUN, JOBS, {}, IssuesConfig(), None
    )
    assert context["primary"]["severity"] == "critical"


def test_issue_context_for_an_unavailable_log() -> None:
    job = JobResult(1, "j", "", "failure", None)
    context = bodies.issue_context(DECISION, RUN, [job], {}, IssuesConfig(), None)
    assert context["primary"]["title"] == "The job's log is unavailable"
    assert context["evidence"] == "" and context["history"]["occurrences"] == 1


def test_comment_context_has_the_shared_keys() -> None:
    context = bodies.comment_context(DECISION, RUN, JOBS, {}, excerpt=2)
    assert context["evidence"] == "line 1\nline 2" and context["run"]["attempt"] == 1


APPLIED = (
    Applied(Fix("black"), FixResult(("src/x.py",), "black", "24.10.0"),
            Verification(True, ("black", "--check", "--", "src/x.py"), "")),
    Applied(Fix("add-requirement", (("distribution", "PyYAML"), ("module", "yaml"))),
            FixResult(("requirements.txt",), "autorecover", "0.1.0"),
            Verification(True, (), "PyYAML is declared in requirements.txt")),
)  # fmt: skip


def test_pr_title_and_commit_messages() -> None:
    assert bodies.pr_title(APPLIED) == "autorecover: format with black and declare PyYAML"
    assert bodies.commit_message(APPLIED[0], DIAGNOSIS).startswith("Apply black 24.10.0\n\n")
    assert bodies.commit_message(APPLIED[1], None) == "Declare PyYAML, imported as yaml"


def test_pr_context() -> None:
    context = bodies.pr_context(
        replace(DECISION, action=Action.FIX_PR, review=True), APPLIED, JOBS, RUN,
        "1 file changed", PullRequestsConfig(),
    )  # fmt: skip
    assert context["review"] is True and context["diffstat"] == "1 file changed"
    assert context["results"][0]["verify_command"] == "black --check -- src/x.py"
    assert context["results"][0]["verify_detail"] == ""
    # A check that is no command is described, never rendered as an empty command.
    assert context["results"][1]["verify_command"] == ""
    assert context["results"][1]["verify_detail"] == "PyYAML is declared in requirements.txt"
    assert context["evidence"].count("\n") == bodies.PR_EXCERPT - 1
    assert context["run"]["head_sha"] == "a" * 40


def test_fallback_notes() -> None:
    refused = bodies.pr_refused_note("autorecover/linting_error/ffffffff", "https://x/compare")
    assert "Allow GitHub Actions to create and approve pull requests" in refused
    patch = bodies.push_refused_note("GH006", "+x\n```\n", truncated=True, secret=True)
    assert "(the patch is cut)" in patch and "redaction" in patch
    held = bodies.held_note(["uv.lock must be updated: `uv lock`"] * 2, "+x\n", truncated=False)
    assert held.count("uv.lock must be updated") == 1 and "```diff\n+x" in held
    assert "did not open a pull request" in held and "(the patch is cut)" not in held
    unsafe = bodies.not_fixed_note(["black: the black hook comes from 'local'"] * 2)
    assert unsafe.count("comes from") == 1 and "no fix was safe to make" in unsafe
    assert "````diff" in patch  # a fence longer than any run of backticks in the patch


def test_dashboard_context() -> None:
    context = bodies.dashboard_context([], [], ledgerlib.empty(), RUN_NOW)
    assert context["marker"] == DASHBOARD_MARKER and context["updated"] == "2026-12-03T12:00:00Z"
    assert context["stats"]["totals"]["failures"] == 0 and context["mean_recovery"] == "—"
    assert (context["groups"], context["pull_rows"], context["recoveries"]) == ((), (), ())
