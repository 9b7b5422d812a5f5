"""In-memory state of the fake: one repository with its runs, jobs, issues, pulls and labels.

Everything here is plain data. The HTTP routes mutate it while holding `State.lock`, and so do
the test helpers in `scenario.py`; two bot processes talking to the fake at once therefore see
one consistent history.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

# A job log is bytes, or a factory returning a fresh iterable of byte chunks for every download,
# so a test can serve a 300 MB log without ever holding it in memory.
LogSource = bytes | Callable[[], Iterable[bytes]]


def iso(moment: datetime | None) -> str | None:
    """GitHub's timestamp format: ISO-8601, UTC, seconds precision, `Z` suffix."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Clock:
    """Wall clock that tests can freeze or move (signed log URLs expire against it)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._frozen = start
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            base = self._frozen if self._frozen is not None else datetime.now(UTC)
            return (base + self._offset).replace(microsecond=0)

    def epoch(self) -> int:
        return int(self.now().timestamp())

    def set(self, moment: str | datetime) -> None:
        with self._lock:
            self._frozen = parse_time(moment)
            self._offset = timedelta()

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += timedelta(seconds=seconds)


@dataclass
class User:
    login: str
    id: int
    type: str = "User"  # "User", "Bot" or "Organization"
    site_admin: bool = False


# The identity every GITHUB_TOKEN write is attributed to (id from github.com/apps/github-actions).
GITHUB_ACTIONS_BOT = User("github-actions[bot]", 41898282, "Bot")


@dataclass
class Repository:
    id: int
    owner: User
    name: str
    default_branch: str = "main"
    private: bool = False
    fork: bool = False
    description: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime(2020, 1, 1, tzinfo=UTC))

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"


@dataclass
class Step:
    name: str
    number: int
    status: str = "completed"
    conclusion: str | None = "success"
    started_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass
class Annotation:
    path: str
    start_line: int
    end_line: int
    annotation_level: str  # notice | warning | failure
    message: str
    title: str | None = None
    raw_details: str | None = None
    start_column: int | None = None
    end_column: int | None = None


@dataclass
class Job:
    id: int
    run_id: int
    run_attempt: int
    name: str
    status: str
    conclusion: str | None
    steps: list[Step]
    created_at: datetime
    started_at: datetime
    completed_at: datetime | None
    head_sha: str
    head_branch: str | None
    workflow_name: str
    runner_name: str | None = "GitHub Actions 2"
    runner_id: int | None = 2
    runner_group_name: str | None = "GitHub Actions"
    labels: list[str] = field(default_factory=lambda: ["ubuntu-latest"])
    log: LogSource | None = None
    # "ok", "expired" (API answers 410, logs past retention or deleted) or "missing" (404).
    log_state: str = "ok"
    annotations: list[Annotation] = field(default_factory=list)

    @property
    def check_run_id(self) -> int:
        # On GitHub the job id and its check-run id are the same number.
        return self.id


@dataclass
class Attempt:
    number: int
    status: str
    conclusion: str | None
    created_at: datetime
    run_started_at: datetime
    updated_at: datetime
    actor: User
    triggering_actor: User
    jobs: list[Job] = field(default_factory=list)


@dataclass
class Rerun:
    """One accepted re-run request (what the bot asked for, kept for assertions)."""

    kind: str  # "failed-jobs", "run" or "job"
    run_id: int
    from_attempt: int
    new_attempt: int
    job_ids: list[int]
    enable_debug_logging: bool
    at: datetime


@dataclass
class Run:
    id: int
    workflow_id: int
    name: str
    path: str
    event: str
    head_branch: str | None
    head_sha: str
    head_repository: Repository
    display_title: str
    run_number: int
    check_suite_id: int
    head_commit: dict[str, Any]
    pull_requests: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    # Custom bytes (or a factory) for the run-logs zip; None builds it from the job logs.
    logs_zip: LogSource | None = None
    logs_state: str = "ok"

    @property
    def latest(self) -> Attempt:
        return self.attempts[-1]

    def attempt(self, number: int) -> Attempt | None:
        return self.attempts[number - 1] if 0 < number <= len(self.attempts) else None


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None
    default: bool = False


@dataclass
class PullInfo:
    """The pull-request half of an issue record (GitHub numbers issues and PRs together)."""

    id: int
    head_ref: str
    head_sha: str
    base_ref: str
    base_sha: str
    draft: bool = False
    maintainer_can_modify: bool = False
    merged_at: datetime | None = None
    merged_by: User | None = None


@dataclass
class Issue:
    number: int
    id: int
    title: str
    body: str | None
    user: User
    created_at: datetime
    updated_at: datetime
    state: str = "open"
    state_reason: str | None = None
    closed_at: datetime | None = None
    closed_by: User | None = None
    labels: list[str] = field(default_factory=list)  # label names, resolved when rendered
    assignees: list[User] = field(default_factory=list)
    locked: bool = False
    pull: PullInfo | None = None

    @property
    def is_pull(self) -> bool:
        return self.pull is not None


@dataclass
class Comment:
    id: int
    issue_number: int
    body: str
    user: User
    created_at: datetime
    updated_at: datetime


class Ids:
    """Monotonic id sources, started at magnitudes GitHub really uses (int64 in clients)."""

    def __init__(self) -> None:
        self.repo = itertools.count(700_000_001)
        self.run = itertools.count(10_000_000_001)
        self.workflow = itertools.count(60_000_001)
        self.check_suite = itertools.count(20_000_000_001)
        self.job = itertools.count(30_000_000_001)
        self.issue = itertools.count(2_500_000_001)
        self.pull = itertools.count(1_900_000_001)
        self.comment = itertools.count(2_400_000_001)
        self.label = itertools.count(7_000_000_001)
        self.user = itertools.count(90_000_001)
        self.number = itertools.count(1)
        self.run_number = itertools.count(1)


@dataclass
class State:
    repo: Repository
    clock: Clock
    lock: threading.RLock = field(default_factory=threading.RLock)
    ids: Ids = field(default_factory=Ids)
    users: dict[str, User] = field(default_factory=dict)
    runs: dict[int, Run] = field(default_factory=dict)
    jobs: dict[int, Job] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)  # key: lower-cased name
    reruns: list[Rerun] = field(default_factory=list)
    # GET/PUT /actions/permissions/workflow; False = "Allow GitHub Actions to create and approve
    # pull requests" is off, so POST /pulls answers 403.
    default_workflow_permissions: str = "write"
    can_approve_pull_request_reviews: bool = True
    workflows: dict[str, int] = field(default_factory=dict)  # workflow path -> id
    protected_branches: set[str] = field(default_factory=set)

    def user(self, login: str, type_: str = "User") -> User:
        if login == GITHUB_ACTIONS_BOT.login:
            return GITHUB_ACTIONS_BOT
        if login not in self.users:
            self.users[login] = User(login, next(self.ids.user), type_)
        return self.users[login]

    def label(self, name: str) -> Label | None:
        return self.labels.get(name.lower())

    def ensure_label(self, name: str) -> Label:
        """GitHub creates unknown labels on the fly when a pusher sets them on an issue."""
        found = self.label(name)
        if found is None:
            found = Label(next(self.ids.label), name, description="")
            self.labels[name.lower()] = found
        return found

    def workflow_id(self, path: str) -> int:
        if path not in self.workflows:
            self.workflows[path] = next(self.ids.workflow)
        return self.workflows[path]
