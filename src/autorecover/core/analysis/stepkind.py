"""What a failing step runs, as a hint of the category when no rule explains the failure.

A person triaging an unrecognised failure reads the step first: a failed `mypy` step is
most likely a type error, a failed `git push` a permission problem. This is that reading,
kept deliberately coarse: it names a category with a low confidence (below any sensible
threshold, so the action stays an issue for a person) and never a fix or a rerun.

The tools are matched in the step's command as the log's header shows it (`Run <first
line of the script>` or `Run <owner/action@ref>`), in order: a scanner or checker named in
the command says more than the runner that wraps it (`poetry run flake8`, `tox -e lint`).
"""

from __future__ import annotations

import re

from autorecover.core.models import Category

# Below DEFAULT_MIN_CONFIDENCE (constants.py) by design: a hint for triage, not a diagnosis.
HINT_CONFIDENCE = 0.35

# A tool's name is a whole word of the command, or a path's last part (`.venv/bin/mypy`,
# `pypa/cibuildwheel@v2`): it starts after a space, `/`, `=`, `(`, a quote or `:` (a
# Maven goal) and ends at the end, a space, `@` (an action's ref), `:` or `;`. A URL that
# names a tool (`.../osv-scanner/releases/...`) does not end the word there.
_START = r"(?:^|[\s/=(\"'`:])"
_END = r"(?=$|[\s@:;)\"'`])"


def _tools(*names: str) -> re.Pattern[str]:
    return re.compile(_START + "(?:" + "|".join(names) + ")" + _END, re.IGNORECASE)


# (category, tools). Each entry names tools whose failure, without a recognisable
# message, is in that category; sources are the tools' own documentation of what they check.
STEP_TOOLS: tuple[tuple[Category, re.Pattern[str]], ...] = (
    (
        Category.SECURITY_SCAN,
        _tools(
            "bandit",
            "gitleaks(?:-action)?",
            "trivy(?:-action)?",
            "grype",
            "pip-audit",
            "safety check",
            "npm audit",
            "yarn audit",
            "cargo audit",
            "codeql-action/analyze",
            "dependency-check(?:-maven)?",
            "semgrep",
            "snyk",
            "osv-scanner",
        ),
    ),
    (
        Category.TYPE_ERROR,
        _tools("mypy", "pyright", "pytype", "tsc", "make typecheck", "npm run typecheck"),
    ),
    (
        Category.LINTING_ERROR,
        _tools(
            "pre-commit",
            "flake8",
            "ruff",
            "pylint",
            "black",
            "isort",
            "eslint",
            "prettier",
            "stylelint",
            "golangci-lint(?:-action)?",
            "shellcheck",
            "rubocop",
            "cargo clippy",
            "cargo fmt",
            "gofmt",
            "markdownlint",
            "yamllint",
            "hadolint",
            "actionlint",
            "codespell",
            "npm run lint",
            "yarn lint",
            "make lint",
            "tox -e lint",
        ),
    ),
    (
        Category.TEST_FAILURE,
        _tools(
            "pytest",
            "py\\.test",
            "unittest",
            "go test",
            "cargo test",
            "cargo nextest",
            "ctest",
            "jest",
            "vitest",
            "mocha",
            "playwright test",
            "dotnet test",
            "npm test",
            "npm run test",
            "yarn test",
            "pnpm test",
            "make (?:test|check)[\\w-]*",
            "mvn test",
            "gradle test",
            "\\./gradlew test",
            "phpunit",
            "rspec",
            "tox",
            "nox",
        ),
    ),
    (
        Category.PERMISSION_ERROR,
        _tools("git push", "docker push", "semantic-release", "github-push-action"),
    ),
    (
        Category.CONFIGURATION_ERROR,
        _tools(
            "codecov/codecov-action",
            "docker/login-action",
            "aws-actions/configure-aws-credentials",
            "azure/login",
            "google-github-actions/auth",
        ),
    ),
    (
        Category.DEPENDENCY_ISSUE,
        _tools(
            "pip3? install",
            "python3? -m pip install",
            "poetry install",
            "poetry lock",
            "uv sync",
            "uv lock",
            "uv pip install",
            "pdm install",
            "npm ci",
            "npm install",
            "yarn install",
            "pnpm install",
            "bundle install",
            "go mod download",
            "composer install",
            "apt-get install",
        ),
    ),
    (
        Category.BUILD_ERROR,
        _tools(
            "docker build",
            "docker buildx build",
            "docker/build-push-action",
            "cibuildwheel",
            "pypa/cibuildwheel",
            "python3? -m build",
            "cmake",
            "cargo build",
            "go build",
            "make",
            "npm run build",
            "yarn build",
            "pnpm build",
            "mvn",
            "gradle",
            "\\./gradlew",
            "sphinx-build",
            "make html",
            "\\./build\\.sh",
        ),
    ),
)


def hint(step_name: str | None) -> tuple[Category, str] | None:
    """The category a failing step's command suggests, and the tool that suggests it."""
    if not step_name or not step_name.startswith("Run "):
        return None
    command = step_name[len("Run ") :]
    for category, tools in STEP_TOOLS:
        if found := tools.search(command):
            return category, found.group(0).strip(" /=(\"'`:")
    return None
