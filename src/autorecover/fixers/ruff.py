"""ruff: `ruff format` / `ruff format --check` (ruff-format) and `ruff check --fix` /
`ruff check` (ruff-fix).

`--force-exclude` applies the configured excludes to files passed explicitly; `--no-cache`
keeps ruff from writing a cache (a configured `cache-dir` may point anywhere). When the
configuration is hazardous (an `extend` leaving the repository, a symlinked configuration
file: docs/security.md#a10-8, #t06) ruff runs with `--isolated` and the fix result says so.
`ruff check --fix` only applies safe fixes; what it cannot fix keeps the verification failing,
so no pull request claims a fix it did not make.
"""

from __future__ import annotations

from autorecover.constants import FIXER_RUFF_FIX, FIXER_RUFF_FORMAT
from autorecover.fixers._base import FixContext
from autorecover.fixers._formatter import FormatterFixer
from autorecover.fixers._toolconfig import ruff_hazards

_COMMON = ["--no-cache", "--force-exclude"]


def _isolated(isolated: bool) -> list[str]:
    return ["--isolated"] if isolated else []


class RuffFormatFixer(FormatterFixer):
    name = FIXER_RUFF_FORMAT
    tool_name = "ruff"

    def isolation(self, ctx: FixContext) -> list[str]:
        return ruff_hazards(ctx.root, set(ctx.files), ctx.index)

    def fix_args(self, isolated: bool) -> list[str]:
        return ["format", *_COMMON, *_isolated(isolated)]

    def check_args(self, isolated: bool) -> list[str]:
        return ["format", "--check", *_COMMON, *_isolated(isolated)]


class RuffFixFixer(FormatterFixer):
    name = FIXER_RUFF_FIX
    tool_name = "ruff"
    fix_ok_codes = frozenset({0, 1})  # 1: violations remain that have no safe fix

    def isolation(self, ctx: FixContext) -> list[str]:
        return ruff_hazards(ctx.root, set(ctx.files), ctx.index)

    def fix_args(self, isolated: bool) -> list[str]:
        return ["check", "--fix", *_COMMON, *_isolated(isolated)]

    def check_args(self, isolated: bool) -> list[str]:
        return ["check", *_COMMON, *_isolated(isolated)]
