"""Fixers: one module per kind of fix, behind the `Fixer` protocol, in an explicit registry
(the shape of pre-commit's `lang_base.py` / `all_languages.py`).

The registry key is `Fix.fixer` as the analyzer proposes it. Adding a fixer means adding a
module and one line here; nothing is discovered dynamically.
"""

from __future__ import annotations

from autorecover.core.applied import FixResult, Verification
from autorecover.fixers._base import (
    FixContext,
    Fixer,
    FixerError,
)
from autorecover.fixers._toolenv import Tool, ToolEnv
from autorecover.fixers.black import BlackFixer
from autorecover.fixers.isort import IsortFixer
from autorecover.fixers.requirements import AddRequirementFixer
from autorecover.fixers.ruff import RuffFixFixer, RuffFormatFixer

_FIXERS: tuple[Fixer, ...] = (
    BlackFixer(),
    IsortFixer(),
    RuffFormatFixer(),
    RuffFixFixer(),
    AddRequirementFixer(),
)
REGISTRY: dict[str, Fixer] = {fixer.name: fixer for fixer in _FIXERS}

__all__ = [
    "REGISTRY",
    "FixContext",
    "FixResult",
    "Fixer",
    "FixerError",
    "Tool",
    "ToolEnv",
    "Verification",
]
