"""The built-in rules of `resources.yaml` (src/autorecover/core/rules/builtin/resources.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases

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
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)
