"""What the handlers of one run share: the tracker listed once, the ledger entry as it will
be, the creation claim (docs/security.md#t22), and bodies rendered the one way."""

from __future__ import annotations

from autorecover.constants import fingerprint_marker
from autorecover.core import ledger as ledgerlib
from testing.execution import execution, seeded_run
from testing.fakegithub import FakeGitHub

FP = "0123abcd0123abcd"


def test_the_tracker_is_listed_once(fake_github: FakeGitHub) -> None:
    fake_github.create_issue("old", body=fingerprint_marker(FP), labels=["autorecover"])
    ex = execution(fake_github, seeded_run(fake_github))
    before = len(fake_github.requests)
    assert [i.number for i in ex.tracker().for_fingerprint(FP)] == [1]
    ex.tracker()
    assert len(fake_github.requests) == before + 1
    ex.tracker(refresh=True)
    assert len(fake_github.requests) == before + 2


def test_entry_previews_this_run_s_updates(fake_github: FakeGitHub) -> None:
    ex = execution(fake_github, seeded_run(fake_github))
    assert ex.entry(FP) == {}
    ex.record(ledgerlib.occurred(ledgerlib.Occurrence(FP, "unknown", "", "t", 1, ex.stamp)))
    assert ex.entry(FP)["occurrences"] == 1
    assert ex.updates and ex.ledger.get("fingerprints") == {}  # nothing stored yet


def test_the_first_claim_wins_and_the_second_names_its_holder(fake_github: FakeGitHub) -> None:
    run = seeded_run(fake_github)
    first, second = execution(fake_github, run), execution(fake_github, run)
    assert first.claim(FP) is None
    second.load_ledger()
    assert second.claim(FP) == run.key


def test_fork_runs_claim_too(fake_github: FakeGitHub) -> None:
    """Two fork runs with the same failure at once must not open two issues."""
    run = seeded_run(fake_github, fork_owner="forker")
    first, second = execution(fake_github, run), execution(fake_github, run)
    assert not run.trusted and first.claim(FP) is None
    second.load_ledger()
    assert second.claim(FP) == run.key


def test_a_broken_user_template_falls_back_and_is_noted_once(fake_github: FakeGitHub) -> None:
    ex = execution(
        fake_github, seeded_run(fake_github), templates={"comment.md.j2": "{{ nope.attr }}"}
    )
    context = {"run": {"workflow": "CI", "number": 7, "attempt": 1, "html_url": "", "head_branch": "main",
                       "head_sha": "a" * 40}, "jobs": [], "history": {"occurrences": 2,
                       "reruns": 0, "recoveries": 0}, "escalation": "", "evidence": ""}  # fmt: skip
    body = ex.render("comment.md.j2", context)
    ex.render("comment.md.j2", context)
    assert "Seen again" in body and len(ex.notes) == 1 and "comment.md.j2" in ex.notes[0]
