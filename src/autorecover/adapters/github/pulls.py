"""Fix pull requests on GitHub: find ours by branch (the list endpoint, never search),
open, update, label, comment.

What GitHub's refusals mean is decided in errors.py (docs/security.md#a11); here they
become what autorecover does next: "already exists" means another run opened it (use that
one); "No commits between" and "not permitted to create or approve pull requests" reach
the caller as `NoCommitsBetween` and `PullRequestForbidden`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from autorecover.adapters.github.client import GitHub
from autorecover.adapters.github.errors import AlreadyExists, Uncertain
from autorecover.constants import is_bot_branch, marked_head

MAX_OPEN_LISTED = 300  # three pages; autorecover keeps at most pull_requests.max_open open


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str
    state: str
    merged: bool
    closed_at: str
    body: str
    head_sha: str
    branch: str = ""

    @classmethod
    def of(cls, data: dict[str, Any]) -> PullRequest:
        return cls(
            number=int(data["number"]),
            url=str(data.get("html_url") or ""),
            state=str(data.get("state") or ""),
            merged=bool(data.get("merged_at")),
            closed_at=str(data.get("closed_at") or ""),
            body=str(data.get("body") or ""),
            head_sha=str((data.get("head") or {}).get("sha") or ""),
            branch=str((data.get("head") or {}).get("ref") or ""),
        )


class Pulls:
    def __init__(self, client: GitHub) -> None:
        self.client = client
        self.owner = client.settings.repository.split("/", 1)[0]

    def for_branch(self, branch: str) -> list[PullRequest]:
        """Pull requests from our branch, newest first (`head` needs the `owner:` prefix,
        or GitHub ignores the filter and lists every pull request)."""
        params = {"head": f"{self.owner}:{branch}", "state": "all", "sort": "created"}
        items = self.client.paginate(f"{self.client.repo_path}/pulls", params)
        found = [PullRequest.of(item) for item in items]
        return sorted(found, key=lambda pr: pr.number, reverse=True)

    def open_from(self, owner: str, branch: str) -> list[PullRequest]:
        """Open pull requests whose head is `owner:branch` (a fork's too: the run's payload
        lists no pull requests for runs from forks)."""
        params = {"head": f"{owner}:{branch}", "state": "open", "sort": "created"}
        items = self.client.paginate(f"{self.client.repo_path}/pulls", params)
        return [PullRequest.of(item) for item in itertools.islice(items, MAX_OPEN_LISTED)]

    def open_for_head(self, head_sha: str) -> list[PullRequest]:
        """Our open fix PRs that start from the failing commit `head_sha`, by the marker in
        their body (the list endpoint is consistent at once; the issue list by label is
        not enough, a new PR gets its label after it is created) (docs/security.md#t23)."""
        params = {"state": "open", "sort": "created", "direction": "asc"}
        items = self.client.paginate(f"{self.client.repo_path}/pulls", params)
        found = [PullRequest.of(item) for item in itertools.islice(items, MAX_OPEN_LISTED)]
        return [pr for pr in found if is_bot_branch(pr.branch) and marked_head(pr.body) == head_sha]

    def create(self, *, title: str, branch: str, base: str, body: str, draft: bool) -> PullRequest:
        payload = {
            "title": title,
            "head": branch,
            "base": base,
            "body": body,
            "draft": draft,
            "maintainer_can_modify": True,
        }
        for attempt in (1, 2):
            try:
                data = self.client.request("POST", f"{self.client.repo_path}/pulls", body=payload)
                return PullRequest.of(data.data)
            except Uncertain:
                # Look before trying again; the first request may have gone through
                # (docs/security.md#r2).
                existing = [pr for pr in self.for_branch(branch) if pr.state == "open"]
                if existing:
                    return existing[0]
                if attempt == 2:
                    raise
            except AlreadyExists:
                existing = [pr for pr in self.for_branch(branch) if pr.state == "open"]
                if existing:
                    return existing[0]
                raise
        raise AssertionError("unreachable")

    def update_body(self, number: int, body: str) -> None:
        self.client.request("PATCH", f"{self.client.repo_path}/pulls/{number}", body={"body": body})

    def add_labels(self, number: int, labels: list[str]) -> None:
        self.client.request(
            "POST", f"{self.client.repo_path}/issues/{number}/labels", body={"labels": labels}
        )

    def comment_once(self, number: int, marker: str, body: str) -> bool:
        """Post `body` unless a comment carrying `marker` is already there."""
        path = f"{self.client.repo_path}/issues/{number}/comments"
        if any(marker in str(c.get("body") or "") for c in self.client.paginate(path)):
            return False
        self.client.request("POST", path, body={"body": f"{marker}\n{body}"})
        return True
