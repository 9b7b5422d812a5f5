"""The built-in rules of `typing.yaml` (src/autorecover/core/rules/builtin/typing.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    (
        "mypy-type-error",
        "virtualizarr/manifests/manifest.py:137: error: Incompatible types in assignment "
        '(expression has type "ndarray[Any, dtype[Any]]", variable has type "ndarray[Any, '
        'StringDType]")  [assignment]',
    ),
    (
        "mypy-type-error",
        "src/payments/ledger.py:25: \x1b[1m\x1b[31merror:\x1b(B\x1b[m Incompatible types in "
        'assignment (expression has type \x1b(B\x1b[m\x1b[1m"float"\x1b(B\x1b[m)',
    ),
    (
        "mypy-stubs-not-installed",
        'src/fetcher/config.py:3: error: Library stubs not installed for "yaml"  [import-untyped]',
    ),
    (
        "mypy-stubs-not-installed",
        'twine/utils.py:25: error: Library stubs not installed for "requests" (or incompatible'
        " with Python 3.9)",
    ),
    (
        "mypy-import-not-found",
        "src/gateway/auth.py:1: error: Cannot find implementation or library stub for module "
        'named "acme_internal.auth"  [import-not-found]',
    ),
    (
        "mypy-syntax-error",
        "pkg/syn.py:1: error: Expected a parameter or the end of the parameter list  [syntax]",
    ),
    ("mypy-summary", "Found 6 errors in 1 file (checked 2 source files)"),
    ("mypy-configuration-error", "mypy: can't read file 'src': No such file or directory"),
    (
        "pyright-type-error",
        '  /home/runner/work/catalog/catalog/catalog/products.py:19:23 - error: "price_cents" '
        'is not a known attribute of "None" (reportOptionalMemberAccess)',
    ),
    (
        "pyright-import-unresolved",
        '  /tmp/sp/pr/p.py:2:8 - error: Import "nonexistent_mod" could not be resolved '
        "(reportMissingImports)",
    ),
    ("pyright-summary", "3 errors, 0 warnings, 0 informations "),
    (
        "typescript-type-error",
        "src/a.ts(2,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    ),
    (
        "typescript-type-error",
        "src/a.ts:2:7 - error TS2322: Type 'string' is not assignable to type 'number'.",
    ),
    (
        "typescript-type-error",
        "      TS2339: Property 'reason' does not exist on type 'Error'.",
    ),
    (
        "typescript-module-not-found",
        "src/a.ts(1,25): error TS2307: Cannot find module 'nonexistent-mod' or its "
        "corresponding type declarations.",
    ),
    ("typescript-summary", "Found 3 errors in 2 files."),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)
