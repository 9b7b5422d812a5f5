"""The built-in rules of `packages.yaml` (src/autorecover/core/rules/builtin/packages.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from autorecover.core.models import Category
from testing.rules import _assert_fires, _cases, _fired, _job, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    # Go module errors quoted in public repositories (find_string hits 60844695615,
    # 62134249995)
    (
        "go-module-resolution",
        "internal/orchestration/agents-routing/commands/hooks_registry.go:9:2: no required module "
        "provides package github.com/BurntSushi/toml; to add it:",
    ),
    (
        "go-module-resolution",
        "view_templ.go:8:8: missing go.sum entry for module providing package "
        "github.com/a-h/templ (imported by example.com/counter); to add:",
    ),
    # https://github.com/taosdata/taosadapter/issues/62, https://github.com/ollama/ollama/issues/11547
    (
        "go-checksum-mismatch",
        "verifying github.com/huskar-t/file-rotatelogs/v2@v2.4.1/go.mod: checksum mismatch",
    ),
    (
        "go-checksum-mismatch",
        "        github.com/ollama/ollama/api: github.com/ollama/ollama@v0.5.12: verifying module: "
        "checksum mismatch",
    ),
    # cargo 1.95.0 here (offline, path dependencies)
    (
        "cargo-dependency-resolution",
        'error: failed to select a version for the requirement `foo = "^2"`',
    ),
    ("cargo-dependency-resolution", "error: no matching package found"),
    (
        "cargo-lock-out-of-date",
        "error: cannot update the lock file /tmp/ar/repro/cg/Cargo.lock because --locked was "
        "passed to prevent this",
    ),
    # Composer 2
    (
        "composer-resolution-failed",
        "Your requirements could not be resolved to an installable set of packages.",
    ),
    (
        "composer-resolution-failed",
        "Your lock file does not contain a compatible set of packages. Please run composer "
        "update.",
    ),
    # find_string hit 43244449269 (a GitHub Actions `bundle install --local`)
    (
        "bundler-resolution-failed",
        'Bundler could not find compatible versions for gem "nokogumbo":',
    ),
    (
        "bundler-resolution-failed",
        "Could not find gem 'nokogumbo (~> 2.0)', which is required by gem 'html-proofer', in "
        "any of the gem sources listed in your Gemfile. (Bundler::GemNotFound)",
    ),
    (
        "swiftpm-resolution-failed",
        "error: Dependencies could not be resolved because root depends on 'swift-nio' "
        "2.0.0..<3.0.0 and root depends on 'swift-nio' 3.0.0..<4.0.0.",
    ),
    # world/train/c2-npm-eresolve-conflicting-peer-react16-devtools,
    # world/train/c2-apt-unmet-dependencies-containerd-runc,
    # world/train/c1-maven-dependency-pom-connection-reset-gha (where specific rules win)
    ("dependency-issue-backstop", "npm ERR! Could not resolve dependency:"),
    ("dependency-issue-backstop", "The following packages have unmet dependencies:"),
    (
        "dependency-issue-backstop",
        "Error:  Failed to execute goal on project uberfire-metadata-backend-infinispan: Could "
        "not resolve dependencies for project org.uberfire:uberfire-metadata-backend-infinispan:"
        "jar:7.46.0-SNAPSHOT",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


@pytest.mark.parametrize(
    "line",
    [
        # printed by successful pip installs
        "ERROR: pip's dependency resolver does not currently take into account all the packages"
        " that are installed. This behaviour is the source of the following dependency "
        "conflicts.",
        "npm warn ERESOLVE overriding peer dependency",
        "found 0 vulnerabilities",
        "No dependency conflicts found",
        "tests/test_lock.py::test_lock_file_is_out_of_date_detected PASSED       [ 12%]",
    ],
)
def test_dependency_backstop_does_not_fire_on(line: str) -> None:
    assert "dependency-issue-backstop" not in _fired(_scan(line))


def test_the_backstop_yields_to_a_specific_rule() -> None:
    diagnosis = _scan(
        _job(
            "Your requirements could not be resolved to an installable set of packages.",
            "  Problem 1",
            "    - Root composer.json requires acme/lib ^9, found acme/lib[1.0.0] but it does not "
            "match the constraint.",
        )
    )
    assert diagnosis.category is Category.DEPENDENCY_ISSUE
    assert diagnosis.rule == "composer-resolution-failed"
