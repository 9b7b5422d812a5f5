"""How the analyzer chooses a job's primary cause and what it proposes.

Pure policy: ranking (failing step first, then the more specific rule, so a root cause
outranks its consequence), confidence, the fixes that would make the failing step pass,
and the default action. `plan.py` refines the action per run later; this only proposes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from autorecover.constants import FIXER_ADD_REQUIREMENT
from autorecover.core.analysis.modulemap import ModuleKind, Resolution
from autorecover.core.analysis.scan import Record
from autorecover.core.analysis.steps import Step
from autorecover.core.models import Action, Category, Fix, Severity
from autorecover.core.rules.loader import RuleSet
from autorecover.core.rules.schema import Rule, fill

OWN_PACKAGE_RULE = "python-own-package-not-importable"
ROOT_CAUSE_PRIORITY = 70
FIXABLE_SEVERITIES = (Severity.LOW, Severity.MEDIUM)

Resolver = Callable[[str], Resolution]

# The frame that did the import, as CPython prints it (`File "path", line N, in f`) and as
# pytest does (`path.py:N: in f`).
IMPORTING_FRAME = re.compile(r'File "(?P<path>[^"]+)", line \d+|^\s*(?P<short>\S+\.py):\d+: in ')
# Code of the actions a job uses: on a hosted runner (`_actions/owner/repo/ref/` beside the
# workspace, https://docs.github.com/en/actions/sharing-automations/creating-actions/
# metadata-syntax-for-github-actions#runs-for-composite-actions) and under nektos/act.
ACTION_CODE = re.compile(r"[/\\]_actions[/\\]|^/var/run/act/actions/")
# pip's box around a build subprocess's output ("╰─> [7 lines of output]" ...
# "[end of output]", pip 22+) and setuptools' shim: the import runs while the package is
# built, in an isolated environment that only `[build-system] requires` populates
# (https://pip.pypa.io/en/stable/reference/build-system/#build-isolation).
BUILD_SUBPROCESS = re.compile(r"\[end of output\]|<pip-setuptools-caller>|egg_info did not run")
# A job named for running without the optional dependencies ("base", "minimal", "no
# extras", "core only"): a module missing there is an import that must be made optional
# (networkx/networkx#6756: the "base" job caught a top-level `import numpy`), not a
# requirement to add. Minimum-*versions* jobs install everything and are not matched.
MINIMAL_JOB = re.compile(
    r"\b(?:base|minimal|bare|core[-_ ]only|no[-_ ]?(?:optional|extras?|deps)"
    r"|without[-_ ](?:optional|extras?|deps|dependencies))\b",
    re.IGNORECASE,
)
# Install failures an earlier step can leave behind, making a module missing later.
INSTALL_CATEGORIES = (Category.DEPENDENCY_ISSUE, Category.NETWORK_ERROR)


@dataclass(frozen=True, slots=True)
class Ranked:
    record: Record
    rule: Rule
    in_failing: bool


def in_failing_step(record: Record, failing: Step | None) -> bool:
    if record.step is None:  # annotations describe the job as a whole
        return True
    return failing is None or record.step is failing


def band(rule: Rule) -> int:
    """Priority bands: 0 context (<30), 1 a tool's own error (30-69), 2 a root cause (70+).

    Within a causal chain the higher band is the cause and the lower its consequence;
    failures in the same band are independent, and the more severe one needs attention
    first (a failing test outranks an unformatted file printed by the same step).
    """
    if rule.priority >= ROOT_CAUSE_PRIORITY:
        return 2
    return 1 if rule.significant else 0


def rank_key(item: Ranked) -> tuple[bool, int, int, int, float, int]:
    # Failing step first, then a root cause over its consequences, then the more severe
    # of independent failures, then the more specific and surer rule, then the earliest.
    rule = item.rule
    return (
        item.in_failing,
        band(rule),
        rule.severity.rank,
        rule.priority,
        rule.confidence,
        -item.record.line,
    )


def retarget(record: Record, ruleset: RuleSet, resolve: Resolver) -> Rule:
    """`No module named 'myproject'` for the project's own package is a packaging or
    configuration problem (not installed, src layout, PYTHONPATH), never a requirement."""
    rule = record.rule
    if not rule.fix or rule.fix.fixer != FIXER_ADD_REQUIREMENT:
        return rule
    module = fill(dict(rule.fix.params).get("module", ""), dict(record.captures))
    own = ruleset.get(OWN_PACKAGE_RULE)
    if own is not None and resolve(module).kind is ModuleKind.LOCAL:
        return own
    return rule


def confidence(primary: Ranked, ranked: list[Ranked], failing: Step | None) -> float:
    value = primary.rule.confidence
    if failing is not None and not primary.in_failing:
        value *= 0.8  # the failure was somewhere we found nothing specific
    # Another rule reading the primary's own line is the same failure, not a rival cause.
    rivals = {
        item.rule.category
        for item in ranked
        if item.in_failing
        and item.record.line != primary.record.line
        and item.rule.significant
        and item.rule.actionable
        and item.rule.category is not primary.rule.category
        and band(item.rule) >= band(primary.rule)
    }
    if rivals:
        value *= 0.85  # another cause, as specific, is in the same step
    return round(min(max(value, 0.0), 1.0), 3)


def propose_fixes(
    ranked: list[Ranked],
    primary: Ranked,
    resolve: Resolver,
    requirements_file: str | None = None,
    job_name: str | None = None,
) -> tuple[tuple[Fix, ...], str]:
    """Fixes for the significant findings of the failing step, and why not when a
    finding there has none (then fixing alone would not make the job pass).

    Findings in a lower band than the primary are its consequences (the conftest wrapper
    around a missing module) and go away with it, so they neither need nor block a fix.
    """
    floor = band(primary.rule)
    relevant = [
        item
        for item in ranked
        if item.rule.significant
        and item.rule.actionable
        and (item.in_failing or item is primary)
        and band(item.rule) >= floor
    ]
    fixes: dict[str, dict[str, str]] = {}
    blocker = ""
    for item in relevant:
        spec = item.rule.fix
        if spec is None:
            blocker = blocker or f"'{item.rule.id}' (line {item.record.line}) has no safe fix"
            continue
        params = {key: fill(value, dict(item.record.captures)) for key, value in spec.params}
        if spec.fixer == FIXER_ADD_REQUIREMENT:
            if why := requirement_misplaced(item, ranked, job_name):
                blocker = blocker or why
                continue
            resolution = resolve(params.get("module", ""))
            if resolution.distribution is None:
                blocker = blocker or (
                    f"no known distribution provides module '{resolution.module}' "
                    f"({resolution.kind}); a person must name the requirement"
                )
                continue
            params = {"module": resolution.module, "distribution": resolution.distribution}
            if requirements_file:
                params["requirements_file"] = requirements_file
            key = f"{spec.fixer}:{resolution.distribution}"
        else:
            key = spec.fixer
        merged = fixes.setdefault(key, {"fixer": spec.fixer})
        merged.update(params)
    for key, params in fixes.items():
        # A tool that reports N problems of which M are auto-fixable (ruff) cannot be
        # made to pass by its fixer unless M == N.
        # A count of problems without a count of fixable ones (an output format no rule
        # knows) is read as "none fixable": never propose what may not pass.
        if "found" in params and params["found"] != params.get("fixable", "0"):
            fixable = params.get("fixable", "0")
            blocker = blocker or (
                f"{key}: only {fixable} of {params['found']} problems are auto-fixable"
            )
    result = tuple(
        Fix(
            fixer=params.pop("fixer"),
            params=tuple(sorted((k, v) for k, v in params.items() if k not in ("found",))),
        )
        for params in (dict(p) for p in fixes.values())
    )
    return result, blocker


def requirement_misplaced(item: Ranked, ranked: list[Ranked], job_name: str | None = None) -> str:
    """Why adding the missing module to the project's requirements would not fix the job,
    or "" when it would: the import is in an action's code, it runs while pip builds the
    package, the job runs without optional dependencies by design, or an install earlier
    in the job failed and the module is its casualty."""
    record = item.record
    if job_name and (named := MINIMAL_JOB.search(job_name)):
        return (
            f"the job '{job_name}' runs without optional dependencies by design "
            f"('{named.group(0)}'): the import should be made optional, not required"
        )
    frames = [m for _, text in record.before if (m := IMPORTING_FRAME.search(text))]
    if frames:
        path = frames[-1].group("path") or frames[-1].group("short")
        if ACTION_CODE.search(path):
            return f"the import is in an action's code ({path}), not this repository's"
        if path.rsplit("/", 1)[-1] == "setup.py":
            return "setup.py imports it while pip builds the package: a build requirement"
    if any(BUILD_SUBPROCESS.search(text) for _, text in [*record.before, *record.after]):
        return "the import runs while pip builds the package: a build requirement"
    for earlier in ranked:
        if (
            earlier.record.line < record.line
            and earlier.record.step is not record.step
            and earlier.rule.significant
            and earlier.rule.fix is None
            and earlier.rule.category in INSTALL_CATEGORIES
        ):
            return (
                f"an earlier install failed ({earlier.rule.id}, line {earlier.record.line}); "
                "the module is missing because of it"
            )
    return ""


def propose_action(
    primary: Ranked,
    confidence: float,
    fixes: tuple[Fix, ...],
    blocker: str,
    min_confidence: float,
) -> tuple[Action, str]:
    """The default policy: not actionable -> none; unsure -> issue; transient -> rerun;
    low/medium and fully fixable -> fix_pr; everything else -> issue."""
    rule = primary.rule
    if not rule.actionable:
        return Action.NONE, f"{rule.title}: the job was stopped from outside; nothing to recover"
    if confidence < min_confidence:
        return Action.ISSUE, (
            f"confidence {confidence:.2f} is below the threshold {min_confidence:.2f}; "
            "a person should look"
        )
    if rule.transient:
        return Action.RERUN, f"'{rule.id}' is a transient failure; a rerun usually passes"
    if fixes and not blocker and rule.severity in FIXABLE_SEVERITIES:
        names = ", ".join(fix.spec for fix in fixes)
        return Action.FIX_PR, f"{rule.severity} severity and safely fixable by {names}"
    if blocker and fixes:
        return Action.ISSUE, f"not fixed automatically: {blocker}"
    if rule.severity not in FIXABLE_SEVERITIES:
        return Action.ISSUE, f"{rule.severity} severity {rule.category} needs a person"
    return Action.ISSUE, f"no safe automatic fix for {rule.category}" + (
        f": {blocker}" if blocker else ""
    )
