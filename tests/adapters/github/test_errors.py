"""GitHub's answers -> our exceptions (src/autorecover/adapters/github/errors.py): one row per
answer of `ANSWERS` (docs/security.md#a11), and the rate-limit signals of #a1-6.

A new row in `ANSWERS` without a row here fails `test_every_answer_has_a_row`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest

from autorecover.adapters.github.errors import (
    ANSWERS,
    SECONDARY_LIMIT_WAIT,
    AlreadyExists,
    Answer,
    BodyTooLong,
    Conflict,
    GitHubError,
    Gone,
    NoCommitsBetween,
    NotFound,
    PermissionMissing,
    PullRequestForbidden,
    RuleViolation,
    Unprocessable,
    decipher,
    message_of,
    permission_hint,
    rate_limit_wait,
)

DOCS = "https://docs.github.com/rest"


def body(message: str, errors: list[Any] | None = None, status: int = 0) -> Any:
    """GitHub's JSON error shape."""
    data: dict[str, Any] = {"message": message, "documentation_url": DOCS}
    if errors is not None:
        data["errors"] = errors
    if status:
        data["status"] = str(status)
    return data


@dataclass(frozen=True)
class Row:
    status: int
    data: Any
    kind: type[GitHubError]
    says: tuple[str, ...]  # substrings of the exception's message
    headers: tuple[tuple[str, str], ...] = ()
    method: str = "POST"
    path: str = "/repos/o/r/issues"


ROWS = [
    pytest.param(
        Row(
            403,
            body("Resource not accessible by integration", status=403),
            PermissionMissing,
            (
                "POST /repos/o/r/issues",
                "the token lacks `issues: write`",
                "Resource not accessible by integration",
                "`permissions: {issues: write}`",
            ),
            headers=(("x-accepted-github-permissions", "issues=write"),),
        ),
        id="403-not-accessible-names-the-permission",
    ),
    pytest.param(
        Row(
            403,
            body("Resource not accessible by integration"),
            PermissionMissing,
            ("the token lacks a permission", "`permissions: {<scope>: write}`"),
        ),
        id="403-not-accessible-without-header",
    ),
    pytest.param(
        Row(
            403,
            body("GitHub Actions is not permitted to create or approve pull requests."),
            PullRequestForbidden,
            (
                "POST /repos/o/r/pulls: GitHub answered 403",
                "not permitted to create or approve pull requests",
            ),
            path="/repos/o/r/pulls",
        ),
        id="403-pull-request-creation-forbidden",
    ),
    pytest.param(
        Row(
            404,
            body("Not Found", status=404),
            NotFound,
            ("GET /repos/o/r/actions/runs/1/jobs: not found (404): Not Found",),
            method="GET",
            path="/repos/o/r/actions/runs/1/jobs",
        ),
        id="404-not-found",
    ),
    pytest.param(
        Row(
            409,
            body("ledger.json does not match 0123abc"),
            Conflict,
            ("PUT /repos/o/r/contents/ledger.json: GitHub answered 409", "does not match"),
            method="PUT",
            path="/repos/o/r/contents/ledger.json",
        ),
        id="409-conflict",
    ),
    pytest.param(
        Row(
            410,
            body("Server Error", status=410),
            Gone,
            ("GET /repos/o/r/actions/jobs/7/logs: GitHub answered 410: Server Error",),
            method="GET",
            path="/repos/o/r/actions/jobs/7/logs",
        ),
        id="410-gone",
    ),
    pytest.param(
        Row(
            422,
            body(
                "Validation Failed",
                [
                    {
                        "resource": "Issue",
                        "code": "custom",
                        "field": "body",
                        "message": "body is too long (maximum is 65536 characters)",
                    }
                ],
            ),
            BodyTooLong,
            ("GitHub answered 422: Validation Failed: body is too long",),
        ),
        id="422-body-too-long",
    ),
    pytest.param(
        Row(
            422,
            body(
                "Validation Failed",
                [
                    {
                        "resource": "PullRequest",
                        "code": "custom",
                        "message": "A pull request already exists for o:b.",
                    }
                ],
            ),
            AlreadyExists,
            ("A pull request already exists for o:b.",),
            path="/repos/o/r/pulls",
        ),
        id="422-pull-request-already-exists",
    ),
    pytest.param(
        Row(
            422,
            body(
                "Validation Failed",
                [{"resource": "Label", "code": "already_exists", "field": "name"}],
            ),
            Unprocessable,  # the code has an underscore; ensure_labels tolerates any 422
            ("Validation Failed: already_exists",),
            path="/repos/o/r/labels",
        ),
        id="422-label-already_exists-code-is-unprocessable",
    ),
    pytest.param(
        Row(
            422,
            body(
                "Validation Failed",
                [
                    {
                        "resource": "PullRequest",
                        "code": "custom",
                        "message": "No commits between main and x",
                    }
                ],
            ),
            NoCommitsBetween,
            ("No commits between main and x",),
            path="/repos/o/r/pulls",
        ),
        id="422-no-commits-between",
    ),
    pytest.param(
        Row(
            409,
            body("Repository rule violations found\n\nCannot update this protected ref.\n\n"),
            RuleViolation,
            ("Repository rule violations found",),
            method="PUT",
            path="/repos/o/r/contents/ledger.json",
        ),
        id="409-ruleset-on-a-contents-write-t21",
    ),
    pytest.param(
        Row(
            422,
            body(
                "Repository rule violations found\n\nCannot create ref due to creations being restricted.\n\n"
            ),
            RuleViolation,
            ("creations being restricted",),
            path="/repos/o/r/git/refs",
        ),
        id="422-ruleset-on-a-ref-creation-t21",
    ),
    pytest.param(
        Row(
            422,
            body('Invalid request.\n\n"title" wasn\'t supplied.'),
            Unprocessable,
            ("POST /repos/o/r/issues: GitHub answered 422: Invalid request.",),
        ),
        id="422-other",
    ),
    pytest.param(
        Row(400, body("Problems parsing JSON"), GitHubError, ("answered 400: Problems parsing",)),
        id="400-plain-error",
    ),
    pytest.param(
        Row(401, body("Bad credentials"), GitHubError, ("answered 401: Bad credentials",)),
        id="401-plain-error",
    ),
    pytest.param(
        Row(403, body("This workflow run cannot be retried"), GitHubError, ("cannot be retried",)),
        id="403-other-is-a-plain-error",
    ),
    pytest.param(
        Row(
            404,
            "<html>not json</html>",
            NotFound,
            ("not found (404): <html>not json</html>",),
            method="GET",
        ),
        id="404-non-json-body",
    ),
]


@pytest.mark.parametrize("row", ROWS)
def test_decipher(row: Row) -> None:
    error = decipher(row.method, row.path, row.status, dict(row.headers), row.data)
    assert type(error) is row.kind
    assert error.status == row.status
    for text in row.says:
        assert text in str(error)


def test_permission_missing_carries_the_permission_t47() -> None:
    error = decipher(
        "POST",
        "/repos/o/r/issues",
        403,
        {"x-accepted-github-permissions": "issues=write"},
        body("Resource not accessible by integration"),
    )
    assert isinstance(error, PermissionMissing) and error.permission == "issues: write"


def _matched(row: Row) -> Answer | None:
    lowered = message_of(row.data).lower()
    return next((a for a in ANSWERS if a.status == row.status and a.text in lowered), None)


def test_every_answer_has_a_row() -> None:
    rows: list[Row] = [p.values[0] for p in ROWS]  # type: ignore[misc]
    covered = {_matched(row) for row in rows}
    assert [a for a in ANSWERS if a not in covered] == []
    kinds = {row.kind for row in rows}
    assert {a.kind for a in ANSWERS} <= kinds
    assert GitHubError in kinds  # the fall-through


def test_specific_texts_come_before_their_status_catch_all() -> None:
    for index, answer in enumerate(ANSWERS):
        if answer.text == "":
            later = [a for a in ANSWERS[index + 1 :] if a.status == answer.status]
            assert later == [], f"{later} can never match after the {answer.status} catch-all"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(body("Not Found"), "Not Found", id="message"),
        pytest.param(
            body("Validation Failed", [{"message": "a"}, {"code": "b"}, {"field": "x"}, "junk"]),
            "Validation Failed: a; b",
            id="errors-messages-then-codes",
        ),
        pytest.param(body("Validation Failed", []), "Validation Failed", id="empty-errors"),
        pytest.param({"errors": [{"message": "only"}]}, ": only", id="no-message"),
        pytest.param(None, "", id="none"),
        pytest.param("x" * 300, "x" * 200, id="text-is-cut"),
    ],
)
def test_message_of(data: Any, expected: str) -> None:
    assert message_of(data) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param("issues=write", "issues: write", id="one"),
        pytest.param(" contents = read ", "contents: read", id="spaces"),
        pytest.param("issues=write,pull_requests=write", "issues: write", id="comma-list"),
        pytest.param("", None, id="empty"),
        pytest.param("garbage", None, id="no-equals"),
        pytest.param(
            "issues=write; pull_requests=write",
            "issues: write",
            id="semicolon-separated-sets",
        ),
    ],
)
def test_permission_hint(header: str, expected: str | None) -> None:
    headers = {"x-accepted-github-permissions": header} if header else {}
    assert permission_hint(headers) == expected


SECONDARY = body(
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
PRIMARY = body("API rate limit exceeded for installation ID 1.")
NOW = 1_700_000_000.0


@dataclass(frozen=True)
class Wait:
    status: int
    headers: tuple[tuple[str, str], ...]
    data: Any
    expected: float | None
    waited: int = 0


WAITS = [
    pytest.param(Wait(403, (("retry-after", "7"),), SECONDARY, 7.0), id="403-retry-after"),
    pytest.param(Wait(429, (("retry-after", "7"),), SECONDARY, 7.0), id="429-retry-after"),
    pytest.param(
        Wait(403, (("retry-after", "7"),), body("Forbidden"), 7.0), id="retry-after-alone"
    ),
    pytest.param(Wait(403, (("retry-after", "-5"),), SECONDARY, 0.0), id="retry-after-negative"),
    pytest.param(
        Wait(403, (("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),), SECONDARY, 60.0),
        id="retry-after-date-falls-through-to-secondary",
    ),
    pytest.param(
        Wait(
            403,
            (
                ("retry-after", "soon"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", str(int(NOW) + 40)),
            ),
            PRIMARY,
            41.0,
        ),
        id="retry-after-junk-falls-through-to-reset",
    ),
    pytest.param(
        Wait(
            403,
            (("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", str(int(NOW) + 40))),
            PRIMARY,
            41.0,
        ),
        id="primary-403-reset-ahead",
    ),
    pytest.param(
        Wait(
            429,
            (("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", str(int(NOW) + 2400))),
            PRIMARY,
            2401.0,
        ),
        id="primary-429-reset-40-minutes-ahead",
    ),
    pytest.param(
        Wait(
            403,
            (("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", str(int(NOW) - 30))),
            PRIMARY,
            1.0,
        ),
        id="primary-reset-in-the-past",
    ),
    pytest.param(
        Wait(403, (("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "later")), PRIMARY, 60.0),
        id="primary-reset-junk-falls-through-to-the-message",
    ),
    pytest.param(
        Wait(403, (("x-ratelimit-remaining", "0"),), PRIMARY, 60.0),
        id="primary-without-reset-uses-the-message",
    ),
    pytest.param(Wait(403, (), SECONDARY, 60.0, 0), id="secondary-first-wait-60"),
    pytest.param(Wait(403, (), SECONDARY, 120.0, 1), id="secondary-second-wait-120"),
    pytest.param(Wait(403, (), SECONDARY, 240.0, 2), id="secondary-third-wait-240"),
    pytest.param(
        Wait(403, (), body("You have triggered an abuse detection mechanism."), 60.0),
        id="abuse-detection-text",
    ),
    pytest.param(
        Wait(403, (), body("secondary rate exceeded"), 120.0, 1), id="secondary-rate-text"
    ),
    pytest.param(Wait(429, (), None, 60.0), id="429-without-signals"),
    pytest.param(Wait(429, (), body("Too Many Requests"), 240.0, 2), id="429-backs-off"),
    pytest.param(
        Wait(403, (("x-ratelimit-remaining", "12"),), body("Resource not accessible"), None),
        id="403-without-signals-is-not-a-limit",
    ),
    pytest.param(Wait(403, (), body("Forbidden"), None), id="403-plain"),
    pytest.param(Wait(500, (("retry-after", "7"),), SECONDARY, None), id="500-is-not-a-limit"),
    pytest.param(Wait(404, (("retry-after", "7"),), body("Not Found"), None), id="404"),
]


@pytest.mark.parametrize("row", WAITS)
def test_rate_limit_wait(row: Wait) -> None:
    got = rate_limit_wait(row.status, dict(row.headers), row.data, row.waited, now=NOW)
    assert got == row.expected


def test_rate_limit_wait_reads_the_wall_clock_by_default() -> None:
    reset = int(time.time()) + 100
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
    got = rate_limit_wait(403, headers, PRIMARY, 0)
    assert got is not None and 99.0 <= got <= 101.0


def test_secondary_limit_waits_at_least_a_minute() -> None:
    assert SECONDARY_LIMIT_WAIT >= 60.0
