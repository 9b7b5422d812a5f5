"""Pull requests. A PR is an issue record with `pull` info, sharing the issue numbering."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..faults import ApiError, validation_failed
from ..state import Issue, PullInfo, State, User
from . import Ctx, Response, not_found, ok, paginate, route
from .issues import check_body, check_title, new_issue, set_state

if TYPE_CHECKING:
    from ..gitstore import GitStore

PR_FORBIDDEN = "GitHub Actions is not permitted to create or approve pull requests."


def pulls(state: State) -> list[Issue]:
    return [i for i in state.issues.values() if i.pull is not None]


def close_pulls_with_head(ctx: Ctx, branch: str) -> None:
    """Deleting a PR's head branch closes the PR on GitHub."""
    for issue in pulls(ctx.state):
        if issue.state == "open" and issue.pull is not None and issue.pull.head_ref == branch:
            set_state(ctx.state, issue, "closed", ctx.caller)


def _custom(message: str) -> ApiError:
    return validation_failed("PullRequest", "custom", message=message)


def new_pull(
    state: State,
    git: GitStore,
    title: str,
    body: str | None,
    head: str,
    base: str,
    user: User,
    draft: bool = False,
) -> Issue:
    """Create a PR record (no validation: routes validate, test helpers may seed anything)."""
    issue = new_issue(state, title, body, user)
    issue.pull = PullInfo(
        id=next(state.ids.pull),
        head_ref=head,
        head_sha=git.get_ref(f"heads/{head}") or "0" * 40,
        base_ref=base,
        base_sha=git.get_ref(f"heads/{base}") or "0" * 40,
        draft=draft,
    )
    return issue


def _parse_head(ctx: Ctx, head: str) -> str:
    owner, sep, branch = head.rpartition(":")
    if sep and owner.lower() != ctx.state.repo.owner.login.lower():
        # Cross-repository (fork) heads are not modelled: the fake has one repository.
        raise validation_failed("PullRequest", "invalid", "head")
    return branch


@route("pulls/create")
def create_pull(ctx: Ctx) -> Response:
    if not ctx.state.can_approve_pull_request_reviews:
        raise ApiError(403, PR_FORBIDDEN)
    body = ctx.json_body()
    if not body.get("title") and body.get("issue") is None:
        raise validation_failed("PullRequest", "missing_field", "title")
    title = str(body.get("title") or "")
    check_title(title, "PullRequest")
    check_body(body.get("body"), "Issue")  # PRs report resource "Issue" for the body limit
    head, base = _parse_head(ctx, str(body["head"])), str(body["base"])
    base_sha = ctx.git.get_ref(f"heads/{base}")
    if base_sha is None:
        raise validation_failed("PullRequest", "invalid", "base")
    head_sha = ctx.git.get_ref(f"heads/{head}")
    if head_sha is None:
        raise validation_failed("PullRequest", "invalid", "head")
    owner = ctx.state.repo.owner.login
    for existing in pulls(ctx.state):
        assert existing.pull is not None
        if (
            existing.state == "open"
            and existing.pull.head_ref == head
            and existing.pull.base_ref == base
        ):
            raise _custom(f"A pull request already exists for {owner}:{head}.")
    if not ctx.git.commits_between(base_sha, head_sha):
        raise _custom(f"No commits between {base} and {head}")
    issue = new_pull(
        ctx.state, ctx.git, title, body.get("body"), head, base, ctx.caller, bool(body.get("draft"))
    )
    assert issue.pull is not None
    issue.pull.maintainer_can_modify = bool(body.get("maintainer_can_modify", False))
    rendered = ctx.render.pull(issue)
    return ok(rendered, 201, {"Location": rendered["url"]})


@route("pulls/list")
def list_pulls(ctx: Ctx) -> Response:
    items = pulls(ctx.state)
    wanted_state = ctx.q("state", "open")
    if wanted_state != "all":
        items = [i for i in items if i.state == wanted_state]
    head = ctx.q("head")
    if head and ":" in head:
        # Without the `owner:` prefix GitHub silently ignores `head` and returns every PR:
        # a classic idempotency bug, reproduced here on purpose.
        owner, _, branch = head.partition(":")
        if owner.lower() != ctx.state.repo.owner.login.lower():
            items = []
        items = [i for i in items if i.pull is not None and i.pull.head_ref == branch]
    base = ctx.q("base")
    if base:
        items = [i for i in items if i.pull is not None and i.pull.base_ref == base]
    sort = ctx.q("sort", "created")
    default_direction = "desc" if sort == "created" else "asc"
    reverse = ctx.q("direction", default_direction) == "desc"
    key = (
        (lambda i: (i.updated_at, i.number))
        if sort == "updated"
        else (lambda i: (i.created_at, i.number))
    )
    items.sort(key=key, reverse=reverse)
    page, headers = paginate(ctx, items)
    return ok([ctx.render.pull(i, full=False) for i in page], headers=headers)


def get_pull(ctx: Ctx) -> Issue:
    issue = ctx.state.issues.get(ctx.int_param("pull_number"))
    if issue is None or issue.pull is None:
        raise not_found()
    return issue


@route("pulls/get")
def get_pull_route(ctx: Ctx) -> Response:
    return ok(ctx.render.pull(get_pull(ctx)))


@route("pulls/update")
def update_pull(ctx: Ctx) -> Response:
    issue = get_pull(ctx)
    assert issue.pull is not None
    body = ctx.json_body()
    if body.get("title") is not None:
        check_title(str(body["title"]), "PullRequest")
        issue.title = str(body["title"])
    if "body" in body:
        check_body(body["body"], "Issue")
        issue.body = body["body"]
    if body.get("base"):
        if ctx.git.get_ref(f"heads/{body['base']}") is None:
            raise validation_failed("PullRequest", "invalid", "base")
        issue.pull.base_ref = str(body["base"])
    if "maintainer_can_modify" in body:
        issue.pull.maintainer_can_modify = bool(body["maintainer_can_modify"])
    if body.get("state") == "open" and issue.state == "closed":
        if ctx.git.get_ref(f"heads/{issue.pull.head_ref}") is None:
            raise _custom("state cannot be changed. The head branch has been deleted.")
        set_state(ctx.state, issue, "open", ctx.caller)
    elif body.get("state") == "closed":
        set_state(ctx.state, issue, "closed", ctx.caller)
    issue.updated_at = ctx.state.clock.now()
    return ok(ctx.render.pull(issue))


@route("repos/list-pull-requests-associated-with-commit")
def pulls_for_commit(ctx: Ctx) -> Response:
    sha = ctx.params["commit_sha"]
    found = []
    for issue in pulls(ctx.state):
        assert issue.pull is not None
        head = ctx.render.pull_head_sha(issue)
        base = ctx.git.get_ref(f"heads/{issue.pull.base_ref}") or issue.pull.base_sha
        try:
            contained = sha == head or sha in ctx.git.commits_between(base, head)
        except Exception:  # seeded, unknown SHAs
            contained = sha == head
        if contained:
            found.append(issue)
    page, headers = paginate(ctx, found)
    return ok([ctx.render.pull(i, full=False) for i in page], headers=headers)
