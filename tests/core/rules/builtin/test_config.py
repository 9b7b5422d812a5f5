"""The built-in rules of `config.yaml` (src/autorecover/core/rules/builtin/config.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases, _fired, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
# "world/train/<case>" names the training case of tests/data/logs/world/train/ the line is
# taken from; other lines name their public source or the tool run here.
POSITIVE: list[tuple[str, str]] = [
    # world/train/c4-uv-sync-pyproject-toml-parse-error-array (darktable-org/darktable-ai#7)
    ("toml-config-parse-error", "error: Failed to parse: `pyproject.toml`"),
    ("toml-config-parse-error", "  Caused by: TOML parse error at line 49, column 10"),
    # world/train/c4-ruff-toml-unknown-field-tool (astral-sh/ruff#11865)
    ("toml-config-parse-error", "  Cause: TOML parse error at line 1, column 1"),
    # kubectl 1.32 here, on a compose-like file with a misplaced mapping
    (
        "yaml-config-parse-error",
        "error: error parsing pod.yaml: error converting YAML to JSON: yaml: line 5: mapping "
        "values are not allowed in this context",
    ),
    # pre-commit (find_string hit 26565872591)
    ("yaml-config-parse-error", "An error has occurred: InvalidConfigError: "),
    ("yaml-config-parse-error", "==> File .pre-commit-config.yaml"),
    # world/train/c4-codecov-token-required-protected-short (SBoudrias/mem-fs-editor#303)
    (
        "codecov-token-missing",
        'Upload failed: {"message":"Token required because branch is protected"}',
    ),
    # world/train/c4-codecov-upload-queued-token-required (commit-check/commit-check-action#268)
    (
        "codecov-token-missing",
        'error: Upload queued for processing failed: {"message":"Token required because branch '
        'is protected"}',
    ),
    # codecov-action v4 (xiph/rav1e#3365)
    (
        "codecov-token-missing",
        "Error: Codecov token not found. Please provide Codecov token with -t flag.",
    ),
    # world/train/c4-aws-credentials-not-loaded-pr-secrets-missing (radius-project/bicep-types-aws#63)
    (
        "cloud-credentials-missing",
        "Error: Credentials could not be loaded, please check your action inputs: Could not "
        "load credentials from any providers",
    ),
    # google-github-actions/auth (google-github-actions/auth#252)
    (
        "cloud-credentials-missing",
        "Error: google-github-actions/auth failed with: retry function failed after 1 attempt: "
        'the GitHub Action workflow must specify exactly one of "workload_identity_provider" or '
        '"credentials_json"! If you are specifying input values via GitHub secrets, ensure the '
        "secret is being injected into the environment.",
    ),
    # Azure/login (Azure/login#481)
    (
        "cloud-credentials-missing",
        "Error: Login failed with Error: Using auth-type: SERVICE_PRINCIPAL. Not all values are "
        "present. Ensure 'client-id' and 'tenant-id' are supplied.. Double check if the "
        "'auth-type' is correct.",
    ),
    # bash 5.2.15 and dash here
    ("shell-variable-unset", "/tmp/u.sh: line 2: DEPLOY_KEY: unbound variable"),
    ("shell-variable-unset", "bash: FOO: parameter null or not set"),
    ("shell-variable-unset", "/tmp/u.sh: 2: DEPLOY_KEY: parameter not set"),
    ("shell-variable-unset", "dash: 1: FOO: parameter not set or null"),
    # world/train/c4-gitlab-ci-runner-self-signed-certificate-clone (gitlabhq/gitlab-ci-runner#136)
    (
        "tls-certificate-untrusted",
        "fatal: unable to access 'https://gitlab-ci-token:xxxxxx@gitlab.company.com/research/"
        "slack.git/': SSL certificate problem: self signed certificate",
    ),
    # world/train/c4-gitlab-runner-lets-encrypt-cert-verification-failed
    (
        "tls-certificate-untrusted",
        "fatal: unable to access 'https://gitlab-ci-token:xxxxxxxxxxxxxxxxxxxx@ds.domain.de:30000/"
        "user/test.git/': server certificate verification failed. CAfile: /home/"
        "gitlab_ci_multi_runner/data/builds/4e31f1b9/0/user/test.tmp/GIT_SSL_CAINFO CRLfile: "
        "none",
    ),
    # world/train/c4-windows-service-runner-git-ca-bundle-path (actions/runner#3439)
    (
        "tls-certificate-untrusted",
        "Error: fatal: unable to access 'https://github.com/xxx/': error setting certificate "
        "verify locations: CAfile: C:/Program Files/Git/mingw64/ssl/certs/ca-bundle.crt "
        "CApath: none",
    ),
    # world/train/c4-setup-terraform-ghes-local-issuer-certificate (hashicorp/setup-terraform#121)
    ("tls-certificate-untrusted", "Error: Error: unable to get local issuer certificate"),
    # world/train/c4-self-hosted-set-up-job-remote-certificate-name-mismatch
    (
        "tls-certificate-untrusted",
        "##[debug] ---> System.Security.Authentication.AuthenticationException: The remote "
        "certificate is invalid according to the validation procedure: "
        "RemoteCertificateNameMismatch",
    ),
    # world/train/c4-docker-build-vpn-proxy-pip-ssl-local-issuer (intel/gprofiler#945)
    (
        "tls-certificate-untrusted",
        "Could not fetch URL https://pypi.org/simple/pip/: There was a problem confirming the "
        "ssl certificate: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded "
        "with url: /simple/pip/ (Caused by SSLError(SSLCertVerificationError(1, '[SSL: "
        "CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer "
        "certificate (_ssl.c:1007)'))) - skipping",
    ),
    # world/train/c4-windows-action-path-backslash-mangled-bash (cli/gh-extension-precompile#32)
    (
        "windows-path-mangled",
        r"D:\a\_temp\30533e1b-ddc7-4866-bdca-4b174a20c926.sh: line 1: "
        "D:a_actionscligh-extension-precompilev1/build_and_release.sh: No such file or "
        "directory",
    ),
    # world/train/c4-windows-self-hosted-bash-path-backslashes-push-action (ad-m/github-push-action#103)
    (
        "windows-path-mangled",
        "/bin/bash: C:actions-runner_work_actionsad-mgithub-push-actionv0.6.0start.sh: No such "
        "file or directory",
    ),
    # cmd.exe's message for a malformed path
    (
        "windows-path-mangled",
        "The filename, directory name, or volume label syntax is incorrect.",
    ),
    # world/train/c4-appveyor-on-failure-script-not-recognized (vim/vim-win32-installer#350)
    (
        "windows-command-not-recognized",
        "'\"C:\\projects\\vim-win32-installer\\appveyor.bat\"' is not recognized as an internal "
        "or external command,",
    ),
    # PowerShell's form
    (
        "windows-command-not-recognized",
        "pytest : The term 'pytest' is not recognized as the name of a cmdlet, function, script "
        "file, or operable program.",
    ),
    # SillyTavern/SillyTavern-Launcher#27
    ("shell-environment-not-activated", "CondaError: Run 'conda init' before 'conda activate'"),
    # world/train/c1-gradle-dead-bintray-repo-502 (gradle/gradle#19907)
    (
        "retired-package-repository",
        "            > Could not GET 'https://dl.bintray.com/okta/com.okta.android/org/"
        "jetbrains/kotlin/kotlin-compiler-embeddable/1.3.50/kotlin-compiler-embeddable-1.3.50."
        "pom'. Received status code 502 from server: Bad Gateway",
    ),
    # world/train/c4-ruff-toml-unknown-field-tool (astral-sh/ruff#11865)
    ("configuration-error-backstop", "unknown field `tool`"),
    # world/train/c4-uv-sync-pyproject-toml-parse-error-array: the generic words on their own
    ("configuration-error-backstop", "  Caused by: TOML parse error at line 49, column 10"),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


@pytest.mark.parametrize(
    "line",
    [
        "Using default configuration: no ruff.toml found",
        "warning: invalid configuration value for `cache-dir`, ignoring",
        "The TEST_DATABASE_URL environment variable is not set; skipping the integration tests",
        "tests/test_settings.py::test_invalid_config_file_is_reported PASSED",
    ],
)
def test_backstop_ignores_notices_skips_and_tests(line: str) -> None:
    assert "configuration-error-backstop" not in _fired(_scan(line))


def test_tls_trust_is_configuration_not_a_rerun() -> None:
    diagnosis = _scan(
        "##[group]Run actions/checkout@v4\n"
        "Error: fatal: unable to access 'https://github.com/xxx/': error setting certificate "
        "verify locations: CAfile: C:/Program Files/Git/mingw64/ssl/certs/ca-bundle.crt "
        "CApath: none\n"
        "##[error]Process completed with exit code 1."
    )
    assert diagnosis.rule == "tls-certificate-untrusted"
    assert diagnosis.action == "issue"


def test_a_retired_repository_outranks_the_transient_gradle_download_error() -> None:
    diagnosis = _scan(
        "##[group]Run ./gradlew assemble\n"
        "   > Could not resolve org.jetbrains.kotlin:kotlin-compiler-embeddable:1.3.50.\n"
        "      > Could not GET 'https://dl.bintray.com/okta/com.okta.android/org/jetbrains/"
        "kotlin/kotlin-compiler-embeddable/1.3.50/kotlin-compiler-embeddable-1.3.50.pom'. "
        "Received status code 502 from server: Bad Gateway\n"
        "##[error]Process completed with exit code 1."
    )
    assert diagnosis.rule == "retired-package-repository"
    assert diagnosis.action == "issue"
