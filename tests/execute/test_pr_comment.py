"""Runs off the branches that open issues, through `autorecover action` against the fake
GitHub: the step summary only, or with `issues.pr_comment` one comment on the run's pull
request, never repeated (rows docs/security.md#t01, #t47)."""

from __future__ import annotations

from typing import Any

from testing.actionrun import ActionRun
from testing.fakegithub import FakeGitHub, JobSpec
from testing.recovery import UNKNOWN, failure_issues, run_event

PR_COMMENT = "issues:\n  pr_comment: true\n"


def _pull_request_run(fake: FakeGitHub) -> tuple[int, dict[str, Any]]:
    fake.create_branch("feature", from_ref="main")
    pull = fake.create_pull("Add a feature", head="feature")
    run = fake.add_run(
        jobs=[JobSpec("build", log=UNKNOWN)], head_branch="feature", event="pull_request"
    )
    return pull.number, fake.workflow_run_event(run.id)


def test_a_run_off_the_default_branch_opens_no_issue(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    number, event = _pull_request_run(fake_github)
    result = action.subprocess(event)
    assert result.code == 0 and result.outputs["result"] == "analysed"
    assert failure_issues(fake_github) == [] and fake_github.comments_on(number) == []
    (decision,) = result.report["plan"]["decisions"]
    assert decision["action"] == "none"
    assert "is not the default branch 'main'" in decision["reason"]
    assert "is not the default branch" in result.summary  # the reason is in the summary
    assert fake_github.calls("POST", "/repos/{owner}/{repo}/issues") == []


def test_issues_branches_lets_other_branches_open_issues(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.put_file(".github/autorecover.yml", "issues:\n  branches: [main, 'feat*']\n")
    _, event = _pull_request_run(fake_github)
    assert action.subprocess(event).outputs["result"] == "reported"
    assert len(failure_issues(fake_github)) == 1


def test_pr_comment_is_posted_once(action: ActionRun, fake_github: FakeGitHub) -> None:
    fake_github.put_file(".github/autorecover.yml", PR_COMMENT)
    number, event = _pull_request_run(fake_github)
    first = action.subprocess(event)
    (outcome,) = first.report["outcomes"]
    assert outcome["action"] == "pr_comment" and outcome["status"] == "done"
    assert outcome["detail"] == f"commented on pull request #{number}"
    (comment,) = fake_github.comments_on(number)
    assert "<!-- autorecover:pull-comment=" in comment.body
    assert "| [`build`](" in comment.body  # the failed job, linked
    assert "only runs on main open issues" in comment.body
    # The same failure on the next push: nothing new on the pull request.
    again = fake_github.add_run(
        jobs=[JobSpec("build", log=UNKNOWN)], head_branch="feature", event="pull_request"
    )
    second = action.subprocess(fake_github.workflow_run_event(again.id))
    (outcome,) = second.report["outcomes"]
    assert outcome["status"] == "skipped" and "already has this comment" in outcome["detail"]
    assert len(fake_github.comments_on(number)) == 1
    assert failure_issues(fake_github) == []


def test_pr_comment_without_a_pull_request_is_summary_only(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    """A fork's run: the payload lists no pull request, and none is open from the fork's
    head (`mallory:main`); nothing is posted."""
    fake_github.put_file(".github/autorecover.yml", PR_COMMENT)
    result = action.subprocess(run_event(fake_github, event="pull_request", fork_owner="mallory"))
    (outcome,) = result.report["outcomes"]
    assert outcome["action"] == "pr_comment" and outcome["status"] == "skipped"
    assert "no open pull request" in outcome["detail"]
    (lookup,) = fake_github.calls("GET", "/repos/{owner}/{repo}/pulls")
    assert lookup.query.get("head") in ("mallory:main", ["mallory:main"])
    assert failure_issues(fake_github) == []


def test_pr_comment_without_permission_loses_only_the_comment_t47(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.put_file(".github/autorecover.yml", PR_COMMENT)
    _, event = _pull_request_run(fake_github)
    fake_github.deny("issues")
    result = action.subprocess(event)
    assert result.code == 0
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "failed" and "needs" in outcome["detail"]
