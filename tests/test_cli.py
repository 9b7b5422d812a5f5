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

from autorecover.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "logs" / "pytest-missing-module.log"
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


REQUIRED_KEYS = {
    "schema_version",
    "source",
    "category",
    "severity",
    "confidence",
    "auto_fixable",
    "action",
    "fixes",
    "failing_step",
    "fingerprint",
    "title",
    "explanation",
    "evidence",
    "findings",
}


def test_json_for_one_file_is_an_object(
    capsys: pytest.CaptureFixture[str], logs: dict[str, Path]
) -> None:
    code, out, _ = run(capsys, "analyze", str(logs["yaml"]), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= REQUIRED_KEYS
    assert data["category"] == "dependency_issue"
    assert data["action"] == "fix_pr"
    assert data["fixes"] == ["add-requirement:PyYAML"]
    assert data["failing_step"] == "Run pytest"
    assert all(set(e) >= {"line", "text"} for e in data["evidence"])
    assert all(
        set(f) >= {"rule", "category", "severity", "line", "text", "captures"}
        for f in data["findings"]
    )


def test_json_for_several_files_is_an_array(
    capsys: pytest.CaptureFixture[str], logs: dict[str, Path]
) -> None:
    code, out, _ = run(capsys, "analyze", str(logs["yaml"]), str(logs["black"]), "--format", "json")
    data = json.loads(out)
    assert code == 0 and isinstance(data, list)
    assert [d["fixes"] for d in data] == [["add-requirement:PyYAML"], ["black"]]


def test_text_and_markdown(capsys: pytest.CaptureFixture[str], logs: dict[str, Path]) -> None:
    _, text, _ = run(capsys, "analyze", str(logs["black"]))
    assert "linting_error" in text and "Evidence:" in text and "Suggested recovery:" in text
    _, markdown, _ = run(capsys, "analyze", str(logs["black"]), "--format", "markdown")
    assert markdown.startswith("### ") and "```text" in markdown


def test_annotation_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "cancelled.log"
    log.write_text(f"{TS}##[group]Run pytest\n{TS}##[error]The operation was canceled.\n")
    _, out, _ = run(
        capsys,
        "analyze",
        str(log),
        "--format",
        "json",
        "--annotation",
        "The job running on runner GitHub Actions 3 has exceeded the maximum execution time of 360 minutes.",
    )
    data = json.loads(out)
    assert (data["category"], data["action"]) == ("timeout", "rerun")


def test_zip_gives_one_result_per_job(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    archive = tmp_path / "logs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("0_lint.txt", framed("would reformat a.py"))
        zf.writestr("1_test.txt", framed("E   ModuleNotFoundError: No module named 'yaml'"))
    _, out, _ = run(capsys, "analyze", str(archive), "--format", "json")
    data = json.loads(out)
    assert [d["source"].rsplit(":", 1)[1] for d in data] == ["lint", "test"]


def test_secrets_in_evidence_are_redacted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    log = tmp_path / "leak.log"
    log.write_text(framed(f"E   ModuleNotFoundError: No module named 'yaml' (GH_TOKEN={token})"))
    _, out, _ = run(capsys, "analyze", str(log), "--format", "json")
    assert token not in out


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


def test_batch_summarises(
    capsys: pytest.CaptureFixture[str], logs: dict[str, Path], tmp_path: Path
) -> None:
    (tmp_path / "empty.log").write_bytes(b"")
    code, out, _ = run(capsys, "batch", str(tmp_path), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["summary"]["total"] == 2
    assert data["summary"]["action"] == {"fix_pr": 2}
    assert data["summary"]["errors"][0]["error"].endswith(
        "the file is empty; expected a GitHub Actions job log"
    )
    _, text, _ = run(capsys, "batch", str(tmp_path))
    assert "2 job log(s) analysed" in text and "skipped:" in text


def test_batch_on_a_directory_without_logs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "batch", str(tmp_path))
    assert code == 1 and "no .log" in err


def test_rules_list_show_test(capsys: pytest.CaptureFixture[str], logs: dict[str, Path]) -> None:
    code, out, _ = run(capsys, "rules", "list", "--format", "json")
    rules = json.loads(out)
    assert code == 0 and any(r["id"] == "python-module-not-found" for r in rules)
    code, out, _ = run(capsys, "rules", "show", "python-module-not-found")
    assert code == 0 and "category: dependency_issue" in out
    code, _, err = run(capsys, "rules", "show", "python-module-not-fund")
    assert code == 1 and "did you mean 'python-module-not-found'" in err
    code, out, _ = run(capsys, "rules", "test", str(logs["yaml"]))
    assert code == 0 and "*python-module-not-found (line 3" in out


def test_internal_errors_exit_3_without_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, logs: dict[str, Path]
) -> None:
    import autorecover.commands.analyze as localfiles

    def boom(*_args: object) -> None:
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
