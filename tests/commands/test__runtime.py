"""Commands run with the Runtime the CLI gives them: its environment, its streams and its
sleep, so a test (or an embedding program) gives its own instead of the process's."""

from __future__ import annotations

import io
import json
from pathlib import Path

from autorecover.cli import main
from testing import ROOT

LOG = ROOT / "examples" / "logs" / "black-check.log"


def test_stdout_and_environment_come_from_the_runtime() -> None:
    out = io.StringIO()
    assert main(["analyze", str(LOG), "--format", "json"], environ={}, stdout=out) == 0
    assert json.loads(out.getvalue())["category"] == "linting_error"


def test_the_action_reads_the_given_environment_not_the_process_s(tmp_path: Path) -> None:
    out = io.StringIO()
    slept: list[float] = []
    environ = {"INPUT_GITHUB-TOKEN": "", "RUNNER_TEMP": str(tmp_path)}
    code = main(["action"], environ=environ, stdout=out, sleep=slept.append)
    assert code == 1 and "the github-token input is empty" in out.getvalue()
    assert slept == []
    assert json.loads((tmp_path / "autorecover-report.json").read_text())["result"] == "failed"
