"""A <pre> block shows and copies the exact text and pings, links and closes nothing,
without zero-width characters (bodies about the repository's own runs)."""

from __future__ import annotations

import html
import random
import re
import textwrap
from html.parser import HTMLParser

import pytest

from autorecover.core.text.mdsafe import ZWSP, clean
from autorecover.core.text.pre import pre_block
from testing.markdown import MD

LIVE_GH_REF = re.compile(r"(?i)\bgh-\d")
# The alphabet of hostile text (as in test_mdsafe.py).
ALPHABET = "`~\n <>!-#@&;[]()*_|\\:/.=+0123456789abcxyz\t\u200b\u202e\x00\x85GHw"
HOSTILE = [
    "```\nbreakout\n```",
    "~~~\nx\n~~~",
    "</details>\n<!--\n<img src=http://127.0.0.1/t>",
    "</code></pre>\n<script>x</script>",
    "&commat;octocat &#64;x &amp;",
    "pip install 'pkg @ git+https://x/y@v1'",
    "",
]


def _code_content(text: str) -> str:
    body = clean(text)
    return body[:-1] if body.endswith("\n") else body


class _PreText(HTMLParser):
    """The text a browser shows (and copies) from a rendered <pre> block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


def _shown(markdown: str) -> tuple[list[str], str]:
    parser = _PreText()
    parser.feed(MD.render(markdown))
    return parser.tags, parser.text


def _check_pre(text: str) -> None:
    out = pre_block(text)
    assert ZWSP not in out
    assert [t.type for t in MD.parse(out)] == ["html_block"], text
    tags, shown = _shown(out)
    assert tags == ["pre", "code"], text
    expected = _code_content(text)
    assert shown == (expected + "\n"), text
    # The raw Markdown (what a notification e-mail carries) pings and links nothing.
    assert "@" not in out and "#" not in out.replace("&#", "")
    assert not LIVE_GH_REF.search(out)


@pytest.mark.parametrize("text", HOSTILE)
def test_pre_block_shows_and_copies_the_exact_text(text: str) -> None:
    _check_pre(text)


def test_pre_block_defuses_closing_keywords_and_references() -> None:
    out = pre_block("fixes #12, closes GH-3, resolves o/r#4 @octocat")
    assert not re.search(r"(?i)\b(?:fix|close|resolve)", out)
    assert not LIVE_GH_REF.search(out)
    assert _shown(out)[1] == "fixes #12, closes GH-3, resolves o/r#4 @octocat\n"


def test_pre_block_inside_a_list_item() -> None:
    item = "- Evidence:\n\n" + textwrap.indent(
        pre_block("E   assert 1 == 2\n\nFAILED t.py::test_x"), "  "
    )
    html_out = MD.render(item)
    assert html_out.count("<li>") == 1 and "<pre><code>" in html_out
    assert "E   assert 1 == 2\n\nFAILED t.py::test_x" in html.unescape(html_out)


def test_fuzz_pre_block() -> None:
    rng = random.Random(20261203)
    for _ in range(300):
        _check_pre("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60))))
