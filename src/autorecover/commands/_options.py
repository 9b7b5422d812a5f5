"""The options local commands share (`--config`, `-R/--repo`, `--min-confidence`) ->
the same `Settings` the action resolves, and the analyzer's context."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from autorecover.core.analysis.diagnose import AnalysisContext
from autorecover.core.settings import Flags, Settings
from autorecover.core.text.redact import Redactor
from autorecover.errors import UserError

if TYPE_CHECKING:
    from autorecover.core.config import Config


def load_config(path: Path, *, required: bool) -> Config:
    """The config file at `path`; the defaults when it is absent and not `required`."""
    # The validating model (pydantic) is imported only here: `analyze` without a file
    # starts without it (Settings.config, benchmarks/analyzer.py).
    from autorecover.core.config import Config, load_config_text

    if not path.is_file():
        if required:
            raise UserError(f"{path}: config file not found")
        return Config()
    return load_config_text(path.read_text(encoding="utf-8"), str(path))


def settings(args: argparse.Namespace, default_config: Path | None = None) -> Settings:
    given = getattr(args, "config", None)
    config: Config | None = None  # no file: the defaults, without validating anything
    if given is not None:
        config = load_config(Path(given), required=True)
    elif default_config is not None and default_config.is_file():
        config = load_config(default_config, required=False)
    flags = Flags(min_confidence=getattr(args, "min_confidence", None))
    return Settings.resolve(config, flags=flags)


def analysis_context(
    args: argparse.Namespace, settings: Settings, repository: str | None = None
) -> AnalysisContext:
    redactor = Redactor()
    return AnalysisContext(
        annotations=tuple(getattr(args, "annotation", None) or ()),
        repository=repository or getattr(args, "repository", None),
        module_overrides=settings.module_overrides,
        min_confidence=settings.min_confidence,
        redact=redactor,
        conclusion=getattr(args, "conclusion", None) or "failure",
        runner=getattr(args, "runner", None),
    )
