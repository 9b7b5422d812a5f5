"""Rule validation, user rules (add/override/disable) and regex safety (rows docs/security.md#t15,
#t16)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from autorecover.core.analysis.diagnose import AnalysisContext, analyze_job
from autorecover.core.rules.engine import Matcher
from autorecover.core.rules.loader import RuleSet, builtin_rules, load_ruleset
from autorecover.core.rules.schema import check_pattern, parse_rule, prepare_pattern
from autorecover.errors import ConfigError


def rule(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "my-rule",
        "category": "network_error",
        "severity": "medium",
        "title": "Mirror failed",
        "patterns": ["mirror said (?P<status>5\\d\\d)"],
        "explanation": "The mirror failed.",
        "remediation": "Rerun.",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param(
            {"patterns": ["(a)\\1"]}, "'my-rule'.*patterns\\[0\\].*RE2", id="backreference-t15"
        ),
        pytest.param(
            {"patterns": ["(?<=x)y"]}, "patterns\\[0\\].*look-around", id="lookbehind-t15"
        ),
        pytest.param({"patterns": ["ok", "(unbalanced"]}, "patterns\\[1\\]", id="unbalanced-t15"),
        pytest.param({"unless": ["(?=x)"]}, "unless\\[0\\]", id="lookahead-in-unless-t15"),
        pytest.param({"patterns": ["x*"]}, "matches an empty line", id="matches-everything"),
        pytest.param({"patterns": []}, "at least one pattern", id="no-patterns"),
        pytest.param(
            {"category": "networking"}, "category.*did you mean 'network_error'", id="bad-category"
        ),
        pytest.param({"severity": "urgent"}, "severity", id="bad-severity"),
        pytest.param(
            {"titel": "x"}, "unknown field 'titel'.*did you mean 'title'", id="unknown-field"
        ),
        pytest.param(
            {"explanation": None}, "missing required field 'explanation'", id="missing-field"
        ),
        pytest.param({"priority": 101}, "priority", id="priority-range"),
        pytest.param({"confidence": 2}, "confidence", id="confidence-range"),
        pytest.param({"transient": "yes"}, "transient.*true or false", id="transient-type"),
        pytest.param({"fix": "autopep8"}, "fix.fixer.*not one of", id="unknown-fixer"),
        pytest.param(
            {"fix": {"fixer": "add-requirement"}},
            "needs 'module'",
            id="add-requirement-without-module",
        ),
        pytest.param(
            {"title": "Mirror {code}"},
            "title.*'\\{code\\}' names no capture group",
            id="title-placeholder",
        ),
        pytest.param({"id": "Bad Id"}, "rule id", id="bad-id"),
    ],
)
def test_invalid_rules_are_rejected_with_rule_field_and_reason(
    fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_rule(rule(**fields), origin=".github/autorecover.yml")


def test_a_valid_rule_parses() -> None:
    parsed = parse_rule(rule(fix={"fixer": "add-requirement", "params": {"module": "{status}"}}))
    assert parsed.id == "my-rule" and parsed.fix is not None
    assert dict(parsed.fix.params) == {"module": "{status}"}


def test_leading_caret_anchors_after_the_runner_timestamp() -> None:
    prepared = prepare_pattern("(?i)^error: x")
    assert prepared.startswith("(?m)(?i)^(?:")


def test_builtin_rules_load_with_unique_ids() -> None:
    rules = builtin_rules()
    assert len({r.id for r in rules}) == len(rules)


def test_user_rules_add_override_disable() -> None:
    first = builtin_rules()[0]
    ruleset = load_ruleset(
        {
            "add": [rule()],
            "override": [{"id": first.id, "severity": "critical"}],
            "disable": [builtin_rules()[1].id],
        }
    )
    assert ruleset.get("my-rule") is not None
    overridden = ruleset.get(first.id)
    assert overridden is not None and str(overridden.severity) == "critical"
    assert overridden.patterns == first.patterns
    assert ruleset.get(builtin_rules()[1].id) is None


@pytest.mark.parametrize(
    ("user", "message"),
    [
        pytest.param(
            {"add": [rule(id=builtin_rules()[0].id)]},
            "already exists; use rules.override",
            id="add-existing",
        ),
        pytest.param(
            {"override": [{"id": "no-such-rule"}]},
            "no built-in rule 'no-such-rule'",
            id="override-unknown",
        ),
        pytest.param({"disable": ["no-such-rule"]}, "no rule 'no-such-rule'", id="disable-unknown"),
        pytest.param({"remove": []}, "rules.remove is not a key", id="unknown-section"),
        pytest.param({"add": {"id": "x"}}, "rules.add must be a list", id="add-not-list"),
        pytest.param(
            {"override": [{"id": builtin_rules()[0].id, "patterns": ["(a)\\1"]}]},
            "RE2",
            id="override-bad-pattern",
        ),
    ],
)
def test_user_rule_errors(user: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_ruleset(user)


def test_t16_pattern_itself_is_rejected_because_it_matches_empty_lines() -> None:
    with pytest.raises(ConfigError, match="matches an empty line"):
        parse_rule(rule(patterns=["^(\\w+\\s?)*$"]), origin="config")


def test_user_regex_on_an_adversarial_line_is_linear_t16() -> None:
    """docs/security.md#t16: `^(\\w+\\s?)*$` takes seconds in Python's re at 67 characters; RE2 is
    linear."""
    evil = parse_rule(rule(patterns=["^(\\w+\\s?)*x$"]), origin="config")
    ruleset = RuleSet((evil,))
    line = b"ab " * 350_000 + b"!\n"  # ~1 MB
    start = time.perf_counter()
    diagnosis = analyze_job([line], "evil.log", ruleset, AnalysisContext())
    assert time.perf_counter() - start < 1.0
    assert diagnosis.stats.lines_cut == 1


def test_matcher_finds_all_patterns_of_a_chunk_with_captures() -> None:
    parsed = parse_rule(rule())
    matcher = Matcher([parsed], {"exit": "^Error: Process completed with exit code (?P<v>\\d+)"})
    hits, over = matcher.scan(b"a\nmirror said 503\nError: Process completed with exit code 2\n")
    assert over == 0
    assert [(matcher.entries[h.entry].kind or "rule", dict(h.groups)) for h in hits] == [
        ("rule", {"status": "503"}),
        ("exit", {"v": "2"}),
    ]


def test_matches_never_span_lines() -> None:
    parsed = parse_rule(rule(patterns=["mirror\\s+said"]))
    hits, _ = Matcher([parsed], {}).scan(b"mirror\nsaid\n")
    assert hits == []


def test_matcher_caps_hits_per_pattern_and_reports_more() -> None:
    parsed = parse_rule(rule(patterns=["^x$"]))
    hits, over = Matcher([parsed], {}).scan(b"x\n" * 1000)
    assert len(hits) == 64 and over == 1


def test_every_builtin_pattern_passes_the_checks_users_get() -> None:
    """Built-in rules load without compiling each pattern (start-up time); this is where
    they are held to the same checks as user rules."""
    for rule_ in builtin_rules():
        for field, patterns in (("patterns", rule_.patterns), ("unless", rule_.unless)):
            for index, pattern in enumerate(patterns):
                check_pattern(rule_.id, f"{field}[{index}]", pattern)


@pytest.mark.parametrize("pattern", ["(?:^|x)abc", "foo|^bar"])
def test_a_caret_that_is_not_leading_is_rejected(pattern: str) -> None:
    with pytest.raises(ConfigError, match="only a leading '\\^' is allowed"):
        parse_rule(rule(patterns=[pattern]))


def test_trailing_dollar_tolerates_crlf() -> None:
    parsed = parse_rule(rule(patterns=["^mirror said (?P<status>5\\d\\d)$"]))
    hits, _ = Matcher([parsed], {}).scan(b"mirror said 503\r\nnext\n")
    assert [dict(h.groups) for h in hits] == [{"status": "503"}]
