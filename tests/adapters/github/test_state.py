"""The ledger's storage (src/autorecover/adapters/github/state.py) against the stateful fake
GitHub: `ledger.json` on the orphan branch `autorecover/state`, written compare-and-swap so
concurrent runs never lose an update."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from autorecover.adapters.github.client import ApiSettings, GitHub
from autorecover.adapters.github.errors import GitHubError
from autorecover.adapters.github.state import MAX_ATTEMPTS, StateStore
from autorecover.constants import LEDGER_PATH, STATE_BRANCH
from autorecover.core import ledger as ledgerlib
from autorecover.core.ledger import Occurrence, Update
from testing.fakegithub import FakeGitHub, Fault

CONTENTS = "/repos/{owner}/{repo}/contents/{path}"
GET_REF = "/repos/{owner}/{repo}/git/ref/{ref}"
CREATE_REF = "/repos/{owner}/{repo}/git/refs"
FINGERPRINT = "f" * 16


def github_client(fake: FakeGitHub) -> GitHub:
    env = fake.env()
    settings = ApiSettings(
        api_url=env["GITHUB_API_URL"],
        token=fake.token or "ghs_state",
        repository=env["GITHUB_REPOSITORY"],
        seconds_between_requests=0,
        seconds_between_writes=0,
    )
    return GitHub(settings, sleep=lambda seconds: None, rng=random.Random(0))


@pytest.fixture
def store(fake_github: FakeGitHub) -> StateStore:
    return StateStore(github_client(fake_github))


def seen(run_id: int) -> Update:
    return ledgerlib.occurred(
        Occurrence(
            FINGERPRINT,
            "dependency",
            "missing-module",
            "No module named yaml",
            run_id,
            "2026-01-02T03:04:05Z",
        )
    )


def stored(fake: FakeGitHub) -> tuple[dict[str, Any], str]:
    """The ledger on the state branch, parsed, and its blob sha."""
    tip = fake.ref(f"heads/{STATE_BRANCH}")
    assert tip, "the state branch does not exist"
    found = fake.git.file_at(tip, LEDGER_PATH)
    assert found is not None
    blob, data = found
    return json.loads(data), blob


def occurrences(ledger: dict[str, Any]) -> int:
    return int(ledger["fingerprints"][FINGERPRINT]["occurrences"])


def statuses(fake: FakeGitHub, method: str, template: str) -> list[int]:
    return [c.status for c in fake.calls(method, template)]


# ---------------------------------------------------------------------------- read


def test_read_without_a_branch_is_an_empty_ledger(
    fake_github: FakeGitHub, store: StateStore
) -> None:
    assert store.read() == (ledgerlib.empty(), None)
    (call,) = fake_github.calls("GET", CONTENTS)
    assert call.query == {"ref": [STATE_BRANCH]} and call.status == 404


def test_a_damaged_ledger_reads_as_empty_with_its_sha(
    fake_github: FakeGitHub, store: StateStore
) -> None:
    fake_github.create_branch(STATE_BRANCH)
    fake_github.commit_files({LEDGER_PATH: "{not json"}, branch=STATE_BRANCH)
    ledger, sha = store.read()
    assert ledger == {**ledgerlib.empty(), ledgerlib.DAMAGED_KEY: "{not json"}
    assert sha == stored_blob(fake_github)
    new, _ = store.update("run-1#1", [seen(1)], (ledger, sha))  # replaced, compare-and-swap
    assert stored(fake_github)[0] == new


def stored_blob(fake: FakeGitHub) -> str:
    tip = fake.ref(f"heads/{STATE_BRANCH}")
    assert tip
    found = fake.git.file_at(tip, LEDGER_PATH)
    assert found is not None
    return found[0]


# ---------------------------------------------------------------------------- write


def test_first_update_creates_the_orphan_branch(fake_github: FakeGitHub, store: StateStore) -> None:
    main_before = fake_github.ref("heads/main")
    ledger, sha = store.update("run-1#1", [seen(1)], store.read())
    assert ledger["runs"] == ["run-1#1"] and occurrences(ledger) == 1
    tip = fake_github.ref(f"heads/{STATE_BRANCH}")
    assert tip
    assert fake_github.git.read_commit(tip).parents == []  # an orphan: no project history
    entries = fake_github.git.dir_at(tip, "")
    assert entries is not None and [e.name for e in entries] == [LEDGER_PATH]
    data, blob = stored(fake_github)
    assert data == ledger and sha == blob
    assert store.writes == 1
    assert store.read() == (ledger, sha)
    assert fake_github.ref("heads/main") == main_before


def test_later_updates_compare_and_swap_on_the_blob(
    fake_github: FakeGitHub, store: StateStore
) -> None:
    first = store.update("run-1#1", [seen(1)], store.read())
    tip = fake_github.ref(f"heads/{STATE_BRANCH}")
    ledger, sha = store.update("run-2#1", [seen(2)], first)
    assert ledger["runs"] == ["run-1#1", "run-2#1"] and occurrences(ledger) == 2
    (put,) = fake_github.calls("PUT", CONTENTS)
    assert put.status == 200 and put.body["sha"] == first[1]
    assert put.body["branch"] == STATE_BRANCH
    assert stored(fake_github) == (ledger, sha)
    new_tip = fake_github.ref(f"heads/{STATE_BRANCH}")
    assert new_tip and fake_github.git.read_commit(new_tip).parents == [tip]
    assert store.writes == 2


def test_the_same_run_is_recorded_once(fake_github: FakeGitHub, store: StateStore) -> None:
    current = store.update("run-1#1", [seen(1)], store.read())
    writes = len(fake_github.write_calls())
    assert store.update("run-1#1", [seen(1)], current) == current
    assert len(fake_github.write_calls()) == writes and store.writes == 1


def test_a_concurrent_write_is_reread_and_reapplied(fake_github: FakeGitHub) -> None:
    a, b = StateStore(github_client(fake_github)), StateStore(github_client(fake_github))
    a.update("run-0#1", [seen(0)], a.read())
    read_by_a = a.read()
    b.update("run-b#1", [seen(2)], b.read())  # B writes after A read
    ledger, sha = a.update("run-a#1", [seen(1)], read_by_a)  # A's sha is stale now: 409
    assert statuses(fake_github, "PUT", CONTENTS) == [200, 409, 200]
    assert sorted(ledger["runs"]) == ["run-0#1", "run-a#1", "run-b#1"]
    assert occurrences(ledger) == 3  # neither update was lost
    assert stored(fake_github) == (ledger, sha)


def test_concurrent_first_writes_both_land(fake_github: FakeGitHub) -> None:
    a, b = StateStore(github_client(fake_github)), StateStore(github_client(fake_github))
    read_by_a, read_by_b = a.read(), b.read()  # neither sees a branch
    a.update("run-a#1", [seen(1)], read_by_a)  # A creates the branch
    ledger, _ = b.update("run-b#1", [seen(2)], read_by_b)
    # B finds the branch, writes without a sha, GitHub refuses (the file exists), B re-reads.
    assert statuses(fake_github, "PUT", CONTENTS) == [422, 200]
    assert sorted(ledger["runs"]) == ["run-a#1", "run-b#1"] and occurrences(ledger) == 2
    assert stored(fake_github)[0] == ledger


def test_racing_branch_creation_is_a_conflict_not_an_error(fake_github: FakeGitHub) -> None:
    a, b = StateStore(github_client(fake_github)), StateStore(github_client(fake_github))
    read_by_b = b.read()
    a.update("run-a#1", [seen(1)], a.read())
    fake_github.script("GET", GET_REF, [Fault(404)])  # B checked before A's ref existed
    ledger, _ = b.update("run-b#1", [seen(2)], read_by_b)
    assert statuses(fake_github, "POST", CREATE_REF) == [201, 422]
    assert sorted(ledger["runs"]) == ["run-a#1", "run-b#1"] and occurrences(ledger) == 2
    assert stored(fake_github)[0] == ledger
    tip = fake_github.ref(f"heads/{STATE_BRANCH}")
    assert tip and len(fake_github.git.read_commit(tip).parents) == 1  # on top of A's commit


def test_an_uncertain_write_that_landed_is_not_repeated(
    fake_github: FakeGitHub, store: StateStore
) -> None:
    current = store.update("run-1#1", [seen(1)], store.read())
    fake_github.script("PUT", CONTENTS, [Fault(502, apply=True)])
    ledger, sha = store.update("run-2#1", [seen(2)], current)
    assert statuses(fake_github, "PUT", CONTENTS) == [502]
    assert ledger["runs"] == ["run-1#1", "run-2#1"] and occurrences(ledger) == 2
    assert stored(fake_github) == (ledger, sha)


def test_an_uncertain_write_that_did_not_land_is_reapplied(
    fake_github: FakeGitHub, store: StateStore
) -> None:
    current = store.update("run-1#1", [seen(1)], store.read())
    fake_github.script("PUT", CONTENTS, [502])
    ledger, _ = store.update("run-2#1", [seen(2)], current)
    assert statuses(fake_github, "PUT", CONTENTS) == [502, 200]
    assert occurrences(ledger) == 2 and stored(fake_github)[0] == ledger


def test_gives_up_when_the_ledger_keeps_changing(
    fake_github: FakeGitHub, store: StateStore
) -> None:
    current = store.update("run-1#1", [seen(1)], store.read())
    fake_github.script("PUT", CONTENTS, [409] * MAX_ATTEMPTS)
    with pytest.raises(GitHubError, match=f"kept changing under us; gave up after {MAX_ATTEMPTS}"):
        store.update("run-2#1", [seen(2)], current)
    assert len(fake_github.calls("PUT", CONTENTS)) == MAX_ATTEMPTS
    assert stored(fake_github)[0]["runs"] == ["run-1#1"]
