"""`autorecover analyze FILE...` and `autorecover batch DIR`: diagnose job logs on disk."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autorecover.adapters.actions_io import is_github_actions
from autorecover.adapters.logfiles import analyze_file, find_logs
from autorecover.adapters.workflow_commands import escape_line
from autorecover.commands import _options
from autorecover.commands._format import (
    render_markdown,
    render_summary_text,
    render_text,
    summary_counts,
)
from autorecover.commands._runtime import Runtime
from autorecover.core.models import SCHEMA_VERSION, Diagnosis
from autorecover.errors import EXIT_OK, EXIT_USER_ERROR, LogError


def _write(text: str, rt: Runtime) -> None:
    """Print, and inside a workflow step make every line of log text inert: the runner
    executes `::command::` lines and a `##[...]` anywhere in a line (docs/security.md#t07)."""
    if is_github_actions(rt.environ):
        text = "\n".join(escape_line(line) for line in text.split("\n"))
    rt.stdout.write(text)


def _dump(data: Any, rt: Runtime) -> None:
    if is_github_actions(rt.environ):
        # ASCII-only JSON cannot hold a line break the runner splits on, and `\u0023`
        # still reads `#` to every JSON parser.
        text = json.dumps(data, indent=2, ensure_ascii=True).replace("##[", "#\\u0023[")
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False)
    rt.stdout.write(text + "\n")


def _emit(diagnoses: Sequence[Diagnosis], fmt: str, rt: Runtime) -> None:
    if fmt == "json":
        data: Any = [d.to_dict() for d in diagnoses]
        _dump(data[0] if len(data) == 1 else data, rt)
        return
    color = fmt == "text" and rt.stdout.isatty() and "NO_COLOR" not in rt.environ
    if fmt == "markdown":
        _write("\n".join(render_markdown(d) for d in diagnoses), rt)
    else:
        _write("\n".join(render_text(d, color) for d in diagnoses), rt)


def analyze(args: argparse.Namespace, rt: Runtime) -> int:
    settings = _options.settings(args)
    context = _options.analysis_context(args, settings)
    diagnoses = [
        d
        for path in args.files
        for d in analyze_file(Path(path), settings.ruleset, context, stdin=rt.stdin)
    ]
    _emit(diagnoses, args.format, rt)
    return EXIT_OK


def batch(args: argparse.Namespace, rt: Runtime) -> int:
    settings = _options.settings(args)
    context = _options.analysis_context(args, settings)
    paths = find_logs(Path(args.directory))
    if not paths:
        raise LogError(f"{args.directory}: no .log, .txt or .zip files found")
    results: list[Diagnosis] = []
    errors: list[dict[str, str]] = []
    progress = rt.stderr.isatty()
    for index, path in enumerate(paths, 1):
        if progress:
            rt.stderr.write(f"\r[{index}/{len(paths)}] {path.name[:60]:<60}")
        try:
            results.extend(analyze_file(path, settings.ruleset, context))
        except LogError as exc:
            errors.append({"source": str(path), "error": str(exc)})
    if progress:
        rt.stderr.write("\r" + " " * 72 + "\r")
    _emit_batch(results, errors, args.format, rt)
    for error in errors:  # what could not be read is a problem with the input: stderr, exit 1
        rt.stderr.write(f"autorecover: skipped: {error['error']}\n")
    return EXIT_USER_ERROR if errors else EXIT_OK


def _emit_batch(
    results: list[Diagnosis], errors: list[dict[str, str]], fmt: str, rt: Runtime
) -> None:
    if fmt == "json":
        summary = {"total": len(results), **summary_counts(results), "errors": errors}
        payload = {"schema_version": SCHEMA_VERSION, "results": [d.to_dict() for d in results]}
        _dump({**payload, "summary": summary}, rt)
        return
    text = "\n".join(render_text(d) for d in results) + "\n" + render_summary_text(results)
    _write(text, rt)
