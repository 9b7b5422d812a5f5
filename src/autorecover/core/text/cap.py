"""Keep text within GitHub's limits without breaking it: a grapheme cluster is never cut,
and a body cut short never leaves a code fence or a `<details>` open (docs/security.md#t46).

Pure, no I/O; linear in the input length.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

# GitHub answers 422 "body is too long (maximum is 65536 characters)" for issue, PR and comment
# bodies (renovatebot/renovate#2032). Measurements disagree on the unit (code points for PR
# bodies, 262,144 bytes for issue bodies: dead-claudia/github-limits#13), so we count code points
# and stay well below: 60,000 code points is at most 240,000 UTF-8 bytes, under both readings.
GITHUB_BODY_MAX = 65_536
DEFAULT_BODY_LIMIT = 60_000
DEFAULT_MARKER = "… (truncated)"


def _breaks_cluster(ch: str) -> bool:
    """True if cutting just before ``ch`` would split it from the character it modifies."""
    if "\udc00" <= ch <= "\udfff":
        return True
    return unicodedata.category(ch) in ("Mn", "Mc", "Me") or ch in "\u200d\ufe0e\ufe0f"


def _safe_cut(text: str, index: int) -> int:
    """Move a cut point left so it splits no surrogate pair, combining sequence or escape.

    Also never leaves ``@``/``#`` as the last kept character (the ZWSP after it would be cut
    off and the marker glued on) nor a trailing backslash (it would escape the marker).
    """
    index = max(0, min(index, len(text)))
    while 0 < index < len(text) and _breaks_cluster(text[index]):
        index -= 1
    while index > 0 and (text[index - 1] in "@#\\" or "\ud800" <= text[index - 1] <= "\udbff"):
        index -= 1
    return index


def cap(text: str, limit: int, marker: str = DEFAULT_MARKER) -> str:
    """Cut ``text`` to at most ``limit`` code points, ending with ``marker`` when cut."""
    if limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    if len(text) <= limit:
        return text
    if len(marker) >= limit:
        return marker[:limit]
    return text[: _safe_cut(text, limit - len(marker))] + marker


def cap_lines(
    text: str, max_lines: int, *, keep: Literal["head", "tail"] = "head", marker: str | None = None
) -> str:
    """Keep the first (or last) ``max_lines`` lines, with a line saying how many were left out.

    ``marker`` may contain ``{n}``, the number of lines left out, and ``{s}``, an "s" when
    that number is not 1.
    """
    if max_lines < 1:
        raise ValueError(f"max_lines must be >= 1, got {max_lines}")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) <= max_lines:
        return text
    omitted = len(lines) - max_lines
    plural = "" if omitted == 1 else "s"
    if keep == "head":
        note = (marker or "… ({n} more line{s})").format(n=omitted, s=plural)
        return "\n".join([*lines[:max_lines], note])
    note = (marker or "({n} earlier line{s} omitted) …").format(n=omitted, s=plural)
    return "\n".join([note, *lines[-max_lines:]])


@dataclass(frozen=True, slots=True)
class Capped:
    """A body after :func:`cap_body`: the text, whether it was cut, and its length before."""

    text: str
    truncated: bool
    original_length: int


def _measure(text: str, unit: Literal["chars", "utf8"]) -> int:
    return len(text) if unit == "chars" else len(text.encode("utf-8"))


def _chars_within(text: str, budget: int, unit: Literal["chars", "utf8"]) -> int:
    """The largest prefix length (in code points) whose size in ``unit`` is within budget."""
    budget = max(0, budget)
    if unit == "chars":
        return min(budget, len(text))
    return len(text.encode("utf-8")[:budget].decode("utf-8", "ignore"))


def _open_constructs(text: str) -> tuple[str, int]:
    """The fence still open at the end of ``text`` (or ""), and how many <details> are open.

    A line scanner after CommonMark's fence rules (up to 3 spaces of indent; a closing fence uses
    the same character, is at least as long and has nothing else on its line). Container blocks
    are ignored: the bot's templates put fences and <details> at column 0.
    """
    fence = ""
    details = 0
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        if len(line) - len(stripped) > 3:
            continue
        if fence:
            run = len(stripped) - len(stripped.lstrip(fence[0]))
            if run >= len(fence) and not stripped[run:].strip(" \t"):
                fence = ""
            continue
        if stripped[:3] in ("```", "~~~"):
            char = stripped[0]
            run = len(stripped) - len(stripped.lstrip(char))
            if char == "~" or "`" not in stripped[run:]:
                fence = char * run
            continue
        lowered = stripped.lower()
        if lowered.startswith("<details"):
            details += 1
        elif lowered.startswith("</details") and details:
            details -= 1
    return fence, details


def cap_body(
    body: str,
    limit: int = DEFAULT_BODY_LIMIT,
    *,
    marker: str = "_… truncated: the full text was too long for GitHub._",
    unit: Literal["chars", "utf8"] = "chars",
) -> Capped:
    """Keep a rendered body within ``limit`` (code points, or UTF-8 bytes for the summary).

    Cuts at a line end where one is near, closes a code fence or ``<details>`` left open by the
    cut (so the marker and anything after the body render as prose, not as code), never cuts
    inside an HTML comment, and appends ``marker``.
    """
    size = _measure(body, unit)
    if size <= limit:
        return Capped(body, False, len(body))
    budget = limit - _measure(marker, unit) - 2
    for _ in range(4):
        cut = _safe_cut(body, _chars_within(body, budget, unit))
        newline = body.rfind("\n", max(0, cut - 2_000), cut)
        if newline > 0:
            cut = newline
        kept = body[:cut]
        comment = kept.rfind("<!--")
        if comment > kept.rfind("-->"):
            kept = kept[:comment]
        fence, details = _open_constructs(kept)
        suffix = ""
        if fence:
            suffix += f"\n{fence}"
        suffix += "\n</details>" * details
        text = f"{kept.rstrip(chr(10))}{suffix}\n\n{marker}"
        overshoot = _measure(text, unit) - limit
        if overshoot <= 0:
            return Capped(text, True, len(body))
        budget -= overshoot
    # Pathological (a marker nearly as long as the limit): the marker alone, itself capped.
    return Capped(cap(marker, _chars_within(marker, limit, unit), ""), True, len(body))
