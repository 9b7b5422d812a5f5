"""Configuration (validation, filters, templates from the default branch), the generated
reference page, the ledger's pure updates, and `autorecover stats` / `config check`."""

from __future__ import annotations

import pytest

from autorecover.core.config import load_config_text, parse_config
from autorecover.errors import ConfigError
from scripts.gen_reference import render
from testing import ROOT


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
        load_config_text(text, ".github/autorecover.yml")


def test_config_defaults() -> None:
    settings = parse_config({})
    assert settings.enabled and settings.rerun.max == 2 and settings.issues.cooldown_days == 7
    assert settings.pull_requests.max_open == 5 and settings.issues.labels == ["autorecover"]


def test_reference_page_is_current() -> None:
    """docs/reference.md is generated from the code; regenerate it after a change with
    `python scripts/gen_reference.py > docs/reference.md`."""
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
