"""The built-in rules of `resources.yaml` (src/autorecover/core/rules/builtin/resources.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from autorecover.core.models import Category
from testing.rules import _assert_fires, _cases, _fired, _job, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    (
        "process-killed-oom",
        "/home/runner/work/_temp/0dbe16bb-3052-4a6e-9755-00561fed9f22.sh: line 1:  2930 Killed"
        "                  pytest --cov=. --cov-report=xml",
    ),
    (
        "process-killed-oom",
        "c++: fatal error: Killed signal terminated program cc1plus",
    ),
    ("exit-code-137", "##[error]Process completed with exit code 137."),
    (
        "node-heap-out-of-memory",
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
    ),
    ("java-out-of-memory", "Caused by: java.lang.OutOfMemoryError: Java heap space"),
    (
        "python-memory-error",
        "FAILED tests/test_20_sentinel1.py::test_Sentinel1SarProduct[data_path0-IW/VV] - "
        "numpy.core._exceptions._ArrayMemoryError: Unable to allocate 1.62 GiB for an array "
        "with shape (16705, 26102) and data type complex64",
    ),
    ("python-memory-error", "E       MemoryError"),
    ("native-out-of-memory", "fatal error: runtime: out of memory"),
    (
        "gradle-daemon-disappeared",
        "Gradle build daemon disappeared unexpectedly (it may have been killed or may have "
        "crashed)",
    ),
    (
        "pytest-xdist-worker-crashed",
        "[gw1] node down: Not properly terminated",
    ),
    (
        "pytest-xdist-worker-crashed",
        "worker 'gw1' crashed while running 'tests/test_big.py::test_load_everything'",
    ),
    ("too-many-open-files", "OSError: [Errno 24] Too many open files: '/tmp/x'"),
    # https://github.com/commercetools/commercetools-docs-kit/issues/1424
    ("process-killed-oom", "➤ YN0000: [@commercetools-website/frontend-studio]: Killed"),
    (
        "exit-code-137",
        "➤ YN0000: [@commercetools-website/frontend-studio]: Process exited (exit code 137), "
        "completed in 2m 24s",
    ),
    # https://github.com/regro/libcfgraph/issues/17
    ("exit-code-137", "Exited with code exit status 137"),
    ("exit-code-137", "CircleCI received exit code 137"),
    # https://github.com/Hexeption/MCP-Reborn/issues/391
    ("java-out-of-memory", "Out of memory. Java heap space"),
    # https://github.com/apache/cloudstack/issues/7085
    ("java-out-of-memory", "##[error]  Java heap space -> [Help 1]"),
    ("java-out-of-memory", "[ERROR] Java heap space -> [Help 1]"),
    # Backstop: https://github.com/Hexeption/MCP-Reborn/issues/391
    ("resource-exhaustion-backstop", "Out of memory. Java heap space"),
    # https://github.com/regro/libcfgraph/issues/17
    ("resource-exhaustion-backstop", "CircleCI received exit code 137"),
    # https://github.com/actions/runner-images/issues/9494
    (
        "resource-exhaustion-backstop",
        "ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


@pytest.mark.parametrize(
    "line",
    [
        "tests/test_proc.py::test_killed_process_exit_code_137 PASSED",
        "3/3 Test #3: out_of_memory_returns_null .............   Passed    0.00 sec",
        "NetworkErrorMapperTest > mapsOutOfMemoryErrorToFatal() PASSED",
        # code quoted in a pytest traceback
        "        raise MemoryError('out of memory')",
    ],
)
def test_resource_backstop_leaves_test_output_alone(line: str) -> None:
    assert "resource-exhaustion-backstop" not in _fired(_scan(line))


def test_the_resource_backstop_yields_to_the_specific_rule() -> None:
    diagnosis = _scan(_job("Out of memory. Java heap space"))
    assert diagnosis.rule == "java-out-of-memory"
    assert diagnosis.category is Category.RESOURCE_EXHAUSTION


def test_the_resource_backstop_names_the_category_but_only_opens_an_issue() -> None:
    # bash 5.2 (jobs.c) when the process limit is reached
    diagnosis = _scan(_job("bash: fork: retry: Resource temporarily unavailable"))
    assert diagnosis.rule == "resource-exhaustion-backstop"
    assert diagnosis.category is Category.RESOURCE_EXHAUSTION
    assert diagnosis.confidence < 0.7
    assert diagnosis.action == "issue"
