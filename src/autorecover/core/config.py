"""`.github/autorecover.yml` -> a validated `Config` (what the file says; `settings.py`
combines it with the action's inputs into the `Settings` every other module reads).

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
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from autorecover.constants import (
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    CONFIG_PATH,
    DEFAULT_BACKOFF_MAX_SECONDS,
    DEFAULT_BACKOFF_SECONDS,
    DEFAULT_COMMENT_INTERVAL_HOURS,
    DEFAULT_COOLDOWN_DAYS,
    DEFAULT_FORK_REPORTS_PER_HOUR,
    DEFAULT_LABEL,
    DEFAULT_MAX_OPEN_PULLS,
    DEFAULT_MAX_RERUNS,
    DEFAULT_TIMEOUT_MAX_MINUTES,
    FIXER_NAMES,
    REVIEW_LABEL,
)
from autorecover.core.models import Category, Severity
from autorecover.core.rules.loader import RuleSet, load_ruleset
from autorecover.errors import ConfigError

ActionName = Literal["fix_pr", "rerun", "issue", "none"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _f(default: Any = None, description: str = "", **kwargs: Any) -> Any:
    """A field with the description docs/reference.md shows for it."""
    if callable(default):
        return Field(default_factory=default, description=description, **kwargs)
    return Field(default=default, description=description, **kwargs)


class RulesConfig(_Strict):
    add: list[dict[str, Any]] = _f(list, "New rules (every field, see docs/writing-rules.md).")
    override: list[dict[str, Any]] = _f(
        list, "Changes to built-in rules: `id` plus the fields to change."
    )
    disable: list[str] = _f(list, "Ids of built-in rules to turn off.")


class FixersConfig(_Strict):
    enable: list[str] = _f(
        lambda: list(FIXER_NAMES), "Fixers autorecover may use for fix pull requests."
    )
    versions: dict[Literal["black", "isort", "ruff"], str] = _f(
        dict,
        "Tool versions to run instead of the ones the repository pins, e.g. `{black: 24.10.0}`.",
    )

    @field_validator("enable")
    @classmethod
    def _known_fixers(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in FIXER_NAMES]
        if unknown:
            expected = ", ".join(f"'{name}'" for name in FIXER_NAMES)
            raise ValueError(f"unknown fixer {', '.join(unknown)}; expected one of {expected}")
        return value


class RequirementsConfig(_Strict):
    mapping: dict[str, str] = _f(
        dict,
        "Import name -> PyPI distribution, added to and overriding the built-in table "
        "(only mapped modules are ever added as requirements).",
    )


class CircuitBreakerConfig(_Strict):
    min_attempts: int = _f(
        3, "Reruns of a failure before its success rate is judged.", ge=1, le=100
    )
    min_success_rate: float = _f(
        1 / 3, "Below this share of recovered reruns, a failure is no longer rerun.", ge=0, le=1
    )


class RerunConfig(_Strict):
    max: int = _f(
        DEFAULT_MAX_RERUNS,
        "Highest attempt number that is still rerun (with input max-reruns: the smaller).",
        ge=0,
        le=10,
    )
    backoff_seconds: float = _f(
        DEFAULT_BACKOFF_SECONDS,
        "Base wait before a rerun (overrides input rerun-backoff-seconds).",
        ge=0,
        le=3600,
    )
    backoff_max_seconds: float = _f(
        DEFAULT_BACKOFF_MAX_SECONDS,
        "Cap of the wait before a rerun (overrides the input).",
        ge=0,
        le=3600,
    )
    allow_forks: bool = _f(False, "Rerun transient failures of runs from forks too.")
    timeout_max_minutes: float = _f(
        DEFAULT_TIMEOUT_MAX_MINUTES,
        "A job that timed out after running longer than this many minutes is reported in an "
        "issue, not rerun (a rerun would cost as long again).",
        ge=0,
        le=10080,
    )
    circuit_breaker: CircuitBreakerConfig = _f(CircuitBreakerConfig, "")


class IssuesConfig(_Strict):
    labels: list[str] = _f(
        lambda: [DEFAULT_LABEL],
        "Labels of every issue (the first one is how autorecover finds its issues).",
    )
    assignees: list[str] = _f(list, "Logins assigned to new issues.")
    cooldown_days: float = _f(
        DEFAULT_COOLDOWN_DAYS,
        "Days after a person closed an issue during which it is not reopened or recreated.",
        ge=0,
        le=365,
    )
    fork_reports_per_hour: int = _f(
        DEFAULT_FORK_REPORTS_PER_HOUR,
        "At most this many issues or comments an hour about runs from forks (anyone can "
        "open a pull request from a fork; 0: none).",
        ge=0,
        le=1000,
    )
    branches: list[str] = _f(
        list,
        "Runs of branches matching these glob patterns open issues (empty: the default branch "
        "only); other runs get the step summary. A fork's branch is matched as `owner:branch`.",
    )
    pr_comment: bool = _f(
        False,
        "A run off `branches` that belongs to a pull request gets one comment on it (kept up to "
        "date, never repeated) instead of an issue.",
    )
    comment_interval_hours: float = _f(
        DEFAULT_COMMENT_INTERVAL_HOURS,
        "At most one recurrence comment per issue in this many hours; the body's count and "
        "last-seen are updated on every recurrence (0: comment on every one).",
        ge=0,
        le=8760,
    )

    @field_validator("branches")
    @classmethod
    def _no_blank_branch(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("entries must not be empty")
        return value


class PullRequestsConfig(_Strict):
    labels: list[str] = _f(lambda: [DEFAULT_LABEL], "Labels of every fix pull request.")
    review_label: str = _f(REVIEW_LABEL, "Added to fix pull requests of medium severity.")
    draft: bool = _f(False, "Open fix pull requests as drafts.")
    max_open: int = _f(
        DEFAULT_MAX_OPEN_PULLS, "At most this many open fix pull requests at once.", ge=0, le=100
    )
    cooldown_days: float = _f(
        DEFAULT_COOLDOWN_DAYS,
        "Days after a person closed a fix pull request during which it is not reopened.",
        ge=0,
        le=365,
    )


class TemplatesConfig(_Strict):
    directory: str | None = _f(
        None,
        "A directory on the default branch with your own pr_body.md.j2, issue_body.md.j2, "
        "comment.md.j2 or summary.md.j2.",
    )


class Config(_Strict):
    enabled: bool = _f(True, "`false` turns autorecover off.")
    workflows: list[str] = _f(list, "Only act on runs of these workflow names (empty: all).")
    branches: list[str] = _f(
        list, "Only act on runs of branches matching these glob patterns (empty: all)."
    )
    min_confidence: float | None = _f(
        None, "Overrides the input min-confidence.", ge=CONFIDENCE_MIN, le=CONFIDENCE_MAX
    )
    actions: dict[Category, ActionName] = _f(
        dict,
        "Per category, the action instead of the default matrix, e.g. `{network_error: issue}`.",
    )
    severity: dict[Category, Severity] = _f(
        dict, "Per category, the severity instead of the rule's, e.g. `{linting_error: medium}`."
    )
    rules: RulesConfig = _f(RulesConfig, "Your own rules; see docs/writing-rules.md.")
    fixers: FixersConfig = _f(FixersConfig, "")
    requirements: RequirementsConfig = _f(RequirementsConfig, "")
    rerun: RerunConfig = _f(RerunConfig, "")
    issues: IssuesConfig = _f(IssuesConfig, "")
    pull_requests: PullRequestsConfig = _f(PullRequestsConfig, "")
    templates: TemplatesConfig = _f(TemplatesConfig, "")
    dashboard: bool = _f(
        True, "`false`: no dashboard issue is created or edited (docs/dashboard.md)."
    )

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))
    # The file this came from, for the rules' origin and for error messages.
    _origin: str = PrivateAttr(default=CONFIG_PATH)

    @field_validator("workflows", "branches")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("entries must not be empty")
        return value

    @cached_property
    def ruleset(self) -> RuleSet:
        user = self.rules.model_dump()
        return load_ruleset(user if any(user.values()) else None, self._origin)


def _known_keys(model: type[BaseModel], path: tuple[str | int, ...]) -> list[str]:
    current: Any = model
    for part in path:
        field = current.model_fields.get(part) if isinstance(part, str) else None
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        current = annotation
    return list(current.model_fields)


Lines = dict[tuple[str | int, ...], int]  # key path -> 1-based line in the file


def _at(origin: str, key: tuple[str | int, ...], lines: Lines | None) -> str:
    """`origin:line` of the deepest part of `key` the file spells; `origin` without one."""
    for length in range(len(key), 0, -1):
        line = (lines or {}).get(key[:length])
        if line is not None:
            return f"{origin}:{line}"
    return origin


def _describe(error: Any, origin: str, lines: Lines | None) -> str:
    location = tuple(error["loc"])
    path = ".".join(str(part) for part in location) or "(top level)"
    where = _at(origin, location, lines)
    if error["type"] == "extra_forbidden":
        known = _known_keys(Config, location[:-1])
        close = difflib.get_close_matches(str(location[-1]), known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        if known:
            hint += f" (known keys here: {', '.join(known)})"
        return f"{where}: unknown key '{path}'{hint}"
    return f"{where}: {path}: {error['msg']}"


def parse_config(data: Any, origin: str = CONFIG_PATH, lines: Lines | None = None) -> Config:
    """`data` validated; errors name `origin` and, when `lines` is given, the line."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping of settings at the top level")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(error, origin, lines) for error in exc.errors()]
        raise ConfigError("; ".join(problems[:5])) from None
    config._origin = origin
    # Rules are validated here too, so a bad rule is reported when the file is loaded.
    try:
        _ = config.ruleset
    except ConfigError as exc:
        message = str(exc)
        if exc.key and message.startswith(f"{origin}: "):
            message = _at(origin, exc.key, lines) + message[len(origin) :]
        raise ConfigError(message, key=exc.key) from None
    return config


def _lines(node: yaml.Node | None, key: tuple[str | int, ...] = ()) -> Lines:
    """Where each key and list item starts (PyYAML nodes carry a start_mark)."""
    found: Lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            path = (*key, key_node.value)
            found[path] = key_node.start_mark.line + 1
            found.update(_lines(value, path))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found[(*key, index)] = item.start_mark.line + 1
            found.update(_lines(item, (*key, index)))
    return found


def load_config_text(text: str, origin: str = CONFIG_PATH) -> Config:
    """The file's text -> Config; every error names `origin`, most with the line."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", exc)
        raise ConfigError(f"{origin}: not valid YAML{where}: {problem}") from None
    finally:
        loader.dispose()
    return parse_config(data, origin, _lines(node) if node is not None else None)
