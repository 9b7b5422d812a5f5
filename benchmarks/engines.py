"""Which regex engine scans logs: the measurement behind rules/engine.py.

    python benchmarks/engines.py [--mb 20]

All built-in patterns, on the same generated log (benchmarks/loggen.py), in 1 MiB
line-aligned chunks:

* Python `re`, each pattern on each line (what a naive analyzer does);
* Python `re`, each pattern on each chunk;
* RE2 `Set` on each chunk (what autorecover uses), then each matching pattern alone;
* Hyperscan on each chunk, when the `hyperscan` package is installed.

Then the adversarial case that rules out a backtracking engine for user patterns
(docs/security.md#t16): `^(\\w+\\s?)*x$` against a line of "ab " words.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import re2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from autorecover.core.analysis.steps import STRUCTURE_PATTERNS
from autorecover.core.rules.loader import builtin_rules
from autorecover.core.rules.schema import prepare_pattern, re2_options
from loggen import generate

MiB = 1 << 20


def chunks(data: bytes) -> list[bytes]:
    out, start = [], 0
    while start < len(data):
        end = data.find(b"\n", min(start + MiB, len(data)) - 1)
        end = len(data) if end < 0 else end + 1
        out.append(data[start:end])
        start = end
    return out


def python_re(patterns: list[bytes], parts: list[bytes], per_line: bool) -> float:
    compiled = [re.compile(p) for p in patterns]
    start = time.perf_counter()
    for part in parts:
        units = part.split(b"\n") if per_line else [part]
        for regex in compiled:
            for unit in units:
                regex.search(unit)
    return time.perf_counter() - start


def re2_set(patterns: list[bytes], parts: list[bytes]) -> float:
    options = re2_options()
    options.max_mem = 96 << 20
    engine = re2.Set.SearchSet(options)
    for pattern in patterns:
        engine.Add(pattern)
    engine.Compile()
    start = time.perf_counter()
    for part in parts:
        engine.Match(part)
    return time.perf_counter() - start


def hyperscan_db(patterns: list[bytes], parts: list[bytes]) -> float | None:
    try:
        import hyperscan
    except ImportError:
        return None
    exprs, flags = [], []
    for pattern in patterns:
        body = pattern.decode()[len("(?m)") :]
        flag = hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_SINGLEMATCH
        if body.startswith("(?i)"):
            body, flag = body[4:], flag | hyperscan.HS_FLAG_CASELESS
        exprs.append(re.sub(r"\(\?P<\w+>", "(", body).encode())
        flags.append(flag | hyperscan.HS_FLAG_ALLOWEMPTY)
    db = hyperscan.Database()
    db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
    scratch = hyperscan.Scratch(db)
    start = time.perf_counter()
    for part in parts:
        db.scan(part, match_event_handler=lambda *_: None, scratch=scratch)
    return time.perf_counter() - start


def adversarial() -> tuple[float, float]:
    pattern = r"^(\w+\s?)*x$"
    line = "ab " * 22 + "!"  # 67 characters: seconds for a backtracking engine
    start = time.perf_counter()
    re.search(pattern, line)
    backtracking = time.perf_counter() - start
    big = ("ab " * 350_000 + "!").encode()  # 1 MB
    start = time.perf_counter()
    re2.compile(pattern.encode()).search(big)
    return backtracking, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=20)
    args = parser.parse_args()
    data = b"".join(generate(int(args.mb * MiB)))
    parts = chunks(data)
    size = len(data) / MiB
    patterns = [prepare_pattern(p).encode() for p in STRUCTURE_PATTERNS.values()]
    patterns += [prepare_pattern(p).encode() for r in builtin_rules() for p in r.patterns]
    print(f"{len(patterns)} patterns, {size:.1f} MiB log")
    sample = parts[: max(1, len(parts) // 20)]  # Python per line is too slow for all of it
    sample_mb = sum(map(len, sample)) / MiB
    # Python's re cannot run every RE2 pattern verbatim (syntax differs little): use the
    # ones it accepts, which is nearly all of them.
    usable = []
    for pattern in patterns:
        try:
            re.compile(pattern)
            usable.append(pattern)
        except re.error:
            continue
    rows = [
        ("python re, per pattern per line", sample_mb / python_re(usable, sample, True)),
        ("python re, per pattern per chunk", sample_mb / python_re(usable, sample, False)),
        ("RE2 Set, per chunk (autorecover)", size / re2_set(patterns, parts)),
    ]
    hs = hyperscan_db(patterns, parts)
    if hs is not None:
        rows.append(("Hyperscan, per chunk", size / hs))
    for name, mbps in rows:
        print(f"{name:<36} {mbps:10.1f} MB/s")
    slow, fast = adversarial()
    print(f"T16 ^(\\w+\\s?)*x$: python re on 67 chars {slow:.2f} s; RE2 on 1 MB {fast:.4f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
