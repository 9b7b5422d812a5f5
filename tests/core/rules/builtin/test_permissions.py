"""The built-in rules of `permissions.yaml` (src/autorecover/core/rules/builtin/permissions.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases, _fired, _job, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
# "world/train/<case>" names the training case of tests/data/logs/world/train/ the line is
# taken from; other lines name their public source.
POSITIVE: list[tuple[str, str]] = [
    # world/train/c4-setup-node-eacces-mkdir-tool-cache (actions/setup-node#1088)
    (
        "file-access-denied",
        "Error: EACCES: permission denied, mkdir '/home/gh-runner/actions-runner/_work/_tool/"
        "node/16.20.2'",
    ),
    # world/train/c4-setup-kind-eacces-mkdir-home-runner (engineerd/setup-kind#13)
    ("file-access-denied", "##[error]EACCES: permission denied, mkdir '/home/runner'"),
    # public/npm-eacces-permission-denied.log
    (
        "file-access-denied",
        "npm ERR! Error: EACCES: permission denied, mkdir '/usr/local/lib/node_modules'",
    ),
    # world/train/c4-runner-git-clean-root-owned-docker-files (actions/runner#434)
    (
        "file-access-denied",
        "rm: cannot remove '/home/jparker/actions-runner/_work/self-hosted-runner-permissions-"
        "issue-repro/self-hosted-runner-permissions-issue-repro/foo': Permission denied",
    ),
    # world/train/c4-jenkins-durable-task-jenkins-log-permission-denied (contra-env-setup#124)
    (
        "file-access-denied",
        "touch: cannot touch '/workDir/workspace/PR_submitted_CI_ci-automation-2@tmp/"
        "durable-9dab65ad/jenkins-log.txt': Permission denied",
    ),
    # world/train/c4-circleci-script-permission-denied-exit-126 (raiden-network/raiden#4525)
    ("shell-permission-denied", "/bin/bash: .circleci/get_archive_tag.sh: Permission denied"),
    # world/train/c4-jenkins-execute-shell-deploy-script-permission-denied (webofneeds#1357)
    (
        "shell-permission-denied",
        "/tmp/hudson6014548937592138540.sh: 3: /tmp/hudson6014548937592138540.sh: "
        "./deploy_uki.sh: Permission denied",
    ),
    # world/train/c4-jenkins-durable-task-jenkins-log-permission-denied (contra-env-setup#124)
    (
        "shell-permission-denied",
        "sh: /workDir/workspace/PR_submitted_CI_ci-automation-2@tmp/durable-9dab65ad/"
        "jenkins-log.txt: Permission denied",
    ),
    # world/train/c4-buildkite-tini-exec-buildifier-permission-denied (bazelbuild/continuous-integration#1089)
    (
        "shell-permission-denied",
        "[FATAL tini (6)] exec /usr/local/bin/buildifier.py failed: Permission denied",
    ),
    # Maven deploy to Clojars (find_string hit 53213405431)
    (
        "registry-publish-forbidden",
        "clojure.lang.ExceptionInfo: Failed to deploy artifacts: Could not transfer artifact "
        "org.clojars.sritchie09:complex:jar:2.0.11-0 from/to clojars (https://clojars.org/repo/"
        "): Failed to transfer file: https://clojars.org/repo/org/clojars/sritchie09/complex/"
        "2.0.11-0/complex-2.0.11-0.jar. Return code is: 401, ReasonPhrase: Unauthorized.",
    ),
    # NuGet push with an expired key (find_string hit 71112519185)
    (
        "registry-publish-forbidden",
        "error: Response status code does not indicate success: 403 (The specified API key is "
        "invalid, has expired, or does not have permission to access the specified package.).",
    ),
    # world/train/c4-circleci-script-permission-denied-exit-126: the generic words on their own
    ("permission-error-backstop", "/bin/bash: .circleci/get_archive_tag.sh: Permission denied"),
    # world/train/c4-keepalive-push-403-json-escaped (gautamkrishnar/keepalive-workflow#16)
    (
        "permission-error-backstop",
        "fatal: unable to access 'https://github.com/ReubenBTalbott/docker-imap-backup.git/': "
        "The requested URL returned error: 403",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


@pytest.mark.parametrize(
    "line",
    [
        "find: '/proc/1/map_files': Permission denied",
        "warning: could not open directory 'foo/': Permission denied",
        "    fs_test.go:19: open /root/secret: permission denied (expected)",
        "tests/test_fs.py::test_permission_denied_is_reported PASSED",
        "E   PermissionError: [Errno 13] Permission denied: '/etc/shadow'",
    ],
)
def test_permission_rules_ignore_noise_and_test_output(line: str) -> None:
    fired = _fired(_scan(line))
    assert not fired & {"permission-error-backstop", "file-access-denied"}, fired


def test_the_runner_downloading_an_action_is_not_a_registry_publish() -> None:
    line = (
        "Failed to download action 'https://api.github.com/repos/actions/setup-python/tarball/"
        "v1'. Error Response status code does not indicate success: 401 (Unauthorized)."
    )
    assert "registry-publish-forbidden" not in _fired(_scan(line))


def test_a_failing_test_outranks_a_file_permission_line_in_its_step() -> None:
    diagnosis = _scan(
        _job(
            "cp: cannot stat 'fixtures/': Permission denied",
            "FAILED tests/test_io.py::test_roundtrip - AssertionError: assert 3 == 4",
            "1 failed, 9 passed in 0.41s",
        )
    )
    assert diagnosis.rule == "pytest-failed-test"
