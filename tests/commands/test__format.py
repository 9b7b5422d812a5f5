"""A diagnosis rendered for a terminal (text, optionally coloured) and as markdown, and the
batch summary. Pure: diagnoses are built here, the markdown is parsed with markdown-it."""

from __future__ import annotations

import dataclasses
import re

import pytest
from markdown_it import MarkdownIt

from autorecover.commands._format import (
    render_markdown,
    render_summary_text,
    render_text,
    summary_counts,
)
from autorecover.core.models import (
    Action,
    Category,
    Diagnosis,
    EvidenceLine,
    Fix,
    LogStats,
    Severity,
)

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG = "word " * 60  # wraps at 92 columns

BASE = Diagnosis(
    source="logs/job.log",
    category=Category.DEPENDENCY_ISSUE,
    severity=Severity.MEDIUM,
    confidence=0.9,
    title="Python module 'yaml' is not installed",
    explanation="Python could not import a module.",
    remediation="Add the distribution to the dependencies.",
    rule="python-module-not-found",
    failing_step="Run pytest",
    evidence=(
        EvidenceLine(1, "##[group]Run pytest"),
        EvidenceLine(3, "E   ModuleNotFoundError: No module named 'yaml'", matched=True),
    ),
    findings=(),
    transient=False,
    action=Action.FIX_PR,
    fixes=(Fix("add-requirement", (("module", "yaml"), ("distribution", "PyYAML"))),),
    fingerprint="a253f6615bce77c2",
    reason="medium severity and safely fixable by add-requirement:PyYAML",
)


def variant(**changes: object) -> Diagnosis:
    return dataclasses.replace(BASE, **changes)  # type: ignore[arg-type]


# -- text ------------------------------------------------------------------------------------


def test_text_layout() -> None:
    assert render_text(BASE) == (
        "logs/job.log\n"
        "  dependency_issue · severity medium · confidence 0.90 · action fix_pr"
        " (add-requirement:PyYAML)\n"
        "  Python module 'yaml' is not installed  [python-module-not-found]\n"
        "  Failing step: Run pytest\n"
        "\n"
        "  Why:\n"
        "    Python could not import a module.\n"
        "\n"
        "  Evidence:\n"
        "         1 | ##[group]Run pytest\n"
        "  >      3 | E   ModuleNotFoundError: No module named 'yaml'\n"
        "\n"
        "  Suggested recovery:\n"
        "    Add the distribution to the dependencies.\n"
        "  Decision: fix_pr — medium severity and safely fixable by add-requirement:PyYAML\n"
        "  Fingerprint: a253f6615bce77c2\n"
    )


@pytest.mark.parametrize(
    ("changes", "present", "absent"),
    [
        ({"fixes": ()}, ["· action fix_pr\n"], ["(add-requirement"]),
        ({"fixes": (Fix("black"), Fix("isort"))}, ["action fix_pr (black, isort)\n"], []),
        ({"rule": None}, ["  Python module 'yaml' is not installed\n"], ["[python-module"]),
        ({"failing_step": None}, [], ["Failing step"]),
        ({"evidence": ()}, [], ["Evidence:"]),
        ({"evidence": (EvidenceLine(0, "The job exceeded 360 minutes.", matched=True),)},
         ["  > annot. | The job exceeded 360 minutes.\n"], []),
        ({"evidence": (EvidenceLine(123456, "x"),)}, ["    123456 | x\n"], []),
        ({"evidence": (EvidenceLine(7, "y" * 400),)}, [f"       7 | {'y' * 300}\n"], ["y" * 301]),
        ({"confidence": 0.456}, ["confidence 0.46 "], []),
        ({"stats": LogStats(bytes_skipped=2048, lines_cut=3)},
         ["Note: 2048 bytes of a very long log were skipped and 3 over-long lines cut."], []),
        ({"stats": LogStats(lines_cut=1)}, ["0 bytes of a very long log were skipped and 1"], []),
        ({"stats": LogStats(lines=10, bytes_read=99)}, [], ["Note:"]),
    ],
    ids=["no-fixes", "several-fixes", "no-rule", "no-failing-step", "no-evidence",
         "annotation-line", "wide-line-number", "long-evidence-cut", "confidence-rounded",
         "skipped-bytes", "cut-lines-only", "nothing-skipped"],
)  # fmt: skip
def test_text_parts(changes: dict[str, object], present: list[str], absent: list[str]) -> None:
    text = render_text(variant(**changes))
    for part in present:
        assert part in text
    for part in absent:
        assert part not in text


def test_text_wraps_explanation_and_remediation() -> None:
    text = render_text(variant(explanation=LONG, remediation="  spaced\n\tout   text  "))
    why = text.split("  Why:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(why) > 1 and all(len(line) <= 92 and line.startswith("    word") for line in why)
    assert "    spaced out text\n" in text


def test_color_only_when_asked() -> None:
    plain, colored = render_text(BASE), render_text(BASE, color=True)
    assert "\x1b[" not in plain
    assert "\x1b[1mlogs/job.log\x1b[0m" in colored
    assert "\x1b[31mdependency_issue\x1b[0m" in colored
    assert "\x1b[2m[python-module-not-found]\x1b[0m" in colored
    assert "action \x1b[1mfix_pr\x1b[0m" in colored
    assert ANSI.sub("", colored) == plain


# -- markdown --------------------------------------------------------------------------------


def test_markdown_layout() -> None:
    markdown = render_markdown(BASE)
    assert markdown.startswith("### logs/job.log: dependency_issue (medium)\n\n")
    assert (
        "**Python module 'yaml' is not installed** — rule `python-module-not-found`\n" in markdown
    )
    for row in (
        "| Confidence | 0.90 |",
        "| Failing step | Run pytest |",
        "| Action | `fix_pr` (add-requirement:PyYAML) — medium severity and safely fixable by "
        "add-requirement:PyYAML |",
        "| Fingerprint | `a253f6615bce77c2` |",
    ):
        assert row + "\n" in markdown
    assert "```text\n     1 | ##[group]Run pytest\n     3 | E   ModuleNotFoundError" in markdown
    assert markdown.endswith("**Suggested recovery:** Add the distribution to the dependencies.\n")


@pytest.mark.parametrize(
    ("changes", "present", "absent"),
    [
        ({"rule": None}, ["**Python module 'yaml' is not installed**\n"], ["— rule"]),
        ({"failing_step": None}, ["| Failing step | — |"], []),
        ({"fixes": ()}, ["| Action | `fix_pr` — medium"], ["(add-requirement"]),
        ({"evidence": ()}, [], ["```"]),
        ({"severity": Severity.CRITICAL, "category": Category.SECURITY_SCAN},
         ["### logs/job.log: security_scan (critical)"], []),
    ],
    ids=["no-rule", "no-failing-step", "no-fixes", "no-evidence", "heading"],
)  # fmt: skip
def test_markdown_parts(changes: dict[str, object], present: list[str], absent: list[str]) -> None:
    markdown = render_markdown(variant(**changes))
    for part in present:
        assert part in markdown
    for part in absent:
        assert part not in markdown


@pytest.mark.parametrize(
    "texts",
    [
        ("```",),
        ("````", "```"),
        ("~~~", "</code></pre><script>x</script>"),
        ("# heading?", "| a | b |", "**bold**"),
    ],
    ids=["fence", "longer-fence", "tilde-and-html", "markdown-syntax"],
)
def test_evidence_stays_inside_one_code_block(texts: tuple[str, ...]) -> None:
    evidence = tuple(EvidenceLine(n, text) for n, text in enumerate(texts, 1))
    markdown = render_markdown(variant(evidence=evidence))
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    fences = [token for token in tokens if token.type == "fence"]
    assert len(fences) == 1 and fences[0].info == "text"
    assert fences[0].content.splitlines() == [f"{n:>6} | {text}" for n, text in enumerate(texts, 1)]
    assert not [t for t in tokens if t.type in ("html_block", "heading_open") and t.map[0] > 2]


def test_markdown_table_parses() -> None:
    tokens = MarkdownIt("commonmark").enable("table").parse(render_markdown(BASE))
    cells = [t.content for t in tokens if t.type == "inline" and t.level >= 4]
    assert cells[2:4] == ["Confidence", "0.90"] and "Fingerprint" in cells


# -- summaries -------------------------------------------------------------------------------


SEVERAL = [
    variant(),
    variant(category=Category.LINTING_ERROR, severity=Severity.LOW),
    variant(category=Category.LINTING_ERROR, severity=Severity.LOW),
    variant(category=Category.TIMEOUT, action=Action.RERUN, severity=Severity.LOW),
]


@pytest.mark.parametrize(
    ("diagnoses", "expected"),
    [
        ([], {"category": {}, "severity": {}, "action": {}}),
        ([BASE], {"category": {"dependency_issue": 1}, "severity": {"medium": 1},
                  "action": {"fix_pr": 1}}),
        (SEVERAL, {"category": {"linting_error": 2, "dependency_issue": 1, "timeout": 1},
                   "severity": {"low": 3, "medium": 1}, "action": {"fix_pr": 3, "rerun": 1}}),
    ],
    ids=["none", "one", "several"],
)  # fmt: skip
def test_summary_counts(diagnoses: list[Diagnosis], expected: dict[str, dict[str, int]]) -> None:
    counts = summary_counts(diagnoses)
    assert counts == expected
    for key, values in counts.items():  # most common first
        assert list(values.values()) == sorted(values.values(), reverse=True), key


def test_summary_text() -> None:
    assert render_summary_text(SEVERAL) == (
        "4 job logs analysed\n"
        "  by category: linting_error 2, dependency_issue 1, timeout 1\n"
        "  by severity: low 3, medium 1\n"
        "  by action: fix_pr 3, rerun 1\n"
    )
    assert render_summary_text([]).startswith("0 job logs analysed\n  by category: \n")
