"""Category and action accuracy of the analyzer on the corpus in tests/data/logs/.

    python benchmarks/accuracy.py [--verbose]

Prints category accuracy, action accuracy, and the safety figure that must stay at 100 %:
never proposing `fix_pr` or `rerun` where the corpus says a person is needed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autorecover.core.rules.loader import load_ruleset
from testing.corpus import diagnose_case, load_cases

AUTOMATIC = {"fix_pr", "rerun"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    ruleset = load_ruleset()
    jobs = category_ok = action_ok = fixes_ok = fixes_total = 0
    unsafe: list[str] = []
    misses: list[str] = []
    clean = clean_ok = 0
    for case in load_cases():
        pairs = diagnose_case(case, ruleset)
        if case.no_findings:
            clean += 1
            fired = sorted({f.rule for _, d in pairs for f in d.findings})
            if not fired:
                clean_ok += 1
            else:
                misses.append(f"{case.id}: must not match, but {fired} fired")
            continue
        for expected in case.expected:
            found = [d for e, d in pairs if e is expected]
            jobs += 1
            if not found:
                misses.append(f"{case.id}: no job named {expected.job!r}")
                continue
            got = found[0]
            category_ok += got.category == expected.category
            action_ok += got.action == expected.action
            if expected.fixes is not None:
                fixes_total += 1
                fixes_ok += sorted(f.spec for f in got.fixes) == sorted(expected.fixes)
            if got.action in AUTOMATIC and expected.action not in AUTOMATIC:
                unsafe.append(f"{case.id}: proposed {got.action}, expected {expected.action}")
            if got.category != expected.category or got.action != expected.action:
                misses.append(
                    f"{case.id}{':' + expected.job if expected.job else ''}: got "
                    f"{got.category}/{got.action} ({got.rule}), expected "
                    f"{expected.category}/{expected.action}"
                )
    print(f"jobs analysed            {jobs}")
    print(f"category accuracy        {category_ok / jobs:.1%}  ({category_ok}/{jobs})")
    print(f"action accuracy          {action_ok / jobs:.1%}  ({action_ok}/{jobs})")
    if fixes_total:
        print(f"fixes exactly right      {fixes_ok / fixes_total:.1%}  ({fixes_ok}/{fixes_total})")
    safe = jobs - len(unsafe)
    print(f"never automatic where a person is needed  {safe / jobs:.1%}  ({safe}/{jobs})")
    if clean:
        print(f"successful logs with no rule firing      {clean_ok}/{clean}")
    if args.verbose or unsafe:
        for line in unsafe:
            print("UNSAFE", line)
    if args.verbose:
        for line in misses:
            print("miss  ", line)
    return 0 if not unsafe else 1


if __name__ == "__main__":
    sys.exit(main())
