"""The built-in rules of `typing.yaml` (src/autorecover/core/rules/builtin/typing.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases, _fired, _scan

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
    # https://github.com/qiskit-community/qiskit-nature/issues/1309 (problem-matcher annotation)
    (
        "mypy-type-error",
        'Error: qiskit_nature/second_q/hamiltonians/lattices/lattice.py:25: error: Unused "type: '
        'ignore" comment  [unused-ignore]',
    ),
    (
        "type-error-backstop",
        'Error: qiskit_nature/second_q/hamiltonians/lattices/lattice.py:25: error: Unused "type: '
        'ignore" comment  [unused-ignore]',
    ),
    # https://github.com/google/clusterfuzz/pull/4655 (behind the butler wrapper's "| ")
    (
        "pyright-type-error",
        "|   /usr/local/google/home/titouan/code/clusterfuzz/src/clusterfuzz/_internal/cron/"
        'grouper.py:68:36 - error: Cannot access attribute "crash_type" for class '
        '"TestcaseAttributes"',
    ),
    # https://github.com/microsoft/pyright/issues/10823
    (
        "pyright-type-error",
        'error: Type "type[UnionType]" is not assignable to declared type "type" '
        "(reportAssignmentType)",
    ),
    (
        "type-error-backstop",
        'error: Type "type[UnionType]" is not assignable to declared type "type" '
        "(reportAssignmentType)",
    ),
    ("type-error-backstop", "      TS2339: Property 'reason' does not exist on type 'Error'."),
    (
        "type-error-backstop",
        "src/a.ts(2,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    ),
    # https://github.com/debug-js/debug/issues/960 (checkJs)
    (
        "typescript-type-error",
        "node_modules/debug/src/index.js:6:47 - error TS2339: Property 'type' does not exist on "
        "type 'Process'.",
    ),
    # https://github.com/slab/quill/issues/4179
    (
        "typescript-declaration-syntax-too-new",
        "[14:22:26] Error - [tsc] node_modules/quill/core/quill.d.ts(102,5): error TS1128: "
        "Declaration or statement expected.",
    ),
    # https://github.com/sealtalk/sealtalk-web/issues/2
    (
        "typescript-declaration-syntax-too-new",
        "> > src/assets/lib/RongIMlib.d.ts(1629,14): error TS1005: ';' expected.",
    ),
    # https://github.com/bvaughn/react-error-boundary/issues/77
    (
        "typescript-declaration-syntax-too-new",
        "TypeScript error in /home/runner/work/.../node_modules/react-error-boundary/dist/"
        "index.d.ts(53,1):",
    ),
    # https://github.com/rcjsuen/dockerfile-language-server/issues/17
    (
        "typescript-syntax-error",
        "test/dockerValidator.tests.ts(678,1): error TS1128: Declaration or statement expected.",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


def test_type_errors_in_declaration_files_are_not_a_parse_problem() -> None:
    line = "node_modules/@types/node/index.d.ts(20,1): error TS2300: Duplicate identifier 'x'."
    assert "typescript-declaration-syntax-too-new" not in _fired(_scan(line))
    line = "src/app.d.ts(3,5): error TS1128: Declaration or statement expected."
    assert "typescript-syntax-error" not in _fired(_scan(line))
