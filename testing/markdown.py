"""Rendering Markdown as GitHub does (markdown-it with GitHub's extensions), for tests of what a body shows."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

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


def _inline_text(token: Token) -> str:
    return "".join(
        child.content for child in token.children or [] if child.type in ("text", "code_inline")
    ).replace(ZWSP, "")


def tables(markdown: str) -> list[list[list[str]]]:
    """Each table as GitHub shows it: rows of cell texts, the header row first (a row with
    a missing cell shows an empty one, as GitHub pads it)."""
    found: list[list[list[str]]] = []
    for token in MD.parse(markdown):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            found[-1].append([])
        elif token.type == "inline" and found and found[-1] and token.level > 3:
            found[-1][-1].append(_inline_text(token))
        elif token.type == "table_close":
            found[-1] = [row for row in found[-1] if row]
    return found


def structure_problems(markdown: str) -> list[str]:
    """What would show broken on GitHub: a heading with nothing under it before the next
    heading of its level or higher, a table without a header row, an empty table cell."""
    tokens = MD.parse(markdown)
    problems = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            title = _inline_text(tokens[i + 1])
            after = tokens[i + 3] if i + 3 < len(tokens) else None
            ends = after is None or (after.type == "heading_open" and after.tag <= token.tag)
            if ends:
                problems.append(f"section {title!r} is empty")
        elif token.type == "table_open" and tokens[i + 1].type != "thead_open":
            problems.append("a table without a header row")
    for table in tables(markdown):
        for row in table:
            if any(not cell.strip() for cell in row):
                problems.append(f"a row with an empty cell: {row}")
    return problems


def sections(markdown: str, level: int = 2) -> dict[str, str]:
    """The Markdown under each heading of `level` (up to the next one), by heading text."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in markdown.splitlines():
        if line.startswith("#" * level + " "):
            current = found.setdefault(line[level + 1 :].strip(), [])
        elif current is not None:
            current.append(line)
    return {title: "\n".join(lines).strip() for title, lines in found.items()}
