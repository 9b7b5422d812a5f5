"""The built-in rules of `python.yaml` (src/autorecover/core/rules/builtin/python.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from autorecover.core.analysis.diagnose import AnalysisContext
from autorecover.core.models import Category
from testing.rules import _assert_fires, _cases, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    ("python-module-not-found", "E   ModuleNotFoundError: No module named 'yaml'"),
    ("python-module-not-found", "ImportError: No module named cv2"),
    ("python-module-not-found", "/usr/bin/python3: No module named pytest"),
    ("python-syntax-error", "E   SyntaxError: invalid syntax"),
    ("python-syntax-error", "IndentationError: unexpected indent"),
    # world/train/c2-ansible-sanity-fstring-expecting-brace (ansible/ansible#84942)
    (
        "python-syntax-error",
        "lib/ansible/utils/path.py:0:0: traceback: SyntaxError: f-string: expecting '}' (at "
        "lib/ansible/utils/collection_loader/_collection_finder.py:1166:104)",
    ),
    # CPython 3.11 compileall here
    ("python-syntax-error", "Sorry: IndentationError: unexpected indent (bad.py, line 2)"),
    (
        "python-cannot-import-name",
        "ImportError: cannot import name 'soft_unicode' from 'markupsafe' "
        "(/opt/hostedtoolcache/Python/3.10.13/x64/lib/python3.10/site-packages/markupsafe/"
        "__init__.py)",
    ),
    (
        "python-shared-library-missing",
        "ImportError: libGL.so.1: cannot open shared object file: No such file or directory",
    ),
    (
        "yaml-syntax-error",
        "ERROR: yaml.scanner.ScannerError: mapping values are not allowed here",
    ),
    # world/train/c2-yq-parsererror-build-data-yaml (openshift-eng/ocp-build-data#2138)
    ("yaml-syntax-error", "yq: Error running jq: ParserError: while parsing a block mapping"),
    # js-yaml 4.3.2 here
    ("yaml-syntax-error", "YAMLException: bad indentation of a mapping entry (3:2)"),
    (
        "python-script-not-found",
        "python3: can't open file '/home/runner/work/app/app/setup.py': [Errno 2] No such file "
        "or directory",
    ),
    ("python-interpreter-crash", "Fatal Python error: Segmentation fault"),
    (
        "django-improperly-configured",
        "django.core.exceptions.ImproperlyConfigured: Requested setting DEBUG, but settings are"
        " not configured.",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


def test_own_package_is_retargeted_to_the_derived_rule() -> None:
    context = AnalysisContext(repository="acme-labs/myproject")
    diagnosis = _scan("E   ModuleNotFoundError: No module named 'myproject'", context)
    assert diagnosis.rule == "python-own-package-not-importable"
    assert diagnosis.category is Category.DEPENDENCY_ISSUE
    assert not diagnosis.fixes


def test_a_json_parse_of_an_html_page_is_not_a_syntax_error() -> None:
    diagnosis = _scan("SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON")
    assert diagnosis.category is not Category.SYNTAX_ERROR
