"""Configuration (validation, filters, templates from the default branch), the generated
reference page, the ledger's pure updates, and `autorecover stats` / `config check`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

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


# -- errors name the file that was given and the line -------------------------------------

RULE = """\
min_confidence: 0.8
rules:
  add:
    - id: deploy-quota
      category: network_error
      severity: medium
      title: Deploy quota
      patterns:
        - quota exceeded
      explanation: e
      remediation: r
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(RULE.replace("quota exceeded\n", "quota exceeded\n        - '(a)\\1'\n"),
                     "ci/mine.yml:10: rules.add[0]: rule 'deploy-quota', field "
                     "'patterns[1]'", id="one-pattern"),
        pytest.param(RULE.replace("network_error", "networking"), "ci/mine.yml:5: rules.add[0]: "
                     "rule 'deploy-quota', field 'category'", id="rule-field"),
        pytest.param(RULE.replace("      title: Deploy quota\n", ""), "ci/mine.yml:4: rules.add[0]"
                     ": rule 'deploy-quota': missing required field 'title'", id="missing-field"),
        pytest.param("rules:\n  override:\n    - id: pytest-failed-test\n      severty: high\n",
                     "ci/mine.yml:4: rules.override[0]: rule 'pytest-failed-test': unknown field "
                     "'severty'", id="override-field"),
        pytest.param("rules:\n  override:\n    - id: no-such-rule\n", "ci/mine.yml:3: rules."
                     "override[0]: no built-in rule 'no-such-rule'", id="override-id"),
        pytest.param("rules:\n  disable:\n    - pytest-failed-test\n    - nope\n",
                     "ci/mine.yml:4: rules.disable: no rule 'nope'", id="disable"),
        pytest.param("enabled: true\n\nrerun:\n  max: -1\n", "ci/mine.yml:4: rerun.max: Input",
                     id="settings-key"),
        pytest.param("min_confidence: 2\n", "ci/mine.yml:1: min_confidence: Input should be "
                     "less than or equal to 1", id="confidence-bound"),
    ],
)  # fmt: skip
def test_config_errors_name_the_file_given_and_the_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load_config_text(text, "ci/mine.yml")
    assert str(exc.value).startswith(message), str(exc.value)
    assert ".github/autorecover.yml" not in str(exc.value)


def test_rules_from_a_file_name_it_as_their_origin() -> None:
    config = load_config_text(RULE, "ci/mine.yml")
    rule = config.ruleset.get("deploy-quota")
    assert rule is not None and rule.origin == "ci/mine.yml"


def test_the_confidence_bound_is_the_cli_flags(capsys: pytest.CaptureFixture[str]) -> None:
    """One range for the flag and the key: what one rejects, the other rejects too."""
    from autorecover.cli import main

    for value in ("1.5", "-0.1"):
        with pytest.raises(ConfigError):
            load_config_text(f"min_confidence: {value}\n")
        with pytest.raises(SystemExit):
            main(["analyze", "-", "--min-confidence", value])
        assert "is not between 0 and 1" in capsys.readouterr().err
    for value in ("0", "1", "0.5"):
        assert load_config_text(f"min_confidence: {value}\n").min_confidence == float(value)


# -- every YAML example in the documentation is a valid configuration ---------------------

_FENCE_RE = re.compile(r"^```ya?ml\n(.*?)^```", re.MULTILINE | re.DOTALL)
_NOT_CONFIG = ("on:", "jobs:", "steps:", "uses:", "with:", "- name:", "updates:", "permissions:")


def _config_examples() -> list[Any]:
    found = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        for number, match in enumerate(_FENCE_RE.finditer(page.read_text(encoding="utf-8"))):
            text = match.group(1)
            if any(line.lstrip().startswith(_NOT_CONFIG) for line in text.splitlines()):
                continue  # a workflow, or a workflow snippet, not an autorecover.yml
            found.append(pytest.param(page, text, id=f"{page.name}#{number + 1}"))
    return found


@pytest.mark.parametrize(("page", "text"), _config_examples())
def test_every_yaml_example_in_the_docs_passes_config_check(
    tmp_path: Path, page: Path, text: str
) -> None:
    path = tmp_path / "autorecover.yml"
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "autorecover", "config", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, f"{page.name}:\n{text}\n{proc.stderr}"


def test_the_docs_have_config_examples() -> None:
    pages = {param.values[0].name for param in _config_examples()}
    assert {"writing-rules.md", "action.md"} <= pages
