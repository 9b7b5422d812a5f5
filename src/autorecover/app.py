"""One recovery, front to back: event -> skip? -> settings -> failed jobs -> diagnoses ->
plan -> execute -> report.

Every decision is made in core/plan.py (skips included); every write to GitHub happens in
execute/. This module only connects them, in order, and keeps the report current in a
`Progress`, so that whatever stops a run (a user error, a bug) still leaves a report for
the step summary (docs/security.md#r9; commands/action.py publishes it).
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from autorecover.adapters import actions_io, proc, workflow_commands
from autorecover.adapters.github import contents, runs
from autorecover.adapters.github.client import ApiSettings, GitHub
from autorecover.adapters.github.errors import GitHubError
from autorecover.adapters.render import TEMPLATE_NAMES, Renderer
from autorecover.constants import FORK_REPORT_WINDOW_SECONDS, STATE_BRANCH
from autorecover.core import ledger as ledgerlib
from autorecover.core import plan as planner
from autorecover.core.analysis import runner
from autorecover.core.analysis.diagnose import AnalysisContext, JobAnalysis
from autorecover.core.analysis.sources import sniff
from autorecover.core.config import Config, load_config_text
from autorecover.core.event import HANDLED_CONCLUSIONS, WorkflowRun, parse_event
from autorecover.core.models import JobResult, LogStatus, Outcome, Result
from autorecover.core.report import RunReport, result_of
from autorecover.core.settings import Inputs, Settings
from autorecover.core.text.redact import Redactor
from autorecover.errors import UserError
from autorecover.execute import dispatch
from autorecover.execute.context import Execution, Workspace

STARTUP_FAILURE_NOTE = (
    "the workflow failed to start (startup_failure): no job ran; this usually means "
    "an invalid workflow file or a reusable workflow it cannot call"
)


@dataclass
class Progress:
    """The report as far as the run got, and what is needed to publish it."""

    report: RunReport = field(default_factory=RunReport)
    redactor: Redactor = field(default_factory=Redactor)
    renderer: Renderer = field(default_factory=Renderer)
    client: GitHub | None = None
    report_path: Path | None = None

    def update(self, **changes: Any) -> RunReport:
        self.report = replace(self.report, **changes)
        return self.report

    def note(self, *notes: str) -> RunReport:
        return self.update(notes=(*self.report.notes, *notes))

    def skip(self, reason: str) -> RunReport:
        self.report = self.report.skipped(reason)
        return self.report


def recover(
    environ: Mapping[str, str],
    progress: Progress,
    *,
    stdout: TextIO,
    sleep: Callable[[float], None],
) -> RunReport:
    temp = actions_io.runner_temp(environ)
    inputs = actions_io.read_inputs(environ, temp)
    progress.report_path = Path(inputs.report_path)
    workflow_commands.mask_secret(inputs.token, stream=stdout)
    progress.redactor = Redactor([inputs.token])
    progress.update(dry_run=inputs.dry_run)
    event_name = environ.get("GITHUB_EVENT_NAME", "")
    reason = planner.skip_trigger(event_name)
    if reason:
        return progress.skip(reason)
    run = parse_event(event_name, _read_event(environ.get("GITHUB_EVENT_PATH", "")))
    progress.update(run=run)
    reason = planner.skip_run(run)
    if reason:
        return progress.skip(reason)
    client = GitHub(ApiSettings.from_environ(environ, inputs.token, run.repository), sleep=sleep)
    progress.client = client
    # The run's deadline bounds the commands it runs too (git, the formatters).
    with proc.deadline(client.remaining()):
        return _recover_with(client, run, inputs, environ, temp, progress, sleep)


def _recover_with(
    client: GitHub,
    run: WorkflowRun,
    inputs: Inputs,
    environ: Mapping[str, str],
    temp: str,
    progress: Progress,
    sleep: Callable[[float], None],
) -> RunReport:
    settings = _settings(client, run, inputs, progress)
    reason = planner.skip_configured(run, settings)
    if reason:
        return progress.skip(reason)
    ex = Execution(
        client=client,
        run=run,
        settings=settings,
        renderer=progress.renderer,
        redactor=progress.redactor,
        sleep=sleep,
        workspace=Workspace(
            path=Path(environ.get("GITHUB_WORKSPACE") or os.getcwd()),
            temp=Path(temp),
            server_url=environ.get("GITHUB_SERVER_URL") or "https://github.com",
            token=inputs.token,
        ),
    )
    if run.conclusion == "success":
        return _bookkeep(ex, progress)
    jobs = _analyse(client, run, settings, progress)
    reason = planner.skip_analysed(run, jobs)
    if reason:
        return progress.skip(reason)
    return _act(ex, jobs, progress)


def _settings(client: GitHub, run: WorkflowRun, inputs: Inputs, progress: Progress) -> Settings:
    """The config comes from the default branch, never from the failing commit: a pull
    request must not be able to reconfigure the bot that judges it (docs/security.md#s7)."""
    text = contents.get_text_file(client, inputs.config_path, run.default_branch)
    config = load_config_text(text, inputs.config_path) if text is not None else Config()
    settings = Settings.resolve(config, inputs)
    directory = config.templates.directory
    if text is not None and directory and planner.skip_configured(run, settings) is None:
        progress.renderer = Renderer(_templates(client, run, directory, progress))
    return settings


def _templates(
    client: GitHub, run: WorkflowRun, directory: str, progress: Progress
) -> dict[str, str]:
    """The repository's own templates, from the default branch only (#s7, #t14)."""
    found: dict[str, str] = {}
    for name in TEMPLATE_NAMES:
        path = f"{directory.strip('/')}/{name}"
        text = contents.get_text_file(client, path, run.default_branch)
        if text is not None:
            found[name] = text
    if not found:
        progress.note(
            f"no templates found in {directory} on {run.default_branch}; using the built-in ones"
        )
    return found


def _analyse(
    client: GitHub, run: WorkflowRun, settings: Settings, progress: Progress
) -> tuple[JobResult, ...]:
    jobs = [
        j
        for j in runs.list_jobs(client, run.id, run.attempt)
        if j.conclusion in HANDLED_CONCLUSIONS
    ]
    results: list[JobResult] = []
    for job in jobs:
        results.append(_analyse_job(client, job, run, settings, progress.redactor))
        progress.update(jobs=tuple(results))
    if not jobs and run.conclusion == "startup_failure":
        progress.note(STARTUP_FAILURE_NOTE)
    return tuple(results)


def _analyse_job(
    client: GitHub, job: runs.Job, run: WorkflowRun, settings: Settings, redactor: Redactor
) -> JobResult:
    analysis = JobAnalysis(
        settings.ruleset,
        AnalysisContext(
            repository=run.repository,
            min_confidence=settings.min_confidence,
            module_overrides=settings.module_overrides,
            redact=redactor,
            conclusion=job.conclusion,
            runner=runner.from_labels(job.labels),
            job_name=job.name,
        ),
    )
    download = runs.LogDownload(client, job.id)
    blocks = download.blocks()
    first = next(blocks, b"")
    kind = sniff(first) if first else "text"
    if kind not in ("text", "gh"):
        # A log must be text; junk served as one is reported, not analysed (#t44).
        blocks.close()
        download.status, download.detail = LogStatus.BINARY, f"the log is {kind} data, not text"
    else:
        analysis.feed(itertools.chain([first], blocks))
    # Annotations cost a request per job: fetched when the log does not explain the
    # failure itself (a job timeout, a lost runner and a cancel are only there).
    annotated = False
    if job.check_run_id is not None and (job.conclusion != "failure" or not analysis.explained()):
        messages = runs.annotation_messages(client, job.check_run_id)
        analysis.annotate(messages)
        annotated = any(messages)
    diagnosis = analysis.diagnosis(job.name)
    unavailable = download.status is not LogStatus.OK and not annotated
    return JobResult(
        job.id,
        job.name,
        job.html_url,
        job.conclusion,
        # Logs expired, missing or junk, and nothing in the annotations either (#t29).
        None if unavailable else diagnosis,
        download.status,
        download.detail,
        job.minutes,
    )


def _act(ex: Execution, jobs: tuple[JobResult, ...], progress: Progress) -> RunReport:
    """Decide and act. The ledger is read first: the circuit breaker needs it, it
    recognises a redelivered event, and it counts what fork runs already reported."""
    run = ex.run
    history = ledgerlib.history(ex.load_ledger())
    if ex.store.damaged:
        progress.note(
            f"the ledger on {STATE_BRANCH} did not validate (edited by hand?); a fresh one "
            f"replaces it and keeps the damaged text under `{ledgerlib.DAMAGED_KEY}`"
        )
    reran = ledgerlib.reran_fingerprints(ex.ledger, run.id, run.attempt)
    window = timedelta(seconds=FORK_REPORT_WINDOW_SECONDS)
    forks = ledgerlib.fork_reports_since(ex.ledger, ex.now - window)
    plan = planner.make_plan(jobs, run, ex.settings, history, reran, forks)
    progress.update(plan=plan, outcomes=tuple(Outcome(d) for d in plan.decisions))
    reason = planner.skip_redelivered(run, ex.ledger.get("runs", []))
    if reason:
        return progress.skip(reason)
    # A dry run carries out the same plan with the same handlers, which stop before each
    # write and preview it instead: what the summary shows is what a real run would post.
    outcomes = dispatch.execute(plan, jobs, ex)
    progress.update(outcomes=outcomes)
    progress.note(*ex.notes)
    if ex.dry_run:
        return progress.update(result=Result.ANALYSED)
    if planner.rerun_pending(run, ledgerlib.pending_attempt(ex.ledger, run.id)):
        dispatch.record_attempt(ex, succeeded=False)
    try:
        dispatch.conclude(ex)
    except GitHubError as exc:
        progress.note(f"the ledger or dashboard was not updated: {exc}")
    return progress.update(result=result_of(outcomes))


def _bookkeep(ex: Execution, progress: Progress) -> RunReport:
    """A successful attempt after a rerun: record whether autorecover's rerun cured it."""
    run = ex.run
    if not run.trusted:
        return progress.skip(planner.skip_bookkeeping(run, None, ex.settings.dry_run) or "")
    pending = ledgerlib.pending_attempt(ex.load_ledger(), run.id)
    reason = planner.skip_bookkeeping(run, pending, ex.settings.dry_run)
    if reason:
        return progress.skip(reason)
    dispatch.record_attempt(ex, succeeded=True)
    dispatch.conclude(ex)
    note = f"attempt {run.attempt} succeeded after autorecover's rerun: recorded as a recovery"
    progress.note(note)
    return progress.update(result=Result.RECORDED)


def _read_event(path: str) -> Any:
    if not path:
        raise UserError("GITHUB_EVENT_PATH is not set; run autorecover as a GitHub Action step")
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"GITHUB_EVENT_PATH names {path}, which does not exist") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"the event payload at {path} is not valid JSON: {exc}") from None
