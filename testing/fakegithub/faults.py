"""Scripted faults per route, GitHub's error bodies, and the well-known failure answers.

A script is a queue of `Fault`s for one (method, path template). Each request to that route
takes the next one; when the queue is empty the route behaves normally again.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

DOCS = "https://docs.github.com/rest"

DEFAULT_MESSAGES = {
    400: "Problems parsing JSON",
    401: "Bad credentials",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    410: "Gone",
    422: "Validation Failed",
    500: "Server Error",
    501: "Not Implemented",
    502: "Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def error_body(
    status: int, message: str | None = None, docs_url: str = DOCS, errors: list[Any] | None = None
) -> dict[str, Any]:
    """GitHub's JSON error shape; `status` is a string in real answers, e.g. "404"."""
    body: dict[str, Any] = {"message": message or DEFAULT_MESSAGES.get(status, "Error")}
    if errors is not None:
        body["errors"] = errors
    body["documentation_url"] = docs_url
    body["status"] = str(status)
    return body


class ApiError(Exception):
    """Raised by route handlers; rendered as GitHub's JSON error for the current operation."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        errors: list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message or DEFAULT_MESSAGES.get(status, '')}")
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}


def validation_failed(
    resource: str, code: str, field_name: str | None = None, message: str | None = None
) -> ApiError:
    error: dict[str, Any] = {"resource": resource, "code": code}
    if field_name is not None:
        error["field"] = field_name
    if message is not None:
        error["message"] = message
    return ApiError(422, "Validation Failed", errors=[error])


@dataclass
class Fault:
    """One scripted answer.

    - `Fault(502)`: answer 502 with GitHub's error body; nothing changes.
    - `Fault(403, headers={"retry-after": "7"}, body={...})`: answer exactly that.
    - `Fault(delay=5.0)`: wait, then behave normally (`Fault(504, delay=5)` waits then fails).
    - `Fault(502, apply=True)`: perform the request (the issue IS created), then answer 502 —
      what a client sees when GitHub times out after committing.
    - a status below 400 without a body (e.g. the `201` in `[502, 201]`) means "behave normally".
    """

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0
    apply: bool = False

    @property
    def passthrough(self) -> bool:
        return self.status is None or (self.status < 400 and self.body is None)

    def describe(self) -> str:
        parts = [str(self.status) if self.status is not None else "normal"]
        if self.delay:
            parts.append(f"delay={self.delay}")
        if self.apply:
            parts.append("apply")
        return " ".join(parts)

    # --- known answers ---
    @classmethod
    def pr_creation_forbidden(cls) -> Fault:
        # Repository/organization setting "Allow GitHub Actions to create and approve pull
        # requests" is off (default for new repositories).
        return cls(
            403,
            body={
                "message": "GitHub Actions is not permitted to create or approve pull requests.",
                "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
                "status": "403",
            },
        )

    @classmethod
    def body_too_long(cls, resource: str = "Issue") -> Fault:
        return cls(422, body=body_too_long_error(resource))

    @classmethod
    def rerun_forbidden(cls, message: str = "This workflow run cannot be retried") -> Fault:
        # Other observed messages: "This workflow is already running".
        return cls(
            403,
            body=error_body(
                403,
                message,
                "https://docs.github.com/rest/actions/workflow-runs#re-run-failed-jobs-from-a-workflow-run",
            ),
        )

    @classmethod
    def secondary_rate_limit(cls, retry_after: int | None = 60, status: int = 403) -> Fault:
        headers = {"retry-after": str(retry_after)} if retry_after is not None else {}
        return cls(
            status,
            headers=headers,
            body=error_body(
                status,
                "You have exceeded a secondary rate limit. "
                "Please wait a few minutes before you try again.",
                "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
            ),
        )

    @classmethod
    def primary_rate_limit(cls, reset_epoch: int, limit: int = 1000) -> Fault:
        return cls(
            403,
            headers={
                "x-ratelimit-limit": str(limit),
                "x-ratelimit-remaining": "0",
                "x-ratelimit-used": str(limit),
                "x-ratelimit-reset": str(reset_epoch),
                "x-ratelimit-resource": "core",
            },
            body=error_body(
                403,
                "API rate limit exceeded for installation ID 1.",
                "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-rate-limits",
            ),
        )

    @classmethod
    def logs_gone(cls) -> Fault:
        return cls(410, body=error_body(410, "Server Error"))

    @classmethod
    def missing_permission(cls, accepted: str = "issues=write") -> Fault:
        return cls(
            403,
            headers={"x-accepted-github-permissions": accepted},
            body=error_body(403, "Resource not accessible by integration"),
        )


def body_too_long_error(resource: str) -> dict[str, Any]:
    if resource == "IssueComment":
        error = {
            "resource": "IssueComment",
            "code": "unprocessable",
            "field": "data",
            "message": "Body is too long (maximum is 65536 characters)",
        }
    else:  # issues and pull requests both report resource "Issue"
        error = {
            "resource": resource,
            "code": "custom",
            "field": "body",
            "message": "body is too long (maximum is 65536 characters)",
        }
    return error_body(422, "Validation Failed", errors=[error])


def as_fault(item: Fault | int | None) -> Fault:
    if isinstance(item, Fault):
        return item
    return Fault(status=item)


class Gate:
    """`fake.block(...)`: requests park here until `release` (a test can kill the client then)."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self._cond = threading.Condition()
        self.parked = 0

    def park(self, stopping: threading.Event) -> None:
        with self._cond:
            self.parked += 1
            self._cond.notify_all()
        while not self.released.is_set() and not stopping.is_set():
            self.released.wait(0.05)

    def wait_parked(self, count: int, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.parked >= count, timeout)


class FaultBook:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[tuple[str, str], deque[Fault]] = {}
        self.gates: dict[tuple[str, str], Gate] = {}

    def script(self, key: tuple[str, str], faults: list[Fault | int | None]) -> None:
        with self._lock:
            self._scripts.setdefault(key, deque()).extend(as_fault(f) for f in faults)

    def next(self, key: tuple[str, str]) -> Fault | None:
        with self._lock:
            queue = self._scripts.get(key)
            return queue.popleft() if queue else None

    def pending(self) -> dict[tuple[str, str], int]:
        with self._lock:
            return {k: len(v) for k, v in self._scripts.items() if v}

    def clear(self) -> None:
        with self._lock:
            self._scripts.clear()
