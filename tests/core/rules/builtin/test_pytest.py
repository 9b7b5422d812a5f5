"""The built-in rules of `pytest.yaml` (src/autorecover/core/rules/builtin/pytest.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.markdown import rendered_text
from testing.rules import _assert_fires, _cases, _fired, _job, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    (
        "pytest-failed-test",
        "FAILED tests/test_cart.py::test_coupon_discount - AssertionError: assert "
        "Decimal('18.00') == Decimal('17.00')",
    ),
    (
        "pytest-failed-test",
        "\x1b[31mFAILED\x1b[0m tests/test_wrap.py::test_truncate[a long sentence-8-a lon...] - "
        "AssertionError",
    ),
    ("pytest-failed-test", "tests/test_client.py::test_default_timeout FAILED        [ 33%]"),
    (
        "pytest-error-in-test",
        "ERROR tests/test_db.py::test_insert - FileNotFoundError: [Errno 2] No such file or "
        "directory: '/home/runner/work/storage/storage/tests/fixtures/db.json'",
    ),
    (
        "pytest-error-in-test",
        "____________________ ERROR at setup of test_schema_version _____________________",
    ),
    ("pytest-fixture-not-found", "E       fixture 'db_with_schema' not found"),
    (
        "pytest-timeout-plugin",
        "E               Failed: Timeout (>1.0s) from pytest-timeout.",
    ),
    (
        "pytest-unknown-marker",
        "ERROR tests/test_transform.py - Failed: 'integration' not found in `markers` "
        "configuration option",
    ),
    (
        "pytest-unrecognized-arguments",
        "pytest: error: unrecognized arguments: --cov=metrics --cov-report=xml",
    ),
    ("pytest-path-not-found", "ERROR: file or directory not found: tests/unit"),
    (
        "pytest-no-tests-collected",
        "============================ no tests ran in 0.01s =============================",
    ),
    (
        "coverage-below-threshold",
        "FAIL Required test coverage of 80% not reached. Total coverage: 78.50%",
    ),
    (
        "coverage-below-threshold",
        "Coverage failure: total of 78 is less than fail-under=80",
    ),
    (
        "pytest-internal-error",
        "INTERNALERROR> AttributeError: 'Config' object has no attribute 'cache'",
    ),
    (
        "pytest-collection-error",
        "_______________________ ERROR collecting tests/test_b.py _______________________",
    ),
    ("pytest-collection-error", "ERROR tests/test_loader.py"),
    (
        "pytest-collection-error",
        "!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!",
    ),
    (
        "pytest-collection-error",
        "ImportError while loading conftest "
        "'/home/runner/work/status-page/status-page/tests/conftest.py'.",
    ),
    (
        "pytest-summary-failed",
        "========================= 3 failed, 1 passed in 0.04s ==========================",
    ),
    ("pytest-summary-failed", "1 passed, 2 errors in 0.06s"),
    (
        "unittest-failed-test",
        "FAIL: test_absolute_zero (tests.test_convert.ConvertTest.test_absolute_zero)",
    ),
    ("unittest-summary-failed", "FAILED (failures=2)"),
    (
        "unittest-summary-failed",
        "ImportError: Failed to import test module: tests.test_resize",
    ),
    ("doctest-failed", "***Test Failed*** 1 failures."),
    ("tox-nox-session-failed", "ERROR:   style: commands failed"),
    ("tox-nox-session-failed", "nox > Session tests-3.11 failed."),
    # https://github.com/census-instrumentation/opencensus-python/issues/1242 (openSUSE OBS)
    (
        "pytest-failed-test",
        "[   31s] FAILED tests/unit/stats/test_measurement_map.py::TestMeasurementMap::"
        "test_put_attachment_int_key",
    ),
    # https://github.com/usgs/shakemap/issues/1141
    (
        "pytest-progress-failed",
        "tests/shakelib/virtualipe_test.py F                                       [ 19%]",
    ),
    (
        "pytest-progress-failed",
        "tests/shakelib/multigmpe_test.py ............F.                           [ 13%]",
    ),
    # https://github.com/amoffat/sh/issues/692
    ("pytest-progress-failed", "tests/sh_test.py .....Fs............ [ 91%]"),
    # https://github.com/pytest-dev/pytest/issues/10720
    ("pytest-interpreter-crashed", "test1.py FFatal Python error: Segmentation fault"),
    # https://github.com/mu-editor/mu/issues/1454
    (
        "pytest-interpreter-crashed",
        "tests/interface/test_main.py::test_Window_setup Fatal Python error: Segmentation fault",
    ),
    # https://github.com/nvbn/thefuck/issues/1438
    (
        "pytest-assertion-failed",
        "E       AssertionError: assert ['ls cat', 'diff x'] == ['ls cat', 'diff x', 'café ô']",
    ),
    (
        "pytest-assertion-failed",
        "/home/lbalhar/Software/thefuck/tests/test_utils.py:276: AssertionError",
    ),
    # https://github.com/aws-deadline/deadline-cloud/pull/813 (CodeBuild, ESC shown as "·")
    (
        "pytest-assertion-failed",
        ">       assert·[39;49;00m len·[39;49;00m(verified_files) == 8·[39;49;00m, (·[39;49;00m",
    ),
    (
        "pytest-failures-section",
        "========================================= FAILURES "
        "==========================================",
    ),
    (
        "pytest-failures-section",
        "==================================== ERRORS ====================================",
    ),
    # https://www.demo2s.com/python/python-unittest-test-outcomes.html (indented by the page)
    ("unittest-failed-test", "      ERROR: testError (unittest_outcomes.OutcomesTest)"),
    ("unittest-summary-failed", "      FAILED (failures=1, errors=1)"),
    # https://github.com/ghantoos/lshell/issues/145, https://github.com/aliles/funcsigs/pull/10
    ("tox-test-env-failed", "ERROR:   py27: commands failed"),
    ("tox-test-env-failed", "ERROR:   pypy3: commands failed"),
    ("tox-test-env-failed", "nox > Session tests-3.11 failed."),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


@pytest.mark.parametrize(
    "line",
    [
        "ERROR:   style: commands failed",
        "ERROR:   lint: commands failed",
        "ERROR:   py311-mypy: commands failed",
        "ERROR:   docs: commands failed",
        "nox > Session pre-commit failed.",
    ],
)
def test_tox_environments_that_do_not_run_tests_are_not_a_test_failure(line: str) -> None:
    assert "tox-test-env-failed" not in _fired(_scan(line))


def test_a_pytest_progress_line_without_failures_is_not_a_finding() -> None:
    line = "tests/test_cart.py ....s.x.                                   [ 40%]"
    assert _fired(_scan(line)) == set()


@pytest.mark.parametrize(
    ("line", "command"),
    [
        pytest.param(
            "FAILED tests/test_cart.py::test_total - AssertionError",
            "`pytest 'tests/test_cart.py::test_total'`",
            id="pytest",
        ),
        pytest.param(
            "FAILED tests/test_wrap.py::test_cut[a-8] - AssertionError",
            "`pytest 'tests/test_wrap.py::test_cut[a-8]'`",
            id="parametrized",
        ),
        pytest.param(
            "FAIL: test_resize (tests.test_image.ImageTest.test_resize)",
            "`python -m unittest tests.test_image.ImageTest.test_resize`",
            id="unittest",
        ),
    ],
)
def test_the_remediation_names_the_failing_test(line: str, command: str) -> None:
    """The reproduction command is one a person can paste: the captured test id, not a
    placeholder."""
    diagnosis = _scan(_job(line))
    assert command in diagnosis.remediation, diagnosis.remediation
    assert "<test id>" not in diagnosis.remediation


def test_a_test_id_with_a_backtick_does_not_break_out_of_the_command() -> None:
    """Log text that would end the rule's code span is not used in it (docs/security.md#s5)."""
    diagnosis = _scan(_job("FAILED tests/t.py::test_x`@everyone - AssertionError"))
    assert "`pytest '<test>'`" in diagnosis.remediation
    assert "@everyone" not in rendered_text(diagnosis.remediation)
