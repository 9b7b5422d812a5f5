"""Local log files -> diagnoses: one diagnosis per job (plain logs, `gh run view --log-failed`
pastes, run-logs zips), each named after its file (and job), and every filesystem or format
problem as one `LogError` line naming the file."""

from __future__ import annotations

import gzip
import io
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from autorecover.adapters.logfiles import analyze_file, check_file, find_logs
from autorecover.core.analysis.diagnose import AnalysisContext
from autorecover.core.rules.loader import load_ruleset
from autorecover.errors import LogError, UserError
from testing import DATA

RULESET = load_ruleset()
LOGS = DATA / "logs"
TS = "2024-03-12T10:15:02.1234567Z "


def framed(*lines: str, step: str = "Run pytest") -> str:
    body = [f"{TS}##[group]{step}", f"{TS}##[endgroup]"] + [TS + line for line in lines]
    return "\n".join([*body, f"{TS}##[error]Process completed with exit code 1."]) + "\n"


def zip_bytes(entries: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def analyze(path: Path, context: AnalysisContext | None = None) -> list[tuple[str, str, str]]:
    return [
        (d.source, str(d.category), str(d.action))
        for d in analyze_file(path, RULESET, context or AnalysisContext())
    ]


# -- the corpus: one diagnosis per job, named by file and job --------------------------------


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("tools/black-check.log", [("", "linting_error", "fix_pr", ("black",))]),
        ("tools/isort-check.log", [("", "linting_error", "fix_pr", ("isort",))]),
        ("success/pytest-green.log", [("", "unknown", "none", ())]),
        ("public/gh-log-failed-pytest.txt",
         [(":run-tests (ubuntu-latest, 3.12)", "test_failure", "issue", ())]),
        ("public/run-logs-no-step-files.zip", [(":build", "permission_error", "issue", ())]),
        ("public/run-logs-matrix-fail-fast.zip",
         [(":test (3.9)", "unknown", "none", ()), (":test (3.12)", "test_failure", "issue", ())]),
    ],
    ids=["plain-black", "plain-isort", "green", "gh-paste", "zip-one-job", "zip-two-jobs"],
)  # fmt: skip
def test_corpus_files(rel: str, expected: list[tuple[str, str, str, tuple[str, ...]]]) -> None:
    path = LOGS / rel
    conclusion = "success" if rel.startswith("success/") else "failure"
    diagnoses = analyze_file(path, RULESET, AnalysisContext(conclusion=conclusion))
    assert [
        (d.source, str(d.category), str(d.action), tuple(f.spec for f in d.fixes))
        for d in diagnoses
    ] == [(f"{path}{suffix}", *rest) for suffix, *rest in expected]


def test_a_zip_names_whole_jobs_and_jobs_made_of_steps(tmp_path: Path) -> None:
    archive = tmp_path / "logs.zip"
    archive.write_bytes(
        zip_bytes(
            {
                "0_lint.txt": framed("would reformat a.py", step="Run black --check ."),
                "test/1_Set up job.txt": f"{TS}Current runner version: '2.321.0'\n",
                "test/2_Run pytest.txt": framed("E   ModuleNotFoundError: No module named 'yaml'"),
                "notes.md": "not a log",
            }
        )
    )
    assert analyze(archive) == [
        (f"{archive}:lint", "linting_error", "fix_pr"),
        (f"{archive}:test", "dependency_issue", "fix_pr"),
    ]


def test_annotations_of_the_context_are_used(tmp_path: Path) -> None:
    log = tmp_path / "cancelled.log"
    log.write_text(f"{TS}##[group]Run pytest\n{TS}##[error]The operation was canceled.\n")
    annotation = (
        "The job running on runner GitHub Actions 3 has exceeded the maximum execution time "
        "of 360 minutes."
    )
    assert analyze(log, AnalysisContext(annotations=(annotation,))) == [
        (str(log), "timeout", "rerun")
    ]


def test_a_symlink_to_a_log_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.log").write_text(framed("would reformat a.py", step="Run black --check ."))
    os.symlink(tmp_path / "real.log", tmp_path / "link.log")
    assert analyze(tmp_path / "link.log") == [
        (str(tmp_path / "link.log"), "linting_error", "fix_pr")
    ]


# -- bad inputs: one line naming the file ----------------------------------------------------


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def setup(root: Path) -> Path:
        (root / name).write_bytes(data)
        return root / name

    return setup


def _fifo(root: Path) -> Path:
    os.mkfifo(root / "pipe.log")
    return root / "pipe.log"


def _dangling(root: Path) -> Path:
    os.symlink(root / "gone.log", root / "link.log")
    return root / "link.log"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda root: root / "missing.log", "no such file"),
        (_dangling, "no such file"),
        (lambda root: root, "is a directory; give a log file, or use `autorecover batch DIR`"),
        (_fifo, "not a regular file"),
        (_write("empty.log", b""), "the file is empty; expected a GitHub Actions job log"),
        (_write("blank.log", b"\n  \r\n\t\n"), "the file is empty"),
        (_write("elf.log", b"\x7fELF\x00\x00\x01"), "binary data, not a job log"),
        (_write("job.log.gz", gzip.compress(b"hello\n")), "gzip-compressed data; decompress it"),
        (_write("broken.zip", b"PK\x03\x04garbage"), "not a readable zip archive"),
        (_write("images.zip", zip_bytes({"a.png": b"\x89PNG", "dir/": b""})), "holds no .txt job logs"),
    ],
    ids=["missing", "dangling-symlink", "directory", "fifo", "empty", "whitespace-only",
         "binary", "gzip", "broken-zip", "zip-without-text"],
)  # fmt: skip
def test_bad_inputs_are_one_line_log_errors(
    tmp_path: Path, setup: Callable[[Path], Path], message: str
) -> None:
    path = setup(tmp_path)
    with pytest.raises(LogError) as raised:
        analyze_file(path, RULESET, AnalysisContext())
    text = str(raised.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text
    assert isinstance(raised.value, UserError)  # the CLI shows it as-is and exits 1


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda root: root / "missing.log", "no such file"),
        (lambda root: root, "is a directory"),
        (_fifo, "not a regular file"),
    ],
    ids=["missing", "directory", "fifo"],
)
def test_check_file(tmp_path: Path, setup: Callable[[Path], Path], message: str) -> None:
    with pytest.raises(LogError, match=message):
        check_file(setup(tmp_path))


def test_check_file_accepts_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "ok.log").write_text("x\n")
    assert check_file(tmp_path / "ok.log") is None


# -- find_logs -------------------------------------------------------------------------------


def test_find_logs_recurses_sorted_by_suffix(tmp_path: Path) -> None:
    names = [
        "b.log", "a.txt", "run.zip", "sub/c.log", "sub/deeper/UPPER.LOG", "Mixed.Txt",
        "notes.md", "job.log.gz", "data.json", "log", "sub/x.zip.bak",
    ]  # fmt: skip
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    (tmp_path / "dir.log").mkdir()
    found = [path.relative_to(tmp_path).as_posix() for path in find_logs(tmp_path)]
    assert found == ["Mixed.Txt", "a.txt", "b.log", "run.zip", "sub/c.log", "sub/deeper/UPPER.LOG"]


def test_find_logs_in_an_empty_directory(tmp_path: Path) -> None:
    assert find_logs(tmp_path) == []


@pytest.mark.parametrize(
    ("setup",),
    [(lambda root: root / "missing",), (_write("file.log", b"x\n"),)],
    ids=["missing", "a-file"],
)
def test_find_logs_needs_a_directory(tmp_path: Path, setup: Callable[[Path], Path]) -> None:
    path = setup(tmp_path)
    with pytest.raises(LogError, match=f"^{re.escape(str(path))}: not a directory$"):
        find_logs(path)
