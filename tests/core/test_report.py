"""The run report: the action's `result` output, its other outputs, the JSON shape, and
annotations for findings that name a repository file."""

from __future__ import annotations

from dataclasses import replace

import pytest

from autorecover.core.models import (
    Action,
    Category,
    Decision,
    Diagnosis,
    Finding,
    JobResult,
    Outcome,
    Result,
    Severity,
    Status,
)
from autorecover.core.report import (
    MAX_ANNOTATIONS,
    RunReport,
    file_annotations,
    repository_path,
    result_of,
)

DIAGNOSIS = Diagnosis(
    source="job", category=Category.TYPE_ERROR, severity=Severity.HIGH, confidence=0.876,
    title="t", explanation="e", remediation="r", rule="mypy-error", failing_step=None,
    evidence=(), findings=(), transient=False, action=Action.ISSUE, fixes=(),
    fingerprint="f" * 16, reason="why",
)  # fmt: skip


def outcome(action: Action, status: Status, url: str = "") -> Outcome:
    return Outcome(
        Decision(action, "", (1,), "f" * 16, Category.UNKNOWN, Severity.LOW), status, "", url
    )


@pytest.mark.parametrize(
    ("outcomes", "result"),
    [
        pytest.param([], Result.ANALYSED, id="nothing"),
        pytest.param([outcome(Action.ISSUE, Status.DONE)], Result.REPORTED, id="issue"),
        pytest.param(
            [outcome(Action.ISSUE, Status.DONE), outcome(Action.FIX_PR, Status.DONE)],
            Result.FIXED, id="fix-outranks-issue",
        ),
        pytest.param(
            [outcome(Action.RERUN, Status.DONE), outcome(Action.ISSUE, Status.DONE)],
            Result.RERUN, id="rerun-outranks-issue",
        ),
        pytest.param([outcome(Action.FIX_PR, Status.FAILED)], Result.FAILED, id="failed"),
        pytest.param([outcome(Action.NONE, Status.SKIPPED)], Result.ANALYSED, id="skipped"),
    ],
)  # fmt: skip
def test_result_of(outcomes: list[Outcome], result: Result) -> None:
    assert result_of(outcomes) is result


def test_outputs_name_the_primary_diagnosis_and_the_links() -> None:
    report = RunReport(
        result=Result.FIXED,
        jobs=(JobResult(1, "a", "", "failure", DIAGNOSIS),),
        outcomes=(
            outcome(Action.ISSUE, Status.DONE, "https://github.com/o/r/issues/3"),
            outcome(Action.FIX_PR, Status.DONE, "https://github.com/o/r/pull/4"),
        ),
    )
    assert report.outputs() == {
        "result": "fixed", "category": "type_error", "severity": "high", "confidence": "0.88",
        "fingerprint": "f" * 16, "pr-url": "https://github.com/o/r/pull/4",
        "issue-url": "https://github.com/o/r/issues/3",
    }  # fmt: skip


def test_empty_report_outputs_and_json() -> None:
    report = RunReport().skipped("nothing to do").noted("a note")
    assert report.outputs()["category"] == "" and report.outputs()["result"] == "skipped"
    data = report.to_dict()
    assert data["skip_reason"] == "nothing to do" and data["notes"] == ["a note"]
    assert list(data) == [
        "schema_version", "tool", "result", "dry_run", "skip_reason", "error", "run", "jobs",
        "plan", "outcomes", "api", "notes",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/runner/work/repo/repo/src/x.py", "src/x.py"),
        ("/github/workspace/src/x.py", "src/x.py"),
        ("src\\pkg\\x.py", "src/pkg/x.py"),
        ("src/../x.py", "x.py"),
        ("../outside.py", None),
        ("/usr/lib/python3.11/x.py", None),
        ("C:/a/x.py", None),
        ("/home/runner/work/repo", None),
    ],
)
def test_repository_path(path: str, expected: str | None) -> None:
    assert repository_path(path) == expected


def test_file_annotations_dedupe_and_cap() -> None:
    findings = tuple(
        Finding("mypy-error", Category.TYPE_ERROR, Severity.HIGH, n, f"src/x.py:{n % 15}: error",
                (("path", "src/x.py"), ("line", str(n % 15))))
        for n in range(1, 40)
    )  # fmt: skip
    noisy = replace(
        DIAGNOSIS, findings=(*findings, Finding("r", Category.UNKNOWN, Severity.LOW, 1, "x"))
    )
    notes = file_annotations([JobResult(1, "a", "", "failure", noisy)])
    assert len(notes) == MAX_ANNOTATIONS
    assert len({(n.path, n.line) for n in notes}) == len(notes)
    assert notes[0].title == "autorecover: type_error"
