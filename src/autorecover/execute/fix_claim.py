"""One fix PR per failing commit (docs/security.md#t23).

Two workflows that fail on the same head SHA have different failures, so each would make
its fix on its own branch and open its own pull request. Instead the fix of the second one
joins the first one's PR: it is committed on top of that PR's branch. Which run goes
first is decided the way the creation of an issue is: the open pull requests are listed
(the body marker names the commit, and is the source of truth), and when none is there
yet the creation is claimed in the ledger under the commit's SHA. A run that finds another
run's claim waits for that run's PR to appear; when the ledger cannot be written, the run
goes on without a claim and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from autorecover.adapters.github.errors import GitHubError
from autorecover.adapters.github.pulls import PullRequest, Pulls
from autorecover.constants import HEAD_CLAIM
from autorecover.core import ledger as ledgerlib
from autorecover.execute.context import Execution

# About a minute in all: long enough for another run to fix, verify, push and open its PR.
CLAIM_WAITS = (2.0, 4.0, 8.0, 16.0, 30.0)


@dataclass(frozen=True)
class Turn:
    """What this run does with the fix for its commit: join `pull` (another run's PR for
    the same commit), open its own (`pull` None), or leave it to `waiting_for`."""

    pull: PullRequest | None = None
    waiting_for: str = ""
    note: str = ""


def joinable(pulls: Pulls, sha: str, own_branch: str) -> PullRequest | None:
    """Another branch's open fix PR for the failing commit `sha`, oldest first."""
    found = [pr for pr in pulls.open_for_head(sha) if pr.branch != own_branch]
    return found[0] if found else None


def take_turn(ex: Execution, pulls: Pulls, own_branch: str) -> Turn:
    """No PR for the commit yet: claim its creation, or wait for the run that holds the
    claim to open it. A claim that is released without a PR (that run had nothing to
    push) is taken over."""
    sha = ex.run.head_sha
    key = HEAD_CLAIM.format(sha)
    try:
        holder = ex.claim(key)
    except GitHubError as exc:
        # The ledger is a cache, never a gate (docs/security.md#t21): without a claim the
        # branch's lease still keeps one copy of each fix.
        return Turn(note=f"the fix PR for {sha[:12]} was not claimed in the ledger ({exc})")
    ex.record(ledgerlib.release(key, ex.owner))
    if holder is None:
        return Turn()
    if holder == ex.run.key:
        return Turn(waiting_for="another autorecover process handling this same run")
    for attempt, delay in enumerate(CLAIM_WAITS, start=1):
        ex.sleep(delay)
        joined = joinable(pulls, sha, own_branch)
        if joined is not None:
            return Turn(joined)
        try:
            if ledgerlib.claimed_by(ex.load_ledger(), key) is None and not ex.claim(key, attempt):
                return Turn()
        except GitHubError as exc:
            return Turn(note=f"the fix PR for {sha[:12]} was not claimed in the ledger ({exc})")
    return Turn(waiting_for=f"run {holder}, which is fixing commit {sha[:12]}")
