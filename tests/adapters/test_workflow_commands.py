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
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autorecover.adapters import workflow_commands as io_
from autorecover.core.text.redact import derived_forms

REGISTERED = {
    "add-mask",
    "add-matcher",
    "add-path",
    "debug",
    "echo",
    "endgroup",
    "error",
    "group",
    "notice",
    "remove-matcher",
    "save-state",
    "set-env",
    "set-output",
    "warning",
}
# Char.IsWhiteSpace: U+0009-U+000D, U+0085 and the Zs, Zl and Zp categories.
DOTNET_WHITESPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)


def dotnet_trim_start(text: str) -> str:
    return text.lstrip(DOTNET_WHITESPACE)


def icu_visible(text: str) -> str:
    """The text as ICU culture-sensitive comparison sees it: ignorable characters dropped."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc"))


@dataclass
class Runner:
    """What the runner executes from an action's output stream."""

    ignorable_aware: bool = False
    stop_token: str | None = None
    executed: list[tuple[str, str]] = field(default_factory=list)

    def parse(self, line: str) -> tuple[str, str] | None:
        registered = (
            REGISTERED | {"stop-commands"} | ({self.stop_token} if self.stop_token else set())
        )
        registered = {r.lower() for r in registered}
        view = icu_visible(line) if self.ignorable_aware else line
        # TryParseV2: "::" after TrimStart, command up to the next "::".
        message = dotnet_trim_start(view)
        if message.startswith("::"):
            end = message.find("::", 2)
            if end >= 0:
                name = message[2:end].split(" ", 1)[0]
                if name.lower() in registered:
                    return name.lower(), message[end + 2 :]
        # TryParse (legacy): "##[" anywhere in the line.
        start = view.find("##[")
        if start >= 0:
            close = view.find("]", start)
            if close >= 0:
                name = view[start + 3 : close].split(" ", 1)[0]
                if name.lower() in registered:
                    return name.lower(), view[close + 1 :]
        return None

    def feed(self, output: str) -> None:
        # StreamReader.ReadLine splits on CRLF, LF and a lone CR.
        for line in output.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            command = self.parse(line)
            if command is None:
                continue
            name, data = command
            if self.stop_token is not None:
                if name == self.stop_token.lower():
                    self.executed.append((name, data))
                    self.stop_token = None
                continue
            self.executed.append(command)
            if name == "stop-commands":
                self.stop_token = data


HOSTILE_LINES = [
    "::add-mask::x",
    "::stop-commands::abc",
    "::abc::",
    "\r::error title=x::y",
    "progress 50%\r::error::carriage-return",
    "%0A::warning::z",
    "\u0085::error::nel",
    "\u2028::error::line-separator",
    "\u00a0\u3000 ::error::unicode-spaces",
    "\u200b::error::zwsp",
    ":\u200b:error::split-by-zwsp",
    "##[group]fake group",
    "text then ##[error]legacy anywhere",
    "###[warning]three hashes",
    "::set-output name=pr-url::https://evil.example",
    "::ERROR::upper case",
    "\t  ::notice::indented",
    "::endgroup::",
    "\x00::error::nul",
]
HOSTILE_TEXT = "\n".join(HOSTILE_LINES) + "\n::stop-commands::" + "0" * 32 + "\n"


def read_outputs(path: Path) -> dict[str, str]:
    """The runner's GITHUB_OUTPUT reader (FileCommandManager, heredoc and key=value)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    outputs: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i].removesuffix("\r")
        i += 1
        if not line:
            continue
        eq, heredoc = line.find("="), line.find("<<")
        if eq >= 0 and (heredoc < 0 or eq < heredoc):
            outputs[line[:eq]] = line[eq + 1 :]
            continue
        name, delimiter = line.split("<<", 1)
        value: list[str] = []
        while lines[i].removesuffix("\r") != delimiter:
            value.append(lines[i])
            i += 1
        i += 1
        outputs[name] = "\n".join(value)
    return outputs


def mask_values(output: str) -> list[str]:
    runner = Runner()
    runner.feed(output)
    return [data.replace("%0A", "\n") for name, data in runner.executed if name == "add-mask"]


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
