"""How right the analyzer is on logs, training and held-out figures side by side.

    python benchmarks/accuracy.py [--verbose] [--side train|heldout]

Three sets, reported apart:

* `corpus`: tests/data/logs/cases-*.yaml, the logs the first rules were written from;
* `train`: the training part of the world corpus (tests/data/logs/world/train/), real
  failure text from public sources that rules may be written from;
* `heldout`: the held-out part (world/heldout/), chosen by source before any rule was
  written from the world corpus and never read while writing rules. Its column is the one
  the README quotes.

For each: category and action accuracy; the safety figures (a fix PR where a person is
needed must be 0; unwarranted reruns at most 1 %); `unknown` among failed jobs; accuracy
per confidence band and in the band at or above min-confidence; and, where a person
marked the lines that explain the failure, the evidence hit rate (at least one marked
line shown), its precision (shown lines that are marked) and the lines shown. Exits 1
when a fix PR or a rerun is proposed where the labels say a person is needed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autorecover.constants import DEFAULT_MIN_CONFIDENCE
from autorecover.core.models import Diagnosis
from autorecover.core.rules.loader import load_ruleset
from testing.corpus import diagnose_case, diagnose_world, load_cases, load_world

AUTOMATIC = {"fix_pr", "rerun"}
BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.85), (0.85, 1.01))


@dataclass
class Tally:
    """What one set scored."""

    jobs: int = 0
    category: int = 0
    action: int = 0
    fixes: int = 0
    fixes_total: int = 0
    unsafe_fix: int = 0
    unwarranted_rerun: int = 0
    unsafe: list[str] = field(default_factory=list)
    unknown: int = 0
    failed: int = 0
    bands: dict[tuple[float, float], list[int]] = field(default_factory=dict)
    evidence_cases: int = 0
    evidence_hits: int = 0
    shown: int = 0
    shown_marked: int = 0
    misses: list[str] = field(default_factory=list)
    clean: int = 0
    clean_ok: int = 0

    def add(
        self,
        case_id: str,
        got: Diagnosis,
        category: str,
        action: str,
        fixes: tuple[str, ...] | None,
        explaining: Iterable[int] = (),
    ) -> None:
        self.jobs += 1
        right = got.category == category
        self.category += right
        self.action += got.action == action
        if fixes is not None and action == "fix_pr":
            self.fixes_total += 1
            self.fixes += sorted(f.spec for f in got.fixes) == sorted(fixes)
        if got.action == "fix_pr" and action != "fix_pr":
            self.unsafe_fix += 1
        if got.action == "rerun" and action != "rerun":
            self.unwarranted_rerun += 1
        if got.action in AUTOMATIC and action not in AUTOMATIC:
            self.unsafe.append(f"{case_id}: proposed {got.action}, labelled {action}")
        if action != "none":
            self.failed += 1
            self.unknown += got.category == "unknown"
        band = next(b for b in BANDS if b[0] <= got.confidence < b[1])
        self.bands.setdefault(band, [0, 0])
        self.bands[band][0] += 1
        self.bands[band][1] += right
        marked = set(explaining)
        if marked:
            shown = {line.line for line in got.evidence if line.line > 0}
            self.evidence_cases += 1
            self.evidence_hits += bool(shown & marked)
            self.shown += len(shown)
            self.shown_marked += len(shown & marked)
        if not right or got.action != action:
            self.misses.append(
                f"{case_id}: got {got.category}/{got.action} ({got.rule}, "
                f"{got.confidence:.2f}), labelled {category}/{action}"
            )

    def confident(self, threshold: float) -> tuple[int, int]:
        total = sum(n for (low, _), (n, _) in self.bands.items() if low >= threshold)
        right = sum(r for (low, _), (_, r) in self.bands.items() if low >= threshold)
        return total, right


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "     —"


def score_corpus() -> Tally:
    ruleset = load_ruleset()
    tally = Tally()
    for case in load_cases():
        pairs = diagnose_case(case, ruleset)
        if case.no_findings:
            tally.clean += 1
            tally.clean_ok += not any(d.findings for _, d in pairs)
            continue
        for expected in case.expected:
            found = [d for e, d in pairs if e is expected]
            if found and expected.category and expected.action:
                name = f"{case.id}{':' + expected.job if expected.job else ''}"
                tally.add(name, found[0], expected.category, expected.action, expected.fixes)
    return tally


def score_world(side: str) -> Tally:
    ruleset = load_ruleset()
    tally = Tally()
    for case in load_world((side,)):
        got = diagnose_world(case, ruleset)
        tally.add(case.id, got, case.category, case.action, case.fixes, case.explaining)
    return tally


ROWS = (
    ("jobs", lambda t: f"{t.jobs:6d}"),
    ("category accuracy", lambda t: _pct(t.category, t.jobs)),
    ("action accuracy", lambda t: _pct(t.action, t.jobs)),
    ("fixes exactly right", lambda t: _pct(t.fixes, t.fixes_total)),
    ("fix PR where a person is needed", lambda t: f"{t.unsafe_fix:6d}"),
    ("unwarranted reruns", lambda t: _pct(t.unwarranted_rerun, t.jobs)),
    ("unknown among failed jobs", lambda t: _pct(t.unknown, t.failed)),
    *(
        (
            f"category accuracy, confidence {low:.2f}-{min(high, 1):.2f}",
            lambda t, b=(low, high): (
                _pct(t.bands.get(b, [0, 0])[1], t.bands.get(b, [0, 0])[0])
                + f" of {t.bands.get(b, [0, 0])[0]:3d}"
            ),
        )
        for low, high in BANDS
    ),
    (
        f"category accuracy at confidence >= {DEFAULT_MIN_CONFIDENCE}",
        lambda t: _pct(
            t.confident(DEFAULT_MIN_CONFIDENCE)[1], t.confident(DEFAULT_MIN_CONFIDENCE)[0]
        ),
    ),
    ("evidence: a marked line shown", lambda t: _pct(t.evidence_hits, t.evidence_cases)),
    ("evidence: shown lines marked", lambda t: _pct(t.shown_marked, t.shown)),
    (
        "evidence: lines shown (mean)",
        lambda t: f"{t.shown / t.evidence_cases:6.1f}" if t.evidence_cases else "     —",
    ),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    parser.add_argument("--side", choices=("corpus", "train", "heldout"), help="misses of one set")
    args = parser.parse_args()
    tallies = {
        "corpus": score_corpus(),
        "train": score_world("train"),
        "heldout": score_world("heldout"),
    }
    print(f"{'':44} {'corpus':>14} {'train':>14} {'held out':>14}")
    for name, cell in ROWS:
        print(f"{name:44} " + " ".join(f"{cell(t):>14}" for t in tallies.values()))
    corpus = tallies["corpus"]
    print(f"successful logs with no rule firing: {corpus.clean_ok}/{corpus.clean}")
    # Held-out cases are named only on request: whoever writes rules sees their figures,
    # never which logs they are (tests/data/logs/world/README.md).
    shown = [args.side] if args.side else ["corpus", "train"]
    for side in shown:
        for line in tallies[side].unsafe:
            print(f"UNSAFE {side:8}", line)
    if len(tallies["heldout"].unsafe) and "heldout" not in shown:
        print(f"UNSAFE held out: {len(tallies['heldout'].unsafe)} (named with --side heldout)")
    if args.verbose:
        for side in shown:
            for line in tallies[side].misses:
                print(f"miss {side:8}", line)
    # The gate holds on what rules are written against (the corpus and the training
    # split). Held-out figures are a measurement, reported above: gating on them would
    # make whoever fails the gate read the held-out logs, and they would stop being held out.
    gated = (tallies["corpus"], tallies["train"])
    return 1 if any(t.unsafe_fix for t in gated) or corpus.unsafe else 0


if __name__ == "__main__":
    sys.exit(main())
