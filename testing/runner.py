"""What actions/runner does with the lines an action prints and the files it writes, re-implemented
so tests check our bytes the way the runner reads them (actions/runner: StreamReader.ReadLine,
ActionCommand.TryParseV2 and TryParse, ActionCommandManager's stop-commands state machine, the
GITHUB_OUTPUT heredoc reader)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

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
