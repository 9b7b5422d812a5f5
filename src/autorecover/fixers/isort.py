"""isort: `isort` to fix, `isort --check-only` to verify.

`--filter-files` applies the configuration's `skip`/`skip_glob` to the files passed explicitly,
as CI's `isort --check-only .` would. isort has no option to ignore its configuration: when a
file it reads configuration from is a symlink, it is not run at all (docs/security.md#a10-8).
"""

from __future__ import annotations

from autorecover.constants import FIXER_ISORT
from autorecover.fixers._base import FixContext
from autorecover.fixers._formatter import FormatterFixer
from autorecover.fixers._toolconfig import ISORT_CONFIGS, symlinked_configs, symlinks_note


class IsortFixer(FormatterFixer):
    name = FIXER_ISORT
    tool_name = "isort"

    def blocked(self, ctx: FixContext) -> str | None:
        links = symlinked_configs(ctx.index, ISORT_CONFIGS)
        if links:
            return f"isort not run: {symlinks_note(links)}"
        return None

    def fix_args(self, isolated: bool) -> list[str]:
        return ["--quiet", "--filter-files"]

    def check_args(self, isolated: bool) -> list[str]:
        return ["--check-only", "--filter-files"]
