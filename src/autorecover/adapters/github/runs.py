"""Workflow runs and their jobs: the run's attempt, its jobs, their logs and check-run
annotations, and the rerun of its failed jobs.

Logs come as a 302 to a short-lived URL on another host; they are fetched with `requests`
*without* the Authorization header (the signed URL is the credential) and streamed in
blocks into the analyzer, so a 300 MB log never sits in memory (docs/security.md#t40).
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any

from autorecover.adapters.github.client import GitHub
from autorecover.adapters.github.errors import Gone, NotFound, Unreachable
from autorecover.constants import parse_time
from autorecover.core.models import LogStatus


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    name: str
    html_url: str
    conclusion: str
    check_run_id: int | None  # the job's check run: its annotations hold a job timeout
    labels: tuple[str, ...] = ()  # `runs-on` labels: `self-hosted` names a self-hosted runner
    minutes: float | None = None  # from started_at to completed_at; None when either is missing

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Job:
        check_run = str(data.get("check_run_url") or "").rstrip("/").rsplit("/", 1)[-1]
        return cls(
            id=int(data["id"]),
            name=str(data.get("name")),
            html_url=str(data.get("html_url") or ""),
            conclusion=str(data.get("conclusion")),
            check_run_id=int(check_run) if check_run.isdigit() else None,
            labels=tuple(str(label) for label in data.get("labels") or () if label),
            minutes=_minutes(data.get("started_at"), data.get("completed_at")),
        )


def _minutes(started: object, completed: object) -> float | None:
    start, end = parse_time(started), parse_time(completed)
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 60


def run_attempt(client: GitHub, run_id: int) -> int | None:
    """The run's current attempt number (a rerun starts a new attempt)."""
    data = client.request("GET", f"{client.repo_path}/actions/runs/{run_id}").data
    attempt = data.get("run_attempt") if isinstance(data, dict) else None
    return int(attempt) if attempt else None


def list_jobs(client: GitHub, run_id: int, attempt: int) -> list[Job]:
    path = f"{client.repo_path}/actions/runs/{run_id}/attempts/{attempt}/jobs"
    return [Job.of(item) for item in client.paginate(path, key="jobs")]


def annotation_messages(client: GitHub, check_run_id: int) -> list[str]:
    """The messages of a check run's annotations."""
    path = f"{client.repo_path}/check-runs/{check_run_id}/annotations"
    return [str(item.get("message") or "") for item in client.paginate(path)]


def rerun_failed_jobs(client: GitHub, run_id: int) -> None:
    client.request("POST", f"{client.repo_path}/actions/runs/{run_id}/rerun-failed-jobs", body={})


class LogDownload:
    """A job's log as a stream of byte blocks, with a status when it is unavailable."""

    def __init__(self, client: GitHub, job_id: int) -> None:
        self.client = client
        self.job_id = job_id
        self.status = LogStatus.PENDING
        self.detail = ""

    def blocks(self) -> Generator[bytes, None, None]:
        path = f"{self.client.repo_path}/actions/jobs/{self.job_id}/logs"
        for attempt in (1, 2):
            try:
                response = self.client.request("GET", path, ok=(200,))
            except NotFound:
                self._unavailable(LogStatus.MISSING, "the job's log is not available (404)")
                return
            except Gone:
                self._unavailable(LogStatus.EXPIRED, "the job's logs have expired or were deleted")
                return
            location = response.headers.get("location")
            if response.status != 302 or not location:
                detail = f"unexpected answer {response.status} for the log"
                self._unavailable(LogStatus.MISSING, detail)
                return
            try:
                status, body = self.client.open_log_url(location)
                if status == 200:
                    self.status = LogStatus.OK
                    yield from body
                    return
            except Unreachable as exc:
                self._unavailable(LogStatus.MISSING, str(exc))
                return
            # The signed URL lives one minute; an expired one is re-requested once (#t31).
            if attempt == 2 or status not in (401, 403, 404):
                self._unavailable(LogStatus.MISSING, f"the log host answered {status}")
                return

    def _unavailable(self, status: LogStatus, detail: str) -> None:
        self.status = status
        self.detail = detail
