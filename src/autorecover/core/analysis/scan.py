"""One pass over a job's normalised chunks: rule findings (capped, with context lines
captured while the chunk is at hand) and the structural events that delimit steps.
Memory stays flat whatever the log's size."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from autorecover.core.analysis.lines import resolve_redraws, strip_timestamp
from autorecover.core.analysis.steps import Step, StepTracker
from autorecover.core.rules.engine import Block, Matcher
from autorecover.core.rules.schema import Rule

MAX_FINDINGS_PER_RULE = 5
MAX_FINDINGS = 60
CONTEXT_BEFORE = 2
CONTEXT_AFTER = 3
EXIT_CONTEXT = 15


@dataclass(slots=True)
class Record:
    """A finding while scanning: context lines still being filled in."""

    rule: Rule
    line: int
    text: str
    captures: tuple[tuple[str, str], ...]
    step: Step | None
    before: list[tuple[int, str]]
    after: list[tuple[int, str]]
    after_missing: int


def decode_line(line: bytes) -> str:
    """A log line as reported: progress redraws resolved, timestamp dropped, text."""
    return strip_timestamp(resolve_redraws(line).decode("utf-8", "replace"))


class LogScan:
    """State of one job's scan."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.tracker = StepTracker()
        self.records: list[Record] = []
        self.per_rule: dict[str, int] = {}
        self.dropped = 0
        self.repo_hint: str | None = None
        self.requirements_file: str | None = None
        self.job_name: str | None = None
        self.runner_marks: set[str] = set()  # "hosted", "self-hosted" (core/analysis/runner.py)
        self.exit_context: list[tuple[int, str]] = []
        # The last lines so far, undecoded: decoding 15 lines of every chunk cost 5 % of
        # the scan, and they are read only for context or when no rule matched.
        self._tail: deque[tuple[int, bytes]] = deque(maxlen=EXIT_CONTEXT)
        self.pending: list[Record] = []
        self.last_line = 0

    # -- scanning ------------------------------------------------------------------------

    def chunk(
        self, data: bytes, first_line: int, n_lines: int, blocks: list[Block] | None = None
    ) -> None:
        lines_cache: list[bytes] | None = None
        hits, over = self.matcher.scan(data, blocks)
        self.dropped += over
        if self.pending:
            lines_cache = data.split(b"\n")
            self._fill_pending(lines_cache, first_line)
        line = first_line
        pos = 0
        for hit in hits:
            line += data.count(b"\n", pos, hit.start)
            pos = hit.start
            entry = self.matcher.entries[hit.entry]
            if entry.kind:
                value = dict(hit.groups).get("v", "")
                kind = entry.kind.partition(":")[0]
                if kind in ("hosted", "self-hosted"):
                    self.runner_marks.add(kind)
                    continue
                if kind in ("repo", "rootdir"):
                    self.repo_hint = self.repo_hint or value
                    continue
                if kind == "reqfile":
                    self.requirements_file = value
                    continue
                if kind == "jobname":
                    self.job_name = self.job_name or value
                    continue
                if kind == "exit" and not self.exit_context and value not in ("", "0"):
                    lines_cache = lines_cache or data.split(b"\n")
                    self.exit_context = self._before(lines_cache, line - first_line, first_line)
                self.tracker.event(kind, line, value)
                continue
            start = data.rfind(b"\n", 0, hit.start) + 1
            end = data.find(b"\n", hit.start)
            raw = data[start:end]
            rule_index = entry.rule
            if self.matcher.suppressed(rule_index, raw):
                continue
            rule = self.matcher.rules[rule_index]
            if not self._keep(rule):
                continue
            lines_cache = lines_cache or data.split(b"\n")
            self._record(rule, line, raw, hit.groups, lines_cache, first_line)
        self.last_line = first_line + n_lines - 1
        self._keep_tail(data, first_line + n_lines)

    @property
    def tail(self) -> list[tuple[int, str]]:
        """The last `EXIT_CONTEXT` lines scanned so far."""
        return [(n, decode_line(raw)) for n, raw in self._tail]

    def _keep_tail(self, data: bytes, next_line: int) -> None:
        # The last lines of the chunk, found from the end (splitting the chunk costs more).
        end = len(data) - 1
        found: list[tuple[int, bytes]] = []
        while end > 0 and len(found) < EXIT_CONTEXT:
            start = data.rfind(b"\n", 0, end) + 1
            found.append((next_line - 1 - len(found), data[start:end]))
            end = start - 1
        self._tail.extend(reversed(found))

    def annotation(self, text: str) -> None:
        for raw_line in text.splitlines():
            raw = raw_line.strip().encode("utf-8", "replace")
            if not raw:
                continue
            hits, _ = self.matcher.scan(raw + b"\n")
            for hit in hits:
                entry = self.matcher.entries[hit.entry]
                if entry.kind or self.matcher.suppressed(entry.rule, raw):
                    continue
                rule = self.matcher.rules[entry.rule]
                if self._keep(rule):
                    self.records.append(
                        Record(rule, 0, decode_line(raw), hit.groups, None, [], [], 0)
                    )

    def _keep(self, rule: Rule) -> bool:
        seen = self.per_rule.get(rule.id, 0)
        self.per_rule[rule.id] = seen + 1
        if seen >= MAX_FINDINGS_PER_RULE or len(self.records) >= MAX_FINDINGS:
            self.dropped += 1
            return False
        return True

    def _record(
        self,
        rule: Rule,
        line: int,
        raw: bytes,
        groups: tuple[tuple[str, str], ...],
        lines: list[bytes],
        first_line: int,
    ) -> None:
        index = line - first_line
        after = [
            (line + k, decode_line(lines[index + k]))
            for k in range(1, CONTEXT_AFTER + 1)
            if index + k < len(lines) - 1
        ]
        record = Record(
            rule=rule,
            line=line,
            text=decode_line(raw),
            captures=groups,
            step=self.tracker.current,
            before=self._before(lines, index, first_line, CONTEXT_BEFORE),
            after=after,
            after_missing=CONTEXT_AFTER - len(after),
        )
        self.records.append(record)
        if record.after_missing:
            self.pending.append(record)

    def _before(
        self, lines: list[bytes], index: int, first_line: int, count: int = EXIT_CONTEXT
    ) -> list[tuple[int, str]]:
        start = max(0, index - count)
        found = [(first_line + k, decode_line(lines[k])) for k in range(start, index)]
        missing = count - len(found)
        if missing > 0 and self._tail:
            found = self.tail[-missing:] + found
        return found

    def _fill_pending(self, lines: list[bytes], first_line: int) -> None:
        still: list[Record] = []
        for record in self.pending:
            take = min(record.after_missing, len(lines) - 1)
            record.after.extend((first_line + k, decode_line(lines[k])) for k in range(take))
            record.after_missing -= take
            if record.after_missing:
                still.append(record)
        self.pending = still
