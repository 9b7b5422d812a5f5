"""Make untrusted text inert inside GitHub-flavoured Markdown (docs/security.md#s5,
#t08-#t10, #t46).

Everything the bot posts (issue, PR and comment bodies, the step summary) quotes text an attacker
controls when the failed run came from a fork: log lines, step and job names, branch names, commit
titles. This module turns such text into Markdown that renders as the literal text and nothing else:

* no mention pings: a zero-width space (U+200B) goes after every ``@``, inside code blocks too,
  because notification e-mails carry the raw text and a reply by e-mail turns it back into a live
  mention (dependabot-core#3157, renovate#1083); HTML entities are decoded first so ``&#64;user``
  cannot slip past (zwave-js/zwave-js-ui#4743);
* no cross-references: U+200B after every ``#`` (dependabot-core#12685) and inside ``GH-12``;
* no closing keywords: ``fixes #2`` in a PR body closes issue 2 on merge (GitHub docs, "Linking a
  pull request to an issue"), so the keyword itself is broken up;
* no raw HTML, comments, links, images or autolinks, no table-cell or code-span breakouts;
* no bidi overrides or invisible characters (Trojan Source, CVE-2021-42574), no C0/C1 controls, no
  lone surrogates (they cannot even be encoded as UTF-8 for the API);
* bodies stay under GitHub's length limit without leaving a code fence open.

Pure: no I/O. All pattern matching on untrusted text uses RE2 or plain ``str`` methods, so it is
linear in the input length (docs/security.md#s8).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import re2

from autorecover.core.text.cap import (
    DEFAULT_BODY_LIMIT,
    DEFAULT_MARKER,
    GITHUB_BODY_MAX,
    Capped,
    cap,
    cap_body,
    cap_lines,
)

ZWSP = "\u200b"


_CONTROL_CODEPOINTS = [
    *range(0x00, 0x09),
    0x0B,
    0x0C,
    *range(0x0E, 0x20),
    *range(0x7F, 0xA0),
    # U+2028/U+2029 are line breaks to some renderers and to .NET, not to CommonMark.
    0x2028,
    0x2029,
]
# Trojan Source (CVE-2021-42574): embeddings, overrides, isolates and the implicit marks.
_BIDI_CODEPOINTS = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
# Characters that render as nothing. An attacker uses them to hide text, to split a word so a
# filter misses it, or to smuggle data (Unicode "tag" characters). U+200B is among them: any
# ZWSP in the input is removed, and only the ones this module adds remain.
_INVISIBLE_CODEPOINTS = [
    0x00AD,
    0x034F,
    0x115F,
    0x1160,
    0x17B4,
    0x17B5,
    *range(0x180B, 0x1810),
    0x200B,
    0x200C,
    0x200D,
    *range(0x2060, 0x2065),
    *range(0x206A, 0x2070),
    0x3164,
    0xFEFF,
    0xFFA0,
    *range(0xFFF9, 0xFFFC),
    *range(0x1BCA0, 0x1BCA4),
    *range(0x1D173, 0x1D17B),
    *range(0xE0000, 0xE0080),
    *range(0xE0100, 0xE01F0),
]

_DROP_CONTROLS = dict.fromkeys(_CONTROL_CODEPOINTS)
_DROP_BIDI = dict.fromkeys(_BIDI_CODEPOINTS)
_DROP_INVISIBLE = dict.fromkeys(_INVISIBLE_CODEPOINTS)


def re2_sub(pattern: Any, repl: Callable[[Any], str], text: str) -> str:
    """``pattern.sub`` with a typed result (the re2 module ships no type information)."""
    result: str = pattern.sub(repl, text)
    return result


def _re2_class(codepoints: list[int]) -> str:
    return "".join(f"\\x{{{c:X}}}" for c in codepoints)


# One RE2 scan tells whether any of the three tables has work to do; most text has none.
_ANY_STRIPPABLE = re2.compile(
    "[" + _re2_class(_CONTROL_CODEPOINTS + _BIDI_CODEPOINTS + _INVISIBLE_CODEPOINTS) + "]"
)

# "close/closes/closed/fix/fixes/fixed/resolve/resolves/resolved", optionally followed by a
# colon, then something GitHub resolves to an issue: #N, owner/repo#N, GH-N or an issue URL.
CLOSING_KEYWORD = re2.compile(
    r"(?i)\b(close[sd]?|fix(?:e[sd])?|resolve[sd]?)([ \t\n]*:?[ \t\n]*)"
    r"(#|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#|gh-[0-9]|https?:|www\.)"
)
# GitHub autolinks "GH-123" as an issue reference.
GH_REF = re2.compile(r"(?i)\b(gh)-([0-9])")
# GFM extended autolinks: "scheme://", "www.", "mailto:" and "xmpp:" (cmark-gfm autolink
# extension). Plain e-mail addresses are already broken by the ZWSP after "@".
_AUTOLINK = re2.compile(r"(?i)(://)|\b(www\.|mailto:|xmpp:)")
# A named character reference inside a code block: renders literally there, but becomes the
# character again when an e-mail reply quoting it is rendered as Markdown.
_NAMED_ENTITY = re2.compile(r"&([A-Za-z][A-Za-z0-9]{0,31};)")
# Line starts that would turn a line into a list item, a setext underline or an ordered list.
_LEADING_MARKER = re2.compile(r"(?m)^([ \t]*)(?:([-+=])|([0-9]{1,9})([.)]))")
_BACKTICK_RUN = re2.compile(r"`+")
_INFO_UNSAFE = re2.compile(r"[^A-Za-z0-9_+.-]")

# Prose escaping: one str.translate pass, so an escape is never escaped again. Backslash
# escapes stop emphasis, code spans, links/images ("[", "]"), table cells ("|"), strikethrough
# and math ("$"); entities stop raw HTML, comments and autolinks ("<"), blockquotes (">") and any
# entity in the text ("&" itself); ZWSP defuses mentions and references.
_PROSE_TABLE = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "|": "\\|",
        "~": "\\~",
        "$": "\\$",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "@": "@" + ZWSP,
        "#": "#" + ZWSP,
    }
)
_CODE_TABLE = str.maketrans({"@": "@" + ZWSP, "#": "#" + ZWSP})


@dataclass(slots=True)
class Removed:
    """Tally of characters removed or replaced, so a report can say what was hidden.

    Pass one instance to several calls to accumulate over a whole body.
    """

    controls: int = 0
    bidi: int = 0
    invisible: int = 0
    surrogates: int = 0

    @property
    def total(self) -> int:
        return self.controls + self.bidi + self.invisible + self.surrogates

    def add(self, other: Removed) -> None:
        self.controls += other.controls
        self.bidi += other.bidi
        self.invisible += other.invisible
        self.surrogates += other.surrogates

    def describe(self) -> str:
        """``"3 control characters, 1 bidi control removed; 1 invalid surrogate replaced"``."""
        parts = [
            _plural(self.controls, "control character"),
            _plural(self.bidi, "bidi control"),
            _plural(self.invisible, "invisible character"),
        ]
        removed = ", ".join(p for p in parts if p)
        text = f"{removed} removed" if removed else ""
        if self.surrogates:
            replaced = f"{_plural(self.surrogates, 'invalid surrogate')} replaced"
            text = f"{text}; {replaced}" if text else replaced
        return text


def _plural(n: int, noun: str) -> str:
    if not n:
        return ""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def replace_surrogates(text: str) -> tuple[str, int]:
    """Replace lone surrogates with U+FFFD; return the text and how many were replaced.

    A ``str`` can hold them (``surrogateescape``, JSON ``"\\ud800"``), but they cannot be
    encoded as UTF-8, so RE2, the JSON API body and the step summary file would all fail on them.
    A valid high+low pair is joined into the one character it encodes.
    """
    if text.isascii():
        return text, 0
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return text, 0
    before = text.count("\ufffd")
    fixed = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return fixed, fixed.count("\ufffd") - before


def clean(text: str, removed: Removed | None = None) -> str:
    """Character-level cleaning shared by every builder here.

    Replaces lone surrogates, turns CRLF and lone CR into LF (a line break, not an attack, so
    not counted), and removes C0/C1 controls other than LF and TAB, bidi controls and invisible
    characters, counting each kind into ``removed``.
    """
    text, surrogates = replace_surrogates(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    counts = Removed(surrogates=surrogates)
    if _ANY_STRIPPABLE.search(text) is not None:
        for table, field in (
            (_DROP_CONTROLS, "controls"),
            (_DROP_BIDI, "bidi"),
            (_DROP_INVISIBLE, "invisible"),
        ):
            stripped = text.translate(table)
            setattr(counts, field, len(text) - len(stripped))
            text = stripped
    if removed is not None:
        removed.add(counts)
    return text


def _defuse_closing_keywords(text: str) -> str:
    # "f\u200bixes #2": GitHub no longer sees the keyword; the reference is defused separately.
    return re2_sub(
        CLOSING_KEYWORD,
        lambda m: m.group(1)[0] + ZWSP + m.group(1)[1:] + m.group(2) + m.group(3),
        text,
    )


def _defuse_gh_refs(text: str) -> str:
    return re2_sub(GH_REF, lambda m: m.group(1) + ZWSP + "-" + m.group(2), text)


def _defuse_autolinks(text: str) -> str:
    def repl(m: Any) -> str:
        if m.group(1) is not None:
            return ":" + ZWSP + "//"
        word: str = m.group(2)
        return word[:-1] + ZWSP + word[-1]

    return re2_sub(_AUTOLINK, repl, text)


def neutralize(text: str, *, multiline: bool = False, removed: Removed | None = None) -> str:
    """Escape a prose value (title, step/job/branch name, rule title) for Markdown.

    The result renders as the literal text: no mention, reference, closing keyword, link,
    image, autolink, HTML, emphasis or table-cell break. With ``multiline=False`` (the default,
    for values placed inside a line) newlines and tabs become spaces; with ``multiline=True``
    lines are kept and each line's start is escaped so it cannot become a list item or heading.
    """
    # Decode entities first so "&#64;x"/"&commat;x" get the same treatment as "@x". Every "&"
    # is escaped afterwards, so "&amp;#64;" cannot survive as a live entity either. html.unescape
    # uses a fixed regex with bounded repetition ({1,32}), so it is linear.
    text = clean(html.unescape(text), removed)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    text = _defuse_closing_keywords(text)
    text = text.translate(_PROSE_TABLE)
    text = _defuse_gh_refs(_defuse_autolinks(text))
    return re2_sub(_LEADING_MARKER, _escape_leading_marker, text)


def plain_text(text: str, *, removed: Removed | None = None) -> str:
    """A one-line value for a plain-text field (an issue or PR title, a commit subject).

    GitHub shows titles as text, so nothing is Markdown-escaped, but mentions, `#N` and
    `GH-N` references and closing keywords are still defused: titles link references and
    notification emails render them.
    """
    text = clean(html.unescape(text), removed).replace("\n", " ").replace("\t", " ")
    text = _defuse_closing_keywords(text)
    text = text.replace("@", "@" + ZWSP).replace("#", "#" + ZWSP)
    return _defuse_gh_refs(text)


def _escape_leading_marker(m: Any) -> str:
    # "- x" -> "\- x", "10. x" -> "10\. x": a backslash before the punctuation that makes it
    # a marker (CommonMark allows escaping any ASCII punctuation).
    if m.group(2) is not None:
        return f"{m.group(1)}\\{m.group(2)}"
    return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"


def _code_text(text: str, removed: Removed | None) -> str:
    """Clean text that will sit inside a code block or code span."""
    text = _defuse_closing_keywords(clean(text, removed))
    text = text.translate(_CODE_TABLE)
    text = re2_sub(_NAMED_ENTITY, lambda m: "&" + ZWSP + m.group(1), text)
    return _defuse_gh_refs(text)


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)


def code_block(text: str, info: str = "", *, removed: Removed | None = None) -> str:
    """A fenced code block that shows ``text`` literally, whatever it contains.

    The backtick fence is longer than any backtick run in the text (at least 3), so no line
    inside can close it; ``~~~``, ``</details>``, ``<!--`` and ``<img>`` are inert inside a
    code block. Mentions and references still get a ZWSP (see the module docstring).
    Place the result at the start of a line; inside a list item indent it with Jinja's
    ``indent`` filter so every line stays in the item.
    For a body about one of the repository's own runs, `pre.pre_block` instead.
    """
    body = _code_text(text, removed)
    if body.endswith("\n"):
        body = body[:-1]
    fence = "`" * max(3, _longest_backtick_run(body) + 1)
    # A backtick fence's info string may not contain backticks; keep a plain language name.
    info = _INFO_UNSAFE.sub("", info)[:32]
    return f"{fence}{info}\n{body}\n{fence}" if body else f"{fence}{info}\n{fence}"


def inline_code(text: str, *, table: bool = False, removed: Removed | None = None) -> str:
    """A code span showing a short value literally (a file name, a command, a package).

    Newlines become spaces. With ``table=True`` a ``|`` is escaped as ``\\|``, which GFM needs
    inside a table cell even within a code span (elsewhere the backslash would show).
    """
    body = _code_text(text, removed).replace("\n", " ")
    if table:
        body = body.replace("|", "\\|")
    if not body:
        return "` `"
    delimiter = "`" * (_longest_backtick_run(body) + 1)
    # CommonMark strips one space from each end of a code span that starts and ends with one;
    # padding both ends keeps a leading/trailing backtick or space in the value.
    if body[0] in "` " or body[-1] in "` ":
        body = f" {body} "
    return f"{delimiter}{body}{delimiter}"


# The capping functions live in cap.py; they are part of making text safe to post.
__all__ = [
    "DEFAULT_BODY_LIMIT",
    "DEFAULT_MARKER",
    "GITHUB_BODY_MAX",
    "ZWSP",
    "Capped",
    "Removed",
    "cap",
    "cap_body",
    "cap_lines",
    "clean",
    "code_block",
    "inline_code",
    "neutralize",
    "plain_text",
    "replace_surrogates",
]
