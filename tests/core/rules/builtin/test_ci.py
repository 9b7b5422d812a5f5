"""The built-in rules of `ci.yaml` (src/autorecover/core/rules/builtin/ci.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from autorecover.core.models import Category
from testing.rules import _assert_fires, _cases, _fired, _job, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    # https://github.com/dimagi/commcare-hq/pull/11500
    (
        "travis-job-timeout",
        "The job exceeded the maximum time limit for jobs, and has been terminated.",
    ),
    # https://github.com/openhab/static-code-analysis/issues/327
    (
        "travis-job-timeout",
        "No output has been received in the last 10m0s, this potentially indicates a stalled "
        "build or something wrong with the build itself.",
    ),
    # https://github.com/nspcc-dev/neo-go/pull/2436
    (
        "circleci-no-output-timeout",
        "Too long with no output (exceeded 10m0s): context deadline exceeded",
    ),
    # https://github.com/LibrePCB/LibrePCB/issues/68
    (
        "appveyor-build-time-limit",
        "Build execution time has reached the maximum allowed time for your plan (60 minutes).",
    ),
    # https://github.com/microsoft/vscode-python/issues/7411
    (
        "azure-pipelines-job-timeout",
        "##[error]The job running on agent Azure Pipelines 190 ran longer than the maximum time "
        "of 60 minutes. For more information, see https://go.microsoft.com/fwlink/?linkid=2077134",
    ),
    # https://github.com/rocq-prover/bot/issues/32
    (
        "gitlab-job-timeout",
        "ERROR: Job failed: execution took longer than 4h0m0s seconds",
    ),
    # https://github.com/efi-rfauzan/task-management/issues/39
    ("gitlab-job-timeout", "Job failed: execution took longer than 1h0m0s seconds"),
    # https://github.com/akka/akka-core/issues/21144
    (
        "jenkins-build-timeout",
        "Build timed out (after 120 minutes). Marking the build as failed.",
    ),
    # https://github.com/RobotLocomotion/drake/issues/3079 (run into the make output)
    (
        "jenkins-build-timeout",
        "[drake:make] -- Installing: /home/ubuntu/workspace/linux-gcc-exBuild timed out (after "
        "240 minutes). Marking the build as aborted.",
    ),
    # https://github.com/jenkinsci/nexus-platform-plugin/pull/48
    ("jenkins-step-interrupted", "Sending interrupt signal to process"),
    ("jenkins-step-interrupted", "script returned exit code 143"),
    # Backstop: https://github.com/relab/gorums/issues/101 (go test's deadline)
    ("timeout-backstop", "panic: test timed out after 10m0s"),
    # https://github.com/efi-rfauzan/task-management/issues/39
    ("timeout-backstop", "Job failed: execution took longer than 1h0m0s seconds"),
    # https://github.com/LibrePCB/LibrePCB/issues/68
    (
        "timeout-backstop",
        "Build execution time has reached the maximum allowed time for your plan (60 minutes).",
    ),
    # https://github.com/openhab/static-code-analysis/issues/327
    (
        "timeout-backstop",
        "No output has been received in the last 10m0s, this potentially indicates a stalled "
        "build or something wrong with the build itself.",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


@pytest.mark.parametrize(
    "line",
    [
        # network timeouts belong to network-error-backstop, not to the timeout category
        "curl: (28) Connection timed out after 10001 milliseconds",
        "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='pypi.org', port=443): "
        "Read timed out. (read timeout=15)",
        # code quoted in a pytest traceback
        "        awakened or timed out, it re-acquires the lock and returns.",
        "tests/test_client.py::test_request_timed_out_is_retried PASSED        [ 14%]",
    ],
)
def test_timeout_backstop_leaves_network_and_test_lines_alone(line: str) -> None:
    assert "timeout-backstop" not in _fired(_scan(line))


def test_a_ci_time_limit_outranks_the_test_errors_it_caused() -> None:
    # https://github.com/hazelcast/hazelcast/issues/1199
    diagnosis = _scan(
        _job(
            "Build timed out (after 133 minutes). Marking the build as failed.",
            "Tests run: 354, Failures: 0, Errors: 0, Skipped: 1",
            "[ERROR] There was a timeout or other error in the fork",
        )
    )
    assert diagnosis.rule == "jenkins-build-timeout"
    assert diagnosis.category is Category.TIMEOUT
    assert diagnosis.action == "rerun"


def test_the_timeout_backstop_names_the_category_but_only_opens_an_issue() -> None:
    diagnosis = _scan(_job("Waiting for the deployment: operation timed out"))
    assert diagnosis.rule == "timeout-backstop"
    assert diagnosis.category is Category.TIMEOUT
    assert diagnosis.confidence < 0.7
    assert diagnosis.action == "issue"
