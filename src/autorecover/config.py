"""`.github/autorecover.yml` -> validated `Settings`.

The file is read from the repository's default branch (never from the failing commit:
a pull request must not be able to reconfigure the bot that judges it). Validation is
pydantic; errors name the key path and what is wrong, and unknown keys are rejected with
a suggestion, because a misspelt key that is silently ignored is worse than an error.
"""

from __future__ import annotations

import difflib
from functools import cached_property
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from autorecover.errors import ConfigError
from autorecover.models import Category, Severity
from autorecover.rules import RuleSet, load_ruleset

DEFAULT_PATH = ".github/autorecover.yml"
ActionName = Literal["fix_pr", "rerun", "issue", "none"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RulesConfig(_Strict):
    add: list[dict[str, Any]] = Field(default_factory=list)
    override: list[dict[str, Any]] = Field(default_factory=list)
    disable: list[str] = Field(default_factory=list)


FixerName = Literal["black", "isort", "ruff-format", "ruff-fix", "add-requirement"]
ALL_FIXERS: tuple[FixerName, ...] = ("black", "isort", "ruff-format", "ruff-fix", "add-requirement")


class FixersConfig(_Strict):
    enable: list[FixerName] = Field(default_factory=lambda: list(ALL_FIXERS))
    # Tool versions to use instead of what the repository pins, e.g. {black: "24.10.0"}.
    versions: dict[Literal["black", "isort", "ruff"], str] = Field(default_factory=dict)


class RequirementsConfig(_Strict):
    # Import name -> distribution, added to (and overriding) the built-in table.
    mapping: dict[str, str] = Field(default_factory=dict)


class CircuitBreakerConfig(_Strict):
    min_attempts: int = Field(default=3, ge=1, le=100)
    min_success_rate: float = Field(default=1 / 3, ge=0, le=1)


class RerunConfig(_Strict):
    max: int = Field(default=2, ge=0, le=10)
    backoff_seconds: float = Field(default=30, ge=0, le=3600)
    backoff_max_seconds: float = Field(default=300, ge=0, le=3600)
    allow_forks: bool = False
    circuit_breaker: CircuitBreakerConfig = Field(default_factory=CircuitBreakerConfig)


class IssuesConfig(_Strict):
    labels: list[str] = Field(default_factory=lambda: ["autorecover"])
    assignees: list[str] = Field(default_factory=list)
    cooldown_days: float = Field(default=7, ge=0, le=365)


class PullRequestsConfig(_Strict):
    labels: list[str] = Field(default_factory=lambda: ["autorecover"])
    review_label: str = "autorecover: review"
    draft: bool = False
    max_open: int = Field(default=5, ge=0, le=100)
    cooldown_days: float = Field(default=7, ge=0, le=365)


class TemplatesConfig(_Strict):
    # A directory on the default branch holding pr_body.md.j2, issue_body.md.j2, ...
    directory: str | None = None


class Settings(_Strict):
    enabled: bool = True
    workflows: list[str] = Field(default_factory=list)
    branches: list[str] = Field(default_factory=list)
    min_confidence: float | None = Field(default=None, ge=0, le=1)
    actions: dict[Category, ActionName] = Field(default_factory=dict)
    severity: dict[Category, Severity] = Field(default_factory=dict)
    rules: RulesConfig = Field(default_factory=RulesConfig)
    fixers: FixersConfig = Field(default_factory=FixersConfig)
    requirements: RequirementsConfig = Field(default_factory=RequirementsConfig)
    rerun: RerunConfig = Field(default_factory=RerunConfig)
    issues: IssuesConfig = Field(default_factory=IssuesConfig)
    pull_requests: PullRequestsConfig = Field(default_factory=PullRequestsConfig)
    templates: TemplatesConfig = Field(default_factory=TemplatesConfig)

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    @field_validator("workflows", "branches")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("entries must not be empty")
        return value

    @cached_property
    def ruleset(self) -> RuleSet:
        user = self.rules.model_dump()
        return load_ruleset(user if any(user.values()) else None)


def _known_keys(model: type[BaseModel], path: tuple[str | int, ...]) -> list[str]:
    current: Any = model
    for part in path:
        field = current.model_fields.get(part) if isinstance(part, str) else None
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        current = annotation
    return list(current.model_fields)


def _describe(error: Any, origin: str) -> str:
    location = tuple(error["loc"])
    path = ".".join(str(part) for part in location) or "(top level)"
    if error["type"] == "extra_forbidden":
        known = _known_keys(Settings, location[:-1])
        close = difflib.get_close_matches(str(location[-1]), known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        if known:
            hint += f" (known keys here: {', '.join(known)})"
        return f"{origin}: unknown key '{path}'{hint}"
    return f"{origin}: {path}: {error['msg']}"


def parse_settings(data: Any, origin: str = DEFAULT_PATH) -> Settings:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping of settings at the top level")
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(error, origin) for error in exc.errors()]
        raise ConfigError("; ".join(problems[:5])) from None
    # Rules are validated here too, so a bad rule is reported when the file is loaded.
    _ = settings.ruleset
    return settings


def load_settings_text(text: str, origin: str = DEFAULT_PATH) -> Settings:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", exc)
        raise ConfigError(f"{origin}: not valid YAML{where}: {problem}") from None
    return parse_settings(data, origin)
