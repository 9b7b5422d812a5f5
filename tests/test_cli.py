"""The command line: output contracts and one clear line for every bad input."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from testing.cli import run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "logs" / "pytest-missing-module.log"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        pytest.param(lambda p: p / "missing.log", "no such file", id="missing"),
        pytest.param(lambda p: p, "is a directory", id="directory"),
        pytest.param(lambda p: _write(p / "empty.log", b""), "empty", id="empty"),
        pytest.param(
            lambda p: _write(p / "bin.log", b"\x7fELF\x00\x00\x01"), "binary", id="binary"
        ),
        pytest.param(
            lambda p: _write(p / "x.zip", _zip({"image.png": b"\x89PNG"})),
            "no .txt",
            id="zip-without-text",
        ),
        pytest.param(lambda p: _write(p / "x.zip", b"PK\x03\x04garbage"), "zip", id="broken-zip"),
    ],
)
def test_bad_inputs_get_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, setup, message: str
) -> None:
    path = setup(tmp_path)
    code, out, err = run(capsys, "analyze", str(path))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param(
            "rules:\n  add:\n    - {id: x, category: nope, severity: low, title: t, patterns: [a], explanation: e, remediation: r}\n",
            "rule 'x', field 'category': 'nope' is not one of",
            id="bad-category",
        ),
        pytest.param("rulez: {}\n", "unknown key 'rulez'; did you mean 'rules'", id="unknown-key"),
        pytest.param("rules: [\n", "not valid YAML", id="bad-yaml"),
        pytest.param(
            "rules:\n  add:\n    - {id: y, category: build_error, severity: low, title: t, patterns: ['(a)\\1'], explanation: e, remediation: r}\n",
            "rule 'y', field 'patterns\\[0\\]'",
            id="bad-pattern",
        ),
    ],
)
def test_invalid_config(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    logs: dict[str, Path],
    config: str,
    message: str,
) -> None:
    path = tmp_path / "autorecover.yml"
    path.write_text(config)
    code, _, err = run(capsys, "analyze", str(logs["yaml"]), "--config", str(path))
    assert code == 1
    assert re.search(message, err), err


def test_missing_config_file(capsys: pytest.CaptureFixture[str], logs: dict[str, Path]) -> None:
    code, _, err = run(capsys, "analyze", str(logs["yaml"]), "--config", "/nope.yml")
    assert code == 1 and "config file not found" in err


def test_internal_errors_exit_3_without_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, logs: dict[str, Path]
) -> None:
    import autorecover.commands.analyze as localfiles

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr(localfiles, "analyze_file", boom)
    monkeypatch.delenv("AUTORECOVER_DEBUG", raising=False)
    code, _, err = run(capsys, "analyze", str(logs["yaml"]))
    assert code == 3 and "internal error: RuntimeError: kaput" in err and "Traceback" not in err


def test_console_script_runs_the_bundled_example() -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "autorecover", "analyze", str(EXAMPLE), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["fixes"] == ["add-requirement:PyYAML"]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()
