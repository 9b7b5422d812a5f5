"""The dashboard issue: created once with its marker, rewritten only when its text
changes, and the fate of closed fix PRs recorded in the ledger."""

from __future__ import annotations

from autorecover.constants import DASHBOARD_MARKER, fingerprint_marker
from autorecover.core import ledger as ledgerlib
from autorecover.execute import dashboard
from testing.execution import execution, seeded_run
from testing.fakegithub import FakeGitHub

FP = "0123abcd0123abcd"


def test_created_once_then_left_alone_when_unchanged(fake_github: FakeGitHub) -> None:
    ex = execution(fake_github, seeded_run(fake_github))
    dashboard.refresh(ex)
    (issue,) = fake_github.issues
    assert issue.title == "Auto-recovery dashboard" and DASHBOARD_MARKER in issue.body
    assert "autorecover" in {getattr(label, "name", label) for label in issue.labels}
    ex.updates.clear()  # stored elsewhere; the record is what matters here
    again = execution(fake_github, ex.run)
    again.now = ex.now
    dashboard.refresh(again)
    assert len(fake_github.issues) == 1
    assert not [r for r in fake_github.requests if r.method == "PATCH"]


def test_lists_open_issues_and_records_a_merged_fix(fake_github: FakeGitHub) -> None:
    fake_github.create_issue("[autorecover] x", body=fingerprint_marker(FP), labels=["autorecover"])
    ex = execution(fake_github, seeded_run(fake_github))
    pr = fake_github.create_pull(
        "autorecover: format", head="autorecover/linting_error/0123abcd",
        body=fingerprint_marker(FP),
    )  # fmt: skip
    fake_github.add_labels(pr.number, ["autorecover"])
    fake_github.merge_pull(pr.number)
    ex.record(ledgerlib.tracked(FP, pull_request=pr.number))
    dashboard.refresh(ex)
    board = next(i for i in fake_github.issues if DASHBOARD_MARKER in i.body)
    assert "[#1]" in board.body
    assert ex.entry(FP)["fix_prs_merged"] == 1 and ex.entry(FP)["pull_request"] is None
