"""Job log + knowledge base -> findings -> one `Diagnosis` per job.

`scan` makes one pass over the log; `proposal` ranks the findings and proposes an action;
this module assembles the Diagnosis (title, evidence, fingerprint) around them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from autorecover.constants import CONFIG_PATH, DEFAULT_MIN_CONFIDENCE, SELF_HOSTED
from autorecover.core.analysis import evidence, modulemap, stepkind
from autorecover.core.analysis.fingerprint import fingerprint, identity
from autorecover.core.analysis.lines import Chunk, Limits, LineChunker
from autorecover.core.analysis.propose import (
    Ranked,
    confidence,
    in_failing_step,
    propose_action,
    propose_fixes,
    rank_key,
    retarget,
)
from autorecover.core.analysis.runner import from_marks, machine_network
from autorecover.core.analysis.scan import LogScan
from autorecover.core.analysis.steps import STRUCTURE_PATTERNS
from autorecover.core.models import (
    Action,
    Category,
    Diagnosis,
    Finding,
    LogStats,
    Severity,
)
from autorecover.core.rules.engine import Block
from autorecover.core.rules.loader import RuleSet, load_ruleset
from autorecover.core.rules.schema import PLACEHOLDER_RE, fill, fill_markdown

# Conclusions of a job that failed on its own (a timeout concludes `cancelled` and is
# recognised from its annotation by the rules).
FAILED_CONCLUSIONS = frozenset({"failure", "timed_out", "startup_failure"})
ANNOTATION_STEP = "(annotation)"


@dataclass(frozen=True)
class AnalysisContext:
    """What the caller knows beyond the log text."""

    annotations: Sequence[str] = ()
    repository: str | None = None  # owner/name; the project's own package is named so
    local_modules: frozenset[str] = frozenset()
    module_overrides: Mapping[str, str] = field(default_factory=dict)
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    limits: Limits = field(default_factory=Limits)
    redact: Callable[[str], str] = field(default=str)  # the identity: tests pass their own
    # The job's conclusion as GitHub reports it. A log given to the CLI is taken to be of
    # a failed job (that is why it is being analysed) unless the caller says otherwise.
    conclusion: str = "failure"
    # "github-hosted" or "self-hosted" as the jobs API says (runner.from_labels); None: tell
    # from what the log's "Set up job" printed.
    runner: str | None = None
    # The job's name as the jobs API gives it; None: what "Set up job" printed.
    job_name: str | None = None


class JobAnalysis:
    """One job's analysis in two phases, so a caller can decide after reading the log
    whether the job's annotations are worth a request (a job timeout or a lost runner is
    only visible there; most failures explain themselves in the log)."""

    def __init__(self, ruleset: RuleSet, context: AnalysisContext | None = None) -> None:
        self.ruleset = ruleset
        self.context = context or AnalysisContext()
        self.scan = LogScan(ruleset.matcher(STRUCTURE_PATTERNS))
        self.chunker = LineChunker(self.context.limits)

    def feed(self, blocks: Iterable[bytes]) -> None:
        """Scan the log. The multi-pattern search of a chunk runs in a worker thread while
        this one reads and normalises the next: RE2 releases the GIL while it searches, so
        on a 2-core runner the two overlap (one chunk in flight, so memory stays flat)."""
        matcher = self.scan.matcher
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="autorecover-scan") as pool:
            in_flight: tuple[Chunk, Future[list[Block]]] | None = None
            for chunk in self.chunker.feed_all(blocks):
                future = pool.submit(matcher.blocks, chunk.data)
                if in_flight is not None:
                    self._scan(*in_flight)
                in_flight = (chunk, future)
            if in_flight is not None:
                self._scan(*in_flight)
        self.scan.tracker.close(self.scan.last_line)

    def _scan(self, chunk: Chunk, found: Future[list[Block]]) -> None:
        self.scan.chunk(chunk.data, chunk.first_line, chunk.n_lines, found.result())

    def explained(self) -> bool:
        """True when the log shows a failure and a significant rule explains its step."""
        tracker = self.scan.tracker
        failing = tracker.failing_step()
        if not (tracker.exit_code or tracker.errors) or failing is None or failing.cancelled:
            return False
        return any(
            record.rule.significant and record.step is failing for record in self.scan.records
        )

    def annotate(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.scan.annotation(text)

    def diagnosis(self, source: str) -> Diagnosis:
        stats = LogStats(
            lines=max(self.scan.last_line, 0),
            bytes_read=self.chunker.stats.bytes_read,
            bytes_skipped=self.chunker.stats.bytes_skipped,
            lines_cut=self.chunker.stats.lines_cut,
            findings_dropped=self.scan.dropped,
        )
        return _diagnose(self.scan, self.ruleset, self.context, source, stats)


def analyze_job(
    blocks: Iterable[bytes],
    source: str,
    ruleset: RuleSet,
    context: AnalysisContext | None = None,
) -> Diagnosis:
    """Diagnose one job's log, given as undecoded byte blocks of any size, with the
    annotations in `context`."""
    analysis = JobAnalysis(ruleset, context)
    analysis.feed(blocks)
    analysis.annotate(analysis.context.annotations)
    return analysis.diagnosis(source)


def analyze_text(
    text: str | bytes,
    source: str = "<text>",
    ruleset: RuleSet | None = None,
    context: AnalysisContext | None = None,
) -> Diagnosis:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return analyze_job([data], source, ruleset or load_ruleset(), context)


def _diagnose(
    scan: LogScan, ruleset: RuleSet, context: AnalysisContext, source: str, stats: LogStats
) -> Diagnosis:
    failing = scan.tracker.failing_step()
    repository = context.repository or scan.repo_hint

    def resolve(module: str) -> modulemap.Resolution:
        return modulemap.resolve(
            module,
            repository=repository,
            local_modules=context.local_modules,
            overrides=context.module_overrides,
        )

    ranked = [
        Ranked(record, retarget(record, ruleset, resolve), in_failing_step(record, failing))
        for record in scan.records
    ]
    ordered = sorted(ranked, key=lambda r: r.record.line)
    texts = evidence.redact_block([item.record.text for item in ordered], context.redact)
    findings = tuple(
        Finding(
            rule=item.rule.id,
            category=item.rule.category,
            severity=item.rule.severity,
            line=item.record.line,
            text=text,
            captures=item.record.captures,
            step=item.record.step.name if item.record.step else ANNOTATION_STEP,
            in_failing_step=item.in_failing,
        )
        for item, text in zip(ordered, texts, strict=True)
    )
    failing_name = failing.name if failing else None
    candidates = [item for item in ranked if item.rule.actionable or item.in_failing]
    if not candidates:
        return _no_match(scan, context, source, stats, findings, failing_name)
    primary = max(candidates, key=rank_key)
    on_self_hosted = _self_hosted_network(primary, context.runner or from_marks(scan.runner_marks))
    if on_self_hosted:
        machine = replace(primary.rule, category=Category.CONFIGURATION_ERROR, transient=False)
        ranked = [
            Ranked(item.record, machine, item.in_failing) if item is primary else item
            for item in ranked
        ]
        primary = next(item for item in ranked if item.rule is machine)
    rule = primary.rule
    captures = dict(primary.record.captures)
    sureness = confidence(primary, ranked, failing)
    fixes, blocker = propose_fixes(
        ranked, primary, resolve, scan.requirements_file, context.job_name or scan.job_name
    )
    action, reason = propose_action(primary, sureness, fixes, blocker, context.min_confidence)
    if on_self_hosted and action is Action.ISSUE:
        reason = (
            "the network of a self-hosted runner failed: its DNS, proxy or firewall needs a "
            "person, and a rerun would land on the same machine"
        )
    if context.conclusion == "success":
        action, reason = Action.NONE, "the job succeeded; what the rules found did not fail it"
    return Diagnosis(
        source=source,
        category=rule.category,
        severity=rule.severity,
        confidence=sureness,
        title=fill(rule.title, captures) + _more(primary, ranked, scan),
        explanation=rule.explanation,
        remediation=fill_markdown(rule.remediation, captures),
        rule=rule.id,
        failing_step=failing_name,
        evidence=evidence.redacted(evidence.for_match(primary, ranked, str), context.redact),
        findings=findings,
        transient=rule.transient,
        action=action,
        fixes=fixes if action is Action.FIX_PR else (),
        fingerprint=fingerprint(
            rule.category, rule.id, identity(primary.record.text, captures, rule.title)
        ),
        reason=reason,
        stats=stats,
    )


def _self_hosted_network(primary: Ranked, runner: str | None) -> bool:
    """A name that did not resolve or a connection that timed out, on a self-hosted
    runner: the machine's configuration, not a blip (core/analysis/runner.py)."""
    rule = primary.rule
    return (
        runner == SELF_HOSTED
        and rule.transient
        and rule.category is Category.NETWORK_ERROR
        and machine_network(primary.record.text)
    )


def _no_match(
    scan: LogScan,
    context: AnalysisContext,
    source: str,
    stats: LogStats,
    findings: tuple[Finding, ...],
    failing: str | None,
) -> Diagnosis:
    tracker = scan.tracker
    category, sureness, hinted = Category.UNKNOWN, 0.0, ""
    marked = bool(tracker.exit_code) or tracker.errors > 0
    cancelled = context.conclusion == "cancelled" or (tracker.cancelled and not marked)
    failed = marked or (context.conclusion in FAILED_CONCLUSIONS and not cancelled)
    if failed:
        action, reason = Action.ISSUE, "the job failed, but no rule recognised the cause"
        named = failing if failing and tracker.framed else None  # raw text has no steps
        title = "Unrecognised failure" + (f" in step '{named}'" if named else "")
        step = tracker.failing_step()
        start = step.start_line if step else 0
        lines = [(n, text) for n, text in scan.exit_context or list(scan.tail) if n >= start]
        if named and (found := stepkind.hint(named)):
            category, hinted = found
            sureness = stepkind.HINT_CONFIDENCE
            reason += f"; the step runs {hinted}, so most likely a {category}"
    elif cancelled:
        action, reason = Action.NONE, "the job was cancelled and no timeout was reported"
        title = "Job cancelled"
        lines = list(scan.tail)
    else:
        action, reason = Action.NONE, "no failure found in the log"
        title = "No failure found"
        lines = []
    shown = evidence.for_unrecognised(lines, str) if lines else ()
    shown = evidence.redacted(shown, context.redact)
    key = "\n".join(text for _, text in lines[-3:])
    return Diagnosis(
        source=source,
        category=category,
        severity=Severity.HIGH if failed else Severity.LOW,
        confidence=sureness,
        title=title,
        explanation=(
            "None of the knowledge base's rules matched this log. The last lines of the "
            "failing step are shown as evidence."
            + (
                f" The step runs `{hinted}`, so the category is a guess from the command, "
                "not from the output."
                if hinted
                else ""
            )
            if failed
            else "The log holds no sign of a failure."
        ),
        remediation=(
            "Read the evidence and the full job log. If this failure recurs, add a rule for "
            f"it under `rules.add` in {CONFIG_PATH} so it is recognised next time."
            if failed
            else "Nothing to do."
        ),
        rule=None,
        failing_step=failing,
        evidence=shown,
        findings=findings,
        transient=False,
        action=action,
        fixes=(),
        fingerprint=fingerprint(Category.UNKNOWN, "", key),
        reason=reason,
        stats=stats,
    )


def _more(primary: Ranked, ranked: list[Ranked], scan: LogScan) -> str:
    """ " and N more" when the primary rule names one of several failures (failing tests):
    the title names the first; the count includes hits beyond those kept as findings."""
    named = [n for n in PLACEHOLDER_RE.findall(primary.rule.title) if n]
    if not named:
        return ""
    same = [item for item in ranked if item.rule.id == primary.rule.id and item.in_failing]
    distinct = {tuple(dict(item.record.captures).get(n, "") for n in named) for item in same}
    extra = scan.per_rule.get(primary.rule.id, 0) - len(same)
    others = len(distinct) - 1 + max(extra, 0)
    return f" and {others} more" if others > 0 else ""
