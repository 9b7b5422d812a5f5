"""What the handlers of one run share: the adapters, the run, the settings, the ledger as
it was read and the updates this run makes to it, and autorecover's issues and PRs,
listed once.

The ledger is read once before deciding (the plan's circuit breaker and redelivery check
need it) and written once at the end (dispatch.conclude); the creation of an issue is
claimed in it first, so two runs at once open one issue (docs/security.md#t22).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from autorecover.adapters.github.client import GitHub
from autorecover.adapters.github.issues import Issues
from autorecover.adapters.github.state import StateStore
from autorecover.adapters.render import Renderer, render_post
from autorecover.constants import format_time
from autorecover.core import ledger as ledgerlib
from autorecover.core.event import WorkflowRun
from autorecover.core.ledger import Ledger, Update
from autorecover.core.settings import Settings
from autorecover.core.text.redact import Redactor
from autorecover.core.tracker import Tracker

Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Workspace:
    """Where a fix is made (from the runner's environment)."""

    path: Path  # GITHUB_WORKSPACE: a checkout, if the workflow made one
    temp: Path  # RUNNER_TEMP: worktrees and tool environments
    server_url: str
    token: str


@dataclass
class Execution:
    client: GitHub
    run: WorkflowRun
    settings: Settings
    renderer: Renderer
    redactor: Redactor
    sleep: Sleep
    workspace: Workspace | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    rng: random.Random = field(default_factory=random.Random)
    updates: list[Update] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # a failing user template is noted here
    dashboard_dirty: bool = False
    # A pull request was opened: the listing does not hold it (it is read again).
    listing_stale: bool = False
    # Tells this process from another handling the same run at the same time.
    owner: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    store: StateStore = field(init=False)
    issues: Issues = field(init=False)
    stored: tuple[Ledger, str | None] = field(init=False)
    _tracker: Tracker | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.owner = f"{self.run.key}/{self.owner}"
        self.store = StateStore(self.client)
        self.issues = Issues(self.client, label=self.settings.label)
        self.stored = (ledgerlib.empty(), None)

    @property
    def dry_run(self) -> bool:
        """Carry out everything up to the first write, and preview that write instead."""
        return self.settings.dry_run

    @property
    def ledger(self) -> Ledger:
        return self.stored[0]

    @property
    def stamp(self) -> str:
        return format_time(self.now)

    def load_ledger(self) -> Ledger:
        self.stored = self.store.read()
        return self.stored[0]

    def record(self, update: Update) -> None:
        self.updates.append(update)

    def tracker(self, *, refresh: bool = False) -> Tracker:
        """autorecover's issues and PRs, listed once, with the issues this run opened."""
        if self._tracker is None or refresh:
            self._tracker = self.issues.fetch()
        return self._tracker.merged(self.issues.created)

    @property
    def listed(self) -> bool:
        """Whether this run read the listing already."""
        return self._tracker is not None

    def entry(self, fingerprint: str) -> dict[str, Any]:
        """The fingerprint's ledger entry as it will be after this run's updates."""
        preview = ledgerlib.apply_once(self.ledger, "preview", self.updates)
        return dict(preview.get("fingerprints", {}).get(fingerprint, {}))

    def claim(self, fingerprint: str, attempt: int = 0) -> str | None:
        """Claim the creation of `fingerprint`'s issue; None when we hold the claim, else
        the run key of the run that does (fork runs claim too: two at once must not open
        two issues). A later `attempt` takes over a claim its holder released."""
        again = f"#{attempt}" if attempt else ""
        self.stored = self.store.update(
            f"{self.run.key}#claim:{fingerprint}:{self.owner}{again}",
            [ledgerlib.claim(fingerprint, self.owner, self.stamp)],
            self.stored,
        )
        holder = ledgerlib.claimed_by(self.ledger, fingerprint)
        if holder is None or holder == self.owner:
            return None
        return holder.split("/", 1)[0]

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        return render_post(
            self.renderer, self.redactor, name, context, self.notes, trusted=self.run.trusted
        )
