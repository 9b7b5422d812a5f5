"""black, isort, ruff-format and ruff-fix, run for real on small fixture projects committed to a real
git repository: what they change, how they verify, and the hostile-tree cases of docs/security.md
(#t04 argument injection, #t05 symlinks, #t06 configuration file inclusion, #t20)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autorecover.core.models import Fix
from autorecover.fixers import REGISTRY
from testing.formatters import Setup

if TYPE_CHECKING:
    pass


def test_black_honours_configured_excludes(worktree: Setup) -> None:
    pyproject = '[project]\nname = "demo"\n\n[tool.black]\nextend-exclude = "legacy/"\n'
    wt, ctx = worktree({"pyproject.toml": pyproject, "legacy/old.py": "x  =  1\n"})
    result = REGISTRY["black"].apply(Fix("black"), ctx())
    assert "legacy/old.py" not in result.changed_files
    assert any("excludes" in note for note in result.notes)
    assert (wt.path / "legacy/old.py").read_text() == "x  =  1\n"
