"""The corpus of real CI logs under tests/data/logs/ and its expected results.

Each `cases-*.yaml` table lists files with their expected category and action (see
tests/data/logs/README.md). Shared by tests/test_corpus.py and benchmarks/accuracy.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from autorecover.core.analysis.diagnose import AnalysisContext, analyze_job
from autorecover.core.analysis.sources import iter_jobs
from autorecover.core.models import Diagnosis
from autorecover.core.rules.loader import RuleSet
from testing import DATA

LOGS = DATA / "logs"


@dataclass(frozen=True)
class Expected:
    category: str | None
    action: str | None
    fixes: tuple[str, ...] | None = None
    failing_step: str | None = None
    job: str | None = None
    annotations: tuple[str, ...] | None = None  # per job, in a multi-job archive


@dataclass(frozen=True)
class Case:
    id: str
    path: Path
    annotations: tuple[str, ...]
    expected: tuple[Expected, ...]
    no_findings: bool = False
    repository: str | None = None
    source: str = ""
    known_miss: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def _expected(entry: dict[str, Any]) -> Expected:
    fixes = entry.get("fixes")
    return Expected(
        category=entry.get("category"),
        action=entry.get("action"),
        fixes=tuple(fixes) if fixes is not None and entry.get("action") == "fix_pr" else None,
        failing_step=entry.get("failing_step"),
        job=entry.get("job"),
        annotations=tuple(entry["annotations"]) if "annotations" in entry else None,
    )


def load_cases() -> list[Case]:
    cases: list[Case] = []
    for table in sorted(LOGS.glob("cases-*.yaml")):
        for entry in yaml.safe_load(table.read_text(encoding="utf-8")) or []:
            path = LOGS / entry["file"]
            expected = (
                tuple(_expected(job) for job in entry["jobs"])
                if "jobs" in entry
                else ((_expected(entry),) if not entry.get("expect_no_findings") else ())
            )
            cases.append(
                Case(
                    id=entry["file"],
                    path=path,
                    annotations=tuple(entry.get("annotations") or ()),
                    expected=expected,
                    no_findings=bool(entry.get("expect_no_findings")),
                    repository=entry.get("repository"),
                    source=str(entry.get("source", "")),
                    known_miss=entry.get("known_miss"),
                    raw=entry,
                )
            )
    return cases


def diagnose_case(case: Case, ruleset: RuleSet) -> list[tuple[Expected | None, Diagnosis]]:
    """Analyse each job of the case's file with its own annotations; pair each diagnosis
    with what the table expects of it (None for jobs the table does not list)."""
    by_job = {expected.job: expected for expected in case.expected if expected.job}
    results: list[tuple[Expected | None, Diagnosis]] = []
    with case.path.open("rb") as stream:
        for job in iter_jobs(stream, str(case.path)):
            expected = by_job.get(job.name) if by_job else (case.expected[:1] or [None])[0]
            annotations = case.annotations
            if expected is not None and expected.annotations is not None and by_job:
                annotations = expected.annotations
            context = AnalysisContext(annotations=annotations, repository=case.repository)
            source = str(case.path) if job.name == str(case.path) else f"{case.path}:{job.name}"
            results.append((expected, analyze_job(job.blocks, source, ruleset, context)))
    return results


# -- the world corpus: real failure text from public sources, split by source ------------

WORLD = LOGS / "world"
SIDES = ("train", "heldout")


@dataclass(frozen=True)
class WorldCase:
    id: str
    side: str  # train | heldout
    path: Path  # the built log
    source: str
    category: str
    action: str
    fixes: tuple[str, ...]
    conclusion: str
    annotations: tuple[str, ...]
    explaining: tuple[int, ...]  # 1-based lines of the log a person marked


def load_world(sides: tuple[str, ...] = SIDES) -> list[WorldCase]:
    """The built world corpus (scripts/build_world_corpus.py). Rule writers load only
    `("train",)`; benchmarks/accuracy.py reports both sides apart."""
    from scripts.build_world_corpus import render

    cases: list[WorldCase] = []
    for side in sides:
        for path in sorted((WORLD / side).glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            _, explaining = render(data)
            cases.append(
                WorldCase(
                    id=path.stem,
                    side=side,
                    path=path.with_suffix(".log"),
                    source=str(data["source"]),
                    category=str(data["category"]),
                    action=str(data["action"]),
                    fixes=tuple(data.get("fixes") or ()),
                    conclusion=str(data.get("conclusion") or "failure"),
                    annotations=tuple(data.get("annotations") or ()),
                    explaining=tuple(explaining),
                )
            )
    return cases


def diagnose_world(case: WorldCase, ruleset: RuleSet) -> Diagnosis:
    context = AnalysisContext(annotations=case.annotations, conclusion=case.conclusion)
    with case.path.open("rb") as stream:
        job = next(iter_jobs(stream, str(case.path)))
        return analyze_job(job.blocks, str(case.path), ruleset, context)
