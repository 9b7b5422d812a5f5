"""The built-in rules of `security.yaml` (src/autorecover/core/rules/builtin/security.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from autorecover.core.models import Category
from testing.rules import RULESET, _assert_fires, _cases, _fired, _job, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    (
        "bandit-issue",
        ">> Issue: [B605:start_process_with_a_shell] Starting a process with a shell, possible "
        "injection detected, security issue.",
    ),
    ("pip-audit-vulnerability", "pip  26.1.2  PYSEC-2026-3721 26.2"),
    ("pip-audit-summary", "Found 1 known vulnerability in 1 package"),
    ("safety-vulnerability", "-> Vulnerability found in django version 1.11.29"),
    ("trivy-vulnerabilities", "Total: 1 (HIGH: 1)"),
    (
        "trivy-vulnerabilities",
        "Total: 5 (UNKNOWN: 0, LOW: 1, MEDIUM: 2, HIGH: 1, CRITICAL: 1)",
    ),
    ("gitleaks-leaks-found", "12:29AM WRN leaks found: 1"),
    ("gitleaks-leaks-found", "##[error]🛑 Leaks detected, see job summary for details"),
    ("trufflehog-secret-found", "✅ Found verified result 🐷🔑"),
    (
        "detect-secrets-found",
        "ERROR: Potential secrets about to be committed to git repo!",
    ),
    ("npm-audit-vulnerabilities", "# npm audit report"),
    (
        "yarn-audit-vulnerabilities",
        "5 vulnerabilities found - Packages audited: 1022",
    ),
    (
        "grype-vulnerabilities",
        "\t* discovered vulnerabilities at or above the severity threshold",
    ),
    (
        "zizmor-finding",
        "error[template-injection]: code injection via template expansion",
    ),
    (
        "codeql-analysis-failed",
        '##[error]Encountered a fatal error while running "/opt/hostedtoolcache/CodeQL/2.23.2/'
        "x64/codeql/codeql database finalize --finalize-dataset --threads=4 --ram=14581 "
        '/home/runner/work/_temp/codeql_databases/csharp". Exit code was 32',
    ),
    (
        "codeql-analysis-failed",
        "CodeQL detected code written in C# but this run didn't build any of it, or CodeQL "
        "could not process any of it.",
    ),
    # world/train/c4-codeql-cpp-autobuild-no-build-system (github/codeql-action#2354)
    (
        "codeql-analysis-failed",
        "  [2024-06-27 08:20:34] [build-stderr] cpp/autobuilder: No supported build system "
        "detected.",
    ),
    (
        "codeql-analysis-failed",
        "  Error: 6-27 08:20:34] [ERROR] Spawned process exited abnormally (code 1; tried to run: "
        "[/opt/hostedtoolcache/CodeQL/2.17",
    ),
    # world/train/c4-gitleaks-v1-stop-encountered-leaks-json (gitleaks/gitleaks-action#44)
    ("gitleaks-leaks-found", "🛑 STOP! Gitleaks encountered leaks"),
    # world/train/c4-gitleaks-detect-generic-api-key-jenkinsfile (gitleaks/gitleaks#1321)
    (
        "gitleaks-leaks-found",
        "generic-api-key has detected a secret in file jenkins/test.jenkinsfile, line 4, at "
        "commit 18e76ad86b579dec7b6854ace51ecf5c8e0db765.",
    ),
    # world/train/c4-npm-audit-moderate-manual-review-setup-go (actions/setup-go#43)
    (
        "npm-audit-vulnerabilities",
        "found 13 moderate severity vulnerabilities in 1194431 scanned packages",
    ),
    (
        "npm-audit-vulnerabilities",
        "  13 vulnerabilities require manual review. See the full report for details.",
    ),
    # world/train/c4-npm-audit-eleven-vulns-ten-high (AFixt/cookie-banner#109)
    ("npm-audit-summary", "11 vulnerabilities (1 moderate, 10 high)"),
    # world/train/c4-trivy-conf-dockerfile-root-user-ds002 (aquasecurity/trivy#2453)
    (
        "trivy-misconfigurations",
        "Failures: 1 (UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 1, CRITICAL: 0)",
    ),
    # world/train/c4-trivy-conf-old-table-ds002-image-user-root (aquasecurity/trivy#931)
    ("trivy-misconfigurations", "Failures: 1 (HIGH: 1)"),
    # world/train/c4-trivy-fs-pillow-critical-pipfile-lock (aquasecurity/trivy#2769)
    (
        "vulnerability-table-row",
        "│ pillow  │ CVE-2022-24303 │ CRITICAL │ 9.0.0             │ 9.0.1         │ "
        "python-pillow: temporary directory with a space character │",
    ),
    # world/train/c4-trivy-sigstore-bundled-npm-base-image (HomericIntelligence/Scylla#2055)
    (
        "vulnerability-table-row",
        "sigstore (package.json)  CVE-2026-48815  HIGH  fixed  installed 2.3.1  fixed 4.1.1",
    ),
    # grype's table, with its EPSS and RISK columns (find_string hit 61463415066)
    (
        "vulnerability-table-row",
        "log4j-core  2.14.1     2.15.0    java-archive  GHSA-jfh8-c2jp-5v3q  Critical  "
        "100.0% (100th)  100.0   KEV   ",
    ),
    # world/train/c4-cargo-audit-hyper-advisories (rustsec/rustsec#116)
    ("cargo-audit-vulnerabilities", "ID:      RUSTSEC-2016-0002"),
    # cargo-audit's summary (find_string hit 25457260687)
    ("cargo-audit-vulnerabilities", "error: 1 vulnerability found!"),
    # world/train/c4-owasp-dependency-check-log4j-mojo-failure (DependencyCheck#4187)
    (
        "owasp-dependency-check-failed",
        "One or more dependencies were identified with vulnerabilities that have a CVSS score "
        "greater than or equal to '10.0': ",
    ),
    ("owasp-dependency-check-failed", "log4j-1.2.17.jar: CVE-2022-23307(9.8)"),
    # world/train/c4-owasp-dependency-check-maven-jstl-gha (apache/myfaces-tobago#152)
    ("owasp-dependency-check-failed", "Error:  jstl-1.2.jar: CVE-2015-0254"),
    # world/train/c4-yarn-audit-918-vulnerabilities-critical: the generic words on their own
    ("security-scan-backstop", "918 vulnerabilities found - Packages audited: 6505"),
    # world/train/c4-gitleaks-v8-github-pat-pr-test (babel-plugin-i18next-extract#299)
    ("security-scan-backstop", "7:43PM WRN leaks found: 1"),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


@pytest.mark.parametrize(
    "line",
    [
        "found 0 vulnerabilities",
        "No vulnerabilities found",
        "0 vulnerabilities found - Packages audited: 1022",
        "INF no leaks found",
        "Total: 0 (UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0)",
        "Failures: 0 (UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0)",
        "Tests run: 12, Failures: 1, Errors: 0, Skipped: 0",
    ],
)
def test_clean_scans_fire_no_security_rule(line: str) -> None:
    fired = _fired(_scan(line))
    security = {rule.id for rule in RULESET.rules if rule.category is Category.SECURITY_SCAN}
    assert not fired & security, fired


def test_the_install_summary_does_not_hide_a_lint_failure_in_the_same_step() -> None:
    # `npm ci && npm run lint`: npm's vulnerability count is printed before eslint fails.
    diagnosis = _scan(
        _job(
            "added 1201 packages, and audited 1202 packages in 31s",
            "11 vulnerabilities (1 moderate, 10 high)",
            "/home/runner/work/app/app/src/index.js",
            "  3:7  error  'unused' is assigned a value but never used  no-unused-vars",
            "✖ 1 problem (1 error, 0 warnings)",
        )
    )
    assert diagnosis.category is Category.LINTING_ERROR
