"""The knowledge base: built-in rules shipped as YAML data (read through their JSON twin,
core/datafile.py), plus the user's additions, overrides and disables from
`.github/autorecover.yml` (`rules:` key)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from autorecover.constants import CONFIG_PATH
from autorecover.core import datafile
from autorecover.core.rules.engine import Matcher
from autorecover.core.rules.schema import FIELDS, Rule, field_of, parse_rule, suggest
from autorecover.errors import ConfigError

__all__ = ["Rule", "RuleSet", "builtin_rules", "load_ruleset", "parse_rule"]


@functools.cache
def builtin_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for name, data in datafile.RULES.load():
        for item in data.get("rules", []):
            rule = parse_rule(item, origin=f"builtin:{name}", compile_check=False)
            if rule.id in seen:
                raise ConfigError(f"rule '{rule.id}' is defined twice ({seen[rule.id]}, {name})")
            seen[rule.id] = name
            rules.append(rule)
    return tuple(rules)


@dataclass
class RuleSet:
    rules: tuple[Rule, ...]
    _matcher: Matcher | None = field(default=None, repr=False)

    @functools.cached_property
    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    def get(self, rule_id: str) -> Rule | None:
        return self.by_id.get(rule_id)

    def matcher(self, structure: Mapping[str, str]) -> Matcher:
        if self._matcher is None:
            active = [rule for rule in self.rules if rule.patterns]
            self._matcher = Matcher(active, structure)
        return self._matcher


def load_ruleset(user: Any = None, origin: str = CONFIG_PATH) -> RuleSet:
    """Built-in rules with the user's `rules:` section applied.

    ```yaml
    rules:
      add: [ {id: my-rule, category: network_error, ...} ]   # new rules
      override: [ {id: pytest-failed-tests, severity: critical} ]  # change fields
      disable: [generic-exit-code]
    ```
    """
    rules = list(builtin_rules())
    if user is None:
        return RuleSet(tuple(rules))
    if not isinstance(user, dict):
        raise ConfigError(
            f"{origin}: 'rules' must be a mapping with add, override, disable", key=("rules",)
        )
    unknown = [key for key in user if key not in ("add", "override", "disable")]
    if unknown:
        keys = ("add", "override", "disable")
        raise ConfigError(
            f"{origin}: rules.{unknown[0]} is not a key{suggest(unknown[0], keys)}",
            key=("rules", unknown[0]),
        )
    by_id = {rule.id: index for index, rule in enumerate(rules)}
    for position, rule_data in enumerate(_list(user, "override", origin)):
        index = _existing(rule_data, by_id, origin, position)
        merged = {**rules[index].to_dict(), **rule_data}
        merged.pop("origin", None)
        if merged.get("fix") is None:
            merged.pop("fix", None)
        rules[index] = _user_rule(merged, origin, ("override", position), given=rule_data)
    for position, rule_data in enumerate(_list(user, "add", origin)):
        rule = _user_rule(rule_data, origin, ("add", position), given=rule_data)
        if rule.id in by_id:
            raise ConfigError(
                f"{origin}: rules.add: rule '{rule.id}' already exists; use rules.override "
                "to change a built-in rule",
                key=("rules", "add", position, "id"),
            )
        by_id[rule.id] = len(rules)
        rules.append(rule)
    disabled = set()
    for position, rule_id in enumerate(_list(user, "disable", origin)):
        if not isinstance(rule_id, str) or rule_id not in by_id:
            raise ConfigError(
                f"{origin}: rules.disable: no rule '{rule_id}'{suggest(str(rule_id), list(by_id))}",
                key=("rules", "disable", position),
            )
        disabled.add(rule_id)
    return RuleSet(tuple(rule for rule in rules if rule.id not in disabled))


def _user_rule(data: Any, origin: str, where: tuple[str, int], given: Any) -> Rule:
    """A rule from the config file; its errors name the file and carry the key path of the
    field (or of the entry, for a field the entry does not spell itself)."""
    try:
        return parse_rule(data, origin=origin)
    except ConfigError as exc:
        message = str(exc).removeprefix(f"{origin}: ")
        field = field_of(message)
        entry: tuple[str | int, ...] = ("rules", *where)
        spelled = isinstance(given, dict) and bool(field) and field[0] in given
        key = entry + field if spelled else entry
        raise ConfigError(f"{origin}: rules.{where[0]}[{where[1]}]: {message}", key=key) from None


def _list(user: Mapping[str, Any], key: str, origin: str) -> Iterable[Any]:
    value = user.get(key) or []
    if not isinstance(value, list):
        raise ConfigError(f"{origin}: rules.{key} must be a list", key=("rules", key))
    return value


def _existing(data: Any, by_id: Mapping[str, int], origin: str, position: int) -> int:
    entry = ("rules", "override", position)
    where = f"{origin}: rules.override[{position}]"
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise ConfigError(f"{where}: each entry needs an 'id'", key=entry)
    rule_id = data["id"]
    if rule_id not in by_id:
        raise ConfigError(
            f"{where}: no built-in rule '{rule_id}'{suggest(rule_id, list(by_id))}",
            key=(*entry, "id"),
        )
    unknown = [name for name in data if name not in FIELDS]
    if unknown:
        raise ConfigError(
            f"{where}: rule '{rule_id}': unknown field '{unknown[0]}'"
            f"{suggest(unknown[0], FIELDS)}",
            key=(*entry, unknown[0]),
        )
    return by_id[rule_id]
