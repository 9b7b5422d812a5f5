"""What black, isort, ruff-format and ruff-fix share: run a formatter on tracked regular Python
files, then re-run the check that failed on the same files.

The command line is always built here, never copied from the log (a log line is attacker text,
docs/security.md#tm04): the tool, its fix or check flags, `--`, then the files. `--` matters: a
tracked file named `--config=evil.toml` or `-rf` must reach the tool as a file name
(docs/security.md#t04). The files come from `git ls-files -s` (regular files only,
docs/security.md#t05), narrowed to the paths the log named when it named any, so the fix touches
what CI complained about and nothing else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from autorecover.core.applied import FixResult, Verification
from autorecover.core.models import Fix
from autorecover.core.text.plural import plural
from autorecover.fixers._base import FixContext, FixerError, read_bytes, read_text
from autorecover.fixers._logpaths import command_scope, in_scope, map_paths, paths_in
from autorecover.fixers._precommit import CONFIG, hook_refusal, is_hook_failure
from autorecover.fixers._toolenv import TOOLS, InstallError, Tool
from autorecover.fixers._versions import choose_version, find_pins

ARGV_BYTES = 100_000  # per invocation: far below ARG_MAX, even with long file names
SHOWN_FILES = 20
MAX_FORMAT_BYTES = 64 * 1024 * 1024  # a file larger than this counts as unreadable


def batches(paths: Sequence[str], limit: int = ARGV_BYTES) -> list[list[str]]:
    result: list[list[str]] = [[]]
    size = 0
    for path in paths:
        cost = len(path.encode("utf-8", "surrogateescape")) + 1
        if result[-1] and size + cost > limit:
            result.append([])
            size = 0
        result[-1].append(path)
        size += cost
    return [batch for batch in result if batch]


def digest(root: Path, path: str) -> str | None:
    """Content hash of a file, read without following a symlink (None: missing or unreadable)."""
    data = read_bytes(root, path, MAX_FORMAT_BYTES)
    return None if data is None else hashlib.sha256(data).hexdigest()


def shown_argv(tool: Tool, args: Sequence[str], files: Sequence[str]) -> tuple[str, ...]:
    """The command as a person would type it, with a long file list shortened."""
    more = len(files) - SHOWN_FILES
    tail = (f"... ({more} more files)",) if more > 0 else ()
    return (tool.name, *args, "--", *files[:SHOWN_FILES], *tail)


class FormatterFixer:
    """Base of the formatter fixers; subclasses say which tool, flags and hazards."""

    name = ""
    tool_name = ""
    fix_ok_codes: frozenset[int] = frozenset({0})

    # -- what subclasses decide ---------------------------------------------------------------

    def blocked(self, ctx: FixContext) -> str | None:
        """Why the tool must not run at all here (None: it may)."""
        return None

    def isolation(self, ctx: FixContext) -> list[str]:
        """Why the repository's configuration must be ignored (empty: it is honoured)."""
        return []

    def fix_args(self, isolated: bool) -> list[str]:
        raise NotImplementedError

    def check_args(self, isolated: bool) -> list[str]:
        raise NotImplementedError

    def exclude(self, ctx: FixContext, paths: list[str]) -> tuple[list[str], list[str]]:
        """Drop files the repository's configuration excludes: (kept, notes)."""
        return paths, []

    # -- shared behaviour ---------------------------------------------------------------------

    def targets(self, ctx: FixContext) -> tuple[list[str], list[str]]:
        python = ctx.python_files()
        raw = paths_in(ctx.diagnosis)
        named = map_paths(raw, set(python))
        notes = []
        step = ctx.diagnosis.failing_step if ctx.diagnosis else None
        scope = command_scope(step, self.tool_name, set(python))
        if named:
            paths = named
        elif scope:
            # Never more than CI checked (issue 10): `ruff check src` leaves scripts/ alone.
            paths = [path for path in python if in_scope(path, scope)]
            notes.append(f"ran on {' '.join(scope)}, what the failing command checked")
        else:
            if raw:
                notes.append(
                    f"the log named {plural(len(raw), 'path')}, none a tracked regular Python file "
                    "here; ran on every tracked Python file"
                )
            paths = python
        kept, excluded = self.exclude(ctx, paths)
        return kept, notes + excluded

    def tool(self, ctx: FixContext) -> tuple[Tool, list[str]]:
        """The tool at the version the failing job ran, and notes saying which source won."""
        pins = find_pins(ctx.root, ctx.files, ctx.requirements_file, is_hook_failure(ctx.diagnosis))
        choice = choose_version(self.tool_name, pins, ctx.versions)
        version, notes = choice.version, list(choice.notes)
        if choice.spec:
            wanted = f"{TOOLS[self.tool_name].distribution}{choice.spec}"
            try:
                version = ctx.tools.newest(wanted)
                notes.append(
                    f"{choice.origin} asks for {wanted}: ran its newest release, {version}"
                )
            except InstallError as exc:
                notes.append(f"could not resolve {wanted} from {choice.origin}: {exc}")
        tool = ctx.tools.resolve(self.tool_name, version, choice.origin)
        if tool.refused:
            # Another version formats differently: the PR would fail CI's own check, so the
            # failure becomes an issue that names the version (docs/security.md#s2).
            raise FixerError(f"{tool.refused} (pinned in {choice.origin})")
        if tool.source == "bundled" and not tool.notes and choice.version is None:
            notes.append(f"no pin of {self.tool_name} found: ran the bundled {tool.version}")
        return tool, [*notes, *tool.notes]

    def applies(self, fix: Fix, ctx: FixContext) -> tuple[bool, str]:
        if fix.fixer != self.name:
            return False, f"{self.name} does not handle {fix.fixer!r}"
        reason = self.blocked(ctx)
        if not reason and is_hook_failure(ctx.diagnosis):
            text = read_text(ctx.root, CONFIG) if CONFIG in ctx.files else None
            reason = hook_refusal(self.name, text)
        if reason:
            return False, ctx.note(reason)
        paths, _ = self.targets(ctx)
        if not paths:
            return False, "no tracked regular Python file to format"
        return True, f"{self.name} on {plural(len(paths), 'tracked Python file')}"

    def apply(self, fix: Fix, ctx: FixContext) -> FixResult:
        ok, reason = self.applies(fix, ctx)
        if not ok:
            raise FixerError(reason)
        tool, notes = self.tool(ctx)
        paths, target_notes = self.targets(ctx)
        isolated = self.isolation(ctx)
        if isolated:
            notes.append(
                f"ran {tool.name} with --isolated (the repository's configuration was ignored): "
                + "; ".join(isolated)
            )
        before = {path: digest(ctx.root, path) for path in paths}
        for batch in batches(paths):
            result = ctx.tools.run(
                tool, [*self.fix_args(bool(isolated)), "--", *batch], cwd=ctx.root
            )
            if result.returncode not in self.fix_ok_codes:
                raise FixerError(
                    f"{tool.name} {tool.version} failed (exit {result.returncode}): "
                    + ctx.clean(result.output, 2000)
                )
            if result.returncode:
                notes.append(f"{tool.name} exit {result.returncode}: {result.output}")
        changed = tuple(path for path in paths if digest(ctx.root, path) != before[path])
        notes = [*target_notes, *notes]
        return FixResult(changed, tool.name, tool.version, tuple(ctx.note(n) for n in notes))

    def verify(self, fix: Fix, ctx: FixContext) -> Verification:
        tool, _ = self.tool(ctx)
        paths, _ = self.targets(ctx)
        args = self.check_args(bool(self.isolation(ctx)))
        outputs, passed = [], True
        for batch in batches(paths):
            result = ctx.tools.run(tool, [*args, "--", *batch], cwd=ctx.root)
            passed = passed and result.returncode == 0
            outputs.append(result.output)
        text = "\n".join(part for part in outputs if part)
        return Verification(passed and bool(paths), shown_argv(tool, args, paths), ctx.clean(text))
