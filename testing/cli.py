"""Running the CLI in-process as a person would, and the corpus logs the CLI tests use."""

from __future__ import annotations

from pathlib import Path

import pytest

from autorecover.cli import main

TS = "2024-03-12T10:15:02.1234567Z "


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def framed(*lines: str) -> str:
    body = [f"{TS}##[group]Run pytest", f"{TS}##[endgroup]"] + [TS + line for line in lines]
    return "\n".join([*body, f"{TS}##[error]Process completed with exit code 1."]) + "\n"


@pytest.fixture
def logs(tmp_path: Path) -> dict[str, Path]:
    files = {
        "yaml": framed("E   ModuleNotFoundError: No module named 'yaml'"),
        "black": framed("would reformat src/app.py", "1 file would be reformatted."),
    }
    out = {}
    for name, text in files.items():
        path = tmp_path / f"{name}.log"
        path.write_text(text)
        out[name] = path
    return out
