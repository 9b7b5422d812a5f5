"""The dashboard issue through `autorecover action`, run after run: right after every run that
changes what it lists (issues opened this run included), counting runs not jobs, written only
when its text changes, off with `dashboard: false`; and its body as GitHub renders it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autorecover.cli import main
from autorecover.constants import DASHBOARD_MARKER, fingerprint_marker
from autorecover.core import ledger as ledgerlib
from autorecover.execute import dashboard
from testing.actionrun import ActionRun, Result, failing_log
from testing.execution import execution, seeded_run
from testing.fakegithub import FakeGitHub, JobSpec
from testing.markdown import sections, structure_problems, tables
from testing.recovery import NETWORK, UNKNOWN, Sleeps, failure_issues, ledger, run_event

FP = "0123abcd0123abcd"
ISSUES = "/repos/{owner}/{repo}/issues"
ISSUE = "/repos/{owner}/{repo}/issues/{issue_number}"
QUOTA = failing_log("deploy aborted: the quota is spent", step="Run ./quota.sh")
SEGFAULT = failing_log("deploy aborted: segmentation fault", step="Run ./crash.sh")


def board(fake: FakeGitHub) -> Any:
    (issue,) = [i for i in fake.issues if DASHBOARD_MARKER in (i.body or "")]
    return issue


def act(action: ActionRun, event: dict[str, Any]) -> Result:
    result = action.in_process(event, Sleeps())
    assert result.code == 0, result.report
    return result


def open_issue_rows(body: str) -> dict[int, list[str]]:
    """Issue number -> its row (issue, runs, last seen) in the open issues tables."""
    rows: dict[int, list[str]] = {}
    for table in tables(sections(body)["Open issues"]):
        assert table[0] == ["Issue", "Runs", "Last seen"]
        for row in table[1:]:
            rows[int(row[0].split()[0].lstrip("#"))] = row
    return rows


def well_formed(body: str) -> str:
    assert structure_problems(body) == [], body
    return body


# ----------------------------------------------------------------- right after each run


def test_the_first_failure_is_listed_by_the_run_that_opened_it(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    act(action, run_event(fake_github))
    (issue,) = failure_issues(fake_github)
    body = well_formed(board(fake_github).body)
    assert list(open_issue_rows(body)) == [issue.number]
    assert open_issue_rows(body)[issue.number][1] == "1"
    assert "### unknown: 1 open, seen in 1 run" in body


def test_issues_opened_before_and_in_this_run_are_all_listed(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    for log in (UNKNOWN, QUOTA, SEGFAULT):
        act(action, run_event(fake_github, log))
    numbers = sorted(i.number for i in failure_issues(fake_github))
    assert numbers == [1, 3, 4]  # the dashboard is #2
    assert list(open_issue_rows(well_formed(board(fake_github).body))) == [4, 3, 1]


def test_a_recurrence_refreshes_the_counts(action: ActionRun, fake_github: FakeGitHub) -> None:
    for _ in range(3):
        act(action, run_event(fake_github))
    (issue,) = failure_issues(fake_github)
    assert "| 3 times |" in fake_github.issue(issue.number).body
    body = well_formed(board(fake_github).body)
    assert open_issue_rows(body)[issue.number][1] == "3"
    assert tables(sections(body)["Failures in the last 30 days"]) == [
        [["Category", "Failing runs"], ["unknown", "3"]]
    ]


def test_a_matrix_run_counts_once(action: ActionRun, fake_github: FakeGitHub) -> None:
    def matrix() -> dict[str, Any]:
        jobs = [JobSpec(f"test ({python})", log=UNKNOWN) for python in ("3.11", "3.12", "3.13")]
        return fake_github.workflow_run_event(fake_github.add_run(jobs=jobs).id)

    act(action, matrix())
    (entry,) = ledger(fake_github)["fingerprints"].values()
    assert entry["occurrences"] == 1 and len(ledger(fake_github)["recent"]) == 1
    act(action, matrix())
    (issue,) = failure_issues(fake_github)
    assert open_issue_rows(board(fake_github).body)[issue.number][1] == "2"
    assert "| 2 times |" in fake_github.issue(issue.number).body


def test_a_rerun_and_its_recovery_are_shown(action: ActionRun, fake_github: FakeGitHub) -> None:
    action.inputs["rerun-backoff-seconds"] = "0"
    run = fake_github.add_run(jobs=[JobSpec("build", log=NETWORK)])
    act(action, fake_github.workflow_run_event(run.id))
    flaky = tables(sections(board(fake_github).body)["Flaky failures"])
    assert [row[2:5] for row in flaky[0][1:]] == [["1", "0", "0%"]]
    fake_github.finish_attempt(run.id, "success")
    act(action, fake_github.workflow_run_event(run.id))
    body = well_formed(board(fake_github).body)
    assert [row[2:5] for row in tables(sections(body)["Flaky failures"])[0][1:]] == [
        ["1", "1", "100%"]
    ]
    (recovery,) = tables(sections(body)["Recent recoveries"])[0][1:]
    assert f"attempt 2 of run {run.id} passed after a rerun" in recovery[2]


# ---------------------------------------------------------------------- what it costs


def dashboard_requests(fake: FakeGitHub, since: int) -> list[tuple[str, str | None]]:
    """The requests of the dashboard: the listing, and writes to the dashboard issue."""
    number = board(fake).number

    def ours(r: Any) -> bool:
        if r.template == ISSUES:
            return r.method == "GET" or DASHBOARD_MARKER in r.body["body"]
        return r.template == ISSUE and int(r.path_params["issue_number"]) == number

    found = [(r.method, r.template) for r in fake.requests[since:] if ours(r)]
    return found


def test_requests_per_run(action: ActionRun, fake_github: FakeGitHub) -> None:
    """A first failure: one listing (the issue handler's, shared) and the POST; a
    recurrence: the listing and one PATCH; a rerun: a listing of its own and a PATCH."""
    act(action, run_event(fake_github))
    assert dashboard_requests(fake_github, 0) == [("GET", ISSUES), ("POST", ISSUES)]
    before = len(fake_github.requests)
    act(action, run_event(fake_github))
    assert dashboard_requests(fake_github, before) == [("GET", ISSUES), ("PATCH", ISSUE)]
    before = len(fake_github.requests)
    action.inputs["rerun-backoff-seconds"] = "0"
    act(action, run_event(fake_github, NETWORK))
    assert dashboard_requests(fake_github, before) == [("GET", ISSUES), ("PATCH", ISSUE)]


def test_unchanged_is_not_rewritten(fake_github: FakeGitHub) -> None:
    ex = execution(fake_github, seeded_run(fake_github))
    dashboard.refresh(ex)
    (issue,) = fake_github.issues
    assert issue.title == "Auto-recovery dashboard" and DASHBOARD_MARKER in issue.body
    assert "autorecover" in {getattr(label, "name", label) for label in issue.labels}
    before = len(fake_github.requests)
    again = execution(fake_github, ex.run)  # later, with nothing new
    dashboard.refresh(again)
    assert len(fake_github.issues) == 1
    assert [r.method for r in fake_github.requests[before:]] == ["GET"]  # the listing only


def test_a_dashboard_closed_by_a_person_stays_closed(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    act(action, run_event(fake_github))
    fake_github.close_issue(board(fake_github).number)
    text = board(fake_github).body
    act(action, run_event(fake_github))
    assert board(fake_github).state == "closed" and board(fake_github).body == text


# -------------------------------------------------------------------- dashboard: false


def test_dashboard_false_creates_and_edits_none(action: ActionRun, fake_github: FakeGitHub) -> None:
    act(action, run_event(fake_github))  # a dashboard from before the setting
    text = board(fake_github).body
    fake_github.put_file(".github/autorecover.yml", "dashboard: false\n")
    before = len(fake_github.requests)
    act(action, run_event(fake_github))
    act(action, run_event(fake_github, QUOTA))
    assert board(fake_github).body == text
    dashboard = f"/repos/octo-org/octo-repo/issues/{board(fake_github).number}"
    assert not [
        r
        for r in fake_github.requests[before:]
        if r.method == "PATCH" and r.template == ISSUE and r.path == dashboard
    ]
    assert len(failure_issues(fake_github)) == 2


def test_dashboard_false_from_the_start(action: ActionRun, fake_github: FakeGitHub) -> None:
    fake_github.put_file(".github/autorecover.yml", "dashboard: false\n")
    act(action, run_event(fake_github))
    assert [i for i in fake_github.issues if DASHBOARD_MARKER in (i.body or "")] == []
    assert ledger(fake_github)["claims"] == {}  # the next run does not wait for it
    assert len(failure_issues(fake_github)) == 1


# ---------------------------------------------------------------------- fix PRs, stats


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
    body = well_formed(board(fake_github).body)
    assert list(open_issue_rows(body)) == [1]
    assert ex.entry(FP)["fix_prs_merged"] == 1 and ex.entry(FP)["pull_request"] is None
    (recovery,) = tables(sections(body)["Recent recoveries"])[0][1:]
    assert recovery[2] == f"fix pull request #{pr.number} merged"


@pytest.mark.slow
def test_a_fix_pr_is_listed_and_counted_by_stats(
    make_checkout: Any,
    fake_github_factory: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from testing.gitfixtures import FAKE_TOKEN, load_project

    checkout = make_checkout(load_project("formatting"))
    fake = fake_github_factory(git_dir=checkout.origin.path, token=FAKE_TOKEN)
    (tmp_path / "runner").mkdir()
    action = ActionRun(fake, tmp_path / "runner")
    action.extra_env.update(
        {"GITHUB_WORKSPACE": str(checkout.workspace), "INPUT_GITHUB-TOKEN": FAKE_TOKEN,
         "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "BLACK_NUM_WORKERS": "1"}
    )  # fmt: skip
    log = failing_log(
        "would reformat /home/runner/work/octo-repo/octo-repo/src/demo/core.py",
        "1 file would be reformatted, 3 files would be left unchanged.",
        step="Run black --check .",
    )
    run = fake.add_run(
        jobs=[JobSpec("lint", log=log)], head_branch=checkout.branch, head_sha=checkout.head
    )
    result = action.subprocess(fake.workflow_run_event(run.id), timeout=300)
    assert result.outputs["result"] == "fixed", result.report
    (pr,) = fake.pulls
    body = well_formed(board(fake).body)
    (rows,) = tables(sections(body)["Open fix pull requests"])
    assert rows[0] == ["Pull request", "Fixes", "Category"]
    assert [row[0].split()[0] for row in rows[1:]] == [f"#{pr.number}"]
    assert rows[1][2] == "linting_error"
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "run.json").write_text(json.dumps(result.report))
    assert main(["stats", "--report-dir", str(reports), "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["totals"]["fix_prs_opened"] == 1 and stats["totals"]["failures"] == 1


def test_without_issues_write_the_ledger_is_still_stored_r9(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.deny("issues", "write")
    action.inputs["rerun-backoff-seconds"] = "0"
    result = act(action, run_event(fake_github, NETWORK))
    assert result.outputs["result"] == "rerun"
    (entry,) = ledger(fake_github)["fingerprints"].values()
    assert entry["reruns"] == 1  # what the circuit breaker counts survives
    assert any("dashboard issue could not be updated" in n for n in result.report["notes"])
    assert [i for i in fake_github.issues if DASHBOARD_MARKER in (i.body or "")] == []
    assert ledger(fake_github)["claims"] == {}  # the next run does not wait for it
