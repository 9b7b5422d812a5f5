"""A rule of the knowledge base and its validation.

Rules are data (YAML). Validation is hand-written rather than pydantic so the analysis
path stays small (see models.py), and so every message names the rule, the field and
what is wrong, in the words a maintainer editing `.github/autorecover.yml` would use.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import re2

from autorecover.constants import FIXER_ADD_REQUIREMENT, FIXER_NAMES
from autorecover.core.models import Category, Severity
from autorecover.core.text import mdsafe
from autorecover.errors import ConfigError

FIXERS = FIXER_NAMES
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_FLAGS_RE = re.compile(r"^\(\?[imsU]+\)")
_GROUP_NAME_RE = re.compile(r"\(\?P<([A-Za-z_][A-Za-z0-9_]*)>")
# Reads back the field every message below names ("rule 'x', field 'patterns[2]'",
# "unknown field 'y'", "missing required field 'z'"), for the line number (core/config.py).
_FIELD_IN_MESSAGE_RE = re.compile(r"field '([a-z_]+)(?:\[(\d+)\]|\.([a-z_]+))?")

FIELDS = (
    "id",
    "category",
    "severity",
    "title",
    "patterns",
    "unless",
    "transient",
    "priority",
    "confidence",
    "fix",
    "explanation",
    "remediation",
    "derived",
    "actionable",
)
REQUIRED = ("id", "category", "severity", "title", "patterns", "explanation", "remediation")

# Priority guide (higher wins when choosing the primary cause of a job's failure):
#   10 generic signals (an exit code, a bare `Error:`),
#   30 wrappers and consequences (pytest's summary, `make: *** Error`, conftest wrapper),
#   50 a tool's specific error (the default),
#   70 root causes inside the build (a missing module, a syntax error),
#   90 environment root causes (disk full, out of memory, runner lost, job timeout).
DEFAULT_PRIORITY = 50
DEFAULT_CONFIDENCE = 0.8
SIGNIFICANT_PRIORITY = 30


@dataclass(frozen=True, slots=True)
class FixSpec:
    fixer: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: Category
    severity: Severity
    title: str
    patterns: tuple[str, ...]
    explanation: str
    remediation: str
    unless: tuple[str, ...] = ()
    transient: bool = False
    priority: int = DEFAULT_PRIORITY
    confidence: float = DEFAULT_CONFIDENCE
    fix: FixSpec | None = None
    derived: bool = False
    # False for signals meaning the job was stopped from outside (matrix fail-fast, a
    # newer run superseding it): there is nothing to recover, the analyzer proposes none.
    actionable: bool = True
    origin: str = "builtin"

    @property
    def significant(self) -> bool:
        return self.priority >= SIGNIFICANT_PRIORITY

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "category": str(self.category),
            "severity": str(self.severity),
            "title": self.title,
            "patterns": list(self.patterns),
            "unless": list(self.unless),
            "transient": self.transient,
            "priority": self.priority,
            "confidence": self.confidence,
            "explanation": self.explanation,
            "remediation": self.remediation,
            "actionable": self.actionable,
            "origin": self.origin,
        }
        if self.derived:
            out["derived"] = True
        if self.fix:
            out["fix"] = {"fixer": self.fix.fixer, "params": dict(self.fix.params)}
        return out


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def prepare_pattern(pattern: str) -> str:
    """The pattern as the engine runs it: per line (`(?m)`); a leading `^` anchors after
    the optional runner timestamp, and a trailing `$` tolerates a `\r` (CRLF logs and
    progress redraws are not rewritten before matching), so rule authors can ignore both."""
    flags = ""
    body = pattern
    while match := _FLAGS_RE.match(body):
        flags += match.group(0)
        body = body[match.end() :]
    if body.startswith("^"):
        body = r"^(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z )?" + body[1:]
    if body.endswith("$"):
        escapes = len(body[:-1]) - len(body[:-1].rstrip("\\"))
        if escapes % 2 == 0:  # `\$` is a literal dollar, not the anchor
            body = body[:-1] + r"\r?$"
    return "(?m)" + flags + body


def re2_options() -> Any:
    options = re2.Options()
    # A match never spans lines: `\s` and `[^x]` would otherwise cross `\n` in a chunk.
    options.never_nl = True
    # RE2 logs parse errors to stderr through absl; we report them ourselves.
    options.log_errors = False
    return options


def compile_pattern(pattern: str) -> Any:
    return re2.compile(prepare_pattern(pattern).encode(), re2_options())


def check_pattern(rule_id: str, field: str, pattern: Any) -> None:
    where = f"rule '{rule_id}', field '{field}'"
    if not isinstance(pattern, str) or not pattern.strip():
        raise ConfigError(f"{where}: expected a non-empty regular expression string")
    try:
        compiled = compile_pattern(pattern)
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise ConfigError(
            f"{where}: {pattern!r} is not a valid RE2 pattern ({detail}). Patterns run on "
            "RE2, which guarantees linear time: backreferences and look-around are not "
            "supported."
        ) from None
    misplaced = _misplaced_caret(pattern)
    if misplaced >= 0:
        raise ConfigError(
            f"{where}: {pattern!r} has '^' at position {misplaced}; only a leading '^' is "
            "allowed (it anchors after the runner's timestamp, which a '^' elsewhere, as in "
            "'(?:^|x)', would never match past)"
        )
    if compiled.search(b"") is not None:
        raise ConfigError(
            f"{where}: {pattern!r} matches an empty line, so it would match every line"
        )


def _misplaced_caret(pattern: str) -> int:
    """Index of a '^' anchor other than the leading one, or -1. Escapes and character
    classes (where '^' negates) are skipped."""
    body = pattern
    offset = 0
    while match := _FLAGS_RE.match(body):
        offset += match.end()
        body = body[match.end() :]
    in_class = False
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]" or body[index - 1] == "["
        elif char == "[":
            in_class = True
            if body[index + 1 : index + 2] == "^":
                index += 1
        elif char == "^" and index > 0:
            return offset + index
        index += 1
    return -1


def _text(rule_id: str, data: Mapping[str, Any], name: str, default: str | None = None) -> str:
    value = data.get(name, default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"rule '{rule_id}', field '{name}': expected non-empty text")
    return value.strip()


def _enum(rule_id: str, data: Mapping[str, Any], name: str, kind: type[Any]) -> Any:
    value = data.get(name)
    allowed = [str(member) for member in kind]
    if value not in allowed:
        raise ConfigError(
            f"rule '{rule_id}', field '{name}': {value!r} is not one of "
            f"{', '.join(allowed)}{suggest(str(value), allowed)}"
        )
    return kind(value)


def _patterns(
    rule_id: str, data: Mapping[str, Any], name: str, compile_check: bool
) -> tuple[str, ...]:
    value = data.get(name, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"rule '{rule_id}', field '{name}': expected a list of patterns")
    for index, pattern in enumerate(value):
        if compile_check:
            check_pattern(rule_id, f"{name}[{index}]", pattern)
        elif not isinstance(pattern, str) or not pattern:
            raise ConfigError(f"rule '{rule_id}', field '{name}[{index}]': expected a pattern")
    return tuple(value)


def _fix(rule_id: str, value: Any, groups: set[str]) -> FixSpec | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = {"fixer": value}
    if not isinstance(value, dict):
        raise ConfigError(f"rule '{rule_id}', field 'fix': expected a mapping with 'fixer'")
    unknown = set(value) - {"fixer", "params"}
    if unknown:
        raise ConfigError(
            f"rule '{rule_id}', field 'fix': unknown "
            f"{'key' if len(unknown) == 1 else 'keys'} {sorted(unknown)}"
        )
    fixer = value.get("fixer")
    if fixer not in FIXERS:
        raise ConfigError(
            f"rule '{rule_id}', field 'fix.fixer': {fixer!r} is not one of "
            f"{', '.join(FIXERS)}{suggest(str(fixer), FIXERS)}"
        )
    params = value.get("params") or {}
    if not isinstance(params, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in params.items()
    ):
        raise ConfigError(f"rule '{rule_id}', field 'fix.params': expected a mapping of text")
    for key, template in params.items():
        _check_placeholders(rule_id, f"fix.params.{key}", template, groups)
    if fixer == FIXER_ADD_REQUIREMENT and "module" not in params:
        raise ConfigError(
            f"rule '{rule_id}', field 'fix.params': {FIXER_ADD_REQUIREMENT} needs 'module' "
            "(e.g. module: '{module}' from a named capture)"
        )
    return FixSpec(fixer=fixer, params=tuple(sorted(params.items())))


def _check_placeholders(rule_id: str, field: str, template: str, groups: set[str]) -> None:
    for name in PLACEHOLDER_RE.findall(template):
        if name not in groups:
            raise ConfigError(
                f"rule '{rule_id}', field '{field}': '{{{name}}}' names no capture group; "
                f"add (?P<{name}>...) to a pattern{suggest(name, sorted(groups))}"
            )


def parse_rule(data: Any, origin: str = "builtin", *, compile_check: bool = True) -> Rule:
    """Validate one rule mapping; raises ConfigError naming the rule and the field.

    `compile_check=False` skips compiling each pattern to validate it: the built-in rules
    are validated by the test suite, and compiling ~450 patterns twice at every start-up
    costs a tenth of a second and several MB."""
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: each rule must be a mapping, got {type(data).__name__}")
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not ID_RE.match(rule_id):
        raise ConfigError(
            f"{origin}: rule id {rule_id!r} must be lower-case letters, digits, '.', '_' "
            "or '-' (at most 80)"
        )
    unknown = [key for key in data if key not in FIELDS]
    if unknown:
        raise ConfigError(
            f"rule '{rule_id}': unknown field '{unknown[0]}'{suggest(str(unknown[0]), FIELDS)}"
        )
    for name in REQUIRED:
        if name not in data and not (name == "patterns" and data.get("derived")):
            raise ConfigError(f"rule '{rule_id}': missing required field '{name}'")
    derived = _flag(rule_id, data, "derived", False)
    patterns = _patterns(rule_id, data, "patterns", compile_check)
    if not patterns and not derived:
        raise ConfigError(f"rule '{rule_id}', field 'patterns': at least one pattern is needed")
    groups = {name for pattern in patterns for name in _GROUP_NAME_RE.findall(pattern)}
    title = _text(rule_id, data, "title")
    _check_placeholders(rule_id, "title", title, groups | ({"module"} if derived else set()))
    remediation = _text(rule_id, data, "remediation")
    _check_placeholders(
        rule_id, "remediation", remediation, groups | ({"module"} if derived else set())
    )
    transient = _flag(rule_id, data, "transient", False)
    actionable = _flag(rule_id, data, "actionable", True)
    priority = data.get("priority", DEFAULT_PRIORITY)
    if not isinstance(priority, int) or isinstance(priority, bool) or not 0 <= priority <= 100:
        raise ConfigError(f"rule '{rule_id}', field 'priority': expected a whole number 0-100")
    confidence = data.get("confidence", DEFAULT_CONFIDENCE)
    if (
        not isinstance(confidence, (int, float))
        or isinstance(confidence, bool)
        or not 0 <= confidence <= 1
    ):
        raise ConfigError(f"rule '{rule_id}', field 'confidence': expected a number 0-1")
    return Rule(
        id=rule_id,
        category=_enum(rule_id, data, "category", Category),
        severity=_enum(rule_id, data, "severity", Severity),
        title=title,
        patterns=patterns,
        unless=_patterns(rule_id, data, "unless", compile_check),
        transient=transient,
        priority=priority,
        confidence=float(confidence),
        fix=_fix(rule_id, data.get("fix"), groups),
        explanation=_text(rule_id, data, "explanation"),
        remediation=remediation,
        derived=derived,
        actionable=actionable,
        origin=origin,
    )


def _flag(rule_id: str, data: Mapping[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise ConfigError(f"rule '{rule_id}', field '{name}': expected true or false")
    return value


def field_of(message: str) -> tuple[str | int, ...]:
    """The key path, inside one rule, of the field a ConfigError message names."""
    match = _FIELD_IN_MESSAGE_RE.search(message)
    if match is None:
        return ()
    name, index, sub = match.groups()
    return (name,) + ((int(index),) if index else ()) + ((sub,) if sub else ())


def fill(template: str, captures: Mapping[str, str]) -> str:
    """Substitute `{name}` placeholders with captures (no format-string evaluation)."""
    return PLACEHOLDER_RE.sub(lambda m: captures.get(m.group(1), "") or "?", template)


def fill_markdown(template: str, captures: Mapping[str, str]) -> str:
    """A remediation (markdown) with its `{name}` placeholders filled from the log, so the
    command it names is one a person can paste (`pytest '{test}'`).

    The capture is log text (docs/security.md#s5): inside one of the rule's code spans it is
    used only when it cannot end the span (no backtick, no line break); elsewhere it becomes
    a code span of its own. A placeholder without a usable capture reads `<name>`.
    """
    parts = template.split("`")
    for index, part in enumerate(parts):
        in_code = index % 2 == 1

        def value(match: re.Match[str], in_code: bool = in_code) -> str:
            name = match.group(1)
            text = mdsafe.clean(captures.get(name, "")).strip()
            if in_code:
                return text if text and "`" not in text and "\n" not in text else f"<{name}>"
            return mdsafe.inline_code(text or f"<{name}>")

        parts[index] = PLACEHOLDER_RE.sub(value, part)
    return "`".join(parts)
