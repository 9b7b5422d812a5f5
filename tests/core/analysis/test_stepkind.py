"""The category a failing step's command suggests when no rule explains the failure."""

from __future__ import annotations

import pytest

from autorecover.constants import DEFAULT_MIN_CONFIDENCE
from autorecover.core.analysis.diagnose import analyze_text
from autorecover.core.analysis.stepkind import HINT_CONFIDENCE, hint
from autorecover.core.models import Action, Category


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("Run mypy src/subscript", (Category.TYPE_ERROR, "mypy")),
        ("Run .venv/bin/mypy deadcode", (Category.TYPE_ERROR, "mypy")),
        ("Run poetry run flake8 pybotics tests", (Category.LINTING_ERROR, "flake8")),
        ("Run pre-commit run --all-files", (Category.LINTING_ERROR, "pre-commit")),
        ("Run tox -e lint", (Category.LINTING_ERROR, "tox -e lint")),
        ("Run python -m pytest test/unit", (Category.TEST_FAILURE, "pytest")),
        ("Run make test-race", (Category.TEST_FAILURE, "make test-race")),
        ("Run go test -race ./...", (Category.TEST_FAILURE, "go test")),
        (
            "Run mvn org.owasp:dependency-check-maven:check",
            (Category.SECURITY_SCAN, "dependency-check-maven"),
        ),
        ("Run gitleaks/gitleaks-action@v2", (Category.SECURITY_SCAN, "gitleaks-action")),
        ("Run aquasecurity/trivy-action@master", (Category.SECURITY_SCAN, "trivy-action")),
        ("Run git push origin HEAD:main --force", (Category.PERMISSION_ERROR, "git push")),
        ("Run codecov/codecov-action@v5", (Category.CONFIGURATION_ERROR, "codecov/codecov-action")),
        (
            "Run python3 -m pip install -r requirements.txt",
            (Category.DEPENDENCY_ISSUE, "python3 -m pip install"),
        ),
        ("Run docker/build-push-action@v6", (Category.BUILD_ERROR, "docker/build-push-action")),
        ("Run mvn -B clean install -Dfull", (Category.BUILD_ERROR, "mvn")),
        ("Run make build", (Category.BUILD_ERROR, "make")),
    ],
)
def test_a_tool_in_the_command_names_a_category(step: str, expected: tuple[Category, str]) -> None:
    assert hint(step) == expected


@pytest.mark.parametrize(
    "step",
    [
        None,
        "Set up job",  # not a step the user wrote
        "Run actions/checkout@v4",
        "Run echo done",
        # A URL that names a tool is not the tool running.
        'Run curl -sSfL "https://github.com/google/osv-scanner/releases/download/v1/x"',
        "Run ./scripts/blacklist-check",  # "black" inside another word
        "Run makefile-gen",
    ],
)
def test_no_hint_without_a_known_tool(step: str | None) -> None:
    assert hint(step) is None


UNRECOGNISED = """\
##[group]Run mypy src
mypy src
shell: /usr/bin/bash -e {0}
##[endgroup]
Segmentation fault (core dumped)
##[error]Process completed with exit code 139.
"""


def test_an_unrecognised_failure_takes_the_steps_category_as_a_guess() -> None:
    diagnosis = analyze_text(UNRECOGNISED)
    assert diagnosis.rule is None
    assert diagnosis.category is Category.TYPE_ERROR
    assert diagnosis.confidence == HINT_CONFIDENCE < DEFAULT_MIN_CONFIDENCE
    # A guess is never acted on: a person looks.
    assert diagnosis.action is Action.ISSUE and diagnosis.fixes == ()
    assert "the step runs mypy, so most likely a type_error" in diagnosis.reason
    assert "a guess from the command" in diagnosis.explanation


def test_the_guess_does_not_change_the_fingerprint() -> None:
    """The identity of an unrecognised failure is its last lines, whatever the step runs:
    an issue opened before the hint existed keeps matching."""
    other = UNRECOGNISED.replace("Run mypy src\nmypy src", "Run ./check.sh\n./check.sh")
    assert analyze_text(other).category is Category.UNKNOWN
    assert analyze_text(other).fingerprint == analyze_text(UNRECOGNISED).fingerprint


def test_raw_text_has_no_step_to_read() -> None:
    raw = (
        "mypy src\nSegmentation fault (core dumped)\nError: Process completed with exit code 139.\n"
    )
    assert analyze_text(raw).category is Category.UNKNOWN
