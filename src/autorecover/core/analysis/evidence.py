"""The lines a person reads first: the ones that explain the failure (pure).

For a recognised failure: the matched line of the primary cause, the lines of the other
significant findings of the failing step, and the lines right after the primary that
continue it (pytest's `E` lines, the rest of a compiler message). For an unrecognised one:
the failing step's lines that read like an error, ranked by an error vocabulary. Never the
runner's framing (`shell:`, `env:` blocks, `##[group]`, `[command]`, the exit line)
unless a rule matched it; at most `MAX_LINES`, the primary line first and the rest in log
order. Judged against lines people marked: benchmarks/accuracy.py, "evidence".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

import re2

from autorecover.core.analysis.propose import Ranked, rank_key
from autorecover.core.models import EvidenceLine

MAX_LINES = 12
MAX_ANNOTATIONS = 3
CONTINUATION = 3  # lines after the primary that may continue its message

# What the runner prints around a step: never evidence on its own (after normalisation
# `##[error]` reads `Error: `; timestamps are already gone).
_FRAMING = re2.compile(
    r"^(?:##\[(?:end)?group\]|\[command\]|shell: |env:$|Error: Process completed with exit "
    r"code \d+|Post job cleanup|Cleaning up orphan processes|Run [\w./-]+@|  [A-Za-z_][\w]*: "
    r"|with:$|Complete job name: |Download action repository |Prepare (?:workflow|all)|"
    r"Getting action download info|Current runner version|Secret source: )"
)
# Words of an error message, with a weight (the highest-scoring lines are shown first
# among unrecognised failures). RE2: the text is the log's.
_VOCABULARY: tuple[tuple[Any, int], ...] = tuple(
    (re2.compile(pattern), weight)
    for pattern, weight in (
        (r"(?i)\b(?:error|fatal|panic|exception)\b", 4),
        (r"\b[A-Z]\w+(?:Error|Exception)\b", 4),  # ValueError, AssertionError
        (r"(?i)\b(?:traceback|segmentation fault|core dumped|aborted?)\b", 3),
        (r"(?i)\b(?:fail(?:ed|ure|s)?|denied|refused|forbidden|unauthori[sz]ed)\b", 3),
        (r"(?i)\b(?:cannot|can't|could not|couldn't|unable to|not found|no such)\b", 2),
        (r"(?i)\b(?:timed? ?out|killed|exceeded|invalid|missing|unexpected)\b", 2),
        (r"(?i)\b(?:exit(?:ed)? (?:with )?(?:code|status)|returned non-zero)\b", 1),
        (r"^E +\S", 2),  # pytest's assertion lines
    )
)

# A stack frame (Java/Kotlin/C# `at pkg.Cls.method(File.java:12)`, Node `at fn (file:1:2)`):
# it says where, not what; the message above it is the evidence.
_FRAME = re2.compile(r"^\s+at \S.*[(:]\S*\d+\)?$")
_DIGITS = re2.compile(r"\d+")

Redact = Callable[[str], str]


def is_framing(text: str) -> bool:
    return bool(_FRAMING.match(text)) or not text.strip()


def score(text: str) -> int:
    """How much a line reads like an error message (0: not at all)."""
    if is_framing(text):
        return 0
    return sum(weight for regex, weight in _VOCABULARY if regex.search(text))


def _continues(text: str) -> bool:
    """A line that carries on the message above it: indented, or pytest's `E` lines; not
    a stack frame."""
    if is_framing(text) or _FRAME.match(text):
        return False
    return text.startswith((" ", "\t", "E ")) or score(text) > 0


def _shape(text: str) -> str:
    """A line with its numbers blanked: retries of one failure (`3 tries remaining`, `2
    tries remaining`) have one shape, and a person needs to read it once."""
    return str(_DIGITS.sub("#", text.strip()))


def for_match(
    primary: Ranked, ranked: Sequence[Ranked], redact: Redact
) -> tuple[EvidenceLine, ...]:
    """Evidence of a recognised failure."""
    annotations = [
        EvidenceLine(0, redact(item.record.text), True)
        for item in ranked
        if item.record.line == 0 and (item is primary or item.rule.significant)
    ][:MAX_ANNOTATIONS]
    lines: dict[int, EvidenceLine] = {}
    if primary.record.line:
        lines[primary.record.line] = EvidenceLine(
            primary.record.line, redact(primary.record.text), True
        )
        for number, text in primary.record.after[:CONTINUATION]:
            if not _continues(text):
                break
            lines.setdefault(number, EvidenceLine(number, redact(text)))
    # The continuation is shown as printed; further findings only when they are not the
    # same failure again.
    shapes = {_shape(line.text) for line in lines.values()}
    for item in sorted(ranked, key=rank_key, reverse=True):
        if len(lines) >= MAX_LINES:
            break
        record = item.record
        if record.line and item.in_failing and item.rule.significant and record.line not in lines:
            if (shape := _shape(record.text)) in shapes:
                continue  # the same failure again (a retry, a repeated summary)
            shapes.add(shape)
            lines[record.line] = EvidenceLine(record.line, redact(record.text), True)
    first = [lines.pop(primary.record.line)] if primary.record.line in lines else []
    rest = [lines[n] for n in sorted(lines)]
    return tuple((annotations + first + rest)[:MAX_LINES])


def for_unrecognised(
    candidates: Iterable[tuple[int, str]], redact: Redact
) -> tuple[EvidenceLine, ...]:
    """Evidence of a failure no rule explains: the error-looking lines of the failing step
    (the lines before its exit line), the highest-scoring first chosen, shown in log order;
    the last lines that are not framing when nothing reads like an error."""
    lines = [(n, text) for n, text in candidates if not is_framing(text)]
    scored = sorted(((score(text), n, text) for n, text in lines), key=lambda s: (-s[0], -s[1]))
    chosen = [(n, text) for s, n, text in scored if s > 0][:MAX_LINES]
    if not chosen:
        chosen = lines[-3:]
    return tuple(EvidenceLine(n, redact(text)) for n, text in sorted(chosen))


def redact_block(texts: Sequence[str], redact: Redact) -> list[str]:
    """Redact lines as one text, so a secret printed over several lines (a private key)
    is found whole, not only where its first line gives it away (docs/security.md#t19).
    The redactor keeps the line count; should it not, each line is redacted alone."""
    if not texts:
        return []
    joined = redact("\n".join(text.replace("\n", " ") for text in texts)).split("\n")
    return joined if len(joined) == len(texts) else [redact(text) for text in texts]


def redacted(lines: Sequence[EvidenceLine], redact: Redact) -> tuple[EvidenceLine, ...]:
    texts = redact_block([line.text for line in lines], redact)
    return tuple(replace(line, text=text) for line, text in zip(lines, texts, strict=True))
