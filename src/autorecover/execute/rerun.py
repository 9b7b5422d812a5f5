"""Carry out a `rerun` decision: wait (exponential backoff with jitter, capped), then ask
GitHub to rerun the run's failed jobs.

The wait happens inside the job, so it costs runner minutes: with the defaults (30 s base,
300 s cap) at most 30 s before the first rerun and 60 s before the second. A 5xx on the
request is reconciled by reading the run (a new attempt means it went through) rather than
re-POSTing (docs/security.md#r2); a 403 (a run older than 30 days, logs past retention,
GitHub's cap of 50 reruns, or a run already running again) is reported in words, and the
plan turns it into an issue (#t38).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from autorecover.adapters.github import runs
from autorecover.adapters.github.errors import GitHubError, PermissionMissing, Uncertain
from autorecover.constants import DEFAULT_BACKOFF_MAX_SECONDS, DEFAULT_BACKOFF_SECONDS
from autorecover.core.models import Decision, JobResult, Outcome, Posting, Preview, Status
from autorecover.execute.context import Execution


@dataclass(frozen=True)
class Backoff:
    base: float = DEFAULT_BACKOFF_SECONDS
    cap: float = DEFAULT_BACKOFF_MAX_SECONDS

    def delay(self, attempt: int, rng: random.Random) -> float:
        """base · 2^(attempt−1), with jitter (between half and all of it), capped."""
        full = min(self.cap, self.base * 2 ** max(attempt - 1, 0))
        return round(rng.uniform(full / 2, full), 1)


def handle(decision: Decision, jobs: Mapping[int, JobResult], ex: Execution) -> Outcome:
    run, client = ex.run, ex.client
    backoff = Backoff(ex.settings.backoff_seconds, ex.settings.backoff_max_seconds)
    delay = backoff.delay(run.attempt, ex.rng)
    if delay > client.remaining():
        detail = f"the backoff ({delay:g} s) would pass this run's deadline"
        return Outcome(decision, Status.FAILED, detail)
    if ex.dry_run:
        title = f"rerun the failed jobs of run {run.id} (attempt {run.attempt + 1})"
        detail = f"would wait {delay:g} s, then ask GitHub to {title}"
        return Outcome(decision, Status.PROPOSED, detail, preview=Preview(Posting.RERUN, title))
    ex.sleep(delay)
    try:
        runs.rerun_failed_jobs(client, run.id)
    except Uncertain:
        if (runs.run_attempt(client, run.id) or run.attempt) <= run.attempt:
            return Outcome(decision, Status.FAILED, "GitHub did not confirm the rerun")
    except PermissionMissing as exc:
        return Outcome(decision, Status.FAILED, f"needs `actions: write` to rerun jobs: {exc}")
    except GitHubError as exc:
        detail = (
            f"GitHub refused the rerun ({exc}). Runs can be rerun for 30 days, not after their "
            "logs expired, at most 50 times, and not while they are running again"
        )
        return Outcome(decision, Status.FAILED, detail)
    detail = f"reran the failed jobs after waiting {delay:g} s (attempt {run.attempt + 1})"
    return Outcome(decision, Status.DONE, detail)
