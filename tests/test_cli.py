"""The command line: output contracts and one clear line for every bad input."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shlex
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autorecover.cli import build_parser, main
from autorecover.commands import _help
from autorecover.core.rules.loader import builtin_rules
from testing.cli import run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "logs" / "pytest-missing-module.log"
PROJECT = ROOT / "examples" / "project"


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


# -- names: -R/--repo is a GitHub repository (as in gh), -C/--directory a working tree ------


@pytest.mark.parametrize(
    ("argv", "old", "new"),
    [
        pytest.param(
            ["analyze", "{log}", "--repository", "octo-org/octo-repo"],
            "--repository",
            "-R/--repo OWNER/NAME",
            id="analyze-repository",
        ),
        pytest.param(
            ["recover", "{log}", "--repo", "{project}"], "--repo", "-C DIR", id="recover-repo-dir"
        ),
    ],
)
def test_old_spellings_still_work_and_warn_on_stderr(
    capsys: pytest.CaptureFixture[str], argv: list[str], old: str, new: str
) -> None:
    fill = {"log": str(ROOT / "examples/logs/black-check.log"), "project": str(PROJECT)}
    code, out, err = run(capsys, *(arg.format(**fill) for arg in argv))
    assert code == 0 and out
    assert f"autorecover: warning: {old} is deprecated" in err and f"use {new}" in err
    assert err.count("\n") == 1


def test_old_and_new_spellings_give_the_same_plan(capsys: pytest.CaptureFixture[str]) -> None:
    log = str(ROOT / "examples/logs/black-check.log")
    outs = []
    for flag in ("--repo", "-C", "--directory"):
        code, out, _ = run(capsys, "recover", log, flag, str(PROJECT), "--format", "json")
        assert code == 0
        outs.append(out)
    assert outs[0] == outs[1] == outs[2]


@pytest.mark.parametrize(
    "value", ["octo-org", "octo-org/octo-repo/extra", "https://github.com/octo-org/octo-repo"]
)
def test_repo_must_be_owner_slash_name(capsys: pytest.CaptureFixture[str], value: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(EXAMPLE), "-R", value])
    assert exc.value.code == 2 and "is not OWNER/NAME" in capsys.readouterr().err


# -- help: every option and positional says what it is; every page has examples -----------


def _subparsers(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"{prefix}{name}", sub
                yield from _subparsers(sub, f"{prefix}{name} ")


PAGES = dict(_subparsers(build_parser()))


def test_every_command_is_listed() -> None:
    assert set(PAGES) == set(_help.PAGES)


@pytest.mark.parametrize("command", sorted(PAGES))
def test_every_option_and_positional_has_help(command: str) -> None:
    parser = PAGES[command]
    missing = [
        action.dest
        for action in parser._actions
        if not action.help and not isinstance(action, argparse._SubParsersAction)
    ]
    assert missing == []


@pytest.mark.parametrize("command", sorted(PAGES))
def test_every_help_page_ends_with_examples_and_exit_codes(command: str) -> None:
    text = PAGES[command].format_help()
    examples, _, exits = text.partition("\nExamples:\n")[2].partition("\nExit codes:\n")
    assert f"autorecover {command}" in examples
    assert [int(line.split()[0]) for line in exits.splitlines() if line[:5].strip()] == [
        code for code, _ in _help.PAGES[command].exit_codes()
    ]


def _examples() -> Iterator[Any]:
    for command, page in _help.PAGES.items():
        for example, _ in page.examples:
            yield pytest.param(example, id=f"{command}: {example}")


@pytest.mark.parametrize("example", list(_examples()))
def test_every_example_is_a_valid_command_line(example: str) -> None:
    """Each `autorecover ...` in a pipeline parses, and a rule it names exists."""
    (part,) = [p for p in re.split(r"\s*(?:\||&&)\s*", example) if p.startswith("autorecover")]
    argv = shlex.split(part.split(" > ")[0])[1:]
    args = build_parser().parse_args(argv)
    if getattr(args, "rule_id", None):
        assert args.rule_id in {rule.id for rule in builtin_rules()}
