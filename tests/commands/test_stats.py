"""Configuration (validation, filters, templates from the default branch), the generated
reference page, the ledger's pure updates, and `autorecover stats` / `config check`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autorecover.cli import main
from autorecover.core import ledger as ledgerlib
from autorecover.core.stats import ledger_from_reports
from testing.actionrun import ActionRun
from testing.fakegithub import FakeGitHub


@pytest.fixture
def action(fake_github: FakeGitHub, tmp_path: Path) -> ActionRun:
    return ActionRun(fake_github, tmp_path)


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
