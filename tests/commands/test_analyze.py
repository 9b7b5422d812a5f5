"""`autorecover analyze FILE...` and `autorecover batch DIR`, through `cli.main`: the JSON,
text and markdown contracts, what the shared options change, and batch summaries."""

from __future__ import annotations

import io
import json
import os
import pty
import threading
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from autorecover.cli import main
from testing import DATA, ROOT
from testing.cli import TS, framed, run

EXAMPLES = ROOT / "examples" / "logs"


REQUIRED_KEYS = {
    "schema_version",
    "source",
    "category",
    "severity",
    "confidence",
    "auto_fixable",
    "action",
    "fixes",
    "failing_step",
    "fingerprint",
    "title",
    "explanation",
    "evidence",
    "findings",
}


# -- analyze: output contracts ---------------------------------------------------------------


def test_json_for_one_file_is_an_object(
    capsys: pytest.CaptureFixture[str], logs: dict[str, Path]
) -> None:
    code, out, _ = run(capsys, "analyze", str(logs["yaml"]), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= REQUIRED_KEYS
    assert data["category"] == "dependency_issue"
    assert data["action"] == "fix_pr"
    assert data["fixes"] == ["add-requirement:PyYAML"]
    assert data["failing_step"] == "Run pytest"
    assert all(set(e) >= {"line", "text"} for e in data["evidence"])
    assert all(
        set(f) >= {"rule", "category", "severity", "line", "text", "captures"}
        for f in data["findings"]
    )


def test_json_for_several_files_is_an_array(
    capsys: pytest.CaptureFixture[str], logs: dict[str, Path]
) -> None:
    code, out, _ = run(capsys, "analyze", str(logs["yaml"]), str(logs["black"]), "--format", "json")
    data = json.loads(out)
    assert code == 0 and isinstance(data, list)
    assert [d["fixes"] for d in data] == [["add-requirement:PyYAML"], ["black"]]


def test_text_and_markdown(capsys: pytest.CaptureFixture[str], logs: dict[str, Path]) -> None:
    _, text, _ = run(capsys, "analyze", str(logs["black"]))
    assert "linting_error" in text and "Evidence:" in text and "Suggested recovery:" in text
    _, markdown, _ = run(capsys, "analyze", str(logs["black"]), "--format", "markdown")
    assert markdown.startswith("### ") and "```text" in markdown


def test_annotation_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "cancelled.log"
    log.write_text(f"{TS}##[group]Run pytest\n{TS}##[error]The operation was canceled.\n")
    _, out, _ = run(
        capsys,
        "analyze",
        str(log),
        "--format",
        "json",
        "--annotation",
        "The job running on runner GitHub Actions 3 has exceeded the maximum execution time of 360 minutes.",
    )
    data = json.loads(out)
    assert (data["category"], data["action"]) == ("timeout", "rerun")


def test_zip_gives_one_result_per_job(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    archive = tmp_path / "logs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("0_lint.txt", framed("would reformat a.py"))
        zf.writestr("1_test.txt", framed("E   ModuleNotFoundError: No module named 'yaml'"))
    _, out, _ = run(capsys, "analyze", str(archive), "--format", "json")
    data = json.loads(out)
    assert [d["source"].rsplit(":", 1)[1] for d in data] == ["lint", "test"]


def test_secrets_in_evidence_are_redacted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    log = tmp_path / "leak.log"
    log.write_text(framed(f"E   ModuleNotFoundError: No module named 'yaml' (GH_TOKEN={token})"))
    _, out, _ = run(capsys, "analyze", str(log), "--format", "json")
    assert token not in out


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_secrets_are_redacted_in_every_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    token = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"
    log = tmp_path / "leak.log"
    log.write_text(framed(f"E   ModuleNotFoundError: No module named 'yaml' token={token}"))
    code, out, _ = run(capsys, "analyze", str(log), "--format", fmt)
    assert code == 0 and "No module named 'yaml'" in out and token not in out


def test_json_keeps_non_ascii_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "utf8.log"
    log.write_text(framed("E   ModuleNotFoundError: No module named 'yaml' — café"), "utf-8")
    _, out, _ = run(capsys, "analyze", str(log), "--format", "json")
    assert "— café" in out and json.loads(out)["category"] == "dependency_issue"


def test_markdown_for_several_files(
    capsys: pytest.CaptureFixture[str], logs: dict[str, Path]
) -> None:
    _, out, _ = run(
        capsys, "analyze", str(logs["yaml"]), str(logs["black"]), "--format", "markdown"
    )
    headings = [line for line in out.splitlines() if line.startswith("### ")]
    assert headings == [
        f"### {logs['yaml']}: dependency_issue (medium)",
        f"### {logs['black']}: linting_error (low)",
    ]


def test_text_for_the_bundled_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", *sorted(str(p) for p in EXAMPLES.glob("*.log")))
    assert code == 0
    assert out.count("Fingerprint: ") == 2
    assert "action fix_pr (black)" in out and "action fix_pr (add-requirement:PyYAML)" in out


def test_one_bad_file_fails_the_whole_command(
    capsys: pytest.CaptureFixture[str], logs: dict[str, Path], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.log"
    code, out, err = run(capsys, "analyze", str(logs["yaml"]), str(missing), "--format", "json")
    assert (code, out) == (1, "")
    assert err == f"autorecover: error: {missing}: no such file\n"


# -- analyze: what the shared options change -------------------------------------------------


@pytest.mark.parametrize(
    ("options", "rule", "action"),
    [
        ((), "python-module-not-found", "issue"),
        (("--repo", "octo-org/octo-repo"), "python-own-package-not-importable", "issue"),
        (("--repo", "octo-org/other"), "python-module-not-found", "issue"),
        (("-R", "octo-org/octo-repo"), "python-own-package-not-importable", "issue"),
        (("--repository", "octo-org/octo-repo"), "python-own-package-not-importable", "issue"),
    ],
    ids=["no-repository", "own-package", "another-repository", "short-R", "deprecated-spelling"],
)
def test_repository_names_the_own_package(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    options: tuple[str, ...],
    rule: str,
    action: str,
) -> None:
    log = tmp_path / "own.log"
    log.write_text(framed("E   ModuleNotFoundError: No module named 'octo_repo'"))
    code, out, _ = run(capsys, "analyze", str(log), "--format", "json", *options)
    data = json.loads(out)
    assert code == 0 and (data["rule"], data["action"], data["fixes"]) == (rule, action, [])


@pytest.mark.parametrize(
    ("threshold", "action", "reason"),
    [
        ("0.5", "fix_pr", "safely fixable"),
        ("0.9", "fix_pr", "safely fixable"),
        ("0.95", "issue", "confidence 0.90 is below the threshold 0.95"),
        ("1", "issue", "below the threshold 1"),
    ],
    ids=["low", "equal", "above", "one"],
)
def test_min_confidence(
    capsys: pytest.CaptureFixture[str],
    logs: dict[str, Path],
    threshold: str,
    action: str,
    reason: str,
) -> None:
    _, out, _ = run(
        capsys, "analyze", str(logs["yaml"]), "--format", "json", "--min-confidence", threshold
    )
    data = json.loads(out)
    assert data["action"] == action and reason in data["reason"]


@pytest.mark.parametrize(
    ("config", "rule", "action"),
    [
        ("rules:\n  disable: [python-module-not-found]\n", None, "issue"),
        ("rules:\n  override:\n    - {id: python-module-not-found, severity: critical}\n",
         "python-module-not-found", "issue"),
        ("rules:\n  add:\n    - {id: yaml-build, category: build_error, severity: high, title: t, "
         "patterns: [\"No module named 'yaml'\"], priority: 99, explanation: e, remediation: r}\n",
         "yaml-build", "issue"),
        ("enabled: true\n", "python-module-not-found", "fix_pr"),
    ],
    ids=["disabled-rule", "override", "added-rule-wins", "defaults"],
)  # fmt: skip
def test_config_changes_the_diagnosis(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    logs: dict[str, Path],
    config: str,
    rule: str | None,
    action: str,
) -> None:
    path = tmp_path / "autorecover.yml"
    path.write_text(config)
    code, out, err = run(
        capsys, "analyze", str(logs["yaml"]), "--format", "json", "--config", str(path)
    )
    assert code == 0, err
    data = json.loads(out)
    assert (data["rule"], data["action"]) == (rule, action)


def run_on_a_terminal(argv: list[str], environ: Mapping[str, str]) -> tuple[int, str]:
    """Run with stdout on a real pseudo-terminal; what the terminal received."""
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the terminal side was closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    with open(slave, "w", encoding="utf-8") as terminal:
        code = main(argv, environ=environ, stdout=terminal)
    reader.join(timeout=10)
    os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("fmt", "environ", "colored"),
    [
        ("text", {}, True),
        ("text", {"NO_COLOR": "1"}, False),
        ("markdown", {}, False),
        ("json", {}, False),
    ],
    ids=["text", "no-color", "markdown", "json"],
)
def test_color_only_for_text_on_a_terminal(
    logs: dict[str, Path], fmt: str, environ: dict[str, str], colored: bool
) -> None:
    code, shown = run_on_a_terminal(["analyze", str(logs["black"]), "--format", fmt], environ)
    assert code == 0 and "linting_error" in shown
    assert ("\x1b[" in shown) is colored


def test_no_color_when_not_a_terminal(logs: dict[str, Path]) -> None:
    out = io.StringIO()
    assert main(["analyze", str(logs["black"])], environ={}, stdout=out) == 0
    assert "linting_error" in out.getvalue() and "\x1b[" not in out.getvalue()


# -- batch -----------------------------------------------------------------------------------


def test_batch_summarises(
    capsys: pytest.CaptureFixture[str], logs: dict[str, Path], tmp_path: Path
) -> None:
    (tmp_path / "empty.log").write_bytes(b"")
    code, out, _ = run(capsys, "batch", str(tmp_path), "--format", "json")
    data = json.loads(out)
    assert code == 1  # a file could not be read: a problem with the input
    assert data["schema_version"] == 1 and data["summary"]["total"] == 2
    assert data["summary"]["action"] == {"fix_pr": 2}
    assert data["summary"]["errors"][0]["error"].endswith(
        "the file is empty; expected a GitHub Actions job log"
    )
    _, text, err = run(capsys, "batch", str(tmp_path))
    assert "2 job logs analysed" in text and "skipped:" not in text
    assert err.startswith("autorecover: skipped: ") and "the file is empty" in err


def test_batch_on_a_directory_without_logs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "batch", str(tmp_path))
    assert code == 1 and "no .log" in err


def test_batch_walks_subdirectories_and_archives(
    capsys: pytest.CaptureFixture[str], logs: dict[str, Path], tmp_path: Path
) -> None:
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    (tmp_path / "nested" / "deeper" / "copy.TXT").write_text(logs["black"].read_text())
    (tmp_path / "nested" / "binary.log").write_bytes(b"\x00\x01\x02")
    (tmp_path / "README.md").write_text("not a log\n")
    with zipfile.ZipFile(tmp_path / "run.zip", "w") as zf:
        zf.writestr("0_lint.txt", framed("would reformat a.py"))
        zf.writestr("1_test.txt", framed("E   ModuleNotFoundError: No module named 'yaml'"))
    code, out, err = run(capsys, "batch", str(tmp_path), "--format", "json")
    # No progress line when stderr is not a terminal; the unreadable file is said there.
    assert code == 1 and err.count("\n") == 1 and "binary.log" in err
    data = json.loads(out)
    sources = [result["source"] for result in data["results"]]
    assert sources == [
        str(logs["black"]),
        str(tmp_path / "nested" / "deeper" / "copy.TXT"),
        f"{tmp_path / 'run.zip'}:lint",
        f"{tmp_path / 'run.zip'}:test",
        str(logs["yaml"]),
    ]
    summary = data["summary"]
    assert summary["total"] == 5
    assert summary["category"] == {"linting_error": 3, "dependency_issue": 2}
    assert [e["source"] for e in summary["errors"]] == [str(tmp_path / "nested" / "binary.log")]
    assert "binary data" in summary["errors"][0]["error"]


def test_batch_text_lists_every_result_then_the_summary(
    capsys: pytest.CaptureFixture[str], logs: dict[str, Path], tmp_path: Path
) -> None:
    (tmp_path / "gone.log").write_bytes(b"\x1f\x8b\x08\x00")
    code, out, err = run(capsys, "batch", str(tmp_path))
    assert code == 1
    body, summary = out.split("\n2 job logs analysed\n")
    assert body.count("Fingerprint: ") == 2
    assert body.index(str(logs["black"])) < body.index(str(logs["yaml"]))
    assert summary.splitlines() == [
        "  by category: linting_error 1, dependency_issue 1",
        "  by severity: low 1, medium 1",
        "  by action: fix_pr 2",
    ]
    assert err == (
        f"autorecover: skipped: {tmp_path / 'gone.log'}: this is gzip-compressed data; "
        "decompress it first (gunzip)\n"
    )


def test_batch_over_the_corpus_analyses_every_file(capsys: pytest.CaptureFixture[str]) -> None:
    directory = DATA / "logs" / "success"
    code, out, _ = run(
        capsys, "batch", str(directory), "--format", "json", "--conclusion", "success"
    )
    data = json.loads(out)
    assert code == 0 and data["summary"]["errors"] == []
    assert data["summary"]["total"] == len(list(directory.glob("*.log")))
    assert data["summary"]["action"] == {"none": data["summary"]["total"]}


@pytest.mark.parametrize(
    ("target", "message"),
    [("missing", "missing: not a directory"), ("file.log", "file.log: not a directory")],
    ids=["missing", "a-file"],
)
def test_batch_needs_a_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, target: str, message: str
) -> None:
    (tmp_path / "file.log").write_text(framed("would reformat a.py"))
    code, out, err = run(capsys, "batch", str(tmp_path / target))
    assert (code, out) == (1, "") and message in err and err.count("\n") == 1


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_log_text_printed_in_a_workflow_step_is_inert_t07(tmp_path: Path, fmt: str) -> None:
    """Attack through `autorecover analyze` run as a workflow step: the log's lines reach
    stdout, where the runner executes `::command::` lines and `##[...]` anywhere in a line."""
    import os
    import subprocess
    import sys

    from testing.runner import Runner

    log = tmp_path / "hostile.log"
    log.write_text(
        "##[group]Run ./deploy.sh\n"
        "fatal: ::add-mask::secret-part\n"
        "error: ##[set-output name=x]y and ##[warning]forged\n"
        "::error file=x.py::forged annotation\n"
        "##[error]Process completed with exit code 1.\n"
    )
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    proc = subprocess.run(
        [sys.executable, "-m", "autorecover", "analyze", str(log), "--format", fmt],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    runner = Runner()
    executed = [runner.parse(line) for line in proc.stdout.splitlines()]
    assert [e for e in executed if e] == []
    if fmt == "json":
        assert "##[set-output" in json.loads(proc.stdout)["evidence"][1]["text"]


@pytest.mark.parametrize(
    ("options", "action"), [((), "rerun"), (("--runner", "self-hosted"), "issue")]
)
def test_runner_kind(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, options: tuple[str, ...], action: str
) -> None:
    log = tmp_path / "dns.log"
    log.write_text(framed("curl: (6) Could not resolve host: github.com"))
    code, out, _ = run(capsys, "analyze", str(log), "--format", "json", *options)
    assert code == 0 and json.loads(out)["action"] == action


def test_a_zip_of_ten_thousand_entries_is_refused_at_the_default_cap_t45(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The row's own size, not a stand-in: 10,000 entries against the default cap (2,000),
    refused with a clear error before any entry is read, and nothing written to disk."""
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for n in range(10_000):
            zf.writestr(f"{n}_job{n}/../../x{n}.txt", "x\n")
    before = sorted(tmp_path.rglob("*"))
    code, out, err = run(capsys, "analyze", str(archive))
    assert code == 1 and "entries" in err and out == ""
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.slow
def test_a_zip_past_the_default_expansion_budget_is_refused_t45(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """At the row's own size: 300 entries of 15 MiB (each under the 16 MiB the ratio check
    waits for, so no single entry looks like a bomb) expand to 4.4 GiB from a 5 MB zip;
    the default total budget (4 GiB) stops it with a clear error, and nothing is written."""
    archive = tmp_path / "wide.zip"
    line = b"0" * 4095 + b"\n"
    entry = line * (15 * 256)  # 15 MiB
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in range(300):
            zf.writestr(f"{n}_job{n}.txt", entry)
    assert archive.stat().st_size < 20 * 1024 * 1024
    before = sorted(tmp_path.rglob("*"))
    code, out, err = run(capsys, "analyze", str(archive))
    assert code == 1 and out == ""
    assert "expand to more than 4294967296 bytes in all" in err
    assert sorted(tmp_path.rglob("*")) == before


def test_analyze_starts_without_the_config_model_or_the_yaml_parser(
    logs: dict[str, Path],
) -> None:
    """pydantic and the YAML parser were a third each of `analyze`'s start-up: without a
    --config file neither is imported (core/settings.py, core/datafile.py)."""
    import subprocess
    import sys

    probe = (
        "import sys; from autorecover.cli import main; code = main(sys.argv[1:]); "
        "print([m for m in ('pydantic', 'yaml', 'jinja2', 'requests') if m in sys.modules]); "
        "sys.exit(code)"
    )
    argv = [sys.executable, "-c", probe, "analyze", "--format", "json", str(logs["yaml"])]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert '"rule": "python-module-not-found"' in done.stdout
    assert done.stdout.rstrip().endswith("[]")
