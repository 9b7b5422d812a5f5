"""One multi-pattern pass per chunk: RE2 `Set` finds which patterns occur in each block of a
few KiB, then only those patterns run again (each alone), only over their blocks, to locate
their lines and captures.

RE2's `Set` says which patterns match, not where. Searched once per chunk, every pattern it
found had to run alone over the whole chunk, which dominated on logs whose failures are
spread through them (a long test suite: a few patterns in every chunk). The set costs the
same per byte whether it searches 1 MiB at once or in blocks of 16 KiB (0.23 s per 100 MiB
either way on benchmarks/analyzer.py's dense log), so it searches line-aligned blocks and a
pattern's second run covers 16 KiB. Locating took 0.21 s per 100 MiB of the dense log that
way and takes 0.02 s this way. Matches never span lines (`never_nl`, rules/schema.py), so a
line-aligned block loses none.

Why RE2 (measured in benchmarks/engines.py): it guarantees linear time for built-in and
user patterns alike (docs/security.md#tm10, #t15-#t17), its Set scans a 1 MiB chunk for all
patterns at once at several hundred MB/s, and it ships as a portable wheel. Python's `re`
per pattern and per line is two orders of magnitude slower and can backtrack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import re2

from autorecover.core.rules.schema import Rule, prepare_pattern, re2_options

# A rule matching every line of a hostile log must not make the analyzer do per-line
# Python work for millions of lines: at most this many matches per pattern and chunk
# are located (the rest are only counted by the caller as "more").
MAX_HITS_PER_PATTERN = 64

# RE2 gives its DFA a memory budget and silently reports "no match" when a Set search
# runs out of it. An always-matching sentinel (`\z`) tells us the search completed; when
# it is missing we fall back to running each pattern on its own, which RE2 can always do.
_SENTINEL = r"\z"
_SET_MAX_MEM = 96 << 20

# Bytes per set search: small enough that re-running a found pattern over its block is
# cheap, large enough that the per-call cost stays negligible (16 KiB: 64 calls per MiB).
BLOCK_SIZE = 16 << 10


@dataclass(slots=True)
class Entry:
    """A pattern: of a rule (`rule` >= 0) or a structural marker (`kind`). Its own regex is
    compiled on first use: most patterns never occur in a given log, and compiling all of
    them up front costs start-up time and memory (the Set has them all anyway)."""

    pattern: bytes
    rule: int = -1
    kind: str = ""
    _regex: Any = None

    @property
    def regex(self) -> Any:
        if self._regex is None:
            self._regex = re2.compile(self.pattern, re2_options())
        return self._regex


@dataclass(frozen=True, slots=True)
class Block:
    """data[start:end], complete lines, and the entries the set found in it."""

    start: int
    end: int
    entries: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    entry: int
    groups: tuple[tuple[str, str], ...]


class Matcher:
    """Compiled rules plus structural markers, scanning normalised chunks."""

    def __init__(self, rules: Sequence[Rule], structure: Mapping[str, str]) -> None:
        self.rules = tuple(rules)
        self.entries: list[Entry] = []
        self._unless: dict[int, tuple[Any, ...]] = {}
        set_options = re2_options()
        set_options.max_mem = _SET_MAX_MEM
        self._set = re2.Set.SearchSet(set_options)
        for kind, pattern in structure.items():
            self._add(Entry(prepare_pattern(pattern).encode(), kind=kind))
        for index, rule in enumerate(self.rules):
            for pattern in rule.patterns:
                self._add(Entry(prepare_pattern(pattern).encode(), rule=index))
        self._sentinel = self._set.Add(_SENTINEL.encode())
        self._set.Compile()
        self.fallbacks = 0

    def _add(self, entry: Entry) -> None:
        index = self._set.Add(entry.pattern)
        assert index == len(self.entries)
        self.entries.append(entry)

    def blocks(self, data: bytes) -> list[Block]:
        """The line-aligned blocks of `data` in which some entry matches, with those entries.
        RE2 releases the GIL while it searches, so this runs in a worker thread."""
        found: list[Block] = []
        # One search over the whole chunk first: most chunks hold no match, and every search
        # that releases the GIL may wait for it on the way back while the main thread
        # normalises the next chunk (up to sys.getswitchinterval(), 5 ms). Searching blocks
        # only in chunks that match, 16 waits per chunk became one on most chunks.
        if self._set.Match(data) == [self._sentinel]:
            return found
        view = memoryview(data)
        size = len(data)
        start = 0
        while start < size:
            cut = data.find(b"\n", min(start + BLOCK_SIZE, size) - 1)
            end = size if cut < 0 else cut + 1
            entries = self._set.Match(view[start:end]) or []
            if self._sentinel not in entries:
                # The DFA gave up (memory budget): locate with each pattern on its own.
                self.fallbacks += 1
                entries = [
                    i
                    for i, entry in enumerate(self.entries)
                    if entry.regex.search(data, start, end)
                ]
            else:
                entries = [i for i in entries if i != self._sentinel]
            if entries:
                found.append(Block(start, end, tuple(entries)))
            start = end
        return found

    def candidates(self, data: bytes) -> list[int]:
        """The entries that match anywhere in `data`."""
        return sorted({index for block in self.blocks(data) for index in block.entries})

    def scan(self, data: bytes, blocks: list[Block] | None = None) -> tuple[list[Hit], int]:
        """Hits in `data` sorted by position, and how many patterns had more than
        `MAX_HITS_PER_PATTERN` matches (those are not all located). `blocks` are what
        `blocks(data)` found, when the caller already ran it."""
        hits: list[Hit] = []
        counts: dict[int, int] = {}
        for block in self.blocks(data) if blocks is None else blocks:
            for index in block.entries:
                count = counts.get(index, 0)
                if count > MAX_HITS_PER_PATTERN:
                    continue
                for match in self.entries[index].regex.finditer(data, block.start, block.end):
                    count += 1
                    if count > MAX_HITS_PER_PATTERN:
                        break
                    groups = tuple(
                        # A CRLF line end is not rewritten before matching; keep it out.
                        (_name(name), value.decode("utf-8", "replace").rstrip("\r"))
                        for name, value in match.groupdict().items()
                        if value is not None
                    )
                    hits.append(Hit(match.start(), match.end(), index, groups))
                counts[index] = count
        hits.sort(key=lambda hit: (hit.start, hit.entry))
        return hits, sum(1 for count in counts.values() if count > MAX_HITS_PER_PATTERN)

    def suppressed(self, rule: int, line: bytes) -> bool:
        patterns = self.rules[rule].unless
        if not patterns:
            return False
        compiled = self._unless.get(rule)
        if compiled is None:
            options = re2_options()
            compiled = tuple(re2.compile(prepare_pattern(p).encode(), options) for p in patterns)
            self._unless[rule] = compiled
        return any(regex.search(line) for regex in compiled)


def _name(name: str | bytes) -> str:
    return name.decode() if isinstance(name, bytes) else name
