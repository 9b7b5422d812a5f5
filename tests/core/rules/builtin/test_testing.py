"""The built-in rules of `testing.yaml` (src/autorecover/core/rules/builtin/testing.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases, _fired, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    ("jest-failed-test", "  ● example tests › test that always fails"),
    ("js-test-file-failed", " FAIL  src/api/retry.test.ts"),
    ("js-test-summary-failed", "Tests:       2 failed, 1 passed, 3 total"),
    ("js-test-summary-failed", "  2 failing"),
    ("go-test-failed", "--- FAIL: TestGatewayTar (600.02s)"),
    ("go-test-failed", "FAIL\tgithub.com/ipfs/gateway-conformance/tests\t600.021s"),
    ("go-test-timeout", "panic: test timed out after 10m0s"),
    ("cargo-test-failed", "test rules::tests::matches_disk_full ... FAILED"),
    (
        "maven-test-failures",
        "[ERROR] Tests run: 5, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.112 s <<< "
        "FAILURE! - in com.acme.AppTest",
    ),
    ("gradle-test-failed", "NetworkErrorMapperTest > mapsSocketTimeoutToRetryable() FAILED"),
    ("test-run-summary-failed", "10 examples, 2 failures"),
    (
        "test-run-summary-failed",
        "test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
    ),
    (
        "test-run-summary-failed",
        "Failed!  - Failed:     1, Passed:    41, Skipped:     0, Total:    42, Duration: 3 s",
    ),
    (
        "test-run-summary-failed",
        "> There were failing tests. See the report at: file:///home/runner/work/app/app/"
        "build/reports/tests/test/index.html",
    ),
    (
        "rspec-failed-example",
        "rspec ./spec/models/user_spec.rb:12 # User validates the email address",
    ),
    ("dotnet-test-failed", "  Failed Acme.Tests.CalcTests.Adds [12 ms]"),
    (
        "ctest-failed",
        "67% tests passed, 1 tests failed out of 3",
    ),
    # https://github.com/kit-cel/gr-radar/issues/18
    ("ctest-failed", "93% test passed, 2 test failed out of 27"),
    ("ctest-failed", "5 - qa_os_cfar_c (failed)"),
    # https://github.com/exadg/exadg/pull/246
    ("ctest-failed", "The following tests FAILED:"),
    ("ctest-failed", "\t  2 - tests/euler_vortex.release (Failed)"),
    # https://github.com/opencog/opencog/issues/728
    ("ctest-failed", "     30 - AtomSpacePublisherModuleUTest (SEGFAULT)"),
    # https://github.com/DOI-USGS/ISIS3/issues/4864
    (
        "ctest-failed",
        " 1/13 Test #1935: Msi2isis.Msi2isisTestGblIngestDefault ..........***Exception: "
        "SegFault  0.21 sec",
    ),
    # find_string hit 12510805400 (GoogleTest output quoted in a README)
    ("gtest-failed-test", "[  FAILED  ] areaTest.test1 (0 ms)"),
    ("test-run-summary-failed", "1 FAILED TEST"),
    # node 20.20.2 here, `node --test --test-reporter=tap`
    ("tap-test-failed", "not ok 1 - adds two numbers"),
    # https://github.com/flix/vscode-flix/issues/382
    (
        "node-assertion-failed",
        "      AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:",
    ),
    ("test-failure-backstop", "6 tests failed."),
    # https://www.demo2s.com/python/python-unittest-test-outcomes.html
    ("test-failure-backstop", "      AssertionError: True is not false"),
    # https://github.com/siderolabs/talos/issues/1018 (go test inside a BuildKit build)
    ("go-test-failed", "#98  55.71 --- FAIL: TestCheckSuite/TestHealthChange (0.17s)"),
    # https://github.com/postlight/ci-failed-test-reporter/pull/3
    ("jest-expect-failed", "Error: expect(received).toBe(expected) // Object.is equality"),
    # https://github.com/drivly/ai/issues/1643
    (
        "playwright-test-failed",
        "  3) [chromium] › tests/chromatic/sites.test.ts:34:1 › docs page "
        "───────────────────────────────────",
    ),
    ("playwright-assertion-failed", "      - expect.toBeVisible with timeout 90000ms"),
    # https://github.com/microsoft/playwright/issues/28990 (behind a turborepo task prefix)
    (
        "playwright-test-failed",
        "                                     6) [Microsoft Edge] › email.test.ts:28:1 › "
        "contact form ──────────────────────────────────────────",
    ),
    (
        "playwright-assertion-failed",
        "@weatherio/e2e-web-tests:dev:test:     Error: elementHandle.isVisible: Test ended.",
    ),
    # https://github.com/drivly/ai/issues/1657
    (
        "playwright-assertion-failed",
        "    Error: Timed out 90000ms waiting for expect(locator).toBeVisible()",
    ),
    # https://github.com/NeoCoderMatrix86/AudioCuesheetEditor/issues/527 (Playwright .NET, MSTest)
    (
        "playwright-assertion-failed",
        "  Microsoft.Playwright.PlaywrightException: Locator expected to be visible",
    ),
    (
        "playwright-assertion-failed",
        '    - Expect "ToBeVisibleAsync" with timeout 5000ms',
    ),
    (
        "dotnet-test-failed",
        "Test method AudioCuesheetEditor.End2EndTests.Tests.Desktop.BasicTest."
        "Application_HasTitle_WhenBrowsingIndex threw exception:",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


@pytest.mark.parametrize(
    "line",
    [
        "not ok 3 - todo thing # TODO",
        "100% tests passed, 0 tests failed out of 3",
        "No tests failed.",
        "  0 failing",
        "[  PASSED  ] 2 tests.",
        "        Start 1940: Msi2isis.Msi2isisTestAMissingLabelFile",
        " 6/13 Test #1940: Msi2isis.Msi2isisTestAMissingLabelFile .........   Passed    0.17 sec",
    ],
)
def test_passing_and_expected_results_are_not_findings(line: str) -> None:
    assert _fired(_scan(line)) == set()
