"""Configuration (validation, filters, templates from the default branch), the generated
reference page, the ledger's pure updates, and `autorecover stats` / `config check`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scripts.gen_reference import render

from autorecover.cli import main
from autorecover.core import ledger as ledgerlib
from autorecover.core.config import load_config_text, parse_config
from autorecover.core.stats import compute, ledger_from_reports
from autorecover.errors import ConfigError
from testing import ROOT
from testing.actionrun import ActionRun, failing_log
from testing.fakegithub import FakeGitHub, JobSpec

UNKNOWN = failing_log("deploy aborted: quota spent", step="Run ./deploy.sh")


@pytest.fixture
def action(fake_github: FakeGitHub, tmp_path: Path) -> ActionRun:
    return ActionRun(fake_github, tmp_path)


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
