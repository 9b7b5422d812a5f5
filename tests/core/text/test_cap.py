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
from markdown_it import MarkdownIt
from markdown_it.token import Token

from autorecover.core.text import mdsafe
from autorecover.core.text.mdsafe import ZWSP

FORBIDDEN_TOKENS = {"link_open", "image", "html_inline", "html_block"}
# Mention-like / reference-like text GitHub would link: "@" or "#" not followed by our ZWSP,
# "GH-12", GFM extended autolinks (scheme://, www., e-mail).
LIVE_MENTION = re.compile(r"[@#](?!\u200b)")
LIVE_GH_REF = re.compile(r"(?i)\bgh-\d")
LIVE_AUTOLINK = re.compile(r"(?i)://|\b(www\.|mailto:|xmpp:)")
LIVE_CLOSING = re.compile(r"(?i)\b(close[sd]?|fix(e[sd])?|resolve[sd]?)\b")


def _parser() -> MarkdownIt:
    try:
        md = MarkdownIt("gfm-like")
        md.parse("x")
    except ModuleNotFoundError:  # linkify-it-py is optional
        return MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # GFM autolinks need a scheme or "www."; linkify-it's fuzzy modes link far more.
    assert md.linkify is not None
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    return md


MD = _parser()


def walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def tokens_of(markdown: str) -> list[Token]:
    return list(walk(MD.parse(markdown)))


def rendered_text(markdown: str) -> str:
    """The visible text of prose, ZWSPs removed, paragraphs joined by newlines."""
    parts: list[str] = []
    for token in MD.parse(markdown):
        if token.type == "inline":
            text = ""
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    text += child.content
                elif child.type in ("softbreak", "hardbreak"):
                    text += "\n"
            parts.append(text)
    return "\n".join(parts).replace(ZWSP, "")


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
