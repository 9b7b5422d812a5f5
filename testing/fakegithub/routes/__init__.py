"""Route handlers, registered per OpenAPI operationId.

A handler gets a `Ctx` (matched operation, decoded path parameters, query, parsed JSON body and
the fake's state) and returns a `Response` or raises `ApiError`. Handlers run while the state
lock is held, so each one is atomic with respect to other requests and to test helpers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from ..faults import ApiError
from ..gitstore import GitStore
from ..openapi import Operation
from ..render import Renderer
from ..state import GITHUB_ACTIONS_BOT, State, User

if TYPE_CHECKING:
    from ..fake import FakeGitHub

T = TypeVar("T")


@dataclass
class Response:
    status: int
    body: Any = None  # JSON-serialisable value, or None for an empty body
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Ctx:
    fake: FakeGitHub
    op: Operation
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]

    @property
    def state(self) -> State:
        return self.fake.state

    @property
    def git(self) -> GitStore:
        return self.fake.git

    @property
    def render(self) -> Renderer:
        return self.fake.renderer

    @property
    def caller(self) -> User:
        """Every token the fake accepts acts as the GITHUB_TOKEN's identity."""
        return GITHUB_ACTIONS_BOT

    def q(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def int_param(self, name: str) -> int:
        return int(self.params[name])

    def json_body(self) -> dict[str, Any]:
        return self.body if isinstance(self.body, dict) else {}


Handler = Callable[[Ctx], Response]
HANDLERS: dict[str, Handler] = {}


def route(operation_id: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[operation_id] = handler
        return handler

    return register


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(status, body, headers or {})


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def paginate(ctx: Ctx, items: Sequence[T]) -> tuple[list[T], dict[str, str]]:
    """`per_page` (default 30, max 100) and `page`, with GitHub's `Link` header.

    The links repeat the request's own query with `page` replaced; `first`/`prev` appear from
    page 2 on, `next`/`last` until the last page, as on api.github.com.
    """
    try:
        per_page = int(ctx.q("per_page") or 30)
    except ValueError:
        per_page = 30
    per_page = 30 if per_page <= 0 else min(per_page, 100)
    try:
        page = max(int(ctx.q("page") or 1), 1)
    except ValueError:
        page = 1
    last = max((len(items) + per_page - 1) // per_page, 1)
    chunk = list(items[(page - 1) * per_page : page * per_page])

    def link(number: int) -> str:
        query = [(k, v) for k, values in ctx.query.items() if k != "page" for v in values]
        query.append(("page", str(number)))
        return f"<{ctx.fake.api_url}{ctx.path}?{urlencode(query)}>"

    rels = []
    if page > 1:
        rels += [f'{link(min(page - 1, last))}; rel="prev"', f'{link(1)}; rel="first"']
    if page < last:
        rels += [f'{link(page + 1)}; rel="next"', f'{link(last)}; rel="last"']
    return chunk, ({"Link": ", ".join(rels)} if rels else {})


def load_all() -> None:
    """Import the handler modules (they register themselves)."""
    from . import actions, git, issues, pulls, repos  # noqa: F401 - break the cycle
