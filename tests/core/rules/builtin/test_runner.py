"""The built-in rules of `runner.yaml` (src/autorecover/core/rules/builtin/runner.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    (
        "job-timeout-exceeded",
        "The job running on runner GitHub Actions 3 has exceeded the maximum execution time "
        "of 360 minutes.",
    ),
    ("job-timeout-exceeded", "The job has exceeded the maximum execution time of 6h0m0s"),
    (
        "step-timeout-exceeded",
        "##[error]The action 'Execute Gemini CLI' has timed out after 20 minutes.",
    ),
    ("step-timeout-legacy", "##[error]The action has timed out."),
    (
        "runner-shutdown-signal",
        "##[error]The runner has received a shutdown signal. This can happen when the runner "
        "service is stopped, or a manually started runner is canceled.",
    ),
    (
        "runner-lost-communication",
        "The hosted runner: GitHub Actions 8 lost communication with the server. Anything in "
        "your workflow that terminates the runner process, starves it for CPU/Memory, or "
        "blocks its network access can cause this error.",
    ),
    (
        "runner-lost-communication",
        "The self-hosted runner: build-01 lost communication with the server. Verify the "
        "machine is running and has a healthy network connection.",
    ),
    # https://github.com/meshery-extensions/meshery-extensions-packages/issues/465
    (
        "runner-lost-communication",
        "The hosted runner lost communication with the server. Anything in your workflow that "
        "terminates the runner process, starves it for CPU/Memory, or blocks its network access "
        "can cause this error.",
    ),
    # https://github.com/valkey-io/valkey-glide/issues/4928
    (
        "runner-lost-communication",
        "The self-hosted runner lost communication with the server. Verify the machine is "
        "running and has a healthy network connection.",
    ),
    (
        "runner-internal-error",
        "The hosted runner encountered an error while running your job. (Error Type: Disconnect).",
    ),
    # https://github.com/actions/runner/issues/1092
    (
        "actions-service-internal-error",
        "GitHub Actions has encountered an internal error when running your job.",
    ),
    (
        "actions-billing-blocked",
        "The job was not started because recent account payments have failed or your spending "
        "limit needs to be increased. Please check the 'Billing & plans' section in your "
        "settings",
    ),
    (
        "no-runner-online",
        "This request was automatically failed because there were no enabled runners online "
        "to process the request for more than 1 days.",
    ),
    (
        "matrix-fail-fast-cancelled",
        'The strategy configuration was canceled because "test._3_12" failed',
    ),
    (
        "superseded-by-newer-run",
        "Canceling since a higher priority waiting request for 'CI-refs/heads/main' exists",
    ),
    (
        "runner-disk-full",
        "System.IO.IOException: No space left on device : "
        "'/home/runner/runners/2.319.1/_diag/Worker_20240929-071716-utc.log'",
    ),
    (
        "runner-disk-full",
        "##[warning]You are running out of disk space. The runner will stop working when the "
        "machine runs out of disk space. Free space left: 66 MB",
    ),
    (
        "runner-disk-full",
        "#30 175.9 ERROR: Could not install packages due to an OSError: [Errno 28] No space "
        "left on device",
    ),
    (
        "action-download-failed",
        "##[error]Response status code does not indicate success: 503 (Service Unavailable).",
    ),
    # https://github.com/RWTH-OS/ehyve/pull/5
    (
        "action-download-failed",
        "Failed to download action 'https://api.github.com/repos/hecrj/setup-rust-action/tarball/"
        "v1.2.3'. Error Response status code does not indicate success: 500 (Internal Server "
        "Error).",
    ),
    # https://github.com/adafruit/circuitpython/pull/2126
    (
        "action-download-failed",
        "Failed to download action 'https://api.github.com/repos/actions/setup-python/tarball/v1'."
        " Error Response status code does not indicate success: 401 (Unauthorized).",
    ),
    # https://github.com/shogo82148/actions-setup-perl/issues/2611
    (
        "action-download-failed",
        "Error: An action could not be found at the URI 'https://codeload.github.com/shogo82148/"
        "actions-setup-perl/tar.gz/a198315ec4e9244f206879ea7b63078003aec8a6' "
        "(CC30:156A11:94A65:C1C4F:6A15924D)",
    ),
    (
        "action-download-failed",
        "Error: Failed to download archive 'https://codeload.github.com/shogo82148/"
        "actions-setup-perl/tar.gz/a198315ec4e9244f206879ea7b63078003aec8a6' after 1 attempts.",
    ),
    (
        "executable-not-found",
        "##[error]Unhandled error: Error: Unable to locate executable file: python3.1. Please "
        "verify either the file path exists or the file can be found within a directory "
        "specified by the PATH environment variable.",
    ),
    (
        "container-executable-not-found",
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "bash":'
        " executable file not found in $PATH: unknown",
    ),
    (
        "working-directory-missing",
        "##[error]An error occurred trying to start process '/usr/bin/bash' with working "
        "directory '/home/runner/work/app/app/frontend'. No such file or directory",
    ),
    (
        "step-summary-too-large",
        "$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got "
        "1962k. For more information see: https://docs.github.com/actions/using-workflows/"
        "workflow-commands-for-github-actions#adding-a-markdown-summary",
    ),
    (
        "shell-command-not-found",
        "/home/runner/work/_temp/3c5e0b1a-9f4d-4b7e-8a2c-1d3e5f7a9b0c.sh: line 2: poetry: "
        "command not found",
    ),
    (
        "script-not-executable",
        "/home/runner/work/_temp/a80566b4-bcd3-5998-a4b2-8e1d60cfc291.sh: line 1: "
        "./scripts/deploy.sh: Permission denied",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)
