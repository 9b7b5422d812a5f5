"""Carrying out an `issue` decision: one issue per fingerprint, a comment on recurrence,
quiet during the cooldown after a person closed it, a new issue linking the old after."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from autorecover import mdsafe
from autorecover.config import IssuesConfig
from autorecover.event import WorkflowRun
from autorecover.github import GitHubError, PermissionMissing
from autorecover.issues import Issues, Tracker, closed_recently, marker
from autorecover.models import Diagnosis
from autorecover.plan import Decision, JobResult
from autorecover.redact import Redactor
from autorecover.render import Renderer
from autorecover.report import Outcome, run_dict

BODY_LIMIT = mdsafe.DEFAULT_BODY_LIMIT


@dataclass
class ReportContext:
    run: WorkflowRun
    jobs: Mapping[int, JobResult]
    history: Mapping[str, Any]  # the ledger entry of the fingerprint
    config: IssuesConfig
    renderer: Renderer
    redactor: Redactor
    now: datetime
    notes: list[str] = field(default_factory=list)  # a failing user template is reported here

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """A user template from the default branch if configured; the built-in one when it
        fails (T12, T13), with the error noted for the step summary."""
        rendered = self.renderer.render_with_fallback(name, context)
        if rendered.error is not None and str(rendered.error) not in self.notes:
            self.notes.append(str(rendered.error))
        return rendered.text


def _evidence(diagnosis: Diagnosis | None, lines: int) -> str:
    if diagnosis is None:
        return ""
    return "\n".join(line.text for line in diagnosis.evidence[:lines])


def _primary(jobs: Sequence[JobResult]) -> Diagnosis | None:
    found = [job.diagnosis for job in jobs if job.diagnosis is not None]
    return max(found, key=lambda d: (d.severity.rank, d.confidence)) if found else None


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
        "occurrences": entry.get("occurrences", 1) or 1,
        "first_seen": entry.get("first_seen") or "",
        "reruns": entry.get("reruns", 0),
        "recoveries": entry.get("recoveries", 0),
    }


def _finish(ctx: ReportContext, text: str) -> str:
    """Everything posted is redacted (S6) and kept under GitHub's body limit (T46)."""
    return mdsafe.cap_body(ctx.redactor.redact(text).text, BODY_LIMIT).text


def _title(decision: Decision, diagnosis: Diagnosis | None) -> str:
    what = diagnosis.title if diagnosis else "job log unavailable"
    prefix = "Flaky, reruns exhausted: " if decision.escalation == "reruns-exhausted" else ""
    # A title is plain text on GitHub, but references and mentions in it still link.
    return mdsafe.plain_text(f"[autorecover] {prefix}{what}")


def report_issue(
    issues: Issues,
    tracker: Tracker,
    decision: Decision,
    ctx: ReportContext,
    fallback: str = "",
    escalation_detail: str = "",
    claim: Callable[[], str | None] = lambda: None,
    wait: Callable[[str], Tracker] | None = None,
) -> Outcome:
    """Comment on the open issue of the fingerprint, stay quiet in the cooldown, or open
    one. Before opening, `claim` must grant this run the right to (it returns the run
    key of the holder otherwise); `wait` then lists again until the holder's issue shows."""
    outcome = Outcome(decision)
    jobs = [ctx.jobs[job_id] for job_id in decision.jobs if job_id in ctx.jobs]
    diagnosis = _primary(jobs)
    existing = tracker.with_marker(marker(decision.fingerprint))
    base = _base(decision, ctx, jobs, escalation_detail)
    try:
        open_issue = next((i for i in existing if i.get("state") == "open"), None)
        if open_issue is None and not (
            existing and closed_recently(existing[0], ctx.config.cooldown_days, ctx.now)
        ):
            holder = claim()
            if holder is not None:
                if holder == f"{ctx.run.id}:{ctx.run.attempt}" or wait is None:
                    outcome.status = "skipped"
                    outcome.detail = "another autorecover process is handling this same run"
                    return outcome
                existing = wait(decision.fingerprint).with_marker(marker(decision.fingerprint))
                open_issue = next((i for i in existing if i.get("state") == "open"), None)
                if open_issue is None:
                    outcome.status = "skipped"
                    outcome.detail = f"run {holder} is opening the issue for this failure"
                    return outcome
        if open_issue is not None:

            def comment(excerpt: int) -> str:
                context = {**base, "evidence": _evidence(diagnosis, excerpt)}
                return _finish(ctx, ctx.render("comment.md.j2", context))

            issues.comment(int(open_issue["number"]), comment)
            outcome.status, outcome.url = "done", str(open_issue.get("html_url") or "")
            outcome.detail = f"recurrence noted on #{open_issue['number']}"
            return outcome
        closed = existing[0] if existing else None
        if closed is not None and closed_recently(closed, ctx.config.cooldown_days, ctx.now):
            outcome.status = "skipped"
            outcome.url = str(closed.get("html_url") or "")
            outcome.detail = (
                f"#{closed['number']} was closed by a person less than "
                f"{ctx.config.cooldown_days:g} days ago; not reopened (cooldown)"
            )
            return outcome

        def body(excerpt: int) -> str:
            return _body(base, decision, ctx, diagnosis, closed, fallback, excerpt)

        labels = _labels(decision, ctx.config)
        issues.ensure_labels(labels)
        created = issues.create(
            decision.fingerprint,
            _title(decision, diagnosis),
            body,
            list(labels),
            ctx.config.assignees,
        )
        outcome.status, outcome.url = "done", str(created.get("html_url") or "")
        outcome.detail = f"opened #{created.get('number')}"
        return outcome
    except PermissionMissing as exc:
        # T47: without `issues: write` only this feature is lost; the run goes on.
        outcome.status = "failed"
        outcome.detail = f"needs `{exc.permission or 'issues: write'}` to open issues: {exc}"
        return outcome
    except GitHubError as exc:
        outcome.status, outcome.detail = "failed", str(exc)
        return outcome


def _base(
    decision: Decision, ctx: ReportContext, jobs: Sequence[JobResult], escalation_detail: str
) -> dict[str, Any]:
    return {
        "run": run_dict(ctx.run),
        "jobs": _job_rows(jobs),
        "history": _history(ctx.history),
        "escalation": decision.escalation,
        "escalation_detail": escalation_detail,
        "fingerprint": decision.fingerprint,
    }


def _body(
    base: Mapping[str, Any],
    decision: Decision,
    ctx: ReportContext,
    diagnosis: Diagnosis | None,
    closed: Mapping[str, Any] | None,
    fallback: str,
    excerpt: int,
) -> str:
    context = {
        **base,
        "primary": _diagnosis_view(diagnosis, decision),
        "evidence": _evidence(diagnosis, excerpt),
        "previous": closed,
        "fallback": fallback,
        "cooldown_days": f"{ctx.config.cooldown_days:g}",
        "marker": marker(decision.fingerprint),
    }
    return _finish(ctx, ctx.render("issue_body.md.j2", context))


def issue_preview(decision: Decision, ctx: ReportContext) -> tuple[str, str]:
    """The title and body of the issue a decision would open (for local dry runs)."""
    jobs = [ctx.jobs[job_id] for job_id in decision.jobs if job_id in ctx.jobs]
    diagnosis = _primary(jobs)
    base = _base(decision, ctx, jobs, "")
    return _title(decision, diagnosis), _body(base, decision, ctx, diagnosis, None, "", 40)


def _labels(decision: Decision, config: IssuesConfig) -> dict[str, str]:
    labels = {name: "Opened by autorecover" for name in config.labels}
    labels[f"autorecover: {decision.category}"] = f"Failure category {decision.category}"
    labels[f"severity: {decision.severity}"] = f"Severity {decision.severity}"
    return labels


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
