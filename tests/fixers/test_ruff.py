"""black, isort, ruff-format and ruff-fix, run for real on small fixture projects committed to a real
git repository: what they change, how they verify, and the hostile-tree cases of docs/security.md
(#t04 argument injection, #t05 symlinks, #t06 configuration file inclusion, #t20)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from autorecover.adapters import proc
from autorecover.core.models import Fix
from autorecover.core.text.redact import Redactor
from autorecover.fixers import REGISTRY
from autorecover.fixers._toolenv import ToolEnv
from testing.formatters import Setup

if TYPE_CHECKING:
    pass


FAKE_TOKEN = "gh" + "s_" + "Fak3T0kenForAutorecoverTests0123456789"  # gitfixtures.FAKE_TOKEN


def test_ruff_config_file_inclusion_is_isolated(
    worktree: Setup, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """docs/security.md#t06: `extend = "/proc/self/environ"` would print the environment (measured).
    Here the token is in this process's environment, as it is in the action's."""
    monkeypatch.setenv("GITHUB_TOKEN", FAKE_TOKEN)
    monkeypatch.setenv("INPUT_GITHUB-TOKEN", FAKE_TOKEN)
    pyproject = '[project]\nname = "demo"\n\n[tool.ruff]\nextend = "/proc/self/environ"\n'
    _, ctx = worktree(
        {"pyproject.toml": pyproject, "src/demo/leak.py": f"import os  # {FAKE_TOKEN}\n"}
    )
    tools = ToolEnv(tmp_path / "tools", redactor=Redactor([FAKE_TOKEN]))  # env from os.environ
    runs: list[tuple[tuple[str, ...], dict[str, str]]] = []
    real = proc.run

    def spy(argv: list[str], **kwargs: Any) -> proc.Completed:
        runs.append((tuple(argv), dict(kwargs["env"])))
        return real(argv, **kwargs)

    monkeypatch.setattr(proc, "run", spy)
    texts: list[str] = []
    for name in ("ruff-format", "ruff-fix"):
        fixer, context = REGISTRY[name], dataclasses.replace(ctx(), tools=tools)
        result = fixer.apply(Fix(name), context)
        assert any("--isolated" in note and "/proc/self/environ" in note for note in result.notes)
        verification = fixer.verify(Fix(name), context)
        assert "--isolated" in verification.argv
        texts += [*result.notes, verification.output, *verification.argv]
    ruff_runs = [argv for argv, _ in runs if argv[0] != "git"]
    assert ruff_runs and all("--isolated" in argv for argv in ruff_runs)
    assert all(FAKE_TOKEN not in "".join(env.values()) for _, env in runs)
    assert all(FAKE_TOKEN not in text for text in texts)
