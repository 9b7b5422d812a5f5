"""Everything a maintainer reads, before it is rendered: titles, labels, markers, commit
messages and the template contexts of the fix PR, the issue, the recurrence comment, the
dashboard and the step summary (pure; the sandboxed Jinja rendering is an adapter).

Built here once and tested as data (the shape of python/bedevere's `build_issue_body`), so
the templates hold layout, never decisions. Keys of the contexts are part of the contract
with users' own templates (`templates.directory`): add keys, never rename them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from autorecover import __version__
from autorecover.constants import (
    CATEGORY_LABEL,
    DASHBOARD_MARKER,
    FIXER_ADD_REQUIREMENT,
    IGNORE_LABEL,
    SEVERITY_LABEL,
    Seen,
    fingerprint_marker,
    format_time,
)
from autorecover.core import dashboard as board
from autorecover.core.applied import Applied
from autorecover.core.config import IssuesConfig, PullRequestsConfig
from autorecover.core.event import WorkflowRun
from autorecover.core.ledger import Ledger
from autorecover.core.models import Decision, Diagnosis, Escalation, JobResult, primary
from autorecover.core.stats import compute, duration
from autorecover.core.text import mdsafe
from autorecover.core.tracker import Item

DASHBOARD_TITLE = "Auto-recovery dashboard"
ISSUE_TITLE = "[autorecover] {prefix}{what}"
FLAKY_PREFIX = "Flaky, reruns exhausted: "
PR_TITLE_PREFIX = "autorecover: "
LABEL_COLORS = {"critical": "b60205", "high": "d93f0b", "medium": "fbca04", "low": "c2e0c6"}
OTHER_LABEL_COLOR = "ededed"
ISSUE_EXCERPT = 40  # evidence lines in a new issue
PR_EXCERPT = 20
SHORT_EXCERPT = 5  # the retry after GitHub found a body too long (#t46)


def evidence(diagnosis: Diagnosis | None, lines: int) -> str:
    if diagnosis is None:
        return ""
    return "\n".join(line.text for line in diagnosis.evidence[:lines])


def jobs_of(decision: Decision, jobs: Mapping[int, JobResult]) -> list[JobResult]:
    return [jobs[job_id] for job_id in decision.jobs if job_id in jobs]


# -- issues -----------------------------------------------------------------------------


def issue_title(decision: Decision, jobs: Sequence[JobResult]) -> str:
    diagnosis = primary([job.diagnosis for job in jobs])
    what = diagnosis.title if diagnosis else "job log unavailable"
    prefix = FLAKY_PREFIX if decision.escalation is Escalation.RERUNS_EXHAUSTED else ""
    # A title is plain text on GitHub, but references and mentions in it still link.
    return mdsafe.plain_text(ISSUE_TITLE.format(prefix=prefix, what=what))


def issue_labels(decision: Decision, config: IssuesConfig) -> dict[str, str]:
    """Label name -> description, for every label a new issue carries."""
    labels = {name: "Opened by autorecover" for name in config.labels}
    labels[CATEGORY_LABEL.format(decision.category)] = f"Failure category {decision.category}"
    labels[SEVERITY_LABEL.format(decision.severity)] = f"Severity {decision.severity}"
    return labels


# Created with autorecover's other labels, put on no issue: a person adds it to silence one.
SILENCE_LABELS = {IGNORE_LABEL: "autorecover stays quiet about the failure of this issue"}


def label_color(name: str) -> str:
    return LABEL_COLORS.get(name.rsplit(":", 1)[-1].strip(), OTHER_LABEL_COLOR)


def _job_rows(jobs: Sequence[JobResult]) -> list[dict[str, Any]]:
    return [
        {
            "name": job.name,
            "html_url": job.html_url,
            "failing_step": job.diagnosis.failing_step if job.diagnosis else None,
        }
        for job in jobs
    ]


def _history(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "occurrences": int(entry.get("occurrences", 1) or 1),
        "first_seen": entry.get("first_seen") or "",
        "reruns": int(entry.get("reruns", 0)),
        "recoveries": int(entry.get("recoveries", 0)),
    }


def _shared(
    decision: Decision, run: WorkflowRun, jobs: Sequence[JobResult], entry: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        "run": run.to_dict(),
        "jobs": _job_rows(jobs),
        "history": _history(entry),
        "escalation": str(decision.escalation),
        "escalation_detail": decision.escalation_detail,
        "fingerprint": decision.fingerprint,
    }


def _diagnosis_view(diagnosis: Diagnosis | None, decision: Decision) -> dict[str, Any]:
    if diagnosis is None:
        return {
            "category": str(decision.category),
            "severity": str(decision.severity),
            "confidence": 0.0,
            "title": "The job's log is unavailable",
            "explanation": "The job failed, but its log has expired or could not be read, so "
            "autorecover cannot say why.",
            "remediation": "Open the job on GitHub; rerun it to get a fresh log if needed.",
            "rule": None,
        }
    data = diagnosis.to_dict()
    data["severity"] = str(decision.severity)
    return data


def issue_context(
    decision: Decision,
    run: WorkflowRun,
    jobs: Sequence[JobResult],
    entry: Mapping[str, Any],
    config: IssuesConfig,
    previous: Item | None,
    excerpt: int = ISSUE_EXCERPT,
    seen: Seen | None = None,
) -> dict[str, Any]:
    """issue_body.md.j2: a new issue for `decision` (`previous`: the closed one it follows)."""
    diagnosis = primary([job.diagnosis for job in jobs])
    return {
        **occurrences_context(decision, run, jobs, entry, seen or Seen(1)),
        "primary": _diagnosis_view(diagnosis, decision),
        "evidence": evidence(diagnosis, excerpt),
        "previous": previous,
        "fallback": decision.fallback,
        "cooldown_days": f"{config.cooldown_days:g}",
        "comment_interval_hours": f"{config.comment_interval_hours:g}",
        "ignore_label": IGNORE_LABEL,
        "marker": fingerprint_marker(decision.fingerprint),
    }


def occurrences_context(
    decision: Decision,
    run: WorkflowRun,
    jobs: Sequence[JobResult],
    entry: Mapping[str, Any],
    seen: Seen,
) -> dict[str, Any]:
    """occurrences.md.j2: how often and when last, rewritten in the body on recurrence."""
    return {**_shared(decision, run, jobs, entry), "seen": {"count": seen.count, "last": seen.last}}


def comment_context(
    decision: Decision,
    run: WorkflowRun,
    jobs: Sequence[JobResult],
    entry: Mapping[str, Any],
    excerpt: int = ISSUE_EXCERPT,
) -> dict[str, Any]:
    """comment.md.j2: a recurrence on the open issue."""
    diagnosis = primary([job.diagnosis for job in jobs])
    return {**_shared(decision, run, jobs, entry), "evidence": evidence(diagnosis, excerpt)}


def pull_comment_context(
    decision: Decision, run: WorkflowRun, jobs: Sequence[JobResult], branches: Sequence[str]
) -> dict[str, Any]:
    """pull_comment.md.j2: the run's failures, once on its pull request."""
    diagnosis = primary([job.diagnosis for job in jobs])
    rows = [
        {**row, "title": job.diagnosis.title if job.diagnosis else ""}
        for row, job in zip(_job_rows(jobs), jobs, strict=True)
    ]
    return {
        "run": run.to_dict(),
        "jobs": rows,
        "remediation": diagnosis.remediation if diagnosis else "",
        "branches": ", ".join(branches) or run.default_branch,
        "fingerprint": decision.fingerprint,
    }


# -- fix pull requests ------------------------------------------------------------------


def pr_title(applied: Sequence[Applied]) -> str:
    requirements = [
        a.fix.param("distribution") for a in applied if a.fix.fixer == FIXER_ADD_REQUIREMENT
    ]
    formatters = [a.fix.fixer for a in applied if a.fix.fixer != FIXER_ADD_REQUIREMENT]
    parts = []
    if formatters:
        parts.append("format with " + ", ".join(dict.fromkeys(formatters)))
    if requirements:
        parts.append("declare " + ", ".join(requirements))
    return mdsafe.plain_text(PR_TITLE_PREFIX + " and ".join(parts))


def commit_message(applied: Applied, diagnosis: Diagnosis | None) -> str:
    fix = applied.fix
    if fix.fixer == FIXER_ADD_REQUIREMENT:
        subject = f"Declare {fix.param('distribution')}, imported as {fix.param('module')}"
    else:
        subject = f"Apply {applied.result.tool or fix.fixer} {applied.result.version}".strip()
    # plain_text folds newlines, so the paragraph break is added after it.
    why = mdsafe.plain_text(f"The job failed with: {diagnosis.title}")[:300] if diagnosis else ""
    return mdsafe.plain_text(subject) + (f"\n\n{why}" if why else "")


def pr_context(
    decision: Decision,
    applied: Sequence[Applied],
    jobs: Sequence[JobResult],
    run: WorkflowRun,
    diffstat: str,
    config: PullRequestsConfig,
) -> dict[str, Any]:
    """pr_body.md.j2: the fix pull request."""
    diagnosis = primary([job.diagnosis for job in jobs])
    return {
        "marker": fingerprint_marker(decision.fingerprint),
        "run": {
            "workflow": run.name,
            "html_url": run.html_url,
            "head_branch": run.head_branch,
            "head_sha": run.head_sha,
        },
        "review": decision.review,
        "jobs": [
            {
                "name": j.name,
                "html_url": j.html_url,
                "title": j.diagnosis.title if j.diagnosis else "",
                "category": str(j.diagnosis.category) if j.diagnosis else "",
                "severity": str(j.diagnosis.severity) if j.diagnosis else "",
                "failing_step": j.diagnosis.failing_step if j.diagnosis else None,
            }
            for j in jobs
        ],
        "evidence": evidence(diagnosis, PR_EXCERPT),
        "results": [
            {
                "fixer": a.fix.spec,
                "files": list(a.result.changed_files),
                "tool": a.result.tool,
                "version": a.result.version,
                "notes": list(a.result.notes),
                "verify_command": " ".join(a.verification.argv[:6]),
                # A check that is no command (add-requirement parses the file it edited).
                "verify_detail": "" if a.verification.argv else a.verification.output,
                "passed": a.verification.passed,
            }
            for a in applied
        ],
        "diffstat": diffstat,
        "category": str(decision.category),
        "cooldown_days": f"{config.cooldown_days:g}",
    }


FOREIGN_COMMITS_COMMENT = (
    "Commits by others are on this branch, so autorecover no longer updates it. It will not "
    "push here again."
)

# A second failure of the same commit, fixed on this PR's branch (docs/security.md#t23).
JOINED_FIX_COMMENT = (
    "Another workflow failed on the same commit; autorecover added its fix to this pull "
    "request's branch:"
)


def pr_refused_note(branch: str, compare_url: str) -> str:
    """Why a pushed fix has no pull request (the repository setting), for its issue (#t33)."""
    return (
        "autorecover pushed a verified fix to branch "
        f"{mdsafe.inline_code(branch)}, but GitHub refused to let it open the pull request: the "
        "repository setting **Allow GitHub Actions to create and approve pull "
        "requests** (Settings → Actions → General → Workflow permissions) is off. "
        f"Open it yourself from the comparison: {_link(compare_url)}"
    )


# What stays as it is in a URL autorecover links to; everything else is percent-encoded.
_URL_SAFE = "/:?=&"


def _link(url: str) -> str:
    """An autolink to a URL autorecover built (branch names percent-encoded, so no `>` ends
    it early and no `@name` follows it as a live mention: docs/security.md#t08)."""
    return f"<{quote(url, safe=_URL_SAFE)}>"


def pr_not_opened_note(branch: str, compare_url: str, reason: str) -> str:
    """Why a pushed fix has no pull request (GitHub refused or failed), for its issue, so
    the branch is never an orphan (#t34, #t50)."""
    return (
        f"autorecover pushed a verified fix to branch {mdsafe.inline_code(branch)}, but could "
        f"not open the pull request: {mdsafe.neutralize(reason)}. Open it yourself from the "
        f"comparison: {_link(compare_url)}"
    )


def not_fixed_note(reasons: Sequence[str]) -> str:
    """Why no fix could be made safely, for the issue that takes the failure instead."""
    todo = "\n".join(f"- {mdsafe.plain_text(reason)}" for reason in dict.fromkeys(reasons))
    return f"autorecover did not open a pull request, because no fix was safe to make:\n\n{todo}"


def held_note(reasons: Sequence[str], patch: str, truncated: bool) -> str:
    """A fix that must not be a pull request as it stands (a lock file only the project's
    tool can update), as a patch and what is left to do, for its issue."""
    todo = "\n".join(f"- {mdsafe.plain_text(reason)}" for reason in dict.fromkeys(reasons))
    return (
        "autorecover prepared this change but did not open a pull request, because a person "
        f"has to finish it:\n\n{todo}\n\n"
        + mdsafe.code_block(patch, "diff")
        + ("\n\n(the patch is cut)" if truncated else "")
    )


def push_refused_note(message: str, patch: str, truncated: bool, secret: bool) -> str:
    """A verified fix GitHub would not take, as a patch in its issue (#t32)."""
    note = (
        "autorecover prepared a verified fix, but GitHub refused the push: "
        f"{mdsafe.neutralize(message)}\n\n"
        + mdsafe.code_block(patch, "diff")
        + ("\n\n(the patch is cut)" if truncated else "")
    )
    if secret:
        note += "\n\nThis is a bug in autorecover's redaction; please report it."
    return note


# -- the dashboard and the step summary -------------------------------------------------


def dashboard_context(
    pulls: Sequence[Item], issues: Sequence[Item], ledger: Ledger, now: datetime
) -> dict[str, Any]:
    """dashboard.md.j2: open issues and fix PRs (the listing with this run's own writes),
    and the statistics of the ledger as this run leaves it (docs/dashboard.md)."""
    stats = compute(ledger, now)
    known = {f["fingerprint"]: f for f in stats["fingerprints"]}
    return {
        "pulls": list(pulls),
        "issues": list(issues),
        "stats": stats,
        "durations": {fp: duration(f["mean_seconds_to_recovery"]) for fp, f in known.items()},
        "mean_recovery": duration(stats["totals"]["mean_seconds_to_recovery"]),
        "updated": format_time(now),  # not shown: an unchanged body is not rewritten
        "version": __version__,
        "marker": DASHBOARD_MARKER,
        "groups": board.issue_groups(issues, known),
        "silenced": board.silenced(issues),
        "ignore_label": IGNORE_LABEL,
        "pull_rows": board.pull_rows(pulls, known),
        "flaky": board.flaky(stats),
        "recoveries": board.recoveries(ledger, now),
        "recovery_days": board.RECOVERY_DAYS,
    }
