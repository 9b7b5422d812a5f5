"""Carrying out a `rerun` decision: wait (exponential backoff with jitter, capped), then
ask GitHub to rerun the run's failed jobs.

The wait happens inside the job, so it costs runner minutes: with the defaults (30 s base,
300 s cap) at most 30 s before the first rerun and 60 s before the second. A 5xx on the
request is reconciled by reading the run (a new attempt means it went through) rather than
re-POSTing; a 403 (a run older than 30 days, logs past retention, GitHub's cap of 50
reruns, or a run already running again) is reported in words (T38).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from autorecover.github import GitHub, GitHubError, PermissionMissing, Uncertain
from autorecover.plan import Decision
from autorecover.report import Outcome


@dataclass(frozen=True)
class Backoff:
    base: float = 30.0
    cap: float = 300.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """base · 2^(attempt−1), with jitter (between half and all of it), capped."""
        full = min(self.cap, self.base * 2 ** max(attempt - 1, 0))
        return round(rng.uniform(full / 2, full), 1)


def rerun_failed_jobs(
    client: GitHub,
    decision: Decision,
    run_id: int,
    attempt: int,
    backoff: Backoff,
    sleep: Callable[[float], None],
    rng: random.Random | None = None,
) -> Outcome:
    outcome = Outcome(decision)
    delay = backoff.delay(attempt, rng or random.Random())  # noqa: S311 - jitter
    if delay > client.remaining():
        outcome.status = "failed"
        outcome.detail = f"the backoff ({delay:g} s) would pass this run's deadline"
        return outcome
    sleep(delay)
    path = f"{client.repo_path}/actions/runs/{run_id}/rerun-failed-jobs"
    try:
        client.request("POST", path, body={})
    except Uncertain:
        current = client.get_run(run_id)
        if int(current.get("run_attempt") or attempt) <= attempt:
            outcome.status, outcome.detail = "failed", "GitHub did not confirm the rerun"
            return outcome
    except PermissionMissing as exc:
        outcome.status = "failed"
        outcome.detail = f"needs `actions: write` to rerun jobs: {exc}"
        return outcome
    except GitHubError as exc:
        outcome.status = "failed"
        outcome.detail = (
            f"GitHub refused the rerun ({exc}). Runs can be rerun for 30 days, not after their "
            "logs expired, at most 50 times, and not while they are running again"
        )
        return outcome
    outcome.status = "done"
    outcome.detail = f"reran the failed jobs after waiting {delay:g} s (attempt {attempt + 1})"
    return outcome
