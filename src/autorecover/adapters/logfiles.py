"""Local log files -> diagnoses, for `autorecover analyze`, `batch` and `rules test`.

The adapter between paths on disk and the pure analyzer: it opens files, turns
filesystem problems into one-line `LogError`s, and names each job by file (and job, for
containers holding several).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from autorecover.core.analysis.diagnose import AnalysisContext, analyze_job
from autorecover.core.analysis.sources import iter_jobs, sniff
from autorecover.core.models import Diagnosis
from autorecover.core.rules.loader import RuleSet
from autorecover.errors import LogError

LOG_SUFFIXES = (".log", ".txt", ".zip")


def check_file(path: Path) -> None:
    if not path.exists():
        raise LogError(f"{path}: no such file")
    if path.is_dir():
        raise LogError(f"{path}: is a directory; give a log file, or use `autorecover batch DIR`")
    if not path.is_file():
        raise LogError(f"{path}: not a regular file")


STDIN = "-"


def analyze_file(
    path: Path, ruleset: RuleSet, context: AnalysisContext, stdin: IO[bytes] | None = None
) -> list[Diagnosis]:
    """One diagnosis per job in the file (a zip or a gh paste may hold several); `-` reads
    standard input (`gh run view --log-failed | autorecover analyze -`)."""
    if str(path) == STDIN and stdin is not None:
        jobs = list(_diagnose_jobs(stdin, Path("<stdin>"), ruleset, context))
    else:
        check_file(path)
        try:
            with path.open("rb") as stream:
                _check_suffix(path, stream)
                jobs = list(_diagnose_jobs(stream, path, ruleset, context))
        except PermissionError as exc:
            raise LogError(f"{path}: cannot be read ({exc.strerror})") from None
    if not jobs:
        raise LogError(f"{path}: holds no job log")
    return jobs


def _check_suffix(path: Path, stream: IO[bytes]) -> None:
    """A `.zip` must be one: read as text it would be "No failure found"."""
    if path.suffix.lower() == ".zip":
        head = stream.read(4)
        stream.seek(0)
        if sniff(head) != "zip":
            raise LogError(f"{path}: is named .zip but is not a zip archive")


def _diagnose_jobs(
    stream: IO[bytes], path: Path, ruleset: RuleSet, context: AnalysisContext
) -> Iterator[Diagnosis]:
    # Jobs are analysed as they stream out of the container (each must be consumed
    # before the next is read); a plain log is one job named after the file.
    for job in iter_jobs(stream, str(path), context.limits):
        source = str(path) if job.name == str(path) else f"{path}:{job.name}"
        yield analyze_job(job.blocks, source, ruleset, context)


def find_logs(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise LogError(f"{directory}: not a directory")
    return sorted(
        path
        for path in directory.rglob("*")
        if path.suffix.lower() in LOG_SUFFIXES and path.is_file()
    )
