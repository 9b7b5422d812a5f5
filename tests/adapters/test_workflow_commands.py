"""The runner interface (docs/security.md#s4, #t07): inputs, outputs, summary, annotations, masking,
fencing.

`Runner` below re-implements the parts of actions/runner that read an action's output
(`StreamReader.ReadLine` line splitting, `ActionCommand.TryParseV2`/`TryParse`,
`ActionCommandManager.TryProcessCommand`'s stop-commands state machine) and of the file-command
reader for GITHUB_OUTPUT heredocs, so the tests check what the runner would do with our bytes.
"""

from __future__ import annotations

import base64
import io

import pytest

from autorecover.adapters import workflow_commands as io_
from autorecover.core.text.redact import derived_forms
from testing.runner import HOSTILE_LINES, HOSTILE_TEXT, Runner, dotnet_trim_start, mask_values


@pytest.mark.parametrize(
    "line", [x for x in HOSTILE_LINES if x not in ("%0A::warning::z", "::abc::")]
)
def test_hostile_lines_are_commands_when_printed_raw(line: str) -> None:
    # The runner model is not vacuous: printed as they are, these lines run commands
    # ("::abc::" only ends a fence opened with token abc; "%0A" only matters inside data).
    runner = Runner(ignorable_aware=True)
    runner.feed(line)
    assert runner.executed


@pytest.mark.parametrize("line", HOSTILE_LINES)
@pytest.mark.parametrize("ignorable_aware", [False, True], ids=["ordinal", "icu"])
def test_escape_line_defeats_the_runner_parser(line: str, ignorable_aware: bool) -> None:
    runner = Runner(ignorable_aware=ignorable_aware)
    escaped = io_.escape_line(line)
    runner.feed(escaped)
    assert runner.executed == []
    assert "\n" not in escaped and "\r" not in escaped


@pytest.mark.parametrize("ignorable_aware", [False, True], ids=["ordinal", "icu"])
def test_T07_print_untrusted_forges_no_command(
    ignorable_aware: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    io_.print_untrusted(HOSTILE_TEXT)
    out = capsys.readouterr().out
    runner = Runner(ignorable_aware=ignorable_aware)
    runner.feed(out)
    lines = out.split("\n")
    token = lines[0].removeprefix("::stop-commands::")
    assert len(token) == 32 and token not in HOSTILE_TEXT
    # Only our own fence was executed, and the runner is processing commands again after it.
    assert runner.executed == [("stop-commands", token), (token, "")]
    assert runner.stop_token is None
    # Inside the fence nothing is even shaped like a command.
    inside = lines[1:-2]
    assert (
        len(inside) == len(HOSTILE_TEXT.replace("\r\n", "\n").replace("\r", "\n").split("\n")) - 1
    )
    for line in inside:
        assert not dotnet_trim_start(line).startswith("::")
        assert "##[" not in line
    assert lines[-2] == f"::{token}::" and lines[-1] == ""


def test_print_untrusted_uses_a_fresh_token_each_time() -> None:
    first, second = io.StringIO(), io.StringIO()
    io_.print_untrusted("a", first)
    io_.print_untrusted("a", second)
    assert first.getvalue().split("\n")[0] != second.getvalue().split("\n")[0]


def test_print_untrusted_keeps_ordinary_text_readable() -> None:
    out = io.StringIO()
    io_.print_untrusted("E   assert 1 == 2\n\tat foo.py:3 # @user", out)
    assert out.getvalue().split("\n")[1:3] == ["E   assert 1 == 2", "\tat foo.py:3 # @user"]


def test_print_untrusted_prints_nothing_for_empty_text() -> None:
    out = io.StringIO()
    io_.print_untrusted("", out)
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("::add-mask::x", ": :add-mask::x"),
        ("  ::x", "  : :x"),
        ("a ##[group]b", "a ## [group]b"),
        ("bell\x07 del\x7f", "bell\u2407 del\u2421"),
        ("nel\x85 bidi\u202e", "nel\\u0085 bidi\\u202e"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("lone\ud800", "lone\ufffd"),
        ("plain text: ok", "plain text: ok"),
    ],
)
def test_escape_line_exact(line: str, expected: str) -> None:
    assert io_.escape_line(line) == expected


# ----------------------------------------------------------------------------------- inputs


@pytest.mark.parametrize(
    ("value", "data", "prop"),
    [
        ("50%", "50%25", "50%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("k:v,w", "k:v,w", "k%3Av%2Cw"),
        ("%0A", "%250A", "%250A"),
    ],
)
def test_escaping(value: str, data: str, prop: str) -> None:
    assert io_.escape_data(value) == data
    assert io_.escape_property(value) == prop


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda s: io_.error("boom", stream=s), "::error::boom\n"),
        (
            lambda s: io_.annotate(
                "multi\nline",
                level="warning",
                file="src/a,b.py",
                line=3,
                end_line=4,
                title="T: x",
                stream=s,
            ),
            "::warning title=T%3A x,file=src/a%2Cb.py,line=3,endLine=4::multi%0Aline\n",
        ),
        (
            lambda s: io_.annotate("n", level="notice", col=1, end_column=9, stream=s),
            "::notice col=1,endColumn=9::n\n",
        ),
    ],
    ids=["error", "warning", "notice"],
)
def test_annotations(call: object, expected: str) -> None:
    stream = io.StringIO()
    call(stream)  # type: ignore[operator]
    assert stream.getvalue() == expected


def test_annotation_with_hostile_message_is_one_command() -> None:
    stream = io.StringIO()
    io_.error("x\n::add-mask::y\r::warning::z", title="a\n::error::b", stream=stream)
    runner = Runner()
    runner.feed(stream.getvalue())
    assert [name for name, _ in runner.executed] == ["error"]
    assert runner.executed[0][1] == "x%0A::add-mask::y%0D::warning::z"


def test_group() -> None:
    stream = io.StringIO()
    with pytest.raises(RuntimeError), io_.group("Diagnose\nnext", stream=stream):
        stream.write("inside\n")
        raise RuntimeError
    assert stream.getvalue() == "::group::Diagnose%0Anext\ninside\n::endgroup::\n"


# ---------------------------------------------------------------------------------- masking


def test_add_mask_multiline_and_blank() -> None:
    stream = io.StringIO()
    io_.add_mask("line-one\nline-two\n", stream=stream)
    io_.add_mask("   ", stream=stream)
    assert mask_values(stream.getvalue()) == ["line-one", "line-two"]


def test_mask_secret_covers_derived_forms() -> None:
    token = "gh" + "s_" + "16C7e42F292c6912E7710c838347Ae178B4a"
    stream = io.StringIO()
    count = io_.mask_secret(token, stream=stream)
    masked = set(mask_values(stream.getvalue()))
    assert len(masked) == count
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    assert {token, basic, *derived_forms(token)} <= masked
    assert io_.mask_secret("short", stream=stream) == 0
