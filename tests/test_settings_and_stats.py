"""Configuration (validation, filters, templates from the default branch), the generated
reference page, the ledger's pure updates, and `autorecover stats` / `config check`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from actionrun import ActionRun, failing_log
from autorecover import ledger as ledgerlib
from autorecover.cli import main
from autorecover.config import load_settings_text, parse_settings
from autorecover.docgen import render
from autorecover.errors import ConfigError
from autorecover.stats import compute, ledger_from_reports
from fakegithub import FakeGitHub, JobSpec

ROOT = Path(__file__).resolve().parents[1]
UNKNOWN = failing_log("deploy aborted: quota spent", step="Run ./deploy.sh")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "rerun:\n  max: -1\n",
            "rerun.max: Input should be greater than or equal to 0",
            id="range",
        ),
        pytest.param(
            "rerun:\n  maxx: 1\n",
            "unknown key 'rerun.maxx'; did you mean 'max'",
            id="nested-unknown",
        ),
        pytest.param("actions:\n  networking: issue\n", "actions.networking", id="bad-category"),
        pytest.param(
            "actions:\n  network_error: retry\n", "actions.network_error", id="bad-action"
        ),
        pytest.param("issues:\n  labels: autorecover\n", "issues.labels", id="type"),
        pytest.param("[1, 2]\n", "expected a mapping", id="not-a-mapping"),
        pytest.param(
            "branches: ['']\n",
            "branches: Value error, entries must not be empty",
            id="blank-branch",
        ),
    ],
)
def test_config_errors_name_the_key_path(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings_text(text, ".github/autorecover.yml")


def test_config_defaults() -> None:
    settings = parse_settings({})
    assert settings.enabled and settings.rerun.max == 2 and settings.issues.cooldown_days == 7
    assert settings.pull_requests.max_open == 5 and settings.issues.labels == ["autorecover"]


def test_reference_page_is_current() -> None:
    """docs/reference.md is generated from the code; regenerate it after a change with
    `python -m autorecover.docgen > docs/reference.md`."""
    assert (ROOT / "docs" / "reference.md").read_text(encoding="utf-8") == render()


def test_reference_lists_every_key_and_rule() -> None:
    page = render()
    for key in (
        "rerun.circuit_breaker.min_success_rate",
        "pull_requests.max_open",
        "templates.directory",
    ):
        assert f"`{key}`" in page
    assert "`python-module-not-found`" in page


def test_config_check_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yml"
    good.write_text("rules:\n  disable: [python-module-not-found]\nenabled: true\n")
    assert main(["config", "check", str(good)]) == 0
    assert "valid" in capsys.readouterr().out
    bad = tmp_path / "bad.yml"
    bad.write_text("rules:\n  disable: [no-such-rule]\n")
    assert main(["config", "check", str(bad)]) == 1
    assert "no rule 'no-such-rule'" in capsys.readouterr().err


# ---------------------------------------------------------------------------- ledger


def test_ledger_updates_apply_once_per_run() -> None:
    occurrence = ledgerlib.Occurrence(
        "fp1", "network_error", "pip-read-timeout", "t", 7, "2026-01-01T00:00:00Z"
    )
    ledger = ledgerlib.apply_once(ledgerlib.empty(), "7:1", [ledgerlib.occurred(occurrence)])
    again = ledgerlib.apply_once(ledger, "7:1", [ledgerlib.occurred(occurrence)])
    assert again["fingerprints"]["fp1"]["occurrences"] == 1


def test_recovery_time_and_rates() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    ledger = ledgerlib.empty()
    ledger = ledgerlib.apply_once(
        ledger, "1:1", [ledgerlib.rerun_requested(1, 1, ["fp"], ledgerlib.now_iso(start))]
    )
    ledger = ledgerlib.apply_once(
        ledger,
        "1:2",
        [ledgerlib.attempt_finished(1, 2, True, ledgerlib.now_iso(start + timedelta(minutes=6)))],
    )
    stats = compute(ledger, start)
    (entry,) = stats["fingerprints"]
    assert (entry["reruns"], entry["recoveries"], entry["mean_seconds_to_recovery"]) == (1, 1, 360)
    assert stats["totals"]["rerun_success"] == 1.0


def test_damaged_ledger_starts_fresh() -> None:
    assert ledgerlib.loads("{not json")["fingerprints"] == {}
    assert ledgerlib.loads(json.dumps({"schema_version": 99}))["fingerprints"] == {}


def test_stats_from_reports_and_ledger(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    job = {
        "id": 1,
        "diagnosis": {
            "fingerprint": "abc",
            "category": "network_error",
            "rule": "r",
            "title": "T",
            "action": "rerun",
        },
    }
    base: dict[str, Any] = {
        "jobs": [job],
        "outcomes": [{"action": "rerun", "status": "done", "jobs": [1]}],
    }
    (reports / "a.json").write_text(
        json.dumps({**base, "run": {"id": 5, "attempt": 1, "conclusion": "failure"}})
    )
    (reports / "b.json").write_text(
        json.dumps(
            {"jobs": [], "outcomes": [], "run": {"id": 5, "attempt": 2, "conclusion": "success"}}
        )
    )
    assert main(["stats", "--report-dir", str(reports), "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["totals"]["reruns"] == 1 and stats["totals"]["recoveries"] == 1
    ledger_file = tmp_path / "ledger.json"
    ledger_file.write_text(
        ledgerlib.dumps(
            ledger_from_reports(
                [json.loads((reports / n).read_text()) for n in ("a.json", "b.json")]
            )
        )
    )
    assert main(["stats", "--ledger", str(ledger_file)]) == 0
    assert "reruns                1 (1 recovered, 100%)" in capsys.readouterr().out


def test_stats_needs_a_source(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["stats"]) == 1 and "--report-dir" in capsys.readouterr().err
    assert main(["stats", "--report-dir", str(tmp_path)]) == 1
    assert "no autorecover JSON reports" in capsys.readouterr().err


# ---------------------------------------------------------------------------- action settings


@pytest.fixture
def action(fake_github: FakeGitHub, tmp_path: Path) -> ActionRun:
    return ActionRun(fake_github, tmp_path)


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        pytest.param("workflows: [Release]\n", "not in `workflows:`", id="workflow-filter"),
        pytest.param(
            "branches: ['release/*']\n", "matches none of `branches:`", id="branch-filter"
        ),
    ],
)
def test_filters_skip_runs(
    action: ActionRun, fake_github: FakeGitHub, config: str, reason: str
) -> None:
    fake_github.put_file(".github/autorecover.yml", config)
    run = fake_github.add_run(jobs=[JobSpec("build", log=UNKNOWN)], head_branch="main")
    result = action.subprocess(fake_github.workflow_run_event(run.id))
    assert result.outputs["result"] == "skipped" and reason in result.report["skip_reason"]
    assert fake_github.write_calls() == []


def test_user_templates_come_from_the_default_branch(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.put_file(
        ".github/autorecover.yml", "templates:\n  directory: .github/autorecover\n"
    )
    fake_github.put_file(
        ".github/autorecover/issue_body.md.j2",
        "{{ marker }}\nCustom report for {{ primary.title | md }}\n",
    )
    run = fake_github.add_run(jobs=[JobSpec("build", log=UNKNOWN)])
    action.subprocess(fake_github.workflow_run_event(run.id))
    (issue,) = [i for i in fake_github.issues if "dashboard" not in (i.body or "")]
    assert (
        issue.body.startswith("<!-- autorecover:fingerprint=") and "Custom report for" in issue.body
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        pytest.param(
            "{{ marker }}{{ '{0.__class__.__mro__}'|attr('format')(1) }}",
            "sandbox",
            id="sandbox-t12",
        ),
        pytest.param(
            "{{ marker }}{{ cycler.__init__.__globals__ }}",
            "template 'issue_body.md.j2' failed",
            id="globals-t12",
        ),
        pytest.param("{{ marker }}{{ no_such_variable }}", "no_such_variable", id="undefined-t13"),
    ],
)
def test_failing_user_template_falls_back_t12_t13(
    action: ActionRun, fake_github: FakeGitHub, template: str, message: str
) -> None:
    fake_github.put_file(
        ".github/autorecover.yml", "templates:\n  directory: .github/autorecover\n"
    )
    fake_github.put_file(".github/autorecover/issue_body.md.j2", template)
    run = fake_github.add_run(jobs=[JobSpec("build", log=UNKNOWN)])
    result = action.subprocess(fake_github.workflow_run_event(run.id))
    (issue,) = [i for i in fake_github.issues if "dashboard" not in (i.body or "")]
    assert "### What to do" in issue.body  # the built-in template, whole
    assert any(message in note for note in result.report["notes"]), result.report["notes"]


def test_templates_in_the_failing_commit_are_ignored_t14(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.create_branch("feature", from_ref="main")
    fake_github.commit_files(
        {".github/autorecover/issue_body.md.j2": "PWNED {{ marker }}"}, branch="feature"
    )
    fake_github.commit_files(
        {".github/autorecover.yml": "templates:\n  directory: .github/autorecover\n"},
        branch="feature",
    )
    run = fake_github.add_run(jobs=[JobSpec("build", log=UNKNOWN)], head_branch="feature")
    action.subprocess(fake_github.workflow_run_event(run.id))
    (issue,) = [i for i in fake_github.issues if "dashboard" not in (i.body or "")]
    assert "PWNED" not in issue.body
