"""Rendering Markdown as GitHub does (markdown-it with GitHub's extensions), for tests of what a body shows."""

from __future__ import annotations

from markdown_it import MarkdownIt

from autorecover.core.text.mdsafe import ZWSP


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
