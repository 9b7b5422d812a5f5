"""Every command's `--format json` output against its published JSON Schema in
docs/schemas/ (written by scripts/gen_schemas.py)."""

from __future__ import annotations

import argparse
import json
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from autorecover.cli import build_parser
from autorecover.constants import SCHEMAS_DOC
from scripts import gen_schemas
from testing import ROOT
from testing.actionrun import ActionRun, failing_log
from testing.cli import run
from testing.fakegithub import FakeGitHub, JobSpec

SCHEMAS = ROOT / SCHEMAS_DOC
BLACK = ROOT / "examples" / "logs" / "black-check.log"
MISSING = ROOT / "examples" / "logs" / "pytest-missing-module.log"
PROJECT = ROOT / "examples" / "project"


def validate(name: str, document: Any) -> None:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)


def _zip(tmp: Path) -> Path:
    path = tmp / "logs.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(BLACK, "lint/1_black.txt")
        archive.write(MISSING, "test/1_pytest.txt")
    return path


def _batch_dir(tmp: Path) -> Path:
    directory = tmp / "batch"
    directory.mkdir()
    (directory / "a.log").write_bytes(BLACK.read_bytes())
    (directory / "b.zip").write_bytes(b"not a zip")  # reported under summary.errors
    return directory


def _no_match(tmp: Path) -> Path:
    path = tmp / "quiet.log"
    path.write_text("nothing went wrong here\n")
    return path


CASES = [
    pytest.param("analyze", lambda t: ["analyze", str(BLACK)], 0, id="analyze-one-job"),
    pytest.param("analyze", lambda t: ["analyze", str(_zip(t))], 0, id="analyze-zip-of-two"),
    pytest.param("batch", lambda t: ["batch", str(_batch_dir(t))], 1, id="batch-with-an-error"),
    pytest.param("rules-list", lambda t: ["rules", "list"], 0, id="rules-list"),
    pytest.param(
        "rules-show", lambda t: ["rules", "show", "black-would-reformat"], 0, id="rules-show"
    ),
    pytest.param("rules-test", lambda t: ["rules", "test", str(BLACK)], 0, id="rules-test"),
    pytest.param(
        "rules-test", lambda t: ["rules", "test", str(_no_match(t))], 1, id="rules-test-no-match"
    ),
    pytest.param("recover", lambda t: ["recover", str(BLACK), "-C", str(PROJECT)], 0, id="recover"),
]


@pytest.mark.parametrize(("name", "argv", "code"), CASES)
def test_json_output_matches_its_schema(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, argv: Any, code: int
) -> None:
    got, out, _ = run(capsys, *argv(tmp_path), "--format", "json")
    assert got == code
    validate(name, json.loads(out))


def test_stats_of_real_reports_match_the_schema(
    capsys: pytest.CaptureFixture[str], fake_github: FakeGitHub, tmp_path: Path
) -> None:
    action = ActionRun(fake_github, tmp_path)
    action.inputs["dry-run"] = "true"
    log = failing_log("E   ModuleNotFoundError: No module named 'yaml'")
    created = fake_github.add_run(jobs=[JobSpec("test", log=log)])
    result = action.subprocess(fake_github.workflow_run_event(created.id))
    assert result.code == 0 and result.report is not None
    code, out, _ = run(capsys, "stats", "--report-dir", str(tmp_path), "--format", "json")
    assert code == 0
    stats = json.loads(out)
    assert stats["fingerprints"], "the report's failure is counted"
    validate("stats", stats)


@pytest.mark.parametrize("dry_run", ["true", "false"], ids=["dry-run", "real"])
def test_the_action_s_report_matches_its_schema(
    fake_github: FakeGitHub, tmp_path: Path, dry_run: str
) -> None:
    """The report file of real `autorecover action` runs: a failure that opens an issue (its
    dry run carries the preview), then a skipped run (a success: no plan, no jobs)."""
    action = ActionRun(fake_github, tmp_path)
    action.inputs["dry-run"] = dry_run
    failed = fake_github.add_run(jobs=[JobSpec("deploy", log=failing_log("quota spent"))])
    result = action.subprocess(fake_github.workflow_run_event(failed.id))
    assert result.code == 0 and result.report is not None
    assert result.report["outcomes"]
    validate("action-report", result.report)
    passed = fake_github.add_run(conclusion="success", jobs=[JobSpec("deploy", log=b"ok\n")])
    skipped = action.subprocess(fake_github.workflow_run_event(passed.id))
    assert skipped.code == 0 and skipped.report is not None
    validate("action-report", skipped.report)


def test_a_field_the_schema_does_not_name_fails_validation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The schemas are closed, so output growing a field cannot go unpublished."""
    _, out, _ = run(capsys, "rules", "show", "black-would-reformat", "--format", "json")
    rule = json.loads(out)
    validate("rules-show", rule)
    with pytest.raises(jsonschema.ValidationError, match="surprise"):
        validate("rules-show", {**rule, "surprise": 1})


def test_analyze_json_keeps_every_field_of_schema_version_1() -> None:
    """`analyze --format json` only ever gains fields (README's list is the contract)."""
    required = set(gen_schemas.DIAGNOSIS["required"])
    assert {
        "schema_version", "source", "category", "severity", "confidence", "auto_fixable",
        "action", "fixes", "failing_step", "fingerprint", "title", "explanation", "evidence",
        "findings",
    } <= required  # fmt: skip


def _json_commands() -> list[str]:
    names = []
    pages: list[tuple[str, argparse.ArgumentParser]] = [("", build_parser())]
    while pages:
        prefix, parser = pages.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                pages += [(f"{prefix}{n} ", sub) for n, sub in action.choices.items()]
            elif "--format" in action.option_strings and "json" in (action.choices or ()):
                names.append(prefix.strip().replace(" ", "-"))
    return sorted(names)


def test_every_command_with_json_output_has_a_schema() -> None:
    """Every `--format json`, and the action's report file."""
    assert sorted([*_json_commands(), "action-report"]) == sorted(gen_schemas.SCHEMAS)
    assert sorted(path.stem for path in SCHEMAS.glob("*.json")) == sorted(gen_schemas.SCHEMAS)


@pytest.mark.parametrize("name", sorted(gen_schemas.SCHEMAS))
def test_published_schemas_are_current_and_valid(name: str) -> None:
    text = (SCHEMAS / f"{name}.json").read_text(encoding="utf-8")
    assert text == gen_schemas.render(name), "run python scripts/gen_schemas.py"
    jsonschema.Draft202012Validator.check_schema(json.loads(text))


def test_every_case_has_a_command() -> None:
    assert {case.values[0] for case in CASES} | {"stats", "action-report"} == set(
        gen_schemas.SCHEMAS
    )
