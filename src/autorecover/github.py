"""GitHub REST adapter: the only module that imports PyGithub or requests.

PyGithub's `Requester` is the transport (auth, base URL, per-request timeout, its own
throttle between requests and writes, all constructor parameters), with PyGithub's retry
switched off: its default re-POSTs on 5xx, which duplicates issues and comments
(github-platform.md §5). The retry policy here is GitHub's documented one (security.md
A1.6, R2, R4):

* GETs are retried on 5xx and connection errors with bounded exponential backoff and
  full jitter;
* a 403/429 rate limit waits for `retry-after`, or until `x-ratelimit-reset` when the
  primary limit is spent, or at least a minute for a secondary limit — any method, since a
  rate-limited request was not processed — unless the wait would pass the deadline;
* a request that creates or changes something is never retried blindly after a 5xx or a
  lost connection: `Uncertain` is raised so the caller reconciles (lists and looks for its
  marker) first.

Job logs come as a 302 to a short-lived URL on another host; they are fetched with
`requests` *without* the Authorization header and streamed.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlparse

import requests
from github import Auth, Github

from autorecover import __version__
from autorecover.errors import UserError

Sleep = Callable[[float], None]
Clock = Callable[[], float]

SECONDARY_LIMIT_WAIT = 60.0
MAX_RATE_LIMIT_WAITS = 3
_RATE_LIMIT_TEXTS = ("rate limit", "abuse detection", "secondary rate")
_WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
LOG_BLOCK = 1 << 20


class GitHubError(UserError):
    """A request GitHub refused; the message says what to do about it."""

    def __init__(self, message: str, status: int = 0, permission: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.permission = permission


class PermissionMissing(GitHubError):
    """403 `Resource not accessible by integration`: the token lacks a permission."""


class NotFound(GitHubError):
    pass


class RateLimited(GitHubError):
    pass


class Uncertain(GitHubError):
    """A write whose outcome is unknown (5xx or connection lost): reconcile first."""


class Unreachable(GitHubError):
    pass


@dataclass(frozen=True)
class ApiSettings:
    api_url: str
    token: str
    repository: str
    timeout: float = 30.0
    deadline: float = 900.0  # seconds for the whole run, shorter than a job's timeout
    max_attempts: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    seconds_between_requests: float = 0.25
    seconds_between_writes: float = 1.0


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    data: Any


@dataclass
class Counter:
    """REST requests made, by method, for the report and the benchmarks."""

    requests: int = 0
    by_method: dict[str, int] = field(default_factory=dict)

    def add(self, method: str) -> None:
        self.requests += 1
        self.by_method[method] = self.by_method.get(method, 0) + 1


def _lower(headers: dict[str, Any]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}


def _message(data: Any) -> str:
    """GitHub's error message, with the messages of its `errors` list (422 details such as
    "body is too long" live there)."""
    if not isinstance(data, dict):
        return str(data or "")[:200]
    message = str(data.get("message") or "")
    details = [
        str(error.get("message") or error.get("code") or "")
        for error in data.get("errors") or []
        if isinstance(error, dict)
    ]
    details = [d for d in details if d]
    return f"{message}: {'; '.join(details)}" if details else message


def permission_hint(headers: dict[str, str]) -> str | None:
    """`x-accepted-github-permissions: issues=write` -> `issues: write`."""
    accepted = headers.get("x-accepted-github-permissions", "")
    first = accepted.split(",")[0].strip()
    if "=" not in first:
        return None
    name, level = first.split("=", 1)
    return f"{name.strip()}: {level.strip()}"


class GitHub:
    """A small REST client for one repository, with the retry policy above."""

    def __init__(
        self,
        settings: ApiSettings,
        *,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.repo_path = f"/repos/{settings.repository}"
        self.counter = Counter()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._deadline = clock() + settings.deadline
        client = Github(
            auth=Auth.Token(settings.token),
            base_url=settings.api_url.rstrip("/"),
            timeout=max(int(settings.timeout), 1),
            user_agent=f"autorecover/{__version__}",
            per_page=100,
            retry=None,
            seconds_between_requests=settings.seconds_between_requests,
            seconds_between_writes=settings.seconds_between_writes,
            lazy=True,
        )
        self._requester = client.requester
        self._blobs = requests.Session()

    # -- transport ------------------------------------------------------------------------

    def remaining(self) -> float:
        return self._deadline - self._clock()

    def _send(self, method: str, path: str, params: dict[str, Any] | None, body: Any) -> Response:
        self.counter.add(method)
        status, headers, text = self._requester.requestJson(
            method, path, parameters=params, input=body, follow_302_redirect=False
        )
        try:
            data = json.loads(text) if text else None
        except ValueError:
            data = text
        return Response(status, _lower(headers), data)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        ok: tuple[int, ...] = (200, 201, 202, 204),
    ) -> Response:
        """One API call under the retry policy; raises a `GitHubError` subclass."""
        method = method.upper()
        write = method in _WRITE_METHODS
        attempt = 0
        limited = 0
        while True:
            attempt += 1
            try:
                response = self._send(method, path, params, body)
            except (requests.exceptions.RequestException, OSError) as exc:
                if write:
                    raise Uncertain(
                        f"{method} {path}: the connection failed ({type(exc).__name__}); "
                        "the change may or may not have been made"
                    ) from None
                self._backoff(attempt, f"{method} {path}: {type(exc).__name__}", Unreachable)
                continue
            if response.status in ok or response.status == 302:
                return response
            wait = self._rate_limit_wait(response, limited)
            if wait is not None:
                limited += 1
                self._wait(wait, limited, method, path, response)
                continue
            if response.status >= 500:
                if write:
                    raise Uncertain(
                        f"{method} {path}: GitHub answered {response.status}; the change may "
                        "or may not have been made",
                        response.status,
                    )
                self._backoff(attempt, f"{method} {path}: HTTP {response.status}", GitHubError)
                continue
            raise self._error(method, path, response)

    def _backoff(self, attempt: int, what: str, kind: type[GitHubError]) -> None:
        if attempt >= self.settings.max_attempts:
            raise kind(f"{what}; gave up after {attempt} attempts")
        cap = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** (attempt - 1))
        delay = self._rng.uniform(0, cap)  # full jitter
        if delay > self.remaining():
            raise kind(f"{what}; no time left before the deadline to retry")
        self._sleep(delay)

    def _rate_limit_wait(self, response: Response, waited: int) -> float | None:
        """How long GitHub asks us to wait, or None when this is not a rate limit."""
        if response.status not in (403, 429):
            return None
        headers = response.headers
        message = _message(response.data).lower()
        if "retry-after" in headers:
            try:
                return max(float(headers["retry-after"]), 0.0)
            except ValueError:
                pass  # an HTTP date or junk: fall through to the other signals
        if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
            try:
                return max(float(headers["x-ratelimit-reset"]) - time.time(), 0.0) + 1.0
            except ValueError:
                pass
        if any(text in message for text in _RATE_LIMIT_TEXTS) or response.status == 429:
            # "wait at least one minute ... increase the wait exponentially" (the docs).
            return float(SECONDARY_LIMIT_WAIT * 2**waited)
        return None

    def _wait(
        self, seconds: float, waited: int, method: str, path: str, response: Response
    ) -> None:
        if waited > MAX_RATE_LIMIT_WAITS or seconds > self.remaining():
            until = time.strftime("%H:%M:%S UTC", time.gmtime(time.time() + seconds))
            raise RateLimited(
                f"{method} {path}: rate-limited by GitHub until {until}; that is past this "
                "run's deadline or retry budget, so autorecover stops here without retrying",
                response.status,
            )
        self._sleep(seconds)

    def _error(self, method: str, path: str, response: Response) -> GitHubError:
        message = _message(response.data)
        status = response.status
        if status == 403 and "not accessible by integration" in message.lower():
            permission = permission_hint(response.headers)
            need = f"`{permission}`" if permission else "a permission"
            return PermissionMissing(
                f"{method} {path}: the token lacks {need} (GitHub: {message}). Add "
                f"`permissions: {{{permission or '<scope>: write'}}}` to the job that runs "
                "autorecover.",
                status,
                permission,
            )
        if status == 404:
            return NotFound(f"{method} {path}: not found (404): {message}", status)
        return GitHubError(f"{method} {path}: GitHub answered {status}: {message}", status)

    def paginate(
        self, path: str, params: dict[str, Any] | None = None, key: str | None = None
    ) -> Iterator[Any]:
        """Items of a list endpoint, following `Link: <…>; rel="next"`."""
        query = {"per_page": 100, **(params or {})}
        next_path: str | None = path
        params_now: dict[str, Any] | None = query
        while next_path:
            response = self.request("GET", next_path, params=params_now)
            items = response.data.get(key, []) if key else response.data
            yield from items or []
            next_path, params_now = _next_link(response.headers.get("link", ""))

    # -- reads ----------------------------------------------------------------------------

    def get_run(self, run_id: int) -> dict[str, Any]:
        data: dict[str, Any] = self.request("GET", f"{self.repo_path}/actions/runs/{run_id}").data
        return data

    def list_jobs(self, run_id: int, attempt: int) -> list[dict[str, Any]]:
        path = f"{self.repo_path}/actions/runs/{run_id}/attempts/{attempt}/jobs"
        return list(self.paginate(path, key="jobs"))

    def annotations(self, check_run_id: int) -> list[dict[str, Any]]:
        return list(self.paginate(f"{self.repo_path}/check-runs/{check_run_id}/annotations"))

    def get_text_file(self, path: str, ref: str) -> str | None:
        """A file of the repository at `ref` (the default branch), or None if absent."""
        try:
            response = self.request("GET", f"{self.repo_path}/contents/{path}", params={"ref": ref})
        except NotFound:
            return None
        data = response.data
        if not isinstance(data, dict) or data.get("type") != "file":
            raise GitHubError(f"{path} on {ref} is not a file")
        import base64

        return base64.b64decode(data.get("content") or "").decode("utf-8", "replace")

    def job_log(self, job_id: int) -> LogDownload:
        return LogDownload(self, job_id)

    def open_log_url(self, url: str) -> requests.Response:
        # A separate session and no auth: the signed URL is the credential, and the
        # token must never reach the blob host.
        return self._blobs.get(url, stream=True, timeout=self.settings.timeout)


class LogDownload:
    """A job's log as a stream of byte blocks, with a status when it is unavailable."""

    def __init__(self, client: GitHub, job_id: int) -> None:
        self.client = client
        self.job_id = job_id
        self.status = "pending"
        self.detail = ""

    def blocks(self) -> Generator[bytes, None, None]:
        path = f"{self.client.repo_path}/actions/jobs/{self.job_id}/logs"
        for attempt in (1, 2):
            try:
                response = self.client.request("GET", path, ok=(200,))
            except NotFound:
                self._unavailable("missing", "the job's log is not available (404)")
                return
            except GitHubError as exc:
                if exc.status == 410:
                    self._unavailable("expired", "the job's logs have expired or were deleted")
                    return
                raise
            location = response.headers.get("location")
            if response.status != 302 or not location:
                self._unavailable("missing", f"unexpected answer {response.status} for the log")
                return
            blob = self.client.open_log_url(location)
            if blob.status_code == 200:
                self.status = "ok"
                yield from blob.iter_content(LOG_BLOCK)
                return
            blob.close()
            # The signed URL lives one minute; an expired one is re-requested once (T31).
            if attempt == 2 or blob.status_code not in (401, 403, 404):
                self._unavailable("missing", f"the log host answered {blob.status_code}")
                return

    def _unavailable(self, status: str, detail: str) -> None:
        self.status = status
        self.detail = detail


def _next_link(header: str) -> tuple[str | None, dict[str, Any] | None]:
    for part in header.split(","):
        section = part.split(";")
        if len(section) < 2 or 'rel="next"' not in section[1]:
            continue
        url = urlparse(section[0].strip().strip("<>"))
        return url.path, dict(parse_qsl(url.query))
    return None, None
