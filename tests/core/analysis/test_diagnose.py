"""Choosing the primary cause, confidence, proposals and fingerprints.

These tests use a small knowledge base of their own so they state the analyzer's policy
independently of the built-in rules (which tests/test_rules.py and the corpus cover).
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from autorecover.core.analysis.diagnose import AnalysisContext, analyze_job
from autorecover.core.analysis.lines import Limits
from autorecover.core.models import Action, Category, Diagnosis
from autorecover.core.rules.loader import RuleSet
from autorecover.core.rules.schema import parse_rule

RULES = yaml.safe_load(r"""
- id: module-missing
  category: dependency_issue
  severity: medium
  title: "Module '{module}' missing"
  patterns: ["ModuleNotFoundError: No module named '(?P<module>[\\w.]+)'"]
  priority: 75
  confidence: 0.9
  fix: {fixer: add-requirement, params: {module: "{module}"}}
  explanation: e
  remediation: r
- id: python-own-package-not-importable
  category: configuration_error
  severity: high
  title: "Own package '{module}'"
  derived: true
  priority: 75
  confidence: 0.85
  explanation: e
  remediation: r
- id: conftest-wrapper
  category: test_failure
  severity: high
  title: conftest import failed
  patterns: ["^ImportError while loading conftest"]
  priority: 30
  confidence: 0.7
  explanation: e
  remediation: r
- id: pytest-failed
  category: test_failure
  severity: high
  title: "Test {test} failed"
  patterns: ["^FAILED (?P<test>\\S+)"]
  priority: 50
  confidence: 0.9
  explanation: e
  remediation: r
- id: disk-full
  category: resource_exhaustion
  severity: high
  title: Disk full
  patterns: ["(?i)no space left on device"]
  priority: 93
  confidence: 0.9
  explanation: e
  remediation: r
- id: job-timeout
  category: timeout
  severity: medium
  title: Job timed out
  patterns: ["has exceeded the maximum execution time"]
  transient: true
  priority: 95
  confidence: 0.9
  explanation: e
  remediation: r
- id: read-timeout
  category: network_error
  severity: medium
  title: Read timed out
  patterns: ["ReadTimeoutError: HTTPSConnectionPool"]
  transient: true
  priority: 60
  confidence: 0.9
  explanation: e
  remediation: r
- id: fail-fast
  category: unknown
  severity: low
  title: fail-fast
  patterns: ["The strategy configuration was canceled because"]
  actionable: false
  priority: 99
  confidence: 0.95
  explanation: e
  remediation: r
- id: black
  category: linting_error
  severity: low
  title: Black would reformat
  patterns: ["^would reformat (?P<path>.+)$"]
  priority: 60
  confidence: 0.95
  fix: black
  explanation: e
  remediation: r
- id: ruff-found
  category: linting_error
  severity: low
  title: Ruff found problems
  patterns: ["^Found (?P<found>\\d+) errors?\\.$"]
  priority: 55
  confidence: 0.9
  fix: {fixer: ruff-fix, params: {found: "{found}"}}
  explanation: e
  remediation: r
- id: ruff-fixable
  category: linting_error
  severity: low
  title: Ruff can fix
  patterns: ["^\\[\\*\\] (?P<fixable>\\d+) fixable with the"]
  priority: 55
  confidence: 0.9
  fix: {fixer: ruff-fix, params: {fixable: "{fixable}"}}
  explanation: e
  remediation: r
- id: vague
  category: build_error
  severity: medium
  title: Something vague
  patterns: ["^something vague happened"]
  confidence: 0.4
  explanation: e
  remediation: r
""")
RULESET = RuleSet(tuple(parse_rule(r) for r in RULES))
TS = "2024-03-12T10:15:02.1234567Z "


def job(*steps: tuple[str, list[str]], exit_code: int | None = 1, ts: str = TS) -> str:
    """A framed job log: (step header, lines); the last step fails with `exit_code`."""
    lines = [f"{ts}Current runner version: '2.321.0'"]
    for header, body in steps:
        lines.append(f"{ts}##[group]{header}")
        lines.append(f"{ts}##[endgroup]")
        lines += [f"{ts}{line}" for line in body]
    if exit_code is not None:
        lines.append(f"{ts}##[error]Process completed with exit code {exit_code}.")
    lines.append(f"{ts}Post job cleanup.")
    return "\n".join(lines) + "\n"


def diagnose(text: str, **context: Any) -> Diagnosis:
    return analyze_job([text.encode()], "job.log", RULESET, AnalysisContext(**context))


def test_failing_step_findings_come_first() -> None:
    log = job(
        ("Run pip install -r requirements.txt", ["no space left on device (but it retried)"]),
        ("Run pytest", ["FAILED tests/test_a.py::test_x - assert 1 == 2"]),
    )
    d = diagnose(log)
    # The disk message is in a step that did not fail; the failing step holds the test.
    assert d.category is Category.TEST_FAILURE
    assert d.failing_step == "Run pytest"
    assert d.title == "Test tests/test_a.py::test_x failed"


def test_root_cause_beats_its_consequence() -> None:
    log = job(
        (
            "Run pytest",
            [
                "ImportError while loading conftest '/home/runner/work/app/app/tests/conftest.py'.",
                "E   ModuleNotFoundError: No module named 'yaml'",
            ],
        )
    )
    d = diagnose(log)
    assert d.rule == "module-missing"
    assert d.action is Action.FIX_PR
    assert [fix.spec for fix in d.fixes] == ["add-requirement:PyYAML"]


def test_disk_full_beats_the_test_errors_it_caused() -> None:
    log = job(
        (
            "Run pytest",
            ["FAILED tests/test_io.py::test_write", "OSError: [Errno 28] No space left on device"],
        )
    )
    d = diagnose(log)
    assert d.category is Category.RESOURCE_EXHAUSTION
    assert d.action is Action.ISSUE


def test_a_test_that_mentions_timeout_is_a_test_failure() -> None:
    log = job(
        ("Run pytest", ["FAILED tests/test_http.py::test_timeout - assert response.timeout == 30"])
    )
    d = diagnose(log)
    assert d.category is Category.TEST_FAILURE


def test_job_timeout_known_only_from_the_annotation() -> None:
    log = job(
        ("Run pytest", ["tests/test_slow.py ....", "##[error]The operation was canceled."]),
        exit_code=None,
    )
    annotation = "The job running on runner GitHub Actions 3 has exceeded the maximum execution time of 360 minutes."
    d = diagnose(log, annotations=(annotation,))
    assert d.category is Category.TIMEOUT
    assert d.action is Action.RERUN
    assert d.evidence[0].line == 0 and "exceeded" in d.evidence[0].text


def test_cancelled_without_annotation_is_not_a_failure() -> None:
    log = job(("Run sleep 1000", ["##[error]The operation was canceled."]), exit_code=None)
    d = diagnose(log)
    assert d.category is Category.UNKNOWN and d.action is Action.NONE


def test_fail_fast_cancel_proposes_nothing() -> None:
    log = job(("Run pytest", ["##[error]The operation was canceled."]), exit_code=None)
    d = diagnose(
        log, annotations=('The strategy configuration was canceled because "test._3_11" failed',)
    )
    assert d.action is Action.NONE


def test_transient_network_failure_is_rerun() -> None:
    log = job(
        (
            "Run pip install .",
            [
                "pip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Read timed out."
            ],
        )
    )
    d = diagnose(log)
    assert d.action is Action.RERUN and d.transient


def test_project_own_package_is_a_configuration_problem() -> None:
    log = job(("Run pytest", ["E   ModuleNotFoundError: No module named 'myproject.core'"]))
    d = diagnose(log, repository="octo/python-myproject")
    assert d.category is Category.CONFIGURATION_ERROR
    assert d.action is Action.ISSUE and not d.fixes


def test_project_own_package_named_by_the_checkout_step() -> None:
    log = job(
        ("Run actions/checkout@v4", ["Syncing repository: octo/widgets"]),
        ("Run pytest", ["E   ModuleNotFoundError: No module named 'widgets'"]),
    )
    assert diagnose(log).category is Category.CONFIGURATION_ERROR


def test_unmapped_module_is_not_guessed() -> None:
    """docs/security.md#tm06: a module name read from a log is not evidence of a distribution name."""
    log = job(("Run pytest", ["E   ModuleNotFoundError: No module named 'evil_pkg'"]))
    d = diagnose(log)
    assert d.category is Category.DEPENDENCY_ISSUE
    assert d.action is Action.ISSUE and not d.fixes
    assert "evil_pkg" in d.reason


def test_module_mapping_overrides_from_config() -> None:
    log = job(("Run pytest", ["E   ModuleNotFoundError: No module named 'internal_sdk'"]))
    d = diagnose(log, module_overrides={"internal_sdk": "acme-internal-sdk"})
    assert [fix.spec for fix in d.fixes] == ["add-requirement:acme-internal-sdk"]


def test_stdlib_module_is_not_a_requirement() -> None:
    log = job(("Run pytest", ["E   ModuleNotFoundError: No module named 'tomllib'"]))
    d = diagnose(log)
    assert d.action is Action.ISSUE and not d.fixes


def test_lint_and_tests_failing_in_one_step_is_not_auto_fixed() -> None:
    log = job(("Run make check", ["would reformat src/app.py", "FAILED tests/test_a.py::test_x"]))
    d = diagnose(log)
    assert d.category is Category.TEST_FAILURE
    assert d.action is Action.ISSUE


def test_black_alone_is_fixed() -> None:
    d = diagnose(
        job(("Run black --check .", ["would reformat src/app.py", "would reformat src/b.py"]))
    )
    assert d.action is Action.FIX_PR and [f.spec for f in d.fixes] == ["black"]
    assert d.auto_fixable


@pytest.mark.parametrize(
    ("found", "fixable", "action"),
    [
        pytest.param(3, 3, Action.FIX_PR, id="all-fixable"),
        pytest.param(3, 2, Action.ISSUE, id="some-unfixable"),
    ],
)
def test_ruff_fix_only_when_every_problem_is_fixable(
    found: int, fixable: int, action: Action
) -> None:
    log = job(
        (
            "Run ruff check .",
            [f"Found {found} errors.", f"[*] {fixable} fixable with the `--fix` option."],
        )
    )
    assert diagnose(log).action is action


def test_low_confidence_becomes_an_issue() -> None:
    d = diagnose(job(("Run build", ["something vague happened"])))
    assert d.action is Action.ISSUE and "below the threshold" in d.reason


def test_min_confidence_is_configurable() -> None:
    d = diagnose(job(("Run build", ["something vague happened"])), min_confidence=0.3)
    assert "below the threshold" not in d.reason


def test_unrecognised_failure_shows_the_error_lines_of_the_failing_step() -> None:
    d = diagnose(
        job(
            ("Run pip install -e .", ["Error: not this step's fault (it passed)"]),
            ("Run ./deploy.sh", ["shell: /usr/bin/bash -e {0}", "env:", "  CI: true",
                                 "contacting host", "deploy aborted: quota", "cleaning up"]),
        )
    )  # fmt: skip
    assert d.category is Category.UNKNOWN and d.action is Action.ISSUE
    assert [line.text for line in d.evidence] == ["deploy aborted: quota"]
    assert d.failing_step == "Run ./deploy.sh"


def test_unrecognised_failure_without_error_words_shows_its_last_lines() -> None:
    d = diagnose(job(("Run ./deploy.sh", ["shell: /usr/bin/bash -e {0}", "one", "two", "three"])))
    assert [line.text for line in d.evidence] == ["one", "two", "three"]


def test_successful_log_has_nothing_to_do() -> None:
    d = diagnose(job(("Run pytest", ["12 passed in 0.5s"]), exit_code=None), conclusion="success")
    assert d.action is Action.NONE and not d.findings


@pytest.mark.parametrize(
    ("conclusion", "lines", "annotations", "title", "action"),
    [
        pytest.param("failure", ["all fine?"], (), "Unrecognised failure", Action.ISSUE,
                     id="failed-without-markers-is-still-a-failure"),
        pytest.param("success", ["all fine"], (), "No failure found", Action.NONE, id="success"),
        pytest.param("cancelled", ["waiting"], (), "Job cancelled", Action.NONE,
                     id="cancelled-by-a-person"),
        pytest.param("cancelled", ["waiting"],
                     ("The job running on runner GitHub Actions 3 has exceeded the maximum "
                      "execution time of 360 minutes.",), "", Action.RERUN,
                     id="cancelled-by-the-time-limit"),
        pytest.param("success", ["Error: No space left on device"], (), "", Action.NONE,
                     id="success-with-an-error-line"),
    ],
)  # fmt: skip
def test_the_job_s_conclusion_decides_whether_it_failed(
    conclusion: str, lines: list[str], annotations: tuple[str, ...], title: str, action: Action
) -> None:
    d = diagnose(
        job(("Run ./build.sh", lines), exit_code=None),
        conclusion=conclusion,
        annotations=annotations,
    )
    assert d.action is action and d.title.startswith(title)


@pytest.mark.parametrize(
    "exit_line",
    [
        'The command "pytest -q" exited with 1.',
        "ERROR: Job failed: exit code 1",
        "Exited with code exit status 2",
        "Command exited with code 1",
        "\U0001f6a8 Error: The command exited with status 1",
        "ERROR: script returned exit code 1",
        "##[error]Bash exited with code '1'.",
    ],
    ids=["travis", "gitlab", "circleci", "appveyor", "buildkite", "jenkins", "azure"],
)
def test_other_ci_systems_exit_lines_mark_the_failure(exit_line: str) -> None:
    d = diagnose(f"deploying\nsomething broke\n{exit_line}\n", conclusion="success")
    assert d.title == "Unrecognised failure" and d.action is Action.ISSUE


def test_raw_pasted_text_without_framing() -> None:
    d = diagnose(
        "Collecting x\nE   ModuleNotFoundError: No module named 'requests'\nError: Process completed with exit code 1.\n"
    )
    assert d.action is Action.FIX_PR and d.failing_step == "Set up job"


def test_evidence_has_context_across_chunk_boundaries() -> None:
    body = (
        [f"filler {n}" for n in range(400)]
        + ["FAILED tests/t.py::test_z"]
        + [f"    after {n}" for n in range(5)]  # indented: it continues the message above
    )
    log = job(("Run pytest", body)).encode()
    d = analyze_job([log], "job.log", RULESET, AnalysisContext(limits=Limits(chunk_size=4096)))
    texts = [line.text for line in d.evidence]
    matched = [line.text for line in d.evidence if line.matched]
    assert matched == ["FAILED tests/t.py::test_z"]
    assert texts[0] == "FAILED tests/t.py::test_z" and "filler 399" not in texts
    assert texts[1:] == ["    after 0", "    after 1", "    after 2"]


def test_evidence_and_findings_are_redacted() -> None:
    d = diagnose(
        job(("Run pytest", ["FAILED tests/t.py::test_token - ghp_" + "a" * 36])),
        redact=lambda text: text.replace("ghp_" + "a" * 36, "[REDACTED]"),
    )
    assert all("ghp_" not in line.text for line in d.evidence)
    assert all("ghp_" not in f.text for f in d.findings)


class TestFingerprint:
    def test_stable_across_runs(self) -> None:
        a = diagnose(job(("Run pytest", ["E   ModuleNotFoundError: No module named 'yaml'"])))
        b = diagnose(
            job(
                ("Run pytest", ["E   ModuleNotFoundError: No module named 'yaml'"]),
                ts="2025-01-01T00:00:00.0000000Z ",
            )
        )
        assert a.fingerprint == b.fingerprint and len(a.fingerprint) == 16

    def test_differs_by_what_failed(self) -> None:
        a = diagnose(job(("Run pytest", ["E   ModuleNotFoundError: No module named 'yaml'"])))
        b = diagnose(job(("Run pytest", ["E   ModuleNotFoundError: No module named 'requests'"])))
        assert a.fingerprint != b.fingerprint

    def test_fix_only_captures_do_not_split_a_failure(self) -> None:
        a = diagnose(job(("Run black --check .", ["would reformat src/a.py"])))
        b = diagnose(job(("Run black --check .", ["would reformat src/zzz.py"])))
        assert a.fingerprint == b.fingerprint

    def test_unknown_failures_ignore_run_noise(self) -> None:
        a = diagnose(
            job(
                (
                    "Run ./x",
                    ["worker 0x7f3a9c1d2e crashed at 10:15:02 after 31.2s in /tmp/tmpa8f3k/x"],
                )
            )
        )
        b = diagnose(
            job(
                (
                    "Run ./x",
                    ["worker 0x11aa22bb33 crashed at 11:00:59 after 2.0s in /tmp/tmpzzzz/x"],
                )
            )
        )
        assert a.category is Category.UNKNOWN
        assert a.fingerprint == b.fingerprint


def test_a_missing_requirement_goes_to_the_file_the_install_step_named() -> None:
    log = job(
        (
            "Run pip install -r requirements-dev.txt",
            ["\x1b[36;1mpip install -r requirements-dev.txt\x1b[0m", "Successfully installed x"],
        ),
        ("Run pytest", ["E   ModuleNotFoundError: No module named 'yaml'"]),
    )
    (fix,) = diagnose(log).fixes
    assert fix.param("requirements_file") == "requirements-dev.txt"


def test_a_problem_count_without_a_fixable_count_blocks_the_fix() -> None:
    log = job(("Run ruff check .", ["Found 3 errors."]))
    d = diagnose(log)
    assert d.action is Action.ISSUE and "only 0 of 3" in d.reason
