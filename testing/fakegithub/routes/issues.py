"""Issues (which include pull requests, as on GitHub), comments, labels and issue search."""

from __future__ import annotations

import re
import shlex
from datetime import datetime
from typing import Any

from ..faults import ApiError, body_too_long_error, validation_failed
from ..state import Comment, Issue, State, User, parse_time
from . import Ctx, Response, not_found, ok, paginate, route

MAX_BODY = 65_536  # characters, issues, PRs and comments alike
MAX_TITLE = 256
STATE_REASONS = {"completed", "not_planned", "reopened", "duplicate"}


def check_body(body: object, resource: str) -> None:
    if isinstance(body, str) and len(body) > MAX_BODY:
        error = body_too_long_error(resource)
        raise ApiError(422, error["message"], errors=error["errors"])


def check_title(title: object, resource: str = "Issue") -> None:
    if isinstance(title, str) and len(title) > MAX_TITLE:
        raise validation_failed(
            resource, "custom", "title", "title is too long (maximum is 256 characters)"
        )


def label_names(raw: object) -> list[str]:
    """Labels arrive as ["a", ...], [{"name": "a"}, ...] or {"labels": [...]}."""
    if isinstance(raw, dict):
        raw = raw.get("labels", [])
    names = []
    for item in raw if isinstance(raw, list) else []:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def add_labels(state: State, issue: Issue, names: list[str]) -> None:
    for name in names:
        label = state.ensure_label(name)  # created on the fly: the token has push access
        if label.name.lower() not in {n.lower() for n in issue.labels}:
            issue.labels.append(label.name)


def new_issue(
    state: State,
    title: str,
    body: str | None,
    user: User,
    labels: list[str] | None = None,
    assignees: list[User] | None = None,
    created_at: datetime | None = None,
) -> Issue:
    now = created_at or state.clock.now()
    issue = Issue(
        number=next(state.ids.number),
        id=next(state.ids.issue),
        title=title,
        body=body,
        user=user,
        created_at=now,
        updated_at=now,
        assignees=assignees or [],
    )
    add_labels(state, issue, labels or [])
    state.issues[issue.number] = issue
    return issue


def set_state(
    state: State,
    issue: Issue,
    new_state: str,
    by: User,
    reason: str | None = None,
    at: datetime | None = None,
) -> None:
    now = at or state.clock.now()
    if new_state == "closed" and issue.state != "closed":
        issue.state, issue.closed_at, issue.closed_by = "closed", now, by
        issue.state_reason = reason or "completed"
    elif new_state == "open" and issue.state != "open":
        issue.state, issue.closed_at = "open", None
        issue.state_reason = "reopened"
    elif reason and new_state == "closed":
        issue.state_reason = reason
    issue.updated_at = now


def get_issue(ctx: Ctx) -> Issue:
    issue = ctx.state.issues.get(ctx.int_param("issue_number"))
    if issue is None:
        raise not_found()
    return issue


# --- issues ---
@route("issues/list-for-repo")
def list_issues(ctx: Ctx) -> Response:
    items = list(ctx.state.issues.values())
    wanted_state = ctx.q("state", "open")
    if wanted_state != "all":
        items = [i for i in items if i.state == wanted_state]
    labels = ctx.q("labels")
    if labels:
        wanted = {n.strip().lower() for n in labels.split(",") if n.strip()}
        items = [i for i in items if wanted <= {n.lower() for n in i.labels}]
    creator = ctx.q("creator")
    if creator:
        items = [i for i in items if i.user.login.lower() == creator.lower()]
    assignee = ctx.q("assignee")
    if assignee == "none":
        items = [i for i in items if not i.assignees]
    elif assignee == "*":
        items = [i for i in items if i.assignees]
    elif assignee:
        items = [i for i in items if assignee.lower() in {u.login.lower() for u in i.assignees}]
    mentioned = ctx.q("mentioned")
    if mentioned:
        items = [i for i in items if f"@{mentioned}".lower() in (i.body or "").lower()]
    milestone = ctx.q("milestone")
    if milestone not in (None, "none"):
        items = []  # the fake has no milestones
    since = ctx.q("since")
    if since:
        threshold = parse_time(since)
        items = [i for i in items if i.updated_at >= threshold]
    items = sort_issues(ctx, items)
    page, headers = paginate(ctx, items)
    return ok([ctx.render.issue(i, single=False) for i in page], headers=headers)


def sort_issues(ctx: Ctx, items: list[Issue]) -> list[Issue]:
    sort = ctx.q("sort", "created")
    key: dict[str, Any] = {
        "created": lambda i: (i.created_at, i.number),
        "updated": lambda i: (i.updated_at, i.number),
        "comments": lambda i: (
            sum(1 for c in ctx.state.comments.values() if c.issue_number == i.number),
            i.number,
        ),
    }
    return sorted(
        items,
        key=key.get(sort or "created", key["created"]),
        reverse=ctx.q("direction", "desc") != "asc",
    )


@route("issues/get")
def get_issue_route(ctx: Ctx) -> Response:
    return ok(ctx.render.issue(get_issue(ctx)))


@route("issues/create")
def create_issue(ctx: Ctx) -> Response:
    body = ctx.json_body()
    title = str(body["title"])
    check_title(title)
    check_body(body.get("body"), "Issue")
    assignees = [
        ctx.state.user(login) for login in body.get("assignees") or [] if isinstance(login, str)
    ]
    if isinstance(body.get("assignee"), str):
        assignees.append(ctx.state.user(body["assignee"]))
    issue = new_issue(
        ctx.state, title, body.get("body"), ctx.caller, label_names(body.get("labels")), assignees
    )
    rendered = ctx.render.issue(issue)
    return ok(rendered, 201, {"Location": rendered["url"]})


@route("issues/update")
def update_issue(ctx: Ctx) -> Response:
    issue = get_issue(ctx)
    body = ctx.json_body()
    if "title" in body and body["title"] is not None:
        check_title(str(body["title"]))
        issue.title = str(body["title"])
    if "body" in body:
        check_body(body["body"], "Issue")
        issue.body = body["body"]
    if "labels" in body:
        issue.labels = []
        add_labels(ctx.state, issue, label_names(body["labels"]))
    if "assignees" in body:
        issue.assignees = [ctx.state.user(login) for login in body["assignees"] or []]
    reason = body.get("state_reason")
    if reason is not None and reason not in STATE_REASONS:
        raise validation_failed("Issue", "invalid", "state_reason")
    if body.get("state") in ("open", "closed"):
        set_state(ctx.state, issue, body["state"], ctx.caller, reason)
    issue.updated_at = ctx.state.clock.now()
    return ok(ctx.render.issue(issue))


# --- comments ---
def new_comment(
    state: State, issue: Issue, body: str, user: User, at: datetime | None = None
) -> Comment:
    now = at or state.clock.now()
    comment = Comment(next(state.ids.comment), issue.number, body, user, now, now)
    state.comments[comment.id] = comment
    issue.updated_at = now
    return comment


@route("issues/list-comments")
def list_comments(ctx: Ctx) -> Response:
    issue = get_issue(ctx)
    comments = [c for c in ctx.state.comments.values() if c.issue_number == issue.number]
    since = ctx.q("since")
    if since:
        comments = [c for c in comments if c.updated_at >= parse_time(since)]
    comments.sort(key=lambda c: c.id)
    page, headers = paginate(ctx, comments)
    return ok([ctx.render.comment(c) for c in page], headers=headers)


@route("issues/create-comment")
def create_comment(ctx: Ctx) -> Response:
    issue = get_issue(ctx)
    body = ctx.json_body()
    check_body(body["body"], "IssueComment")
    comment = new_comment(ctx.state, issue, str(body["body"]), ctx.caller)
    rendered = ctx.render.comment(comment)
    return ok(rendered, 201, {"Location": rendered["url"]})


def _get_comment(ctx: Ctx) -> Comment:
    comment = ctx.state.comments.get(ctx.int_param("comment_id"))
    if comment is None:
        raise not_found()
    return comment


@route("issues/get-comment")
def get_comment(ctx: Ctx) -> Response:
    return ok(ctx.render.comment(_get_comment(ctx)))


@route("issues/update-comment")
def update_comment(ctx: Ctx) -> Response:
    comment = _get_comment(ctx)
    body = ctx.json_body()
    check_body(body["body"], "IssueComment")
    comment.body = str(body["body"])
    comment.updated_at = ctx.state.clock.now()
    return ok(ctx.render.comment(comment))


# --- labels ---
@route("issues/add-labels")
def add_labels_route(ctx: Ctx) -> Response:
    issue = get_issue(ctx)
    add_labels(ctx.state, issue, label_names(ctx.body))
    issue.updated_at = ctx.state.clock.now()
    return ok([ctx.render.label(ctx.state.ensure_label(n)) for n in issue.labels])


@route("issues/remove-label")
def remove_label(ctx: Ctx) -> Response:
    issue = get_issue(ctx)
    name = ctx.params["name"].lower()
    if name not in {n.lower() for n in issue.labels}:
        raise ApiError(404, "Label does not exist")
    issue.labels = [n for n in issue.labels if n.lower() != name]
    return ok([ctx.render.label(ctx.state.ensure_label(n)) for n in issue.labels])


@route("issues/list-labels-for-repo")
def list_labels(ctx: Ctx) -> Response:
    labels = sorted(ctx.state.labels.values(), key=lambda label: label.id)
    page, headers = paginate(ctx, labels)
    return ok([ctx.render.label(label) for label in page], headers=headers)


@route("issues/get-label")
def get_label(ctx: Ctx) -> Response:
    label = ctx.state.label(ctx.params["name"])
    if label is None:
        raise not_found()
    return ok(ctx.render.label(label))


@route("issues/create-label")
def create_label(ctx: Ctx) -> Response:
    body = ctx.json_body()
    name = str(body["name"]).strip()
    if ctx.state.label(name) is not None:
        raise validation_failed("Label", "already_exists", "name")
    color = str(body.get("color") or "ededed").lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", color):
        raise validation_failed("Label", "invalid", "color")
    label = ctx.state.ensure_label(name)
    label.color, label.description = color.lower(), body.get("description")
    rendered = ctx.render.label(label)
    return ok(rendered, 201, {"Location": rendered["url"]})


# --- search (eventually consistent on GitHub: the fake can lag too) ---
def _qualifier_rejects(ctx: Ctx, issue: Issue, key: str, value: str) -> bool:
    """True when a `key:value` search qualifier excludes the issue."""
    if key == "repo":
        return value != ctx.state.repo.full_name.lower()
    if key in ("is", "type") and value in ("issue", "pr", "pull-request"):
        return (value == "issue") == issue.is_pull
    if key in ("is", "state") and value in ("open", "closed"):
        return issue.state != value
    if key == "label":
        return value not in {n.lower() for n in issue.labels}
    if key == "author":
        return issue.user.login.lower() != value
    return False


def _search_matches(ctx: Ctx, issue: Issue, terms: list[str]) -> bool:
    scope = ["title", "body"]
    text_terms = []
    for term in terms:
        key, sep, value = term.partition(":")
        if not sep:
            text_terms.append(term.lower())
        elif key == "in":
            scope = value.lower().split(",")
        elif _qualifier_rejects(ctx, issue, key, value.lower()):
            return False
    haystack = " ".join((getattr(issue, f) or "") for f in scope if f in ("title", "body")).lower()
    return all(t in haystack for t in text_terms)


@route("search/issues-and-pull-requests")
def search_issues(ctx: Ctx) -> Response:
    try:
        terms = shlex.split(ctx.q("q") or "")
    except ValueError:
        raise validation_failed("Search", "invalid", "q") from None
    horizon = ctx.state.clock.now().timestamp() - ctx.fake.search_lag_seconds
    items = [
        i
        for i in ctx.state.issues.values()
        if i.updated_at.timestamp() <= horizon and _search_matches(ctx, i, terms)
    ]
    items.sort(key=lambda i: i.number, reverse=True)
    page, headers = paginate(ctx, items)
    rendered = [{**ctx.render.issue(i, single=False), "score": 1.0} for i in page]
    return ok(
        {"total_count": len(items), "incomplete_results": False, "items": rendered}, headers=headers
    )
