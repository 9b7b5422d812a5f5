"""Every decision autorecover makes about a run, and why (pure).

Skips first: the trigger, the run itself, the repository's config, what the analysis
found, a redelivered event. Then the plan: the diagnosis of every failed job, the run's
trust and attempt, the settings and what the ledger knows about each fingerprint go in;
a `Plan` comes out whose every decision carries the reason a maintainer reads in the step
summary and the JSON report, and what follows when GitHub will not let it be carried out
(`follow_up`). The executors carry decisions out and report outcomes; they never change
one, so a dry run shows exactly what a real run would do.

The default matrix (each cell can be changed per category in the config's `actions:`):

| diagnosis                                   | decision                     |
|---------------------------------------------|------------------------------|
| not actionable (fail-fast, superseded)      | none                         |
| confidence below `min-confidence`           | issue                        |
| transient, and *every* failed job transient | rerun (capped, with backoff) |
| low severity, fixable                       | fix PR                       |
| medium severity, fixable                    | fix PR labelled for review   |
| high, critical, unknown                     | issue                        |

Runs from forks are read-only (docs/security.md#s1): no fix PR, no rerun unless opted in,
and at most one issue. Issues are opened only for runs on `issues.branches` (the default
branch unless the config says more; noise.py); what an issue decision does when the
failure was tracked before (update, comment, silence, cooldown) is in tracking.py.
"""

from autorecover.core.plan.followups import contingency, follow_up, with_follow_up
from autorecover.core.plan.matrix import FIXABLE, combined_fingerprint, make_plan
from autorecover.core.plan.skips import (
    WORKFLOW_RUN,
    rerun_pending,
    skip_analysed,
    skip_bookkeeping,
    skip_configured,
    skip_fix_pr,
    skip_redelivered,
    skip_run,
    skip_trigger,
)
from autorecover.core.plan.tracking import IssuePlan, IssueStep, comment_due, issue_step

__all__ = [
    "FIXABLE",
    "WORKFLOW_RUN",
    "IssuePlan",
    "IssueStep",
    "combined_fingerprint",
    "comment_due",
    "contingency",
    "follow_up",
    "issue_step",
    "make_plan",
    "rerun_pending",
    "skip_analysed",
    "skip_bookkeeping",
    "skip_configured",
    "skip_fix_pr",
    "skip_redelivered",
    "skip_run",
    "skip_trigger",
    "with_follow_up",
]
