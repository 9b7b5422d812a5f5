"""Whose turn it is to open the fix PR of a failing commit: the claim by head SHA in the
ledger, the wait for the holder's PR, a released claim taken over, and a ledger that cannot
be written (docs/security.md#t23, #t21). The two-process attack through `autorecover
action` is `test_two_workflows_failing_on_one_commit_at_once_give_one_pull_request_t23`."""

from __future__ import annotations

from autorecover.adapters.github.pulls import Pulls
from autorecover.constants import HEAD_CLAIM, fingerprint_marker, head_marker
from autorecover.core import ledger as ledgerlib
from autorecover.execute import fix_claim
from testing.execution import execution, seeded_run
from testing.fakegithub import FakeGitHub, Fault

OWN = "autorecover/linting_error/0123abcd"
OTHER = "autorecover/linting_error/89abcdef"


def test_the_first_run_claims_the_commit(fake_github: FakeGitHub) -> None:
    run = seeded_run(fake_github)
    ex = execution(fake_github, run)
    turn = fix_claim.take_turn(ex, Pulls(ex.client), OWN)
    assert turn == fix_claim.Turn()
    holder = ledgerlib.claimed_by(ex.store.read()[0], HEAD_CLAIM.format(run.head_sha))
    assert holder == ex.owner


def test_a_second_run_for_the_commit_waits_and_joins_the_first_pr(
    fake_github: FakeGitHub,
) -> None:
    first_run = seeded_run(fake_github)
    second_run = seeded_run(fake_github, head_sha=first_run.head_sha)
    first = execution(fake_github, first_run)
    assert fix_claim.take_turn(first, Pulls(first.client), OTHER).pull is None
    body = f"{fingerprint_marker('89abcdef89abcdef')}\n{head_marker(first_run.head_sha)}\nfix"
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:  # the first run opens its PR while the second waits
            fake_github.create_pull("autorecover: format with black", OTHER, body=body)

    second = execution(fake_github, second_run, sleep=sleep)
    turn = fix_claim.take_turn(second, Pulls(second.client), OWN)
    assert turn.pull is not None and turn.pull.branch == OTHER
    assert waits == [2.0, 4.0]
    assert fix_claim.joinable(Pulls(second.client), first_run.head_sha, OTHER) is None


def test_a_pr_of_another_commit_is_never_joined(fake_github: FakeGitHub) -> None:
    run = seeded_run(fake_github)
    body = f"{head_marker('f' * 40)}\nfix"
    fake_github.create_pull("autorecover: format with black", OTHER, body=body)
    fake_github.create_pull("a person's", "feature", body=f"{head_marker(run.head_sha)}\n")
    assert fix_claim.joinable(Pulls(execution(fake_github, run).client), run.head_sha, OWN) is None


def test_a_claim_released_without_a_pr_is_taken_over(fake_github: FakeGitHub) -> None:
    first_run = seeded_run(fake_github)
    first = execution(fake_github, first_run)
    fix_claim.take_turn(first, Pulls(first.client), OTHER)
    second = execution(
        fake_github,
        seeded_run(fake_github, head_sha=first_run.head_sha),
        # The first run finds nothing to fix and releases its claim.
        sleep=lambda _s: first.store.update(first.run.key, first.updates, first.store.read()),
    )
    assert fix_claim.take_turn(second, Pulls(second.client), OWN) == fix_claim.Turn()
    holder = ledgerlib.claimed_by(second.store.read()[0], HEAD_CLAIM.format(first_run.head_sha))
    assert holder == second.owner


def test_a_ledger_that_cannot_be_written_is_noted_not_a_stop(fake_github: FakeGitHub) -> None:
    ruleset = {"message": "Repository rule violations found\n\nCannot create ref.\n\n"}
    fake_github.script("POST", "/repos/{owner}/{repo}/git/refs", [Fault(422, body=ruleset)])
    ex = execution(fake_github, seeded_run(fake_github))
    turn = fix_claim.take_turn(ex, Pulls(ex.client), OWN)
    assert turn.pull is None and not turn.waiting_for
    assert "not claimed in the ledger" in turn.note and "rule violations" in turn.note
