"""The built-in rules of `github.yaml` (src/autorecover/core/rules/builtin/github.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    ("github-token-resource-not-accessible", "##[error]Resource not accessible by integration"),
    (
        "github-token-resource-not-accessible",
        "gh: Resource not accessible by integration (HTTP 403)",
    ),
    (
        "github-workflows-permission",
        " ! [remote rejected] main -> main (refusing to allow a GitHub App to create or update "
        "workflow `.github/workflows/reprod-documentation-workflow.yml` without `workflows` "
        "permission)",
    ),
    (
        "github-oidc-permission-missing",
        "##[error]Error message: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable",
    ),
    ("github-input-required", "##[error]Input required and not supplied: token"),
    ("github-bad-credentials", "##[error]HttpError: Bad credentials"),
    (
        "github-cli-token-missing",
        "gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment "
        "variable. Example:",
    ),
    (
        "github-action-unresolvable",
        "##[error]Unable to resolve action `actions/checkout@4.2.2`, unable to find version "
        "`4.2.2`",
    ),
    (
        "github-action-unresolvable",
        "##[error]Unable to resolve action `helaili/jekyll-build@v2`, repository not found",
    ),
    ("github-invalid-workflow", "Invalid workflow file: .github/workflows/update.yaml#L7"),
    (
        "github-invalid-workflow",
        "The workflow is not valid. .github/workflows/ci.yml (Line: 12, Col: 9): Unexpected "
        "value 'run-on'",
    ),
    (
        "github-deprecated-workflow-command",
        "##[error]The `set-env` command is disabled. Please upgrade to using Environment Files "
        "or opt into unsecure command execution by setting the "
        "`ACTIONS_ALLOW_UNSECURE_COMMANDS` environment variable to `true`.",
    ),
    (
        "github-deprecated-action-version",
        "##[error]This request has been automatically failed because it uses a deprecated "
        "version of `actions/upload-artifact: v3`. Learn more: https://github.blog/changelog/"
        "2024-04-16-deprecation-notice-v3-of-the-artifact-actions/",
    ),
    (
        "github-artifact-name-conflict",
        "##[error]Failed to CreateArtifact: Received non-retryable error: Failed request: (409) "
        "Conflict: an artifact with this name already exists on the workflow run",
    ),
    (
        "github-artifact-no-files",
        "##[error]No files were found with the provided path: dist/. No artifacts will be "
        "uploaded.",
    ),
    (
        "github-artifact-not-found",
        "##[error]Unable to download artifact(s): Artifact not found for name: dist",
    ),
    (
        "github-api-rate-limit",
        "##[error]HttpError: API rate limit exceeded for installation ID 4521337.",
    ),
    (
        "setup-python-version-not-found",
        "##[error]The version '3.7' with architecture 'x64' was not found for Ubuntu 24.04.",
    ),
    (
        "setup-node-version-not-found",
        "##[error]Unable to find Node version '21.99' for platform linux and architecture x64.",
    ),
    (
        "setup-cache-dependency-file-missing",
        "##[error]No file in /home/runner/work/pytest-cpp/pytest-cpp matched to "
        "[**/requirements.txt or **/pyproject.toml], make sure you have checked out the target "
        "repository",
    ),
    (
        "setup-cache-dependency-file-missing",
        "##[error]Dependencies lock file is not found in /home/runner/work/site/site. Supported "
        "file patterns: package-lock.json,npm-shrinkwrap.json,yarn.lock",
    ),
    # world/train/c4-reusable-workflow-called-yaml-syntax-error (mdn/workflows#39)
    (
        "github-invalid-workflow",
        'error parsing called workflow "mdn/workflows/.github/workflows/publish-release.yml@'
        'main": You have an error in your yaml syntax on line 42',
    ),
    # etesync/etebase-rs#19 (no file named in the message)
    (
        "github-invalid-workflow",
        "The workflow is not valid. Job clippy depends on unknown job Test.",
    ),
    # newrelic/gatsby-theme-newrelic#36
    (
        "github-invalid-workflow",
        "The workflow is not valid. The workflow must contain at least one job with no "
        "dependencies.",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)
