"""The built-in rules of `security.yaml` (src/autorecover/core/rules/builtin/security.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases

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
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)
