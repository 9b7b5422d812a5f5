"""Carry out an `issue` decision as core/plan/tracking.py says: one issue per fingerprint;
on recurrence its body's count, last seen and last run updated, and a comment at most once
per `issues.comment_interval_hours`; nothing while it is silenced (the label
`autorecover: ignore`, or closed as not planned) or in the cooldown after a person closed
it; after that a new issue linking the old one.

Before opening, the creation is claimed in the ledger; a run that finds another run's
claim waits for that run's issue to appear and comments on it (docs/security.md#t22).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from autorecover.adapters.github.errors import GitHubError, PermissionMissing
from autorecover.adapters.github.issues import Body
from autorecover.constants import Seen, fingerprint_marker, marked_seen
from autorecover.core import bodies
from autorecover.core import ledger as ledgerlib
from autorecover.core import plan as planner
from autorecover.core.models import Decision, JobResult, Outcome, Posting, Preview, Status
from autorecover.core.plan import IssuePlan, IssueStep
from autorecover.core.tracker import Item, Tracker, next_seen, with_section, with_seen
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
    existing = tracker.for_fingerprint(decision.fingerprint)
    try:
        step = planner.issue_step(existing, ex.settings, ex.now, ex.run.key)
        if step.step is IssueStep.OPEN:
            # The claim is a write to the state branch; a dry run previews without one.
            holder = None if ex.dry_run else _claim(decision.fingerprint, ex)
            if holder is not None:
                if holder == ex.run.key:
                    detail = "another autorecover process is handling this same run"
                    return Outcome(decision, Status.SKIPPED, detail)
                step = planner.issue_step(
                    _wait_for(decision.fingerprint, ex), ex.settings, ex.now, ex.run.key
                )
                if step.step is IssueStep.OPEN:
                    detail = f"run {holder} is opening the issue for this failure"
                    return Outcome(decision, Status.SKIPPED, detail)
        if step.step is IssueStep.OPEN:
            return _open(decision, jobs, ex, step.item)
        assert step.item is not None
        if step.step in (IssueStep.UPDATE, IssueStep.COMMENT):
            return _recur(decision, jobs, ex, step)
        return Outcome(decision, Status.SKIPPED, step.reason, step.item.html_url)
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


def _recur(
    decision: Decision, jobs: Mapping[int, JobResult], ex: Execution, step: IssuePlan
) -> Outcome:
    """The body's count, last seen and last run, every time; a comment when one is due."""
    issue = step.item
    assert issue is not None
    rows = bodies.jobs_of(decision, jobs)
    entry = ex.entry(decision.fingerprint)
    seen = next_seen(
        marked_seen(issue.body), entry, ex.stamp, step.step is IssueStep.COMMENT, ex.run.key
    )
    entry = {**entry, "occurrences": seen.count}
    section = ex.render(
        "occurrences.md.j2", bodies.occurrences_context(decision, ex.run, rows, entry, seen)
    )
    body = with_seen(with_section(issue.body, section) or issue.body, seen)

    def comment(excerpt: int) -> str:
        context = bodies.comment_context(decision, ex.run, rows, entry, excerpt)
        return ex.render("comment.md.j2", context)

    if ex.dry_run:
        detail = f"would count #{issue.number} seen {seen.count} times"
        if step.step is IssueStep.UPDATE:
            return Outcome(decision, Status.PROPOSED, f"{detail}, no comment ({step.reason})")
        preview = Preview(Posting.COMMENT, body=comment(bodies.ISSUE_EXCERPT), target=issue.number)
        detail += " and note the recurrence"
        return Outcome(decision, Status.PROPOSED, detail, issue.html_url, preview=preview)
    ex.issues.update_body(issue.number, body)
    if step.step is IssueStep.UPDATE:
        detail = f"seen {seen.count} times: #{issue.number} updated, no comment ({step.reason})"
        return Outcome(decision, Status.DONE, detail, issue.html_url)
    ex.issues.comment(issue.number, _both(comment))
    detail = f"recurrence noted on #{issue.number} (seen {seen.count} times)"
    return Outcome(decision, Status.DONE, detail, issue.html_url)


def _open(
    decision: Decision, jobs: Mapping[int, JobResult], ex: Execution, previous: Item | None
) -> Outcome:
    rows = bodies.jobs_of(decision, jobs)
    entry = ex.entry(decision.fingerprint)
    config = ex.settings.config.issues

    # The count starts from what the ledger knows (reruns before this issue, say).
    seen = Seen(max(int(entry.get("occurrences") or 0), 1), ex.stamp, ex.stamp, ex.run.key)

    def body(excerpt: int) -> str:
        context = bodies.issue_context(
            decision, ex.run, rows, entry, config, previous, excerpt, seen
        )
        return with_seen(ex.render("issue_body.md.j2", context), seen)

    labels = bodies.issue_labels(decision, config)
    title = bodies.issue_title(decision, rows)
    if ex.dry_run:
        preview = Preview(Posting.ISSUE, title, body(bodies.ISSUE_EXCERPT), labels=tuple(labels))
        detail = "would open an issue" + (f" after #{previous.number}" if previous else "")
        return Outcome(decision, Status.PROPOSED, detail, preview=preview)
    # A label that could not be made (a 5xx) never loses the issue: GitHub creates the
    # labels an issue names, only without colour and description. The label that
    # silences an issue is made with them, for a person to add.
    missing = ex.issues.ensure_labels({**labels, **bodies.SILENCE_LABELS})
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
