"""Text in a ``<pre>`` block: what bodies about the repository's own runs show code in.

A person copies evidence into a terminal or a search box; a zero-width space (what
`mdsafe.code_block` puts after ``@`` and ``#``) breaks the command or the search while
looking the same. Inside ``<pre>`` (a CommonMark HTML block, type 1) character references
are decoded, so the block shows and copies the exact text, while the raw Markdown that
notification e-mails carry has no ``@name``, ``#12``, ``GH-12`` or closing keyword left
(docs/security.md#s5). Runs from forks keep `mdsafe.code_block`'s ZWSPs.
"""

from __future__ import annotations

import re2

from autorecover.core.text.mdsafe import CLOSING_KEYWORD, GH_REF, Removed, clean, re2_sub

# Every "<", ">" and "&" a reference, so nothing inside ends the block or opens a tag; "@"
# and "#" references so the raw text mentions and links nothing. U+0001 (which clean()
# never lets through) marks the characters to turn into references after "&" is escaped.
_MARKED = re2.compile("\x01(.)")
_PRE_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;", "#": "&#35;"})


def pre_block(text: str, *, removed: Removed | None = None) -> str:
    """``text`` in a ``<pre>`` block: exact when rendered, no zero-width characters.

    Every ``<``, ``>`` and ``&`` is a reference, so nothing inside can end the block or open
    a tag; ``@`` and ``#`` are references too, and so is the first letter of a closing
    keyword and the dash of ``GH-12``: the raw text holds no mention, reference or keyword.
    """
    # clean() removed every control character, so U+0001 can mark the characters to turn
    # into references after the table has escaped "&".
    body = clean(text, removed).rstrip("\n")
    body = re2_sub(
        CLOSING_KEYWORD,
        lambda m: "\x01" + m.group(1) + m.group(2) + m.group(3),
        body,
    )
    body = re2_sub(GH_REF, lambda m: m.group(1) + "\x01-" + m.group(2), body)
    body = re2_sub(_MARKED, lambda m: f"&#{ord(m.group(1))};", body.translate(_PRE_TABLE))
    # The first line right after the tag: a newline there would be dropped by HTML parsers
    # but kept by some renderers; the closing tag on a line of its own ends the HTML block.
    return f"<pre><code>{body}\n</code></pre>"
