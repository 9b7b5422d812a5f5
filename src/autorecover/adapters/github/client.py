"""The GitHub REST transport: the only module that imports PyGithub or requests.

PyGithub's `Requester` is the transport (auth, base URL, per-request timeout, its own throttle
between requests and writes, all constructor parameters), with PyGithub's retry switched off: its
default re-POSTs on 5xx, which duplicates issues and comments
(https://github.com/PyGithub/PyGithub/issues/2113). The retry policy here is GitHub's documented one
(docs/security.md#a1-6, #r2, #r4):

* GETs are retried on 5xx and connection errors with bounded exponential backoff and full jitter;
* a 403/429 rate limit waits for `retry-after`, or until `x-ratelimit-reset` when the primary limit
  is spent, or at least a minute for a secondary limit — any method, since a rate-limited request
  was not processed — unless the wait would pass the deadline;
* a request that creates or changes something is never retried blindly after a 5xx or a lost
  connection: `Uncertain` is raised so the caller reconciles (lists and looks for its marker) first.

GitHub's answers become exceptions in errors.py (one table); the resources (runs, issues, pulls,
contents, state) are modules beside this one that return typed records.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlparse

import requests
from github import Auth, Github

from autorecover import __version__
from autorecover.adapters.github.errors import (
    GitHubError,
    RateLimited,
    Uncertain,
    Unreachable,
    decipher,
    rate_limit_wait,
)
from autorecover.constants import BOT_NAME
from autorecover.core.analysis.lines import CHUNK_SIZE
from autorecover.errors import UserError

Sleep = Callable[[float], None]
Clock = Callable[[], float]

MAX_RATE_LIMIT_WAITS = 3
LOG_BLOCK = CHUNK_SIZE  # the analyzer's chunk: no re-buffering in between
_WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


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

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], token: str, repository: str) -> ApiSettings:
        """The runner's API URL, and tuning knobs for slow or rate-limited installations
        (and for tests), documented in docs/action.md."""

        def number(name: str, default: float) -> float:
            try:
                return float(environ.get(name, default))
            except ValueError:
                raise UserError(f"{name} must be a number, got {environ.get(name)!r}") from None

        return cls(
            api_url=environ.get("GITHUB_API_URL") or "https://api.github.com",
            token=token,
            repository=repository,
            timeout=number("AUTORECOVER_HTTP_TIMEOUT", 30.0),
            deadline=number("AUTORECOVER_DEADLINE", 900.0),
            seconds_between_requests=number("AUTORECOVER_SECONDS_BETWEEN_REQUESTS", 0.25),
            seconds_between_writes=number("AUTORECOVER_SECONDS_BETWEEN_WRITES", 1.0),
        )


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
            user_agent=f"{BOT_NAME}/{__version__}",
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
            wait = rate_limit_wait(response.status, response.headers, response.data, limited)
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
            raise decipher(method, path, response.status, response.headers, response.data)

    def _backoff(self, attempt: int, what: str, kind: type[GitHubError]) -> None:
        if attempt >= self.settings.max_attempts:
            raise kind(f"{what}; gave up after {attempt} attempts")
        cap = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** (attempt - 1))
        delay = self._rng.uniform(0, cap)  # full jitter
        if delay > self.remaining():
            raise kind(f"{what}; no time left before the deadline to retry")
        self._sleep(delay)

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

    def open_log_url(self, url: str) -> tuple[int, Iterator[bytes]]:
        """The status of a signed log URL and its body in blocks. A separate session and no
        auth: the signed URL is the credential, and the token must never reach the blob
        host. A connection that fails, before or during the body, raises `Unreachable`."""
        try:
            blob = self._blobs.get(url, stream=True, timeout=self.settings.timeout)
        except (requests.exceptions.RequestException, OSError) as exc:
            raise Unreachable(f"the log host could not be reached ({type(exc).__name__})") from None
        if blob.status_code != 200:
            blob.close()
            return blob.status_code, iter(())
        return 200, self._blocks(blob)

    @staticmethod
    def _blocks(blob: requests.Response) -> Iterator[bytes]:
        try:
            yield from blob.iter_content(LOG_BLOCK)
        except (requests.exceptions.RequestException, OSError) as exc:
            raise Unreachable(f"the log stream broke off ({type(exc).__name__})") from None
        finally:
            blob.close()


def _next_link(header: str) -> tuple[str | None, dict[str, Any] | None]:
    for part in header.split(","):
        section = part.split(";")
        if len(section) < 2 or 'rel="next"' not in section[1]:
            continue
        url = urlparse(section[0].strip().strip("<>"))
        return url.path, dict(parse_qsl(url.query))
    return None, None
