"""Log containers -> per-job byte streams: sniffing, plain text, `gh run view --log-failed`
output and run-logs zips (rows docs/security.md#t44, #t45)."""

from __future__ import annotations

import io
import zipfile

import pytest

from autorecover.core.analysis.lines import Limits
from autorecover.core.analysis.sources import iter_jobs, sniff
from autorecover.errors import LogError
from testing import DATA

TS = b"2024-03-12T10:15:02.1234567Z "
LOGS = DATA / "logs" / "public"


def jobs_of(
    data: bytes, name: str = "x.log", limits: Limits | None = None
) -> list[tuple[str, bytes]]:
    return [(job.name, b"".join(job.blocks)) for job in iter_jobs(io.BytesIO(data), name, limits)]


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        pytest.param(b"PK\x03\x04rest", "zip", id="zip"),
        pytest.param(b"\x1f\x8b\x08\x00", "gzip", id="gzip"),
        pytest.param(b"ELF\x00\x00\x00", "binary", id="binary-nul"),
        pytest.param(b"test (3.11)\tRun pytest\t2024-03-12T10:15:02Z x\n", "gh", id="gh"),
        pytest.param(TS + b"hello\n", "text", id="framed"),
        pytest.param(b"just pasted text\n", "text", id="raw"),
        pytest.param("x".encode("utf-16"), "text", id="utf16"),
        pytest.param(b"PK\x05\x06" + b"\x00" * 18, "zip", id="empty-zip"),
        pytest.param(b"\x1f\x8b", "gzip", id="gzip-magic-only"),
        pytest.param(b"\xef\xbb\xbf\x00\x00", "binary", id="bom-then-nul"),
        pytest.param(b"x" * (8 * 1024) + b"\x00", "text", id="nul-past-8kib"),
        pytest.param(b"\xef\xbb\xbflint\tRun ruff\tx\n", "gh", id="gh-after-bom"),
        pytest.param(b"lint\t\tline\n", "gh", id="gh-empty-step"),
        pytest.param(b"job\tonly one tab\n", "text", id="one-tab"),
        pytest.param(b"j" * 201 + b"\tstep\tline\n", "text", id="job-name-over-200"),
        pytest.param(b"pasted\nlint\tRun ruff\tx\n", "text", id="gh-only-on-first-line"),
        pytest.param("x".encode("utf-16-be"), "binary", id="utf16-without-bom-is-binary"),
    ],
)
def test_sniff(head: bytes, kind: str) -> None:
    assert sniff(head) == kind


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"   \n\n", "empty", id="blank"),
        pytest.param(b"\x1f\x8b\x08\x00\x00\x00", "gzip", id="gzip-t44"),
        pytest.param(b"\x00\x01\x02binary", "binary", id="nul-t44"),
        pytest.param(b"PK\x03\x04not really a zip", "zip", id="broken-zip"),
    ],
)
def test_bad_inputs_raise_log_errors(data: bytes, message: str) -> None:
    with pytest.raises(LogError, match=message):
        list(iter_jobs(io.BytesIO(data), "x.log"))


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_top_level_job_files() -> None:
    data = _zip(
        {
            "0_lint.txt": TS + b"lint output\n",
            "1_test (3.11).txt": TS + b"test output\n",
            "lint/1_Set up job.txt": b"ignored: the job file is whole\n",
        }
    )
    jobs = [(job.name, b"".join(job.blocks)) for job in iter_jobs(io.BytesIO(data), "run.zip")]
    assert [name for name, _ in jobs] == ["lint", "test (3.11)"]
    assert b"test output" in jobs[1][1]


def test_zip_with_only_step_files_concatenates_them_in_order() -> None:
    data = _zip({"build/2_Run make.txt": b"second", "build/1_Set up job.txt": b"first\n"})
    (job,) = list(iter_jobs(io.BytesIO(data), "run.zip"))
    assert job.name == "build"
    assert b"".join(job.blocks) == b"first\nsecond\n"


def test_zip_entry_names_are_never_paths_t45(tmp_path) -> None:
    data = _zip({"../../escape.txt": b"x\n", "../1_up.txt": b"y\n", "0_ok.txt": b"z\n"})
    before = set(tmp_path.parent.iterdir())
    names = [job.name for job in iter_jobs(io.BytesIO(data), "run.zip") if b"".join(job.blocks)]
    assert set(tmp_path.parent.iterdir()) == before
    assert names == ["ok", ".."]


def test_zip_with_too_many_entries_t45() -> None:
    data = _zip({f"{i}_job{i}.txt": b"x\n" for i in range(30)})
    with pytest.raises(LogError, match="entries"):
        list(iter_jobs(io.BytesIO(data), "run.zip", Limits(max_zip_entries=10)))


def test_zip_bomb_is_refused_t45() -> None:
    data = _zip({"0_job.txt": b"\n" * (40 << 20)})
    job = next(iter_jobs(io.BytesIO(data), "run.zip"))
    with pytest.raises(LogError, match="zip bomb"):
        for _ in job.blocks:
            pass


def test_zip_without_text_files() -> None:
    with pytest.raises(LogError, match="no .txt"):
        list(iter_jobs(io.BytesIO(_zip({"image.png": b"\x89PNG"})), "run.zip"))


def test_gh_log_failed_paste_is_split_per_job() -> None:
    data = (
        b"lint\tRun ruff\t2024-03-12T10:15:02.1Z ruff output\n"
        b"lint\tRun ruff\t2024-03-12T10:15:03.1Z ##[error]Process completed with exit code 1.\n"
        b"test\tRun pytest\t2024-03-12T10:16:02.1Z FAILED t.py::x\n"
    )
    jobs = []
    for job in iter_jobs(io.BytesIO(data), "paste.txt"):
        jobs.append((job.name, b"".join(job.blocks)))
    assert [name for name, _ in jobs] == ["lint", "test"]
    assert jobs[0][1].startswith(b"2024-03-12T10:15:02.1Z ruff output\n")
    assert b"FAILED t.py::x" in jobs[1][1]


def test_gh_jobs_not_consumed_are_drained() -> None:
    data = b"a\ts\tx\n" * 5 + b"b\ts\ty\n"
    names = [job.name for job in iter_jobs(io.BytesIO(data), "paste.txt")]
    assert names == ["a", "b"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(TS + b"hello\n" + TS + b"##[error]boom\n", id="framed"),
        pytest.param(b"\xef\xbb\xbfpasted\n", id="bom-kept-for-the-chunker"),
        pytest.param(b"no final newline", id="no-final-newline"),
        pytest.param(b"a\tb\n", id="tab-but-not-gh"),
        pytest.param("héllo\n".encode("utf-16"), id="utf16-passed-through"),
    ],
)
def test_plain_text_is_one_job_named_after_the_file(data: bytes) -> None:
    assert jobs_of(data, "job.log") == [("job.log", data)]


@pytest.mark.parametrize(
    "chunk_size",
    [pytest.param(1000, id="small-blocks"), pytest.param(1 << 20, id="default-blocks")],
)
def test_plain_text_longer_than_the_sniffed_head_is_streamed_whole(chunk_size: int) -> None:
    data = b"".join(TS + b"line %06d\n" % n for n in range(5000))  # ~200 KiB > 64 KiB head
    job = next(iter_jobs(io.BytesIO(data), "big.log", Limits(chunk_size=chunk_size)))
    blocks = list(job.blocks)
    assert b"".join(blocks) == data
    assert len(blocks) >= 2
    assert all(len(block) <= max(chunk_size, 64 * 1024) for block in blocks)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            b"a\ts\tone\na\ts\ttwo\n",
            [("a", b"one\ntwo\n")],
            id="one-job",
        ),
        pytest.param(
            b"a\tsetup\tone\na\ttest\ttwo\n",
            [("a", b"one\ntwo\n")],
            id="steps-of-one-job-stay-together",
        ),
        pytest.param(
            b"a\ts\tone\nb\ts\ttwo\na\ts\tthree\n",
            [("a", b"one\n"), ("b", b"two\n"), ("a", b"three\n")],
            id="job-seen-again-is-a-new-stream",
        ),
        pytest.param(
            b"a\ts\tTraceback:\n  continued line\na\ts\tend\n",
            [("a", b"Traceback:\n  continued line\nend\n")],
            id="unprefixed-line-stays-in-its-job",
        ),
        pytest.param(
            b"a\ts\tcols\tstay\ttabbed\n",
            [("a", b"cols\tstay\ttabbed\n")],
            id="only-the-two-columns-are-removed",
        ),
        pytest.param(
            b"a\t\tempty step column\n",
            [("a", b"empty step column\n")],
            id="empty-step-column",
        ),
        pytest.param(
            b"a\ts\tno final newline",
            [("a", b"no final newline\n")],
            id="final-line-without-newline",
        ),
    ],
)
def test_gh_format_is_split_into_jobs(data: bytes, expected: list[tuple[str, bytes]]) -> None:
    assert jobs_of(data, "paste.txt") == expected


def test_gh_paste_saved_with_a_bom_is_one_job() -> None:
    data = b"\xef\xbb\xbfa\ts\tone\na\ts\ttwo\n"
    assert jobs_of(data, "paste.txt") == [("a", b"one\ntwo\n")]


def test_gh_large_job_is_streamed_in_several_blocks() -> None:
    lines = [b"big\tRun x\t" + TS + b"%07d " % n + b"y" * 100 + b"\n" for n in range(6000)]
    jobs = iter_jobs(io.BytesIO(b"".join(lines)), "paste.txt")
    job = next(jobs)
    blocks = list(job.blocks)  # read before the next job is requested (see iter_jobs)
    assert next(jobs, None) is None
    assert len(blocks) >= 2  # ~800 KiB: more than one 256 KiB batch
    text = b"".join(blocks)
    assert text.count(b"\n") == 6000
    assert not any(line.startswith(b"big\t") for line in text.split(b"\n"))


def test_gh_job_requested_before_its_blocks_are_read_is_drained_unread() -> None:
    """Asking for the next job drains the current one: its blocks are then empty."""
    jobs = list(iter_jobs(io.BytesIO(b"a\ts\tone\nb\ts\ttwo\n"), "paste.txt"))
    assert [job.name for job in jobs] == ["a", "b"]
    assert [b"".join(job.blocks) for job in jobs] == [b"", b""]


def test_gh_corpus_paste_keeps_every_line_of_its_job() -> None:
    raw = (LOGS / "gh-log-failed-pytest.txt").read_bytes()
    ((name, text),) = jobs_of(raw, "gh-log-failed-pytest.txt")
    assert name == "run-tests (ubuntu-latest, 3.12)"
    assert text.count(b"\n") == raw.count(b"\n")
    assert text.startswith(b"2026-01-22T17:02:10.4346139Z ##[group]Run make test\n")
    assert b"\tRun make test\t" not in text


def test_zip_corpus_archive_lists_top_level_jobs_in_order() -> None:
    raw = (LOGS / "run-logs-matrix-fail-fast.zip").read_bytes()
    jobs = jobs_of(raw, "run-logs-matrix-fail-fast.zip")
    assert [name for name, _ in jobs] == ["test (3.9)", "test (3.12)"]
    with zipfile.ZipFile(LOGS / "run-logs-matrix-fail-fast.zip") as archive:
        whole = archive.read("1_test (3.12).txt")
    # The job file is used as it is (its per-step copies are not added to it).
    assert jobs[1][1] == whole + (b"" if whole.endswith(b"\n") else b"\n")


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        pytest.param(
            {"10_late.txt": b"l\n", "2_early.txt": b"e\n"},
            [("early", b"e\n"), ("late", b"l\n")],
            id="numeric-order-not-text-order",
        ),
        pytest.param(
            {"1_named.txt": b"n\n", "unnumbered.txt": b"u\n"},
            [("unnumbered", b"u\n"), ("named", b"n\n")],
            id="unnumbered-job-file-sorts-first",
        ),
        pytest.param(
            {"0_job.txt": b"j\n", "notes.md": b"x\n", "dir/": b"", "job/1_a.log": b"x\n"},
            [("job", b"j\n")],
            id="non-txt-and-directories-ignored",
        ),
        pytest.param(
            {"a/b/1_deep.txt": b"x\n", "0_top.txt": b"t\n"},
            [("top", b"t\n")],
            id="deeper-entries-ignored",
        ),
        pytest.param(
            {"build/readme.txt": b"x\n", "build/1_Set up job.txt": b"s\n"},
            [("build", b"s\n")],
            id="unnumbered-step-file-ignored",
        ),
        pytest.param(
            {"build\\2_b.txt": b"b", "build\\1_a.txt": b"a"},
            [("build", b"a\nb\n")],
            id="backslash-separators",
        ),
        pytest.param(
            {"x/1_a.txt": b"a\n", "y/1_b.txt": b"b\n", "0_z.txt": b"z\n"},
            [("z", b"z\n"), ("x", b"a\n"), ("y", b"b\n")],
            id="job-files-first-then-step-only-jobs",
        ),
        pytest.param(
            {"0_j.txt": b"no newline"},
            [("j", b"no newline\n")],
            id="final-newline-added",
        ),
    ],
)
def test_zip_layout(entries: dict[str, bytes], expected: list[tuple[str, bytes]]) -> None:
    assert jobs_of(_zip(entries), "run.zip") == expected


@pytest.mark.parametrize(
    ("entries", "cap", "ok"),
    [
        pytest.param(10, 10, True, id="at-the-cap"),
        pytest.param(11, 10, False, id="one-over-the-cap"),
    ],
)
def test_zip_entry_cap_boundary(entries: int, cap: int, ok: bool) -> None:
    data = _zip({f"{i}_job{i}.txt": b"x\n" for i in range(entries)})
    limits = Limits(max_zip_entries=cap)
    if ok:
        assert len(jobs_of(data, "run.zip", limits)) == entries
    else:
        with pytest.raises(
            LogError, match=f"run.zip: the zip has {entries} entries; at most {cap}"
        ):
            jobs_of(data, "run.zip", limits)


def test_zip_ratio_limit_is_configurable() -> None:
    data = _zip({"0_job.txt": b"\n" * (20 << 20)})
    ((name, text),) = jobs_of(data, "run.zip", Limits(max_zip_ratio=10**6))
    assert name == "job" and len(text) == 20 << 20


def test_zip_entry_stops_at_the_hard_byte_limit() -> None:
    data = _zip({"0_job.txt": b"y" * 20_000})
    ((_, text),) = jobs_of(data, "run.zip", Limits(chunk_size=1000, hard_max_bytes=5000))
    assert text == b"y" * 5000


def test_the_whole_archive_has_an_expansion_budget_t45() -> None:
    """Each entry under the per-entry limits, all of them together over the total."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(5):
            archive.writestr(f"{n}_job{n}.txt", b"x" * 200_000 + b"\n")
    limits = Limits(max_zip_total=500_000, chunk_size=64 * 1024)
    jobs = iter_jobs(io.BytesIO(buffer.getvalue()), "logs.zip", limits)
    with pytest.raises(LogError, match="expand to more than 500000 bytes in all"):
        for job in jobs:
            for _ in job.blocks:
                pass
