"""The REST transport's retry policy (src/autorecover/adapters/github/client.py), against `responses`
(which intercepts `requests` under PyGithub's Requester): docs/security.md#r4, #a1-6, rows
docs/security.md#t24, #t26, #t27, T28. The only stand-ins are the `sleep` callable (it records the
delays) and the clock.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import responses

from autorecover.adapters.github.client import (
    MAX_RATE_LIMIT_WAITS,
    ApiSettings,
    GitHub,
)
from autorecover.adapters.github.errors import (
    GitHubError,
    NotFound,
    PermissionMissing,
    RateLimited,
    Uncertain,
    Unprocessable,
    Unreachable,
)
from autorecover.errors import UserError

API = "https://api.example.test"
BASE = "https://api.example.test:443"  # PyGithub's connection names the port
PATH = "/repos/o/r/actions/runs/1"
URL = BASE + PATH
TOKEN = "ghs_" + "A" * 36
SECONDARY = {
    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before "
    "you try again.",
    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
}
PRIMARY = {"message": "API rate limit exceeded for installation ID 1."}


class FakeClock:
    """Monotonic seconds that move only when the client sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Sleeps:
    clock: FakeClock
    calls: list[float]

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.clock.now += seconds


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sleeps(clock: FakeClock) -> Sleeps:
    return Sleeps(clock, [])


def settings(**overrides: Any) -> ApiSettings:
    values: dict[str, Any] = {
        "api_url": API,
        "token": TOKEN,
        "repository": "o/r",
        "seconds_between_requests": 0,
        "seconds_between_writes": 0,
    }
    return ApiSettings(**{**values, **overrides})


def make(sleeps: Sleeps, clock: FakeClock, **overrides: Any) -> GitHub:
    return GitHub(settings(**overrides), sleep=sleeps, clock=clock, rng=random.Random(0))


@pytest.fixture
def client(sleeps: Sleeps, clock: FakeClock) -> GitHub:
    return make(sleeps, clock)


def jitter(*caps: float) -> list[float]:
    """The delays `random.Random(0)` gives for these backoff caps (full jitter)."""
    rng = random.Random(0)
    return [rng.uniform(0, cap) for cap in caps]


def calls(rsps: responses.RequestsMock, method: str | None = None) -> list[Any]:
    return [c for c in rsps.calls if method is None or c.request.method == method]


# ---------------------------------------------------------------------------- reads (docs/security.md#t24)


@pytest.mark.parametrize(
    "statuses",
    [
        pytest.param((500,), id="500"),
        pytest.param((502,), id="502"),
        pytest.param((503,), id="503"),
        pytest.param((500, 502, 503), id="500-502-503"),
        pytest.param((504, 500, 503, 502), id="four-failures-then-the-fifth-attempt"),
    ],
)
def test_retries_gets_on_5xx_with_backoff_t24(
    rsps: responses.RequestsMock, client: GitHub, sleeps: Sleeps, statuses: tuple[int, ...]
) -> None:
    for status in statuses:
        rsps.get(URL, status=status, json={"message": "Server Error"})
    rsps.get(URL, status=200, json={"id": 1, "run_attempt": 2})
    response = client.request("GET", PATH)
    assert response.status == 200 and response.data == {"id": 1, "run_attempt": 2}
    assert len(calls(rsps)) == len(statuses) + 1
    caps = [2.0**n for n in range(len(statuses))]  # 1, 2, 4, 8 with backoff_base 1
    assert sleeps.calls == jitter(*caps)
    assert all(0 <= delay <= cap for delay, cap in zip(sleeps.calls, caps, strict=True))


def test_gives_up_after_bounded_retries_t24(
    rsps: responses.RequestsMock, client: GitHub, sleeps: Sleeps
) -> None:
    rsps.get(URL, status=503, json={"message": "Service Unavailable"})
    with pytest.raises(GitHubError, match=r"GET .*runs/1: HTTP 503; gave up after 5 attempts"):
        client.request("GET", PATH)
    assert len(calls(rsps)) == client.settings.max_attempts == 5
    assert sleeps.calls == jitter(1, 2, 4, 8)


def test_backoff_is_capped_by_backoff_max(
    rsps: responses.RequestsMock, sleeps: Sleeps, clock: FakeClock
) -> None:
    client = make(sleeps, clock, max_attempts=7, backoff_base=1.0, backoff_max=3.0)
    rsps.get(URL, status=502)
    with pytest.raises(GitHubError, match="gave up after 7 attempts"):
        client.request("GET", PATH)
    assert sleeps.calls == jitter(1, 2, 3, 3, 3, 3)
    assert max(sleeps.calls) <= 3.0


def test_no_retry_is_started_past_the_deadline(
    rsps: responses.RequestsMock, sleeps: Sleeps, clock: FakeClock
) -> None:
    client = make(sleeps, clock, deadline=0.5)
    assert jitter(1)[0] > 0.5  # the first delay Random(0) picks would pass the deadline
    rsps.get(URL, status=500)
    with pytest.raises(GitHubError, match="no time left before the deadline"):
        client.request("GET", PATH)
    assert sleeps.calls == [] and len(calls(rsps)) == 1


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(requests.exceptions.ConnectionError("reset by peer"), id="connection-error"),
        pytest.param(requests.exceptions.ReadTimeout("read timed out"), id="read-timeout"),
        pytest.param(requests.exceptions.ChunkedEncodingError("cut"), id="chunked-encoding"),
    ],
)
def test_connection_errors_on_get_are_retried(
    rsps: responses.RequestsMock, client: GitHub, sleeps: Sleeps, error: Exception
) -> None:
    rsps.get(URL, body=error)
    rsps.get(URL, status=200, json={"id": 1})
    assert client.request("GET", PATH).data == {"id": 1}
    assert len(calls(rsps)) == 2 and sleeps.calls == jitter(1)


def test_connection_errors_on_get_give_up_as_unreachable(
    rsps: responses.RequestsMock, client: GitHub, sleeps: Sleeps
) -> None:
    rsps.get(URL, body=requests.exceptions.ConnectionError("refused"))
    with pytest.raises(Unreachable, match="ConnectionError; gave up after 5 attempts"):
        client.request("GET", PATH)
    assert len(calls(rsps)) == 5 and sleeps.calls == jitter(1, 2, 4, 8)


# ---------------------------------------------------------------------------- writes (docs/security.md#r2)


WRITES = ["POST", "PATCH", "PUT", "DELETE"]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize("method", WRITES)
def test_writes_on_5xx_are_uncertain_and_not_retried(
    rsps: responses.RequestsMock, client: GitHub, sleeps: Sleeps, method: str, status: int
) -> None:
    rsps.add(method, URL, status=status, json={"message": "Server Error"})
    rsps.add(method, URL, status=201, json={"id": 1})
    with pytest.raises(Uncertain, match=f"GitHub answered {status}; the change may or may not"):
        client.request(method, PATH, body={"title": "t"})
    assert len(calls(rsps)) == 1
    assert sleeps.calls == []


@pytest.mark.parametrize("method", WRITES)
def test_connection_error_on_a_write_is_uncertain(
    rsps: responses.RequestsMock, client: GitHub, sleeps: Sleeps, method: str
) -> None:
    rsps.add(method, URL, body=requests.exceptions.ConnectionError("reset"))
    rsps.add(method, URL, status=201, json={"id": 1})
    with pytest.raises(Uncertain, match="the connection failed .ConnectionError."):
        client.request(method, PATH, body={"title": "t"})
    assert len(calls(rsps)) == 1 and sleeps.calls == []


def test_uncertain_is_a_github_error_with_the_status(
    rsps: responses.RequestsMock, client: GitHub
) -> None:
    rsps.post(URL, status=502)
    with pytest.raises(Uncertain) as caught:
        client.request("POST", PATH, body={})
    assert isinstance(caught.value, GitHubError) and caught.value.status == 502


# ---------------------------------------------------------------------------- rate limits


@pytest.mark.parametrize("status", [403, 429])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_secondary_rate_limit_honours_retry_after_t26(
    rsps: responses.RequestsMock, client: GitHub, sleeps: Sleeps, method: str, status: int
) -> None:
    # Any method: a rate-limited request was not processed, so repeating it is safe.
    rsps.add(method, URL, status=status, json=SECONDARY, headers={"Retry-After": "7"})
    rsps.add(method, URL, status=201, json={"id": 1})
    assert client.request(method, PATH, body={} if method == "POST" else None).status == 201
    assert sleeps.calls == [7.0]
    assert len(calls(rsps)) == 2


def test_secondary_limit_without_headers_backs_off_then_gives_up_t28(
    rsps: responses.RequestsMock, client: GitHub, sleeps: Sleeps
) -> None:
    rsps.get(URL, status=403, json=SECONDARY)
    with pytest.raises(RateLimited, match="rate-limited by GitHub until .* UTC"):
        client.request("GET", PATH)
    assert sleeps.calls == [60.0, 120.0, 240.0]
    assert len(calls(rsps)) == MAX_RATE_LIMIT_WAITS + 1


def test_secondary_limit_then_success(
    rsps: responses.RequestsMock, client: GitHub, sleeps: Sleeps
) -> None:
    rsps.post(URL, status=403, json=SECONDARY)
    rsps.post(URL, status=403, json=SECONDARY)
    rsps.post(URL, status=201, json={"id": 1})
    assert client.request("POST", PATH, body={}).data == {"id": 1}
    assert sleeps.calls == [60.0, 120.0]


def test_more_than_max_rate_limit_waits_is_rate_limited(
    rsps: responses.RequestsMock, client: GitHub, sleeps: Sleeps
) -> None:
    rsps.get(URL, status=429, json=SECONDARY, headers={"Retry-After": "1"})
    with pytest.raises(RateLimited) as caught:
        client.request("GET", PATH)
    assert caught.value.status == 429
    assert sleeps.calls == [1.0] * MAX_RATE_LIMIT_WAITS
    assert len(calls(rsps)) == MAX_RATE_LIMIT_WAITS + 1


def test_primary_rate_limit_past_the_deadline_stops_t27(
    rsps: responses.RequestsMock, client: GitHub, sleeps: Sleeps
) -> None:
    reset = int(time.time()) + 40 * 60  # the deadline is 900 s
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    rsps.get(URL, status=403, json=PRIMARY, headers=headers)
    with pytest.raises(RateLimited, match="rate-limited by GitHub until .*deadline"):
        client.request("GET", PATH)
    assert sleeps.calls == [] and len(calls(rsps)) == 1


def test_primary_rate_limit_within_the_deadline_waits_for_the_reset(
    rsps: responses.RequestsMock, client: GitHub, sleeps: Sleeps
) -> None:
    reset = int(time.time()) + 10
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    rsps.get(URL, status=403, json=PRIMARY, headers=headers)
    rsps.get(URL, status=200, json={"id": 1})
    assert client.request("GET", PATH).status == 200
    (delay,) = sleeps.calls
    assert 9.0 <= delay <= 11.0  # until the reset, plus a second


def test_a_wait_past_the_deadline_is_not_started(
    rsps: responses.RequestsMock, sleeps: Sleeps, clock: FakeClock
) -> None:
    client = make(sleeps, clock, deadline=100.0)
    rsps.post(URL, status=403, json=SECONDARY, headers={"Retry-After": "101"})
    with pytest.raises(RateLimited):
        client.request("POST", PATH, body={})
    assert sleeps.calls == []


def test_the_deadline_counts_earlier_waits(
    rsps: responses.RequestsMock, sleeps: Sleeps, clock: FakeClock
) -> None:
    client = make(sleeps, clock, deadline=100.0)
    rsps.get(URL, status=403, json=SECONDARY)  # 60 s, then 120 s would pass the deadline
    with pytest.raises(RateLimited):
        client.request("GET", PATH)
    assert sleeps.calls == [60.0]
    assert client.remaining() == pytest.approx(40.0)


# ---------------------------------------------------------------------------- other answers


@pytest.mark.parametrize(
    ("method", "status", "data", "headers", "kind"),
    [
        pytest.param("GET", 404, {"message": "Not Found"}, {}, NotFound, id="404"),
        pytest.param(
            "POST",
            403,
            {"message": "Resource not accessible by integration"},
            {"X-Accepted-GitHub-Permissions": "issues=write"},
            PermissionMissing,
            id="403-permission",
        ),
        pytest.param(
            "POST", 422, {"message": "Validation Failed"}, {}, Unprocessable, id="422-write"
        ),
        pytest.param("GET", 401, {"message": "Bad credentials"}, {}, GitHubError, id="401"),
    ],
)
def test_refusals_are_raised_at_once(
    rsps: responses.RequestsMock,
    client: GitHub,
    sleeps: Sleeps,
    method: str,
    status: int,
    data: Any,
    headers: dict[str, str],
    kind: type[GitHubError],
) -> None:
    rsps.add(method, URL, status=status, json=data, headers=headers)
    with pytest.raises(kind) as caught:
        client.request(method, PATH)
    assert type(caught.value) is kind and caught.value.status == status
    assert len(calls(rsps)) == 1 and sleeps.calls == []


def test_permission_header_reaches_the_error(rsps: responses.RequestsMock, client: GitHub) -> None:
    rsps.post(
        URL,
        status=403,
        json={"message": "Resource not accessible by integration"},
        headers={"X-Accepted-GitHub-Permissions": "issues=write"},
    )
    with pytest.raises(PermissionMissing, match="`issues: write`") as caught:
        client.request("POST", PATH, body={})
    assert caught.value.permission == "issues: write"


def test_a_302_is_returned_not_followed(rsps: responses.RequestsMock, client: GitHub) -> None:
    blob = "https://blobs.example.test/job/7?sig=abc"
    rsps.get(BASE + "/repos/o/r/actions/jobs/7/logs", status=302, headers={"Location": blob})
    response = client.request("GET", "/repos/o/r/actions/jobs/7/logs", ok=(200,))
    assert response.status == 302 and response.headers["location"] == blob
    assert len(calls(rsps)) == 1


def test_status_outside_ok_is_an_error(rsps: responses.RequestsMock, client: GitHub) -> None:
    rsps.get(URL, status=204)
    with pytest.raises(GitHubError, match="answered 204"):
        client.request("GET", PATH, ok=(200,))


def test_bodies_are_parsed_when_json_and_kept_as_text_otherwise(
    rsps: responses.RequestsMock, client: GitHub
) -> None:
    rsps.get(URL, status=200, body="plain text")
    rsps.delete(URL, status=204)
    assert client.request("GET", PATH).data == "plain text"
    assert client.request("DELETE", PATH).data is None


def test_requests_carry_the_token_user_agent_params_and_json_body(
    rsps: responses.RequestsMock, client: GitHub
) -> None:
    rsps.post(URL, status=201, json={"id": 1})
    client.request("post", PATH, params={"ref": "main"}, body={"title": "t"})
    (call,) = calls(rsps)
    assert call.request.method == "POST"
    assert call.request.headers["Authorization"] == f"token {TOKEN}"
    assert call.request.headers["User-Agent"].startswith("autorecover/")
    assert parse_qs(urlparse(call.request.url).query) == {"ref": ["main"]}
    assert call.request.body in (b'{"title": "t"}', '{"title": "t"}')


# ---------------------------------------------------------------------------- pagination


def link(path: str, **rels: int) -> str:
    return ", ".join(
        f'<{API}{path}?per_page=100&page={page}>; rel="{rel}"' for rel, page in rels.items()
    )


def test_pagination_follows_link_next(rsps: responses.RequestsMock, client: GitHub) -> None:
    jobs = PATH + "/attempts/1/jobs"
    pages = [
        ({"per_page": "100", "status": "failed"}, [1, 2], link(jobs, next=2, last=3)),
        ({"per_page": "100", "page": "2"}, [3, 4], link(jobs, prev=1, next=3, last=3)),
        ({"per_page": "100", "page": "3"}, [5], link(jobs, first=1, prev=2)),
    ]
    for query, ids, header in pages:
        rsps.get(
            BASE + jobs,
            json={"total_count": 5, "jobs": [{"id": i} for i in ids]},
            headers={"Link": header},
            match=[responses.matchers.query_param_matcher(query)],
        )
    items = list(client.paginate(jobs, {"status": "failed"}, key="jobs"))
    assert [item["id"] for item in items] == [1, 2, 3, 4, 5]
    assert len(calls(rsps)) == 3


def test_pagination_of_a_plain_list_stops_without_link(
    rsps: responses.RequestsMock, client: GitHub
) -> None:
    rsps.get(BASE + "/repos/o/r/labels", json=[{"name": "a"}, {"name": "b"}])
    assert [item["name"] for item in client.paginate("/repos/o/r/labels")] == ["a", "b"]
    assert len(calls(rsps)) == 1


def test_pagination_pages_are_retried_like_any_get(
    rsps: responses.RequestsMock, client: GitHub, sleeps: Sleeps
) -> None:
    rsps.get(BASE + "/repos/o/r/labels", status=502)
    rsps.get(BASE + "/repos/o/r/labels", json=[{"name": "a"}])
    assert list(client.paginate("/repos/o/r/labels")) == [{"name": "a"}]
    assert sleeps.calls == jitter(1)


# ---------------------------------------------------------------------------- counter, throttle


def test_the_counter_counts_requests_and_retries(
    rsps: responses.RequestsMock, client: GitHub
) -> None:
    rsps.get(URL, status=500)
    rsps.get(URL, status=200, json={})
    rsps.post(URL, status=201, json={})
    rsps.patch(URL, status=200, json={})
    client.request("GET", PATH)
    client.request("POST", PATH, body={})
    client.request("PATCH", PATH, body={})
    assert client.counter.requests == 4
    assert client.counter.by_method == {"GET": 2, "POST": 1, "PATCH": 1}
    assert len(calls(rsps)) == client.counter.requests


def test_pygithub_adds_no_throttling_sleeps_when_the_knobs_are_zero(
    rsps: responses.RequestsMock, client: GitHub
) -> None:
    # PyGithub's Requester sleeps between requests (and longer between writes) on its own,
    # outside the injected `sleep`; both knobs are 0 here, so it must not.
    rsps.get(URL, json={})
    rsps.post(URL, status=201, json={})
    started = time.monotonic()
    for _ in range(5):
        client.request("GET", PATH)
        client.request("POST", PATH, body={})
    assert time.monotonic() - started < 1.0  # the defaults would take > 4 s
    assert len(calls(rsps)) == 10


def test_the_throttle_knobs_reach_pygithub(
    rsps: responses.RequestsMock, sleeps: Sleeps, clock: FakeClock
) -> None:
    client = make(sleeps, clock, seconds_between_writes=0.15)
    rsps.post(URL, status=201, json={})
    started = time.monotonic()
    for _ in range(3):
        client.request("POST", PATH, body={})
    assert time.monotonic() - started >= 0.3


# ---------------------------------------------------------------------------- log blobs, settings


def test_log_urls_are_fetched_without_the_token(
    rsps: responses.RequestsMock, client: GitHub
) -> None:
    blob = "https://blobs.example.test/job/7?sig=abc"
    rsps.get(blob, body=b"line 1\nline 2\n")
    status, body = client.open_log_url(blob)
    assert status == 200 and b"".join(body) == b"line 1\nline 2\n"
    (call,) = calls(rsps)
    assert "Authorization" not in call.request.headers
    assert client.counter.requests == 0  # not a REST request


def test_settings_from_environ() -> None:
    got = ApiSettings.from_environ(
        {
            "GITHUB_API_URL": "https://ghe.example.test/api/v3",
            "AUTORECOVER_HTTP_TIMEOUT": "5",
            "AUTORECOVER_DEADLINE": "60",
            "AUTORECOVER_SECONDS_BETWEEN_REQUESTS": "0",
            "AUTORECOVER_SECONDS_BETWEEN_WRITES": "0",
        },
        TOKEN,
        "o/r",
    )
    assert (got.api_url, got.timeout, got.deadline) == ("https://ghe.example.test/api/v3", 5, 60)
    assert (got.seconds_between_requests, got.seconds_between_writes) == (0, 0)
    default = ApiSettings.from_environ({}, TOKEN, "o/r")
    assert default.api_url == "https://api.github.com" and default.deadline == 900.0
    assert (default.seconds_between_requests, default.seconds_between_writes) == (0.25, 1.0)
    with pytest.raises(UserError, match="AUTORECOVER_DEADLINE must be a number, got 'soon'"):
        ApiSettings.from_environ({"AUTORECOVER_DEADLINE": "soon"}, TOKEN, "o/r")
