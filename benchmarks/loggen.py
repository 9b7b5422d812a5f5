"""Generate large, realistic GitHub Actions job logs for benchmarks and stress tests.

The noise is what CI really prints: pip download progress with `\\r` redraws, pytest
dots, long JSON lines, ANSI colours, stray non-UTF-8 bytes, all with the runner's
timestamp prefix and step headers; real failure lines are mixed in, the decisive one near
the end as in a real failed job.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path

from autorecover.core.analysis.diagnose import analyze_text

FAILURE_LINES = (
    b"E   ModuleNotFoundError: No module named 'yaml'",
    b"would reformat /home/runner/work/app/app/src/app/cli.py",
    b"WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None))"
    b" after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='pypi.org',"
    b" port=443): Read timed out. (read timeout=15)\")': /simple/requests/",
    b"FAILED tests/test_api.py::test_retry_budget - AssertionError: assert 3 == 2",
)


def _stamp(rng: random.Random, second: int) -> bytes:
    return b"2024-03-12T10:%02d:%02d.%07dZ " % (
        second // 60 % 60,
        second % 60,
        rng.randrange(10_000_000),
    )


def _noise(rng: random.Random, n: int) -> bytes:
    kind = rng.random()
    if kind < 0.22:
        return b"Collecting package-%d==1.%d.0 (from -r requirements.txt (line %d))" % (
            n % 997,
            n % 31,
            n % 80,
        )
    if kind < 0.36:
        pct = [
            b"  %3d%% |\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88   | %d kB" % (p, p * 12)
            for p in (10, 40, 70, 100)
        ]
        return b"\r".join(pct)
    if kind < 0.52:
        return (
            b"tests/test_module_%d.py " % (n % 300)
            + b"." * rng.randrange(20, 80)
            + b" [ %d%%]" % (n % 100)
        )
    if kind < 0.60:
        body = b",".join(
            b'"k%d": "%s"' % (i, b"v" * rng.randrange(10, 200))
            for i in range(rng.randrange(10, 40))
        )
        return b'{"event": "telemetry", ' + body + b"}"
    if kind < 0.72:
        return b"\x1b[32mPASSED\x1b[0m tests/test_mod.py::test_case_%d \x1b[2m[%d%%]\x1b[0m" % (
            n,
            n % 100,
        )
    if kind < 0.76:
        return (
            b"  Downloading https://files.pythonhosted.org/packages/%02x/pkg-%d.whl (1.%d MB)"
            % (
                n % 256,
                n,
                n % 9,
            )
        )
    if kind < 0.78:
        return b"binary junk \xff\xfe\xfa in a line of output %d" % n
    if kind < 0.7801:
        # Realistic jobs have a few dozen steps, not thousands.
        return b"##[group]Run python -m step_%d" % (n % 50)
    return b"INFO worker-%d processed batch %d in %d ms (queue depth %d)" % (
        n % 8,
        n,
        n % 900,
        n % 17,
    )


def generate(size: int, seed: int = 7) -> Iterator[bytes]:
    """Yield ~`size` bytes of log in blocks, ending with a real failure."""
    rng = random.Random(seed)
    written = 0
    n = 0
    block: list[bytes] = [
        b"2024-03-12T10:00:00.0000000Z Current runner version: '2.321.0'\n",
        b"2024-03-12T10:00:00.1000000Z Syncing repository: octo/app\n",
    ]
    while written < size:
        n += 1
        line = _noise(rng, n)
        if n % 50_000 == 0:
            line = FAILURE_LINES[(n // 50_000) % len(FAILURE_LINES)]
        block.append(_stamp(rng, n // 100) + line + b"\n")
        if len(block) >= 2000:
            data = b"".join(block)
            written += len(data)
            yield data
            block = []
    block += [
        b"2024-03-12T11:00:00.0000000Z ##[group]Run pytest -q\n",
        b"2024-03-12T11:00:01.0000000Z E   ModuleNotFoundError: No module named 'yaml'\n",
        b"2024-03-12T11:00:02.0000000Z ##[error]Process completed with exit code 1.\n",
    ]
    yield b"".join(block)


# The corpus the rules were written from and the world corpus's training part (never the
# held-out part: tests/data/logs/world/README.md).
CORPUS_DIRS = ("tests/data/logs/public", "tests/data/logs/tools", "tests/data/logs/world/train")


def failure_lines(root: Path, families: int = 150) -> list[bytes]:
    """One real failure line per rule, for up to `families` rules: the line each corpus
    log's primary diagnosis rests on, as the log printed it."""
    by_rule: dict[str, bytes] = {}
    for directory in CORPUS_DIRS:
        for log in sorted((root / directory).glob("*.log")):
            diagnosis = analyze_text(log.read_bytes())
            for finding in diagnosis.findings:
                line = finding.text.encode()
                if finding.rule and finding.rule not in by_rule and line not in by_rule.values():
                    by_rule[finding.rule] = line
            if len(by_rule) >= families:
                return list(by_rule.values())
    return list(by_rule.values())


def generate_dense(
    size: int, failures: list[bytes], seed: int = 7, every: int = 3000
) -> Iterator[bytes]:
    """Yield ~`size` bytes of log with a failure line every ~`every` lines, cycling through
    `failures`, as in a long test suite whose failures are spread through the whole log."""
    rng = random.Random(seed)
    written = 0
    n = 0
    block: list[bytes] = [b"2024-03-12T10:00:00.0000000Z ##[group]Run pytest -q\n"]
    while written < size:
        n += 1
        line = _noise(rng, n)
        if rng.randrange(every) == 0:
            line = failures[n % len(failures)]
        block.append(_stamp(rng, n // 100) + line + b"\n")
        if len(block) >= 2000:
            data = b"".join(block)
            written += len(data)
            yield data
            block = []
    block.append(b"2024-03-12T11:00:02.0000000Z ##[error]Process completed with exit code 1.\n")
    yield b"".join(block)


def write(path: Path, size: int, seed: int = 7, failures: list[bytes] | None = None) -> Path:
    """A log as `generate` makes it, or as `generate_dense` does when `failures` are given."""
    blocks = generate(size, seed) if failures is None else generate_dense(size, failures, seed)
    with path.open("wb") as out:
        for data in blocks:
            out.write(data)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--mb", type=float, default=10)
    args = parser.parse_args()
    write(args.path, int(args.mb * 1024 * 1024))


if __name__ == "__main__":
    main()
