"""What a fixer did and how it was checked: the records the pull request body, the report
and the follow-up issues are built from (fixers/ make them; core/bodies.py reads them)."""

from __future__ import annotations

from dataclasses import dataclass

from autorecover.core.models import Fix


@dataclass(frozen=True, slots=True)
class FixResult:
    """What one fixer changed (core record: the PR body and the report show it)."""

    changed_files: tuple[str, ...]  # repository-relative, what the commit must contain
    tool: str  # the tool that ran (black, ruff) or the fixer that edited
    version: str  # the version that ran ("" for a pure edit)
    notes: tuple[str, ...] = ()  # redacted, capped
    # Why a person must finish this change (a lock file to regenerate, an ambiguous place):
    # it is delivered as an issue with the patch, never as a pull request.
    hold: str = ""


@dataclass(frozen=True, slots=True)
class Verification:
    passed: bool
    argv: tuple[str, ...]  # the check as a human would type it (files shortened); () if none
    output: str  # redacted, capped


@dataclass(frozen=True, slots=True)
class Applied:
    """A fix that was made and verified."""

    fix: Fix
    result: FixResult
    verification: Verification
