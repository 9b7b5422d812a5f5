"""Configuration (validation, filters, templates from the default branch), the generated
reference page, the ledger's pure updates, and `autorecover stats` / `config check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from autorecover.cli import main


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
