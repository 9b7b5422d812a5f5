"""The recovery loop against the fake GitHub: reruns with backoff and budgets, one issue per
fingerprint, the ledger and its compare-and-swap, the dashboard (rows docs/security.md#t21, #t25,
#t38, #t39, docs/security.md#t46, #t47 and two processes at once)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from autorecover.constants import format_time, marked_seen
from autorecover.core.text.mdsafe import ZWSP
from autorecover.core.tracker import with_seen
from testing.actionrun import ActionRun, failing_log
from testing.fakegithub import FakeGitHub, Fault
from testing.recovery import failure_issues, ledger, run_event

ISSUES = "/repos/{owner}/{repo}/issues"


# ---------------------------------------------------------------------------- reruns


def _spawn(action: ActionRun, event: dict[str, Any], tmp: Path) -> subprocess.Popen[str]:
    env = action.env(event)
    for name in ("output", "summary"):
        path = tmp / name
        path.write_text("")
        env[f"GITHUB_{'OUTPUT' if name == 'output' else 'STEP_SUMMARY'}"] = str(path)
    env["RUNNER_TEMP"] = str(tmp)
    event_path = tmp / "event.json"
    event_path.write_text(json.dumps(event))
    env["GITHUB_EVENT_PATH"] = str(event_path)
    return subprocess.Popen(
        [sys.executable, "-m", "autorecover", "action"],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _run_together(action: ActionRun, events: list[dict[str, Any]], tmp: Path) -> list[str]:
    """Handle the events in as many processes at once; their stdout and stderr."""
    dirs = [tmp / f"p{n}" for n in range(len(events))]
    for d in dirs:
        d.mkdir()
    procs = [_spawn(action, event, d) for event, d in zip(events, dirs, strict=True)]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + err
        outputs.append(out + err)
    return outputs


# A repository that asks for issues about runs from forks too (a fork's branch is matched
# as `owner:branch`; by default only the default branch opens issues).
FORK_ISSUES = 'issues:\n  branches: [main, "*:*"]\n'


def _fork_event(fake: FakeGitHub, what: str = "the quota of the staging cluster") -> dict[str, Any]:
    fake.put_file(".github/autorecover.yml", FORK_ISSUES)
    log = failing_log(f"deploy aborted: {what} is spent", step="Run ./deploy.sh")
    return run_event(fake, log=log, event="pull_request", fork_owner="mallory")


def test_one_issue_then_its_body_counts_recurrences(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    first = action.subprocess(run_event(fake_github))
    assert first.outputs["result"] == "reported" and first.outputs["issue-url"]
    (issue,) = failure_issues(fake_github)
    assert "<!-- autorecover:fingerprint=" in issue.body
    assert {"autorecover", "autorecover: unknown", "severity: high"} <= set(issue.labels)
    assert "How to silence this" in issue.body and "| 1 time |" in issue.body
    for n in (2, 3):
        again = action.subprocess(run_event(fake_github))
        assert again.outputs["issue-url"] == first.outputs["issue-url"]
        (issue,) = failure_issues(fake_github)
        assert f"| {n} times |" in issue.body and f"autorecover:seen={n} " in issue.body
        assert f"/actions/runs/{again.report['run']['id']}" in issue.body  # the last run
    # A test that fails on every push does not notify on every push: the body was
    # updated, and no comment was posted within the day the issue was opened.
    assert fake_github.comments_on(issue.number) == []
    (outcome,) = again.report["outcomes"]
    assert "no comment" in outcome["detail"] and "comment_interval_hours" in outcome["detail"]


def _age_last_comment(fake: FakeGitHub, number: int, hours: float) -> None:
    """As if autorecover's last comment on the issue was `hours` ago."""
    issue = fake.issue(number)
    seen = marked_seen(issue.body)
    assert seen is not None
    then = format_time(datetime.now(UTC) - timedelta(hours=hours))
    issue.body = with_seen(issue.body, replace(seen, commented=then))


def test_a_recurrence_comments_once_the_interval_has_passed(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    action.subprocess(run_event(fake_github))
    (issue,) = failure_issues(fake_github)
    _age_last_comment(fake_github, issue.number, 25)
    action.subprocess(run_event(fake_github))
    (comment,) = fake_github.comments_on(issue.number)
    assert "Now seen 2 times" in comment.body
    action.subprocess(run_event(fake_github))  # within the day of that comment
    assert len(fake_github.comments_on(issue.number)) == 1
    assert "| 3 times |" in fake_github.issue(issue.number).body


def test_comment_interval_zero_comments_on_every_recurrence(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.put_file(".github/autorecover.yml", "issues:\n  comment_interval_hours: 0\n")
    for _ in range(3):
        action.subprocess(run_event(fake_github))
    (issue,) = failure_issues(fake_github)
    assert len(fake_github.comments_on(issue.number)) == 2


def test_a_recurrence_keeps_what_a_person_wrote_in_the_body(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    action.subprocess(run_event(fake_github))
    (issue,) = failure_issues(fake_github)
    issue.body = "Owner's note: see the staging runbook.\n\n" + issue.body
    action.subprocess(run_event(fake_github))
    body = fake_github.issue(issue.number).body
    assert body.startswith("Owner's note") and "| 2 times |" in body
    assert body.count("### Occurrences") == 1


def test_an_issue_from_before_the_seen_marker_gets_one_and_a_comment(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    action.subprocess(run_event(fake_github))
    (issue,) = failure_issues(fake_github)
    issue.body = re.sub(r"<!-- autorecover:seen=[^>]*-->\n", "", issue.body)
    assert marked_seen(issue.body) is None
    action.subprocess(run_event(fake_github))
    assert len(fake_github.comments_on(issue.number)) == 1
    assert marked_seen(fake_github.issue(issue.number).body) is not None


def test_recurrence_api_calls(action: ActionRun, fake_github: FakeGitHub) -> None:
    """A recurrence within the interval: list our issues, then one PATCH of the body (and
    one of the dashboard's, whose count changed); no comment, nothing created."""
    action.subprocess(run_event(fake_github))
    (issue,) = failure_issues(fake_github)
    (dashboard,) = [i for i in fake_github.issues if i is not issue]
    before = len(fake_github.requests)
    action.subprocess(run_event(fake_github))
    issue_calls = [
        (r.method, r.template, r.path_params.get("issue_number"))
        for r in fake_github.requests[before:]
        if r.template and "/issues" in r.template
    ]
    path = "/repos/{owner}/{repo}/issues/{issue_number}"
    assert issue_calls == [
        ("GET", "/repos/{owner}/{repo}/issues", None),
        ("PATCH", path, str(issue.number)),
        ("PATCH", path, str(dashboard.number)),
    ], issue_calls


@pytest.mark.parametrize("fork", [False, True], ids=["own", "fork"])
def test_same_event_delivered_twice_is_handled_once_t21(
    action: ActionRun, fake_github: FakeGitHub, fork: bool
) -> None:
    """Fork runs keep the ledger's handled marker too (docs/security.md#t01)."""
    event = _fork_event(fake_github) if fork else run_event(fake_github)
    action.subprocess(event)
    again = action.subprocess(event)
    assert again.outputs["result"] == "skipped" and "already handled" in again.report["skip_reason"]
    (issue,) = failure_issues(fake_github)
    assert fake_github.comments_on(issue.number) == []


def test_issue_closed_by_a_person_is_not_reopened_in_cooldown(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    action.subprocess(run_event(fake_github))
    (issue,) = failure_issues(fake_github)
    fake_github.close_issue(issue.number, by="maintainer")
    result = action.subprocess(run_event(fake_github))
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "skipped" and "cooldown" in outcome["detail"]
    assert len(failure_issues(fake_github)) == 1
    assert fake_github.comments_on(issue.number) == []


def test_after_the_cooldown_a_new_issue_links_the_old(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    action.subprocess(run_event(fake_github))
    (issue,) = failure_issues(fake_github)
    fake_github.close_issue(issue.number, by="maintainer", at=datetime.now(UTC) - timedelta(days=8))
    action.subprocess(run_event(fake_github))
    issues = failure_issues(fake_github)
    assert len(issues) == 2 and f"#{issue.number}" in issues[1].body


def test_closed_as_not_planned_silences_the_failure_until_reopened(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    action.subprocess(run_event(fake_github))
    (issue,) = failure_issues(fake_github)
    # Long after any cooldown: "not planned" is not a cooldown, it is a silence.
    fake_github.close_issue(
        issue.number,
        by="maintainer",
        reason="not_planned",
        at=datetime.now(UTC) - timedelta(days=60),
    )
    result = action.subprocess(run_event(fake_github))
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "skipped" and "closed as not planned" in outcome["detail"]
    assert outcome["url"].endswith(f"/issues/{issue.number}")
    assert len(failure_issues(fake_github)) == 1 and fake_github.comments_on(issue.number) == []
    fake_github.reopen_issue(issue.number, by="maintainer")
    action.subprocess(run_event(fake_github))
    assert "| 2 times |" in fake_github.issue(issue.number).body


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
def test_the_ignore_label_silences_the_failure_while_it_is_there(
    action: ActionRun, fake_github: FakeGitHub, closed: bool
) -> None:
    action.subprocess(run_event(fake_github))
    (issue,) = failure_issues(fake_github)
    label = fake_github.state.label("autorecover: ignore")
    assert label is not None and label.description  # made with autorecover's labels
    assert "autorecover: ignore" not in issue.labels and "`autorecover: ignore`" in issue.body
    fake_github.add_labels(issue.number, ["autorecover: ignore"])
    if closed:
        fake_github.close_issue(issue.number, at=datetime.now(UTC) - timedelta(days=60))
    body = issue.body
    result = action.subprocess(run_event(fake_github))
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "skipped" and "autorecover: ignore" in outcome["detail"]
    assert len(failure_issues(fake_github)) == 1
    assert fake_github.issue(issue.number).body == body and not fake_github.comments_on(
        issue.number
    )
    fake_github.issue(issue.number).labels.remove("autorecover: ignore")
    action.subprocess(run_event(fake_github))
    assert len(failure_issues(fake_github)) == (2 if closed else 1)


def test_uncertain_create_is_reconciled_not_duplicated_t25(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.script("POST", ISSUES, [Fault(502, apply=True)])
    result = action.subprocess(run_event(fake_github))
    assert result.outputs["result"] == "reported"
    assert len(failure_issues(fake_github)) == 1
    assert len(fake_github.calls("POST", ISSUES)) == 2  # the failed create + the dashboard


def test_body_too_long_is_retried_shorter_t46(action: ActionRun, fake_github: FakeGitHub) -> None:
    fake_github.script("POST", ISSUES, [Fault.body_too_long("Issue")])
    result = action.subprocess(run_event(fake_github))
    assert result.outputs["result"] == "reported"
    bodies = [r.body["body"] for r in fake_github.calls("POST", ISSUES)]
    assert len(bodies[1]) < len(bodies[0]) and all(len(b) < 65536 for b in bodies)


def test_missing_issues_permission_skips_only_issues_t47(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.deny("issues")
    result = action.subprocess(run_event(fake_github))
    assert result.code == 0
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "failed" and "issues: write" in outcome["detail"]
    assert fake_github.ref("heads/autorecover/state")  # the ledger still got written


def test_hostile_log_text_is_inert_in_the_issue(action: ActionRun, fake_github: FakeGitHub) -> None:
    token = "ghp_" + "Z" * 36
    # Each payload on an error line: the evidence of an unrecognised failure is the lines
    # that read like errors, and every one of these must reach the issue inert.
    log = failing_log(
        "deploy aborted @octocat @org/team &#64;x #1 fixes #2 resolves o/r#3",
        "error: ```",
        "error: </details>",
        "error: <img src=http://127.0.0.1/t>",
        "error: {{ 7*7 }}",
        f"error: token={token}",
        step="Run ./deploy.sh",
    )
    action.subprocess(run_event(fake_github, log))
    (issue,) = failure_issues(fake_github)
    assert token not in issue.body
    assert "@octocat" not in issue.body and "fixes #2" not in issue.body
    assert "{{ 7*7 }}" in issue.body and "49" not in issue.body.split("{{ 7*7 }}")[0][-5:]


# ---------------------------------------------------------------------------- concurrency


def test_two_processes_for_the_same_failure(
    action: ActionRun, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    """Two runs failing the same way, handled at the same time: exactly one issue, both
    occurrences recorded (no lost ledger update)."""
    _run_together(action, [run_event(fake_github), run_event(fake_github)], tmp_path)
    failures = failure_issues(fake_github)
    assert len(failures) == 1
    (entry,) = ledger(fake_github)["fingerprints"].values()
    assert entry["occurrences"] == 2
    assert len([i for i in fake_github.issues if "dashboard" in (i.body or "")]) == 1


def test_the_same_event_in_two_processes_at_once(
    action: ActionRun, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    event = run_event(fake_github)
    _run_together(action, [event, event], tmp_path)
    failures = failure_issues(fake_github)
    assert len(failures) == 1
    assert fake_github.comments_on(failures[0].number) == []
    (entry,) = ledger(fake_github)["fingerprints"].values()
    assert entry["occurrences"] == 1


def test_a_ledger_a_person_damaged_does_not_stop_the_run(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    """Attack (or accident) through the state branch: one wrong-typed value in ledger.json
    made every later run exit 3. Now the run opens its issue, and the next ledger keeps the
    damaged text under `damaged` for a person."""
    damaged = json.dumps({"schema_version": 1, "fingerprints": {"a": {"occurrences": "three"}}})
    fake_github.create_branch("autorecover/state")
    fake_github.commit_files({"ledger.json": damaged}, branch="autorecover/state")
    result = action.subprocess(run_event(fake_github))
    assert result.code == 0, result.stdout + result.stderr
    assert result.outputs["result"] == "reported" and len(failure_issues(fake_github)) == 1
    stored = ledger(fake_github)
    assert stored["damaged"] == damaged and "a" not in stored["fingerprints"]
    assert "did not validate" in result.summary
    again = action.subprocess(run_event(fake_github))
    assert again.code == 0 and "did not validate" not in again.summary


RULESET = "Repository rule violations found\n\nCannot update this protected ref.\n\n"
REFS = "/repos/{owner}/{repo}/git/refs"
CONTENTS = "/repos/{owner}/{repo}/contents/{path}"


@pytest.mark.parametrize(
    ("method", "template", "fault"),
    [
        pytest.param("POST", REFS, Fault(422, body={"message": RULESET}), id="ruleset-on-create"),
        pytest.param("PUT", CONTENTS, Fault(409, body={"message": RULESET}), id="ruleset-409"),
        pytest.param("PUT", CONTENTS, Fault(409), id="conflict-that-stays"),
    ],
)
def test_a_state_branch_nobody_can_write_never_stops_the_issue_t21(
    action: ActionRun, fake_github: FakeGitHub, method: str, template: str, fault: Fault
) -> None:
    """A ruleset (or a 409 that does not go away) on `autorecover/state`: the issue is
    opened, found again by its marker on the next run, and the summary says what was not
    recorded; exit 0 each time."""
    if method == "PUT":
        fake_github.create_branch("autorecover/state")
        fake_github.commit_files({"ledger.json": "{}"}, branch="autorecover/state")
    fake_github.script(method, template, [fault] * 40)
    first = action.subprocess(run_event(fake_github))
    assert first.code == 0, first.stdout + first.stderr
    assert first.outputs["result"] == "reported" and len(failure_issues(fake_github)) == 1
    assert "ledger" in first.summary and "not" in first.summary
    second = action.subprocess(run_event(fake_github))
    assert second.code == 0, second.stdout + second.stderr
    (issue,) = failure_issues(fake_github)
    assert "<!-- autorecover:seen=2 " in issue.body  # found by its marker, counted in its body


def test_a_redelivery_the_ledger_could_not_record_is_recognised_by_the_issue_t21(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    """The first delivery opened the issue but a ruleset kept its ledger write out; the
    same event again finds the run in the issue's own seen marker: nothing counted twice,
    no comment."""
    fake_github.script("POST", REFS, [Fault(422, body={"message": RULESET})] * 40)
    event = run_event(fake_github)
    first = action.subprocess(event)
    assert first.code == 0 and first.outputs["result"] == "reported"
    (issue,) = failure_issues(fake_github)
    body = issue.body
    again = action.subprocess(event)
    assert again.code == 0, again.stdout + again.stderr
    (outcome,) = again.report["outcomes"]
    assert outcome["status"] == "skipped" and "already counted" in outcome["detail"]
    assert fake_github.issue(issue.number).body == body  # still seen once
    assert fake_github.comments_on(issue.number) == []
    # A later run of the same failure is a recurrence again.
    later = action.subprocess(run_event(fake_github))
    assert later.code == 0 and "<!-- autorecover:seen=2 " in fake_github.issue(issue.number).body


def test_a_label_github_fails_to_create_never_loses_the_issue(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.script("POST", "/repos/{owner}/{repo}/labels", [Fault(502)] * 10)
    result = action.subprocess(run_event(fake_github))
    assert result.code == 0, result.stdout + result.stderr
    (issue,) = failure_issues(fake_github)
    assert "autorecover" in issue.labels
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "done" and "labels created plain" in outcome["detail"]


# ---------------------------------------------------------------------------- forks


def test_fork_runs_reach_the_tracker_a_bounded_number_of_times_an_hour_t01(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    """Anyone can open pull requests from forks, each failing a new way: past the hourly
    budget (three by default) they are analysed and reported in the run only."""
    words = ["alpha", "bravo", "charlie", "delta", "echo"]
    results = [action.subprocess(_fork_event(fake_github, f"the {w} quota")) for w in words]
    assert all(r.code == 0 for r in results), [r.stderr for r in results]
    assert len(failure_issues(fake_github)) == 3
    assert all(r.report["run"]["trusted"] is False for r in results)
    (late,) = results[-1].report["plan"]["decisions"]
    assert late["action"] == "none"
    assert "issues.fork_reports_per_hour is 3" in late["reason"]
    assert len(ledger(fake_github)["fork_reports"]) == 3
    # A fork's run never refreshes the dashboard (the repository's own next run does).
    assert not [i for i in fake_github.issues if "autorecover:dashboard" in (i.body or "")]


def test_fork_reports_older_than_an_hour_leave_the_budget_t01(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    """The budget is a sliding hour: reports an hour old no longer count against it."""
    for word in ["alpha", "bravo", "charlie"]:
        assert action.subprocess(_fork_event(fake_github, f"the {word} quota")).code == 0
    state = ledger(fake_github)
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    state["fork_reports"] = [format_time(two_hours_ago)] * 3
    fake_github.commit_files({"ledger.json": json.dumps(state)}, "autorecover/state", "Age")
    late = action.subprocess(_fork_event(fake_github, "the delta quota"))
    assert late.code == 0, late.stderr
    assert len(failure_issues(fake_github)) == 4
    assert late.outputs["issue-url"]


def test_two_fork_runs_at_once_open_one_issue_t25(
    action: ActionRun, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    _run_together(action, [_fork_event(fake_github), _fork_event(fake_github)], tmp_path)
    assert len(failure_issues(fake_github)) == 1


def test_own_runs_code_copies_exactly_fork_runs_code_is_defused(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    """Evidence of the repository's own run copies into a terminal as it is (no zero-width
    characters); a fork's keeps the ZWSPs after `@` and `#` (docs/security.md#s5)."""
    line = "deploy aborted: pip install 'tool @ git+https://example.com/t@v2' failed (#12)"
    own = failing_log(line, step="Run ./deploy.sh")
    action.subprocess(run_event(fake_github, log=own))
    fork = failing_log(line.replace("deploy", "release"), step="Run ./deploy.sh")
    fake_github.put_file(".github/autorecover.yml", FORK_ISSUES)
    action.subprocess(run_event(fake_github, log=fork, event="pull_request", fork_owner="mallory"))
    mine, theirs = sorted(failure_issues(fake_github), key=lambda i: i.number)
    assert "<pre><code>" in mine.body and ZWSP not in mine.body.split("<pre><code>", 1)[1]
    assert "tool &#64; git+https://example.com/t&#64;v2" in mine.body
    assert "@" + ZWSP in theirs.body and "<pre><code>" not in theirs.body
