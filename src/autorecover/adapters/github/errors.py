"""GitHub's answers -> our exceptions: the one table (the shape of gidgethub's
`sansio.decipher_response`).

Every text GitHub puts in an error that autorecover acts on is matched here and nowhere
else, so a new GitHub message is one row in `ANSWERS` and one row in its test
(tests/adapters/github/test_errors.py). The rows come from docs/security.md#a11.
Rate limits are answers too: `rate_limit_wait` reads GitHub's documented signals
(docs/security.md#a1-6: `retry-after`, `x-ratelimit-reset`, then at least a minute for a
secondary limit).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from autorecover.errors import UserError

SECONDARY_LIMIT_WAIT = 60.0
RATE_LIMIT_TEXTS = ("rate limit", "abuse detection", "secondary rate")


class GitHubError(UserError):
    """A request GitHub refused; the message says what to do about it."""

    def __init__(self, message: str, status: int = 0, permission: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.permission = permission


class PermissionMissing(GitHubError):
    """403 `Resource not accessible by integration`: the token lacks a permission."""


class PullRequestForbidden(GitHubError):
    """403: the repository does not let GitHub Actions create pull requests."""


class NotFound(GitHubError):
    pass


class Conflict(GitHubError):
    """409: the resource changed under us (a stale blob sha on a contents write)."""


class RuleViolation(GitHubError):
    """409 or 422 "Repository rule violations found": a ruleset forbids the write. It is no
    race, so it is never retried (the state branch under a ruleset, docs/security.md#t21)."""


class Gone(GitHubError):
    """410: deleted for good (expired job logs)."""


class Unprocessable(GitHubError):
    """422: GitHub validated the request and refused it."""


class AlreadyExists(Unprocessable):
    pass


class BodyTooLong(Unprocessable):
    pass


class NoCommitsBetween(Unprocessable):
    """422 on opening a pull request whose branch adds nothing to the base."""


class RateLimited(GitHubError):
    pass


class Uncertain(GitHubError):
    """A write whose outcome is unknown (5xx or connection lost): reconcile first."""


class Unreachable(GitHubError):
    pass


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    text: str  # lower-case words GitHub's message contains; "" matches any message
    kind: type[GitHubError]


# First match wins: specific texts before the status's catch-all.
ANSWERS: tuple[Answer, ...] = (
    Answer(403, "not accessible by integration", PermissionMissing),
    Answer(403, "not permitted to create or approve pull requests", PullRequestForbidden),
    Answer(404, "", NotFound),
    Answer(409, "repository rule violations", RuleViolation),
    Answer(409, "", Conflict),
    Answer(410, "", Gone),
    Answer(422, "too long", BodyTooLong),
    Answer(422, "already exists", AlreadyExists),
    Answer(422, "no commits between", NoCommitsBetween),
    Answer(422, "repository rule violations", RuleViolation),
    Answer(422, "", Unprocessable),
)


def message_of(data: Any) -> str:
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


def permission_hint(headers: Mapping[str, str]) -> str | None:
    """`x-accepted-github-permissions: issues=write` -> `issues: write`."""
    accepted = headers.get("x-accepted-github-permissions", "")
    # GitHub separates the permission sets it accepts with ";" and the permissions of one set
    # with "," (https://github.blog/changelog/2023-08-10-x-accepted-github-permissions-header-
    # for-fine-grained-permission-actors): the hint names the first of the first set.
    first = accepted.split(";")[0].split(",")[0].strip()
    if "=" not in first:
        return None
    name, level = first.split("=", 1)
    return f"{name.strip()}: {level.strip()}"


def decipher(
    method: str, path: str, status: int, headers: Mapping[str, str], data: Any
) -> GitHubError:
    """The exception for an answer that is neither a success, a rate limit nor a 5xx."""
    message = message_of(data)
    lowered = message.lower()
    kind = next((a.kind for a in ANSWERS if a.status == status and a.text in lowered), GitHubError)
    if kind is PermissionMissing:
        permission = permission_hint(headers)
        need = f"`{permission}`" if permission else "a permission"
        return PermissionMissing(
            f"{method} {path}: the token lacks {need} (GitHub: {message}). Add "
            f"`permissions: {{{permission or '<scope>: write'}}}` to the job that runs "
            "autorecover.",
            status,
            permission,
        )
    if kind is NotFound:
        return NotFound(f"{method} {path}: not found (404): {message}", status)
    return kind(f"{method} {path}: GitHub answered {status}: {message}", status)


def rate_limit_wait(
    status: int, headers: Mapping[str, str], data: Any, waited: int, now: float | None = None
) -> float | None:
    """How long GitHub asks us to wait, or None when this is not a rate limit."""
    if status not in (403, 429):
        return None
    if "retry-after" in headers:
        try:
            return max(float(headers["retry-after"]), 0.0)
        except ValueError:
            pass  # an HTTP date or junk: fall through to the other signals
    if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
        try:
            reset = float(headers["x-ratelimit-reset"])
            return max(reset - (time.time() if now is None else now), 0.0) + 1.0
        except ValueError:
            pass
    message = message_of(data).lower()
    if any(text in message for text in RATE_LIMIT_TEXTS) or status == 429:
        # "wait at least one minute ... increase the wait exponentially" (the docs).
        return float(SECONDARY_LIMIT_WAIT * 2**waited)
    return None
