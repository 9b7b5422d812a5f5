"""`FakeGitHub`: the stateful fake GitHub REST API over real loopback HTTP.

Request pipeline (one place, so the order is explicit):

1. match the request to an OpenAPI operation (unknown route: 501 + violation);
2. authentication (only when the fake was given a `token`);
3. scripted faults and blocks for the route (`script`, `block`);
4. repository check, request validation against the operation (violations; a bad body gets
   GitHub's 422 "Invalid request");
5. permission check (`deny`), primary rate limit;
6. the route handler, under the state lock;
7. the fake's own answer is checked against the operation's response schema;
8. `apply=True` faults replace the answer after the change was made.

Every request is recorded with method, path, query, headers, parsed body, operation id and
status; `violations` collects everything a real GitHub would have rejected or ignored.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .blobs import BlobHost, BlobRequest
from .faults import ApiError, Fault, FaultBook, Gate, error_body
from .gitstore import BareGitStore, GitStore, MemoryGitStore, initial_commit
from .httpd import RawRequest, RawResponse, Server
from .openapi import DEFAULT_SPEC, Operation, check_request, check_response, load_spec
from .permissions import accepted_header, is_denied, normalize, requirements
from .render import Renderer
from .routes import HANDLERS, Ctx, Response, load_all
from .scenario import ScenarioMixin
from .state import Clock, Repository, State, User

load_all()


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any  # parsed JSON, or None
    raw_body: bytes
    operation_id: str | None
    template: str | None
    path_params: dict[str, str]
    status: int = 0
    fault: str | None = None
    response: Any = None
    at: float = field(default_factory=time.time)

    @property
    def is_write(self) -> bool:
        return self.method not in ("GET", "HEAD")

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status} ({self.operation_id})>"


@dataclass
class Violation:
    kind: str  # unknown-route | not-implemented | path | query | body | response | json
    method: str
    path: str
    operation_id: str | None
    message: str

    def __str__(self) -> str:
        operation = self.operation_id or "no operation"
        return f"[{self.kind}] {self.method} {self.path} ({operation}): {self.message}"


class FakeGitHub(ScenarioMixin):
    def __init__(
        self,
        owner: str = "octo-org",
        repo: str = "octo-repo",
        *,
        default_branch: str = "main",
        private: bool = False,
        repo_id: int | None = None,
        owner_type: str = "Organization",
        git_dir: Path | str | None = None,
        token: str | None = None,
        spec_path: Path = DEFAULT_SPEC,
        rate_limit: int = 5000,
        now: str | datetime | None = None,
        log_url_ttl: int = 60,
        check_responses: bool = True,
    ) -> None:
        clock = Clock()
        if now is not None:
            clock.set(now)
        state = State(
            repo=Repository(0, User(owner, 0, owner_type), repo, default_branch, private),
            clock=clock,
        )
        state.repo.id = repo_id or next(state.ids.repo)
        state.repo.owner.id = next(state.ids.user)
        state.users[owner] = state.repo.owner
        self.state = state
        self.spec = load_spec(Path(spec_path))
        self.git: GitStore
        if git_dir is not None:
            self.git = BareGitStore(Path(git_dir))
        else:
            self.git = MemoryGitStore()
            initial_commit(self.git, repo, default_branch)
        self.token = token
        self.check_responses = check_responses
        self.rate_limit = rate_limit
        self.search_lag_seconds = 0.0
        self.faults = FaultBook()
        self.denied: dict[str, str] = {}
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.violations_expected = False
        self._record_lock = threading.Lock()
        self._stopping = threading.Event()
        self._used = 0
        self._reset_epoch = clock.epoch() + 3600
        self._api = Server(self._app, "fakegithub-api")
        self.blobs = BlobHost(self, log_url_ttl)
        self.renderer = Renderer(self._api.url, state, self.git)
        self._started = False

    # --- lifecycle ---
    @property
    def api_url(self) -> str:
        return self._api.url

    @property
    def busy_seconds(self) -> float:
        """Time the fake spent answering (both servers), for benchmarks."""
        return self._api.busy.seconds + self.blobs.busy_seconds

    @property
    def blob_url(self) -> str:
        return self.blobs.url

    def start(self) -> FakeGitHub:
        if not self._started:
            self._api.start()
            self.blobs.start()
            self._started = True
        return self

    def stop(self) -> None:
        self._stopping.set()  # frees parked (blocked) and delayed requests
        if self._started:
            self._api.stop()
            self.blobs.stop()
            self._started = False
        if isinstance(self.git, BareGitStore):
            self.git.close()

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def env(self) -> dict[str, str]:
        """The variables a runner sets that point a client at this fake."""
        return {
            "GITHUB_API_URL": self.api_url,
            "GITHUB_GRAPHQL_URL": f"{self.api_url}/graphql",
            "GITHUB_REPOSITORY": self.state.repo.full_name,
            "GITHUB_REPOSITORY_OWNER": self.state.repo.owner.login,
            "GITHUB_REPOSITORY_ID": str(self.state.repo.id),
        }

    # --- controls ---
    def _route_key(self, method: str, template: str) -> tuple[str, str]:
        op = self.spec.operation(method, template)  # raises on typos: a script must hit a route
        return op.method, op.template

    def script(self, method: str, template: str, faults: list[Fault | int | None]) -> None:
        """Play `faults` in order on the next requests to this route, then behave normally."""
        self.faults.script(self._route_key(method, template), faults)

    def block(self, method: str, template: str) -> Gate:
        """Park every request to this route until `release` (used to kill a client mid-call)."""
        gate = Gate()
        self.faults.gates[self._route_key(method, template)] = gate
        return gate

    def release(self, method: str | None = None, template: str | None = None) -> None:
        keys = (
            [self._route_key(method, template)] if method and template else list(self.faults.gates)
        )
        for key in keys:
            gate = self.faults.gates.pop(key, None)
            if gate:
                gate.released.set()

    def wait_blocked(
        self, method: str, template: str, count: int = 1, timeout: float = 10.0
    ) -> bool:
        gate = self.faults.gates.get(self._route_key(method, template))
        return gate is not None and gate.wait_parked(count, timeout)

    def deny(self, permission: str, level: str = "any") -> None:
        """Token lacks `permission`: level "any" = no access, "write" = read-only."""
        if level not in ("any", "write"):
            raise ValueError("level must be 'any' or 'write'")
        self.denied[normalize(permission)] = level

    def allow(self, permission: str) -> None:
        self.denied.pop(normalize(permission), None)

    def expect_violations(self) -> None:
        """The test provokes violations on purpose; the fixture will not fail it for them."""
        self.violations_expected = True

    def assert_no_violations(self) -> None:
        if self.violations and not self.violations_expected:
            lines = "\n".join(f"  - {v}" for v in self.violations)
            raise AssertionError(
                f"fake GitHub recorded {len(self.violations)} violation(s):\n{lines}"
            )

    # --- inspection ---
    def calls(
        self,
        method: str | None = None,
        template: str | None = None,
        operation_id: str | None = None,
    ) -> list[RecordedRequest]:
        with self._record_lock:
            found = list(self.requests)
        return [
            r
            for r in found
            if (method is None or r.method == method.upper())
            and (template is None or r.template == template)
            and (operation_id is None or r.operation_id == operation_id)
        ]

    def write_calls(self) -> list[RecordedRequest]:
        return [r for r in self.calls() if r.is_write]

    @property
    def blob_requests(self) -> list[BlobRequest]:
        return list(self.blobs.requests)

    def rate_limit_snapshot(self) -> dict[str, Any]:
        return {
            "limit": self.rate_limit,
            "remaining": max(self.rate_limit - self._used, 0),
            "reset": self._reset_epoch,
            "used": min(self._used, self.rate_limit),
            "resource": "core",
        }

    # --- pipeline ---
    def _violation(self, kind: str, rec: RecordedRequest, message: str) -> None:
        with self._record_lock:
            self.violations.append(Violation(kind, rec.method, rec.path, rec.operation_id, message))

    def _app(self, raw: RawRequest) -> RawResponse:
        rec = RecordedRequest(
            raw.method, raw.raw_path, raw.query, raw.headers, None, raw.body, None, None, {}
        )
        with self._record_lock:
            self.requests.append(rec)
        response, op = self._process(raw, rec)
        rec.status, rec.response = response.status, response.body
        return self._finish(response, op)

    def _process(self, raw: RawRequest, rec: RecordedRequest) -> tuple[Response, Operation | None]:
        matched = self.spec.match(raw.method, raw.raw_path)
        if matched is None:
            self._violation(
                "unknown-route", rec, "no operation in the OpenAPI subset matches this request"
            )
            return (
                Response(501, error_body(501, "Not Implemented by the fake: unknown route")),
                None,
            )
        op, params = matched
        rec.operation_id, rec.template, rec.path_params = op.operation_id, op.template, params

        has_body = bool(raw.body.strip())
        if has_body:
            try:
                rec.body = json.loads(raw.body)
            except ValueError:
                self._violation("json", rec, "request body is not JSON")
                return self._error(op, ApiError(400, "Problems parsing JSON")), op

        if self.token is not None:
            auth = raw.headers.get("authorization", "")
            if auth.partition(" ")[2] != self.token:
                return (
                    self._error(
                        op, ApiError(401, "Bad credentials" if auth else "Requires authentication")
                    ),
                    op,
                )

        fault = self.faults.next((op.method, op.template))
        if fault is not None:
            rec.fault = fault.describe()
        gate = self.faults.gates.get((op.method, op.template))
        if gate is not None:
            gate.park(self._stopping)
        if fault is not None and fault.delay:
            self._stopping.wait(fault.delay)
        if fault is not None and not fault.passthrough and not fault.apply:
            return self._fault_response(op, fault), op

        response = self._handle(op, params, raw, rec, has_body)
        if fault is not None and fault.apply and not fault.passthrough:
            return self._fault_response(op, fault), op
        return response, op

    def _handle(
        self,
        op: Operation,
        params: dict[str, str],
        raw: RawRequest,
        rec: RecordedRequest,
        has_body: bool,
    ) -> Response:
        repo = self.state.repo
        if "owner" in params and (
            params["owner"].lower() != repo.owner.login.lower()
            or params.get("repo", "").lower() != repo.name.lower()
        ):
            return self._error(op, ApiError(404, "Not Found"))

        fatal, ignored = check_request(op, params, raw.query, rec.body, has_body)
        for message in ignored:
            self._violation("query" if message.startswith("query") else "body", rec, message)
        for message in fatal:
            self._violation(
                "path" if message.startswith("path") else "query" if "query" in message else "body",
                rec,
                message,
            )
        if fatal:
            if any(m.startswith("path") for m in fatal):
                return self._error(op, ApiError(404, "Not Found"))
            return self._error(op, ApiError(422, "Invalid request.\n\n" + "\n".join(fatal)))

        handler = HANDLERS.get(op.operation_id)
        if handler is None:
            self._violation(
                "not-implemented", rec, "operation exists in the subset but the fake has no handler"
            )
            return self._error(op, ApiError(501, f"Not Implemented by the fake: {op.operation_id}"))

        with self.state.lock:
            denied = self._permission_error(op, params)
            if denied is not None:
                return denied
            if op.operation_id != "rate-limit/get":
                self._used += 1
                if self._used > self.rate_limit:
                    return self._fault_response(
                        op, Fault.primary_rate_limit(self._reset_epoch, self.rate_limit)
                    )
            ctx = Ctx(self, op, raw.method, raw.raw_path, params, raw.query, rec.body, raw.headers)
            try:
                response = handler(ctx)
            except ApiError as exc:
                return self._error(op, exc)

        if self.check_responses and 200 <= response.status < 300 and response.body is not None:
            for message in check_response(op, response.status, response.body):
                self._violation(
                    "response", rec, "the fake's own answer breaks the schema: " + message
                )
        return response

    def _permission_error(self, op: Operation, params: dict[str, str]) -> Response | None:
        on_pull = False
        if "issue_number" in params and params["issue_number"].isdigit():
            issue = self.state.issues.get(int(params["issue_number"]))
            on_pull = issue is not None and issue.is_pull
        reqs = requirements(op.operation_id, on_pull)
        if any(is_denied(r, self.denied) for r in reqs):
            error = ApiError(
                403,
                "Resource not accessible by integration",
                headers={"x-accepted-github-permissions": accepted_header(reqs)},
            )
            return self._error(op, error)
        return None

    def _error(self, op: Operation, exc: ApiError) -> Response:
        body = error_body(exc.status, exc.message, op.docs_url, exc.errors)
        return Response(exc.status, body, dict(exc.headers))

    def _fault_response(self, op: Operation, fault: Fault) -> Response:
        assert fault.status is not None
        body = fault.body if fault.body is not None else error_body(fault.status, None, op.docs_url)
        return Response(fault.status, body, dict(fault.headers))

    def _finish(self, response: Response, op: Operation | None) -> RawResponse:
        snapshot = self.rate_limit_snapshot()
        resource = "search" if op is not None and op.operation_id.startswith("search/") else "core"
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Request-Id": uuid.uuid4().hex[:20].upper(),
            "x-ratelimit-limit": str(snapshot["limit"]),
            "x-ratelimit-remaining": str(snapshot["remaining"]),
            "x-ratelimit-used": str(snapshot["used"]),
            "x-ratelimit-reset": str(snapshot["reset"]),
            "x-ratelimit-resource": resource,
        }
        lowered = {k.lower() for k in response.headers}
        headers = {k: v for k, v in headers.items() if k.lower() not in lowered}
        headers.update(response.headers)
        body = response.body
        if body is None:
            payload = b""
        elif isinstance(body, bytes | str):
            payload = body.encode() if isinstance(body, str) else body
        else:
            payload = json.dumps(body).encode()
        return RawResponse(response.status, headers, payload)
