"""Git data API: refs (with the fast-forward-only update the ledger uses as compare-and-swap),
blobs, trees and commits."""

from __future__ import annotations

import base64
import binascii

from ..faults import ApiError
from ..gitstore import (
    GitStoreError,
    InvalidTree,
    NotFastForward,
    ObjectMissing,
    RefExists,
    RefMissing,
    Signature,
)
from ..state import GITHUB_ACTIONS_BOT, parse_time
from . import Ctx, Response, not_found, ok, paginate, route
from .pulls import close_pulls_with_head

BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
WEB_FLOW = ("GitHub", "noreply@github.com")


def _require_non_empty(ctx: Ctx) -> None:
    if not ctx.git.list_refs():
        raise ApiError(409, "Git Repository is empty.")


def _ref_name(raw: str) -> str:
    return raw.removeprefix("refs/")


@route("git/get-ref")
def get_ref(ctx: Ctx) -> Response:
    _require_non_empty(ctx)
    name = _ref_name(ctx.params["ref"])
    sha = ctx.git.get_ref(name)
    if sha is None:
        raise not_found()
    return ok(ctx.render.ref(name, sha))


@route("git/list-matching-refs")
def matching_refs(ctx: Ctx) -> Response:
    _require_non_empty(ctx)
    prefix = _ref_name(ctx.params["ref"])
    # A plain string prefix: `heads/feat` matches `heads/feature-a` too (GitHub's behaviour).
    refs = [(name, sha) for name, sha in ctx.git.list_refs() if name.startswith(prefix)]
    page, headers = paginate(ctx, refs)
    return ok([ctx.render.ref(name, sha) for name, sha in page], headers=headers)


@route("git/create-ref")
def create_ref(ctx: Ctx) -> Response:
    body = ctx.json_body()
    ref, sha = str(body["ref"]), str(body["sha"])
    # "If it doesn't start with 'refs' and have at least two slashes, it will be rejected."
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise ApiError(422, "Reference name is invalid")
    name = _ref_name(ref)
    try:
        ctx.git.create_ref(name, sha)
    except RefExists:
        raise ApiError(422, "Reference already exists") from None
    except ObjectMissing:
        raise ApiError(422, "Object does not exist") from None
    return ok(ctx.render.ref(name, sha), 201, {"Location": ctx.render.ref(name, sha)["url"]})


@route("git/update-ref")
def update_ref(ctx: Ctx) -> Response:
    body = ctx.json_body()
    name, sha = _ref_name(ctx.params["ref"]), str(body["sha"])
    try:
        ctx.git.update_ref(name, sha, force=bool(body.get("force", False)))
    except RefMissing:
        raise ApiError(422, "Reference does not exist") from None
    except ObjectMissing:
        raise ApiError(422, "Object does not exist") from None
    except NotFastForward:
        raise ApiError(422, "Update is not a fast forward") from None
    return ok(ctx.render.ref(name, sha))


@route("git/delete-ref")
def delete_ref(ctx: Ctx) -> Response:
    name = _ref_name(ctx.params["ref"])
    if name == f"heads/{ctx.state.repo.default_branch}":
        raise ApiError(422, "Cannot delete the default branch")
    try:
        ctx.git.delete_ref(name)
    except (RefMissing, NotFastForward):
        raise ApiError(422, "Reference does not exist") from None
    if name.startswith("heads/"):
        close_pulls_with_head(ctx, name.removeprefix("heads/"))
    return Response(204)


@route("git/create-blob")
def create_blob(ctx: Ctx) -> Response:
    _require_non_empty(ctx)
    body = ctx.json_body()
    content, encoding = str(body["content"]), body.get("encoding", "utf-8")
    if encoding == "base64":
        try:
            data = base64.b64decode(content, validate=False)
        except (binascii.Error, ValueError):
            raise ApiError(422, "Invalid base64 content") from None
    elif encoding in ("utf-8", "utf8"):
        data = content.encode()
    else:
        raise ApiError(422, f"encoding must be utf-8 or base64, not {encoding}")
    sha = ctx.git.write_blob(data)
    return ok({"sha": sha, "url": ctx.render.git_url("blobs", sha)}, 201)


@route("git/get-blob")
def get_blob(ctx: Ctx) -> Response:
    sha = ctx.params["file_sha"]
    try:
        data = ctx.git.read_blob(sha)
    except ObjectMissing:
        raise not_found() from None
    return ok(
        {
            "content": base64.encodebytes(data).decode(),
            "encoding": "base64",
            "url": ctx.render.git_url("blobs", sha),
            "sha": sha,
            "size": len(data),
            "node_id": "B_" + sha[:20],
        }
    )


@route("git/get-tree")
def get_tree(ctx: Ctx) -> Response:
    sha = ctx.params["tree_sha"]
    try:
        tree_sha = ctx.git.read_commit(sha).tree if ctx.git.object_type(sha) == "commit" else sha
        entries = ctx.git.walk_tree(tree_sha, recursive=ctx.q("recursive") is not None)
    except ObjectMissing:
        raise not_found() from None
    return ok(ctx.render.tree(tree_sha, entries))


@route("git/create-tree")
def create_tree(ctx: Ctx) -> Response:
    _require_non_empty(ctx)
    body = ctx.json_body()
    base = body.get("base_tree")
    if base and ctx.git.object_type(base) != "tree":
        raise ApiError(422, "base_tree is not a valid tree oid")
    try:
        sha = ctx.git.create_tree(base, list(body["tree"]))
    except (InvalidTree, ObjectMissing) as exc:
        raise ApiError(422, f"GitRPC::BadObjectState: {exc}") from None
    entries = ctx.git.read_tree(sha)
    return ok(ctx.render.tree(sha, entries), 201)


@route("git/get-commit")
def get_commit(ctx: Ctx) -> Response:
    try:
        info = ctx.git.read_commit(ctx.params["commit_sha"])
    except ObjectMissing:
        raise not_found() from None
    return ok(ctx.render.commit(info))


def _signature(raw: object, default: tuple[str, str], ctx: Ctx) -> Signature:
    given = raw if isinstance(raw, dict) else {}
    when = parse_time(given["date"]) if given.get("date") else ctx.state.clock.now()
    return Signature(given.get("name") or default[0], given.get("email") or default[1], when)


@route("git/create-commit")
def create_commit(ctx: Ctx) -> Response:
    _require_non_empty(ctx)
    body = ctx.json_body()
    tree, parents = str(body["tree"]), [str(p) for p in body.get("parents", [])]
    if ctx.git.object_type(tree) != "tree":
        raise ApiError(422, "Tree SHA does not exist")
    if any(ctx.git.object_type(p) != "commit" for p in parents):
        raise ApiError(422, "Parent SHA does not exist or is not a commit object")
    author = _signature(body.get("author"), (GITHUB_ACTIONS_BOT.login, BOT_EMAIL), ctx)
    committer_default = WEB_FLOW if "author" not in body else (author.name, author.email)
    committer = _signature(body.get("committer", body.get("author")), committer_default, ctx)
    try:
        sha = ctx.git.write_commit(tree, parents, author, committer, str(body["message"]))
    except GitStoreError as exc:
        raise ApiError(422, str(exc)) from None
    # Commits GitHub makes on the app's behalf (no author/committer given) are signed by web-flow.
    verified = "author" not in body and "committer" not in body
    return ok(ctx.render.commit(ctx.git.read_commit(sha), verified=verified), 201)
