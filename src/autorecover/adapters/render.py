"""Render issue, PR, comment and step-summary bodies from Jinja templates (docs/security.md#s7).

The Jinja risk for this bot is server-side template injection: log text ending up in template
*source* (``from_string(... + log)``, or rendering an output a second time) or a template read from
the failing commit's checkout (docs/security.md#tm09). So:

* templates come only from the package (``autorecover/templates/``, shipped in the wheel) or from a
  mapping the caller read from the repository's default branch or action inputs, never from a
  checkout;
* log text is only ever a value in the render context; this module has no API that takes template
  source together with data, and an output is never rendered again;
* rendering happens in Jinja's immutable sandbox with ``StrictUndefined``; ``jinja2>=3.1.6`` closes
  the known sandbox escapes through ``str.format`` (CVE-2025-27516 via ``|attr``, CVE-2024-56326)
  and template names (CVE-2024-56201);
* ``autoescape`` is off because the output is Markdown, not HTML: safety comes from the filters
  ``md``, ``code`` and ``inline`` (see core/text/mdsafe.py), which every expression holding
  untrusted text must use. :func:`lint_template` finds expressions that do not.

A user template that fails (sandbox violation, undefined variable, syntax error) is a
:class:`~autorecover.errors.ConfigError` naming the template; :meth:`Renderer.render_with_fallback`
then renders the built-in template instead, so no half-rendered body is ever posted
(docs/security.md#t12, #t13).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    DictLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    nodes,
)
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from autorecover.core.text import mdsafe
from autorecover.core.text.plural import plural
from autorecover.core.text.pre import pre_block
from autorecover.core.text.redact import Redactor
from autorecover.errors import ConfigError

BUILTIN_TEMPLATE_DIR = Path(__file__).with_name("templates")
# The templates a repository may replace (`templates.directory`); the dashboard is ours.
TEMPLATE_NAMES = ("issue_body.md.j2", "comment.md.j2", "pr_body.md.j2", "summary.md.j2")

# Limits on user templates: they are trusted config, but a typo should not exhaust the runner.
MAX_TEMPLATE_SOURCE = 100_000
MAX_SEQUENCE_REPEAT = 1_000_000
MAX_POWER_BITS = 10_000
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")

# `plural` is safe on anything: it takes a number and a word the template spells.
SAFE_FILTERS = frozenset({"md", "code", "inline", "plural"})
# Filters that keep the safety of their input: `x|md|cap(80)` is as safe as `x|md`, and
# `x|md|link(url)` too (the URL is one autorecover has from GitHub, or none).
_TRANSPARENT_FILTERS = frozenset({"cap", "cap_lines", "indent", "default", "d", "link"})
# What stays as it is in a link's destination: no space, `(`, `)`, `<` or `>` ends it early.
_URL_SAFE = ":/?#[]@!$&'*+,;=%-._~"

# What a template can raise while rendering: Jinja's own errors (SecurityError and
# UndefinedError are TemplateErrors) and what its expressions hit ({{ 1/0 }}, {{ "a" + 1 }}).
_RENDER_ERRORS = (
    TemplateError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    AttributeError,
    RecursionError,
)

# Characters removed by the filters during the current render (see Rendered.removed).
_removed: contextvars.ContextVar[mdsafe.Removed | None] = contextvars.ContextVar(
    "autorecover_render_removed", default=None
)
# Whether the body is about one of the repository's own runs: its code blocks then copy
# exactly (docs/security.md#s5), see mdsafe.code_block.
_trusted: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "autorecover_render_trusted", default=False
)


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, also refusing `"x" * 10**9` and `2 ** 10**9`.

    Jinja's docs suggest intercepting these operators: the sandbox bounds `range()` but not
    sequence repetition or powers.
    """

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(times, int)
                    and len(seq) * times > MAX_SEQUENCE_REPEAT
                ):
                    raise SecurityError("the result of '*' would be too large")
        elif (
            operator == "**"
            and isinstance(left, int)
            and isinstance(right, int)
            and abs(left) > 1
            and right * left.bit_length() > MAX_POWER_BITS
        ):
            raise SecurityError("the result of '**' would be too large")
        return super().call_binop(context, operator, left, right)


def _text(value: Any) -> str:
    # str() of a StrictUndefined raises UndefinedError naming the variable, as intended.
    return value if isinstance(value, str) else str(value)


def _md_filter(value: Any, multiline: bool = False) -> str:
    return mdsafe.neutralize(_text(value), multiline=multiline, removed=_removed.get())


def _code_filter(value: Any, info: str = "") -> str:
    if _trusted.get():
        return pre_block(_text(value), removed=_removed.get())
    return mdsafe.code_block(_text(value), info, removed=_removed.get())


def _inline_filter(value: Any, table: bool = False) -> str:
    return mdsafe.inline_code(_text(value), table=table, removed=_removed.get())


def _cap_filter(value: Any, limit: int, marker: str = mdsafe.DEFAULT_MARKER) -> str:
    return mdsafe.cap(_text(value), limit, marker)


def _cap_lines_filter(value: Any, max_lines: int, keep: str = "head") -> str:
    if keep not in ("head", "tail"):
        raise ValueError(f"cap_lines: keep must be 'head' or 'tail', not {keep!r}")
    return mdsafe.cap_lines(_text(value), max_lines, keep="head" if keep == "head" else "tail")


def _link_filter(text: Any, url: Any) -> str:
    """`[text](url)`, or the text alone when there is no URL (a local run has none): a
    link to nowhere is never rendered."""
    target = _text(url).strip()
    if not target:
        return _text(text)
    return f"[{_text(text)}]({quote(target, safe=_URL_SAFE)})"


def _plural_filter(count: Any, word: str, many: str = "") -> str:
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"plural: expected a whole number, got {type(count).__name__}")
    return plural(count, _text(word), _text(many))


FILTERS: Mapping[str, Callable[..., str]] = {
    "md": _md_filter,
    "code": _code_filter,
    "inline": _inline_filter,
    "cap": _cap_filter,
    "cap_lines": _cap_lines_filter,
    "link": _link_filter,
    "plural": _plural_filter,
}


def _environment(loader: BaseLoader) -> _Sandbox:
    env = _Sandbox(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered body, the user-template error that forced the fallback (if any), and the
    characters the filters removed from untrusted values (for the step summary)."""

    text: str
    error: ConfigError | None = None
    removed: mdsafe.Removed = field(default_factory=mdsafe.Removed)


def _check_user_templates(templates: Mapping[str, str]) -> dict[str, str]:
    checked: dict[str, str] = {}
    for name, source in templates.items():
        if not name or len(name) > 100 or not set(name) <= _NAME_CHARS or ".." in name:
            raise ConfigError(
                f"template name {name!r} is not allowed: use letters, digits, '_', '-' and '.'"
            )
        if len(source) > MAX_TEMPLATE_SOURCE:
            raise ConfigError(
                f"template {name!r} is {len(source)} characters long;"
                f" the limit is {MAX_TEMPLATE_SOURCE}"
            )
        checked[name] = source
    return checked


def _describe(name: str, exc: BaseException) -> str:
    if isinstance(exc, TemplateSyntaxError):
        where = f" ({exc.name})" if exc.name and exc.name != name else ""
        problem = f"syntax error on line {exc.lineno}{where}: {exc.message}"
    elif isinstance(exc, SecurityError):
        problem = f"the sandbox refused an unsafe operation: {exc}"
    elif isinstance(exc, UndefinedError):
        problem = f"undefined variable or attribute: {exc.message}"
    elif isinstance(exc, TemplateNotFound):
        problem = f"it uses template {exc.name!r}, which does not exist"
    elif isinstance(exc, RecursionError):
        problem = "it recurses too deeply"
    else:
        problem = f"{type(exc).__name__}: {exc}"
    # The message ends up in the step summary; keep it short (it is neutralized there).
    return mdsafe.cap(f"template {name!r} failed: {problem}", 400)


class Renderer:
    """Renders named templates with untrusted data as context.

    ``user_templates`` maps a template name (``issue_body.md.j2``) to source the caller read from
    the default branch or an action input; it overrides the built-in template of that name and
    may include or extend built-in ones. ``builtin_dir`` is for tests.
    """

    def __init__(
        self,
        user_templates: Mapping[str, str] | None = None,
        *,
        builtin_dir: Path | None = None,
    ) -> None:
        builtin_loader = FileSystemLoader(str(builtin_dir or BUILTIN_TEMPLATE_DIR))
        self._user = _check_user_templates(user_templates or {})
        self._builtin_env = _environment(builtin_loader)
        self._user_env = _environment(ChoiceLoader([DictLoader(self._user), builtin_loader]))

    def render(self, name: str, context: Mapping[str, Any], *, trusted: bool = False) -> str:
        """Render ``name``: the user's template if one was given, else the built-in one.

        A failing user template raises :class:`ConfigError`; a failing built-in template is a
        bug and raises Jinja's own exception. ``trusted``: the body is about one of the
        repository's own runs (its code blocks then carry no zero-width characters).
        """
        return self._render(name, context, mdsafe.Removed(), trusted)

    def render_with_fallback(
        self, name: str, context: Mapping[str, Any], *, trusted: bool = False
    ) -> Rendered:
        """Like :meth:`render`, but a failing user template falls back to the built-in one."""
        removed = mdsafe.Removed()
        try:
            return Rendered(self._render(name, context, removed, trusted), None, removed)
        except ConfigError as exc:
            removed = mdsafe.Removed()
            text = self._render_with(self._builtin_env, name, context, removed, trusted)
            return Rendered(text, exc, removed)

    def _render(
        self, name: str, context: Mapping[str, Any], removed: mdsafe.Removed, trusted: bool
    ) -> str:
        if name not in self._user:
            return self._render_with(self._builtin_env, name, context, removed, trusted)
        try:
            return self._render_with(self._user_env, name, context, removed, trusted)
        except _RENDER_ERRORS as exc:
            raise ConfigError(_describe(name, exc)) from exc

    @staticmethod
    def _render_with(
        env: _Sandbox,
        name: str,
        context: Mapping[str, Any],
        removed: mdsafe.Removed,
        trusted: bool,
    ) -> str:
        tokens = (_removed.set(removed), _trusted.set(trusted))
        try:
            return env.get_template(name).render(dict(context))
        finally:
            _removed.reset(tokens[0])
            _trusted.reset(tokens[1])


def _dotted(node: nodes.Node) -> str | None:
    """``run.url`` for ``Getattr(Name('run'), 'url')``; None for anything but a plain path."""
    if isinstance(node, nodes.Name):
        return str(node.name)
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return f"{base}.{node.attr}" if base else None
    return None


def _is_safe(node: nodes.Node, trusted: frozenset[str], macros: frozenset[str]) -> bool:
    if isinstance(node, nodes.Const | nodes.TemplateData):
        return True
    if isinstance(node, nodes.Filter):
        if node.name in SAFE_FILTERS:
            return True
        return (
            node.name in _TRANSPARENT_FILTERS
            and node.node is not None
            and _is_safe(node.node, trusted, macros)
        )
    if isinstance(node, nodes.Call):
        # A macro's own output is template text, linted where the macro is defined.
        return isinstance(node.node, nodes.Name) and (
            node.node.name in macros or node.node.name == "caller"
        )
    if isinstance(node, nodes.CondExpr):
        branches = [node.expr1] + ([node.expr2] if node.expr2 is not None else [])
        return all(_is_safe(b, trusted, macros) for b in branches)
    if isinstance(node, nodes.Concat):
        return all(_is_safe(n, trusted, macros) for n in node.nodes)
    path = _dotted(node)
    if path is None:
        return False
    return any(path == t or path.startswith(t + ".") for t in trusted) or path.startswith("loop.")


def lint_template(source: str, *, trusted: Iterable[str] = ()) -> list[str]:
    """Expressions in ``source`` that output a value without a markdown-safety filter.

    ``trusted`` names context values the caller builds itself (``run.url``, ``fingerprint``);
    everything else must pass through ``md``, ``code`` or ``inline`` (possibly followed by
    ``cap``). Returns ``"line N: <expression>"`` entries; empty means clean.
    """
    env = _environment(DictLoader({}))
    tree = env.parse(source)
    trusted_set = frozenset(trusted)
    macros = frozenset(m.name for m in tree.find_all(nodes.Macro))
    problems = []
    for output in tree.find_all(nodes.Output):
        for node in output.nodes:
            if not _is_safe(node, trusted_set, macros):
                problems.append(f"line {node.lineno}: {_source_hint(node)}")
    return problems


def _source_hint(node: nodes.Node) -> str:
    """A short spelling of an expression for lint messages: ``title``, ``run.sha[...]``."""
    path = _dotted(node)
    if path:
        return path
    if isinstance(node, nodes.Filter):
        inner = _source_hint(node.node) if node.node is not None else "..."
        return f"{inner}|{node.name}"
    if isinstance(node, nodes.Getitem):
        return f"{_source_hint(node.node)}[...]"
    if isinstance(node, nodes.CondExpr):
        return f"{_source_hint(node.expr1)} if ..."
    return type(node).__name__


def render_post(
    renderer: Renderer,
    redactor: Redactor,
    name: str,
    context: Mapping[str, Any],
    notes: list[str] | None = None,
    *,
    trusted: bool = False,
) -> str:
    """A body to post: the user's template if configured, the built-in one when it fails
    (docs/security.md#t12, #t13, the error noted once in `notes`); then redacted (#s6) and
    capped to GitHub's body limit (#t46), as everything posted is."""
    rendered = renderer.render_with_fallback(name, context, trusted=trusted)
    if rendered.error is not None and notes is not None and str(rendered.error) not in notes:
        notes.append(str(rendered.error))
    return mdsafe.cap_body(redactor.redact(rendered.text).text, mdsafe.DEFAULT_BODY_LIMIT).text
