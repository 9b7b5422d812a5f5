"""Test-side helpers of `FakeGitHub`: seed runs, jobs, logs, issues and PRs, and act "as a human".

These bypass the HTTP layer (no permission checks, no recording), take the state lock, and use
the same domain functions as the routes, so seeded data looks exactly like API-created data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import builders
from .gitstore import GitStore, Signature
from .routes.issues import add_labels, new_comment, new_issue, set_state
from .routes.pulls import new_pull
from .state import (
    GITHUB_ACTIONS_BOT,
    Annotation,
    Attempt,
    Comment,
    Issue,
    Job,
    LogSource,
    Repository,
    Rerun,
    Run,
    State,
    Step,
    User,
    iso,
    parse_time,
)

if TYPE_CHECKING:
    from .render import Renderer

FAILED = {"failure", "cancelled", "timed_out", "startup_failure"}


@dataclass
class JobSpec:
    """A job to seed. `log` is bytes/str, or a callable returning an iterable of byte chunks
    (called afresh for every download, so huge logs are streamed, never stored)."""

    name: str = "test"
    conclusion: str | None = "failure"
    status: str = "completed"
    log: bytes | str | Callable[[], Iterable[bytes]] | None = None
    steps: Sequence[str | Step] | None = None
    failed_step: str | None = None
    annotations: Sequence[Annotation | Mapping[str, Any]] = ()
    runner_name: str | None = "GitHub Actions 2"
    labels: Sequence[str] = ("ubuntu-latest",)
    log_state: str = "ok"
    extra: dict[str, Any] = field(default_factory=dict)
    minutes: float | None = None  # how long the job ran (default: its steps, 5 s each)


DEFAULT_STEPS = (
    "Set up job",
    "Run actions/checkout@v4",
    "Run python -m pytest",
    "Post Run actions/checkout@v4",
    "Complete job",
)


def _as_jobspec(item: str | JobSpec | Mapping[str, Any]) -> JobSpec:
    if isinstance(item, JobSpec):
        return item
    if isinstance(item, str):
        return JobSpec(name=item)
    return JobSpec(**item)


def _as_log(log: bytes | str | Callable[[], Iterable[bytes]] | None) -> LogSource | None:
    return log.encode() if isinstance(log, str) else log


def timeout_annotation(runner: str = "GitHub Actions 2", minutes: int = 360) -> Annotation:
    """Job timeouts show up only as this annotation; the job concludes `cancelled`."""
    return Annotation(
        path=".github",
        start_line=1,
        end_line=1,
        annotation_level="failure",
        message=f"The job running on runner {runner} has exceeded the maximum execution time "
        f"of {minutes} minutes.",
        title="",
        raw_details="",
    )


class ScenarioMixin:
    state: State
    git: GitStore
    renderer: Renderer

    # --- runs and jobs ---
    def add_run(
        self,
        *,
        name: str = "CI",
        path: str = ".github/workflows/ci.yml",
        event: str = "push",
        head_branch: str | None = None,
        head_sha: str | None = None,
        conclusion: str | None = "failure",
        status: str = "completed",
        jobs: Sequence[str | JobSpec | Mapping[str, Any]] | None = None,
        run_attempt: int = 1,
        actor: str = "octocat",
        triggering_actor: str | None = None,
        display_title: str | None = None,
        head_commit_message: str = "Fix the build",
        fork_owner: str | None = None,
        pull_requests: list[dict[str, Any]] | None = None,
        created_at: str | datetime | None = None,
        run_id: int | None = None,
        run_number: int | None = None,
    ) -> Run:
        """Seed a run whose latest attempt is `run_attempt` (earlier attempts failed the same way).

        `fork_owner` makes the head repository a fork (`head_repository.id != repository.id`,
        `pull_requests` empty, as GitHub reports for fork PRs).
        """
        with self.state.lock:
            repo = self.state.repo
            branch = head_branch if head_branch is not None else repo.default_branch
            sha = head_sha or self.git.get_ref(f"heads/{branch}") or _fake_sha(f"{branch}{run_id}")
            head_repo = repo
            if fork_owner:
                owner = self.state.user(fork_owner)
                head_repo = Repository(
                    next(self.state.ids.repo), owner, repo.name, branch, repo.private, fork=True
                )
            start = (
                parse_time(created_at)
                if created_at
                else self.state.clock.now() - timedelta(minutes=10)
            )
            run = Run(
                id=run_id or next(self.state.ids.run),
                workflow_id=self.state.workflow_id(path),
                name=name,
                path=path,
                event=event,
                head_branch=branch,
                head_sha=sha,
                head_repository=head_repo,
                display_title=display_title or head_commit_message.splitlines()[0],
                run_number=run_number or next(self.state.ids.run_number),
                check_suite_id=next(self.state.ids.check_suite),
                head_commit=_head_commit(sha, head_commit_message, actor, start),
            )
            if pull_requests is not None:
                run.pull_requests = pull_requests
            elif not fork_owner:
                run.pull_requests = self._matching_pulls(branch, sha)
            specs = [_as_jobspec(j) for j in (jobs if jobs is not None else [JobSpec()])]
            user = self.state.user(actor)
            for number in range(1, run_attempt + 1):
                when = start + timedelta(minutes=2 * (number - 1))
                trigger = (
                    self.state.user(triggering_actor)
                    if triggering_actor and number == run_attempt
                    else user
                )
                attempt = Attempt(
                    number,
                    status,
                    conclusion,
                    when,
                    when,
                    when + timedelta(minutes=1),
                    user,
                    trigger,
                )
                run.attempts.append(attempt)
                for spec in specs:
                    attempt.jobs.append(self._make_job(run, attempt, spec, when))
            self.state.runs[run.id] = run
            return run

    def _matching_pulls(self, branch: str, sha: str) -> list[dict[str, Any]]:
        """GitHub lists open same-repository PRs whose head matches the run's branch or SHA."""
        out = []
        for issue in self.state.issues.values():
            pull = issue.pull
            if (
                pull is None
                or issue.state != "open"
                or (pull.head_ref != branch and pull.head_sha != sha)
            ):
                continue
            repo_ref = {
                "id": self.state.repo.id,
                "url": self.renderer.repo_minimal(self.state.repo)["url"],
                "name": self.state.repo.name,
            }
            out.append(
                {
                    "url": f"{repo_ref['url']}/pulls/{issue.number}",
                    "id": pull.id,
                    "number": issue.number,
                    "head": {"ref": pull.head_ref, "sha": pull.head_sha, "repo": repo_ref},
                    "base": {"ref": pull.base_ref, "sha": pull.base_sha, "repo": repo_ref},
                }
            )
        return out

    def _make_job(self, run: Run, attempt: Attempt, spec: JobSpec, start: datetime) -> Job:
        steps = _make_steps(spec, start)
        job = Job(
            id=next(self.state.ids.job),
            run_id=run.id,
            run_attempt=attempt.number,
            name=spec.name,
            status=spec.status,
            conclusion=spec.conclusion if spec.status == "completed" else None,
            steps=steps,
            created_at=start,
            started_at=start,
            completed_at=(
                (
                    start + timedelta(minutes=spec.minutes)
                    if spec.minutes is not None
                    else (steps[-1].completed_at if steps else start)
                )
                if spec.status == "completed"
                else None
            ),
            head_sha=run.head_sha,
            head_branch=run.head_branch,
            workflow_name=run.name,
            runner_name=spec.runner_name,
            labels=list(spec.labels),
            log=_as_log(spec.log),
            log_state=spec.log_state,
            annotations=[
                a if isinstance(a, Annotation) else Annotation(**a) for a in spec.annotations
            ],
        )
        self.state.jobs[job.id] = job
        return job

    def add_jobs(self, run_id: int, jobs: Sequence[str | JobSpec | Mapping[str, Any]]) -> list[Job]:
        with self.state.lock:
            run = self.state.runs[run_id]
            return [
                self._make_job(run, run.latest, _as_jobspec(j), run.latest.created_at) for j in jobs
            ]

    def run(self, run_id: int) -> Run:
        return self.state.runs[run_id]

    def job(self, job_id: int) -> Job:
        return self.state.jobs[job_id]

    def jobs_of(self, run_id: int, attempt: int | None = None) -> list[Job]:
        run = self.state.runs[run_id]
        chosen = run.attempt(attempt) if attempt else run.latest
        return list(chosen.jobs) if chosen else []

    def job_named(self, run_id: int, name: str, attempt: int | None = None) -> Job:
        return next(j for j in self.jobs_of(run_id, attempt) if j.name == name)

    @property
    def reruns(self) -> list[Rerun]:
        return list(self.state.reruns)

    def set_log(self, job_id: int, log: bytes | str | Callable[[], Iterable[bytes]]) -> None:
        with self.state.lock:
            self.state.jobs[job_id].log = _as_log(log)

    def set_log_state(self, job_id: int, log_state: str) -> None:
        """ "expired" (API answers 410), "missing" (404) or "ok"."""
        with self.state.lock:
            self.state.jobs[job_id].log_state = log_state

    def expire_run_logs(self, run_id: int) -> None:
        """Logs past retention: every log route of the run answers 410, re-runs are refused."""
        with self.state.lock:
            run = self.state.runs[run_id]
            run.logs_state = "expired"
            for attempt in run.attempts:
                for job in attempt.jobs:
                    job.log_state = "expired"

    def set_run_logs_zip(self, run_id: int, data: bytes | Callable[[], Iterable[bytes]]) -> None:
        with self.state.lock:
            self.state.runs[run_id].logs_zip = data

    def add_annotation(self, job_id: int, annotation: Annotation | Mapping[str, Any]) -> None:
        with self.state.lock:
            value = annotation if isinstance(annotation, Annotation) else Annotation(**annotation)
            self.state.jobs[job_id].annotations.append(value)

    def finish_attempt(
        self,
        run_id: int,
        conclusion: str = "success",
        jobs: Mapping[str, str] | None = None,
        logs: Mapping[str, bytes | str] | None = None,
    ) -> Attempt:
        """Complete the latest attempt (e.g. after the bot's re-run): each job gets
        `jobs.get(name, conclusion)`, steps and an optional log."""
        with self.state.lock:
            run = self.state.runs[run_id]
            attempt = run.latest
            now = self.state.clock.now()
            for job in attempt.jobs:
                job_conclusion = (jobs or {}).get(job.name, conclusion)
                spec = JobSpec(name=job.name, conclusion=job_conclusion)
                job.status, job.conclusion = "completed", job_conclusion
                job.steps = _make_steps(spec, job.started_at)
                job.completed_at = job.steps[-1].completed_at if job.steps else now
                job.runner_name, job.runner_id, job.runner_group_name = (
                    "GitHub Actions 3",
                    3,
                    "GitHub Actions",
                )
                if logs and job.name in logs:
                    job.log = _as_log(logs[job.name])
            attempt.status, attempt.conclusion, attempt.updated_at = "completed", conclusion, now
            return attempt

    def default_log(self, job: Job) -> bytes:
        """A plausible runner log when a test did not provide one."""
        lines = []
        for step in job.steps:
            when = (step.started_at or job.started_at).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
            if step.name == "Set up job":
                lines.append(f"{when} Current runner version: '2.321.0'")
                continue
            lines.append(f"{when} ##[group]{step.name}")
            lines.append(f"{when} ##[endgroup]")
            if step.conclusion == "failure":
                lines.append(f"{when} ##[error]Process completed with exit code 1.")
        return ("\n".join(lines) + "\n").encode()

    # --- events ---
    def workflow_run_event(
        self, run_id: int, action: str = "completed", attempt: int | None = None
    ) -> dict[str, Any]:
        """The `workflow_run` webhook payload GitHub would deliver for this run (same URLs and
        ids as the fake's REST answers, so a bot can follow them)."""
        with self.state.lock:
            run = self.state.runs[run_id]
            chosen = run.attempt(attempt) if attempt else run.latest
            assert chosen is not None
            return builders.workflow_run_event(
                self.renderer.run(run, chosen),
                self.renderer.repo_full(self.state.repo),
                action=action,
                sender=self.renderer.user(chosen.triggering_actor),
            )

    def add_run_from_event(
        self,
        event: Mapping[str, Any],
        jobs: Sequence[str | JobSpec | Mapping[str, Any]] | None = None,
    ) -> Run:
        """Create the run an event describes (same id, branch, SHA, attempt, conclusion, fork)."""
        wr = event["workflow_run"]
        repo = event.get("repository", {})
        if repo and repo.get("id") not in (None, self.state.repo.id):
            raise ValueError("the event's repository is not the fake's repository")
        head_repo = wr.get("head_repository") or {}
        fork_owner = None
        if head_repo and head_repo.get("id") not in (None, self.state.repo.id):
            fork_owner = str(head_repo.get("full_name", "forker/x")).split("/")[0]
        run = self.add_run(
            run_id=wr["id"],
            name=wr.get("name") or "CI",
            path=wr.get("path") or ".github/workflows/ci.yml",
            event=wr.get("event", "push"),
            head_branch=wr.get("head_branch"),
            head_sha=wr.get("head_sha"),
            conclusion=wr.get("conclusion"),
            status=wr.get("status", "completed"),
            jobs=jobs,
            run_attempt=int(wr.get("run_attempt", 1)),
            actor=(wr.get("actor") or {}).get("login", "octocat"),
            triggering_actor=(wr.get("triggering_actor") or {}).get("login"),
            display_title=wr.get("display_title"),
            head_commit_message=(wr.get("head_commit") or {}).get("message", "Fix the build"),
            fork_owner=fork_owner,
            pull_requests=list(wr.get("pull_requests") or []),
            created_at=wr.get("created_at"),
            run_number=wr.get("run_number"),
        )
        if fork_owner:
            with self.state.lock:
                run.head_repository.id = int(head_repo["id"])
        return run

    # --- issues, comments, labels, pulls ("as a human") ---
    def _user(self, login: str) -> User:
        return self.state.user(login, "Bot" if login.endswith("[bot]") else "User")

    def create_issue(
        self,
        title: str,
        body: str | None = None,
        labels: Sequence[str] = (),
        user: str = "octocat",
        created_at: str | datetime | None = None,
    ) -> Issue:
        with self.state.lock:
            at = parse_time(created_at) if created_at else None
            issue = new_issue(
                self.state, title, body, self._user(user), list(labels), created_at=at
            )
            return issue

    def issue(self, number: int) -> Issue:
        return self.state.issues[number]

    @property
    def issues(self) -> list[Issue]:
        """Issues only (no PRs), oldest first."""
        return [i for i in self.state.issues.values() if not i.is_pull]

    @property
    def pulls(self) -> list[Issue]:
        return [i for i in self.state.issues.values() if i.is_pull]

    def close_issue(
        self,
        number: int,
        by: str = "octocat",
        at: str | datetime | None = None,
        reason: str = "completed",
    ) -> None:
        """Close an issue or PR as a person would (state_reason, closed_at, closed_by set)."""
        with self.state.lock:
            set_state(
                self.state,
                self.state.issues[number],
                "closed",
                self._user(by),
                reason,
                parse_time(at) if at else None,
            )

    def reopen_issue(
        self, number: int, by: str = "octocat", at: str | datetime | None = None
    ) -> None:
        with self.state.lock:
            set_state(
                self.state,
                self.state.issues[number],
                "open",
                self._user(by),
                None,
                parse_time(at) if at else None,
            )

    def add_comment(
        self, number: int, body: str, user: str = "octocat", at: str | datetime | None = None
    ) -> Comment:
        with self.state.lock:
            return new_comment(
                self.state,
                self.state.issues[number],
                body,
                self._user(user),
                parse_time(at) if at else None,
            )

    def comments_on(self, number: int) -> list[Comment]:
        return sorted(
            (c for c in self.state.comments.values() if c.issue_number == number),
            key=lambda c: c.id,
        )

    def add_labels(self, number: int, names: Sequence[str]) -> None:
        with self.state.lock:
            add_labels(self.state, self.state.issues[number], list(names))

    def create_label(
        self, name: str, color: str = "ededed", description: str | None = None
    ) -> None:
        with self.state.lock:
            label = self.state.ensure_label(name)
            label.color, label.description = color, description

    def create_pull(
        self,
        title: str,
        head: str,
        base: str | None = None,
        body: str | None = None,
        user: str = "octocat",
        draft: bool = False,
    ) -> Issue:
        """Seed a PR (no validation: the head branch need not exist)."""
        with self.state.lock:
            return new_pull(
                self.state,
                self.git,
                title,
                body,
                head,
                base or self.state.repo.default_branch,
                self._user(user),
                draft,
            )

    def merge_pull(
        self, number: int, by: str = "octocat", at: str | datetime | None = None
    ) -> None:
        with self.state.lock:
            issue = self.state.issues[number]
            assert issue.pull is not None
            when = parse_time(at) if at else self.state.clock.now()
            issue.pull.merged_at, issue.pull.merged_by = when, self._user(by)
            set_state(self.state, issue, "closed", self._user(by), "completed", when)

    # --- git and settings ---
    def ref(self, name: str) -> str | None:
        """`heads/x` -> SHA (read through the store: the bare repository if there is one)."""
        return self.git.get_ref(name.removeprefix("refs/"))

    def set_ref(self, name: str, sha: str) -> None:
        with self.state.lock:
            self.git.seed_ref(name.removeprefix("refs/"), sha)

    def create_branch(self, name: str, from_ref: str | None = None) -> str:
        with self.state.lock:
            sha = self.git.get_ref(f"heads/{from_ref or self.state.repo.default_branch}")
            assert sha is not None, "source branch does not exist"
            self.git.seed_ref(f"heads/{name}", sha)
            return sha

    def commit_files(
        self,
        files: Mapping[str, bytes | str | None],
        branch: str | None = None,
        message: str = "Update files",
        author: str = "octocat",
    ) -> str:
        """Commit on top of a branch (None deletes a file) and advance it; returns the SHA."""
        with self.state.lock:
            branch = branch or self.state.repo.default_branch
            tip = self.git.get_ref(f"heads/{branch}")
            entries = [
                {
                    "path": p,
                    "mode": "100644",
                    "type": "blob",
                    "sha": (
                        None
                        if d is None
                        else self.git.write_blob(d.encode() if isinstance(d, str) else d)
                    ),
                }
                for p, d in files.items()
            ]
            tree = self.git.create_tree(self.git.read_commit(tip).tree if tip else None, entries)
            who = Signature(author, f"{author}@users.noreply.github.com", self.state.clock.now())
            sha = self.git.write_commit(tree, [tip] if tip else [], who, who, message + "\n")
            self.git.seed_ref(f"heads/{branch}", sha)
            return sha

    def put_file(self, path: str, content: bytes | str, branch: str | None = None) -> str:
        """Make `GET /contents/{path}` serve this file (committed on the default branch)."""
        return self.commit_files({path: content}, branch, f"Add {path}")

    def forbid_pr_creation(self) -> None:
        """Turn off "Allow GitHub Actions to create and approve pull requests"."""
        with self.state.lock:
            self.state.can_approve_pull_request_reviews = False

    def protect_branch(self, name: str) -> None:
        with self.state.lock:
            self.state.protected_branches.add(name)

    def repository_json(self) -> dict[str, Any]:
        with self.state.lock:
            return self.renderer.repo_full(self.state.repo)

    def bot_user(self) -> User:
        return GITHUB_ACTIONS_BOT


def _fake_sha(seed: str) -> str:
    return hashlib.sha1(seed.encode(), usedforsecurity=False).hexdigest()


def _head_commit(sha: str, message: str, actor: str, when: datetime) -> dict[str, Any]:
    return {
        "id": sha,
        "tree_id": _fake_sha("tree" + sha),
        "message": message,
        "timestamp": iso(when),
        "author": {"name": actor, "email": f"{actor}@users.noreply.github.com"},
        "committer": {"name": "GitHub", "email": "noreply@github.com"},
    }


def _make_steps(spec: JobSpec, start: datetime) -> list[Step]:
    names = list(spec.steps) if spec.steps is not None else list(DEFAULT_STEPS)
    if spec.status != "completed":
        return []
    failed = spec.failed_step
    if failed is None and spec.conclusion in FAILED:
        run_steps = [n for n in names if isinstance(n, str) and n.startswith("Run ")]
        failed = run_steps[-1] if run_steps else None
    steps: list[Step] = []
    skipping = False
    for number, item in enumerate(names, start=1):
        if isinstance(item, Step):
            steps.append(item)
            continue
        t0 = start + timedelta(seconds=5 * (number - 1))
        if skipping and not item.startswith(("Post ", "Complete job")):
            steps.append(Step(item, number, "completed", "skipped", t0, t0))
            continue
        conclusion = "success"
        if item == failed:
            conclusion = (
                "failure"
                if spec.conclusion in ("failure", "startup_failure")
                else spec.conclusion or "failure"
            )
            skipping = True
        steps.append(Step(item, number, "completed", conclusion, t0, t0 + timedelta(seconds=4)))
    return steps
