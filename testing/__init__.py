"""Helpers for tests and benchmarks: the loopback fake GitHub, git fixtures, corpus
loaders, running the action as a runner does. Not shipped in the wheel."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
