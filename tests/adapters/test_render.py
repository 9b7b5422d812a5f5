"""Sandboxed template rendering (docs/security.md#s7, #tm09, #t09, T11-T14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jinja2 import TemplateNotFound, UndefinedError
from markdown_it import MarkdownIt

from autorecover.adapters.render import BUILTIN_TEMPLATE_DIR, Renderer, lint_template
from autorecover.core.text import mdsafe
from autorecover.errors import ConfigError, UserError
from testing import DATA

DATA = DATA / "textsafety"
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])

SSTI_LINES = (
    "{{ 7*7 }}\n"
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}\n"
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}\n"
    "${{ github.token }}"
)


def context(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "fingerprint": "0123abcd",
        "title": "Tests failed",
        "step": "Run pytest",
        "branch": "main",
        "excerpt": "E   assert 1 == 2",
        "jobs": [{"name": "build"}],
    }
    values.update(overrides)
    return values


def renderer(user: dict[str, str] | None = None) -> Renderer:
    return Renderer(user, builtin_dir=DATA)


def test_builtin_render_uses_the_filters() -> None:
    out = renderer().render(
        "excerpt.md.j2",
        context(title="@octocat fixes #1", branch="<img src=x>", jobs=[{"name": "x" * 80}]),
    )
    assert out.startswith("<!-- autorecover:fingerprint=0123abcd -->\n## @\u200boctocat")
    assert "&lt;img src=x&gt;" in out
    assert "`Run pytest`" in out
    assert "- " + "x" * 27 + mdsafe.DEFAULT_MARKER + "\n" in out
    assert out.endswith("\n")  # keep_trailing_newline


def test_T11_log_text_is_data_not_template_source() -> None:
    out = renderer().render(
        "excerpt.md.j2", context(excerpt=SSTI_LINES, title=SSTI_LINES, step=SSTI_LINES)
    )
    assert "49" not in out
    fences = [t for t in MD.parse(out) if t.type == "fence"]
    assert len(fences) == 1
    assert fences[0].content.replace(mdsafe.ZWSP, "") == SSTI_LINES + "\n"
    assert "{{ 7*7 }}" in out


def test_T09_hostile_excerpt_stays_one_code_block() -> None:
    hostile = "```\n~~~\n</details>\n<!--\n<img src=http://127.0.0.1/t>\n@octocat #1"
    out = renderer().render("excerpt.md.j2", context(excerpt=hostile))
    tokens = MD.parse(out)
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == 1
    assert fences[0].content.replace(mdsafe.ZWSP, "") == hostile + "\n"
    assert [t.type for t in tokens if t.type == "html_block"] == ["html_block"]  # our marker
    assert tokens[0].content.startswith("<!-- autorecover:")


def test_removed_characters_are_reported() -> None:
    result = renderer().render_with_fallback(
        "excerpt.md.j2", context(excerpt="a\u202eb\x00", title="t\u200b")
    )
    assert result.error is None
    assert (result.removed.bidi, result.removed.controls, result.removed.invisible) == (1, 1, 1)


def test_user_template_overrides_builtin() -> None:
    out = renderer({"excerpt.md.j2": "custom {{ title|md }}"}).render("excerpt.md.j2", context())
    assert out == "custom Tests failed"


def test_user_template_may_include_builtin() -> None:
    user = {"mine.md.j2": "before\n{% include 'excerpt.md.j2' %}"}
    out = renderer(user).render("mine.md.j2", context())
    assert out.startswith("before\n<!-- autorecover:")


ATTACKS = [
    pytest.param("{{ '{0.__class__}'|attr('format')(1) }}", "sandbox", id="attr-format"),
    pytest.param("{{ ''.__class__.__mro__ }}", "sandbox", id="dunder-mro"),
    pytest.param("{{ ''.__class__.mro() }}", "sandbox", id="mro-call"),
    pytest.param("{{ cycler.__init__.__globals__ }}", "sandbox", id="globals"),
    pytest.param("{{ '{x.__class__}'.format_map({'x': 1}) }}", "sandbox", id="format-map"),
    pytest.param("{{ jobs.append(1) }}", "sandbox", id="mutation"),
    pytest.param("{{ 'x' * 10000000 }}", "sandbox", id="huge-repeat"),
    pytest.param("{{ 2 ** 100000 }}", "sandbox", id="huge-power"),
    pytest.param("{{ missing_var|md }}", "'missing_var' is undefined", id="undefined"),
    pytest.param("{{ jobs[0].nope|md }}", "has no attribute 'nope'", id="undefined-attr"),
    pytest.param("{% for x in %}", "syntax error on line 1", id="syntax"),
    pytest.param("{% include 'nope.j2' %}", "'nope.j2', which does not exist", id="missing"),
    pytest.param("{{ 1 / 0 }}", "ZeroDivisionError", id="zero-division"),
    pytest.param("{{ title + 1 }}", "TypeError", id="type-error"),
    pytest.param(
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "recurses too deeply", id="recursion"
    ),
]


@pytest.mark.parametrize(("source", "problem"), ATTACKS)
def test_T12_T13_failing_user_template_is_a_config_error(source: str, problem: str) -> None:
    r = renderer({"excerpt.md.j2": source})
    with pytest.raises(ConfigError) as raised:
        r.render("excerpt.md.j2", context())
    message = str(raised.value)
    assert "template 'excerpt.md.j2' failed" in message
    assert problem in message
    assert isinstance(raised.value, UserError)


@pytest.mark.parametrize(("source", "problem"), ATTACKS)
def test_T12_T13_fallback_renders_builtin_whole(source: str, problem: str) -> None:
    result = renderer({"excerpt.md.j2": source}).render_with_fallback("excerpt.md.j2", context())
    assert result.error is not None and problem in str(result.error)
    assert result.text == renderer().render("excerpt.md.j2", context())


def test_fallback_without_user_template_has_no_error() -> None:
    result = renderer().render_with_fallback("excerpt.md.j2", context())
    assert result.error is None
    assert result.text.startswith("<!-- autorecover:")


def test_broken_builtin_template_is_a_bug_not_a_config_error() -> None:
    with pytest.raises(UndefinedError, match="not_in_context"):
        renderer().render("broken.md.j2", context())
    with pytest.raises(UndefinedError):
        renderer({"other.md.j2": "x"}).render_with_fallback("broken.md.j2", context())
    with pytest.raises(TemplateNotFound):
        renderer().render("absent.md.j2", context())


@pytest.mark.parametrize(
    "name", ["../excerpt.md.j2", "a/b.j2", "", "x" * 101, "name with space.j2", "é.j2"]
)
def test_user_template_names_are_checked(name: str) -> None:
    with pytest.raises(ConfigError, match="template name"):
        renderer({name: "x"})


def test_oversized_user_template_is_refused() -> None:
    with pytest.raises(ConfigError, match="limit"):
        renderer({"big.md.j2": "x" * 100_001})


def test_T14_templates_never_come_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A checkout of the failing commit is the working directory in the container; a template
    # placed there must not shadow the packaged one.
    (tmp_path / "excerpt.md.j2").write_text("{{ 7*7 }} pwned")
    (tmp_path / ".github" / "autorecover").mkdir(parents=True)
    (tmp_path / ".github" / "autorecover" / "excerpt.md.j2").write_text("pwned")
    monkeypatch.chdir(tmp_path)
    out = renderer().render("excerpt.md.j2", context())
    assert "pwned" not in out
    assert BUILTIN_TEMPLATE_DIR.name == "templates"
    assert BUILTIN_TEMPLATE_DIR.parent.name == "adapters"


def test_context_is_not_mutated_and_rendering_is_repeatable() -> None:
    ctx = context(excerpt="{{ 7*7 }}")
    r = renderer()
    first = r.render("excerpt.md.j2", ctx)
    assert r.render("excerpt.md.j2", ctx) == first
    assert ctx["excerpt"] == "{{ 7*7 }}"


@pytest.mark.parametrize(
    ("source", "problems"),
    [
        pytest.param("{{ title|md }} {{ log|code }} {{ f|inline }}", [], id="clean"),
        pytest.param("{{ title|md|cap(10) }} {{ x|cap(3)|md }}", [], id="cap-either-side"),
        pytest.param("{{ title }}", ["line 1: title"], id="bare"),
        pytest.param("x\n{{ title|upper }}", ["line 2: title|upper"], id="other-filter"),
        pytest.param("{{ title|cap(5) }}", ["line 1: title|cap"], id="cap-alone"),
        pytest.param("{{ run.url }} {{ run.name }}", ["line 1: run.name"], id="trusted-attr"),
        pytest.param("{% for j in jobs %}{{ loop.index }}{% endfor %}", [], id="loop"),
        pytest.param("{% macro m(x) %}{{ x }}{% endmacro %}{{ m(1) }}", ["line 1: x"], id="macro"),
        pytest.param("{{ 'literal' }} {{ a|md if a else 'none' }}", [], id="const-condexpr"),
    ],
)
def test_lint_template(source: str, problems: list[str]) -> None:
    assert lint_template(source, trusted=["run.url", "fingerprint"]) == problems


def test_lint_passes_on_the_test_template() -> None:
    source = (DATA / "excerpt.md.j2").read_text()
    assert lint_template(source, trusted=["fingerprint"]) == []
