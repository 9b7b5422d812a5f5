"""Workflow runs, attempts, jobs, logs, re-runs and check-run annotations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from ..faults import ApiError
from ..state import Attempt, Job, Rerun, Run, State, User
from . import Ctx, Response, not_found, ok, paginate, route

RERUN_DOCS = (
    "https://docs.github.com/rest/actions/workflow-runs#re-run-failed-jobs-from-a-workflow-run"
)
FAILED = {"failure", "cancelled", "timed_out", "startup_failure"}
MAX_ATTEMPTS = 50  # "A workflow run can be re-run a maximum of 50 times."
RERUN_WINDOW = timedelta(days=30)  # "up to 30 days after its initial run"


def get_run(ctx: Ctx) -> Run:
    run = ctx.state.runs.get(ctx.int_param("run_id"))
    if run is None:
        raise not_found()
    return run


def get_attempt(ctx: Ctx, run: Run) -> Attempt:
    attempt = run.attempt(ctx.int_param("attempt_number"))
    if attempt is None:
        raise not_found()
    return attempt


def get_job(ctx: Ctx, param: str = "job_id") -> Job:
    job = ctx.state.jobs.get(ctx.int_param(param))
    if job is None:
        raise not_found()
    return job


def latest_jobs(run: Run) -> list[Job]:
    """`filter=latest`: each job's most recent execution (jobs not re-run keep their old one)."""
    newest: dict[str, Job] = {}
    for attempt in run.attempts:
        for job in attempt.jobs:
            newest[job.name] = job
    return list(newest.values())


@route("actions/get-workflow-run")
def get_workflow_run(ctx: Ctx) -> Response:
    exclude = ctx.q("exclude_pull_requests") == "true"
    return ok(ctx.render.run(get_run(ctx), exclude_pull_requests=exclude))


@route("actions/get-workflow-run-attempt")
def get_workflow_run_attempt(ctx: Ctx) -> Response:
    run = get_run(ctx)
    exclude = ctx.q("exclude_pull_requests") == "true"
    return ok(ctx.render.run(run, get_attempt(ctx, run), exclude_pull_requests=exclude))


def _list_runs(ctx: Ctx, runs: list[Run]) -> Response:
    filters: dict[str, Callable[[Run, str], bool]] = {
        "branch": lambda r, v: r.head_branch == v,
        "event": lambda r, v: r.event == v,
        "head_sha": lambda r, v: r.head_sha == v,
        "actor": lambda r, v: r.latest.actor.login == v,
        "check_suite_id": lambda r, v: str(r.check_suite_id) == v,
        # `status` accepts a status or a conclusion ("failure", "success", ...).
        "status": lambda r, v: v in (r.latest.status, r.latest.conclusion),
    }
    for name, predicate in filters.items():
        value = ctx.q(name)
        if value is not None:
            runs = [r for r in runs if predicate(r, value)]
    runs.sort(key=lambda r: r.id, reverse=True)
    page, headers = paginate(ctx, runs)
    exclude = ctx.q("exclude_pull_requests") == "true"
    body = {
        "total_count": len(runs),
        "workflow_runs": [ctx.render.run(r, exclude_pull_requests=exclude) for r in page],
    }
    return ok(body, headers=headers)


@route("actions/list-workflow-runs-for-repo")
def list_runs_for_repo(ctx: Ctx) -> Response:
    return _list_runs(ctx, list(ctx.state.runs.values()))


@route("actions/list-workflow-runs")
def list_runs_for_workflow(ctx: Ctx) -> Response:
    key = ctx.params["workflow_id"]
    runs = [
        r
        for r in ctx.state.runs.values()
        if str(r.workflow_id) == key or r.path.endswith("/" + key)
    ]
    return _list_runs(ctx, runs)


@route("actions/list-jobs-for-workflow-run")
def list_jobs(ctx: Ctx) -> Response:
    run = get_run(ctx)
    if ctx.q("filter", "latest") == "all":
        jobs = [job for attempt in run.attempts for job in attempt.jobs]
    else:
        jobs = latest_jobs(run)
    page, headers = paginate(ctx, jobs)
    return ok(
        {"total_count": len(jobs), "jobs": [ctx.render.job(j) for j in page]}, headers=headers
    )


@route("actions/list-jobs-for-workflow-run-attempt")
def list_attempt_jobs(ctx: Ctx) -> Response:
    attempt = get_attempt(ctx, get_run(ctx))
    page, headers = paginate(ctx, attempt.jobs)
    return ok(
        {"total_count": len(attempt.jobs), "jobs": [ctx.render.job(j) for j in page]},
        headers=headers,
    )


@route("actions/get-job-for-workflow-run")
def get_job_route(ctx: Ctx) -> Response:
    return ok(ctx.render.job(get_job(ctx)))


@route("checks/list-annotations")
def list_annotations(ctx: Ctx) -> Response:
    job = get_job(ctx, "check_run_id")
    page, headers = paginate(ctx, list(range(len(job.annotations))))
    return ok([ctx.render.annotation(job, i) for i in page], headers=headers)


# --- logs ---
def _logs_state_error(state: str) -> ApiError | None:
    # Logs past retention / deleted: observed answer is 410 {"message":"Server Error"}; GitHub's
    # OpenAPI documents neither this nor the 404, so clients must treat any 4xx as "no log".
    if state == "expired":
        return ApiError(410, "Server Error")
    if state == "missing":
        return ApiError(404, "Not Found")
    return None


@route("actions/download-job-logs-for-workflow-run")
def job_logs(ctx: Ctx) -> Response:
    job = get_job(ctx)
    error = _logs_state_error(job.log_state)
    if error:
        raise error
    if job.status != "completed" and job.log is None:
        raise not_found()
    return Response(302, None, {"Location": ctx.fake.blobs.signed_url("job", job.id)})


@route("actions/download-workflow-run-logs")
def run_logs(ctx: Ctx) -> Response:
    run = get_run(ctx)
    error = _logs_state_error(run.logs_state)
    if error:
        raise error
    return Response(
        302, None, {"Location": ctx.fake.blobs.signed_url("run", run.id, run.latest.number)}
    )


@route("actions/download-workflow-run-attempt-logs")
def attempt_logs(ctx: Ctx) -> Response:
    run = get_run(ctx)
    attempt = get_attempt(ctx, run)
    error = _logs_state_error(run.logs_state)
    if error:
        raise error
    return Response(
        302, None, {"Location": ctx.fake.blobs.signed_url("run", run.id, attempt.number)}
    )


# --- re-runs and cancel ---
def _check_rerunnable(state: State, run: Run) -> None:
    def forbidden(message: str) -> ApiError:
        return ApiError(403, message)

    if run.latest.status != "completed":
        raise forbidden("This workflow is already running")
    if len(run.attempts) >= MAX_ATTEMPTS or run.logs_state != "ok":
        raise forbidden("This workflow run cannot be retried")
    if state.clock.now() - run.attempts[0].created_at > RERUN_WINDOW:
        raise forbidden("Unable to retry this workflow run because it was created over a month ago")


def start_attempt(state: State, run: Run, rerun: list[Job], triggering_actor: User) -> Attempt:
    """A re-run creates attempt n+1 holding queued copies of the re-run jobs (new job ids).

    Jobs that are not re-run keep their previous execution, which `filter=latest` still lists.
    """
    now = state.clock.now()
    attempt = Attempt(
        number=len(run.attempts) + 1,
        status="queued",
        conclusion=None,
        created_at=now,
        run_started_at=now,
        updated_at=now,
        actor=run.latest.actor,  # re-runs keep the original actor's privileges
        triggering_actor=triggering_actor,
    )
    for old in rerun:
        job = replace(
            old,
            id=next(state.ids.job),
            run_attempt=attempt.number,
            status="queued",
            conclusion=None,
            steps=[],
            created_at=now,
            started_at=now,
            completed_at=None,
            runner_name=None,
            runner_id=None,
            runner_group_name=None,
            log=None,
            log_state="ok",
            annotations=[],
        )
        attempt.jobs.append(job)
        state.jobs[job.id] = job
    run.attempts.append(attempt)
    return attempt


def _record_rerun(ctx: Ctx, kind: str, run: Run, jobs: list[Job]) -> Response:
    previous = run.latest.number
    attempt = start_attempt(ctx.state, run, jobs, ctx.caller)
    debug = bool(ctx.json_body().get("enable_debug_logging", False))
    ctx.state.reruns.append(
        Rerun(
            kind,
            run.id,
            previous,
            attempt.number,
            [j.id for j in jobs],
            debug,
            ctx.state.clock.now(),
        )
    )
    return ok({}, 201)


@route("actions/re-run-workflow-failed-jobs")
def rerun_failed(ctx: Ctx) -> Response:
    run = get_run(ctx)
    _check_rerunnable(ctx.state, run)
    failed = [j for j in latest_jobs(run) if j.conclusion in FAILED]
    if not failed:
        raise ApiError(403, "This workflow run cannot be retried")
    return _record_rerun(ctx, "failed-jobs", run, failed)


@route("actions/re-run-workflow")
def rerun_run(ctx: Ctx) -> Response:
    run = get_run(ctx)
    _check_rerunnable(ctx.state, run)
    return _record_rerun(ctx, "run", run, latest_jobs(run))


@route("actions/re-run-job-for-workflow-run")
def rerun_job(ctx: Ctx) -> Response:
    job = get_job(ctx)
    run = ctx.state.runs[job.run_id]
    _check_rerunnable(ctx.state, run)
    if job not in latest_jobs(run):
        raise ApiError(403, "This job cannot be retried")
    return _record_rerun(ctx, "job", run, [job])


@route("actions/cancel-workflow-run")
def cancel_run(ctx: Ctx) -> Response:
    run = get_run(ctx)
    attempt = run.latest
    if attempt.status == "completed":
        raise ApiError(409, "Cannot cancel a workflow run that is completed.")
    now = ctx.state.clock.now()
    attempt.status, attempt.conclusion, attempt.updated_at = "completed", "cancelled", now
    for job in attempt.jobs:
        if job.status != "completed":
            job.status, job.conclusion, job.completed_at = "completed", "cancelled", now
    return ok({}, 202)


# --- repository Actions settings ---
@route("actions/get-github-actions-default-workflow-permissions-repository")
def get_workflow_permissions(ctx: Ctx) -> Response:
    return ok(
        {
            "default_workflow_permissions": ctx.state.default_workflow_permissions,
            "can_approve_pull_request_reviews": ctx.state.can_approve_pull_request_reviews,
        }
    )


@route("actions/set-github-actions-default-workflow-permissions-repository")
def set_workflow_permissions(ctx: Ctx) -> Response:
    body = ctx.json_body()
    if "default_workflow_permissions" in body:
        ctx.state.default_workflow_permissions = body["default_workflow_permissions"]
    if "can_approve_pull_request_reviews" in body:
        ctx.state.can_approve_pull_request_reviews = bool(body["can_approve_pull_request_reviews"])
    return Response(204)
