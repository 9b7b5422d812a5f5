"""Policy: ranking findings (failing step first, root cause over consequence), confidence,
the fixes that would make the failing step pass, and the default action.

Rules here are a small knowledge base of the tests' own, parsed by the real `parse_rule`;
modules are resolved by the real `modulemap.resolve`.
"""

from __future__ import annotations

from typing import Any

import pytest

from autorecover.core.analysis import modulemap
from autorecover.core.analysis.diagnose import AnalysisContext, analyze_text
from autorecover.core.analysis.propose import (
    OWN_PACKAGE_RULE,
    Ranked,
    band,
    confidence,
    in_failing_step,
    propose_action,
    propose_fixes,
    rank_key,
    retarget,
)
from autorecover.core.analysis.scan import Record
from autorecover.core.analysis.steps import Step
from autorecover.core.models import Action, Category, Fix
from autorecover.core.rules.loader import RuleSet
from autorecover.core.rules.schema import Rule, parse_rule

REPOSITORY = "octo/widgets"


def make_rule(rule_id: str, **fields: Any) -> Rule:
    data: dict[str, Any] = {
        "id": rule_id,
        "category": "build_error",
        "severity": "medium",
        "title": rule_id,
        "patterns": [f"^{rule_id} happened"],
        "explanation": "e",
        "remediation": "r",
    }
    data.update(fields)
    return parse_rule({key: value for key, value in data.items() if value is not None})


RULES = {
    rule.id: rule
    for rule in (
        make_rule(
            "module-missing",
            category="dependency_issue",
            title="Module '{module}' missing",
            patterns=["No module named '(?P<module>[\\w.]+)'"],
            priority=75,
            confidence=0.9,
            fix={"fixer": "add-requirement", "params": {"module": "{module}"}},
        ),
        make_rule(
            OWN_PACKAGE_RULE,
            category="configuration_error",
            severity="high",
            title="Own package '{module}'",
            patterns=None,
            derived=True,
            priority=75,
        ),
        make_rule("conftest-wrapper", category="test_failure", severity="high", priority=30),
        make_rule("pytest-failed", category="test_failure", severity="high", priority=50),
        make_rule("disk-full", category="resource_exhaustion", severity="high", priority=93),
        make_rule("mypy", category="type_error", severity="medium", priority=50),
        make_rule("job-timeout", category="timeout", priority=95, transient=True),
        make_rule("fail-fast", category="unknown", severity="low", priority=99, actionable=False),
        make_rule("generic-exit", category="unknown", severity="critical", priority=10),
        make_rule(
            "black",
            category="linting_error",
            severity="low",
            priority=60,
            patterns=["^would reformat (?P<path>.+)$"],
            fix="black",
        ),
        make_rule("isort", category="linting_error", severity="low", priority=60, fix="isort"),
        make_rule("flake8", category="linting_error", severity="low", priority=50),
        make_rule(
            "ruff-found",
            category="linting_error",
            severity="low",
            priority=55,
            patterns=["^Found (?P<found>\\d+) errors?\\.$"],
            fix={"fixer": "ruff-fix", "params": {"found": "{found}"}},
        ),
        make_rule(
            "ruff-fixable",
            category="linting_error",
            severity="low",
            priority=55,
            patterns=["^\\[\\*\\] (?P<fixable>\\d+) fixable"],
            fix={"fixer": "ruff-fix", "params": {"fixable": "{fixable}"}},
        ),
    )
}
RULESET = RuleSet(tuple(RULES.values()))
SETUP = Step(1, "Set up job", 1)
FAILING = Step(2, "Run make check", 5, exit_code=1)


def resolve(module: str) -> modulemap.Resolution:
    return modulemap.resolve(module, repository=REPOSITORY)


def record(rule_id: str, line: int = 10, step: Step | None = FAILING, **captures: str) -> Record:
    rule = RULES[rule_id]
    return Record(rule, line, f"{rule_id} line", tuple(captures.items()), step, [], [], 0)


def ranked(rule_id: str, line: int = 10, in_failing: bool = True, **captures: str) -> Ranked:
    step = FAILING if in_failing else SETUP
    return Ranked(record(rule_id, line, step, **captures), RULES[rule_id], in_failing)


# --------------------------------------------------------------------------- ranking


@pytest.mark.parametrize(
    ("priority", "expected"),
    [
        pytest.param(0, 0, id="0-context"),
        pytest.param(29, 0, id="29-context"),
        pytest.param(30, 1, id="30-tool-error"),
        pytest.param(69, 1, id="69-tool-error"),
        pytest.param(70, 2, id="70-root-cause"),
        pytest.param(100, 2, id="100-root-cause"),
    ],
)
def test_band(priority: int, expected: int) -> None:
    assert band(make_rule("r", priority=priority)) == expected


@pytest.mark.parametrize(
    ("step", "failing", "expected"),
    [
        pytest.param(None, FAILING, True, id="annotation-describes-the-job"),
        pytest.param(SETUP, None, True, id="no-failing-step"),
        pytest.param(FAILING, FAILING, True, id="in-the-failing-step"),
        pytest.param(SETUP, FAILING, False, id="in-another-step"),
        pytest.param(
            Step(2, "Run make check", 5, exit_code=1), FAILING, False, id="same-name-other-step"
        ),
    ],
)
def test_in_failing_step(step: Step | None, failing: Step | None, expected: bool) -> None:
    item = Record(RULES["pytest-failed"], 9, "x", (), step, [], [], 0)
    assert in_failing_step(item, failing) is expected


@pytest.mark.parametrize(
    ("winner", "loser"),
    [
        pytest.param(
            ranked("conftest-wrapper"),
            ranked("disk-full", in_failing=False),
            id="failing-step-first",
        ),
        pytest.param(
            ranked("module-missing", line=20),
            ranked("conftest-wrapper", line=10),
            id="root-cause-band-over-consequence",
        ),
        pytest.param(
            ranked("conftest-wrapper"), ranked("generic-exit"), id="tool-error-over-context"
        ),
        pytest.param(ranked("pytest-failed"), ranked("black"), id="severity-within-a-band"),
        pytest.param(
            ranked("disk-full"), ranked("job-timeout"), id="severity-before-priority-in-a-band"
        ),
        pytest.param(ranked("black"), ranked("flake8"), id="priority-within-a-severity"),
        pytest.param(
            Ranked(
                record("black"),
                make_rule("sure", severity="low", priority=60, confidence=0.95),
                True,
            ),
            ranked("black"),
            id="confidence-breaks-a-tie",
        ),
        pytest.param(ranked("black", line=5), ranked("black", line=9), id="earliest-line"),
    ],
)
def test_rank_key_orders_causes(winner: Ranked, loser: Ranked) -> None:
    assert rank_key(winner) > rank_key(loser)
    assert max([loser, winner], key=rank_key) is winner
    assert max([winner, loser], key=rank_key) is winner


@pytest.mark.parametrize(
    ("rule_id", "module", "ruleset", "expected"),
    [
        pytest.param("module-missing", "yaml", RULESET, "module-missing", id="third-party-module"),
        pytest.param("module-missing", "widgets.core", RULESET, OWN_PACKAGE_RULE, id="own-package"),
        pytest.param("module-missing", "tomllib", RULESET, "module-missing", id="stdlib-module"),
        pytest.param("module-missing", "evil_pkg", RULESET, "module-missing", id="unknown-module"),
        pytest.param(
            "module-missing",
            "widgets",
            RuleSet((RULES["module-missing"],)),
            "module-missing",
            id="no-own-package-rule-in-the-ruleset",
        ),
        pytest.param("black", "widgets", RULESET, "black", id="other-fixer"),
        pytest.param("pytest-failed", "widgets", RULESET, "pytest-failed", id="no-fix"),
    ],
)
def test_retarget(rule_id: str, module: str, ruleset: RuleSet, expected: str) -> None:
    item = record(rule_id, module=module)
    assert retarget(item, ruleset, resolve).id == expected


# --------------------------------------------------------------------------- confidence


@pytest.mark.parametrize(
    ("primary", "others", "failing", "expected"),
    [
        pytest.param(ranked("module-missing"), [], FAILING, 0.9, id="alone"),
        pytest.param(
            ranked("module-missing", in_failing=False), [], None, 0.9, id="no-failing-step"
        ),
        pytest.param(
            ranked("module-missing", in_failing=False),
            [],
            FAILING,
            0.72,
            id="found-outside-the-failing-step",
        ),
        pytest.param(
            ranked("pytest-failed"),
            [ranked("mypy", line=12)],
            FAILING,
            0.68,
            id="rival-cause-in-the-same-step",
        ),
        pytest.param(
            ranked("pytest-failed"),
            [ranked("mypy")],
            FAILING,
            0.8,
            id="another-rule-on-the-same-line-is-the-same-failure",
        ),
        pytest.param(
            ranked("pytest-failed"),
            [ranked("conftest-wrapper")],
            FAILING,
            0.8,
            id="same-category-is-no-rival",
        ),
        pytest.param(
            ranked("module-missing"),
            [ranked("pytest-failed")],
            FAILING,
            0.9,
            id="lower-band-is-a-consequence",
        ),
        pytest.param(
            ranked("pytest-failed"),
            [ranked("mypy", in_failing=False)],
            FAILING,
            0.8,
            id="rival-in-another-step",
        ),
        pytest.param(
            ranked("pytest-failed"),
            [ranked("fail-fast")],
            FAILING,
            0.8,
            id="not-actionable-is-no-rival",
        ),
        pytest.param(
            ranked("pytest-failed"),
            [ranked("generic-exit")],
            FAILING,
            0.8,
            id="insignificant-is-no-rival",
        ),
        pytest.param(
            ranked("pytest-failed", in_failing=False),
            [ranked("module-missing", line=12)],
            FAILING,
            0.544,
            id="both-penalties-multiply",
        ),
        pytest.param(
            ranked("pytest-failed"),
            [ranked("mypy", line=11), ranked("black", line=12), ranked("disk-full", line=13)],
            FAILING,
            0.68,
            id="several-rivals-penalise-once",
        ),
    ],
)
def test_confidence(
    primary: Ranked, others: list[Ranked], failing: Step | None, expected: float
) -> None:
    assert confidence(primary, [primary, *others], failing) == expected


# --------------------------------------------------------------------------- fixes

BLACK = Fix("black")
YAML = Fix("add-requirement", (("distribution", "PyYAML"), ("module", "yaml")))


@pytest.mark.parametrize(
    ("items", "requirements_file", "fixes", "blocker"),
    [
        pytest.param([ranked("black", path="a.py")], None, (BLACK,), "", id="black-alone"),
        pytest.param(
            [ranked("black", 3, path="a.py"), ranked("black", 4, path="b.py")],
            None,
            (BLACK,),
            "",
            id="one-fix-per-fixer",
        ),
        pytest.param(
            [ranked("black", path="a.py"), ranked("isort")],
            None,
            (BLACK, Fix("isort")),
            "",
            id="two-fixers-in-order",
        ),
        pytest.param(
            [ranked("module-missing", module="yaml")], None, (YAML,), "", id="mapped-module"
        ),
        pytest.param(
            [ranked("module-missing", module="yaml")],
            "requirements-dev.txt",
            (
                Fix(
                    "add-requirement",
                    (
                        ("distribution", "PyYAML"),
                        ("module", "yaml"),
                        ("requirements_file", "requirements-dev.txt"),
                    ),
                ),
            ),
            "",
            id="requirements-file-the-install-step-named",
        ),
        pytest.param(
            [ranked("module-missing", 3, module="yaml"), ranked("module-missing", 4, module="bs4")],
            None,
            (
                YAML,
                Fix("add-requirement", (("distribution", "beautifulsoup4"), ("module", "bs4"))),
            ),
            "",
            id="one-fix-per-distribution",
        ),
        pytest.param(
            [
                ranked("module-missing", 3, module="yaml"),
                ranked("module-missing", 4, module="yaml.constructor"),
            ],
            None,
            (
                Fix(
                    "add-requirement",
                    (("distribution", "PyYAML"), ("module", "yaml.constructor")),
                ),
            ),
            "",
            id="same-distribution-merged",
        ),
        pytest.param(
            [ranked("module-missing", module="evil_pkg")],
            None,
            (),
            "no known distribution provides module 'evil_pkg' (unknown); "
            "a person must name the requirement",
            id="unknown-module-tm06",
        ),
        pytest.param(
            [ranked("module-missing", module="tomllib")],
            None,
            (),
            "no known distribution provides module 'tomllib' (stdlib); "
            "a person must name the requirement",
            id="stdlib-module",
        ),
        pytest.param(
            [ranked("ruff-found", found="3"), ranked("ruff-fixable", fixable="3")],
            None,
            (Fix("ruff-fix", (("fixable", "3"),)),),
            "",
            id="ruff-all-fixable",
        ),
        pytest.param(
            [ranked("ruff-found", found="3"), ranked("ruff-fixable", fixable="2")],
            None,
            (Fix("ruff-fix", (("fixable", "2"),)),),
            "ruff-fix: only 2 of 3 problems are auto-fixable",
            id="ruff-found-3-fixable-2",
        ),
        pytest.param(
            [ranked("ruff-found", found="3")],
            None,
            (Fix("ruff-fix"),),
            "ruff-fix: only 0 of 3 problems are auto-fixable",
            id="ruff-count-without-fixable-count",
        ),
        pytest.param(
            [ranked("pytest-failed", 3), ranked("black", 4, path="a.py")],
            None,
            (BLACK,),
            "'pytest-failed' (line 3) has no safe fix",
            id="unfixable-finding-in-the-step-blocks",
        ),
        pytest.param(
            [ranked("module-missing", module="yaml"), ranked("conftest-wrapper")],
            None,
            (YAML,),
            "",
            id="consequence-neither-needs-nor-blocks",
        ),
        pytest.param(
            [ranked("black", path="a.py"), ranked("generic-exit")],
            None,
            (BLACK,),
            "",
            id="context-does-not-block",
        ),
        pytest.param(
            [ranked("black", path="a.py"), ranked("pytest-failed", in_failing=False)],
            None,
            (BLACK,),
            "",
            id="other-step-does-not-block",
        ),
        pytest.param(
            [ranked("black", path="a.py"), ranked("fail-fast")],
            None,
            (BLACK,),
            "",
            id="not-actionable-does-not-block",
        ),
        pytest.param(
            [ranked("black", in_failing=False, path="a.py")],
            None,
            (BLACK,),
            "",
            id="primary-outside-the-failing-step-keeps-its-fix",
        ),
        pytest.param(
            [ranked("black", 1, path="a.py"), ranked("pytest-failed", 7), ranked("flake8", 9)],
            None,
            (BLACK,),
            "'pytest-failed' (line 7) has no safe fix",
            id="first-blocker-named",
        ),
    ],
)
def test_propose_fixes(
    items: list[Ranked], requirements_file: str | None, fixes: tuple[Fix, ...], blocker: str
) -> None:
    primary = items[0]
    assert propose_fixes(items, primary, resolve, requirements_file) == (fixes, blocker)


# --------------------------------------------------------------------------- action


@pytest.mark.parametrize(
    ("rule_id", "sureness", "fixes", "blocker", "action", "reason"),
    [
        pytest.param(
            "fail-fast",
            0.95,
            (),
            "",
            Action.NONE,
            "fail-fast: the job was stopped from outside; nothing to recover",
            id="not-actionable",
        ),
        pytest.param(
            "fail-fast", 0.1, (), "", Action.NONE, "stopped from outside", id="not-actionable-first"
        ),
        pytest.param(
            "black",
            0.5,
            (BLACK,),
            "",
            Action.ISSUE,
            "confidence 0.50 is below the threshold 0.60; a person should look",
            id="unsure",
        ),
        pytest.param(
            "job-timeout",
            0.5,
            (),
            "",
            Action.ISSUE,
            "below the threshold",
            id="unsure-before-rerun",
        ),
        pytest.param("black", 0.6, (BLACK,), "", Action.FIX_PR, "fixable", id="at-the-threshold"),
        pytest.param(
            "job-timeout",
            0.9,
            (),
            "",
            Action.RERUN,
            "'job-timeout' is a transient failure; a rerun usually passes",
            id="transient",
        ),
        pytest.param(
            "job-timeout", 0.9, (BLACK,), "", Action.RERUN, "transient", id="transient-before-fix"
        ),
        pytest.param(
            "black",
            0.9,
            (BLACK,),
            "",
            Action.FIX_PR,
            "low severity and safely fixable by black",
            id="low-and-fixable",
        ),
        pytest.param(
            "module-missing",
            0.9,
            (YAML, BLACK),
            "",
            Action.FIX_PR,
            "medium severity and safely fixable by add-requirement:PyYAML, black",
            id="medium-and-fixable",
        ),
        pytest.param(
            "black",
            0.9,
            (BLACK,),
            "'pytest-failed' (line 3) has no safe fix",
            Action.ISSUE,
            "not fixed automatically: 'pytest-failed' (line 3) has no safe fix",
            id="fix-with-a-blocker",
        ),
        pytest.param(
            "pytest-failed",
            0.9,
            (BLACK,),
            "",
            Action.ISSUE,
            "high severity test_failure needs a person",
            id="high-severity-is-never-auto-fixed",
        ),
        pytest.param(
            "generic-exit",
            0.9,
            (),
            "",
            Action.ISSUE,
            "critical severity unknown needs a person",
            id="critical",
        ),
        pytest.param(
            "flake8",
            0.9,
            (),
            "",
            Action.ISSUE,
            "no safe automatic fix for linting_error",
            id="no-fix",
        ),
        pytest.param(
            "module-missing",
            0.9,
            (),
            "no known distribution provides module 'evil_pkg'",
            Action.ISSUE,
            "no safe automatic fix for dependency_issue: no known distribution provides module 'evil_pkg'",
            id="no-fix-with-the-reason",
        ),
    ],
)
def test_propose_action(
    rule_id: str,
    sureness: float,
    fixes: tuple[Fix, ...],
    blocker: str,
    action: Action,
    reason: str,
) -> None:
    got_action, got_reason = propose_action(ranked(rule_id), sureness, fixes, blocker, 0.6)
    assert got_action is action
    assert reason in got_reason


# ------------------------------------------------- where a missing module was imported
# Whole logs through the built-in knowledge base: the frame before the error decides
# (an action script: https://github.com/hellofresh/action-changed-files/issues/37).

ACTION_SCRIPT = """\
Run ./.github/actions/changed-files
Traceback (most recent call last):
  File "/home/runner/work/_actions/acme/changed-files/v3/neo/neo.py", line 8, in <module>
    import requests
ModuleNotFoundError: No module named 'requests'
##[error]Process completed with exit code 1.
"""
# pip 23's report of a setup.py that imports what it builds against
# (the shape of https://github.com/NCAR/wrf-python/pull/185).
BUILD_TIME = """\
  Preparing metadata (setup.py) ... error
  error: subprocess-exited-with-error

  × python setup.py egg_info did not run successfully.
  │ exit code: 1
  ╰─> [7 lines of output]
      Traceback (most recent call last):
        File "<string>", line 2, in <module>
        File "<pip-setuptools-caller>", line 34, in <module>
        File "/tmp/pip-req-build-x1/setup.py", line 16, in <module>
          import numpy.distutils.core
      ModuleNotFoundError: No module named 'numpy'
      [end of output]
error: metadata-generation-failed
"""
AFTER_FAILED_INSTALL = """\
##[group]Run pip install -r requirements.txt
##[endgroup]
ERROR: Could not find a version that satisfies the requirement numpy==9.9 (from versions: none)
ERROR: No matching distribution found for numpy==9.9
##[group]Run python -c "import widgets"
##[endgroup]
Traceback (most recent call last):
  File "/home/runner/work/widgets/widgets/widgets/core.py", line 1, in <module>
    import numpy as np
ModuleNotFoundError: No module named 'numpy'
##[error]Process completed with exit code 1.
"""
PLAIN = """\
##[group]Run python -c "import widgets"
##[endgroup]
Traceback (most recent call last):
  File "/home/runner/work/widgets/widgets/widgets/core.py", line 1, in <module>
    import yaml
ModuleNotFoundError: No module named 'yaml'
##[error]Process completed with exit code 1.
"""


@pytest.mark.parametrize(
    ("log", "why"),
    [
        (ACTION_SCRIPT, "in an action's code (/home/runner/work/_actions/acme/"),
        (BUILD_TIME, "while pip builds the package: a build requirement"),
        (AFTER_FAILED_INSTALL, "an earlier install failed (pip-no-matching-distribution"),
        (
            "Complete job name: test / base (ubuntu, 3.12-dev)\n" + PLAIN,
            "the job 'test / base (ubuntu, 3.12-dev)' runs without optional dependencies",
        ),
    ],
)
def test_a_requirement_is_not_proposed_where_it_would_not_help(log: str, why: str) -> None:
    diagnosis = analyze_text(log)
    assert diagnosis.category is Category.DEPENDENCY_ISSUE
    assert diagnosis.action is Action.ISSUE and diagnosis.fixes == ()
    assert why in diagnosis.reason


@pytest.mark.parametrize(
    ("job_name", "fixed"),
    [
        (None, True),
        ("test (ubuntu-latest, 3.12)", True),
        ("database migrations", True),  # a word that only contains "base"
        ("min-versions / 3.9", True),  # minimum versions: everything is installed
        ("minimal (3.12)", False),
        ("py3.12 no-extras", False),
        ("core only", False),
    ],
)
def test_a_requirement_is_proposed_unless_the_job_runs_without_optional_deps(
    job_name: str | None, fixed: bool
) -> None:
    diagnosis = analyze_text(PLAIN, context=AnalysisContext(job_name=job_name))
    assert (diagnosis.action is Action.FIX_PR) is fixed
    if fixed:
        assert [fix.spec for fix in diagnosis.fixes] == ["add-requirement:PyYAML"]
    else:
        assert "runs without optional dependencies by design" in diagnosis.reason
