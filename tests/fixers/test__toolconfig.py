"""black, isort, ruff-format and ruff-fix, run for real on small fixture projects committed to a real
git repository: what they change, how they verify, and the hostile-tree cases of docs/security.md
(#t04 argument injection, #t05 symlinks, #t06 configuration file inclusion, #t20)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from autorecover.adapters.gitparse import IndexEntry
from autorecover.core.models import Fix
from autorecover.core.text.redact import Redactor
from autorecover.fixers import REGISTRY, FixContext
from autorecover.fixers._toolconfig import ruff_hazards
from autorecover.fixers._toolenv import ToolEnv

if TYPE_CHECKING:
    pass


def _ctx(tmp_path: Path, files: dict[str, str], index: tuple[IndexEntry, ...] = ()) -> FixContext:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    entries = index or tuple(IndexEntry("100644", "0" * 40, 0, name) for name in files)
    return FixContext(tmp_path, tuple(files), entries, ToolEnv(tmp_path / ".cache"), Redactor())


@pytest.mark.parametrize(
    ("files", "hazard"),
    [
        ({"pyproject.toml": '[tool.ruff]\nextend = "/proc/self/environ"\n'}, "outside the repository"),
        ({"ruff.toml": 'extend = "../outside/victim.toml"\n'}, "outside the repository"),
        ({"sub/.ruff.toml": 'extend = "../../x.toml"\n'}, "outside the repository"),
        ({"ruff.toml": 'extend = "$HOME/ruff.toml"\n'}, "expands variables"),
        ({"ruff.toml": 'extend = "~/ruff.toml"\n'}, "expands variables"),
        ({"ruff.toml": 'extend = "C:/x.toml"\n'}, "outside the repository"),
        ({"ruff.toml": 'extend = "untracked.toml"\n'}, "not a tracked regular file"),
        ({"ruff.toml": 'extend = "base.toml"\n', "base.toml": 'extend = "/etc/passwd"\n'}, "base.toml"),
        ({"ruff.toml": 'extend = "base.toml"\n', "base.toml": "line-length = 90\n"}, None),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 90\n"}, None),
        ({"pyproject.toml": "[tool.black]\nline-length = 90\n"}, None),
        ({"ruff.toml": 'extend = "ruff.toml"\n'}, None),  # a loop inside the repository
    ],
    ids=[
        "proc", "dotdot", "nested-dotdot", "variable", "tilde", "drive", "untracked", "chain",
        "safe-chain", "plain", "no-ruff", "self-loop",
    ],
)  # fmt: skip
def test_ruff_hazards(tmp_path: Path, files: dict[str, str], hazard: str | None) -> None:
    ctx = _ctx(tmp_path, files)
    reasons = ruff_hazards(ctx.root, set(ctx.files), ctx.index)
    if hazard is None:
        assert reasons == []
    else:
        assert len(reasons) == 1 and hazard in reasons[0]


def test_symlinked_configuration_blocks_black_and_isort_and_isolates_ruff(tmp_path: Path) -> None:
    index = (
        IndexEntry("120000", "0" * 40, 0, "pyproject.toml"),
        IndexEntry("100644", "0" * 40, 0, "x.py"),
    )
    ctx = _ctx(tmp_path, {"x.py": "x = 1\n"}, index)
    for name in ("black", "isort"):
        ok, reason = REGISTRY[name].applies(Fix(name), ctx)
        assert not ok and "pyproject.toml" in reason and "symlink" in reason
    assert ruff_hazards(ctx.root, set(ctx.files), ctx.index) == ["pyproject.toml is a symlink"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param(
            '[tool.ruff]\nextend = "/proc/1/environ"\nlint = { select = ["E"], }\n',
            "could not be read or parsed",
            id="toml-ruff-accepts-but-tomllib-rejects",
        ),
        pytest.param(
            "[tool.ruff]\n" + "# padding\n" * 60_000 + 'extend = "/proc/1/environ"\n',
            "could not be read or parsed",
            id="over-the-size-cap",
        ),
    ],
)
def test_unreadable_configuration_fails_closed_t06(tmp_path: Path, text: str, reason: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    hazards = ruff_hazards(tmp_path, {"pyproject.toml"}, ())
    assert any(reason in hazard for hazard in hazards), hazards
