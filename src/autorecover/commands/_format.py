"""Diagnoses rendered for a person at a terminal (text) or in a markdown document.

Pure formatting. JSON is `Diagnosis.to_dict()`; the markdown here is for local use (the
action's step summary, issues and PRs use the sandboxed templates in `templates/`).
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence

from autorecover.core.models import Diagnosis
from autorecover.core.text.plural import plural

_WIDTH = 92


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(
        " ".join(text.split()), _WIDTH, initial_indent=indent, subsequent_indent=indent
    )


def _fixes(diagnosis: Diagnosis) -> str:
    return f" ({', '.join(fix.spec for fix in diagnosis.fixes)})" if diagnosis.fixes else ""


def render_text(diagnosis: Diagnosis, color: bool = False) -> str:
    bold, dim, red, reset = ("\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[0m") if color else ("",) * 4
    d = diagnosis
    out = [
        f"{bold}{d.source}{reset}",
        f"  {red}{d.category}{reset} · severity {d.severity} · confidence {d.confidence:.2f}"
        f" · action {bold}{d.action}{reset}{_fixes(d)}",
        f"  {d.title}" + (f"  {dim}[{d.rule}]{reset}" if d.rule else ""),
    ]
    if d.failing_step:
        out.append(f"  Failing step: {d.failing_step}")
    out += ["", "  Why:", _wrap(d.explanation)]
    if d.evidence:
        out += ["", "  Evidence:"]
        for line in d.evidence:
            marker = ">" if line.matched else " "
            number = "annot." if line.line == 0 else str(line.line)
            out.append(f"  {marker} {number:>6} | {line.text[:300]}")
    out += ["", "  Suggested recovery:", _wrap(d.remediation)]
    out += [f"  Decision: {d.action} — {d.reason}", f"  {dim}Fingerprint: {d.fingerprint}{reset}"]
    if d.stats.bytes_skipped or d.stats.lines_cut:
        out.append(
            f"  {dim}Note: {d.stats.bytes_skipped} bytes of a very long log were skipped and "
            f"{d.stats.lines_cut} over-long lines cut.{reset}"
        )
    return "\n".join(out) + "\n"


def _fence(text: str) -> str:
    longest = max((len(run) for run in text.split("\n") if set(run) == {"`"}), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{text}\n{ticks}"


def render_markdown(diagnosis: Diagnosis) -> str:
    d = diagnosis
    rows = [
        f"### {d.source}: {d.category} ({d.severity})",
        "",
        f"**{d.title}**" + (f" — rule `{d.rule}`" if d.rule else ""),
        "",
        "| | |",
        "|---|---|",
        f"| Confidence | {d.confidence:.2f} |",
        f"| Failing step | {d.failing_step or '—'} |",
        f"| Action | `{d.action}`{_fixes(d)} — {d.reason} |",
        f"| Fingerprint | `{d.fingerprint}` |",
        "",
        d.explanation,
        "",
    ]
    if d.evidence:
        body = "\n".join(f"{line.line:>6} | {line.text}" for line in d.evidence)
        rows += [_fence(body), ""]
    rows += [f"**Suggested recovery:** {d.remediation}", ""]
    return "\n".join(rows)


def summary_counts(diagnoses: Sequence[Diagnosis]) -> dict[str, dict[str, int]]:
    return {
        "category": dict(Counter(str(d.category) for d in diagnoses).most_common()),
        "severity": dict(Counter(str(d.severity) for d in diagnoses).most_common()),
        "action": dict(Counter(str(d.action) for d in diagnoses).most_common()),
    }


def render_summary_text(diagnoses: Sequence[Diagnosis]) -> str:
    counts = summary_counts(diagnoses)
    lines = [f"{plural(len(diagnoses), 'job log')} analysed"]
    for key, values in counts.items():
        lines.append(f"  by {key}: " + ", ".join(f"{k} {v}" for k, v in values.items()))
    return "\n".join(lines) + "\n"
