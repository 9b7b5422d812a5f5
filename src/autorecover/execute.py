"""Carrying out a plan: fix PR, rerun, issues; then the ledger and the dashboard.

Each decision is executed on its own, so a missing permission or a refused request loses
only that feature (security.md R9). The ledger is read once before deciding (the rerun
circuit breaker needs it, and a redelivered event is recognised by it) and written once
at the end; the dashboard is rewritten only when something it lists changed.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from autorecover import __version__
from autorecover import ledger as ledgerlib
from autorecover import mdsafe
from autorecover.config import Settings
from autorecover.event import WorkflowRun
from autorecover.fixing import FixExecutor, FixRun
from autorecover.github import GitHub, GitHubError, PermissionMissing
from autorecover.issues import DASHBOARD_MARKER, Issues, Tracker, marker
from autorecover.ledger import Ledger, Update
from autorecover.models import Action
from autorecover.plan import Decision, JobResult, Plan
from autorecover.pulls import Pulls
from autorecover.redact import Redactor
from autorecover.render import Renderer
from autorecover.report import Outcome
from autorecover.reporting import ReportContext, report_issue
from autorecover.rerunning import Backoff, rerun_failed_jobs
from autorecover.statestore import StateStore
from autorecover.stats import compute, duration

DASHBOARD_TITLE = "Auto-recovery dashboard"


@dataclass
class Executor:
    client: GitHub
    run: WorkflowRun
    settings: Settings
    renderer: Renderer
    redactor: Redactor
    backoff: Backoff
    sleep: Callable[[float], None]
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    rng: random.Random = field(default_factory=random.Random)
    store: StateStore = field(init=False)
    issues: Issues = field(init=False)
    stored: tuple[Ledger, str | None] = field(init=False)
    updates: list[Update] = field(default_factory=list)
    fix_run: FixRun | None = None
    tracker: Tracker | None = None
    dashboard_dirty: bool = False
    notes: list[str] = field(default_factory=list)
    # Tells this process from another handling the same run at the same time.
    owner: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def __post_init__(self) -> None:
        self.owner = f"{self.run_key}/{self.owner}"
        self.store = StateStore(self.client)
        self.issues = Issues(self.client, label=self._label())
        self.stored = (ledgerlib.empty(), None)

    @property
    def run_key(self) -> str:
        return f"{self.run.id}:{self.run.attempt}"

    def _label(self) -> str:
        labels = self.settings.issues.labels
        return labels[0] if labels else "autorecover"

    def load_ledger(self) -> Ledger:
        self.stored = self.store.read()
        return self.stored[0]

    def already_handled(self) -> bool:
        """T21: the same event delivered again is recognised, not acted on twice."""
        return self.run_key in self.stored[0].get("runs", [])

    # -- decisions -------------------------------------------------------------------------

    def execute(self, plan: Plan, jobs: list[JobResult]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        by_id = {job.job_id: job for job in jobs}
        seen = ledgerlib.now_iso(self.now)
        for job in jobs:
            d = job.diagnosis
            if d is not None and d.action is not Action.NONE:
                self.updates.append(
                    ledgerlib.occurred(
                        ledgerlib.Occurrence(
                            d.fingerprint, str(d.category), d.rule or "", d.title, self.run.id, seen
                        )
                    )
                )
        for decision in plan.decisions:
            if decision.action is Action.NONE:
                outcomes.append(Outcome(decision, status="skipped", detail=decision.reason))
            elif decision.action is Action.RERUN:
                outcomes.append(self._rerun(decision, by_id))
            elif decision.action is Action.ISSUE:
                outcomes.append(self._issue(decision, by_id))
            else:
                outcomes.append(self._fix(decision, by_id))
        return outcomes

    def _fix(self, decision: Decision, jobs: dict[int, JobResult]) -> Outcome:
        if self.fix_run is None:
            return Outcome(decision, status="skipped", detail="no workspace to fix in")
        try:
            open_pulls = len(self.list_tracker().open_pulls())
        except GitHubError:
            open_pulls = 0  # the cap is checked on what we can see
        fixer = FixExecutor(
            self.fix_run,
            Pulls(self.client),
            self.run,
            jobs,
            open_pulls,
            fallback=lambda d, note: self._issue(
                Decision(
                    Action.ISSUE,
                    note,
                    d.jobs,
                    d.fingerprint,
                    d.category,
                    d.severity,
                    escalation="fix-not-delivered",
                ),
                jobs,
                fallback=note,
            ),
        )
        try:
            outcome = fixer.execute(decision)
        except GitHubError as exc:
            outcome = Outcome(decision, status="failed", detail=str(exc))
        if outcome.status == "done":
            self.updates.append(
                ledgerlib.tracked(decision.fingerprint, pull_request=_number(outcome.url))
            )
            self.dashboard_dirty = True
        return outcome

    def _rerun(self, decision: Decision, jobs: dict[int, JobResult]) -> Outcome:
        outcome = rerun_failed_jobs(
            self.client, decision, self.run.id, self.run.attempt, self.backoff, self.sleep, self.rng
        )
        if outcome.status == "done":
            fingerprints = sorted(
                {
                    job.diagnosis.fingerprint
                    for job_id, job in jobs.items()
                    if job_id in decision.jobs and job.diagnosis is not None
                }
            )
            self.updates.append(
                ledgerlib.rerun_requested(
                    self.run.id, self.run.attempt, fingerprints, ledgerlib.now_iso(self.now)
                )
            )
        elif outcome.status == "failed":
            # T38: a refused rerun becomes one issue saying so, instead of silence.
            escalated = Decision(
                Action.ISSUE,
                outcome.detail,
                decision.jobs,
                decision.fingerprint,
                decision.category,
                decision.severity,
                escalation="rerun-refused",
            )
            issue = self._issue(escalated, jobs, escalation_detail=outcome.detail)
            outcome.detail += f"; {issue.detail}" if issue.detail else ""
            outcome.url = issue.url
        return outcome

    def _issue(
        self,
        decision: Decision,
        jobs: dict[int, JobResult],
        escalation_detail: str = "",
        fallback: str = "",
    ) -> Outcome:
        try:
            tracker = self.list_tracker()
        except PermissionMissing as exc:
            # T47: without `issues` access only this feature is lost.
            return Outcome(decision, status="failed", detail=f"needs `issues: write`: {exc}")
        entry = self._entry(decision.fingerprint)
        ctx = ReportContext(
            run=self.run,
            jobs=jobs,
            history=entry,
            config=self.settings.issues,
            renderer=self.renderer,
            redactor=self.redactor,
            now=self.now,
            notes=self.notes,
        )
        if not self.run.trusted:
            decision = Decision(
                decision.action,
                decision.reason,
                decision.jobs,
                decision.fingerprint,
                decision.category,
                decision.severity,
                escalation=decision.escalation or "fork",
            )
        outcome = report_issue(
            self.issues,
            tracker,
            decision,
            ctx,
            escalation_detail=escalation_detail,
            fallback=fallback,
            claim=lambda: self.claim(decision.fingerprint),
            wait=self._wait_for_issue,
        )
        self.updates.append(ledgerlib.release(decision.fingerprint, self.owner))
        if outcome.status == "done":
            number = _number(outcome.url)
            self.updates.append(ledgerlib.tracked(decision.fingerprint, issue=number))
            self.dashboard_dirty = self.dashboard_dirty or "opened" in outcome.detail
        return outcome

    def _wait_for_issue(self, fingerprint: str) -> Tracker:
        """Another run claimed the issue: give it a moment to appear, then list again."""
        for delay in (2.0, 4.0, 8.0):
            self.sleep(delay)
            self.tracker = self.issues.fetch()
            if self.tracker.with_marker(marker(fingerprint)):
                break
        return self.list_tracker()

    def _entry(self, fingerprint: str) -> dict[str, Any]:
        """The fingerprint's ledger entry as it will be after this run's updates."""
        preview = ledgerlib.apply_once(self.stored[0], "preview", self.updates)
        return dict(preview.get("fingerprints", {}).get(fingerprint, {}))

    def list_tracker(self) -> Tracker:
        if self.tracker is None:
            self.tracker = self.issues.fetch()
        return self.tracker

    # -- bookkeeping ------------------------------------------------------------------------

    def record_success(self) -> None:
        """A completed run that succeeded: if it is the attempt after one we reran, the
        rerun recovered the failure."""
        pending = self.stored[0].get("pending_reruns", {}).get(str(self.run.id))
        if pending and int(pending.get("attempt", 0)) < self.run.attempt:
            self.updates.append(
                ledgerlib.attempt_finished(
                    self.run.id, self.run.attempt, True, ledgerlib.now_iso(self.now)
                )
            )
            self.dashboard_dirty = True

    def record_failure_after_rerun(self) -> None:
        pending = self.stored[0].get("pending_reruns", {}).get(str(self.run.id))
        if pending and int(pending.get("attempt", 0)) < self.run.attempt:
            self.updates.append(
                ledgerlib.attempt_finished(
                    self.run.id, self.run.attempt, False, ledgerlib.now_iso(self.now)
                )
            )
            self.dashboard_dirty = True

    def finish(self) -> Ledger:
        """Refresh the dashboard if needed, then store the ledger (once)."""
        if self.dashboard_dirty:
            try:
                self._refresh_dashboard()
            except GitHubError as exc:
                self.updates.append(lambda ledger: None)
                raise GitHubError(f"the dashboard issue could not be updated: {exc}") from exc
        if not self.updates:
            return self.stored[0]
        self.stored = self.store.update(self.run_key, self.updates, self.stored)
        return self.stored[0]

    def claim(self, fingerprint: str) -> str | None:
        """Claim the creation of `fingerprint`'s issue; None when we hold the claim, else
        the run key of the run that does (forks never write the ledger: no claim)."""
        if not self.run.trusted:
            return None
        self.stored = self.store.update(
            f"{self.run_key}#claim:{fingerprint}:{self.owner}",
            [ledgerlib.claim(fingerprint, self.owner, ledgerlib.now_iso(self.now))],
            self.stored,
        )
        holder = ledgerlib.claimed_by(self.stored[0], fingerprint)
        if holder is None or holder == self.owner:
            return None
        return holder.split("/", 1)[0]

    def _refresh_dashboard(self) -> None:
        tracker = self.list_tracker()
        for item in tracker.items:
            pr = item.get("pull_request")
            if isinstance(pr, dict) and item.get("state") == "closed":
                fingerprint = _fingerprint_of(str(item.get("body") or ""))
                if fingerprint:
                    self.updates.append(
                        ledgerlib.pull_request_closed(
                            fingerprint, int(item["number"]), bool(pr.get("merged_at"))
                        )
                    )
        preview = ledgerlib.apply_once(self.stored[0], "preview", self.updates)
        stats = compute(preview, self.now)
        body = self.renderer.render(
            "dashboard.md.j2",
            {
                "pulls": tracker.open_pulls(),
                "issues": tracker.open_issues(),
                "stats": stats,
                "durations": {
                    f["fingerprint"]: duration(f["mean_seconds_to_recovery"])
                    for f in stats["fingerprints"]
                },
                "mean_recovery": duration(stats["totals"]["mean_seconds_to_recovery"]),
                "updated": ledgerlib.now_iso(self.now),
                "version": __version__,
                "marker": DASHBOARD_MARKER,
            },
        )
        body = mdsafe.cap_body(self.redactor.redact(body).text).text
        existing = tracker.with_marker(DASHBOARD_MARKER)
        open_dashboard = next((i for i in existing if i.get("state") == "open"), None)
        if open_dashboard is not None:
            if open_dashboard.get("body") != body:
                self.issues.update_body(int(open_dashboard["number"]), body)
            return
        created = self.issues.create(
            "dashboard", DASHBOARD_TITLE, lambda _excerpt: body, [self._label()], []
        )
        self.updates.append(ledgerlib.dashboard(int(created["number"])))


def _number(url: str) -> int | None:
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _fingerprint_of(body: str) -> str | None:
    start = body.find("<!-- autorecover:fingerprint=")
    if start < 0:
        return None
    value = body[start + len("<!-- autorecover:fingerprint=") :].split(" ", 1)[0]
    return value if value.isalnum() else None
