"""The built-in rules of `testing.yaml` (src/autorecover/core/rules/builtin/testing.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases

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
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)
