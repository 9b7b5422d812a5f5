"""The records of a fix that ran: frozen (a handler cannot change what a fixer reported) and
changed only with dataclasses.replace."""

from __future__ import annotations

import dataclasses

import pytest

from autorecover.core.applied import Applied, FixResult, Verification
from autorecover.core.models import Fix


def test_a_fix_record_cannot_be_changed_in_place() -> None:
    result = FixResult(("a.py",), "black", "24.3.0")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.hold = "edited"  # type: ignore[misc]
    held = dataclasses.replace(result, hold="uv.lock must be updated")
    assert (result.hold, held.hold) == ("", "uv.lock must be updated")


def test_an_applied_fix_keeps_what_ran_and_how_it_was_checked() -> None:
    check = Verification(True, ("black", "--check", "a.py"), "")
    done = Applied(Fix("black"), FixResult(("a.py",), "black", "24.3.0"), check)
    assert done.fix.fixer == "black" and done.result.changed_files == ("a.py",)
    assert done.verification.passed and done.verification.argv[0] == "black"
    assert len({done, dataclasses.replace(done)}) == 1  # hashable, equal by value
