"""Carry out an `issue` decision: one issue per fingerprint, a comment on recurrence, quiet
during the cooldown after a person closed it, a new issue linking the old one after.

Before opening, the creation is claimed in the ledger; a run that finds another run's
claim waits for that run's issue to appear and comments on it (docs/security.md#t22).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from autorecover.adapters.github.errors import GitHubError, PermissionMissing
from autorecover.adapters.github.issues import Body
from autorecover.constants import fingerprint_marker
from autorecover.core import bodies
from autorecover.core import ledger as ledgerlib
from autorecover.core.models import Decision, JobResult, Outcome, Posting, Preview, Status
from autorecover.core.tracker import Item, Tracker, closed_recently
from autorecover.execute.context import Execution

CLAIM_WAITS = (2.0, 4.0, 8.0)


def handle(decision: Decision, jobs: Mapping[int, JobResult], ex: Execution) -> Outcome:
    try:
        tracker = ex.tracker()
    except PermissionMissing as exc:
        # #t47: without `issues` access only this feature is lost.
        return Outcome(decision, Status.FAILED, f"needs `issues: write`: {exc}")
    outcome = _report(decision, jobs, ex, tracker)
    ex.record(ledgerlib.release(decision.fingerprint, ex.owner))
    return outcome


def _report(
    decision: Decision, jobs: Mapping[int, JobResult], ex: Execution, tracker: Tracker
) -> Outcome:
    cooldown = ex.settings.config.issues.cooldown_days
    existing = tracker.for_fingerprint(decision.fingerprint)
    try:
        open_issue = next((i for i in existing if i.is_open), None)
        if open_issue is None and not (existing and closed_recently(existing[0], cooldown, ex.now)):
            # The claim is a write to the state branch; a dry run previews without one.
            holder = None if ex.dry_run else _claim(decision.fingerprint, ex)
            if holder is not None:
                if holder == ex.run.key:
                    detail = "another autorecover process is handling this same run"
                    return Outcome(decision, Status.SKIPPED, detail)
                existing = _wait_for(decision.fingerprint, ex)
                open_issue = next((i for i in existing if i.is_open), None)
                if open_issue is None:
                    detail = f"run {holder} is opening the issue for this failure"
                    return Outcome(decision, Status.SKIPPED, detail)
        if open_issue is not None:
            return _comment(decision, jobs, ex, open_issue)
        closed = existing[0] if existing else None
        if closed is not None and closed_recently(closed, cooldown, ex.now):
            detail = (
                f"#{closed.number} was closed by a person less than {cooldown:g} days ago; "
                "not reopened (cooldown)"
            )
            return Outcome(decision, Status.SKIPPED, detail, closed.html_url)
        return _open(decision, jobs, ex, closed)
    except PermissionMissing as exc:
        # #t47: without `issues: write` only this feature is lost; the run goes on.
        detail = f"needs `{exc.permission or 'issues: write'}` to open issues: {exc}"
        return Outcome(decision, Status.FAILED, detail)
    except GitHubError as exc:
        return Outcome(decision, Status.FAILED, str(exc))


def _claim(fingerprint: str, ex: Execution) -> str | None:
    """Claim the issue's creation; when the state branch cannot be written (a ruleset, a
    409 or 422 that does not go away) the issue is opened anyway: the marker search is the
    source of truth, the ledger only a cache (docs/security.md#t21)."""
    try:
        return ex.claim(fingerprint)
    except PermissionMissing:
        raise
    except GitHubError as exc:
        ex.notes.append(f"the ledger could not record the claim on {fingerprint[:16]}: {exc}")
        return None


def _comment(
    decision: Decision, jobs: Mapping[int, JobResult], ex: Execution, issue: Item
) -> Outcome:
    rows = bodies.jobs_of(decision, jobs)
    entry = ex.entry(decision.fingerprint)

    def body(excerpt: int) -> str:
        context = bodies.comment_context(decision, ex.run, rows, entry, excerpt)
        return ex.render("comment.md.j2", context)

    if ex.dry_run:
        preview = Preview(Posting.COMMENT, body=body(bodies.ISSUE_EXCERPT), target=issue.number)
        detail = f"would note the recurrence on #{issue.number}"
        return Outcome(decision, Status.PROPOSED, detail, issue.html_url, preview=preview)
    ex.issues.comment(issue.number, _both(body))
    return Outcome(decision, Status.DONE, f"recurrence noted on #{issue.number}", issue.html_url)


def _open(
    decision: Decision, jobs: Mapping[int, JobResult], ex: Execution, previous: Item | None
) -> Outcome:
    rows = bodies.jobs_of(decision, jobs)
    entry = ex.entry(decision.fingerprint)
    config = ex.settings.config.issues

    def body(excerpt: int) -> str:
        context = bodies.issue_context(decision, ex.run, rows, entry, config, previous, excerpt)
        return ex.render("issue_body.md.j2", context)

    labels = bodies.issue_labels(decision, config)
    title = bodies.issue_title(decision, rows)
    if ex.dry_run:
        preview = Preview(Posting.ISSUE, title, body(bodies.ISSUE_EXCERPT), labels=tuple(labels))
        detail = "would open an issue" + (f" after #{previous.number}" if previous else "")
        return Outcome(decision, Status.PROPOSED, detail, preview=preview)
    # A label that could not be made (a 5xx) never loses the issue: GitHub creates the
    # labels an issue names, only without colour and description.
    missing = ex.issues.ensure_labels(labels)
    created = ex.issues.create(
        fingerprint_marker(decision.fingerprint),
        title,
        _both(body),
        list(labels),
        config.assignees,
    )
    note = f"; labels created plain ({'; '.join(missing)})" if missing else ""
    detail = f"opened #{created.number}{note}"
    outcome = Outcome(decision, Status.DONE, detail, created.html_url)
    return replace(outcome, opened=True)


def _both(render: Callable[[int], str]) -> Body:
    """The body with the usual excerpt, and with a short one for GitHub's "too long"."""
    return Body(render(bodies.ISSUE_EXCERPT), render(bodies.SHORT_EXCERPT))


def _wait_for(fingerprint: str, ex: Execution) -> list[Item]:
    """Another run claimed the issue: give it a moment to appear, then list again."""
    for delay in CLAIM_WAITS:
        ex.sleep(delay)
        if ex.tracker(refresh=True).for_fingerprint(fingerprint):
            break
    return ex.tracker().for_fingerprint(fingerprint)
