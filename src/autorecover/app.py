"""`autorecover action`: one recovery, from the runner's environment to the report.

event -> skip? -> failed jobs of that attempt -> logs and annotations -> diagnoses ->
plan -> execution (fix PR, rerun, issue; nothing in a dry run) -> report, outputs, step
summary. This is the only module that calls the adapters; analyze and plan stay pure.

The step summary is always written, also when the action fails (security.md R9): exit 0
for "nothing to do" and safe degradations, 1 for problems the user can fix (bad config,
missing permission), 3 for bugs.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from autorecover import actions_io
from autorecover import ledger as ledgerlib
from autorecover import mdsafe
from autorecover.analyze import AnalysisContext, JobAnalysis
from autorecover.config import DEFAULT_PATH, Settings, load_settings_text
from autorecover.errors import EXIT_BUG, EXIT_OK, EXIT_USER_ERROR, UserError
from autorecover.event import WorkflowRun, parse_event, skip_reason
from autorecover.execute import Executor
from autorecover.fixing import FixRun
from autorecover.github import ApiSettings, GitHub, GitHubError
from autorecover.logsources import sniff
from autorecover.models import Action, Category, Diagnosis
from autorecover.plan import JobResult, Policy, make_plan
from autorecover.redact import Redactor
from autorecover.render import Renderer
from autorecover.report import Outcome, RunReport, file_annotations
from autorecover.rerunning import Backoff

TEMPLATE_NAMES = ("issue_body.md.j2", "comment.md.j2", "pr_body.md.j2", "summary.md.j2")
ANALYSED_CONCLUSIONS = frozenset({"failure", "timed_out", "cancelled", "startup_failure"})
TIMEOUT_ANNOTATION = "has exceeded the maximum execution time"


@dataclass(frozen=True)
class ActionInputs:
    token: str
    config_path: str
    dry_run: bool
    min_confidence: float
    max_reruns: int
    backoff_seconds: float
    backoff_max_seconds: float
    report_path: Path

    @classmethod
    def read(cls, environ: Mapping[str, str]) -> ActionInputs:
        token = actions_io.get_input("github-token", environ, default="")
        if not token:
            raise UserError(
                "the github-token input is empty; pass `github-token: ${{ github.token }}` "
                "(the default) or a GitHub App / fine-grained token"
            )
        temp = environ.get("RUNNER_TEMP") or tempfile.gettempdir()
        report = actions_io.get_input("report-path", environ, default="") or os.path.join(
            temp, "autorecover-report.json"
        )
        return cls(
            token=token,
            config_path=actions_io.get_input("config", environ, default=DEFAULT_PATH),
            dry_run=actions_io.get_bool_input("dry-run", environ, default=False),
            min_confidence=actions_io.get_float_input(
                "min-confidence", environ, default=0.7, minimum=0.0, maximum=1.0
            ),
            max_reruns=actions_io.get_int_input("max-reruns", environ, default=2, minimum=0),
            backoff_seconds=actions_io.get_float_input(
                "rerun-backoff-seconds", environ, default=30.0, minimum=0.0
            ),
            backoff_max_seconds=actions_io.get_float_input(
                "rerun-backoff-max-seconds", environ, default=300.0, minimum=0.0
            ),
            report_path=Path(report),
        )


def _api_settings(environ: Mapping[str, str], token: str, repository: str) -> ApiSettings:
    # Tuning knobs for slow or rate-limited installations (and for tests): documented in
    # docs/action.md. PyGithub's throttle defaults stay on in production.
    def number(name: str, default: float) -> float:
        try:
            return float(environ.get(name, default))
        except ValueError:
            raise UserError(f"{name} must be a number, got {environ.get(name)!r}") from None

    return ApiSettings(
        api_url=environ.get("GITHUB_API_URL") or "https://api.github.com",
        token=token,
        repository=repository,
        timeout=number("AUTORECOVER_HTTP_TIMEOUT", 30.0),
        deadline=number("AUTORECOVER_DEADLINE", 900.0),
        seconds_between_requests=number("AUTORECOVER_SECONDS_BETWEEN_REQUESTS", 0.25),
        seconds_between_writes=number("AUTORECOVER_SECONDS_BETWEEN_WRITES", 1.0),
    )


@dataclass
class Recovery:
    """State of one action run, built up step by step."""

    environ: Mapping[str, str]
    stdout: TextIO
    sleep: Callable[[float], None]
    inputs: ActionInputs | None = None
    run: WorkflowRun | None = None
    client: GitHub | None = None
    settings: Settings = field(default_factory=Settings)
    redactor: Redactor = field(default_factory=Redactor)
    report: RunReport = field(default_factory=lambda: RunReport(None, "failed", False))
    user_templates: dict[str, str] = field(default_factory=dict)
    _renderer: Renderer | None = None

    # -- steps ----------------------------------------------------------------------------

    def load(self) -> bool:
        """Inputs and event; False when the run is skipped without any API call."""
        self.inputs = ActionInputs.read(self.environ)
        actions_io.mask_secret(self.inputs.token, stream=self.stdout)
        self.redactor = Redactor([self.inputs.token])
        self.report.dry_run = self.inputs.dry_run
        name = self.environ.get("GITHUB_EVENT_NAME", "")
        if name != "workflow_run":
            return self._skip(
                f"the triggering event is '{name or 'unknown'}', not workflow_run; "
                "autorecover acts on completed workflow runs"
            )
        self.run = parse_event(name, _read_event(self.environ.get("GITHUB_EVENT_PATH", "")))
        self.report.run = self.run
        reason = skip_reason(self.run)
        return self._skip(reason) if reason else True

    def connect(self) -> None:
        assert self.inputs is not None and self.run is not None
        settings = _api_settings(self.environ, self.inputs.token, self.run.repository)
        self.client = GitHub(settings, sleep=self.sleep)
        # The config comes from the default branch, never from the failing commit: a pull
        # request must not be able to reconfigure the bot that judges it.
        text = self.client.get_text_file(self.inputs.config_path, self.run.default_branch)
        if text is not None:
            self.settings = load_settings_text(text, self.inputs.config_path)
            reason = settings_skip_reason(self.run, self.settings, self.inputs.config_path)
            if reason:
                self._skip(reason)
            elif self.settings.templates.directory:
                self.user_templates = self._load_templates(self.settings.templates.directory)

    def _load_templates(self, directory: str) -> dict[str, str]:
        """The repository's own templates, from the default branch only (S7, T14)."""
        assert self.client is not None and self.run is not None
        found: dict[str, str] = {}
        for name in TEMPLATE_NAMES:
            text = self.client.get_text_file(
                f"{directory.strip('/')}/{name}", self.run.default_branch
            )
            if text is not None:
                found[name] = text
        if not found:
            self.report.notes.append(
                f"no templates found in {directory} on {self.run.default_branch}; "
                "using the built-in ones"
            )
        return found

    def analyse(self) -> None:
        assert self.client is not None and self.run is not None and self.inputs is not None
        jobs = [
            job
            for job in self.client.list_jobs(self.run.id, self.run.attempt)
            if job.get("conclusion") in ANALYSED_CONCLUSIONS
        ]
        ruleset = self.settings.ruleset
        for job in jobs:
            self.report.jobs.append(self._analyse_job(job, ruleset))
        if not jobs and self.run.conclusion == "startup_failure":
            self.report.notes.append(
                "the workflow failed to start (startup_failure): no job ran; this usually means "
                "an invalid workflow file or a reusable workflow it cannot call"
            )
        if self.run.conclusion == "cancelled" and not any(
            job.diagnosis and job.diagnosis.category is Category.TIMEOUT for job in self.report.jobs
        ):
            self._skip("the run was cancelled (by a person or a newer run), not by a timeout")

    def _analyse_job(self, job: dict[str, Any], ruleset: Any) -> JobResult:
        assert self.client is not None and self.run is not None and self.inputs is not None
        name = str(job.get("name"))
        analysis = JobAnalysis(
            ruleset,
            AnalysisContext(
                repository=self.run.repository,
                min_confidence=self._min_confidence(),
                module_overrides=dict(self.settings.requirements.mapping),
                redact=lambda text: self.redactor.redact(text).text,
            ),
        )
        download = self.client.job_log(int(job["id"]))
        blocks = download.blocks()
        first = next(blocks, b"")
        kind = sniff(first) if first else "text"
        if kind not in ("text", "gh"):
            # A log must be text; junk served as one is reported, not analysed (T44).
            blocks.close()
            download.status, download.detail = "binary", f"the log is {kind} data, not text"
        else:
            analysis.feed(itertools.chain([first], blocks))
        # Annotations cost a request per job: fetched when the log does not explain the
        # failure itself (a job timeout, a lost runner and a cancel are only there).
        annotated = False
        check_run = str(job.get("check_run_url") or "").rstrip("/").rsplit("/", 1)[-1]
        if check_run.isdigit() and (job.get("conclusion") != "failure" or not analysis.explained()):
            found = self.client.annotations(int(check_run))
            messages = [str(a.get("message") or "") for a in found]
            analysis.annotate(messages)
            annotated = any(messages)
        diagnosis: Diagnosis | None = analysis.diagnosis(name)
        if download.status != "ok" and not annotated:
            # Logs expired, missing or junk, and nothing in the annotations either (T29).
            diagnosis = None
        return JobResult(
            int(job["id"]),
            name,
            str(job.get("html_url") or ""),
            str(job.get("conclusion")),
            diagnosis,
            download.status,
            download.detail,
        )

    def _min_confidence(self) -> float:
        assert self.inputs is not None
        configured = self.settings.min_confidence
        return self.inputs.min_confidence if configured is None else configured

    def policy(self) -> Policy:
        assert self.inputs is not None
        rerun = self.settings.rerun
        return Policy(
            min_confidence=self._min_confidence(),
            max_reruns=min(self.inputs.max_reruns, rerun.max),
            allow_fork_reruns=rerun.allow_forks,
            breaker_min_attempts=rerun.circuit_breaker.min_attempts,
            breaker_min_success_rate=rerun.circuit_breaker.min_success_rate,
            actions={k: Action(v) for k, v in self.settings.actions.items()},
            severity=dict(self.settings.severity),
            enabled_fixers=frozenset(self.settings.fixers.enable),
        )

    def executor(self) -> Executor:
        assert self.client is not None and self.run is not None and self.inputs is not None
        return Executor(
            client=self.client,
            run=self.run,
            settings=self.settings,
            renderer=self.renderer,
            redactor=self.redactor,
            backoff=self._backoff(),
            sleep=self.sleep,
            fix_run=FixRun(
                workspace=Path(self.environ.get("GITHUB_WORKSPACE") or os.getcwd()),
                temp=Path(self.environ.get("RUNNER_TEMP") or tempfile.gettempdir()),
                server_url=self.environ.get("GITHUB_SERVER_URL") or "https://github.com",
                token=self.inputs.token,
                settings=self.settings,
                renderer=self.renderer,
                redactor=self.redactor,
            ),
        )

    def _backoff(self) -> Backoff:
        """The config file wins over the workflow inputs where it sets a value."""
        assert self.inputs is not None
        rerun = self.settings.rerun
        chosen = rerun.model_fields_set
        return Backoff(
            rerun.backoff_seconds if "backoff_seconds" in chosen else self.inputs.backoff_seconds,
            (
                rerun.backoff_max_seconds
                if "backoff_max_seconds" in chosen
                else self.inputs.backoff_max_seconds
            ),
        )

    def recover(self) -> None:
        """Decide and act. The ledger is read first (the circuit breaker needs it, and it
        recognises a redelivered event); a fork's run never writes it."""
        assert self.run is not None and self.inputs is not None
        executor = self.executor()
        history = {}
        if self.run.trusted:
            history = ledgerlib.history(executor.load_ledger())
        plan = make_plan(self.report.jobs, self.run, self.policy(), history)
        self.report.plan = plan
        self.report.outcomes = [Outcome(decision) for decision in plan.decisions]
        if self.inputs.dry_run:
            for outcome in self.report.outcomes:
                outcome.status = "skipped" if outcome.decision.action is Action.NONE else "proposed"
                outcome.detail = "dry run: not carried out"
            self.report.result = "analysed"
            return
        if self.run.trusted and executor.already_handled():
            self._skip(
                f"run {executor.run_key} was already handled (the event was delivered again)"
            )
            return
        self.report.outcomes = executor.execute(plan, self.report.jobs)
        self.report.notes.extend(executor.notes)
        if self.run.trusted:
            executor.record_failure_after_rerun()
            try:
                executor.finish()
            except GitHubError as exc:
                self.report.notes.append(f"the ledger or dashboard was not updated: {exc}")
        self.report.result = _result(self.report.outcomes)

    def bookkeep(self) -> None:
        """A successful attempt after a rerun: record whether autorecover's rerun cured it."""
        assert self.run is not None
        if not self.run.trusted:
            self._skip("the run succeeded; runs from forks are not recorded")
            return
        executor = self.executor()
        executor.load_ledger()
        executor.record_success()
        if not executor.updates:
            self._skip("the run succeeded after a rerun autorecover did not request")
            return
        if self.inputs is not None and self.inputs.dry_run:
            self._skip("the run succeeded after autorecover's rerun (dry run: not recorded)")
            return
        executor.finish()
        self.report.result = "recorded"
        self.report.notes.append(
            f"attempt {self.run.attempt} succeeded after autorecover's rerun: "
            "recorded as a recovery"
        )

    # -- reporting -------------------------------------------------------------------------

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            self._renderer = Renderer(self.user_templates)
        return self._renderer

    def _skip(self, reason: str) -> bool:
        self.report.result = "skipped"
        self.report.skip_reason = reason
        return False

    def finish(self) -> None:
        """Report file, outputs, annotations, step summary: also after an error."""
        report = self.report
        if self.client is not None:
            report.requests = self.client.counter.requests
        path = self.inputs.report_path if self.inputs else _default_report(self.environ)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
        except OSError as exc:
            report.notes.append(f"the JSON report could not be written: {exc}")
        outputs = {**report.outputs(), "report": str(path)}
        for name, value in outputs.items():
            actions_io.set_output(name, value, self.environ)
        for note in file_annotations(report.jobs):
            actions_io.annotate(
                note.message, file=note.path, line=note.line, title=note.title, stream=self.stdout
            )
        actions_io.append_summary(self._summary(), self.environ, stderr=self.stdout)
        self._log_lines()

    def _summary(self) -> str:
        data = self.report.to_dict()
        decision_of = {job: outcome for outcome in data["outcomes"] for job in outcome["jobs"]}
        context = {"data": data, "decision_of": decision_of}
        try:
            rendered = self.renderer.render_with_fallback("summary.md.j2", context)
            if rendered.error is not None:
                return rendered.text + f"\n> {mdsafe.neutralize(str(rendered.error))}\n"
            return rendered.text
        except Exception as exc:  # noqa: BLE001 - a bug in our template must not lose the report
            return (
                f"## autorecover: {self.report.result}\n\nThe summary template failed "
                f"({type(exc).__name__}); the JSON report has the details.\n"
            )

    def _log_lines(self) -> None:
        report = self.report
        lines = [f"autorecover: {report.result}"]
        if report.skip_reason:
            lines.append(f"reason: {report.skip_reason}")
        if report.error:
            lines.append(f"error: {report.error}")
        for job in report.jobs:
            d = job.diagnosis
            verdict = f"{d.category}/{d.severity} -> {d.action}" if d else f"log {job.log_status}"
            lines.append(f"job {job.name}: {verdict}")
        # Job names and reasons can carry fork-controlled text: fence it (T07).
        actions_io.print_untrusted("\n".join(lines), self.stdout)


def settings_skip_reason(run: WorkflowRun, settings: Settings, path: str) -> str | None:
    if not settings.enabled:
        return f"disabled by `enabled: false` in {path}"
    if settings.workflows and run.name not in settings.workflows:
        return f"workflow '{run.name}' is not in `workflows:` of {path}"
    branch = run.head_branch or ""
    if settings.branches and not any(fnmatch.fnmatchcase(branch, p) for p in settings.branches):
        return f"branch '{branch}' matches none of `branches:` in {path}"
    return None


def _result(outcomes: list[Outcome]) -> str:
    """The `result` output: the most consequential thing done."""
    done = {str(o.decision.action) for o in outcomes if o.status == "done"}
    for action, result in (("fix_pr", "fixed"), ("rerun", "rerun"), ("issue", "reported")):
        if action in done:
            return result
    if any(o.status == "failed" for o in outcomes):
        return "failed"
    return "analysed"


def _default_report(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("RUNNER_TEMP") or tempfile.gettempdir()) / "autorecover-report.json"


def _read_event(path: str) -> Any:
    if not path:
        raise UserError("GITHUB_EVENT_PATH is not set; run autorecover as a GitHub Action step")
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"GITHUB_EVENT_PATH names {path}, which does not exist") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"the event payload at {path} is not valid JSON: {exc}") from None


def run_action(
    environ: Mapping[str, str] | None = None,
    *,
    stdout: TextIO | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """The action's entry point; returns the process exit code."""
    recovery = Recovery(
        environ=os.environ if environ is None else environ,
        stdout=stdout or sys.stdout,
        sleep=sleep,
    )
    code = EXIT_OK
    try:
        if recovery.load():
            recovery.connect()
            run = recovery.run
            if recovery.report.result == "skipped" or run is None:
                pass
            elif run.conclusion == "success":
                recovery.bookkeep()
            else:
                recovery.analyse()
                if recovery.report.result != "skipped":
                    recovery.recover()
    except UserError as exc:
        code = EXIT_USER_ERROR
        message = recovery.redactor.redact(str(exc)).text
        recovery.report.result = "failed"
        recovery.report.error = message
        actions_io.error(message, title="autorecover", stream=recovery.stdout)
    except Exception as exc:  # noqa: BLE001 - the error boundary: anything else is a bug
        code = EXIT_BUG
        message = recovery.redactor.redact(f"{type(exc).__name__}: {exc}").text
        recovery.report.result = "failed"
        recovery.report.error = f"internal error (a bug in autorecover): {message}"
        actions_io.error(recovery.report.error, title="autorecover", stream=recovery.stdout)
        if recovery.environ.get("AUTORECOVER_DEBUG"):
            traceback.print_exc()
    finally:
        recovery.finish()
    return code
