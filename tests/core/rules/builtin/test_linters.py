"""The built-in rules of `linters.yaml` (src/autorecover/core/rules/builtin/linters.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from autorecover.core.models import Category
from testing.rules import _assert_fires, _cases, _fired, _job, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    ("ruff-check-found", "Found 6 errors."),
    ("ruff-check-found", "Found 1 error."),
    ("ruff-check-fixable", "[*] 6 fixable with `--fix`."),
    ("ruff-check-fixable", "[*] 6 fixable with the `--fix` option."),
    (
        "ruff-check-fixable",
        "[*] 1 fixable with `--fix` (1 unsafe fix available with `--fix --unsafe-fixes`).",
    ),
    (
        "ruff-check-no-fixes",
        "No fixes available (2 hidden fixes can be enabled with the `--unsafe-fixes` option).",
    ),
    ("ruff-violation-unfixable", "F821 Undefined name `logger`"),
    ("ruff-violation-unfixable", "E722 Do not use bare `except`"),
    ("ruff-violation-unfixable", "PLR0913 Too many arguments in function definition (8 > 5)"),
    ("ruff-violation-unfixable", "  5:16 F821 Undefined name `undefined_name`"),
    ("python-lint-violation", "src/sensors/readings.py:1:1: F401 'os' imported but unused"),
    (
        "python-lint-violation",
        "./scraper.py:14:49: F821 undefined name 'defualt_title'",
    ),
    (
        "python-lint-violation",
        "##[error]exporter/export.py:10:9: F821 Undefined name `cleanup`",
    ),
    ("python-lint-violation", "pkg/bad.py:1: [F401] `os` imported but unused"),
    (
        "python-lint-violation",
        "torchoptics/propagation/__init__.py:5:5: F401 `.propagator.VALID_PADDING_MODES` "
        "imported but unused; consider removing, adding to `__all__`, or using a redundant "
        "alias",
    ),
    (
        "lint-syntax-error",
        "pkg/syn.py:1:7: invalid-syntax: Expected a parameter or the end of the parameter list",
    ),
    ("lint-syntax-error", "invalid-syntax: Expected `)`, found newline"),
    ("lint-syntax-error", "pkg/syn.py:1:8: E999 SyntaxError: invalid syntax"),
    (
        "lint-syntax-error",
        "pkg/syn.py:1:7: E0001: Parsing failed: 'invalid syntax (pkg.syn, line 1)' (syntax-error)",
    ),
    ("ruff-configuration-error", "ruff failed"),
    (
        "ruff-configuration-error",
        "  Cause: Failed to parse /home/runner/work/cfg-service/cfg-service/pyproject.toml",
    ),
    (
        "pylint-message",
        "src/orders/service.py:17:51: E1101: Instance of 'order' has no 'totl' member; maybe "
        "'total'? (no-member)",
    ),
    (
        "eslint-errors",
        "  8:21  error  'funcs' is defined but never used  no-unused-vars",
    ),
    ("eslint-errors", "✖ 6 problems (6 errors, 0 warnings)"),
    ("eslint-errors", "ESLint found too many warnings (maximum: 0)."),
    (
        "eslint-configuration-error",
        "ESLint couldn't find an eslint.config.(js|mjs|cjs) file.",
    ),
    (
        "prettier-check-failed",
        "[warn] Code style issues found in 5 files. Run Prettier with --write to fix.",
    ),
    (
        "prettier-check-failed",
        "[warn] Code style issues found in the above file. Run Prettier with --write to fix.",
    ),
    (
        "shellcheck-findings",
        "SC2086 (info): Double quote to prevent globbing and word splitting.",
    ),
    (
        "actionlint-findings",
        '.github/workflows/ci.yml:12:9: property "foo" is not defined in object type '
        "{os: string} [expression]",
    ),
    (
        "yamllint-errors",
        "  3:1       error    wrong indentation: expected 2 but found 0  (indentation)",
    ),
    ("codespell-typos", "./README.md:10: teh ==> the"),
    (
        "markdownlint-findings",
        "README.md:3 MD022/blanks-around-headings Headings should be surrounded by blank lines",
    ),
    # https://github.com/numtide/treefmt-nix/issues/177 (ruff relayed by treefmt, indented)
    ("ruff-check-found", "    Found 15 errors."),
    ("ruff-check-fixable", "    [*] 15 fixable with the `--fix` option."),
    # ruff 0.17.6 here, `ruff check --fix` with an undefined name left
    ("ruff-check-remaining", "Found 3 errors (2 fixed, 1 remaining)."),
    # https://github.com/Haider8/tmessage/issues/34 (pylint run on a whole checkout)
    (
        "pylint-message",
        "CODE_OF_CONDUCT.md:5:6: E0001: invalid syntax (<unknown>, line 5) (syntax-error)",
    ),
    ("pylint-message", "tmessage/cli.py:38:15: W0613: Unused argument 'client' (unused-argument)"),
    # https://github.com/CodeTrophs/Frontend/issues/340 (eslint problem-matcher annotation)
    (
        "eslint-errors",
        "Error:   16:12  error  'goToPrevious' is defined but never used  no-unused-vars",
    ),
    # https://github.com/vercel/next-learn/issues/893 (next lint)
    (
        "eslint-errors",
        "58:14  Error: 'error' is defined but never used.  @typescript-eslint/no-unused-vars",
    ),
    # https://github.com/bluzi/travis-buddy/pull/93
    ("eslint-parsing-error", "  10:4  error  Parsing error: Unexpected token throw"),
    # RuboCop summary, find_string hit 3627496076
    ("linting-error-backstop", "7 files inspected, 3 offenses detected"),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


def test_ruff_all_fixable_proposes_ruff_fix() -> None:
    diagnosis = _scan(
        _job(
            "pricing/rules.py:10:15: F541 [*] f-string without any placeholders",
            "pricing/rules.py:16:12: UP032 [*] Use f-string instead of `format` call",
            "Found 2 errors.",
            "[*] 2 fixable with `--fix`.",
        )
    )
    assert diagnosis.action == "fix_pr"
    assert [fix.spec for fix in diagnosis.fixes] == ["ruff-fix"]


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(
            (
                "scheduler/jobs.py:9:5: E722 Do not use bare `except`",
                "scheduler/jobs.py:1:8: F401 [*] `os` imported but unused",
                "Found 2 errors.",
                "[*] 1 fixable with `--fix`.",
            ),
            id="concise-partly-fixable",
        ),
        pytest.param(
            ("F821 Undefined name `logger`", " --> scheduler/jobs.py:10:9", "Found 1 error."),
            id="full-nothing-fixable",
        ),
        pytest.param(
            ("##[error]exporter/export.py:10:9: F821 Undefined name `cleanup`",),
            id="github-format",
        ),
        pytest.param(
            (
                "pkg/bad.py:",
                "  1:8  F401 [*] `os` imported but unused",
                "  5:16 F821 Undefined name `undefined_name`",
                "Found 2 errors.",
            ),
            id="grouped-format",
        ),
    ],
)
def test_ruff_with_unfixable_violations_is_an_issue(lines: tuple[str, ...]) -> None:
    diagnosis = _scan(_job(*lines))
    assert diagnosis.category is Category.LINTING_ERROR
    assert diagnosis.action == "issue"


@pytest.mark.parametrize(
    "line",
    [
        "No lint errors found!",
        "1 file inspected, no offenses detected",
        "Found 1 error (1 fixed, 0 remaining).",
    ],
)
def test_clean_lint_summaries_are_not_findings(line: str) -> None:
    assert _fired(_scan(line)) == set()


def test_eslint_parser_configuration_is_not_a_syntax_error() -> None:
    line = "  1:1  error  Parsing error: The keyword 'import' is reserved"
    fired = _fired(_scan(line))
    assert "eslint-parsing-error" not in fired
    assert "eslint-errors" in fired


def test_pylint_syntax_error_in_a_python_file_is_a_syntax_error() -> None:
    line = (
        "pkg/syn.py:1:7: E0001: Parsing failed: 'invalid syntax (pkg.syn, line 1)' (syntax-error)"
    )
    fired = _fired(_scan(line))
    assert "lint-syntax-error" in fired
    assert "pylint-message" not in fired
