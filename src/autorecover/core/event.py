"""The `workflow_run` event payload -> `WorkflowRun` and its trust (the skips are in plan.py).

Everything in the payload that a pull request's author controls (branch names, titles,
commit messages, step names) is data here: it is never used to grant trust. A run is
trusted only when its head repository *is* this repository (by numeric id, the test
actions/checkout uses) and its triggering event is one a fork cannot cause
(docs/security.md#s1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from autorecover.core.text.plural import plural
from autorecover.errors import UserError

TRUSTED_EVENTS = frozenset({"push", "pull_request", "merge_group", "schedule", "workflow_dispatch"})
HANDLED_CONCLUSIONS = frozenset({"failure", "timed_out", "startup_failure", "cancelled"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Account(_Model):
    login: str = ""
    type: str | None = None


class _Repository(_Model):
    id: int
    full_name: str
    default_branch: str | None = None
    private: bool | None = None
    fork: bool | None = None


class _RefEnd(_Model):
    ref: str
    sha: str
    repo: dict[str, Any] | None = None


class _PullRequest(_Model):
    number: int
    head: _RefEnd
    base: _RefEnd


class _Commit(_Model):
    id: str | None = None
    message: str = ""


class _WorkflowRun(_Model):
    id: int
    name: str | None = None
    run_attempt: int = Field(default=1, ge=1)
    run_number: int | None = None
    event: str
    status: str | None = None
    conclusion: str | None = None
    head_branch: str | None = None
    head_sha: str = Field(pattern=r"^[0-9a-f]{40}$")
    path: str | None = None
    display_title: str | None = None
    html_url: str | None = None
    head_repository: _Repository | None = None
    pull_requests: list[_PullRequest] = Field(default_factory=list)
    head_commit: _Commit | None = None
    actor: _Account | None = None
    triggering_actor: _Account | None = None
    created_at: str | None = None
    run_started_at: str | None = None
    updated_at: str | None = None


class _Payload(_Model):
    action: str
    workflow_run: _WorkflowRun
    repository: _Repository
    sender: _Account | None = None


@dataclass(frozen=True, slots=True)
class PullRequestRef:
    number: int
    head_ref: str
    head_sha: str
    base_ref: str


@dataclass(frozen=True, slots=True)
class WorkflowRun:
    """What autorecover needs to know about the completed run (pure data)."""

    id: int
    attempt: int
    name: str
    event: str
    action: str
    status: str | None
    conclusion: str | None
    head_branch: str | None
    head_sha: str
    workflow_path: str | None
    display_title: str
    html_url: str
    repository: str
    repository_id: int
    default_branch: str
    private: bool
    head_repository: str | None
    head_repository_id: int | None
    pull_requests: tuple[PullRequestRef, ...]
    actor: str
    triggering_actor: str
    head_commit_message: str
    created_at: str | None
    run_started_at: str | None
    # The number GitHub shows ("CI #42"); the id is only in URLs.
    run_number: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The `run` object of the JSON report and of the templates' context."""
        return {
            "id": self.id,
            "number": self.run_number,
            "attempt": self.attempt,
            "workflow": self.name,
            "event": self.event,
            "conclusion": self.conclusion,
            "repository": self.repository,
            "head_repository": self.head_repository,
            "head_branch": self.head_branch,
            "head_sha": self.head_sha,
            "html_url": self.html_url,
            "same_repository": self.same_repository,
            "trusted": self.trusted,
            "trust_reason": self.trust_reason,
        }

    @property
    def key(self) -> str:
        """`<run id>:<attempt>`: one handling of one attempt (the ledger records it)."""
        return f"{self.id}:{self.attempt}"

    @property
    def same_repository(self) -> bool:
        """The check actions/checkout v7 uses: ids, never names or branch names."""
        return self.head_repository_id is not None and self.head_repository_id == self.repository_id

    @property
    def trusted(self) -> bool:
        return self.same_repository and self.event in TRUSTED_EVENTS

    @property
    def trust_reason(self) -> str:
        if not self.same_repository:
            return (
                f"untrusted: the head repository ({self.head_repository or 'unknown'}) is not "
                f"{self.repository}; the run is handled read-only"
            )
        if self.event not in TRUSTED_EVENTS:
            return f"untrusted: runs triggered by '{self.event}' are handled read-only"
        return f"trusted: same repository, triggered by '{self.event}'"


def parse_event(event_name: str, data: Any) -> WorkflowRun:
    """Validate the payload; a malformed one raises a `UserError` saying what is wrong."""
    if event_name != "workflow_run":
        raise UserError(
            f"expected a workflow_run event, got '{event_name}'; trigger autorecover with "
            "`on: workflow_run` (see examples/workflows/autorecover.yml)"
        )
    try:
        payload = _Payload.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UserError(
            f"the workflow_run event payload is malformed: {where}: {first['msg']} "
            f"({plural(exc.error_count(), 'problem')})"
        ) from None
    run, repo = payload.workflow_run, payload.repository
    head = run.head_repository
    return WorkflowRun(
        id=run.id,
        attempt=run.run_attempt,
        name=run.name or (run.path or "workflow"),
        event=run.event,
        action=payload.action,
        status=run.status,
        conclusion=run.conclusion,
        head_branch=run.head_branch,
        head_sha=run.head_sha,
        workflow_path=run.path,
        display_title=run.display_title or "",
        html_url=run.html_url or "",
        repository=repo.full_name,
        repository_id=repo.id,
        default_branch=repo.default_branch or "main",
        private=bool(repo.private),
        head_repository=head.full_name if head else None,
        head_repository_id=head.id if head else None,
        pull_requests=tuple(
            PullRequestRef(pr.number, pr.head.ref, pr.head.sha, pr.base.ref)
            for pr in run.pull_requests
        ),
        actor=run.actor.login if run.actor else "",
        triggering_actor=run.triggering_actor.login if run.triggering_actor else "",
        head_commit_message=run.head_commit.message if run.head_commit else "",
        created_at=run.created_at,
        run_started_at=run.run_started_at,
        run_number=run.run_number,
    )
