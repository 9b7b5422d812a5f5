"""Sandboxed template rendering (docs/security.md#s7, #tm09, #t09, T11-T14)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from jinja2 import TemplateNotFound, UndefinedError
from markdown_it import MarkdownIt

from autorecover.adapters.render import BUILTIN_TEMPLATE_DIR, Renderer, lint_template
from autorecover.core.text import mdsafe
from autorecover.errors import ConfigError, UserError
from testing import DATA
from testing.bodies import rendered
from testing.markdown import MD as GFM

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


# -------------------------------------------------------------- the bodies as GitHub shows them


class _Structure(HTMLParser):
    """What a reader sees broken in a rendered body: table header rows with no text, links
    to nowhere, rows with more or fewer cells than their header, unbalanced <details>."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.text: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False
        self._widths: list[int] = []
        self._details = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and not dict(attrs).get("href"):
            self.problems.append("a link with no target")
        elif tag == "thead":
            self._in_head = True
        elif tag == "table":
            self._widths = []
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = []
        elif tag == "details":
            self._details += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._in_head and not any(self._row):
                self.problems.append("a table header row with no text")
            self._widths.append(len(self._row))
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table" and len(set(self._widths)) > 1:
            self.problems.append(f"table rows of different widths {self._widths}")
        elif tag == "details":
            self._details -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _gfm(markdown: str) -> _Structure:
    parser = _Structure()
    parser.feed(GFM.render(markdown))
    parser.close()
    if parser._details:
        parser.problems.append("unbalanced <details>")
    return parser


@pytest.mark.parametrize("local", [False, True], ids=["ci", "local"])
@pytest.mark.parametrize(
    "name",
    ["pr_body.md.j2", "issue_body.md.j2", "comment.md.j2", "dashboard.md.j2", "summary.md.j2"],
)
def test_every_body_renders_well_formed_on_github(name: str, local: bool) -> None:
    """Each built-in template's output for a realistic run (testing/bodies.py), rendered as
    GitHub renders Markdown: no empty header row, no link to nowhere, no ragged table, no
    template syntax or "(s)" left, and every table is a table (a stray `|` line would be a
    paragraph)."""
    markdown = rendered(local=local)[name]
    page = _gfm(markdown)
    text = "".join(page.text)
    assert page.problems == [], page.problems
    assert not re.search(r"\{\{|\{%|\}\}|%\}", text), text
    assert "(s)" not in text and "]()" not in markdown
    tables = [line for line in markdown.splitlines() if line.startswith("|")]
    assert all(line.endswith("|") for line in tables)
    assert "<p>|" not in GFM.render(markdown)
    if local and name in ("pr_body.md.j2", "issue_body.md.j2", "comment.md.j2"):
        assert "local run" in text and "3f2a9c1d8e7b" in text


def test_the_summary_collapses_identical_matrix_jobs() -> None:
    summary = rendered()["summary.md.j2"]
    table = summary.split("\n### ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "test (3." in line]
    assert len(rows) == 1 and rows[0].count("×3") == 1, rows
    assert summary.count("### test (3.11), test (3.12), test (3.13) ×3") == 1
    assert "CI #42, attempt 1" in summary
    assert "for `test (3.11)`, `test (3.12)`, `test (3.13)`" in summary  # names, not ids
    assert "Proposal:" not in summary  # every job has a decision: it is what is shown


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("{{ 'x' | link('https://e.com/a b') }}", "[x](https://e.com/a%20b)", id="link"),
        pytest.param("{{ 'x' | link('') }}", "x", id="no-url"),
        pytest.param("{{ 'x' | link('https://e.com/(a)') }}", "[x](https://e.com/%28a%29)", id="parens"),
        pytest.param("{{ 1 | plural('file') }}, {{ 2 | plural('file') }}", "1 file, 2 files", id="plural"),
    ],
)  # fmt: skip
def test_link_and_plural_filters(source: str, expected: str) -> None:
    assert Renderer({"t.md.j2": source}).render("t.md.j2", {}) == expected


def test_plural_refuses_what_is_not_a_number() -> None:
    with pytest.raises(ConfigError, match="plural"):
        Renderer({"t.md.j2": "{{ 'many' | plural('file') }}"}).render("t.md.j2", {})
