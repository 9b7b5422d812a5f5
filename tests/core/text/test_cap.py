"""Markdown neutralisation: hostile text must render as itself and nothing else (docs/security.md#s5,
T08-T10).

Outputs are parsed with markdown-it-py. With linkify-it-py installed the parser is "gfm-like"
(tables, strikethrough, autolinks); otherwise CommonMark plus tables and strikethrough, and the GFM
autolink rules are checked with the regexes below either way.
"""

from __future__ import annotations

import pytest

from autorecover.core.text import mdsafe
from testing.markdown import MD, rendered_text


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        pytest.param("short", 10, "short", id="fits"),
        pytest.param("abcdefghij", 8, "… (trunc", id="marker-longer-than-room"),
        pytest.param("a" * 30, 20, "aaaaaaa… (truncated)", id="cut"),
        pytest.param("x" * 6 + "e\u0301" + "y" * 20, 20, "xxxxxx… (truncated)", id="combining"),
        pytest.param(
            "x" * 6 + "@\u200bname" * 5, 20, "xxxxxx… (truncated)", id="at-kept-with-zwsp"
        ),
        pytest.param("x" * 6 + "\\\\" + "y" * 20, 21, "xxxxxx… (truncated)", id="backslash"),
    ],
)
def test_cap(text: str, limit: int, expected: str) -> None:
    out = mdsafe.cap(text, limit)
    assert out == expected
    assert len(out) <= limit


def test_cap_rejects_negative_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        mdsafe.cap("x", -1)


@pytest.mark.parametrize(
    ("keep", "expected"),
    [("head", "1\n2\n… (3 more lines)"), ("tail", "(3 earlier lines omitted) …\n4\n5")],
)
def test_cap_lines(keep: str, expected: str) -> None:
    text = "1\n2\n3\n4\n5\n"
    assert mdsafe.cap_lines(text, 2, keep=keep) == expected  # type: ignore[arg-type]
    assert mdsafe.cap_lines(text, 5) == text
    assert mdsafe.cap_lines("1\n2", 1, marker="[{n} line{s}]") == "1\n[1 line]"


def test_cap_body_untouched_when_small() -> None:
    capped = mdsafe.cap_body("small")
    assert capped == mdsafe.Capped("small", False, 5)


def test_cap_body_default_fits_github() -> None:
    body = "x" * 70_000
    capped = mdsafe.cap_body(body)
    assert capped.truncated and capped.original_length == 70_000
    assert len(capped.text) <= mdsafe.DEFAULT_BODY_LIMIT < mdsafe.GITHUB_BODY_MAX


def test_cap_body_closes_an_open_fence_and_details() -> None:
    excerpt = mdsafe.code_block("\n".join(f"line {i} ````" for i in range(2000)))
    body = f"# Title\n\n<details><summary>log</summary>\n\n{excerpt}\n\n</details>\n\nEnd\n"
    capped = mdsafe.cap_body(body, 5_000, marker="TRUNCATED-MARKER")
    assert capped.truncated and len(capped.text) <= 5_000
    tokens = MD.parse(capped.text)
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == 1
    assert "TRUNCATED-MARKER" not in fences[0].content
    assert rendered_text(capped.text).endswith("TRUNCATED-MARKER")
    assert capped.text.count("<details>") == capped.text.count("</details>")


def test_cap_body_never_cuts_inside_a_comment() -> None:
    body = "intro\n<!-- autorecover:fingerprint=" + "a" * 200 + " -->\n" + "b" * 100
    capped = mdsafe.cap_body(body, 120, marker="M")
    assert "<!--" not in capped.text
    assert capped.text.endswith("M")


def test_cap_body_counts_utf8_bytes() -> None:
    body = "é" * 1_000  # 2 bytes each
    capped = mdsafe.cap_body(body, 1_000, marker="M", unit="utf8")
    assert capped.truncated
    assert len(capped.text.encode("utf-8")) <= 1_000
    capped.text.encode("utf-8")
