"""The runner interface (docs/security.md#s4, #t07): inputs, outputs, summary, annotations, masking,
fencing.

`Runner` below re-implements the parts of actions/runner that read an action's output
(`StreamReader.ReadLine` line splitting, `ActionCommand.TryParseV2`/`TryParse`,
`ActionCommandManager.TryProcessCommand`'s stop-commands state machine) and of the file-command
reader for GITHUB_OUTPUT heredocs, so the tests check what the runner would do with our bytes.
"""

from __future__ import annotations

import io
import os
import tempfile
import uuid
from pathlib import Path

import pytest

from autorecover.adapters import actions_io as io_
from autorecover.errors import UserError
from testing.runner import REGISTERED, Runner, read_outputs


@pytest.mark.parametrize(
    ("name", "env_name"),
    [("dry-run", "INPUT_DRY-RUN"), ("github-token", "INPUT_GITHUB-TOKEN"), ("a b", "INPUT_A_B")],
)
def test_input_env_name_keeps_hyphens(name: str, env_name: str) -> None:
    assert io_.input_env_name(name) == env_name


def test_runner_temp_when_it_exists(tmp_path: Path) -> None:
    assert io_.runner_temp({"RUNNER_TEMP": str(tmp_path)}) == str(tmp_path)


@pytest.mark.parametrize(
    "environ", [{}, {"RUNNER_TEMP": ""}, {"RUNNER_TEMP": "/home/runner/work/_temp"}]
)
def test_runner_temp_inside_a_container_action(environ: dict[str, str]) -> None:
    # The runner passes RUNNER_TEMP to a container action but does not mount it.
    assert io_.runner_temp(environ) == tempfile.gettempdir()


def test_get_input() -> None:
    env = {"INPUT_DRY-RUN": "  true \n", "INPUT_EMPTY": "   "}
    assert io_.get_input("dry-run", env) == "true"
    assert io_.get_input("empty", env) is None
    assert io_.get_input("empty", env, "dflt") == "dflt"
    assert io_.get_input("absent", env) is None
    assert io_.get_input("DRY_RUN", env) is None  # hyphen and underscore differ
    with pytest.raises(UserError, match="Input required and not supplied: empty"):
        io_.get_input("empty", env, required=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("Yes", True),
        ("1", True),
        ("false", False),
        ("No", False),
        ("0", False),
        (" False ", False),
    ],
)
def test_get_bool_input(raw: str, expected: bool) -> None:
    assert io_.get_bool_input("dry-run", {"INPUT_DRY-RUN": raw}) is expected


@pytest.mark.parametrize("raw", ["maybe", "on", "2", "tru"])
def test_get_bool_input_rejects(raw: str) -> None:
    with pytest.raises(UserError, match=r"Input 'dry-run' must be true or false .* got '"):
        io_.get_bool_input("dry-run", {"INPUT_DRY-RUN": raw})


def test_get_bool_input_default_and_required() -> None:
    assert io_.get_bool_input("x", {}, default=True) is True
    with pytest.raises(UserError, match="not supplied: x"):
        io_.get_bool_input("x", {}, required=True)


@pytest.mark.parametrize(
    ("raw", "kwargs", "expected"),
    [
        ("3", {}, 3),
        (" -2 ", {"minimum": -5}, -2),
        ("10", {"minimum": 0, "maximum": 10}, 10),
        (None, {}, None),
    ],
)
def test_get_int_input(raw: str | None, kwargs: dict[str, int], expected: int | None) -> None:
    env = {} if raw is None else {"INPUT_MAX-RERUNS": raw}
    value = io_.get_int_input(
        "max-reruns", env, minimum=kwargs.get("minimum"), maximum=kwargs.get("maximum")
    )
    assert value == expected


@pytest.mark.parametrize(
    ("raw", "kwargs", "message"),
    [
        ("1.5", {}, "must be a whole number, got '1.5'"),
        ("x", {}, "must be a whole number"),
        ("11", {"minimum": 0, "maximum": 10}, "must be between 0 and 10, got 11"),
        ("-1", {"minimum": 0}, "must be at least 0, got -1"),
        ("99", {"maximum": 5}, "must be at most 5, got 99"),
    ],
)
def test_get_int_input_errors(raw: str, kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(UserError, match=message):
        io_.get_int_input(
            "max-reruns",
            {"INPUT_MAX-RERUNS": raw},
            minimum=kwargs.get("minimum"),
            maximum=kwargs.get("maximum"),
        )


def test_get_float_input() -> None:
    assert io_.get_float_input("t", {"INPUT_T": "2.5"}, minimum=0.0) == 2.5
    assert io_.get_float_input("t", {}, 1.0) == 1.0
    for bad in ("nan", "inf", "abc"):
        with pytest.raises(UserError, match="must be a number"):
            io_.get_float_input("t", {"INPUT_T": bad})
    with pytest.raises(UserError, match="between 0 and 1"):
        io_.get_float_input("t", {"INPUT_T": "1.5"}, minimum=0, maximum=1)


# ---------------------------------------------------------------------------------- outputs


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://github.com/o/r/pull/1", "https://github.com/o/r/pull/1"),
        ("two\nlines", "two\nlines"),
        ("EOF\nx<<EOF\nevil=1", "EOF\nx<<EOF\nevil=1"),
        ("ghadelimiter_00000000-0000-0000-0000-000000000000", None),
        (True, "true"),
        (3, "3"),
        (None, ""),
        ({"b": 1, "a": [1]}, '{"a":[1],"b":1}'),
    ],
)
def test_set_output_roundtrips(tmp_path: Path, value: object, expected: str | None) -> None:
    path = tmp_path / "output"
    env = {"GITHUB_OUTPUT": str(path)}
    assert io_.set_output("pr-url", value, env)
    assert io_.set_output("other_name", "x", env)
    outputs = read_outputs(path)
    assert outputs == {"pr-url": value if expected is None else expected, "other_name": "x"}


def test_set_output_delimiter_never_in_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = iter(["11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(ids))
    path = tmp_path / "output"
    value = "a\nghadelimiter_11111111-1111-1111-1111-111111111111\nevil<<X"
    io_.set_output("v", value, {"GITHUB_OUTPUT": str(path)})
    assert "v<<ghadelimiter_2222" in path.read_text()
    assert read_outputs(path) == {"v": value}


@pytest.mark.parametrize("name", ["", "1abc", "a=b", "a<<b", "a b", "a\nb", "a:b"])
def test_set_output_rejects_bad_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="invalid output name"):
        io_.set_output(name, "x", {"GITHUB_OUTPUT": str(tmp_path / "o")})


def test_set_output_without_runner(tmp_path: Path) -> None:
    assert io_.set_output("x", "y", {}) is False


def test_set_output_too_large(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="1 MB"):
        io_.set_output("x", "y" * 600_000, {"GITHUB_OUTPUT": str(tmp_path / "o")})


# ----------------------------------------------------------------------------- step summary


def test_append_summary(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(path)}
    assert io_.append_summary("## one", env)
    assert io_.append_summary("two\n", env)
    assert path.read_text() == "## one\ntwo\n"


def test_append_summary_stays_under_the_runner_limit(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("x" * 900)
    env = {"GITHUB_STEP_SUMMARY": str(path)}
    body = "```\n" + "é" * 5000 + "\n```\n"
    assert io_.append_summary(body, env, limit=2000)
    data = path.read_bytes()
    assert len(data) <= 2000
    text = data.decode("utf-8")
    assert text.rstrip().endswith(io_.SUMMARY_MARKER)
    assert text.count("```") == 2  # the cut fence was closed before the note


def test_append_summary_full_falls_back_to_stderr(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("x" * 1990)
    err = io.StringIO()
    assert not io_.append_summary(
        "::error::forged\nmore", {"GITHUB_STEP_SUMMARY": str(path)}, stderr=err, limit=2000
    )
    assert "already at its size limit" in err.getvalue()
    runner = Runner()
    runner.feed(err.getvalue())
    assert [name for name, _ in runner.executed if name in REGISTERED] == []


@pytest.mark.parametrize("case", ["missing-env", "directory"])
def test_append_summary_never_raises(tmp_path: Path, case: str) -> None:
    env = {} if case == "missing-env" else {"GITHUB_STEP_SUMMARY": str(tmp_path)}
    err = io.StringIO()
    assert io_.append_summary("::add-mask::x\nsummary body", env, stderr=err) is False
    output = err.getvalue()
    assert "summary body" in output
    runner = Runner()
    runner.feed(output)
    assert ("add-mask", "x") not in runner.executed


def test_summary_limit_matches_runner() -> None:
    assert io_.SUMMARY_LIMIT == 1024 * 1024


# ------------------------------------------------------------------------ workflow commands


def test_is_github_actions() -> None:
    assert io_.is_github_actions({"GITHUB_ACTIONS": "true"})
    assert not io_.is_github_actions({})


def test_functions_do_not_read_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INPUT_DRY-RUN", "true")
    monkeypatch.setenv("GITHUB_OUTPUT", os.devnull)
    assert io_.get_input("dry-run", {}) is None
    assert io_.set_output("x", "y", {}) is False
