"""`autorecover recover` and `execute` on a local log and working tree."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from autorecover.cli import main
from testing import ROOT

LOG = ROOT / "examples" / "logs" / "black-check.log"
PROJECT = ROOT / "examples" / "project"


def test_recover_prints_the_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recover", str(LOG), "-C", str(PROJECT), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (decision,) = data["plan"]["decisions"]
    assert (decision["action"], decision["fixes"]) == ("fix_pr", ["black"])


def committed(project: Path) -> Path:
    """`project` as a git repository with one commit of all its files."""
    env = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "PATH": "/usr/bin:/bin"}
    for argv in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *argv], cwd=project, env=env, check=True)
    return project


def test_execute_dry_run_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    committed(project)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert main(["execute", str(LOG), "-C", str(project), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "+from dataclasses import dataclass, field" in out
    assert "<!-- autorecover:fingerprint=" in out and "How it was verified" in out
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_execute_fixes_the_working_tree(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    committed(project)
    assert main(["execute", str(LOG), "-C", str(project)]) == 0
    assert "fixed, uncommitted" in capsys.readouterr().out
    assert "from dataclasses import dataclass, field" in (project / "src/shop/cart.py").read_text()


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]], ids=["in-place", "dry-run"])
def test_execute_needs_a_git_repository(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dry_run: list[str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    assert main(["execute", str(LOG), "-C", str(project), *dry_run]) == 1
    assert "not a git repository" in capsys.readouterr().err


def test_a_dry_run_formats_only_tracked_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    committed(project)
    (project / "src" / "shop" / "scratch.py").write_text("x = {  'a':1 }\n")  # untracked
    assert main(["execute", str(LOG), "-C", str(project), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "src/shop/cart.py" in out and "scratch.py" not in out


def test_execute_shows_the_issue_it_would_open(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "deploy.log"
    log.write_text(
        "##[group]Run ./deploy.sh\n##[endgroup]\nquota spent\n##[error]Process completed with exit code 1.\n"
    )
    assert main(["execute", str(log), "-C", str(PROJECT), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "== issue it would open: [autorecover] Unrecognised failure" in out
    assert "quota spent" in out


def test_recover_on_a_missing_repo(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["recover", str(LOG), "-C", str(tmp_path / "nope")]) == 1
    assert "not a directory" in capsys.readouterr().err


def test_a_ruff_config_that_cannot_be_checked_is_not_used_t06(tmp_path: Path) -> None:
    """Attack through `autorecover execute --dry-run`: a pyproject.toml that tomllib rejects
    (ruff accepts the trailing comma) hides an `extend` of a file outside the repository
    (in the action, `/proc/1/environ`). Unchecked, ruff prints that file's first line in its
    parse error, and autorecover the error; the check fails closed instead."""
    import os
    import subprocess
    import sys

    project = tmp_path / "project"
    (project / "geo").mkdir(parents=True)
    (project / "geo" / "bbox.py").write_text(
        "from dataclasses import dataclass\n@dataclass(frozen=True)\nclass B:\n    x: int\n"
    )
    (tmp_path / "outside.toml").write_text("deploy_note = outside-the-repository-7731\n")
    (project / "pyproject.toml").write_text(
        f'[tool.ruff]\nextend = "{tmp_path / "outside.toml"}"\nlint = {{ select = ["E"], }}\n'
    )
    committed(project)
    log = ROOT / "tests" / "data" / "logs" / "tools" / "ruff-format-check.log"
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, "-m", "autorecover", "execute", str(log), "-C", str(project), "--dry-run"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "outside-the-repository-7731" not in proc.stdout + proc.stderr
    assert "could not be read or parsed" in proc.stdout


def test_a_local_body_links_nowhere_it_cannot_and_names_the_real_commit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A local run has no URL on GitHub: the PR body says "local run" without a link, and
    shows the commit the working tree is on, not a made-up one."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    committed(project)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert main(["execute", str(LOG), "--repo", str(project), "--dry-run"]) == 0
    body = capsys.readouterr().out.split("== the pull request body\n", 1)[1]
    assert "]()" not in body and "000000000000" not in body
    assert f"fixed what made local run fail at `{head[:12]}`." in body
    assert "1 file, with" in body and "(s)" not in body
