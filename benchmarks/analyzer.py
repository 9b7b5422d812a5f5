"""Throughput and peak memory of `autorecover analyze`, beside `grep -E -c -f` over the same
rule patterns on the same file, measured in the same run.

    python benchmarks/analyzer.py [--sizes 1 10 100] [--repeat 3]

Two logs per size: `sparse` (loggen.generate: noise, a failure every 50,000 lines and the
decisive one at the end) and `dense` (loggen.generate_dense: a failure line about every
3,000 lines, drawn from 150 rules' real lines in the corpus, as in a long test suite).

Targets (all built-in rules, 100 MB): at least 1.2x grep's throughput, peak RSS at most
40 MB whatever the log's size, and start-up on a small log under 0.3 s.

The machine may be shared: autorecover and grep run alternately, `--repeat` times each,
and the fastest run of each is reported, so both see the same load.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from autorecover.core.rules.loader import load_ruleset
from autorecover.core.rules.schema import prepare_pattern
from loggen import failure_lines, write

MiB = 1024 * 1024


def ere(pattern: str) -> str | None:
    """RE2 -> POSIX ERE as GNU grep reads it; None when there is no faithful translation."""
    body = prepare_pattern(pattern)[len("(?m)") :]
    body = re.sub(r"^\(\?[imsU]+\)", "", body)
    body = re.sub(r"\(\?P<\w+>", "(", body).replace("(?:", "(")
    body = body.replace(r"\d", "[0-9]").replace("*?", "*").replace("+?", "+")
    if "(?" in body or "\\z" in body:
        return None
    return body


def grep_patterns(directory: Path) -> tuple[Path, int, int]:
    patterns = [p for rule in load_ruleset().rules for p in rule.patterns]
    usable = []
    for pattern in patterns:
        translated = ere(pattern)
        if translated is None:
            continue
        check = subprocess.run(
            ["grep", "-E", "-c", "-e", translated, "/dev/null"], capture_output=True, check=False
        )
        if check.returncode in (0, 1):
            usable.append(translated)
    path = directory / "patterns.ere"
    path.write_text("\n".join(usable) + "\n")
    return path, len(usable), len(patterns)


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) of the child, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    # Fresh `time -v` style measurement: run through a tiny wrapper that reports its own
    # child's ru_maxrss, since RUSAGE_CHILDREN keeps the maximum of all children so far.
    wrapper = [
        sys.executable,
        "-c",
        "import resource,subprocess,sys;"
        "p=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE,stderr=subprocess.DEVNULL);"
        "sys.stdout.buffer.write(p.stdout);"
        "sys.stderr.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))",
        *argv,
    ]
    proc = subprocess.run(wrapper, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    del before
    rss_kib = int(proc.stderr.decode().strip().splitlines()[-1])
    return elapsed, rss_kib / 1024, proc.stdout.decode(errors="replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    autorecover = shutil.which("autorecover")
    command = [autorecover] if autorecover else [sys.executable, "-m", "autorecover"]
    env = {**os.environ, "NO_COLOR": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        pattern_file, usable, total = grep_patterns(directory)
        small = directory / "small.log"
        write(small, 64 * 1024)
        startup = min(
            timed([*command, "analyze", "--format", "json", str(small)], env)[0]
            for _ in range(args.repeat)
        )
        print(
            f"rules: {len(load_ruleset().rules)}, patterns: {total} ({usable} translatable to ERE for grep)"
        )
        print(f"start-up (analyze, 64 KiB log): {startup:.3f} s")
        print(
            f"{'log':>6} {'size':>7} {'autorecover':>12} {'grep -E':>10} {'ratio':>7} "
            f"{'peak RSS':>9}  category"
        )
        dense = failure_lines(Path(__file__).resolve().parent.parent)
        for kind, size in [(k, s) for k in ("sparse", "dense") for s in args.sizes]:
            log = directory / f"{kind}-{size:g}.log"
            write(log, int(size * MiB), failures=dense if kind == "dense" else None)
            nbytes = log.stat().st_size
            ours_runs, grep_runs = [], []
            for _ in range(args.repeat):
                ours_runs.append(timed([*command, "analyze", "--format", "json", str(log)], env))
                grep = ["grep", "-E", "-c", "-f", str(pattern_file), str(log)]
                grep_runs.append(timed(grep, env)[0])
            ours = min(ours_runs, key=lambda result: result[0])
            theirs = min(grep_runs)
            mbps = nbytes / MiB / ours[0]
            grep_mbps = nbytes / MiB / theirs
            category = re.search(r'"category": "(\w+)"', ours[2])
            print(
                f"{kind:>6} {nbytes / MiB:6.0f}M {mbps:8.0f} MB/s {grep_mbps:6.0f} MB/s {mbps / grep_mbps:6.2f}x "
                f"{ours[1]:6.1f} MB  {category.group(1) if category else '?'}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
