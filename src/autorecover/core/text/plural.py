"""Counted nouns in what maintainers read: "1 file", "2 files", never "2 file(s)"."""

from __future__ import annotations


def plural(count: int, word: str, many: str = "") -> str:
    """`count` and `word`, or its plural (`many`, else `word` + "s") unless `count` is 1."""
    return f"{count} {word if count == 1 else many or word + 's'}"
