"""`autorecover analyze FILE...` and `autorecover batch DIR`: diagnose job logs on disk."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from autorecover.adapters.logfiles import analyze_file, find_logs
from autorecover.commands import _options
from autorecover.commands._format import (
    render_markdown,
    render_summary_text,
    render_text,
    summary_counts,
)
from autorecover.commands._runtime import Runtime
from autorecover.core.models import Diagnosis
from autorecover.errors import EXIT_OK, LogError


def _emit(diagnoses: Sequence[Diagnosis], fmt: str, rt: Runtime) -> None:
    out = rt.stdout
    if fmt == "json":
        data: Any = [d.to_dict() for d in diagnoses]
        json.dump(data[0] if len(data) == 1 else data, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    color = fmt == "text" and out.isatty() and "NO_COLOR" not in rt.environ
    if fmt == "markdown":
        out.write("\n".join(render_markdown(d) for d in diagnoses))
    else:
        out.write("\n".join(render_text(d, color) for d in diagnoses))


def analyze(args: argparse.Namespace, rt: Runtime) -> int:
    settings = _options.settings(args)
    context = _options.analysis_context(args, settings)
    diagnoses = [
        d for path in args.files for d in analyze_file(Path(path), settings.ruleset, context)
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
    _emit_batch(results, errors, args.format, rt.stdout)
    return EXIT_OK


def _emit_batch(
    results: list[Diagnosis], errors: list[dict[str, str]], fmt: str, out: TextIO
) -> None:
    if fmt == "json":
        summary = {"total": len(results), **summary_counts(results), "errors": errors}
        payload = {"results": [d.to_dict() for d in results], "summary": summary}
        json.dump(payload, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    out.write("\n".join(render_text(d) for d in results))
    out.write("\n" + render_summary_text(results))
    for error in errors:
        out.write(f"  skipped: {error['error']}\n")
