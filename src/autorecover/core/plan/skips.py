"""Whether a run is acted on at all: its trigger, the run itself, the repository's config,
what the analysis found, a redelivered event, a success after our rerun, a new fix PR."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from datetime import datetime, timedelta

from autorecover.constants import BOT_BRANCH_PREFIX, COMMIT_TRAILER, parse_time
from autorecover.core.event import HANDLED_CONCLUSIONS, WorkflowRun
from autorecover.core.models import (
    Category,
    JobResult,
)
from autorecover.core.settings import Settings

WORKFLOW_RUN = "workflow_run"

# -- skips ------------------------------------------------------------------------------


def skip_trigger(event_name: str) -> str | None:
    if event_name != WORKFLOW_RUN:
        return (
            f"the triggering event is '{event_name or 'unknown'}', not workflow_run; "
            "autorecover acts on completed workflow runs"
        )
    return None


def skip_run(run: WorkflowRun) -> str | None:
    """Why this run needs no recovery, or None when it should be analysed.

    A `cancelled` run is analysed further: a job timeout concludes `cancelled` and only
    its annotations tell it from a cancel by a person (`skip_analysed`).
    """
    if run.action != "completed":
        return f"the run is '{run.action}', not completed; autorecover acts on completed runs"
    if run.conclusion == "success" and run.attempt == 1:
        return "the run succeeded; nothing to recover"
    if run.conclusion == "success":
        return None  # an attempt after a rerun: bookkeeping (did our rerun cure it?)
    if run.conclusion not in HANDLED_CONCLUSIONS:
        return f"the run concluded '{run.conclusion}'; nothing to recover"
    # Never fix our own fixes (docs/security.md#r7): a bot branch, or a commit we made.
    if run.head_branch and run.head_branch.startswith(BOT_BRANCH_PREFIX):
        return f"the run is on autorecover's own branch '{run.head_branch}'; never fixed again"
    if COMMIT_TRAILER in run.head_commit_message:
        return "the head commit was made by autorecover; never fixed again"
    return None


def skip_configured(run: WorkflowRun, settings: Settings) -> str | None:
    config, path = settings.config, settings.inputs.config_path
    if not config.enabled:
        return f"disabled by `enabled: false` in {path}"
    if config.workflows and run.name not in config.workflows:
        return f"workflow '{run.name}' is not in `workflows:` of {path}"
    branch = run.head_branch or ""
    if config.branches and not any(fnmatch.fnmatchcase(branch, p) for p in config.branches):
        return f"branch '{branch}' matches none of `branches:` in {path}"
    return None


def skip_analysed(run: WorkflowRun, jobs: Sequence[JobResult]) -> str | None:
    timed_out = any(j.diagnosis and j.diagnosis.category is Category.TIMEOUT for j in jobs)
    if run.conclusion == "cancelled" and not timed_out:
        return "the run was cancelled (by a person or a newer run), not by a timeout"
    return None


def skip_redelivered(run: WorkflowRun, recorded_runs: Sequence[str]) -> str | None:
    """The same event delivered again is recognised, not acted on twice (#t21)."""
    if run.key in recorded_runs:
        return f"run {run.key} was already handled (the event was delivered again)"
    return None


def rerun_pending(run: WorkflowRun, pending_attempt: int | None) -> bool:
    """This attempt follows one autorecover reran: its conclusion says if the rerun cured it."""
    return pending_attempt is not None and pending_attempt < run.attempt


def skip_bookkeeping(run: WorkflowRun, pending_attempt: int | None, dry_run: bool) -> str | None:
    """A successful attempt is recorded only when it follows autorecover's own rerun."""
    if not run.trusted:
        return "the run succeeded; runs from forks are not recorded"
    if not rerun_pending(run, pending_attempt):
        return "the run succeeded after a rerun autorecover did not request"
    if dry_run:
        return "the run succeeded after autorecover's rerun (dry run: not recorded)"
    return None


def skip_fix_pr(
    closed_unmerged: tuple[int, str] | None, open_pulls: int, settings: Settings, now: datetime
) -> str | None:
    """Why no new fix PR is opened (our branch has none open): a person closed the last one
    without merging it within the cooldown, or too many of ours are open."""
    config = settings.config.pull_requests
    if closed_unmerged is not None:
        number, closed_at = closed_unmerged
        when = parse_time(closed_at)
        if when is None or now - when < timedelta(days=config.cooldown_days):
            return (
                f"#{number} was closed without merging less than {config.cooldown_days:g} "
                "days ago; not proposed again (cooldown)"
            )
    if open_pulls >= config.max_open:
        return (
            f"{open_pulls} autorecover pull requests are open (pull_requests.max_open is "
            f"{config.max_open}); not opening another"
        )
    return None
