"""Repository, contents, compare, branches and the rate-limit endpoint."""

from __future__ import annotations

import base64
import binascii
import difflib
import re
from typing import Any

from ..faults import ApiError
from ..gitstore import ObjectMissing, TreeEntry
from ..state import GITHUB_ACTIONS_BOT
from . import Ctx, Response, not_found, ok, route
from .git import BOT_EMAIL, _signature

SHA_RE = re.compile(r"[0-9a-f]{40}")


def resolve(ctx: Ctx, name: str) -> str | None:
    """A branch, tag, full ref, `owner:branch` or commit SHA -> commit SHA."""
    name = name.rpartition(":")[2] if ":" in name else name
    for candidate in (f"heads/{name}", f"tags/{name}", name.removeprefix("refs/")):
        sha = ctx.git.get_ref(candidate)
        if sha:
            return sha
    if SHA_RE.fullmatch(name) and ctx.git.object_type(name) == "commit":
        return name
    return None


@route("repos/get")
def get_repo(ctx: Ctx) -> Response:
    return ok(ctx.render.repo_full(ctx.state.repo))


@route("rate-limit/get")
def rate_limit(ctx: Ctx) -> Response:
    core = ctx.fake.rate_limit_snapshot()
    search = {"limit": 30, "remaining": 30, "reset": core["reset"], "used": 0, "resource": "search"}
    graphql = {
        "limit": 1000,
        "remaining": 1000,
        "reset": core["reset"],
        "used": 0,
        "resource": "graphql",
    }
    return ok({"resources": {"core": core, "search": search, "graphql": graphql}, "rate": core})


@route("repos/get-content")
def get_content(ctx: Ctx) -> Response:
    ref = ctx.q("ref") or ctx.state.repo.default_branch
    sha = resolve(ctx, ref)
    if sha is None:
        raise ApiError(404, f"No commit found for the ref {ref}")
    path = ctx.params["path"].strip("/")
    found = ctx.git.file_at(sha, path)
    if found is not None:
        blob_sha, data = found
        return ok(ctx.render.content_file(path, blob_sha, data, ref))
    entries = ctx.git.dir_at(sha, path)
    if entries is None:
        raise ApiError(404, "Not Found")
    prefix = f"{path}/" if path else ""
    return ok([ctx.render.content_entry(prefix + e.name, e, ref) for e in entries])


@route("repos/create-or-update-file-contents")
def put_content(ctx: Ctx) -> Response:
    body = ctx.json_body()
    path = ctx.params["path"].strip("/")
    branch = str(body.get("branch") or ctx.state.repo.default_branch)
    if path.startswith(".github/workflows/"):
        # GITHUB_TOKEN never has the `workflows` permission.
        raise ApiError(
            403,
            f"refusing to allow a GitHub App to create or update workflow `{path}` "
            "without `workflows` permission",
        )
    tip = ctx.git.get_ref(f"heads/{branch}")
    if tip is None:
        raise ApiError(404, f"Branch {branch} not found")
    try:
        data = base64.b64decode(str(body["content"]), validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(422, "content is not valid Base64") from None
    existing = ctx.git.file_at(tip, path)
    if existing is not None and "sha" not in body:
        raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    if existing is not None and body["sha"] != existing[0]:
        raise ApiError(409, f"{path} does not match {body['sha']}")
    commit = commit_files(
        ctx, branch, {path: data}, str(body["message"]), body.get("author"), body.get("committer")
    )
    blob_sha = ctx.git.file_at(commit, path)
    assert blob_sha is not None
    info = ctx.git.read_commit(commit)
    content = ctx.render.content_entry(
        path, TreeEntry("100644", path.rsplit("/", 1)[-1], blob_sha[0]), branch
    )
    return ok({"content": content, "commit": ctx.render.commit(info)}, 200 if existing else 201)


def commit_files(
    ctx: Ctx,
    branch: str,
    files: dict[str, bytes | None],
    message: str,
    author: Any = None,
    committer: Any = None,
) -> str:
    """Commit file changes on top of a branch (None deletes) and move the branch."""
    tip = ctx.git.get_ref(f"heads/{branch}")
    entries: list[dict[str, Any]] = []
    for path, data in files.items():
        blob = ctx.git.write_blob(data) if data is not None else None
        entries.append({"path": path, "mode": "100644", "type": "blob", "sha": blob})
    base_tree = ctx.git.read_commit(tip).tree if tip else None
    tree = ctx.git.create_tree(base_tree, entries)
    who = _signature(author, (GITHUB_ACTIONS_BOT.login, BOT_EMAIL), ctx)
    by = _signature(committer or author, (who.name, who.email), ctx)
    sha = ctx.git.write_commit(tree, [tip] if tip else [], who, by, message)
    ctx.git.seed_ref(f"heads/{branch}", sha)
    return sha


def repo_commit(ctx: Ctx, sha: str) -> dict[str, Any]:
    """The `repos/commits` shape (as in compare and branches), not the git-data one."""
    info = ctx.git.read_commit(sha)
    git_commit = ctx.render.commit(info)
    base = f"{ctx.fake.api_url}/repos/{ctx.state.repo.full_name}/commits/{sha}"
    return {
        "sha": sha,
        "node_id": git_commit["node_id"],
        "commit": {
            "author": git_commit["author"],
            "committer": git_commit["committer"],
            "message": info.message,
            "tree": git_commit["tree"],
            "url": git_commit["url"],
            "comment_count": 0,
            "verification": git_commit["verification"],
        },
        "url": base,
        "html_url": git_commit["html_url"],
        "comments_url": f"{base}/comments",
        "author": None,
        "committer": None,
        "parents": git_commit["parents"],
    }


def _file_changes(ctx: Ctx, old_sha: str | None, new_sha: str) -> list[dict[str, Any]]:
    old = ctx.git.flatten(ctx.git.read_commit(old_sha).tree) if old_sha else {}
    new = ctx.git.flatten(ctx.git.read_commit(new_sha).tree)
    repo = ctx.state.repo.full_name
    out = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before and after and before.sha == after.sha:
            continue
        status = "added" if before is None else "removed" if after is None else "modified"
        a = ctx.git.read_blob(before.sha).decode(errors="replace").splitlines() if before else []
        b = ctx.git.read_blob(after.sha).decode(errors="replace").splitlines() if after else []
        diff = list(difflib.unified_diff(a, b, lineterm="", n=3))[2:]
        additions = sum(1 for line in diff if line.startswith("+"))
        deletions = sum(1 for line in diff if line.startswith("-"))
        entry = after or before
        assert entry is not None
        out.append(
            {
                "sha": entry.sha,
                "filename": path,
                "status": status,
                "additions": additions,
                "deletions": deletions,
                "changes": additions + deletions,
                "blob_url": f"https://github.com/{repo}/blob/{new_sha}/{path}",
                "raw_url": f"https://github.com/{repo}/raw/{new_sha}/{path}",
                "contents_url": f"{ctx.fake.api_url}/repos/{repo}/contents/{path}?ref={new_sha}",
                "patch": "\n".join(diff),
            }
        )
    return out


@route("repos/compare-commits-with-basehead")
def compare(ctx: Ctx) -> Response:
    base_name, sep, head_name = ctx.params["basehead"].partition("...")
    if not sep:
        raise not_found()
    base, head = resolve(ctx, base_name), resolve(ctx, head_name)
    if base is None or head is None:
        raise not_found()
    try:
        ahead = ctx.git.commits_between(base, head)
        behind = ctx.git.commits_between(head, base)
        merge_base = ctx.git.merge_base(base, head)
    except ObjectMissing:
        raise not_found() from None
    status = (
        "identical"
        if not ahead and not behind
        else "ahead" if not behind else "behind" if not ahead else "diverged"
    )
    repo = ctx.state.repo.full_name
    html = f"https://github.com/{repo}/compare/{base_name}...{head_name}"
    return ok(
        {
            "url": f"{ctx.fake.api_url}/repos/{repo}/compare/{base_name}...{head_name}",
            "html_url": html,
            "permalink_url": f"https://github.com/{repo}/compare/{base[:7]}...{head[:7]}",
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "base_commit": repo_commit(ctx, base),
            "merge_base_commit": repo_commit(ctx, merge_base or base),
            "status": status,
            "ahead_by": len(ahead),
            "behind_by": len(behind),
            "total_commits": len(ahead),
            "commits": [repo_commit(ctx, sha) for sha in ahead],
            "files": _file_changes(ctx, merge_base, head),
        }
    )


@route("repos/get-branch")
def get_branch(ctx: Ctx) -> Response:
    name = ctx.params["branch"]
    sha = ctx.git.get_ref(f"heads/{name}")
    if sha is None:
        raise ApiError(404, "Branch not found")
    try:
        commit = repo_commit(ctx, sha)
    except ObjectMissing:
        raise not_found() from None
    base = f"{ctx.fake.api_url}/repos/{ctx.state.repo.full_name}/branches/{name}"
    protected = name in ctx.state.protected_branches
    return ok(
        {
            "name": name,
            "commit": commit,
            "_links": {
                "self": base,
                "html": f"https://github.com/{ctx.state.repo.full_name}/tree/{name}",
            },
            "protected": protected,
            "protection": {
                "enabled": protected,
                "required_status_checks": {
                    "enforcement_level": "off",
                    "contexts": [],
                    "checks": [],
                },
            },
            "protection_url": f"{base}/protection",
        }
    )
