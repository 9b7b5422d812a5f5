"""Failure fingerprints: the same failure hashes the same on another day, runner, path or
commit; a different failure (another module, rule or category) hashes differently."""

from __future__ import annotations

import re

import pytest

from autorecover.core.analysis.fingerprint import fingerprint, identity, normalise_message
from autorecover.core.models import Category


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2024-03-12T10:15:02.1234567Z boom", "<time> boom", id="iso-timestamp"),
        pytest.param("2024-03-12 10:15:02,123 boom", "<time> boom", id="logging-timestamp"),
        pytest.param("crashed at 10:15:02 today", "crashed at <time> today", id="clock-time"),
        pytest.param("/home/runner/work/app/app/src/x.py", "/src/x.py", id="linux-workspace"),
        pytest.param("/Users/runner/work/app/app/src/x.py", "/src/x.py", id="macos-workspace"),
        pytest.param(r"D:\a\app\app\src\x.py", r"\src\x.py", id="windows-workspace"),
        pytest.param("/tmp/tmpa8f3k/x failed", "<tmp> failed", id="tmp"),
        pytest.param("/var/folders/xy/T/abc: gone", "<tmp>: gone", id="macos-tmp"),
        pytest.param(
            r"C:\Users\runneradmin\AppData\Local\Temp\tmp12\x failed",
            "<tmp> failed",
            id="windows-tmp",
        ),
        pytest.param("id 123e4567-e89b-12d3-a456-426614174000 lost", "id <uuid> lost", id="uuid"),
        pytest.param("worker at 0x7f3a9c1d2e", "worker at <hex>", id="address"),
        pytest.param("commit deadbeef1234 broke it", "commit <hex> broke it", id="sha"),
        pytest.param("took 31.2s", "took <dur>", id="seconds"),
        pytest.param("took 5 ms", "took <dur>", id="milliseconds-spaced"),
        pytest.param("after 10 minutes", "after <dur>", id="minutes"),
        pytest.param("wrote 12.5 MB", "wrote <size>", id="megabytes"),
        pytest.param("read 1024 bytes", "read <size>", id="bytes"),
        pytest.param("needs 3GiB", "needs <size>", id="gibibytes"),
        pytest.param("x.py:12:5: E501", "x.py:<n>: e501", id="line-and-column"),
        pytest.param("error on line 42", "error on <n>", id="line-n"),
        pytest.param("refused on port 443", "refused on <n>", id="port"),
        pytest.param("killed pid 1234", "killed <n>", id="pid"),
        pytest.param("  A   b\tC  ", "a b c", id="whitespace-and-case"),
        pytest.param("123456 tests", "123456 tests", id="short-numbers-kept"),
        pytest.param("No module named 'yaml'", "no module named 'yaml'", id="no-noise"),
    ],
)
def test_noise_is_removed(text: str, expected: str) -> None:
    assert normalise_message(text) == expected


def test_only_the_first_4096_bytes_count() -> None:
    assert normalise_message("x" * 10_000) == "x" * 4096
    assert fingerprint(Category.UNKNOWN, "", "x" * 4096 + "a") == fingerprint(
        Category.UNKNOWN, "", "x" * 4096 + "b"
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param(
            "2024-03-12T10:15:02Z FAILED tests/test_a.py::test_x",
            "2025-01-01T23:59:59Z FAILED tests/test_a.py::test_x",
            id="another-day",
        ),
        pytest.param(
            "/home/runner/work/app/app/tests/test_a.py:12: AssertionError",
            "/Users/runner/work/app/app/tests/test_a.py:99: AssertionError",
            id="another-runner-and-line",
        ),
        pytest.param(
            "/home/runner/work/app/app/src/x.py failed",
            "/home/runner/work/fork/fork/src/x.py failed",
            id="another-checkout-path",
        ),
        pytest.param(
            "worker 0x7f3a9c1d2e crashed after 31.2s in /tmp/tmpa8f3k/x",
            "worker 0x11aa22bb33 crashed after 2.0s in /tmp/tmpzzzz/x",
            id="another-process",
        ),
        pytest.param("Connection refused", "  connection   REFUSED ", id="case-and-spacing"),
    ],
)
def test_same_failure_hashes_the_same(a: str, b: str) -> None:
    assert fingerprint(Category.TEST_FAILURE, "rule", a) == fingerprint(
        Category.TEST_FAILURE, "rule", b
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param(
            (Category.DEPENDENCY_ISSUE, "module-missing", "module=yaml"),
            (Category.DEPENDENCY_ISSUE, "module-missing", "module=requests"),
            id="another-module",
        ),
        pytest.param(
            (Category.TEST_FAILURE, "pytest-failed", "test=tests/a.py::x"),
            (Category.TEST_FAILURE, "pytest-failed", "test=tests/a.py::y"),
            id="another-test",
        ),
        pytest.param(
            (Category.LINTING_ERROR, "black", ""),
            (Category.LINTING_ERROR, "isort", ""),
            id="another-rule",
        ),
        pytest.param(
            (Category.NETWORK_ERROR, "r", "boom"),
            (Category.TIMEOUT, "r", "boom"),
            id="another-category",
        ),
        pytest.param(
            (Category.UNKNOWN, "a", "b"),
            (Category.UNKNOWN, "ab", ""),
            id="fields-are-separated",
        ),
    ],
)
def test_different_failures_hash_differently(
    a: tuple[Category, str, str], b: tuple[Category, str, str]
) -> None:
    assert fingerprint(*a) != fingerprint(*b)


def test_fingerprint_is_16_hex_digits() -> None:
    value = fingerprint(Category.UNKNOWN, "", "")
    assert re.fullmatch(r"[0-9a-f]{16}", value)


@pytest.mark.parametrize(
    ("text", "captures", "title", "expected"),
    [
        pytest.param(
            "E   ModuleNotFoundError: No module named 'yaml'",
            {"module": "yaml"},
            "Module '{module}' missing",
            "module=yaml",
            id="title-capture-identifies",
        ),
        pytest.param(
            "x",
            {"test": "t.py::a", "module": "m", "extra": "e"},
            "{test} needs {module} ({test})",
            "module=m test=t.py::a",
            id="title-captures-sorted-and-deduplicated",
        ),
        pytest.param(
            "would reformat src/a.py",
            {"path": "src/a.py"},
            "Black would reformat",
            "",
            id="fix-only-capture-ignored",
        ),
        pytest.param(
            "would reformat src/a.py",
            {"module": ""},
            "Module '{module}'",
            "",
            id="empty-title-capture-ignored",
        ),
        pytest.param(
            "Segmentation fault at 0x7f",
            {},
            "The process crashed",
            "Segmentation fault at 0x7f",
            id="no-captures-uses-the-line",
        ),
        pytest.param(
            "last lines\nof the step",
            {"module": "yaml"},
            None,
            "last lines\nof the step",
            id="no-rule-uses-the-text",
        ),
    ],
)
def test_identity(text: str, captures: dict[str, str], title: str | None, expected: str) -> None:
    assert identity(text, captures, title) == expected


def test_files_a_fixer_would_touch_do_not_split_one_failure() -> None:
    title = "Black would reformat"
    a = identity("would reformat src/a.py", {"path": "src/a.py"}, title)
    b = identity("would reformat src/zzz.py", {"path": "src/zzz.py"}, title)
    assert fingerprint(Category.LINTING_ERROR, "black", a) == fingerprint(
        Category.LINTING_ERROR, "black", b
    )
