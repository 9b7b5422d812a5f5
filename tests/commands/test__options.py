"""The options local commands share resolve to the same Settings the action uses."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from autorecover.commands import _options
from autorecover.constants import DEFAULT_MIN_CONFIDENCE
from autorecover.errors import ConfigError, UserError


def args(**values: object) -> argparse.Namespace:
    return argparse.Namespace(**values)


def test_no_config_means_the_defaults() -> None:
    settings = _options.settings(args())
    assert settings.min_confidence == DEFAULT_MIN_CONFIDENCE


def test_a_given_config_must_exist(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="config file not found"):
        _options.settings(args(config=str(tmp_path / "missing.yml")))


def test_the_default_config_may_be_absent(tmp_path: Path) -> None:
    settings = _options.settings(args(), default_config=tmp_path / "autorecover.yml")
    assert settings.config.enabled


@pytest.mark.parametrize(
    ("flag", "config", "expected"),
    [(None, "min_confidence: 0.9\n", 0.9), (0.3, "min_confidence: 0.9\n", 0.3), (None, "", 0.7)],
)
def test_flag_beats_config_beats_default(
    tmp_path: Path, flag: float | None, config: str, expected: float
) -> None:
    path = tmp_path / "autorecover.yml"
    path.write_text(config)
    settings = _options.settings(args(config=str(path), min_confidence=flag))
    assert settings.min_confidence == expected
    context = _options.analysis_context(args(annotation=["timed out"]), settings, "o/r")
    assert context.min_confidence == expected and context.repository == "o/r"
    assert context.annotations == ("timed out",)


def test_config_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yml"
    path.write_text("enabeld: true\n")
    with pytest.raises(ConfigError, match=r"mine\.yml:1: unknown key 'enabeld'; did you mean"):
        _options.settings(args(config=str(path)))


def test_the_analysis_context_redacts() -> None:
    context = _options.analysis_context(args(), _options.settings(args()))
    token = "ghp_" + "A" * 36
    assert token not in context.redact(f"token {token}")
