"""The built-in knowledge base, table-driven: every rule fires on real lines of the tool it
describes, and no rule fires on lines from successful jobs.

Each positive case is one line of real output (from tests/data/logs/, from the tool run
locally, or quoted in the issue cited above the rule in its YAML file). It goes through the
real engine (`analyze_text`: normalisation, RE2 set scan, `unless`), once as pasted text and
once with the runner's timestamp prefix, so a pattern anchored with `^` is checked in both
forms.

The positive cases live beside this file, one module per YAML file of
src/autorecover/core/rules/builtin/: the rules of `<family>.yaml` are in the `POSITIVE` table of
`test_<family>.py`, with the behaviour tests of that family. This module holds what spans the
families: the rules as a whole, the lines and logs of successful jobs (`NEGATIVE`), and the
behaviour tests where rules of several families meet. A new built-in rule without a case in its
family's file fails `test_every_rule_has_a_positive_case` and
`test_every_rule_is_in_the_positive_table_of_its_own_family`.
"""

from __future__ import annotations

import importlib
import re
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from autorecover.core.analysis.diagnose import analyze_text
from autorecover.core.models import Category, Severity
from autorecover.core.rules.loader import builtin_rules
from autorecover.core.rules.schema import PLACEHOLDER_RE
from testing.rules import DATA, RULESET, TIMESTAMP, _cases, _fired, _job, _scan

SUCCESS_LOGS = DATA / "logs" / "success"
BUILTIN = resources.files("autorecover.core.rules").joinpath("builtin")
HERE = Path(__file__).resolve().parent


def _families() -> dict[str, set[str]]:
    """Family (YAML file name without `.yaml`) -> ids of the rules it defines, read from the
    files of the builtin/ folder themselves."""
    families: dict[str, set[str]] = {}
    for entry in BUILTIN.iterdir():
        if entry.name.endswith(".yaml"):
            data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
            families[entry.name.removesuffix(".yaml")] = {
                item["id"] for item in data.get("rules", [])
            }
    return dict(sorted(families.items()))


FAMILIES = _families()


def _family_module(family: str) -> ModuleType:
    # The sibling test module, under the name pytest gives it (with or without packages).
    name = f"test_{family}"
    return importlib.import_module(f"{__package__}.{name}" if __package__ else name)


def _positive_tables() -> dict[str, list[tuple[str, str]]]:
    return {family: _family_module(family).POSITIVE for family in FAMILIES}


# Lines from successful jobs (tests/data/logs/success/ and the tools run locally) that
# mention failure words; no rule may fire on them.
NEGATIVE: list[tuple[str, str]] = [
    (
        "pip-retry-read-timeout",
        "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None))"
        " after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='pypi.org', "
        "port=443): Read timed out. (read timeout=15)\")': /simple/boto3/",
    ),
    (
        "pip-retry-connection-reset",
        "WARNING: Retrying (Retry(total=3, connect=None, read=None, redirect=None, status=None))"
        " after connection broken by 'ProtocolError('Connection aborted.', "
        "ConnectionResetError(104, 'Connection reset by peer'))': /simple/boto3/",
    ),
    (
        "pip-resolver-notice",
        "ERROR: pip's dependency resolver does not currently take into account all the packages"
        " that are installed. This behaviour is the source of the following dependency "
        "conflicts.",
    ),
    (
        "pip-wheel-built",
        "  Building wheel for psycopg2 (pyproject.toml): finished with status 'done'",
    ),
    (
        "pip-root-warning",
        "WARNING: Running pip as the 'root' user can result in broken permissions and "
        "conflicting behaviour with the system package manager",
    ),
    ("pytest-test-named-timeout", "tests/test_client.py::test_timeout_is_respected PASSED  [  7%]"),
    (
        "pytest-test-named-network",
        "tests/test_client.py::test_connection_reset_by_peer_is_retried PASSED        [ 28%]",
    ),
    (
        "pytest-test-named-disk",
        "tests/test_fs.py::test_no_space_left_on_device_is_reported PASSED        [ 50%]",
    ),
    (
        "pytest-test-named-integration-token",
        "tests/test_parse.py::test_resource_not_accessible_by_integration SKIPPED (needs "
        "GITHUB_TOKEN) [100%]",
    ),
    ("pytest-test-named-oom", "tests/test_proc.py::test_memoryerror_is_not_swallowed PASSED"),
    ("pytest-timeout-header", "timeout: 60.0s"),
    (
        "pytest-green-summary",
        "================== 13 passed, 1 skipped, 1 warning in 2.31s ==================",
    ),
    ("pytest-quiet-summary", "15 passed, 1 skipped in 3.02s"),
    (
        "pytest-xfail",
        "XFAIL tests/test_stats.py::test_median_empty - empty input should return nan",
    ),
    ("ruff-clean", "All checks passed!"),
    ("ruff-format-clean", "23 files already formatted"),
    ("black-clean", "23 files would be left unchanged."),
    ("black-done", "All done! ✨ 🍰 ✨"),
    ("isort-skipped", "Skipped 2 files"),
    ("mypy-clean", "Success: no issues found in 12 source files"),
    ("pyright-clean", "0 errors, 0 warnings, 0 informations "),
    ("eslint-warnings-only", "✖ 5 problems (0 errors, 5 warnings)"),
    ("trivy-clean", "Total: 0 (HIGH: 0, CRITICAL: 0)"),
    ("npm-install-audit-summary", "found 0 vulnerabilities"),
    ("npm-deprecated", "npm warn deprecated inflight@1.0.6: This module is not supported"),
    ("jest-console-etimedout", "    Error: connect ETIMEDOUT 10.0.0.1:443"),
    ("jest-console-econnreset", "    retrying after Error: read ECONNRESET (attempt 1 of 3)"),
    ("jest-console-block", "  ● Console"),
    ("jest-green", "Tests:       42 passed, 42 total"),
    (
        "go-log-refused",
        "    client_test.go:42: dial tcp 127.0.0.1:1: connect: connection refused (expected)",
    ),
    (
        "go-log-deadline",
        "    client_test.go:77: recovered from handler panic: context deadline exceeded",
    ),
    ("go-log-permission", "    fs_test.go:19: open /root/secret: permission denied (expected)"),
    ("go-pass", "ok  \tgithub.com/acme-labs/fetcher\t1.731s"),
    ("gradle-passed-test", "NetworkErrorMapperTest > mapsOutOfMemoryErrorToFatal() PASSED"),
    ("gradle-success", "BUILD SUCCESSFUL in 2m 14s"),
    ("gradle-task-failed-header", "> Task :lphy:test"),
    ("cargo-green", "test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out"),
    ("cargo-test-name", "test rules::tests::matches_no_space_left_on_device ... ok"),
    ("cargo-warning", "warning: unused import: `std::io::Error`"),
    (
        "gcc-warning",
        "/home/runner/work/libfastq/libfastq/src/reader.c:88:13: warning: unused variable 'err' "
        "[-Wunused-variable]",
    ),
    ("ctest-green", "100% tests passed, 0 tests failed out of 3"),
    ("sphinx-warning", "docs/changelog.rst: WARNING: document isn't included in any toctree"),
    ("sphinx-green", "build succeeded, 2 warnings."),
    (
        "apt-legacy-keyring",
        "W: https://packages.microsoft.com/ubuntu/24.04/prod/dists/noble/InRelease: Key is stored in legacy trusted.gpg keyring",
    ),
    ("apt-ignored", "Ign:4 https://packages.microsoft.com/ubuntu/24.04/prod noble InRelease"),
    (
        "apt-waiting-for-lock",
        "Waiting for cache lock: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 2391 (unattended-upgr)...",
    ),
    ("debconf", "debconf: unable to initialize frontend: Dialog"),
    (
        "docker-casing-warning",
        "WARNING: FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
    ),
    (
        "cache-save-warning",
        "##[warning]Failed to save: Unable to reserve cache with key pip-Linux-3f2a, another job may be creating this cache.",
    ),
    (
        "app-log-retry-policy",
        "2024-04-02 08:02:11,403 INFO ingest: retry policy: max_attempts=5 backoff=2.0 (network errors and HTTP 503 are retried)",
    ),
    (
        "poetry-stale-lock-warning",
        "Warning: poetry.lock is not consistent with pyproject.toml. You may be getting improper dependencies. Run `poetry lock [--no-update]` to fix it.",
    ),
    (
        "pre-commit-passed",
        "check yaml...............................................................Passed",
    ),
    (
        "pre-commit-skipped",
        "mypy.................................................(no files to check)Skipped",
    ),
    ("pylint-score", "Your code has been rated at 10.00/10 (previous run: 9.50/10, +0.50)"),
    ("ruff-fixed-all", "Found 3 errors (3 fixed, 0 remaining)."),
    (
        "checkout-safe-directory",
        "[command]/usr/bin/git config --global --add safe.directory /home/runner/work/app/app",
    ),
    ("runner-cancel-line", "##[error]The operation was canceled."),
    ("setup-node-download", "Attempting to download 20..."),
    ("pip-metadata-done", "  Preparing metadata (setup.py): finished with status 'done'"),
    ("killed-word-in-name", "tests/test_proc.py::test_killed_process_exit_code_137 PASSED"),
    ("ruff-grouped-fixable", "  1:8  F401 [*] `os` imported but unused"),
    ("ruff-concise-fixable", "pkg/bad.py:1:8: F401 [*] `os` imported but unused"),
    ("ruff-full-fixable", "F401 [*] `os` imported but unused"),
    ("aws-cli-output", "S3 Bucket created: arn:aws:s3:::acme-artifacts"),
    ("hash-word", "  sha256:4c1e0b9f2d3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e"),
]


@pytest.mark.parametrize(("name", "line"), _cases(NEGATIVE))
def test_no_rule_fires_on_lines_of_successful_jobs(name: str, line: str) -> None:
    for text in (line, TIMESTAMP + line):
        assert _fired(_scan(text)) == set(), text


def test_every_family_has_its_test_file() -> None:
    assert len(FAMILIES) >= 17
    missing = sorted(
        f"test_{family}.py" for family in FAMILIES if not (HERE / f"test_{family}.py").is_file()
    )
    assert not missing, f"add beside {Path(__file__).name} the test files {missing}"


def test_every_rule_has_a_positive_case() -> None:
    covered = {rule_id for table in _positive_tables().values() for rule_id, _ in table}
    derived = {rule.id for rule in builtin_rules() if rule.derived}
    missing = sorted(rule.id for rule in builtin_rules() if rule.id not in covered | derived)
    assert not missing, f"add a real line for these rules to POSITIVE: {missing}"
    unknown = sorted(covered - {rule.id for rule in builtin_rules()})
    assert not unknown, f"POSITIVE names rules that do not exist: {unknown}"


def test_every_rule_is_in_the_positive_table_of_its_own_family() -> None:
    derived = {rule.id for rule in builtin_rules() if rule.derived}
    family_of = {rule_id: family for family, ids in FAMILIES.items() for rule_id in ids}
    problems: list[str] = []
    for family, table in _positive_tables().items():
        covered = {rule_id for rule_id, _ in table}
        problems += [
            f"test_{family}.py has a case for {rule_id!r}, defined in "
            f"{family_of[rule_id] + '.yaml' if rule_id in family_of else 'no YAML file'}"
            for rule_id in sorted(covered - FAMILIES[family])
        ]
        problems += [
            f"test_{family}.py has no case for {rule_id!r} of {family}.yaml"
            for rule_id in sorted(FAMILIES[family] - covered - derived)
        ]
    assert not problems, "\n".join(problems)


def test_every_builtin_rule_loads_with_unique_ids() -> None:
    rules = builtin_rules()
    assert len(rules) >= 100
    ids = [rule.id for rule in rules]
    assert len(ids) == len(set(ids))
    assert [r.id for r in RULESET.rules] == ids


def test_every_pattern_captures_what_title_and_fix_use() -> None:
    # A title placeholder or fix parameter left unfilled reads "?" in the issue title and
    # breaks the fingerprint, so every pattern of a rule must capture all of them.
    group = re.compile(r"\(\?P<([A-Za-z_]\w*)>")
    for rule in builtin_rules():
        needed = set(PLACEHOLDER_RE.findall(rule.title))
        if rule.fix is not None:
            for _, template in rule.fix.params:
                needed |= set(PLACEHOLDER_RE.findall(template))
        for pattern in rule.patterns:
            missing = needed - set(group.findall(pattern))
            assert not missing, f"{rule.id}: {pattern!r} does not capture {sorted(missing)}"


def test_anchors_are_leading() -> None:
    # Only a leading `^` tolerates the runner's timestamp prefix; one inside a group would
    # never match a framed log line.
    inner = re.compile(r"\(\?:\^|\|\^")
    for rule in builtin_rules():
        for pattern in (*rule.patterns, *rule.unless):
            assert not inner.search(pattern), f"{rule.id}: move `^` to the start of {pattern!r}"


def test_every_rule_is_documented() -> None:
    for rule in builtin_rules():
        assert rule.title.strip() and rule.explanation.strip() and rule.remediation.strip()
        assert len(rule.explanation) >= 40, f"{rule.id}: explanation too thin"
        assert len(rule.remediation) >= 20, f"{rule.id}: remediation too thin"
        assert rule.origin.startswith("builtin:")


def test_fixes_only_on_fixable_severities() -> None:
    # The analyzer only proposes a fix for low/medium findings; a high rule with a fix
    # would be dead weight, and a fix on a transient rule would never be used.
    for rule in builtin_rules():
        if rule.fix is not None:
            assert rule.severity in (Severity.LOW, Severity.MEDIUM), rule.id
            assert not rule.transient, rule.id


def test_transient_rules_are_environmental() -> None:
    allowed = {
        Category.NETWORK_ERROR,
        Category.TIMEOUT,
        Category.RESOURCE_EXHAUSTION,
        Category.CONFIGURATION_ERROR,
    }
    for rule in builtin_rules():
        if rule.transient:
            assert rule.category in allowed, rule.id


@pytest.mark.parametrize(
    "path",
    sorted(SUCCESS_LOGS.glob("*")),
    ids=lambda path: path.name,
)
def test_no_rule_fires_on_successful_job_logs(path: Path) -> None:
    diagnosis = analyze_text(path.read_bytes(), ruleset=RULESET)
    assert _fired(diagnosis) == set()


# ----------------------------------------------------------------- how findings combine
# (rules of several families in one job; those within one family are in its own file)


def test_a_failing_test_outranks_formatting_in_the_same_step() -> None:
    diagnosis = _scan(
        _job(
            "would reformat /home/runner/work/shipping/shipping/src/shipping/rates.py",
            "1 file would be reformatted, 2 files would be left unchanged.",
            "FAILED tests/test_rates.py::test_heavy_parcel - AssertionError: assert 14.99 == 16.99",
            "1 failed, 2 passed in 0.03s",
        )
    )
    assert diagnosis.category is Category.TEST_FAILURE
    assert diagnosis.action == "issue"


def test_network_errors_inside_a_failing_test_are_a_test_failure() -> None:
    diagnosis = _scan(
        _job(
            "E   requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.example.org',"
            " port=443): Max retries exceeded with url: /v1 (Caused by NameResolutionError("
            "\"Failed to resolve 'api.example.org' ([Errno -3] Temporary failure in name "
            'resolution)"))',
            "FAILED tests/test_api.py::test_fetch - requests.exceptions.ConnectionError: "
            "HTTPSConnectionPool(host='api.example.org', port=443)",
            "1 failed in 0.31s",
        )
    )
    assert diagnosis.category is Category.TEST_FAILURE
    assert diagnosis.action == "issue"


def test_a_missing_module_behind_the_collection_wrapper_is_fixed() -> None:
    diagnosis = _scan(
        _job(
            "_____________________ ERROR collecting tests/test_links.py _____________________",
            "E   ModuleNotFoundError: No module named 'bs4'",
            "ERROR tests/test_links.py",
            "!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!",
            "1 error in 0.08s",
        )
    )
    assert diagnosis.action == "fix_pr"
    assert [fix.spec for fix in diagnosis.fixes] == ["add-requirement:beautifulsoup4"]
