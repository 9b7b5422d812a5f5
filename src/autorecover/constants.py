"""Facts about autorecover that more than one module needs, each defined once.

A fact that is written in one place and read back in another (a branch name, a marker in
an issue body, a timestamp in the ledger) is kept here together with the regex or parser
that reads it, so the writer and the reader cannot drift apart (the shape of
python/bedevere's `util.py`). `tests/test_constants.py` fails when one of these literals
appears anywhere else under `src/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

# -- identity ---------------------------------------------------------------------------

BOT_NAME = "autorecover"
CONFIG_PATH = ".github/autorecover.yml"  # read from the default branch only (docs/security.md#s7)

# Branches the bot owns: `autorecover/<category>/<fingerprint8>`. Runs on them are never
# fixed again (docs/security.md#r7) and nothing else is ever pushed to (#s10).
BOT_BRANCH_PREFIX = f"{BOT_NAME}/"
BOT_BRANCH_RE = re.compile(r"^autorecover/[a-z0-9_-]{1,40}/[0-9a-f]{8}$")
BRANCH_CATEGORY_RE = re.compile(r"^[a-z0-9_-]{1,40}$")
FINGERPRINT_RE = re.compile(r"^[0-9a-f]{8,64}$")

# The orphan branch that holds the ledger, and the file on it.
STATE_BRANCH = f"{BOT_NAME}/state"
LEDGER_PATH = "ledger.json"

# Every fix commit carries this trailer; a failure at such a head is autorecover's own.
COMMIT_TRAILER_KEY = "Autorecover-Fingerprint"
COMMIT_TRAILER = f"{COMMIT_TRAILER_KEY}:"

# The kinds of machine a job runs on: `analyze --runner` spells them, the analyzer reads
# them (core/analysis/runner.py).
GITHUB_HOSTED = "github-hosted"
SELF_HOSTED = "self-hosted"
RUNNER_KINDS = (GITHUB_HOSTED, SELF_HOSTED)

# -- hidden markers in issue, PR and comment bodies -------------------------------------

FINGERPRINT_MARKER = "<!-- autorecover:fingerprint={} -->"
FINGERPRINT_MARKER_RE = re.compile(r"<!-- autorecover:fingerprint=([0-9A-Za-z]{1,64}) -->")
DASHBOARD_MARKER = "<!-- autorecover:dashboard -->"
FOREIGN_COMMITS_MARKER = "<!-- autorecover:foreign-commits -->"
# The failing commit a fix PR starts from: a second fix for the same commit joins that PR
# instead of opening another (docs/security.md#t23).
HEAD_MARKER = "<!-- autorecover:head={} -->"
HEAD_MARKER_RE = re.compile(r"<!-- autorecover:head=([0-9a-f]{40}) -->")
# The ledger claim on a failing commit's fix PR (beside the claims on fingerprints).
HEAD_CLAIM = "head:{}"
# How often an issue's failure was seen, when last, and when autorecover last commented on
# it: kept in the issue body itself, so a recurrence needs neither the ledger nor the
# comment list (docs/security.md#t21: the ledger is a cache, never a gate).
# `run` is the run id and attempt the body last counted (WorkflowRun.key): a redelivery of
# that run is recognised from the issue itself when the ledger could not record it (#t21).
SEEN_MARKER = "<!-- autorecover:seen={count} last={last} commented={commented} run={run} -->"
SEEN_MARKER_RE = re.compile(
    r"<!-- autorecover:seen=(?P<count>\d{1,9}) last=(?P<last>[0-9TZ:-]{0,20}) "
    r"commented=(?P<commented>[0-9TZ:-]{0,20})(?: run=(?P<run>[0-9:]{0,30}))? -->"
)
# The seen marker is only read this close to the top of a body, before anything a log put
# in it (an excerpt in a code block may spell a marker too).
SEEN_MARKER_WINDOW = 300
# The "Occurrences" section of an issue body, rewritten on every recurrence.
OCCURRENCES_START = "<!-- autorecover:occurrences -->"
OCCURRENCES_END = "<!-- /autorecover:occurrences -->"
# The one comment autorecover posts on a pull request about a failure of its runs off the
# branches that open issues (`issues.pr_comment`): posted once per failure, never repeated.
PULL_COMMENT_MARKER = "<!-- autorecover:pull-comment={} -->"

# -- the container --------------------------------------------------------------------

# The uid the formatters run as when autorecover runs as root (the Dockerfile sets it):
# they cannot read /proc/1/environ, autorecover's own environment (docs/security.md#s2).
TOOL_USER_ENV = "AUTORECOVER_TOOL_USER"

# -- labels -----------------------------------------------------------------------------

DEFAULT_LABEL = BOT_NAME
REVIEW_LABEL = f"{BOT_NAME}: review"
CATEGORY_LABEL = f"{BOT_NAME}: {{}}"
SEVERITY_LABEL = "severity: {}"
# On an issue, open or closed, this label silences its failure while it is there.
IGNORE_LABEL = f"{BOT_NAME}: ignore"
# What GitHub's `state_reason` says of an issue closed as "not planned": its failure stays
# silent until the issue is reopened (https://docs.github.com/en/rest/issues/issues).
NOT_PLANNED = "not_planned"

# -- defaults of the settings (core/settings.py resolves them; action.yml repeats them
#    for the runner, and tests/test_constants.py checks that it does so faithfully) -----

DEFAULT_MIN_CONFIDENCE = 0.7
# The one range of a confidence, for the CLI flag, the action input and the config key.
CONFIDENCE_MIN = 0.0
CONFIDENCE_MAX = 1.0
DEFAULT_MAX_RERUNS = 2
DEFAULT_BACKOFF_SECONDS = 30.0
DEFAULT_BACKOFF_MAX_SECONDS = 300.0
DEFAULT_COOLDOWN_DAYS = 7.0
DEFAULT_MAX_OPEN_PULLS = 5
# Issue #11 asks for a per-hour budget on fork reports: a burst of hostile pull requests
# is what fills a tracker, so the window is short and the default small.
DEFAULT_FORK_REPORTS_PER_HOUR = 3
FORK_REPORT_WINDOW_SECONDS = 3600
DEFAULT_COMMENT_INTERVAL_HOURS = 24.0  # at most one recurrence comment a day per issue
# A job that timed out after running longer than this is reported, not rerun: a rerun
# would cost as long again (GitHub-hosted jobs stop at 6 hours).
DEFAULT_TIMEOUT_MAX_MINUTES = 60.0
REPORT_FILE = "autorecover-report.json"
# Where the JSON Schema of each command's `--format json` output is published.
SCHEMAS_DOC = "docs/schemas/"

# -- fixers -----------------------------------------------------------------------------

FIXER_BLACK = "black"
FIXER_ISORT = "isort"
FIXER_RUFF_FORMAT = "ruff-format"
FIXER_RUFF_FIX = "ruff-fix"
FIXER_ADD_REQUIREMENT = "add-requirement"
FIXER_NAMES = (FIXER_BLACK, FIXER_ISORT, FIXER_RUFF_FORMAT, FIXER_RUFF_FIX, FIXER_ADD_REQUIREMENT)

# -- time -------------------------------------------------------------------------------

# GitHub's timestamps (`closed_at`) and the ledger's are ISO 8601 in UTC, second precision.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def format_time(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime(TIME_FORMAT)


def parse_time(stamp: object) -> datetime | None:
    """A timestamp written by GitHub or by `format_time`; None when it is not one."""
    if not isinstance(stamp, str) or not stamp:
        return None
    try:
        return datetime.strptime(stamp, TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


# -- markers and branch names, written and read back ------------------------------------


def fingerprint_marker(fingerprint: str) -> str:
    return FINGERPRINT_MARKER.format(fingerprint)


def marked_fingerprint(body: str) -> str | None:
    """The fingerprint a body's marker names, or None."""
    found = FINGERPRINT_MARKER_RE.search(body)
    return found.group(1) if found else None


@dataclass(frozen=True, slots=True)
class Seen:
    """What an issue body's seen marker says (times as TIME_FORMAT, "" when unknown)."""

    count: int = 0
    last: str = ""
    commented: str = ""
    run: str = ""  # the run id and attempt last counted ("" in markers from before it)

    def marker(self) -> str:
        return SEEN_MARKER.format(
            count=self.count, last=self.last, commented=self.commented, run=self.run
        )


def marked_seen(body: str) -> Seen | None:
    """The seen marker of an issue body, or None (an issue opened before it existed)."""
    found = SEEN_MARKER_RE.search(body[:SEEN_MARKER_WINDOW])
    if not found:
        return None
    return Seen(int(found["count"]), found["last"], found["commented"], found["run"] or "")


def head_marker(sha: str) -> str:
    return HEAD_MARKER.format(sha)


def marked_head(body: str) -> str | None:
    """The failing commit a fix PR's marker names, or None."""
    found = HEAD_MARKER_RE.search(body)
    return found.group(1) if found else None


def bot_branch_name(category: str, fingerprint: str) -> str:
    """`autorecover/<category>/<first 8 of the fingerprint>`: deterministic, so the same
    failure always proposes its fix on the same branch (docs/security.md#r1)."""
    if not BRANCH_CATEGORY_RE.match(category) or not FINGERPRINT_RE.match(fingerprint):
        raise ValueError(f"invalid branch parts: {category!r}, {fingerprint!r}")
    return f"{BOT_BRANCH_PREFIX}{category}/{fingerprint[:8]}"


def is_bot_branch(name: str) -> bool:
    return bool(BOT_BRANCH_RE.match(name))
