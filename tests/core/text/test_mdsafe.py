"""Markdown neutralisation: hostile text must render as itself and nothing else (docs/security.md#s5,
T08-T10).

Outputs are parsed with markdown-it-py. With linkify-it-py installed the parser is "gfm-like"
(tables, strikethrough, autolinks); otherwise CommonMark plus tables and strikethrough, and the GFM
autolink rules are checked with the regexes below either way.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Iterator

import pytest
from markdown_it.token import Token

from autorecover.core.text import mdsafe
from autorecover.core.text.mdsafe import ZWSP, Removed
from testing.markdown import MD, rendered_text
from testing.timing import QUARTER_RATIO_LIMIT, quarter_ratio

FORBIDDEN_TOKENS = {"link_open", "image", "html_inline", "html_block"}
# Mention-like / reference-like text GitHub would link: "@" or "#" not followed by our ZWSP,
# "GH-12", GFM extended autolinks (scheme://, www., e-mail).
LIVE_MENTION = re.compile(r"[@#](?!\u200b)")
LIVE_GH_REF = re.compile(r"(?i)\bgh-\d")
LIVE_AUTOLINK = re.compile(r"(?i)://|\b(www\.|mailto:|xmpp:)")


def walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def tokens_of(markdown: str) -> list[Token]:
    return list(walk(MD.parse(markdown)))


def assert_inert(markdown: str) -> None:
    found = {t.type for t in tokens_of(markdown)} & FORBIDDEN_TOKENS
    assert not found, f"{found} in {markdown!r}"
    assert not LIVE_MENTION.search(markdown), markdown
    assert not LIVE_GH_REF.search(markdown), markdown


def expected_prose(text: str, *, multiline: bool = False) -> str:
    """What neutralize(text) should display: entities decoded, hidden characters removed."""
    text = mdsafe.clean(html.unescape(text))
    if not multiline:
        return text.replace("\n", " ").replace("\t", " ").strip()
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


T08 = "@octocat @org/team &#64;x #1 fixes #2 resolves o/r#3"
T09 = ["```", "~~~", "</details>", "<!--", "<img src=http://127.0.0.1/t>"]
T10 = "a\u202eb\u200bc\x00d\x01e\x1bf\x7fg\x85h\ud800i\udc00j"

HOSTILE_PROSE = [
    pytest.param(T08, id="T08"),
    pytest.param("@octocat", id="mention"),
    pytest.param("@org/team-name please look", id="team-mention"),
    pytest.param("&#64;x &#x40;y &commat;z", id="entity-mentions"),
    pytest.param("&amp;#64;x", id="double-encoded-entity"),
    pytest.param("#1 o/r#3 GH-12 gh-7", id="references"),
    pytest.param("Fixes: #4, closes https://github.com/o/r/issues/5", id="closing-keywords"),
    pytest.param("RESOLVED #9 and fixed o/r#10", id="closing-keywords-case"),
    pytest.param("<img src=http://127.0.0.1/t>", id="img-tag"),
    pytest.param("<!-- hidden --> </details> <details><summary>x</summary>", id="html-blocks"),
    pytest.param("[click](http://evil.example) ![i](http://evil.example/i.png)", id="links"),
    pytest.param("\\[x](http://e) \\\\[y](http://e)", id="backslash-before-link"),
    pytest.param("[x][1] [1]: http://evil.example", id="reference-link"),
    pytest.param("<http://evil.example> http://evil.example www.evil.example", id="autolinks"),
    pytest.param("mail a@b.example mailto:x@y.example", id="email-autolinks"),
    pytest.param("`code` **bold** _em_ ~~strike~~ $x^2$ a|b", id="inline-markup"),
    pytest.param("```", id="fence-backticks"),
    pytest.param("~~~", id="fence-tildes"),
    pytest.param(T10, id="T10-controls"),
    pytest.param("x\n# heading\n- item\n1. item\n> quote\n===", id="structure-single-line"),
    pytest.param("&lt;b&gt; &amp; &nbsp; &#0; &#xD800; &#x202E;", id="entities"),
]


FENCE_HOSTILE = [
    pytest.param("```\nbreakout\n```", id="backtick-fence"),
    pytest.param("````````` seven+", id="long-backtick-run"),
    pytest.param("~~~\nx\n~~~", id="tilde-fence"),
    pytest.param("</details>\n<!--\n<img src=http://127.0.0.1/t>", id="html"),
    pytest.param(T08, id="T08"),
    pytest.param(T10, id="T10"),
    pytest.param("  ```\n   ```\n```   ", id="indented-fences"),
    pytest.param("trailing newline\n", id="trailing-newline"),
    pytest.param("", id="empty"),
    pytest.param("&commat;octocat &#64;x", id="entities"),
    pytest.param("{{ 7*7 }}\n{% for c in ().__class__.__base__.__subclasses__() %}", id="jinja"),
]


def _code_content(text: str) -> str:
    """What a code block must contain: the cleaned text, ZWSPs aside."""
    body = mdsafe.clean(text)
    return body[:-1] if body.endswith("\n") else body


def _random_hostile(rng: random.Random, size: int) -> str:
    alphabet = "`~\n <>!-#@&;[]()*_|\\:/.=+0123456789abcxyz\t\u200b\u202e\x00\x85GHw"
    return "".join(rng.choice(alphabet) for _ in range(size))


@pytest.mark.parametrize("text", HOSTILE_PROSE)
def test_neutralize_renders_literally_and_inert(text: str) -> None:
    out = mdsafe.neutralize(text)
    assert_inert(out)
    assert not LIVE_AUTOLINK.search(out)
    assert "\n" not in out
    assert rendered_text(out) == expected_prose(text)
    # Nothing beyond one plain paragraph: no emphasis, code, headings, lists, tables.
    types = {t.type for t in tokens_of(out)}
    assert types <= {"paragraph_open", "paragraph_close", "inline", "text", "softbreak"}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("# heading\n- item\n+ item\n1. item\n2) item\n> quote", id="block-markers"),
        pytest.param("para\n===\npara\n---", id="setext"),
        pytest.param("  * star\n    indented\n```\ncode\n```", id="indent-and-fence"),
        pytest.param(T08 + "\n" + "\n".join(T09), id="T08-T09"),
    ],
)
def test_neutralize_multiline_keeps_lines_without_structure(text: str) -> None:
    out = mdsafe.neutralize(text, multiline=True)
    assert_inert(out)
    types = {t.type for t in tokens_of(out)}
    assert types <= {"paragraph_open", "paragraph_close", "inline", "text", "softbreak"}
    assert rendered_text(out) == expected_prose(text, multiline=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("@octocat", "@\u200boctocat", id="zwsp-after-at"),
        pytest.param("#12", "#\u200b12", id="zwsp-after-hash"),
        pytest.param("&#64;x", "@\u200bx", id="entity-decoded-first"),
        pytest.param("fixes #2", "f\u200bixes #\u200b2", id="keyword-broken"),
        pytest.param("prefix fixed", "prefix fixed", id="keyword-alone-untouched"),
        pytest.param("GH-12", "GH\u200b-12", id="gh-ref"),
        pytest.param("a<b>&c", "a&lt;b&gt;&amp;c", id="html-escaped"),
        pytest.param("![a](b)", "!\\[a\\](b)", id="image"),
        pytest.param("- x", "\\- x", id="leading-dash"),
        pytest.param("10. x", "10\\. x", id="leading-number"),
        pytest.param("build_wheels", "build\\_wheels", id="underscore"),
        pytest.param("https://x.y", "https:\u200b//x.y", id="url"),
        pytest.param("plain words", "plain words", id="plain-unchanged"),
    ],
)
def test_neutralize_exact(text: str, expected: str) -> None:
    assert mdsafe.neutralize(text) == expected


def test_neutralize_is_stable_when_applied_twice() -> None:
    once = mdsafe.neutralize(T08)
    twice_visible = rendered_text(mdsafe.neutralize(once))
    # A second pass escapes the escapes (shows backslashes) but stays inert.
    assert_inert(mdsafe.neutralize(once))
    assert "@" in twice_visible


@pytest.mark.parametrize("text", FENCE_HOSTILE)
def test_code_block_is_exactly_one_fence_with_the_text(text: str) -> None:
    out = mdsafe.code_block(text)
    tokens = MD.parse(out)
    assert [t.type for t in tokens] == ["fence"]
    expected = _code_content(text)
    assert tokens[0].content.replace(ZWSP, "") == (expected + "\n" if expected else "")
    assert not LIVE_MENTION.search(out)
    assert not LIVE_GH_REF.search(out)


def test_code_block_inside_a_body_leaves_the_rest_alone() -> None:
    body = "## Excerpt\n\n" + mdsafe.code_block("```\n</details>\n<!--") + "\n\nAfter.\n"
    tokens = MD.parse(body)
    assert [t.type for t in tokens] == [
        "heading_open",
        "inline",
        "heading_close",
        "fence",
        "paragraph_open",
        "inline",
        "paragraph_close",
    ]


@pytest.mark.parametrize(
    ("text", "fence_len"),
    [("no ticks", 3), ("``", 3), ("```", 4), ("a ````````` b", 10)],
    ids=["none", "two", "three", "nine"],
)
def test_code_block_fence_longer_than_any_run(text: str, fence_len: int) -> None:
    out = mdsafe.code_block(text)
    assert out.startswith("`" * fence_len + "\n")
    assert not out.startswith("`" * (fence_len + 1))


def test_code_block_info_string_cannot_break_the_fence() -> None:
    out = mdsafe.code_block("x", info="py`\n<b>")
    assert out.startswith("```pyb\n")
    assert MD.parse(out)[0].info == "pyb"


def test_code_block_breaks_named_entities_for_email_replies() -> None:
    out = mdsafe.code_block("&commat;octocat")
    assert "&commat;" not in out
    # Rendered as Markdown again (an e-mail reply quoting it), it stays literal text.
    assert "@" not in rendered_text(out.split("\n")[1])


def test_fuzz_code_block_and_neutralize() -> None:
    rng = random.Random(20240607)
    for _ in range(300):
        text = _random_hostile(rng, rng.randint(0, 60))
        out = mdsafe.code_block(text)
        tokens = MD.parse(out)
        assert [t.type for t in tokens] == ["fence"], text
        expected = _code_content(text)
        assert tokens[0].content.replace(ZWSP, "") == (expected + "\n" if expected else "")
        prose = mdsafe.neutralize(text)
        assert_inert(prose)
        assert rendered_text(prose) == expected_prose(text), text


@pytest.mark.parametrize(
    ("text", "table"),
    [
        pytest.param("plain", False, id="plain"),
        pytest.param("`tick` and ``two``", False, id="backticks"),
        pytest.param("`", False, id="lone-backtick"),
        pytest.param(" spaced ", False, id="spaces"),
        pytest.param("a|b", True, id="pipe-in-table"),
        pytest.param("@octocat #1\n<b>", False, id="mention-newline-html"),
    ],
)
def test_inline_code(text: str, table: bool) -> None:
    out = mdsafe.inline_code(text, table=table)
    source = f"| h |\n|---|\n| {out} |\n" if table else f"x {out} y"
    spans = [t for t in tokens_of(source) if t.type == "code_inline"]
    assert len(spans) == 1
    assert spans[0].content.replace(ZWSP, "") == mdsafe.clean(text).replace("\n", " ")
    assert not LIVE_MENTION.search(out)
    assert {t.type for t in tokens_of(source)}.isdisjoint(FORBIDDEN_TOKENS)


def test_inline_code_empty() -> None:
    assert mdsafe.inline_code("") == "` `"


def test_removed_counts_T10() -> None:
    removed = Removed()
    out = mdsafe.neutralize(T10, removed=removed)
    assert removed == Removed(controls=5, bidi=1, invisible=1, surrogates=2)
    assert removed.total == 9
    assert removed.describe() == (
        "5 control characters, 1 bidi control, 1 invisible character removed;"
        " 2 invalid surrogates replaced"
    )
    out.encode("utf-8")  # valid UTF-8 for the API
    for ch in "\u202e\u200b\x00\x01\x1b\x7f\x85":
        assert ch not in out.replace("@\u200b", "").replace("#\u200b", "")


def test_removed_accumulates_and_describes_nothing() -> None:
    removed = Removed()
    mdsafe.code_block("a\x00", removed=removed)
    mdsafe.inline_code("b\u2066", removed=removed)
    assert (removed.controls, removed.bidi) == (1, 1)
    assert Removed().describe() == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a\r\nb\rc", "a\nb\nc", id="crlf-and-cr-are-line-breaks"),
        pytest.param("\ud83d\ude00", "\U0001f600", id="surrogate-pair-joined"),
        pytest.param("x\ud800", "x\ufffd", id="lone-surrogate"),
        pytest.param("tab\tkept\n", "tab\tkept\n", id="tab-newline-kept"),
        pytest.param("\u2066\u2069\u061c\u200e", "", id="bidi"),
        pytest.param("\U000e0041\U000e0042", "", id="tag-characters"),
    ],
)
def test_clean(text: str, expected: str) -> None:
    assert mdsafe.clean(text) == expected


def test_linear_time_on_one_megabyte_line() -> None:
    hostile = ("@#`<&[" + "\u202e" + "fixes #1 " + "`" * 50) * 16_000
    assert len(hostile) > 1_000_000

    def everything(text: str) -> None:
        mdsafe.neutralize(text)
        mdsafe.code_block(text)
        mdsafe.inline_code(text)
        mdsafe.cap_body(mdsafe.code_block(text))

    assert quarter_ratio(everything, hostile) < QUARTER_RATIO_LIMIT
