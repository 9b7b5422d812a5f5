"""The step summary's context: decisions by job, jobs that failed alike in one group, the
heading of each dry-run preview."""

from __future__ import annotations

from autorecover.core import summary


def test_each_job_has_its_decision() -> None:
    context = summary.summary_context({"outcomes": [{"jobs": [1, 2], "status": "done"}]})
    assert context["decision_of"][2]["status"] == "done"


def _job(job_id: int, name: str, fingerprint: str) -> dict[str, object]:
    diagnosis = {"fingerprint": fingerprint, "title": "Test failed: t"}
    return {"id": job_id, "name": name, "log": "ok", "log_detail": "", "diagnosis": diagnosis}


def test_the_summary_groups_jobs_that_failed_alike_under_one_decision() -> None:
    jobs = [_job(1, "test (3.11)", "aa"), _job(2, "test (3.12)", "aa"), _job(3, "lint", "bb")]
    preview = {"posting": "comment", "target": 6}
    outcomes = [{"jobs": [1, 2], "status": "proposed", "preview": preview}, {"jobs": [3]}]
    context = summary.summary_context({"jobs": jobs, "outcomes": outcomes})
    assert [[j["name"] for j in g["jobs"]] for g in context["groups"]] == [
        ["test (3.11)", "test (3.12)"],
        ["lint"],
    ]
    first, second = context["outcomes"]
    assert first["job_names"] == ["test (3.11)", "test (3.12)"]
    assert first["preview"]["heading"] == "The comment it would add to #6"
    assert second["preview"] is None


def test_fallback_names_the_result_and_the_error() -> None:
    text = summary.summary_fallback("reported", KeyError("x"))
    assert text.startswith("## autorecover: reported") and "(KeyError)" in text
