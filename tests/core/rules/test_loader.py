"""The knowledge base: built-in rules, plus the user's `rules:` section (add, override,
disable) from `.github/autorecover.yml`, and the errors that name where a mistake is."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pytest

from autorecover.core.analysis.steps import STRUCTURE_PATTERNS
from autorecover.core.models import Severity
from autorecover.core.rules.loader import RuleSet, builtin_rules, load_ruleset
from autorecover.errors import ConfigError

ORIGIN = "ci/autorecover.yml"
PYTEST = "pytest-failed-test"
BLACK = "black-would-reformat"
OWN = "python-own-package-not-importable"


def new_rule(rule_id: str = "my-rule", **fields: Any) -> dict[str, Any]:
    return {
        "id": rule_id,
        "category": "network_error",
        "severity": "medium",
        "title": "Mirror said {status}",
        "patterns": ["mirror said (?P<status>5\\d\\d)"],
        "explanation": "The mirror failed.",
        "remediation": "Rerun.",
        **fields,
    }


def ids(ruleset: RuleSet) -> list[str]:
    return [rule.id for rule in ruleset.rules]


# --------------------------------------------------------------------------- built-in


def test_builtin_rules_are_loaded_once_and_name_their_file() -> None:
    rules = builtin_rules()
    assert builtin_rules() is rules
    folder = resources.files("autorecover.core.rules").joinpath("builtin")
    files = {entry.name for entry in folder.iterdir() if entry.name.endswith(".yaml")}
    origins = {rule.origin for rule in rules}
    assert origins == {f"builtin:{name}" for name in files}
    # Files are read in name order, rules in file order.
    assert [r.origin for r in rules] == sorted(r.origin for r in rules)


@pytest.mark.parametrize(
    "user",
    [
        pytest.param(None, id="no-rules-section"),
        pytest.param({}, id="empty-mapping"),
        pytest.param({"add": None, "override": [], "disable": None}, id="empty-sections"),
    ],
)
def test_without_user_rules_the_builtin_rules_are_used(user: Any) -> None:
    assert load_ruleset(user).rules == builtin_rules()


# --------------------------------------------------------------------------- add


def test_added_rules_come_after_the_builtin_ones_with_their_origin() -> None:
    ruleset = load_ruleset({"add": [new_rule("a-rule"), new_rule("b-rule")]}, origin=ORIGIN)
    assert ids(ruleset)[-2:] == ["a-rule", "b-rule"]
    assert ruleset.rules[: len(builtin_rules())] == builtin_rules()
    added = ruleset.get("a-rule")
    assert added is not None and added.origin == ORIGIN
    assert added.patterns == ("mirror said (?P<status>5\\d\\d)",)


# --------------------------------------------------------------------------- override


@pytest.mark.parametrize(
    ("rule_id", "fields", "check"),
    [
        pytest.param(
            PYTEST,
            {"severity": "critical"},
            lambda old, new: new.severity is Severity.CRITICAL and new.patterns == old.patterns,
            id="severity",
        ),
        pytest.param(
            PYTEST,
            {"priority": 12, "confidence": 0.5},
            lambda old, new: (new.priority, new.confidence, new.title) == (12, 0.5, old.title),
            id="priority-and-confidence",
        ),
        pytest.param(
            PYTEST,
            {"patterns": ["^FAILED (?P<test>\\S+) custom"]},
            lambda old, new: new.patterns == ("^FAILED (?P<test>\\S+) custom",),
            id="patterns-replaced",
        ),
        pytest.param(
            PYTEST,
            {"unless": ["flaky"]},
            lambda old, new: new.unless == ("flaky",) and new.patterns == old.patterns,
            id="unless-added",
        ),
        pytest.param(
            PYTEST,
            {"transient": True},
            lambda old, new: new.transient and not old.transient,
            id="transient",
        ),
        pytest.param(
            BLACK,
            {"priority": 46},
            lambda old, new: new.fix == old.fix and new.fix is not None,
            id="fix-kept",
        ),
        pytest.param(
            BLACK,
            {"fix": None},
            lambda old, new: old.fix is not None and new.fix is None,
            id="fix-removed-with-null",
        ),
        pytest.param(
            PYTEST,
            {"severity": "low"},
            lambda old, new: new.fix is None,
            id="rule-without-fix-stays-without",
        ),
        pytest.param(
            OWN,
            {"severity": "medium"},
            lambda old, new: new.derived and new.patterns == (),
            id="derived-rule",
        ),
    ],
)
def test_override_changes_only_the_fields_given(
    rule_id: str, fields: dict[str, Any], check: Any
) -> None:
    old = next(rule for rule in builtin_rules() if rule.id == rule_id)
    ruleset = load_ruleset({"override": [{"id": rule_id, **fields}]}, origin=ORIGIN)
    new = ruleset.get(rule_id)
    assert new is not None and check(old, new)
    assert new.origin == ORIGIN
    assert ids(ruleset) == [rule.id for rule in builtin_rules()]  # same place, same count


def test_overrides_of_one_rule_accumulate() -> None:
    ruleset = load_ruleset(
        {"override": [{"id": PYTEST, "severity": "critical"}, {"id": PYTEST, "priority": 12}]}
    )
    rule = ruleset.get(PYTEST)
    assert rule is not None and (rule.severity, rule.priority) == (Severity.CRITICAL, 12)


# --------------------------------------------------------------------------- disable


@pytest.mark.parametrize(
    ("user", "gone"),
    [
        pytest.param({"disable": [PYTEST]}, [PYTEST], id="builtin"),
        pytest.param({"disable": [PYTEST, BLACK]}, [PYTEST, BLACK], id="several"),
        pytest.param({"disable": [PYTEST, PYTEST]}, [PYTEST], id="twice"),
        pytest.param(
            {"add": [new_rule()], "disable": ["my-rule"]}, ["my-rule"], id="added-in-the-same-file"
        ),
        pytest.param(
            {"override": [{"id": PYTEST, "severity": "low"}], "disable": [PYTEST]},
            [PYTEST],
            id="overridden-then-disabled",
        ),
    ],
)
def test_disable(user: dict[str, Any], gone: list[str]) -> None:
    ruleset = load_ruleset(user)
    assert all(ruleset.get(rule_id) is None for rule_id in gone)
    assert all(rule_id not in ids(ruleset) for rule_id in gone)
    builtin_left = [r for r in builtin_rules() if r.id not in gone]
    assert len(ruleset.rules) == len(builtin_left)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("user", "message"),
    [
        pytest.param(
            "everything",
            f"{ORIGIN}: 'rules' must be a mapping with add, override, disable",
            id="not-a-mapping",
        ),
        pytest.param(
            [new_rule()],
            f"{ORIGIN}: 'rules' must be a mapping with add, override, disable",
            id="a-list",
        ),
        pytest.param(
            {"overide": []},
            f"{ORIGIN}: rules.overide is not a key (did you mean 'override'?)",
            id="unknown-section-suggested",
        ),
        pytest.param({"add": new_rule()}, f"{ORIGIN}: rules.add must be a list", id="add-mapping"),
        pytest.param(
            {"override": {"id": PYTEST}},
            f"{ORIGIN}: rules.override must be a list",
            id="override-mapping",
        ),
        pytest.param(
            {"disable": PYTEST}, f"{ORIGIN}: rules.disable must be a list", id="disable-string"
        ),
        pytest.param(
            {"override": [{"severity": "high"}]},
            f"{ORIGIN}: rules.override[0]: each entry needs an 'id'",
            id="override-without-id",
        ),
        pytest.param(
            {"override": [PYTEST]},
            f"{ORIGIN}: rules.override[0]: each entry needs an 'id'",
            id="override-entry-not-a-mapping",
        ),
        pytest.param(
            {"override": [{"id": "pytest-failed-testz"}]},
            f"{ORIGIN}: rules.override[0]: no built-in rule 'pytest-failed-testz' "
            f"(did you mean '{PYTEST}'?)",
            id="override-unknown-id-names-the-origin",
        ),
        pytest.param(
            {"add": [new_rule()], "override": [{"id": "my-rule", "severity": "low"}]},
            f"{ORIGIN}: rules.override[0]: no built-in rule 'my-rule'",
            id="override-applies-to-builtin-rules-only",
        ),
        pytest.param(
            {"override": [{"id": PYTEST, "severty": "high"}]},
            f"{ORIGIN}: rules.override[0]: rule '{PYTEST}': unknown field 'severty' "
            "(did you mean 'severity'?)",
            id="override-unknown-field",
        ),
        pytest.param(
            {"override": [{"id": PYTEST, "severity": "urgent"}]},
            f"{ORIGIN}: rules.override[0]: rule '{PYTEST}', field 'severity': 'urgent' is not "
            "one of",
            id="override-invalid-value",
        ),
        pytest.param(
            {"add": [new_rule(PYTEST)]},
            f"{ORIGIN}: rules.add: rule '{PYTEST}' already exists; use rules.override "
            "to change a built-in rule",
            id="add-builtin-id",
        ),
        pytest.param(
            {"add": [new_rule(), new_rule()]},
            f"{ORIGIN}: rules.add: rule 'my-rule' already exists",
            id="duplicate-added-ids",
        ),
        pytest.param(
            {"add": [new_rule(patterns=["(a)\\1"])]},
            f"{ORIGIN}: rules.add[0]: rule 'my-rule', field 'patterns[0]': '(a)\\\\1' is not a "
            "valid RE2 pattern",
            id="add-invalid-pattern",
        ),
        pytest.param(
            {"add": ["my-rule"]},
            f"{ORIGIN}: rules.add[0]: each rule must be a mapping, got str",
            id="add-entry-not-a-mapping",
        ),
        pytest.param(
            {"disable": ["pytest-failed-tset"]},
            f"{ORIGIN}: rules.disable: no rule 'pytest-failed-tset' (did you mean '{PYTEST}'?)",
            id="disable-unknown-id-names-the-origin",
        ),
        pytest.param(
            {"disable": [5]}, f"{ORIGIN}: rules.disable: no rule '5'", id="disable-not-a-string"
        ),
    ],
)
def test_user_rule_errors_name_where_the_mistake_is(user: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}"):
        load_ruleset(user, origin=ORIGIN)


@pytest.mark.parametrize(
    ("user", "key"),
    [
        pytest.param(
            {"add": [new_rule(), new_rule(severity="urgent")]},
            ("rules", "add", 1, "severity"),
            id="field-of-the-second-rule",
        ),
        pytest.param(
            {"add": [new_rule(patterns=["ok", "(a)\\1"])]},
            ("rules", "add", 0, "patterns", 1),
            id="one-pattern-of-a-list",
        ),
        pytest.param(
            {"add": [{"id": "my-rule", "category": "build_error"}]},
            ("rules", "add", 0),
            id="missing-field-points-at-the-entry",
        ),
        pytest.param(
            {"override": [{"id": PYTEST, "severty": "high"}]},
            ("rules", "override", 0, "severty"),
            id="override-unknown-field",
        ),
        pytest.param({"disable": ["x", "nope"]}, ("rules", "disable", 0), id="disable"),
    ],
)
def test_user_rule_errors_carry_the_key_path(user: Any, key: tuple[Any, ...]) -> None:
    with pytest.raises(ConfigError) as exc:
        load_ruleset(user, origin=ORIGIN)
    assert exc.value.key == key


# --------------------------------------------------------------------------- RuleSet


def test_ruleset_lookup() -> None:
    ruleset = load_ruleset()
    rule = ruleset.get(PYTEST)
    assert rule is not None and rule.id == PYTEST
    assert ruleset.get("no-such-rule") is None
    assert set(ruleset.by_id) == set(ids(ruleset))


def test_matcher_is_built_once_from_the_rules_with_patterns() -> None:
    ruleset = load_ruleset({"add": [new_rule()]})
    matcher = ruleset.matcher(STRUCTURE_PATTERNS)
    assert ruleset.matcher(STRUCTURE_PATTERNS) is matcher
    assert OWN not in [rule.id for rule in matcher.rules]  # derived: no patterns to match
    assert "my-rule" in [rule.id for rule in matcher.rules]
    assert len(matcher.rules) == len([r for r in ruleset.rules if r.patterns])
