"""State -> JSON in the shapes GitHub answers with.

Field sets follow the `required` lists of the response schemas in tests/data/openapi-subset.json
(the fake checks its own answers against them) and the webhook examples. API URLs point at the
fake (clients such as PyGithub follow `url`, `jobs_url`, ... verbatim); `html_url`s stay on
https://github.com as on the real service.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from .gitstore import CommitInfo, GitStore, Signature, TreeEntry
from .state import Attempt, Comment, Issue, Job, Label, Repository, Run, State, User, iso

HTML = "https://github.com"


def node_id(prefix: str, number: int) -> str:
    return prefix + "_" + base64.urlsafe_b64encode(number.to_bytes(8, "big")).decode().rstrip("=")


class Renderer:
    def __init__(self, api_url: str, state: State, git: GitStore) -> None:
        self.api = api_url.rstrip("/")
        self.state = state
        self.git = git

    # --- users and repositories ---
    def user(self, user: User | None) -> dict[str, Any] | None:
        if user is None:
            return None
        login = quote(user.login)
        base = f"{self.api}/users/{login}"
        html = f"{HTML}/apps/github-actions" if user.type == "Bot" else f"{HTML}/{user.login}"
        return {
            "login": user.login,
            "id": user.id,
            "node_id": node_id("U" if user.type != "Bot" else "BOT", user.id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
            "gravatar_id": "",
            "url": base,
            "html_url": html,
            "followers_url": f"{base}/followers",
            "following_url": f"{base}/following{{/other_user}}",
            "gists_url": f"{base}/gists{{/gist_id}}",
            "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{base}/subscriptions",
            "organizations_url": f"{base}/orgs",
            "repos_url": f"{base}/repos",
            "events_url": f"{base}/events{{/privacy}}",
            "received_events_url": f"{base}/received_events",
            "type": user.type,
            "user_view_type": "public",
            "site_admin": user.site_admin,
        }

    def repo_minimal(self, repo: Repository) -> dict[str, Any]:
        base = f"{self.api}/repos/{repo.full_name}"
        templates = {
            "archive_url": "/{archive_format}{/ref}",
            "assignees_url": "/assignees{/user}",
            "blobs_url": "/git/blobs{/sha}",
            "branches_url": "/branches{/branch}",
            "collaborators_url": "/collaborators{/collaborator}",
            "comments_url": "/comments{/number}",
            "commits_url": "/commits{/sha}",
            "compare_url": "/compare/{base}...{head}",
            "contents_url": "/contents/{+path}",
            "contributors_url": "/contributors",
            "deployments_url": "/deployments",
            "downloads_url": "/downloads",
            "events_url": "/events",
            "forks_url": "/forks",
            "git_commits_url": "/git/commits{/sha}",
            "git_refs_url": "/git/refs{/sha}",
            "git_tags_url": "/git/tags{/sha}",
            "hooks_url": "/hooks",
            "issue_comment_url": "/issues/comments{/number}",
            "issue_events_url": "/issues/events{/number}",
            "issues_url": "/issues{/number}",
            "keys_url": "/keys{/key_id}",
            "labels_url": "/labels{/name}",
            "languages_url": "/languages",
            "merges_url": "/merges",
            "milestones_url": "/milestones{/number}",
            "notifications_url": "/notifications{?since,all,participating}",
            "pulls_url": "/pulls{/number}",
            "releases_url": "/releases{/id}",
            "stargazers_url": "/stargazers",
            "statuses_url": "/statuses/{sha}",
            "subscribers_url": "/subscribers",
            "subscription_url": "/subscription",
            "tags_url": "/tags",
            "teams_url": "/teams",
            "trees_url": "/git/trees{/sha}",
        }
        out: dict[str, Any] = {
            "id": repo.id,
            "node_id": node_id("R", repo.id),
            "name": repo.name,
            "full_name": repo.full_name,
            "private": repo.private,
            "owner": self.user(repo.owner),
            "html_url": f"{HTML}/{repo.full_name}",
            "description": repo.description,
            "fork": repo.fork,
            "url": base,
        }
        out.update({key: base + suffix for key, suffix in templates.items()})
        out["hooks_url"] = f"{base}/hooks"
        return out

    def repo_full(self, repo: Repository) -> dict[str, Any]:
        out = self.repo_minimal(repo)
        open_issues = sum(1 for i in self.state.issues.values() if i.state == "open")
        out.update(
            {
                "clone_url": f"{HTML}/{repo.full_name}.git",
                "git_url": f"git://github.com/{repo.full_name}.git",
                "ssh_url": f"git@github.com:{repo.full_name}.git",
                "svn_url": f"{HTML}/{repo.full_name}",
                "mirror_url": None,
                "homepage": None,
                "language": "Python",
                "forks": 0,
                "forks_count": 0,
                "stargazers_count": 0,
                "watchers": 0,
                "watchers_count": 0,
                "size": 1,
                "default_branch": repo.default_branch,
                "open_issues": open_issues,
                "open_issues_count": open_issues,
                "is_template": False,
                "topics": [],
                "has_issues": True,
                "has_projects": True,
                "has_wiki": True,
                "has_pages": False,
                "has_downloads": True,
                "has_discussions": False,
                "archived": False,
                "disabled": False,
                "visibility": "private" if repo.private else "public",
                "pushed_at": iso(self.state.clock.now()),
                "created_at": iso(repo.created_at),
                "updated_at": iso(self.state.clock.now()),
                "permissions": {
                    "admin": False,
                    "maintain": False,
                    "push": True,
                    "triage": True,
                    "pull": True,
                },
                "allow_forking": True,
                "web_commit_signoff_required": False,
                "license": None,
                "network_count": 0,
                "subscribers_count": 0,
            }
        )
        return out

    # --- actions ---
    def run(
        self, run: Run, attempt: Attempt | None = None, exclude_pull_requests: bool = False
    ) -> dict[str, Any]:
        attempt = attempt or run.latest
        repo = self.state.repo
        repo_api = f"{self.api}/repos/{repo.full_name}"
        base = f"{repo_api}/actions/runs/{run.id}"
        previous = f"{base}/attempts/{attempt.number - 1}" if attempt.number > 1 else None
        return {
            "id": run.id,
            "name": run.name,
            "node_id": node_id("WFR", run.id),
            "head_branch": run.head_branch,
            "head_sha": run.head_sha,
            "path": run.path,
            "display_title": run.display_title,
            "run_number": run.run_number,
            "event": run.event,
            "status": attempt.status,
            "conclusion": attempt.conclusion,
            "workflow_id": run.workflow_id,
            "check_suite_id": run.check_suite_id,
            "check_suite_node_id": node_id("CS", run.check_suite_id),
            "url": base,
            "html_url": f"{HTML}/{repo.full_name}/actions/runs/{run.id}",
            "pull_requests": [] if exclude_pull_requests else run.pull_requests,
            "created_at": iso(attempt.created_at),
            "updated_at": iso(attempt.updated_at),
            "actor": self.user(attempt.actor),
            "run_attempt": attempt.number,
            "referenced_workflows": [],
            "run_started_at": iso(attempt.run_started_at),
            "triggering_actor": self.user(attempt.triggering_actor),
            "jobs_url": f"{base}/jobs",
            "logs_url": f"{base}/logs",
            "check_suite_url": f"{repo_api}/check-suites/{run.check_suite_id}",
            "artifacts_url": f"{base}/artifacts",
            "cancel_url": f"{base}/cancel",
            "rerun_url": f"{base}/rerun",
            "previous_attempt_url": previous,
            "workflow_url": f"{repo_api}/actions/workflows/{run.workflow_id}",
            "head_commit": run.head_commit,
            "repository": self.repo_minimal(repo),
            "head_repository": self.repo_minimal(run.head_repository),
        }

    def job(self, job: Job) -> dict[str, Any]:
        repo = self.state.repo.full_name
        return {
            "id": job.id,
            "run_id": job.run_id,
            "run_url": f"{self.api}/repos/{repo}/actions/runs/{job.run_id}",
            "run_attempt": job.run_attempt,
            "node_id": node_id("CR", job.id),
            "head_sha": job.head_sha,
            "url": f"{self.api}/repos/{repo}/actions/jobs/{job.id}",
            "html_url": f"{HTML}/{repo}/actions/runs/{job.run_id}/job/{job.id}",
            "status": job.status,
            "conclusion": job.conclusion,
            "created_at": iso(job.created_at),
            "started_at": iso(job.started_at),
            "completed_at": iso(job.completed_at),
            "name": job.name,
            "steps": [
                {
                    "name": s.name,
                    "status": s.status,
                    "conclusion": s.conclusion,
                    "number": s.number,
                    "started_at": iso(s.started_at),
                    "completed_at": iso(s.completed_at),
                }
                for s in job.steps
            ],
            "check_run_url": f"{self.api}/repos/{repo}/check-runs/{job.check_run_id}",
            "labels": list(job.labels),
            "runner_id": job.runner_id,
            "runner_name": job.runner_name,
            "runner_group_id": 2 if job.runner_group_name else None,
            "runner_group_name": job.runner_group_name,
            "workflow_name": job.workflow_name,
            "head_branch": job.head_branch,
        }

    def annotation(self, job: Job, index: int) -> dict[str, Any]:
        a = job.annotations[index]
        return {
            "path": a.path,
            "blob_href": f"{HTML}/{self.state.repo.full_name}/blob/{job.head_sha}/{a.path}",
            "start_line": a.start_line,
            "end_line": a.end_line,
            "start_column": a.start_column,
            "end_column": a.end_column,
            "annotation_level": a.annotation_level,
            "title": a.title,
            "message": a.message,
            "raw_details": a.raw_details,
        }

    # --- issues, pulls, comments, labels ---
    def label(self, label: Label) -> dict[str, Any]:
        return {
            "id": label.id,
            "node_id": node_id("LA", label.id),
            "url": f"{self.api}/repos/{self.state.repo.full_name}/labels/"
            + quote(label.name, safe=""),
            "name": label.name,
            "color": label.color,
            "default": label.default,
            "description": label.description,
        }

    def issue(self, issue: Issue, single: bool = True) -> dict[str, Any]:
        repo = self.state.repo.full_name
        base = f"{self.api}/repos/{repo}/issues/{issue.number}"
        kind = "pull" if issue.is_pull else "issues"
        comments = sum(1 for c in self.state.comments.values() if c.issue_number == issue.number)
        out: dict[str, Any] = {
            "id": issue.id,
            "node_id": node_id("PR" if issue.pull else "I", issue.id),
            "url": base,
            "repository_url": f"{self.api}/repos/{repo}",
            "labels_url": f"{base}/labels{{/name}}",
            "comments_url": f"{base}/comments",
            "events_url": f"{base}/events",
            "html_url": f"{HTML}/{repo}/{kind}/{issue.number}",
            "number": issue.number,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "title": issue.title,
            "body": issue.body,
            "user": self.user(issue.user),
            "labels": [self.label(self.state.ensure_label(n)) for n in issue.labels],
            "assignee": self.user(issue.assignees[0]) if issue.assignees else None,
            "assignees": [self.user(u) for u in issue.assignees],
            "milestone": None,
            "locked": issue.locked,
            "active_lock_reason": None,
            "comments": comments,
            "closed_at": iso(issue.closed_at),
            "created_at": iso(issue.created_at),
            "updated_at": iso(issue.updated_at),
            "author_association": "NONE" if issue.user.type == "Bot" else "MEMBER",
            "reactions": self.reactions(base),
            "timeline_url": f"{base}/timeline",
            "performed_via_github_app": None,
        }
        if issue.pull:
            out["draft"] = issue.pull.draft
            out["pull_request"] = {
                "url": f"{self.api}/repos/{repo}/pulls/{issue.number}",
                "html_url": f"{HTML}/{repo}/pull/{issue.number}",
                "diff_url": f"{HTML}/{repo}/pull/{issue.number}.diff",
                "patch_url": f"{HTML}/{repo}/pull/{issue.number}.patch",
                "merged_at": iso(issue.pull.merged_at),
            }
        if single:
            # GitHub returns closed_by only on single-issue answers, not in lists.
            out["closed_by"] = self.user(issue.closed_by)
        return out

    def reactions(self, base: str) -> dict[str, Any]:
        counts = dict.fromkeys(
            ("+1", "-1", "laugh", "confused", "heart", "hooray", "eyes", "rocket"), 0
        )
        return {"url": f"{base}/reactions", "total_count": 0, **counts}

    def pull_head_sha(self, issue: Issue) -> str:
        """An open PR follows its head branch; a closed one keeps the SHA it had."""
        assert issue.pull is not None
        if issue.state == "open":
            current = self.git.get_ref(f"heads/{issue.pull.head_ref}")
            if current:
                issue.pull.head_sha = current
        return issue.pull.head_sha

    def pull(self, issue: Issue, full: bool = True) -> dict[str, Any]:
        assert issue.pull is not None
        pr = issue.pull
        repo = self.state.repo
        base = f"{self.api}/repos/{repo.full_name}/pulls/{issue.number}"
        html = f"{HTML}/{repo.full_name}/pull/{issue.number}"
        issue_url = f"{self.api}/repos/{repo.full_name}/issues/{issue.number}"
        repo_json = self.repo_full(repo)
        owner = self.user(repo.owner)
        base_sha = self.git.get_ref(f"heads/{pr.base_ref}") or pr.base_sha
        head_sha = self.pull_head_sha(issue)
        out: dict[str, Any] = {
            "url": base,
            "id": pr.id,
            "node_id": node_id("PR", pr.id),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": issue_url,
            "commits_url": f"{base}/commits",
            "review_comments_url": f"{base}/comments",
            "review_comment_url": f"{self.api}/repos/{repo.full_name}/pulls/comments{{/number}}",
            "comments_url": f"{issue_url}/comments",
            "statuses_url": f"{self.api}/repos/{repo.full_name}/statuses/{head_sha}",
            "number": issue.number,
            "state": issue.state,
            "locked": issue.locked,
            "title": issue.title,
            "user": self.user(issue.user),
            "body": issue.body,
            "labels": [self.label(self.state.ensure_label(n)) for n in issue.labels],
            "milestone": None,
            "active_lock_reason": None,
            "created_at": iso(issue.created_at),
            "updated_at": iso(issue.updated_at),
            "closed_at": iso(issue.closed_at),
            "merged_at": iso(pr.merged_at),
            "merge_commit_sha": None,
            "assignee": self.user(issue.assignees[0]) if issue.assignees else None,
            "assignees": [self.user(u) for u in issue.assignees],
            "requested_reviewers": [],
            "requested_teams": [],
            "head": {
                "label": f"{repo.owner.login}:{pr.head_ref}",
                "ref": pr.head_ref,
                "sha": head_sha,
                "user": owner,
                "repo": repo_json,
            },
            "base": {
                "label": f"{repo.owner.login}:{pr.base_ref}",
                "ref": pr.base_ref,
                "sha": base_sha,
                "user": owner,
                "repo": repo_json,
            },
            "_links": {
                "self": {"href": base},
                "html": {"href": html},
                "issue": {"href": issue_url},
                "comments": {"href": f"{issue_url}/comments"},
                "review_comments": {"href": f"{base}/comments"},
                "review_comment": {
                    "href": f"{self.api}/repos/{repo.full_name}/pulls/comments{{/number}}"
                },
                "commits": {"href": f"{base}/commits"},
                "statuses": {"href": f"{self.api}/repos/{repo.full_name}/statuses/{head_sha}"},
            },
            "author_association": "NONE" if issue.user.type == "Bot" else "MEMBER",
            "auto_merge": None,
            "draft": pr.draft,
        }
        if full:
            commits = self._pull_commits(issue)
            out.update(
                {
                    "merged": pr.merged_at is not None,
                    "mergeable": None if issue.state == "closed" else True,
                    "rebaseable": None if issue.state == "closed" else True,
                    "mergeable_state": "clean" if issue.state == "open" else "unknown",
                    "merged_by": self.user(pr.merged_by),
                    "comments": sum(
                        1 for c in self.state.comments.values() if c.issue_number == issue.number
                    ),
                    "review_comments": 0,
                    "maintainer_can_modify": pr.maintainer_can_modify,
                    "commits": commits,
                    "additions": 0,
                    "deletions": 0,
                    "changed_files": 0,
                }
            )
        return out

    def _pull_commits(self, issue: Issue) -> int:
        assert issue.pull is not None
        base = self.git.get_ref(f"heads/{issue.pull.base_ref}") or issue.pull.base_sha
        try:
            return len(self.git.commits_between(base, self.pull_head_sha(issue)))
        except Exception:  # unknown objects (seeded SHAs) or git errors: GitHub would show 0
            return 0

    def comment(self, comment: Comment) -> dict[str, Any]:
        repo = self.state.repo.full_name
        issue = self.state.issues[comment.issue_number]
        kind = "pull" if issue.is_pull else "issues"
        url = f"{self.api}/repos/{repo}/issues/comments/{comment.id}"
        return {
            "id": comment.id,
            "node_id": node_id("IC", comment.id),
            "url": url,
            "html_url": f"{HTML}/{repo}/{kind}/{comment.issue_number}#issuecomment-{comment.id}",
            "body": comment.body,
            "user": self.user(comment.user),
            "created_at": iso(comment.created_at),
            "updated_at": iso(comment.updated_at),
            "issue_url": f"{self.api}/repos/{repo}/issues/{comment.issue_number}",
            "author_association": "NONE" if comment.user.type == "Bot" else "MEMBER",
            "performed_via_github_app": None,
            "reactions": self.reactions(url),
        }

    # --- git ---
    def git_url(self, kind: str, sha: str) -> str:
        return f"{self.api}/repos/{self.state.repo.full_name}/git/{kind}/{sha}"

    def ref(self, name: str, sha: str) -> dict[str, Any]:
        kind = self.git.object_type(sha) or "commit"
        return {
            "ref": f"refs/{name}",
            "node_id": node_id("REF", abs(hash(name)) % (1 << 62)),
            "url": f"{self.api}/repos/{self.state.repo.full_name}/git/refs/{name}",
            "object": {"type": kind, "sha": sha, "url": self.git_url(kind + "s", sha)},
        }

    def signature(self, sig: Signature) -> dict[str, Any]:
        return {"name": sig.name, "email": sig.email, "date": iso(sig.date)}

    def commit(self, info: CommitInfo, verified: bool = False) -> dict[str, Any]:
        repo = self.state.repo.full_name
        return {
            "sha": info.sha,
            "node_id": node_id("C", int(info.sha[:15], 16)),
            "url": self.git_url("commits", info.sha),
            "html_url": f"{HTML}/{repo}/commit/{info.sha}",
            "author": self.signature(info.author),
            "committer": self.signature(info.committer),
            "tree": {"sha": info.tree, "url": self.git_url("trees", info.tree)},
            "message": info.message,
            "parents": [
                {
                    "sha": p,
                    "url": self.git_url("commits", p),
                    "html_url": f"{HTML}/{repo}/commit/{p}",
                }
                for p in info.parents
            ],
            "verification": {
                "verified": verified,
                "reason": "valid" if verified else "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        }

    def tree(self, sha: str, entries: list[TreeEntry]) -> dict[str, Any]:
        out = []
        for e in entries:
            item: dict[str, Any] = {
                "path": e.name,
                "mode": e.api_mode,
                "type": e.type,
                "sha": e.sha,
            }
            if e.type == "blob":
                item["size"] = len(self.git.read_blob(e.sha))
            if e.type != "commit":
                item["url"] = self.git_url(e.type + "s", e.sha)
            out.append(item)
        return {"sha": sha, "url": self.git_url("trees", sha), "tree": out, "truncated": False}

    def content_file(self, path: str, sha: str, data: bytes, ref: str) -> dict[str, Any]:
        repo = self.state.repo.full_name
        url = f"{self.api}/repos/{repo}/contents/{quote(path)}?ref={quote(ref, safe='')}"
        html = f"{HTML}/{repo}/blob/{ref}/{path}"
        git_url = self.git_url("blobs", sha)
        encoded = base64.encodebytes(data).decode()  # GitHub wraps base64 at 60/76 columns
        return {
            "type": "file",
            "encoding": "base64",
            "size": len(data),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": encoded,
            "sha": sha,
            "url": url,
            "git_url": git_url,
            "html_url": html,
            "download_url": f"https://raw.githubusercontent.com/{repo}/{ref}/{path}",
            "_links": {"self": url, "git": git_url, "html": html},
        }

    def content_entry(self, path: str, entry: TreeEntry, ref: str) -> dict[str, Any]:
        repo = self.state.repo.full_name
        url = f"{self.api}/repos/{repo}/contents/{quote(path)}?ref={quote(ref, safe='')}"
        kind = {"tree": "dir", "commit": "submodule"}.get(entry.type, "file")
        html = f"{HTML}/{repo}/{'tree' if kind == 'dir' else 'blob'}/{ref}/{path}"
        git_url = self.git_url(entry.type + "s", entry.sha)
        size = len(self.git.read_blob(entry.sha)) if entry.type == "blob" else 0
        return {
            "type": kind,
            "size": size,
            "name": entry.name,
            "path": path,
            "sha": entry.sha,
            "url": url,
            "git_url": git_url,
            "html_url": html,
            "download_url": (
                f"https://raw.githubusercontent.com/{repo}/{ref}/{path}" if kind == "file" else None
            ),
            "_links": {"self": url, "git": git_url, "html": html},
        }
