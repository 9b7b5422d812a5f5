"""Runs, jobs, logs, annotations and reruns (src/autorecover/adapters/github/runs.py) against the
stateful fake GitHub (testing/fakegithub): rows docs/security.md#t29, #t30, #t31 of
docs/security.md."""

from __future__ import annotations

import random
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from autorecover.adapters.github.client import LOG_BLOCK, ApiSettings, GitHub
from autorecover.adapters.github.errors import GitHubError, NotFound
from autorecover.adapters.github.runs import (
    Job,
    LogDownload,
    annotation_messages,
    list_jobs,
    rerun_failed_jobs,
    run_attempt,
)
from autorecover.core.models import LogStatus
from testing.fakegithub import Annotation, FakeGitHub, Fault, JobSpec, timeout_annotation

TOKEN = "ghs_" + "R" * 36
LOGS = "/repos/{owner}/{repo}/actions/jobs/{job_id}/logs"
RERUN = "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs"


def github_client(fake: FakeGitHub, sleeps: list[float] | None = None) -> GitHub:
    env = fake.env()
    settings = ApiSettings(
        api_url=env["GITHUB_API_URL"],
        token=fake.token or TOKEN,
        repository=env["GITHUB_REPOSITORY"],
        seconds_between_requests=0,
        seconds_between_writes=0,
    )
    return GitHub(
        settings, sleep=(sleeps if sleeps is not None else []).append, rng=random.Random(0)
    )


@pytest.fixture
def client(fake_github: FakeGitHub) -> GitHub:
    assert fake_github.env()["GITHUB_REPOSITORY"] == "octo-org/octo-repo"
    return github_client(fake_github)


# ---------------------------------------------------------------------------- jobs


def test_list_jobs_returns_typed_jobs_with_check_run_id(
    fake_github: FakeGitHub, client: GitHub
) -> None:
    run = fake_github.add_run(jobs=["test", JobSpec("lint", conclusion="success")])
    jobs = list_jobs(client, run.id, 1)
    seeded = {j.id: j for j in fake_github.jobs_of(run.id)}
    assert [type(job) for job in jobs] == [Job, Job]
    assert {(job.id, job.name, job.conclusion) for job in jobs} == {
        (j.id, j.name, j.conclusion) for j in seeded.values()
    }
    for job in jobs:
        assert job.check_run_id == seeded[job.id].check_run_id
        assert job.html_url.endswith(f"/job/{job.id}")


@pytest.mark.parametrize(
    ("data", "minutes"),
    [
        pytest.param({"started_at": "2024-03-12T10:00:00Z", "completed_at": "2024-03-12T16:00:30Z"},
                     360.5, id="six-hours"),
        pytest.param({"started_at": "2024-03-12T10:00:00Z", "completed_at": None}, None,
                     id="not-completed"),
        pytest.param({"started_at": "2024-03-12T10:00:00Z", "completed_at": "2024-03-12T09:00:00Z"},
                     None, id="clock-backwards"),
        pytest.param({"started_at": "yesterday", "completed_at": "2024-03-12T09:00:00Z"}, None,
                     id="unreadable"),
    ],
)  # fmt: skip
def test_job_minutes_from_its_times(data: dict[str, Any], minutes: float | None) -> None:
    assert Job.of({"id": 1, "name": "test", **data}).minutes == minutes


def test_list_jobs_tells_how_long_each_ran(fake_github: FakeGitHub, client: GitHub) -> None:
    run = fake_github.add_run(jobs=[JobSpec("test", minutes=42.0)])
    (job,) = list_jobs(client, run.id, 1)
    assert job.minutes == 42.0


def test_list_jobs_follows_pages(fake_github: FakeGitHub, client: GitHub) -> None:
    run = fake_github.add_run(jobs=[JobSpec(f"job-{i}", conclusion="success") for i in range(130)])
    jobs = list_jobs(client, run.id, 1)
    assert [job.name for job in jobs] == [f"job-{i}" for i in range(130)]
    assert (
        len(
            fake_github.calls(
                "GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs"
            )
        )
        == 2
    )


def test_list_jobs_of_an_earlier_attempt(fake_github: FakeGitHub, client: GitHub) -> None:
    run = fake_github.add_run(jobs=["test"], run_attempt=2)
    (first,) = list_jobs(client, run.id, 1)
    (second,) = list_jobs(client, run.id, 2)
    assert first.id != second.id
    assert first.id in {j.id for j in fake_github.jobs_of(run.id, 1)}


def test_missing_run_is_not_found_without_writes_t30(
    fake_github: FakeGitHub, client: GitHub
) -> None:
    with pytest.raises(NotFound, match="not found .404."):
        list_jobs(client, 987654, 1)
    with pytest.raises(NotFound):
        run_attempt(client, 987654)
    assert fake_github.write_calls() == []


def test_run_attempt_is_the_latest(fake_github: FakeGitHub, client: GitHub) -> None:
    run = fake_github.add_run(run_attempt=3)
    assert run_attempt(client, run.id) == 3


# ---------------------------------------------------------------------------- annotations


def test_annotation_messages_of_a_job(fake_github: FakeGitHub, client: GitHub) -> None:
    note = Annotation(
        path="src/app.py",
        start_line=3,
        end_line=3,
        annotation_level="warning",
        message="unused import",
        title="",
        raw_details="",
    )
    run = fake_github.add_run(
        jobs=[
            JobSpec("slow", conclusion="cancelled", annotations=[timeout_annotation(), note]),
            JobSpec("quiet", conclusion="success"),
        ]
    )
    slow, quiet = (
        next(j for j in list_jobs(client, run.id, 1) if j.name == n) for n in ("slow", "quiet")
    )
    assert slow.check_run_id is not None and quiet.check_run_id is not None
    messages = annotation_messages(client, slow.check_run_id)
    assert len(messages) == 2
    assert "exceeded the maximum execution time of 360 minutes" in messages[0]
    assert messages[1] == "unused import"
    assert annotation_messages(client, quiet.check_run_id) == []


# ---------------------------------------------------------------------------- logs


def _download(client: GitHub, job_id: int) -> tuple[LogDownload, list[bytes]]:
    download = LogDownload(client, job_id)
    assert download.status == LogStatus.PENDING
    return download, list(download.blocks())


def test_log_download_streams_blocks_without_the_token(
    fake_github_factory: Callable[..., FakeGitHub],
) -> None:
    fake = fake_github_factory(token=TOKEN)  # the fake checks the token on every API call
    line = b"x" * 1023 + b"\n"

    def log() -> Iterator[bytes]:
        for _ in range(2600):  # 2.5 MiB, served in 64 KiB chunks
            yield line

    run = fake.add_run(jobs=[JobSpec("test", log=log)])
    (job,) = fake.jobs_of(run.id)
    download, blocks = _download(github_client(fake), job.id)
    assert download.status == LogStatus.OK and download.detail == ""
    assert b"".join(blocks) == line * 2600
    assert len(blocks) > 1 and all(0 < len(b) <= LOG_BLOCK for b in blocks)
    (api,) = fake.calls("GET", LOGS)
    assert api.status == 302 and api.headers["authorization"] == f"token {TOKEN}"
    assert [r.status for r in fake.blob_requests] == [200]
    assert all("authorization" not in r.headers for r in fake.blob_requests)


def test_log_download_is_lazy(fake_github: FakeGitHub, client: GitHub) -> None:
    run = fake_github.add_run(jobs=[JobSpec("test", log="hello\n")])
    (job,) = fake_github.jobs_of(run.id)
    download = LogDownload(client, job.id)
    blocks = download.blocks()
    assert fake_github.calls("GET", LOGS) == []
    assert b"".join(blocks) == b"hello\n" and download.status == LogStatus.OK


@pytest.mark.parametrize(
    ("log_state", "status", "detail"),
    [
        pytest.param("missing", LogStatus.MISSING, "not available (404)", id="404-missing"),
        pytest.param("expired", LogStatus.EXPIRED, "expired or were deleted", id="410-expired"),
    ],
)
def test_unavailable_logs_get_a_status_t29(
    fake_github: FakeGitHub, client: GitHub, log_state: str, status: LogStatus, detail: str
) -> None:
    run = fake_github.add_run(jobs=["test"])
    (job,) = fake_github.jobs_of(run.id)
    fake_github.set_log_state(job.id, log_state)
    download, blocks = _download(client, job.id)
    assert blocks == [] and download.status == status and detail in download.detail
    assert len(fake_github.calls("GET", LOGS)) == 1  # not retried
    assert fake_github.blob_requests == []


def test_logs_past_retention_are_expired_t29(fake_github: FakeGitHub, client: GitHub) -> None:
    run = fake_github.add_run(jobs=["a", "b"])
    fake_github.expire_run_logs(run.id)
    for job in fake_github.jobs_of(run.id):
        download, blocks = _download(client, job.id)
        assert blocks == [] and download.status == LogStatus.EXPIRED


def test_expired_signed_log_url_is_requested_again_t31(
    fake_github: FakeGitHub, client: GitHub
) -> None:
    run = fake_github.add_run(jobs=[JobSpec("test", log="fresh log\n")])
    (job,) = fake_github.jobs_of(run.id)
    fake_github.state.clock.advance(-120)
    stale = fake_github.blobs.signed_url("job", job.id)  # expired a minute ago
    fake_github.state.clock.advance(120)
    fake_github.script("GET", LOGS, [Fault(302, headers={"Location": stale}, body="")])
    download, blocks = _download(client, job.id)
    assert download.status == LogStatus.OK and b"".join(blocks) == b"fresh log\n"
    assert len(fake_github.calls("GET", LOGS)) == 2
    assert [r.status for r in fake_github.blob_requests] == [403, 200]


def test_a_second_expired_url_reports_the_log_missing_t31(
    fake_github_factory: Callable[..., FakeGitHub],
) -> None:
    fake = fake_github_factory(log_url_ttl=-5)  # every signed URL is born expired
    run = fake.add_run(jobs=["test"])
    (job,) = fake.jobs_of(run.id)
    download, blocks = _download(github_client(fake), job.id)
    assert blocks == [] and download.status == LogStatus.MISSING
    assert download.detail == "the log host answered 403"
    assert len(fake.calls("GET", LOGS)) == 2  # asked for a fresh redirect once, not more
    assert [r.status for r in fake.blob_requests] == [403, 403]


def test_a_200_instead_of_the_redirect_is_missing(fake_github: FakeGitHub, client: GitHub) -> None:
    run = fake_github.add_run(jobs=["test"])
    (job,) = fake_github.jobs_of(run.id)
    fake_github.script("GET", LOGS, [Fault(200, body="inline log")])
    download, blocks = _download(client, job.id)
    assert blocks == [] and download.status == LogStatus.MISSING
    assert "unexpected answer 200" in download.detail


def test_log_download_retries_a_5xx_like_any_read(fake_github: FakeGitHub) -> None:
    sleeps: list[float] = []
    client = github_client(fake_github, sleeps)
    run = fake_github.add_run(jobs=[JobSpec("test", log="ok\n")])
    (job,) = fake_github.jobs_of(run.id)
    fake_github.script("GET", LOGS, [502])
    download, blocks = _download(client, job.id)
    assert download.status == LogStatus.OK and blocks == [b"ok\n"]
    assert len(sleeps) == 1


# ---------------------------------------------------------------------------- reruns


def test_rerun_failed_jobs_creates_a_new_attempt(fake_github: FakeGitHub, client: GitHub) -> None:
    run = fake_github.add_run(
        jobs=[JobSpec("test", conclusion="failure"), JobSpec("lint", conclusion="success")]
    )
    assert run_attempt(client, run.id) == 1
    rerun_failed_jobs(client, run.id)
    assert run_attempt(client, run.id) == 2
    (rerun,) = fake_github.reruns
    assert rerun.kind == "failed-jobs"
    assert [job.name for job in list_jobs(client, run.id, 2)] == ["test"]
    assert len(fake_github.calls("POST", RERUN)) == 1


def test_a_refused_rerun_is_a_clear_error(fake_github: FakeGitHub, client: GitHub) -> None:
    run = fake_github.add_run(jobs=["test"])
    rerun_failed_jobs(client, run.id)
    with pytest.raises(GitHubError, match="403: This workflow is already running"):
        rerun_failed_jobs(client, run.id)
    assert len(fake_github.reruns) == 1


def test_an_uncertain_rerun_is_not_repeated(fake_github: FakeGitHub, client: GitHub) -> None:
    run = fake_github.add_run(jobs=["test"])
    fake_github.script("POST", RERUN, [Fault(502, apply=True)])
    with pytest.raises(GitHubError, match="may or may not have been made"):
        rerun_failed_jobs(client, run.id)
    assert len(fake_github.calls("POST", RERUN)) == 1 and len(fake_github.reruns) == 1


def test_an_unreachable_log_host_reports_the_log_missing(
    fake_github: FakeGitHub, client: GitHub
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = fake_github.add_run(jobs=["test"])
    (job,) = fake_github.jobs_of(run.id)
    unreachable = Fault(302, headers={"Location": f"http://127.0.0.1:{port}/job/1"}, body="")
    fake_github.script("GET", LOGS, [unreachable, unreachable])
    download, blocks = _download(client, job.id)
    assert blocks == [] and download.status == LogStatus.MISSING and download.detail
