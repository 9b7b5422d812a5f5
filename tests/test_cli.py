"""The command line: output contracts and one clear line for every bad input."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
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


# -- exit codes: every code each help page promises, through the real process ---------------


def _ledger(tmp: Path) -> str:
    from autorecover.core import ledger as ledgerlib

    path = tmp / "ledger.json"
    path.write_text(ledgerlib.dumps(ledgerlib.empty()))
    return str(path)


def _config(tmp: Path, text: str) -> str:
    path = tmp / "autorecover.yml"
    path.write_text(text)
    return str(path)


def _logs_dir(tmp: Path) -> str:
    (tmp / "logs").mkdir()
    (tmp / "logs" / "a.log").write_bytes((ROOT / "examples/logs/black-check.log").read_bytes())
    return str(tmp / "logs")


def _plain(tmp: Path) -> str:
    (tmp / "plain").mkdir()
    return str(tmp / "plain")


def _quiet(tmp: Path) -> str:
    (tmp / "quiet.log").write_text("all good\n")
    return str(tmp / "quiet.log")


BLACK_LOG = str(ROOT / "examples/logs/black-check.log")
EXIT_TABLE = [
    ("analyze", 0, lambda t: ["analyze", BLACK_LOG]),
    ("analyze", 1, lambda t: ["analyze", str(t / "missing.log")]),
    ("analyze", 2, lambda t: ["analyze"]),
    ("batch", 0, lambda t: ["batch", _logs_dir(t)]),
    ("batch", 1, lambda t: ["batch", _plain(t)]),
    ("batch", 2, lambda t: ["batch", BLACK_LOG, "--format", "markdown"]),
    ("rules list", 0, lambda t: ["rules", "list"]),
    ("rules list", 1, lambda t: ["rules", "list", "--config", _config(t, "rulez: {}\n")]),
    ("rules list", 2, lambda t: ["rules", "list", "extra"]),
    ("rules show", 0, lambda t: ["rules", "show", "black-would-reformat"]),
    ("rules show", 1, lambda t: ["rules", "show", "no-such-rule"]),
    ("rules show", 2, lambda t: ["rules", "show"]),
    ("rules test", 0, lambda t: ["rules", "test", BLACK_LOG]),
    ("rules test", 1, lambda t: ["rules", "test", _quiet(t)]),
    ("rules test", 2, lambda t: ["rules", "test"]),
    ("rules", 2, lambda t: ["rules"]),
    ("recover", 0, lambda t: ["recover", BLACK_LOG, "-C", str(PROJECT)]),
    ("recover", 1, lambda t: ["recover", BLACK_LOG, "-C", str(t / "nope")]),
    ("recover", 2, lambda t: ["recover", BLACK_LOG, "--format", "markdown"]),
    ("execute", 0, lambda t: ["execute", BLACK_LOG, "-C", str(PROJECT), "--dry-run"]),
    ("execute", 1, lambda t: ["execute", BLACK_LOG, "-C", _plain(t), "--dry-run"]),
    ("execute", 2, lambda t: ["execute", BLACK_LOG, "--format", "json"]),
    ("stats", 0, lambda t: ["stats", "--ledger", _ledger(t)]),
    ("stats", 1, lambda t: ["stats"]),
    ("stats", 2, lambda t: ["stats", "--ledger", "a", "--report-dir", "b"]),
    ("config check", 0, lambda t: ["config", "check", _config(t, "min_confidence: 0.8\n")]),
    ("config check", 1, lambda t: ["config", "check", _config(t, "min_confidence: 2\n")]),
    ("config check", 2, lambda t: ["config", "check"]),
    ("config", 2, lambda t: ["config"]),
    ("action", 1, lambda t: ["action"]),
    ("action", 2, lambda t: ["action", "extra"]),
]


def _process(argv: list[str], tmp: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "autorecover", *argv],
        capture_output=True, text=True, env=env, cwd=tmp, check=False, timeout=120, **kwargs,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("command", "code", "argv"),
    [pytest.param(c, code, a, id=f"{c}-{code}") for c, code, a in EXIT_TABLE],
)
def test_exit_codes_through_the_process(tmp_path: Path, command: str, code: int, argv: Any) -> None:
    proc = _process(argv(tmp_path), tmp_path, stdin=subprocess.DEVNULL)
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    if code == 1:
        # `rules test` exits 1 like grep, quietly; the action reports in an annotation.
        said = proc.stderr if command != "action" else proc.stdout
        assert said.startswith(("autorecover: error: ", "::error")) or command == "rules test"
    if code == 2:
        assert proc.stderr.startswith("usage: autorecover")


def test_interrupted_exits_130(tmp_path: Path) -> None:
    """Ctrl-C while `analyze -` waits for standard input."""
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "autorecover", "analyze", "-"],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stderr is not None
    proc.stdin.write(b"2024-03-12T10:15:02.1234567Z one line so far\n")
    proc.stdin.flush()
    time.sleep(1.5)  # start-up takes about 0.3 s (README, Performance)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and err.decode().strip() == "autorecover: interrupted"


def test_the_table_covers_every_promised_code() -> None:
    """Each page's 0, 1 and 2 are run above; 3 (a bug) is run in-process, where a test can
    plant one (test_internal_errors_exit_3_without_traceback), 130 by the test above."""
    promised = {
        (command, code)
        for command, page in _help.PAGES.items()
        for code, meaning in page.exit_codes()
        if code in (0, 1, 2) and "see each action" not in meaning
    }
    promised -= {("action", 0)}  # needs GitHub: tests/commands/test_action.py
    assert promised == {(command, code) for command, code, _ in EXIT_TABLE}


@pytest.mark.parametrize(
    "command",
    sorted(c for c, page in _help.PAGES.items() if page.exits != _help.PAGES["rules"].exits),
)
def test_docs_list_every_exit_code(command: str) -> None:
    """docs/cli.md has a table per command with the codes its help page shows."""
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = page.split(f"\n### `autorecover {command}`\n", 1)[1].split("\n### ", 1)[0]
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", section, re.MULTILINE)
    assert [(int(code), text) for code, text in rows] == list(_help.PAGES[command].exit_codes())
