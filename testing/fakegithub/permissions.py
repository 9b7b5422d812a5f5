"""Which GITHUB_TOKEN (GitHub App) permission each operation needs.

Actions and checks rows follow GitHub's "permissions required for GitHub Apps" data
(server-to-server-permissions.json); contents / issues / pull-requests rows follow the
GITHUB_TOKEN scope descriptions. Issue endpoints used on a pull request need
`pull_requests` as well: GitHub answers such a 403 with
`x-accepted-github-permissions: issues=write; pull_requests=write`.
"""

from __future__ import annotations

Requirement = tuple[str, str]  # (permission, "read" | "write")

BY_OPERATION: dict[str, Requirement | None] = {
    "actions/get-workflow-run": ("actions", "read"),
    "actions/get-workflow-run-attempt": ("actions", "read"),
    "actions/list-workflow-runs-for-repo": ("actions", "read"),
    "actions/list-workflow-runs": ("actions", "read"),
    "actions/re-run-workflow": ("actions", "write"),
    "actions/re-run-workflow-failed-jobs": ("actions", "write"),
    "actions/cancel-workflow-run": ("actions", "write"),
    "actions/download-workflow-run-logs": ("actions", "read"),
    "actions/download-workflow-run-attempt-logs": ("actions", "read"),
    "actions/list-jobs-for-workflow-run": ("actions", "read"),
    "actions/list-jobs-for-workflow-run-attempt": ("actions", "read"),
    "actions/get-job-for-workflow-run": ("actions", "read"),
    "actions/download-job-logs-for-workflow-run": ("actions", "read"),
    "actions/re-run-job-for-workflow-run": ("actions", "write"),
    "checks/list-annotations": ("checks", "read"),
    "actions/get-github-actions-default-workflow-permissions-repository": (
        "administration",
        "read",
    ),
    "actions/set-github-actions-default-workflow-permissions-repository": (
        "administration",
        "write",
    ),
    "repos/get": ("metadata", "read"),
    "rate-limit/get": None,
    "git/get-ref": ("contents", "read"),
    "git/list-matching-refs": ("contents", "read"),
    "git/create-ref": ("contents", "write"),
    "git/update-ref": ("contents", "write"),
    "git/delete-ref": ("contents", "write"),
    "git/create-blob": ("contents", "write"),
    "git/get-blob": ("contents", "read"),
    "git/get-tree": ("contents", "read"),
    "git/create-tree": ("contents", "write"),
    "git/get-commit": ("contents", "read"),
    "git/create-commit": ("contents", "write"),
    "repos/get-content": ("contents", "read"),
    "repos/create-or-update-file-contents": ("contents", "write"),
    "repos/compare-commits-with-basehead": ("contents", "read"),
    "repos/get-branch": ("contents", "read"),
    "repos/list-pull-requests-associated-with-commit": ("pull_requests", "read"),
    "pulls/list": ("pull_requests", "read"),
    "pulls/create": ("pull_requests", "write"),
    "pulls/get": ("pull_requests", "read"),
    "pulls/update": ("pull_requests", "write"),
    "issues/list-for-repo": ("issues", "read"),
    "issues/get": ("issues", "read"),
    "issues/create": ("issues", "write"),
    "issues/update": ("issues", "write"),
    "issues/list-comments": ("issues", "read"),
    "issues/get-comment": ("issues", "read"),
    "issues/create-comment": ("issues", "write"),
    "issues/update-comment": ("issues", "write"),
    "issues/add-labels": ("issues", "write"),
    "issues/remove-label": ("issues", "write"),
    "issues/list-labels-for-repo": ("issues", "read"),
    "issues/get-label": ("issues", "read"),
    "issues/create-label": ("issues", "write"),
    "search/issues-and-pull-requests": None,
}

# Operations addressed by issue number: on a pull request they also need pull_requests.
ISSUE_NUMBER_OPERATIONS = {
    "issues/get",
    "issues/update",
    "issues/list-comments",
    "issues/create-comment",
    "issues/add-labels",
    "issues/remove-label",
}

ALIASES = {"pull-requests": "pull_requests", "pull_request": "pull_requests"}


def normalize(permission: str) -> str:
    return ALIASES.get(permission, permission).replace("-", "_")


def requirements(operation_id: str, on_pull_request: bool) -> list[Requirement]:
    base = BY_OPERATION.get(operation_id)
    if base is None:
        return []
    if on_pull_request and operation_id in ISSUE_NUMBER_OPERATIONS:
        return [base, ("pull_requests", base[1])]
    return [base]


def is_denied(requirement: Requirement, denied: dict[str, str]) -> bool:
    """`denied[perm]` is "any" (no access) or "write" (read-only token)."""
    level = denied.get(requirement[0])
    return level == "any" or (level == "write" and requirement[1] == "write")


def accepted_header(reqs: list[Requirement]) -> str:
    return "; ".join(f"{perm}={level}" for perm, level in reqs)
