"""Carry out a `pr_comment` decision: the run failed off the branches that open issues,
so its failures are told once on its pull request (`issues.pr_comment`), never repeated:
a comment carrying the failure's marker is already there, nothing is posted.

The run's payload lists its pull requests, except for runs from forks (GitHub leaves
`pull_requests` empty for them); those are found by their head, `owner:branch`.
"""

from __future__ import annotations

from collections.abc import Mapping

from autorecover.adapters.github.errors import GitHubError, PermissionMissing
from autorecover.adapters.github.pulls import Pulls
from autorecover.constants import PULL_COMMENT_MARKER
from autorecover.core import bodies
from autorecover.core.event import WorkflowRun
from autorecover.core.models import Decision, JobResult, Outcome, Status
from autorecover.execute.context import Execution


def handle(decision: Decision, jobs: Mapping[int, JobResult], ex: Execution) -> Outcome:
    pulls = Pulls(ex.client)
    try:
        number = _pull_number(ex.run, pulls)
        if number is None:
            detail = "no open pull request has the run's head commit; told in this summary only"
            return Outcome(decision, Status.SKIPPED, detail)
        context = bodies.pull_comment_context(
            decision, ex.run, bodies.jobs_of(decision, jobs), ex.settings.issue_branches
        )
        body = ex.render("pull_comment.md.j2", context)
        marker = PULL_COMMENT_MARKER.format(decision.fingerprint)
        if not pulls.comment_once(number, marker, body):
            return Outcome(decision, Status.SKIPPED, f"#{number} already has this comment")
    except PermissionMissing as exc:
        # #t47: without the permission only this comment is lost.
        detail = f"needs `{exc.permission or 'pull-requests: write'}` to comment: {exc}"
        return Outcome(decision, Status.FAILED, detail)
    except GitHubError as exc:
        return Outcome(decision, Status.FAILED, str(exc))
    return Outcome(decision, Status.DONE, f"commented on pull request #{number}")


def _pull_number(run: WorkflowRun, pulls: Pulls) -> int | None:
    listed = [pr for pr in run.pull_requests if pr.head_sha == run.head_sha]
    if listed or run.pull_requests:
        return (listed or list(run.pull_requests))[0].number
    if not run.head_branch or not run.head_repository:
        return None
    owner = run.head_repository.split("/", 1)[0]
    found = [pr for pr in pulls.open_from(owner, run.head_branch) if pr.head_sha == run.head_sha]
    return found[0].number if found else None
