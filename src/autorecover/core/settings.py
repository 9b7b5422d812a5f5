"""What value applies: the action's inputs, command-line flags and `.github/autorecover.yml`,
resolved once into the `Settings` every other module reads (pure).

A value can come from three places. `PRECEDENCE` is the one table that says which wins,
setting by setting; nothing else compares an input with a config key:

* a command-line flag (`autorecover analyze --min-confidence`) is what the person typing
  asked for, so it wins;
* the config file, read from the default branch, is the repository's policy: where it
  sets a value, it wins over the workflow's inputs (a fork cannot change either);
* the action's input, then the built-in default (constants.py).

`max_reruns` is the exception: the input and `rerun.max` are both caps, and the smaller
applies (the config's default counts, so raising the input alone does not raise it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from autorecover.constants import (
    CONFIG_PATH,
    DEFAULT_BACKOFF_MAX_SECONDS,
    DEFAULT_BACKOFF_SECONDS,
    DEFAULT_LABEL,
    DEFAULT_MAX_RERUNS,
    DEFAULT_MIN_CONFIDENCE,
)
from autorecover.core.models import Action, Category, Severity
from autorecover.core.rules.loader import RuleSet, load_ruleset

if TYPE_CHECKING:
    # Imported when a setting needs the file's model: pydantic costs `analyze` without
    # `--config` a third of its start-up (benchmarks/analyzer.py).
    from autorecover.core.config import Config


@dataclass(frozen=True, slots=True)
class Inputs:
    """The action's inputs as the workflow gave them (None: not given), already parsed and
    bounds-checked by the adapter that reads them (adapters/actions_io.py)."""

    token: str = ""
    config_path: str = CONFIG_PATH
    dry_run: bool = False
    min_confidence: float | None = None
    max_reruns: int | None = None
    backoff_seconds: float | None = None
    backoff_max_seconds: float | None = None
    report_path: str = ""


class Combine(StrEnum):
    FIRST = "first set of flag, config, input, default"
    SMALLEST = "smallest of input and config (config default included)"


@dataclass(frozen=True, slots=True)
class Source:
    setting: str
    flag: str | None  # the attribute of `Flags`
    config: str | None  # the dotted key in autorecover.yml
    input: str | None  # the attribute of `Inputs`
    default: float
    combine: Combine = Combine.FIRST


PRECEDENCE: tuple[Source, ...] = (
    Source("min_confidence", "min_confidence", "min_confidence", "min_confidence",
           DEFAULT_MIN_CONFIDENCE),
    Source("max_reruns", None, "rerun.max", "max_reruns", DEFAULT_MAX_RERUNS, Combine.SMALLEST),
    Source("backoff_seconds", None, "rerun.backoff_seconds", "backoff_seconds",
           DEFAULT_BACKOFF_SECONDS),
    Source("backoff_max_seconds", None, "rerun.backoff_max_seconds", "backoff_max_seconds",
           DEFAULT_BACKOFF_MAX_SECONDS),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Flags:
    """Command-line flags that override settings (None: not given)."""

    min_confidence: float | None = None


def _config_value(config: Config | None, dotted: str, *, only_if_set: bool) -> Any:
    """The value at `dotted`, or None when `only_if_set` and the file does not set it.
    No file (`config` None) sets nothing."""
    if config is None:
        return None
    node: Any = config
    *parents, leaf = dotted.split(".")
    for part in parents:
        if only_if_set and part not in node.model_fields_set:
            return None
        node = getattr(node, part)
    if only_if_set and leaf not in node.model_fields_set:
        return None
    return getattr(node, leaf)


def _resolve(source: Source, config: Config | None, inputs: Inputs, flags: Flags) -> float:
    flag = getattr(flags, source.flag) if source.flag else None
    given = getattr(inputs, source.input) if source.input else None
    if source.combine is Combine.SMALLEST:
        capped = _config_value(config, source.config, only_if_set=False) if source.config else None
        # Without a file the config's default is the row's (tests/core/test_settings.py).
        capped = source.default if capped is None and source.config else capped
        values = [v for v in (flag, given, capped) if v is not None]
        return min(values) if values else source.default
    configured = _config_value(config, source.config, only_if_set=True) if source.config else None
    for value in (flag, configured, given):
        if value is not None:
            return float(value)
    return source.default


@dataclass(frozen=True)
class Settings:
    """Everything a recovery is configured by, resolved (see the module docstring)."""

    # The config file as validated; None: there is none, and `config` is the defaults.
    file: Config | None = None
    inputs: Inputs = field(default_factory=Inputs)
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    max_reruns: int = DEFAULT_MAX_RERUNS
    backoff_seconds: float = DEFAULT_BACKOFF_SECONDS
    backoff_max_seconds: float = DEFAULT_BACKOFF_MAX_SECONDS

    @classmethod
    def resolve(
        cls, config: Config | None = None, inputs: Inputs | None = None, flags: Flags | None = None
    ) -> Settings:
        inputs = inputs or Inputs()
        values = {s.setting: _resolve(s, config, inputs, flags or Flags()) for s in PRECEDENCE}
        return cls(
            file=config,
            inputs=inputs,
            min_confidence=float(values["min_confidence"]),
            max_reruns=int(values["max_reruns"]),
            backoff_seconds=float(values["backoff_seconds"]),
            backoff_max_seconds=float(values["backoff_max_seconds"]),
        )

    # -- what the plan and the executors read, named once --------------------------------

    @cached_property
    def config(self) -> Config:
        if self.file is not None:
            return self.file
        from autorecover.core.config import Config  # only when read: see the import above

        return Config()

    @property
    def dry_run(self) -> bool:
        return self.inputs.dry_run

    @cached_property
    def ruleset(self) -> RuleSet:
        return self.file.ruleset if self.file is not None else load_ruleset()

    @property
    def module_overrides(self) -> Mapping[str, str]:
        return dict(self.file.requirements.mapping) if self.file is not None else {}

    @property
    def actions(self) -> Mapping[Category, Action]:
        return {category: Action(action) for category, action in self.config.actions.items()}

    @property
    def severity(self) -> Mapping[Category, Severity]:
        return dict(self.config.severity)

    @property
    def enabled_fixers(self) -> frozenset[str]:
        return frozenset(self.config.fixers.enable)

    @property
    def fixer_versions(self) -> Mapping[str, str]:
        return {str(tool): version for tool, version in self.config.fixers.versions.items()}

    @property
    def allow_fork_reruns(self) -> bool:
        return self.config.rerun.allow_forks

    @property
    def breaker_min_attempts(self) -> int:
        return self.config.rerun.circuit_breaker.min_attempts

    @property
    def breaker_min_success_rate(self) -> float:
        return self.config.rerun.circuit_breaker.min_success_rate

    @property
    def fork_reports_per_hour(self) -> int:
        return self.config.issues.fork_reports_per_hour

    @property
    def dashboard(self) -> bool:
        """Whether autorecover keeps the dashboard issue (docs/dashboard.md)."""
        return self.config.dashboard

    @property
    def issue_branches(self) -> tuple[str, ...]:
        """Glob patterns of the branches whose runs open issues; empty: the default branch."""
        return tuple(self.config.issues.branches)

    @property
    def pr_comment(self) -> bool:
        return self.config.issues.pr_comment

    @property
    def comment_interval_hours(self) -> float:
        return self.config.issues.comment_interval_hours

    @property
    def timeout_max_minutes(self) -> float:
        return self.config.rerun.timeout_max_minutes

    @property
    def label(self) -> str:
        """The label autorecover finds its own issues and pull requests by."""
        labels = self.config.issues.labels
        return labels[0] if labels else DEFAULT_LABEL
