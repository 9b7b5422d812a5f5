"""What value applies: one row per precedence rule of core/settings.py (flag, config file,
action input, default), and the resolved views the plan and the executors read."""

from __future__ import annotations

from typing import Any

import pytest

from autorecover.constants import (
    DEFAULT_BACKOFF_MAX_SECONDS,
    DEFAULT_BACKOFF_SECONDS,
    DEFAULT_LABEL,
    DEFAULT_MAX_RERUNS,
    DEFAULT_MIN_CONFIDENCE,
    FIXER_NAMES,
)
from autorecover.core.config import parse_config
from autorecover.core.models import Action, Category, Severity
from autorecover.core.settings import PRECEDENCE, Flags, Inputs, Settings


def resolve(config: dict[str, Any], inputs: dict[str, Any], flags: dict[str, Any]) -> Settings:
    return Settings.resolve(parse_config(config), Inputs(**inputs), Flags(**flags))


CASES = [
        # min_confidence: flag > config > input > default
        pytest.param("min_confidence", {}, {}, {}, DEFAULT_MIN_CONFIDENCE, id="mc-default"),
        pytest.param("min_confidence", {}, {"min_confidence": 0.5}, {}, 0.5, id="mc-input"),
        pytest.param(
            "min_confidence", {"min_confidence": 0.9}, {"min_confidence": 0.5}, {}, 0.9,
            id="mc-config-beats-input",
        ),
        pytest.param(
            "min_confidence", {"min_confidence": 0.9}, {}, {"min_confidence": 0.2}, 0.2,
            id="mc-flag-beats-config",
        ),
        pytest.param(
            "min_confidence", {"min_confidence": None}, {"min_confidence": 0.5}, {}, 0.5,
            id="mc-null-config-is-unset",
        ),
        # max_reruns: the smaller of input and config (the config's default counts)
        pytest.param("max_reruns", {}, {}, {}, DEFAULT_MAX_RERUNS, id="mr-default"),
        pytest.param("max_reruns", {}, {"max_reruns": 0}, {}, 0, id="mr-input-lower"),
        pytest.param(
            "max_reruns", {}, {"max_reruns": 5}, {}, DEFAULT_MAX_RERUNS,
            id="mr-input-higher-capped-by-config-default",
        ),
        pytest.param(
            "max_reruns", {"rerun": {"max": 4}}, {"max_reruns": 5}, {}, 4, id="mr-config-lower"
        ),
        pytest.param(
            "max_reruns", {"rerun": {"max": 4}}, {"max_reruns": 3}, {}, 3, id="mr-input-lower-2"
        ),
        # backoff: config > input > default, "set" meaning written in the file
        pytest.param("backoff_seconds", {}, {}, {}, DEFAULT_BACKOFF_SECONDS, id="bo-default"),
        pytest.param("backoff_seconds", {}, {"backoff_seconds": 5.0}, {}, 5.0, id="bo-input"),
        pytest.param(
            "backoff_seconds", {"rerun": {"backoff_seconds": 9}}, {"backoff_seconds": 5.0}, {},
            9.0, id="bo-config-beats-input",
        ),
        pytest.param(
            "backoff_seconds", {"rerun": {"max": 3}}, {"backoff_seconds": 5.0}, {}, 5.0,
            id="bo-config-section-without-the-key",
        ),
        pytest.param(
            "backoff_max_seconds", {}, {}, {}, DEFAULT_BACKOFF_MAX_SECONDS, id="bm-default"
        ),
        pytest.param(
            "backoff_max_seconds", {"rerun": {"backoff_max_seconds": 60}},
            {"backoff_max_seconds": 10.0}, {}, 60.0, id="bm-config-beats-input",
        ),
]  # fmt: skip


@pytest.mark.parametrize(("setting", "config", "inputs", "flags", "expected"), CASES)
def test_precedence(
    setting: str,
    config: dict[str, Any],
    inputs: dict[str, Any],
    flags: dict[str, Any],
    expected: float,
) -> None:
    assert getattr(resolve(config, inputs, flags), setting) == expected


def test_every_resolved_setting_has_a_row() -> None:
    """A setting added to PRECEDENCE without a case above is a rule nobody checked."""
    rows = {case.values[0] for case in CASES}
    assert {source.setting for source in PRECEDENCE} <= rows


def test_defaults_without_any_source() -> None:
    settings = Settings.resolve()
    assert settings.min_confidence == DEFAULT_MIN_CONFIDENCE
    assert settings.max_reruns == DEFAULT_MAX_RERUNS
    assert settings.enabled_fixers == frozenset(FIXER_NAMES)
    assert settings.label == DEFAULT_LABEL
    assert not settings.dry_run and not settings.allow_fork_reruns


def test_views_of_the_config_file() -> None:
    settings = resolve(
        {
            "actions": {"network_error": "issue"},
            "severity": {"linting_error": "high"},
            "fixers": {"enable": ["isort"], "versions": {"black": "24.10.0"}},
            "requirements": {"mapping": {"cv2": "opencv-python"}},
            "rerun": {"allow_forks": True, "circuit_breaker": {"min_attempts": 5}},
            "issues": {"labels": ["ci-bot", "other"]},
        },
        {"dry_run": True},
        {},
    )
    assert settings.actions == {Category.NETWORK_ERROR: Action.ISSUE}
    assert settings.severity == {Category.LINTING_ERROR: Severity.HIGH}
    assert settings.enabled_fixers == frozenset({"isort"})
    assert settings.fixer_versions == {"black": "24.10.0"}
    assert settings.module_overrides == {"cv2": "opencv-python"}
    assert settings.allow_fork_reruns and settings.breaker_min_attempts == 5
    assert settings.label == "ci-bot" and settings.dry_run
    assert settings.dashboard and not resolve({"dashboard": False}, {}, {}).dashboard


def test_an_empty_label_list_falls_back_to_the_default_label() -> None:
    assert resolve({"issues": {"labels": []}}, {}, {}).label == DEFAULT_LABEL


def test_unknown_fixer_is_rejected_naming_the_known_ones() -> None:
    from autorecover.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown fixer blak.*'black'"):
        parse_config({"fixers": {"enable": ["blak"]}})


@pytest.mark.parametrize("inputs", [{}, {"max_reruns": 5}, {"min_confidence": 0.3}])
def test_no_config_file_resolves_as_the_default_config(inputs: dict[str, Any]) -> None:
    """Without a file nothing is validated (no pydantic on `analyze`'s start-up), and every
    setting is what an empty file gives."""
    from autorecover.core.config import Config

    bare = Settings.resolve(None, Inputs(**inputs))
    empty = Settings.resolve(parse_config({}), Inputs(**inputs))
    for source in PRECEDENCE:
        assert getattr(bare, source.setting) == getattr(empty, source.setting), source
    assert bare.config == Config() and bare.file is None
    assert bare.module_overrides == empty.module_overrides == {}
    assert [r.id for r in bare.ruleset.rules] == [r.id for r in empty.ruleset.rules]
    assert bare.ruleset is bare.ruleset  # one matcher per run, compiled once
