"""The step summary's template context (summary.md.j2), from the run report: each job's
decision, the jobs that failed alike grouped, and what a dry run would have posted (pure).
The bodies autorecover posts are built in core/bodies.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autorecover.core.models import Posting


def summary_context(report: Mapping[str, Any]) -> dict[str, Any]:
    """summary.md.j2: the run report, each job's decision, the jobs in groups (the jobs of a
    matrix that failed the same way, with the same decision, are one row and one section),
    and the outcomes with the names of their jobs (a job id tells a reader nothing)."""
    decision_of = {job: outcome for outcome in report["outcomes"] for job in outcome["jobs"]}
    names = {job["id"]: job["name"] for job in report.get("jobs", [])}
    groups: dict[tuple[str, str, int], list[Mapping[str, Any]]] = {}
    for job in report.get("jobs", []):
        d = job["diagnosis"]
        what = (d["fingerprint"], d["title"]) if d else ("", f"{job['log']}: {job['log_detail']}")
        groups.setdefault((*what, id(decision_of.get(job["id"]))), []).append(job)
    return {
        "data": report,
        "decision_of": decision_of,
        "groups": [
            {"jobs": jobs, "job": jobs[0], "decision": decision_of.get(jobs[0]["id"])}
            for jobs in groups.values()
        ],
        "outcomes": [
            {
                **o,
                "job_names": [names.get(i, str(i)) for i in o["jobs"]],
                "preview": _preview_view(o.get("preview")),
            }
            for o in report["outcomes"]
        ],
    }


# What a dry run's preview is, in words: the <summary> of its collapsed block.
PREVIEW_HEADINGS = {
    str(Posting.PULL_REQUEST): "The pull request it would open",
    str(Posting.PULL_REQUEST_UPDATE): "The new body of pull request #{target}",
    str(Posting.COMMENT): "The comment it would add to #{target}",
    str(Posting.ISSUE): "The issue it would open",
    str(Posting.RERUN): "The rerun it would request",
}


def _preview_view(preview: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not preview:
        return None
    heading = PREVIEW_HEADINGS[preview["posting"]].format(target=preview.get("target"))
    return {**preview, "heading": heading}


def summary_fallback(result: str, error: BaseException) -> str:
    return (
        f"## autorecover: {result}\n\nThe summary template failed "
        f"({type(error).__name__}); the JSON report has the details.\n"
    )
