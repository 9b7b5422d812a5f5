"""`autorecover action`: run as the GitHub Action, from the runner's environment, and
publish what the run did: the JSON report, the outputs, file annotations, the step summary
and a few log lines.

The report is published on every path, also when the run fails (docs/security.md#r9):
exit 0 for "nothing to do" and safe degradations, 1 for problems the user can fix (bad
config, missing permission), 3 for bugs. A failure reaches the error boundary, whose hook
here records it in the report, prints it as an `::error::` annotation and publishes.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from autorecover import app
from autorecover.adapters import actions_io, workflow_commands
from autorecover.commands._runtime import Runtime
from autorecover.constants import REPORT_FILE
from autorecover.core import summary
from autorecover.core.models import Result
from autorecover.core.report import RunReport, file_annotations
from autorecover.core.text import mdsafe
from autorecover.errors import EXIT_OK, Failure


def run(args: argparse.Namespace, rt: Runtime) -> int:
    progress = app.Progress()
    rt.boundary.on_failure(lambda failure: _failed(failure, progress, rt))
    app.recover(rt.environ, progress, stdout=rt.stdout, sleep=rt.sleep)
    publish(progress, rt)
    return EXIT_OK


def _failed(failure: Failure, progress: app.Progress, rt: Runtime) -> bool:
    message = progress.redactor.redact(failure.message).text
    error = f"internal error (a bug in autorecover): {message}" if failure.bug else message
    progress.update(result=Result.FAILED, error=error)
    workflow_commands.error(error, title="autorecover", stream=rt.stdout)
    publish(progress, rt)
    return True


def publish(progress: app.Progress, rt: Runtime) -> None:
    """Report file, outputs, annotations, step summary and log lines."""
    report = progress.report
    if progress.client is not None:
        report = replace(report, requests=progress.client.counter.requests)
    path = progress.report_path or (Path(actions_io.runner_temp(rt.environ)) / REPORT_FILE)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        report = report.noted(f"the JSON report could not be written: {exc}")
    for name, value in {**report.outputs(), "report": str(path)}.items():
        actions_io.set_output(name, value, rt.environ)
    for note in file_annotations(report.jobs):
        workflow_commands.annotate(
            note.message, file=note.path, line=note.line, title=note.title, stream=rt.stdout
        )
    actions_io.append_summary(_summary(progress, report), rt.environ, stderr=rt.stdout)
    _log_lines(report, rt)


def _summary(progress: app.Progress, report: RunReport) -> str:
    try:
        # A trusted run's code blocks copy exactly, as in its bodies (docs/security.md#s5).
        trusted = report.run is not None and report.run.trusted
        rendered = progress.renderer.render_with_fallback(
            "summary.md.j2", summary.summary_context(report.to_dict()), trusted=trusted
        )
        if rendered.error is not None:
            return rendered.text + f"\n> {mdsafe.neutralize(str(rendered.error))}\n"
        return rendered.text
    except Exception as exc:  # noqa: BLE001 - a bug in our template must not lose the report
        return summary.summary_fallback(str(report.result), exc)


def _log_lines(report: RunReport, rt: Runtime) -> None:
    lines = [f"autorecover: {report.result}"]
    if report.skip_reason:
        lines.append(f"reason: {report.skip_reason}")
    if report.error:
        lines.append(f"error: {report.error}")
    for job in report.jobs:
        d = job.diagnosis
        verdict = f"{d.category}/{d.severity} -> {d.action}" if d else f"log {job.log_status}"
        lines.append(f"job {job.name}: {verdict}")
    # Job names and reasons can carry fork-controlled text: fence it (#t07).
    workflow_commands.print_untrusted("\n".join(lines), rt.stdout)
