"""`workflow_run` webhook payloads for tests, shaped like GitHub's.

Seeded from tests/data/webhooks/workflow_run.2.completed.json (npm
`@octokit/webhooks-examples@7.6.1`, the only example with a non-empty `pull_requests`). The
example's own identity (octo-org/octo-repo, run 289782451, ...) is rewritten everywhere to the
given run and repository, so every URL and id in the payload agrees with them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from testing import DATA

WEBHOOKS = DATA / "webhooks"
TEMPLATE = "workflow_run.2.completed.json"
TEMPLATE_API = "https://api.github.com"
TEMPLATE_REPO = "octo-org/octo-repo"
TEMPLATE_RUN_ID = 289782451


@cache
def load_example(name: str = TEMPLATE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((WEBHOOKS / name).read_text(encoding="utf-8"))
    return data


def _rewrite(value: Any, replacements: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for old, new in replacements:
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_rewrite(v, replacements) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite(v, replacements) for k, v in value.items()}
    return value


def _api_base(repository: Mapping[str, Any]) -> str:
    url = str(repository.get("url") or "")
    return url.split("/repos/", maxsplit=1)[0] if "/repos/" in url else TEMPLATE_API


def workflow_run_event(
    run: Mapping[str, Any],
    repository: Mapping[str, Any],
    *,
    action: str = "completed",
    workflow: Mapping[str, Any] | None = None,
    sender: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build a `workflow_run` payload.

    `run` is a REST workflow-run object (e.g. from the fake) or any subset of its fields;
    `repository` is a repository object or a subset (`id`, `full_name`, `default_branch`,
    `private`, ...). Missing fields come from the example, rewritten to this repository and run.
    For a fork run pass `run["head_repository"] = fork_head_repository(repository)`.
    """
    full_name = str(repository.get("full_name", TEMPLATE_REPO))
    owner, _, name = full_name.partition("/")
    api = _api_base(repository)
    run_id = int(run.get("id", TEMPLATE_RUN_ID))
    replacements = [
        (
            f"{TEMPLATE_API}/repos/{TEMPLATE_REPO}/actions/runs/{TEMPLATE_RUN_ID}",
            f"{api}/repos/{full_name}/actions/runs/{run_id}",
        ),
        (
            f"https://github.com/{TEMPLATE_REPO}/actions/runs/{TEMPLATE_RUN_ID}",
            f"https://github.com/{full_name}/actions/runs/{run_id}",
        ),
        (TEMPLATE_API, api),
        (TEMPLATE_REPO, full_name),
        ("octo-org", owner),
        ("octo-repo", name),
    ]
    payload: dict[str, Any] = _rewrite(copy.deepcopy(load_example()), replacements)
    payload["action"] = action

    repo = payload["repository"]
    repo.update(copy.deepcopy(dict(repository)))
    minimal = {
        k: v
        for k, v in repo.items()
        if k in payload["workflow_run"]["repository"] or k in ("id", "node_id")
    }

    wr = payload["workflow_run"]
    wr["id"] = run_id
    wr["pull_requests"] = []  # the example's PR belongs to another repository
    wr["repository"] = copy.deepcopy(minimal)
    wr["head_repository"] = copy.deepcopy(minimal)
    wr.update(copy.deepcopy(dict(run)))
    if "head_sha" in run:
        wr.setdefault("head_commit", {})["id"] = run["head_sha"]
    if workflow is not None:
        payload["workflow"] = copy.deepcopy(dict(workflow))
    else:
        payload["workflow"].update(
            {
                "name": wr.get("name"),
                "path": wr.get("path"),
                "id": wr.get("workflow_id", payload["workflow"]["id"]),
            }
        )
    if sender is not None:
        payload["sender"] = copy.deepcopy(dict(sender))
    owner_type = (repo.get("owner") or {}).get("type")
    if owner_type and owner_type != "Organization":
        payload.pop("organization", None)
    return payload


def fork_head_repository(
    repository: Mapping[str, Any], owner: str = "forker", repo_id: int | None = None
) -> dict[str, Any]:
    """A fork of `repository` to use as `workflow_run.head_repository` (a different id)."""
    full_name = str(repository.get("full_name", TEMPLATE_REPO))
    _, _, name = full_name.partition("/")
    fork_name = f"{owner}/{name}"
    fork: dict[str, Any] = _rewrite(copy.deepcopy(dict(repository)), [(full_name, fork_name)])
    fork["id"] = repo_id if repo_id is not None else int(repository.get("id", 1)) + 1_000_003
    fork["full_name"] = fork_name
    fork["fork"] = True
    if isinstance(fork.get("owner"), dict):
        fork["owner"]["login"] = owner
        fork["owner"]["type"] = "User"
    return fork
