"""black: `black` to fix, `black --check` to verify.

Files passed explicitly are formatted even when the configuration excludes them (black
applies only `force-exclude` to them), while CI's usual `black --check .` skips them. So the
configured `exclude`/`extend-exclude`/`force-exclude` patterns are applied here, to touch what
CI checks and nothing else. black has no option to ignore its configuration: when a
configuration file it reads is a symlink, it is not run at all (docs/security.md#a10-8).
"""

from __future__ import annotations

import re

from autorecover.constants import FIXER_BLACK
from autorecover.core.text.plural import plural
from autorecover.fixers._base import FixContext
from autorecover.fixers._formatter import FormatterFixer
from autorecover.fixers._toolconfig import (
    BLACK_CONFIGS,
    black_settings,
    symlinked_configs,
    symlinks_note,
)

# black's DEFAULT_EXCLUDES (black/const.py), used when the configuration sets no `exclude`.
DEFAULT_EXCLUDES = (
    r"/(\.direnv|\.eggs|\.git|\.hg|\.ipynb_checkpoints|\.mypy_cache|\.nox|\.pytest_cache"
    r"|\.ruff_cache|\.tox|\.svn|\.venv|\.vscode|__pypackages__|_build|buck-out|build|dist|venv)/"
)


def _compile(pattern: str) -> re.Pattern[str]:
    # black's re_compile_maybe_verbose: a multi-line pattern is a verbose one.
    return re.compile(f"(?x){pattern}" if "\n" in pattern else pattern)


def excluded_by(settings: dict[str, object], path: str) -> str | None:
    """The setting whose pattern excludes `path` (matched as black does, on "/" + path)."""
    for key in ("exclude", "extend-exclude", "force-exclude"):
        pattern = settings.get(key, DEFAULT_EXCLUDES if key == "exclude" else None)
        if isinstance(pattern, str) and pattern and _compile(pattern).search("/" + path):
            return key
    return None


class BlackFixer(FormatterFixer):
    name = FIXER_BLACK
    tool_name = "black"
    # 123: black could not format some file (its message is kept; verification decides).
    fix_ok_codes = frozenset({0, 123})

    def blocked(self, ctx: FixContext) -> str | None:
        links = symlinked_configs(ctx.index, BLACK_CONFIGS)
        if links:
            return f"black not run: {symlinks_note(links)}"
        return None

    def fix_args(self, isolated: bool) -> list[str]:
        return ["--quiet"]

    def check_args(self, isolated: bool) -> list[str]:
        return ["--check"]

    def exclude(self, ctx: FixContext, paths: list[str]) -> tuple[list[str], list[str]]:
        settings = black_settings(ctx.root)
        try:
            kept = [path for path in paths if excluded_by(settings, path) is None]
        except re.error as exc:
            return paths, [f"ignored black's exclude patterns: {exc}"]
        dropped = len(paths) - len(kept)
        return kept, (
            [f"skipped {plural(dropped, 'file')} black's configuration excludes"] if dropped else []
        )
