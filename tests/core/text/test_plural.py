"""Counted nouns (src/autorecover/core/text/plural.py)."""

from __future__ import annotations

import pytest

from autorecover.core.text.plural import plural


@pytest.mark.parametrize(
    ("count", "word", "many", "expected"),
    [
        pytest.param(1, "file", "", "1 file", id="one"),
        pytest.param(2, "file", "", "2 files", id="two"),
        pytest.param(0, "time", "", "0 times", id="zero"),
        pytest.param(3, "match", "matches", "3 matches", id="irregular"),
        pytest.param(1, "match", "matches", "1 match", id="irregular-one"),
    ],
)
def test_plural(count: int, word: str, many: str, expected: str) -> None:
    assert plural(count, word, many) == expected
